package intake_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/intake"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// domains are the kinds of app a bureau builds, each with the words its apps use. Generated apps
// of one domain overlap heavily (as the duplicates across 支队 do), which makes posting lists
// long: a harder case for the search than random text.
var domains = []struct {
	stems     []string
	functions []string
	forms     []string
}{
	{[]string{"监督检查", "执法", "防火监督"}, []string{"双随机抽查", "检查记录", "执法文书", "隐患整改", "复查销案", "执法记录仪"}, []string{"消防监督检查记录", "责令改正通知书"}},
	{[]string{"值班", "考勤", "执勤"}, []string{"值班排班", "考勤打卡", "交接班", "请假登记", "出勤统计"}, []string{"值班登记表"}},
	{[]string{"车辆装备", "器材", "装备"}, []string{"车辆台账", "器材台账", "维修保养", "加油里程", "报废审批"}, []string{"车辆维修保养记录"}},
	{[]string{"训练考核", "体能训练", "业务训练"}, []string{"训练计划", "成绩录入", "考核统计", "训练伤防护"}, []string{"训练成绩登记表"}},
	{[]string{"财务报销", "经费", "预算"}, []string{"差旅报销", "费用审批", "预算执行", "票据上传"}, []string{"差旅费报销单"}},
	{[]string{"水源", "消火栓", "供水"}, []string{"水源登记", "消火栓巡检", "故障报修", "水源地图"}, []string{"消防水源巡检记录"}},
	{[]string{"户籍化", "重点单位", "社会单位"}, []string{"管理人备案", "防火巡查", "自查上报", "设施维保"}, []string{"消防安全自查表"}},
	{[]string{"宣传", "科普", "新媒体"}, []string{"安全常识", "科普视频", "知识答题", "活动报名"}, nil},
	{[]string{"学习教育", "理论学习", "党建"}, []string{"理论学习", "专题教育", "在线测试", "心得体会"}, nil},
	{[]string{"物资", "仓储", "战勤保障"}, []string{"物资入库", "物资出库", "库存盘点", "调拨申请"}, []string{"物资调拨单"}},
	{[]string{"火灾调查", "事故调查"}, []string{"现场勘验", "询问笔录", "物证登记", "认定书"}, []string{"火灾现场勘验笔录"}},
	{[]string{"心理健康", "心理服务"}, []string{"心理测评", "咨询预约", "心理档案"}, []string{"心理测评问卷"}},
	{[]string{"营区", "门禁", "访客"}, []string{"门禁识别", "访客预约", "进出记录"}, []string{"访客登记表"}},
	{[]string{"会议", "会议室"}, []string{"会议室预约", "视频会议", "会议纪要"}, nil},
	{[]string{"公文", "办公", "OA"}, []string{"公文收发", "电子签批", "督办跟踪", "通知公告"}, []string{"发文稿纸"}},
	{[]string{"指挥调度", "作战", "灭火救援"}, []string{"警情推送", "力量调派", "预案查询", "现场图传"}, nil},
}

var places = []string{"成都", "自贡", "攀枝花", "泸州", "德阳", "绵阳", "广元", "遂宁", "内江", "乐山", "南充", "眉山", "宜宾", "广安",
	"达州", "雅安", "巴中", "资阳", "阿坝", "甘孜", "凉山"}

var prefixes = []string{"", "智慧", "掌上", "移动", "数字", "云"}
var suffixes = []string{"管理系统", "App", "平台", "小程序", "通", "服务平台"}

// seedApps records n generated apps, deterministic for a seed, across the 21 支队.
func seedApps(b testing.TB, db *store.DB, n int) {
	ctx := context.Background()
	ost := &org.Store{DB: db}
	root, err := ost.CreateUnit(ctx, org.System, org.UnitInput{Code: "SC", Name: "四川省消防救援总队", Kind: org.Corps})
	must(b, err)
	var units []int64
	for i, p := range places {
		u, err := ost.CreateUnit(ctx, org.System, org.UnitInput{Code: fmt.Sprintf("D%02d", i), Name: p + "市消防救援支队", Kind: org.Detachment, ParentID: root.ID})
		must(b, err)
		units = append(units, u.ID)
	}
	r := rand.New(rand.NewPCG(1, 2))
	must(b, db.Tx(ctx, func(tx *sql.Tx) error {
		for i := range n {
			d := domains[r.IntN(len(domains))]
			u := r.IntN(len(units))
			stem := d.stems[r.IntN(len(d.stems))]
			fs := append([]string(nil), d.functions...)
			r.Shuffle(len(fs), func(a, b int) { fs[a], fs[b] = fs[b], fs[a] })
			fs = fs[:2+r.IntN(len(fs)-1)]
			name := places[u] + prefixes[r.IntN(len(prefixes))] + stem + suffixes[r.IntN(len(suffixes))]
			purpose := fmt.Sprintf("%s支队各级人员使用,主要用于%s、%s等工作,提高%s效率。", places[u], fs[0], fs[len(fs)-1], stem)
			_, err := catalog.CreateTx(ctx, tx, org.System, catalog.Input{Code: fmt.Sprintf("GEN-%04d", i), Kind: catalog.App, Name: name,
				Platform: "App", UnitID: units[u], Purpose: purpose, Functions: fs, App: &catalog.AppDetails{Forms: d.forms}})
			if err != nil {
				return err
			}
		}
		return nil
	}))
}

var benchQuery = catalog.Input{Kind: catalog.App, Name: "市政消火栓巡查App",
	Purpose:   "对辖区市政消火栓和消防水池开展日常巡查，记录维护保养情况，发现故障上报维修，在地图上查看水源分布。",
	Functions: []string{"消火栓巡查", "维护保养记录", "故障上报", "水源分布地图"}, App: &catalog.AppDetails{Forms: []string{"消防水源巡检记录"}}}

// BenchmarkSimilarApps1k is the 查重 button over 1,000 apps on SQLite: warm is the usual case (the
// cached index, after the version check and the settings read); cold includes reading the 1,000
// apps and building the index, which happens once after each inventory change.
func BenchmarkSimilarApps1k(b *testing.B) {
	db := storetest.SQLite(b)
	seedApps(b, db, 1000)
	ctx := context.Background()
	b.Run("warm", func(b *testing.B) {
		s := intake.New(db)
		ms, err := s.Similar(ctx, org.System, benchQuery, nil)
		must(b, err)
		if len(ms) == 0 {
			b.Fatal("no matches: the generated inventory has 消火栓 apps")
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := s.Similar(ctx, org.System, benchQuery, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := intake.New(db).Similar(ctx, org.System, benchQuery, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package demo

import (
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/jianfu-gov/jianfu/internal/classify"
	"github.com/jianfu-gov/jianfu/internal/ingest"
)

// The texts of generated messages. They are expanded once into a pool of finished strings, so
// that generating a message is picking an index: no formatting per message, and the same string
// shared by every message that says it. Each template carries the flags it is meant to raise;
// the tests hold classify.Default() to that intent, so a template that drifts from the patterns
// is caught (and fixed here, not in the classifier).

// Message categories: who sends them and how often they occur.
const (
	catDemand     = iota // a demand on the recipients (收到, 接龙, 打卡, 留痕, 材料 …), from a leader
	catNotice            // a notice without demands, from a leader
	catPlain             // an ordinary reply or remark, from anyone
	catMedia             // a picture, file, voice … without text
	catOutsider          // what outsiders in liaison groups write
	catReply             // a reply to a demand for 收到
	catChainReply        // a reply to a 接龙
	numCats
)

// textTemplate is one message pattern. {U}, {D}, {X} and {W} are filled from the lists below;
// {D} always raises the deadline flag, which its presence adds to Flags.
type textTemplate struct {
	Cat    int
	Text   string
	Kind   ingest.MsgKind
	Flags  []classify.Flag
	Weight int  // relative frequency within its category
	Burst  bool // recipients answer it at once (回复收到, 接龙): a run of replies follows
}

// Fillers. None of them may raise a flag on its own (except {D}, which must raise deadline).
var (
	fillU = []string{"各站", "各单位", "各班", "各位", "各科室", "大家"}
	fillD = []string{"今晚8点前", "今天下班前", "明天上午10点前", "18点前", "中午12点前", "下午5点半前", "半小时内", "30分钟内", "周五下班前"}
	fillX = []string{"冬季火灾防控", "消防安全大排查", "国庆安保", "实战化训练考核", "高层建筑灭火演练", "电动自行车火灾隐患整治",
		"夏训总结", "消防宣传月", "执勤战备检查", "廉政教育", "应急通信保障演练", "森林草原防灭火"}
	fillW = []string{"大型商业综合体", "老旧小区", "中小学校", "养老机构", "高层住宅", "九小场所"}
)

const (
	fR = classify.ReplyReceived
	fC = classify.Chain
	fK = classify.Checkin
	fP = classify.Proof
	fM = classify.Materials
	fD = classify.Deadline
	fA = classify.AtAll
	fF = classify.Forwarded
)

var textTemplates = []textTemplate{
	// Demands: the burdens the campaign is about.
	{catDemand, "请{U}收到后回复。", ingest.MsgText, []classify.Flag{fR}, 6, true},
	{catDemand, "{X}工作方案已发群文件，请认真学习，回复收到。", ingest.MsgText, []classify.Flag{fR}, 6, true},
	{catDemand, "关于{X}的通知，看到请回复1。", ingest.MsgText, []classify.Flag{fR}, 4, true},
	{catDemand, "请{U}{D}回复收到。", ingest.MsgText, []classify.Flag{fR}, 5, true},
	{catDemand, "@所有人 请{U}{D}回复收到。", ingest.MsgText, []classify.Flag{fA, fR}, 3, true},
	{catDemand, "请{U}接龙报送今日在岗人数。", ingest.MsgText, []classify.Flag{fC, fM}, 4, true},
	{catDemand, "接龙：{X}参训人员名单，请在后面接上姓名。", ingest.MsgPoll, []classify.Flag{fC}, 5, true},
	{catDemand, "请{U}{D}在群里接龙确认参加{X}的人员。", ingest.MsgPoll, []classify.Flag{fC}, 3, true},
	{catDemand, "请{U}按格式接龙报数：单位+应到+实到。", ingest.MsgPoll, []classify.Flag{fC, fM}, 3, true},
	{catDemand, "请大家{D}完成打卡。", ingest.MsgText, []classify.Flag{fK}, 4, false},
	{catDemand, "每日上午9点前在小程序上签到，不签到的通报。", ingest.MsgText, []classify.Flag{fK, fD}, 3, false},
	{catDemand, "请各位到岗后打卡，{D}未打卡的点名。", ingest.MsgText, []classify.Flag{fK}, 3, false},
	{catDemand, "请各位在钉钉上完成签到，并截图发给我。", ingest.MsgText, []classify.Flag{fK, fP}, 2, false},
	{catDemand, "请{U}拍照上传{X}开展情况。", ingest.MsgText, []classify.Flag{fP}, 4, false},
	{catDemand, "训练结束后请截图发群里留痕。", ingest.MsgText, []classify.Flag{fP}, 3, false},
	{catDemand, "请把当前定位发到群里。", ingest.MsgText, []classify.Flag{fP}, 2, false},
	{catDemand, "夜间查岗：请各班拍一段视频发群里。", ingest.MsgText, []classify.Flag{fP}, 2, false},
	{catDemand, "请{U}{D}报送{X}材料。", ingest.MsgText, []classify.Flag{fM}, 5, false},
	{catDemand, "请填写附件中的{X}登记表，{D}交到办公室。", ingest.MsgFile, []classify.Flag{fM}, 3, false},
	{catDemand, "请各站报一下今天的在岗人数。", ingest.MsgText, []classify.Flag{fM}, 3, false},
	{catDemand, "请{U}{D}上报本周{X}开展情况。", ingest.MsgText, []classify.Flag{fM}, 4, false},
	{catDemand, "@所有人 {X}工作推进表请{D}填报。", ingest.MsgText, []classify.Flag{fA, fM}, 2, false},
	{catDemand, "各站站长请30分钟内把{X}的人员名单发我。", ingest.MsgText, []classify.Flag{fM, fD}, 2, false},
	{catDemand, "今晚8点前各站报送营区封闭管理情况，并拍照上传。", ingest.MsgText, []classify.Flag{fM, fD, fP}, 2, false},
	{catDemand, "请各站立即报告出动力量情况。", ingest.MsgText, []classify.Flag{fM, fD}, 2, false},
	{catDemand, "请大家填一下问卷，{D}完成。", ingest.MsgLink, []classify.Flag{fM}, 2, false},

	// Notices: information without a demand.
	{catNotice, "【通知】明天上午9:00在三楼会议室召开{X}工作部署会，请{U}负责人参加。", ingest.MsgText, nil, 4, false},
	{catNotice, "值班安排：本周六一班值班，周日二班值班，请相互提醒。", ingest.MsgText, nil, 4, false},
	{catNotice, "安全提示：近期气温下降，请加强车辆防冻和用火用电管理。", ingest.MsgText, nil, 3, false},
	{catNotice, "防火检查：本周重点检查辖区{W}和人员密集场所。", ingest.MsgText, nil, 4, false},
	{catNotice, "训练通知：下午3点在训练场开展{X}训练，统一着作训服。", ingest.MsgText, nil, 4, false},
	{catNotice, "会议通知：周四下午召开月度工作例会，地点在支队三楼会议室。", ingest.MsgText, nil, 3, false},
	{catNotice, "近期高层建筑火灾多发，请大家提高警惕，严格值班值守。", ingest.MsgText, nil, 3, false},
	{catNotice, "明天天气：阴有小雨，气温12至18度，注意出行安全。", ingest.MsgText, nil, 2, false},
	{catNotice, "辖区一小区发生电动自行车火灾，无人员伤亡，请大家引以为戒。", ingest.MsgText, nil, 2, false},
	{catNotice, "本周五组织开展{X}实战演练，请各班做好准备。", ingest.MsgText, nil, 3, false},
	{catNotice, "{X}工作简报第12期已发布，供大家学习参考。", ingest.MsgText, nil, 2, false},
	{catNotice, "周末执勤期间请保持通讯畅通，遇警快速出动。", ingest.MsgText, nil, 2, false},
	{catNotice, "今天下午开展{X}专题学习，请大家准时参加。", ingest.MsgText, nil, 3, false},
	{catNotice, "{W}消防安全培训安排在本周三下午，{U}按计划组织。", ingest.MsgText, nil, 2, false},
	{catNotice, "@所有人 本周{X}工作要点已发群公告，请大家查看。", ingest.MsgText, []classify.Flag{fA}, 2, false},
	{catNotice, "【转发】关于开展{X}工作的通知", ingest.MsgFile, []classify.Flag{fF}, 2, false},
	{catNotice, "转发：总队关于加强{X}的通知", ingest.MsgText, []classify.Flag{fF}, 2, false},
	{catNotice, "现将{X}工作要求转发给大家，请认真学习。", ingest.MsgText, []classify.Flag{fF}, 1, false},

	// Ordinary talk.
	{catPlain, "好的", ingest.MsgText, nil, 8, false},
	{catPlain, "收到", ingest.MsgText, nil, 8, false},
	{catPlain, "好的，收到", ingest.MsgText, nil, 4, false},
	{catPlain, "明白", ingest.MsgText, nil, 3, false},
	{catPlain, "已完成", ingest.MsgText, nil, 3, false},
	{catPlain, "辛苦了", ingest.MsgText, nil, 3, false},
	{catPlain, "谢谢", ingest.MsgText, nil, 2, false},
	{catPlain, "没问题", ingest.MsgText, nil, 2, false},
	{catPlain, "已到岗", ingest.MsgText, nil, 2, false},
	{catPlain, "已处理", ingest.MsgText, nil, 2, false},
	{catPlain, "车辆已加满油", ingest.MsgText, nil, 1, false},
	{catPlain, "器材已检查完毕", ingest.MsgText, nil, 2, false},
	{catPlain, "今晚谁值班？", ingest.MsgText, nil, 1, false},
	{catPlain, "下午训练照常吗？", ingest.MsgText, nil, 2, false},
	{catPlain, "今天下雨，训练改到室内。", ingest.MsgText, nil, 1, false},
	{catPlain, "在路上了", ingest.MsgText, nil, 1, false},
	{catPlain, "正在处理中", ingest.MsgText, nil, 2, false},
	{catPlain, "同意", ingest.MsgText, nil, 1, false},
	{catPlain, "明白，已转告各班", ingest.MsgText, nil, 1, false},
	{catPlain, "辛苦各位👍", ingest.MsgText, nil, 2, false},
	{catPlain, "大家注意休息", ingest.MsgText, nil, 1, false},
	{catPlain, "{W}的隐患已整改到位", ingest.MsgText, nil, 1, false},
	{catPlain, "{X}的方案我再完善一下", ingest.MsgText, nil, 1, false},

	// Pictures, files and the like: no text, as platforms export them.
	{catMedia, "", ingest.MsgImage, nil, 60, false},
	{catMedia, "", ingest.MsgFile, nil, 20, false},
	{catMedia, "", ingest.MsgVoice, nil, 8, false},
	{catMedia, "", ingest.MsgVideo, nil, 4, false},
	{catMedia, "", ingest.MsgLink, nil, 6, false},
	{catMedia, "", ingest.MsgOther, nil, 2, false},

	// Outsiders in liaison groups.
	{catOutsider, "好的，收到", ingest.MsgText, nil, 4, false},
	{catOutsider, "谢谢消防队的提醒", ingest.MsgText, nil, 3, false},
	{catOutsider, "我们单位已经整改完毕", ingest.MsgText, nil, 2, false},
	{catOutsider, "请问灭火器到期了去哪里换？", ingest.MsgText, nil, 2, false},
	{catOutsider, "消防通道已经清理了", ingest.MsgText, nil, 2, false},
	{catOutsider, "好的，我们会通知员工", ingest.MsgText, nil, 2, false},
	{catOutsider, "明天可以来我们单位讲一堂消防课吗？", ingest.MsgText, nil, 1, false},
	{catOutsider, "", ingest.MsgImage, nil, 2, false},

	// Answers to demands.
	{catReply, "收到", ingest.MsgText, nil, 10, false},
	{catReply, "收到！", ingest.MsgText, nil, 4, false},
	{catReply, "1", ingest.MsgText, nil, 3, false},
	{catReply, "已阅", ingest.MsgText, nil, 2, false},
	{catReply, "好的", ingest.MsgText, nil, 2, false},
	{catReply, "明白", ingest.MsgText, nil, 1, false},
	{catChainReply, "已接龙", ingest.MsgText, nil, 3, false},
	{catChainReply, "", ingest.MsgPoll, nil, 5, false},
}

// textEntry is one finished text of the pool.
type textEntry struct {
	Text  string
	Kind  ingest.MsgKind
	Mask  classify.Mask // the flags the text is meant to raise
	Burst bool
}

// textPool is the expanded templates: entries, each template's variants, and per category a
// table of template indexes in which each template takes room in proportion to its weight, so
// that drawing a message's text is two index draws.
type textPool struct {
	entries  []textEntry
	variants [][]int32 // per template, its entries
	table    [numCats][]int32
}

// draw picks the text of a message of category cat.
func (p *textPool) draw(r *rand.Rand, cat int) int32 {
	v := p.variants[p.table[cat][r.IntN(len(p.table[cat]))]]
	if len(v) == 1 {
		return v[0]
	}
	return v[r.IntN(len(v))]
}

// maskOf builds a Mask from flags.
func maskOf(flags []classify.Flag) classify.Mask {
	var m classify.Mask
	for _, f := range flags {
		for i, g := range classify.Flags {
			if g == f {
				m |= 1 << i
			}
		}
	}
	return m
}

// flagBit is the Mask of one flag.
func flagBit(f classify.Flag) classify.Mask { return maskOf([]classify.Flag{f}) }

// demandMask are the flags that make a message a demand on its recipients' time, as the
// campaign counts them and as package activity's demands column does (收到, 接龙, 打卡, 留痕,
// 材料, 限时).
var demandMask = maskOf([]classify.Flag{fR, fC, fK, fP, fM, fD})

// expand fills a template's placeholders with every combination of fillers.
func expand(text string) []string {
	out := []string{text}
	for _, ph := range []struct {
		key  string
		fill []string
	}{{"{U}", fillU}, {"{D}", fillD}, {"{X}", fillX}, {"{W}", fillW}} {
		if !strings.Contains(text, ph.key) {
			continue
		}
		var next []string
		for _, s := range out {
			for _, f := range ph.fill {
				next = append(next, strings.ReplaceAll(s, ph.key, f))
			}
		}
		out = next
	}
	return out
}

// texts is the pool, built on first use.
var texts = sync.OnceValue(func() *textPool {
	p := &textPool{}
	for _, t := range textTemplates {
		m := maskOf(t.Flags)
		if strings.Contains(t.Text, "{D}") {
			m |= flagBit(fD)
		}
		var ids []int32
		for _, s := range expand(t.Text) {
			ids = append(ids, int32(len(p.entries)))
			p.entries = append(p.entries, textEntry{Text: s, Kind: t.Kind, Mask: m, Burst: t.Burst})
		}
		p.variants = append(p.variants, ids)
		for range t.Weight {
			p.table[t.Cat] = append(p.table[t.Cat], int32(len(p.variants)-1))
		}
	}
	return p
})

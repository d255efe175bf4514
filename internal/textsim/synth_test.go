package textsim

import (
	"math/rand/v2"
	"strings"
)

// Word lists for synthetic apps: objects an app handles, what it does with them, and the generic
// words that pad real descriptions. Combined at random they make documents that look like an
// inventory (many overlaps through shared objects and workflow words), for benchmarks and for
// the brute-force property test.
var (
	synthObjects = strings.Fields(`值班 考勤 营区 装备 器材 车辆 物资 训练 学习 党建 报销 经费 隐患 举报
		水源 消火栓 预案 警情 指挥 通信 档案 人事 健康 食堂 会议室 公文 宣传 培训 考核 请假 访客 门禁
		维修 保养 资产 保密 网络 监督 执法 文书 产品 调查 物联网 电气 高层 网格 志愿 招录 表彰 心理`)
	synthActions = strings.Fields(`登记 审批 统计 上报 查询 管理 签到 打卡 巡查 巡检 填报 预约 采集 发布
		调度 评估 检查 整改 复查 考试 排名 预警 推送 盘点 借用 报名 核查 反馈 定位 展示`)
	synthPads = strings.Fields(`系统 平台 小程序 App 智慧 移动 在线 信息 服务 综合 消防 支队 大队 全省`)
)

func pick(rng *rand.Rand, l []string) string { return l[rng.IntN(len(l))] }

// randomDocs makes n documents with IDs 1..n.
func randomDocs(rng *rand.Rand, n int) []Doc {
	docs := make([]Doc, n)
	for i := range docs {
		obj := pick(rng, synthObjects)
		d := Doc{ID: int64(i + 1)}
		if rng.IntN(10) > 0 {
			d.Name = pick(rng, synthPads) + obj + pick(rng, synthActions) + pick(rng, synthPads)
		}
		if rng.IntN(5) > 0 {
			var b strings.Builder
			for range 2 + rng.IntN(4) {
				b.WriteString(pick(rng, synthObjects) + pick(rng, synthActions) + "、")
			}
			b.WriteString(obj + pick(rng, synthActions) + "。")
			d.Purpose = b.String()
		}
		for range rng.IntN(6) {
			o := obj
			if rng.IntN(3) == 0 {
				o = pick(rng, synthObjects)
			}
			d.Functions = append(d.Functions, o+pick(rng, synthActions))
		}
		for range rng.IntN(3) {
			d.Forms = append(d.Forms, pick(rng, synthObjects)+pick(rng, synthActions)+"表")
		}
		docs[i] = d
	}
	return docs
}

package textsim

// stopWords are words that almost every government or fire-rescue app description contains and
// that therefore say nothing about what an app does: "消防监督检查系统" and "消防车辆管理平台" share
// 消防, 系统 and 管理 yet have nothing to merge. They are cut out of the text before n-grams are
// formed, which also removes the bigrams that straddle them (防监 in 消防监督, 统管 in 系统管理).
// IDF already down-weights frequent features; the list matters for short texts such as names,
// where two or three generic words would otherwise outweigh the one word that counts
// (TestStopListHelps measures it on the labelled set).
//
// The list is data: keep it short and generic. A word belongs here only if it is frequent across
// unrelated apps; a word that separates apps (值班, 报销, 装备, 隐患) never does. Matching is
// leftmost-longest on the normalised (simplified, lower-case) text.
var stopWords = []string{
	// What every app is: 系统, 平台, 小程序 …
	"系统", "平台", "小程序", "程序", "应用", "app", "软件", "终端", "客户端", "公众号", "网站",
	"h5", "pc", "web",
	// Fashionable modifiers that do not name a function.
	"智慧", "智能", "数字", "数字化", "信息化", "一体化", "综合", "移动", "掌上", "在线", "网上", "线上",
	"云", "互联网", "大数据",
	// Generic verbs and nouns of government IT.
	"管理", "信息", "服务", "工作", "业务", "功能", "模块", "数据", "提供", "支持", "实现", "开展",
	"进行", "相关", "用于", "面向", "通过", "以及", "及时", "自动", "情况",
	// The service itself and its levels: every app here belongs to it.
	"消防", "救援", "消防救援", "指战员", "队伍", "全省", "总队", "支队", "大队",
}

// connectives join the items of a description ("请假、审批和销假", "学习并参加考试"). They are cut
// like stop words, so that 和销 or 习并 never become features or shared terms. The list holds only
// characters that rarely begin or end a content word in this domain.
var connectives = "和及与并的或"

// stopUnigrams are function characters dropped as unigram features only. Cutting them out of the
// text would break real words (等 in 等级, 对 in 核对, 为 in 行为), so their bigrams stay.
var stopUnigrams = "的和及与等并或对为在了是将由其各"

// workflowWords are the steps every government app goes through: apply, approve, register, query,
// count, report. Two apps that share them share a process, not a purpose: "培训报名" and
// "技能鉴定报名" both 报名 and 查询 证书, yet train and certify different things. They are kept
// (they still separate 报销 from 报名) but weighted down by options.workflowWeight, so that
// the objects an app handles (值班, 隐患, 装备, 学习) decide the score.
var workflowWords = []string{
	"申请", "审批", "审核", "登记", "查询", "统计", "上报", "汇总", "填报", "报名", "记录", "录入",
	"发布", "提醒", "推送", "通知", "反馈", "处置", "处理", "受理", "流转", "分析", "展示", "导出",
	"打印", "上传", "下发", "预约", "评价", "评定", "排名", "排行", "档案", "台账", "报表", "计划",
	"任务", "安排", "证书", "状态", "定位", "拍照", "每日", "日常", "定期", "年度", "月度", "使用",
	"建立", "生成", "完成", "参加", "组织", "落实", "人员", "结果", "办理", "进度", "考核", "考评",
}

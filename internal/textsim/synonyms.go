package textsim

import "strings"

// synonymSets are words that government and fire-rescue apps use interchangeably, one set per
// line, the first word naming the set. Character n-grams cannot see that 签到 and 打卡, or 报销
// and 报账, mean the same thing, yet different 支队 name the same app with exactly such pairs
// ("值班考勤打卡" and "执勤签到系统"). Each occurrence of a word adds one concept feature
// (conceptPrefix + first word), on top of the word's own n-grams, weighted by
// options.conceptWeight and by its idf like any other feature. A shared concept is explained as
// "签到≈打卡".
//
// The sets cover the vocabulary of the bureau's apps broadly (attendance, leave, money, public
// reports, patrols, training, study, publicity, camp and logistics, personnel, operations,
// communications). Add a set when two words are used for the same thing across units; do not add
// words that are merely related (培训 is not 学习: one trains the public, the other is political
// study).
var synonymSets = []string{
	// Attendance, duty and leave.
	"签到 打卡 考勤 点名 点到",
	"值班 执勤 勤务 值守",
	"请假 休假 请销假 年休假",
	// Money.
	"报销 报账",
	"发票 票据",
	"经费 费用 资金",
	// The public and its reports.
	"举报 投诉 随手拍 爆料",
	"群众 市民 公众 居民",
	// Patrols and hazards.
	"巡查 巡检 巡逻 巡视",
	// Training, study, exams, publicity.
	"训练 练兵 操练",
	"学习 学堂 党校 课堂",
	"考试 答题 测试 竞答 测验",
	"宣传 科普 宣教",
	// Camp and logistics.
	"访客 来访 来客",
	"门禁 营门 门岗",
	"食堂 伙食 就餐 报餐 订餐 用餐",
	"维修 报修 修缮",
	"保养 维护 维保",
	"装备 器材",
	"物资 物品",
	"车辆 用车 派车 公车",
	// Personnel and honours.
	"表彰 奖励 嘉奖 立功 评优",
	"招录 招聘 招收 招考",
	// Operations.
	"警情 报警 接警 火警",
	"调度 调派 派遣 调配",
	"消火栓 消防栓 水源 取水点",
	// Communications and office.
	"通讯录 通信录 电话簿 电话本",
	"会议室 会场",
	"公文 收文 发文",
	"报表 统计表",
	"健康 体温",
}

// conceptPrefix marks a concept feature; normalised text never contains it.
const conceptPrefix = "\x01"

// synonymOf maps each normalised synonym to its set's name, and synonymFirst indexes the words by
// their first rune, longest first, for leftmost-longest matching inside a Chinese run.
var (
	synonymOf    = map[string]string{}
	synonymFirst = map[rune][][]rune{}
)

func init() {
	for _, line := range synonymSets {
		ws := strings.Fields(line)
		for _, w := range ws {
			w = Normalize(w)
			synonymOf[w] = Normalize(ws[0])
			r := []rune(w)
			synonymFirst[r[0]] = append(synonymFirst[r[0]], r)
		}
	}
	for _, v := range synonymFirst {
		sortLongestFirst(v)
	}
}

// synonymsIn calls fn for each synonym in a Chinese run, leftmost-longest, without overlaps.
func synonymsIn(run []rune, fn func(word, concept string)) {
	for i := 0; i < len(run); {
		n := prefixAt(run, i, synonymFirst[run[i]])
		if n == 0 {
			i++
			continue
		}
		w := string(run[i : i+n])
		fn(w, synonymOf[w])
		i += n
	}
}

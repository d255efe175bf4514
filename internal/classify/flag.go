package classify

// Flag names one kind of burden a message can put on its recipients. The names are stable: they
// are stored with message metadata and used as section names in the patterns file.
type Flag string

// The flags, in the order Result.Flags lists them.
const (
	ReplyReceived Flag = "reply_received" // 要求回复"收到" (or 1, 已阅)
	Chain         Flag = "chain"          // 接龙
	Checkin       Flag = "checkin"        // 打卡/签到
	Proof         Flag = "proof"          // 截图/拍照/视频/定位 留痕
	Materials     Flag = "materials"      // 索要材料, 填表, 报数
	Deadline      Flag = "deadline"       // 限时或即时响应: 半小时内, 立即, 今天下班前, 18点前
	AtAll         Flag = "at_all"         // @所有人 in the text or in the message metadata
	Forwarded     Flag = "forwarded"      // 转发的通知, in the text or in the message metadata
)

// Flags lists every flag in canonical order; a Mask bit i stands for Flags[i].
var Flags = []Flag{ReplyReceived, Chain, Checkin, Proof, Materials, Deadline, AtAll, Forwarded}

// NumFlags is len(Flags).
const NumFlags = 8

// Mask is a set of flags, bit i for Flags[i]. It is what to store per message: one byte.
type Mask uint8

// Has reports whether f is in m.
func (m Mask) Has(f Flag) bool {
	i := flagIndex(f)
	return i >= 0 && m&(1<<i) != 0
}

// List returns the flags in m in canonical order.
func (m Mask) List() []Flag {
	var out []Flag
	for i, f := range Flags {
		if m&(1<<i) != 0 {
			out = append(out, f)
		}
	}
	return out
}

func flagIndex(f Flag) int {
	for i, g := range Flags {
		if g == f {
			return i
		}
	}
	return -1
}

package activity

import "github.com/jianfu-gov/jianfu/internal/classify"

// counters are the message figures every rollup keeps: how many messages, how many after hours,
// how many carried a demand, and how many carried each of classify's flags.
type counters struct {
	Messages   int64
	AfterHours int64
	Demands    int64
	Flags      [classify.NumFlags]int64
}

// demandMask is the flags that ask something of the recipient (收到, 接龙, 打卡, 留痕, 材料, 限时);
// @所有人 and forwarding only make a message louder.
const demandMask classify.Mask = 1<<0 | 1<<1 | 1<<2 | 1<<3 | 1<<4 | 1<<5

func (c *counters) addMessage(mask classify.Mask, afterHours bool) {
	c.Messages++
	if afterHours {
		c.AfterHours++
	}
	if mask&demandMask != 0 {
		c.Demands++
	}
	for i := range c.Flags {
		if mask&(1<<i) != 0 {
			c.Flags[i]++
		}
	}
}

func (c *counters) add(o *counters) {
	c.Messages += o.Messages
	c.AfterHours += o.AfterHours
	c.Demands += o.Demands
	for i := range c.Flags {
		c.Flags[i] += o.Flags[i]
	}
}

func (c *counters) sub(o *counters) {
	c.Messages -= o.Messages
	c.AfterHours -= o.AfterHours
	c.Demands -= o.Demands
	for i := range c.Flags {
		c.Flags[i] -= o.Flags[i]
	}
}

// values lists the counters in the column order of flagColumns, after messages/received.
func (c *counters) values(out []any) []any {
	out = append(out, c.Messages, c.AfterHours, c.Demands)
	for _, f := range c.Flags {
		out = append(out, f)
	}
	return out
}

// flagColumns are the rollup columns that follow the count, in counters order.
var flagColumns = []string{"after_hours", "demands", "reply_received", "chain", "checkin", "proof", "materials", "deadline", "at_all", "forwarded"}

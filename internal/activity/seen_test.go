package activity

import (
	"fmt"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/ingest"
)

// TestSeenSet checks the table through its growth: every message is new once and a duplicate
// after, whether it has a platform id or is known by its content.
func TestSeenSet(t *testing.T) {
	s := newSeenSet()
	at := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
	msg := func(i int) ingest.Message {
		m := ingest.Message{Sender: "P1", At: at.Add(time.Duration(i) * time.Second), Text: "收到"}
		if i%2 == 0 {
			m.ID = fmt.Sprint("m", i)
		}
		return m
	}
	const n = 200_000 // far past the first tables of 1024 slots per shard
	for i := range n {
		m := msg(i)
		if !s.firstTime(int32(i%7), &m) {
			t.Fatalf("message %d taken for a duplicate", i)
		}
	}
	for i := range n {
		m := msg(i)
		if s.firstTime(int32(i%7), &m) {
			t.Fatalf("message %d seen twice as new", i)
		}
	}
	// The same id in another group is another message.
	m := msg(0)
	if !s.firstTime(99, &m) {
		t.Error("same id in another group taken for a duplicate")
	}
}

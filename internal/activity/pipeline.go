package activity

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"runtime"
	"slices"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/classify"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/ingest"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// Options say how to ingest one batch.
type Options struct {
	// BatchID names the batch; a batch whose id was ingested before counts nothing. Empty means
	// "sha256:" and the hash of the file's bytes, so the same file sent twice counts once.
	BatchID string
	Source  string        // the file name or "api", for the record and for format detection
	Format  ingest.Format // "" detects it from Source and the first bytes
	Kind    ingest.Kind   // "" detects it from the header or per NDJSON line
	Now     time.Time     // zero means time.Now(); times after it are rejected
	DryRun  bool          // check and count, write nothing
	Strict  bool          // write nothing if any row is rejected
	// KeepRaw keeps one row per message in act_messages; KeepText also keeps the text. Both
	// follow the settings activity.keep_raw and activity.keep_text (see LoadSettings).
	KeepRaw, KeepText bool
	Calendar          *calendar.Calendar // nil loads the bureau's calendar
	Classifier        *classify.Classifier
	Actor             org.Principal
	// Progress, if set, is called now and then with the bytes (files) or records (generated
	// data) read so far.
	Progress func(n int64)
	Workers  int // 0 means one per CPU
}

// maxFutureSkew allows for clocks of the platforms that send data being a little ahead.
const maxFutureSkew = 5 * time.Minute

var minTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// chunk is a slice of the input for one worker: NDJSON lines still to parse, or records another
// reader already parsed, and the row errors that reader found.
type chunk struct {
	rows  []int
	lines [][]byte
	recs  []ingest.Record
	errs  []ingest.RowError
}

const chunkLines = 2048

// IngestFile ingests one file or request body: NDJSON lines are parsed on every core, CSV and XLSX
// by one reader and processed on every core. It never holds the whole input in memory.
func IngestFile(ctx context.Context, db *store.DB, r io.Reader, opt Options) (*Report, error) {
	if done, rep, err := alreadyIngested(ctx, db, opt.BatchID); err != nil || done {
		return rep, err
	}
	var sum hash.Hash
	if opt.BatchID == "" {
		sum = sha256.New()
		r = io.TeeReader(r, sum)
	}
	cr := &countingReader{r: r, progress: opt.Progress}
	br := bufio.NewReaderSize(cr, 1<<20)
	head, _ := br.Peek(512)
	format := opt.Format
	if format == "" {
		f, err := ingest.DetectFormat(opt.Source, head)
		if err != nil {
			return nil, errs.E(errs.Invalid, err.Error())
		}
		format = f
	}
	var produce func(ctx context.Context, out chan<- chunk) error
	if format == ingest.FormatNDJSON {
		produce = func(ctx context.Context, out chan<- chunk) error { return readLines(ctx, br, out) }
	} else {
		rd, err := ingest.NewReader(br, format, ingest.Options{Kind: opt.Kind})
		if err != nil {
			return nil, errs.E(errs.Invalid, err.Error())
		}
		defer rd.Close()
		produce = func(ctx context.Context, out chan<- chunk) error { return readRecords(ctx, rd, out) }
	}
	batchID := func() string {
		if opt.BatchID != "" {
			return opt.BatchID
		}
		// Drain what the parser did not read, so the hash covers the whole file.
		io.Copy(io.Discard, br)
		return "sha256:" + hex.EncodeToString(sum.Sum(nil))
	}
	return run(ctx, db, opt, produce, batchID)
}

// IngestRecords ingests records produced by gen (the demo's generator, or a connector), calling
// emit for each; it is IngestFile without parsing. opt.BatchID is required.
func IngestRecords(ctx context.Context, db *store.DB, gen func(emit func(ingest.Record) error) error, opt Options) (*Report, error) {
	if opt.BatchID == "" {
		return nil, errs.Field("batch_id", "批次编号不能为空")
	}
	if done, rep, err := alreadyIngested(ctx, db, opt.BatchID); err != nil || done {
		return rep, err
	}
	produce := func(ctx context.Context, out chan<- chunk) error {
		var c chunk
		var n int64
		err := gen(func(r ingest.Record) error {
			c.recs = append(c.recs, r)
			if len(c.recs) == chunkLines {
				select {
				case out <- c:
				case <-ctx.Done():
					return ctx.Err()
				}
				n += chunkLines
				if opt.Progress != nil {
					opt.Progress(n)
				}
				c = chunk{}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(c.recs) > 0 {
			out <- c
		}
		return nil
	}
	return run(ctx, db, opt, produce, func() string { return opt.BatchID })
}

// CheckBatchID validates a batch id a sender chose: 1–128 printable characters.
func CheckBatchID(id string) error {
	if id == "" || utf8.RuneCountInString(id) > 128 || !utf8.ValidString(id) {
		return errs.Field("batch_id", "批次编号应为 1–128 个字符")
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f {
			return errs.Field("batch_id", "批次编号不能含有控制字符")
		}
	}
	return nil
}

func run(ctx context.Context, db *store.DB, opt Options, produce func(context.Context, chan<- chunk) error, batchID func() string) (*Report, error) {
	if opt.BatchID != "" {
		if err := CheckBatchID(opt.BatchID); err != nil {
			return nil, err
		}
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Classifier == nil {
		opt.Classifier = classify.Default()
	}
	if opt.Calendar == nil {
		cal, err := calendar.Load(ctx, db)
		if err != nil {
			return nil, err
		}
		opt.Calendar = cal
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	w := &worker{opt: &opt, seen: newSeenSet(), now: opt.Now.Add(maxFutureSkew), today: dayOf(opt.Now)}
	aggs := make([]*agg, workers)
	ch := make(chan chunk, 2*workers)
	g, gctx := errgroup.WithContext(ctx)
	// The directory is read while the workers parse the first lines: on a large file that read
	// is a tenth of the time, and parsing needs no directory. w.dir is set before dirReady
	// closes, and read only after.
	dirReady := make(chan struct{})
	var dirErr error
	g.Go(func() error {
		defer close(dirReady)
		w.dir, dirErr = loadDirectory(gctx, db)
		return dirErr
	})
	g.Go(func() error {
		defer close(ch)
		return produce(gctx, ch)
	})
	for i := range aggs {
		a := newAgg()
		a.clock = newWorkClock(opt.Calendar)
		aggs[i] = a
		g.Go(func() error {
			var early []ingest.Record // parsed before the directory was read
			ready := false
			for c := range ch {
				if !ready {
					select {
					case <-dirReady:
						ready = true
					default:
						w.parse(a, &c, func(r *ingest.Record) { early = append(early, *r) })
						continue
					}
				}
				w.chunk(a, &c)
			}
			<-dirReady
			if w.dir == nil {
				return nil // the directory's error is the loader's to return
			}
			for i := range early {
				w.record(a, &early[i])
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		if dirErr != nil {
			return nil, dirErr
		}
		return nil, fmt.Errorf("activity: read %s: %w", opt.Source, err)
	}
	total := aggs[0]
	for _, a := range aggs[1:] {
		total.merge(a)
	}
	rep := &total.stats
	rep.finish()
	rep.BatchID, rep.Source, rep.DryRun = batchID(), opt.Source, opt.DryRun
	if opt.DryRun {
		return rep, nil
	}
	if opt.Strict && rep.Rejected > 0 {
		return rep, errs.E(errs.Invalid, fmt.Sprintf("有 %d 行未通过检查,整批未导入", rep.Rejected))
	}
	err := write(ctx, db, w.dir, total, rep, &opt)
	if errors.Is(err, errAlready) {
		_, stored, err := alreadyIngested(ctx, db, rep.BatchID)
		return stored, err
	}
	return rep, err
}

// worker holds what every worker shares: all read-only but the seen set, which locks itself.
type worker struct {
	dir   *directory
	opt   *Options
	seen  *seenSet
	now   time.Time
	today day
}

func (w *worker) chunk(a *agg, c *chunk) {
	w.parse(a, c, func(r *ingest.Record) { w.record(a, r) })
}

// parse counts the chunk's errors and hands each record it parses to use.
func (w *worker) parse(a *agg, c *chunk, use func(*ingest.Record)) {
	for _, e := range c.errs {
		a.stats.reject(e)
	}
	for i, line := range c.lines {
		rec, rerr := ingest.ParseLine(line, c.rows[i], w.opt.Kind)
		if rerr != nil {
			a.stats.reject(*rerr)
			continue
		}
		use(&rec)
	}
	for i := range c.recs {
		use(&c.recs[i])
	}
}

func (w *worker) record(a *agg, r *ingest.Record) {
	switch {
	case r.Message != nil:
		w.message(a, r.Row, r.Message)
	case r.App != nil:
		w.appDay(a, r.Row, r.App)
	case r.Account != nil:
		w.accountDay(a, r.Row, r.Account)
	}
}

func (w *worker) message(a *agg, row int, m *ingest.Message) {
	if m.At.After(w.now) {
		a.stats.reject(ingest.RowError{Row: row, Column: "time", Value: m.At.In(tz.Shanghai).Format("2006-01-02 15:04:05"), Reason: "future", Msg: "发送时间晚于当前时间"})
		return
	}
	if m.At.Before(minTime) {
		a.stats.reject(ingest.RowError{Row: row, Column: "time", Value: m.At.Format("2006-01-02"), Reason: "too_old", Msg: "发送时间早于 2000 年,请检查时间格式"})
		return
	}
	g, ok := w.dir.groupIdx[m.Group]
	if !ok || g < 0 {
		reason, msg := "unknown_group", "群组「"+m.Group+"」不在清单中,请先在清单中登记该群组或使用群编号"
		if ok {
			reason, msg = "ambiguous_group", "有多个群组名为「"+m.Group+"」,请使用群编号"
		}
		a.stats.reject(ingest.RowError{Row: row, Column: "group", Value: m.Group, Reason: reason, Msg: msg})
		return
	}
	if !w.seen.firstTime(g, m) {
		a.stats.Rows++
		a.stats.Duplicates++
		return
	}
	sender := int32(-1)
	if p, ok := w.dir.personIdx[m.Sender]; ok && p >= 0 {
		sender = p
	} else {
		a.stats.UnknownSenders++
	}
	mask := w.opt.Classifier.Scan(m.Text, classify.Meta{AtAll: m.AtAll, Forwarded: m.Forwarded}).Mask
	if m.Kind == ingest.MsgPoll {
		mask |= 1 << 1 // a 接龙 or poll is a chain demand whatever its text says
	}
	d, hour, after := a.clock.afterHours(m.At)
	a.stats.accept(d)
	a.stats.Messages++

	gk := gdKey(g, d)
	ga := a.groups[gk]
	if ga == nil {
		ga = &groupAgg{}
		a.groups[gk] = ga
	}
	ga.addMessage(mask, after)
	if sender >= 0 {
		if _, member := slices.BinarySearch(w.dir.members[g], sender); member {
			ga.memberSent++
			if mask&demandMask != 0 {
				ga.memberSentDemand++
			}
			pk := pdKey(sender, d)
			s := a.sent[pk]
			if s == nil {
				s = &counters{}
				a.sent[pk] = s
			}
			s.addMessage(mask, after)
		}
	}
	ga.hours[hour]++
	if w.opt.KeepRaw {
		raw := rawMessage{group: g, sender: sender, at: m.At, kind: m.Kind, mask: mask, after: after}
		if w.opt.KeepText {
			raw.text = m.Text
		}
		a.raw = append(a.raw, raw)
	}
}

func (w *worker) appDay(a *agg, row int, v *ingest.AppDay) {
	k, ok := w.assetDay(a, row, w.dir.appID, "app", "应用", "应用编号", v.App, v.Day)
	if !ok {
		return
	}
	a.stats.AppDays++
	if x, ok := a.apps[k]; !ok || row > x.row {
		a.apps[k] = appRec{*v, row}
	}
}

func (w *worker) accountDay(a *agg, row int, v *ingest.AccountDay) {
	k, ok := w.assetDay(a, row, w.dir.accountID, "account", "公众号", "账号编号", v.Account, v.Day)
	if !ok {
		return
	}
	a.stats.AccountDays++
	if x, ok := a.accounts[k]; !ok || row > x.row {
		a.accounts[k] = accountRec{*v, row}
	}
}

// assetDay resolves the app or account of a daily statistics row (kind names it in reasons and
// columns, label and codeLabel in messages) and checks its date; a row that fails is rejected.
func (w *worker) assetDay(a *agg, row int, ids map[string]int64, kind, label, codeLabel, name string, date time.Time) (assetDay, bool) {
	id, ok := ids[name]
	if !ok || id < 0 {
		reason, msg := "unknown_"+kind, label+"「"+name+"」不在清单中"
		if ok {
			reason, msg = "ambiguous_"+kind, "有多个"+label+"名为「"+name+"」,请使用"+codeLabel
		}
		a.stats.reject(ingest.RowError{Row: row, Column: kind, Value: name, Reason: reason, Msg: msg})
		return assetDay{}, false
	}
	d := day(date.Unix() / 86400)
	if !w.dayOK(a, row, d) {
		return assetDay{}, false
	}
	a.stats.accept(d)
	return assetDay{id, d}, true
}

func (w *worker) dayOK(a *agg, row int, d day) bool {
	switch {
	case d > w.today:
		a.stats.reject(ingest.RowError{Row: row, Column: "date", Value: d.time().Format("2006-01-02"), Reason: "future", Msg: "日期晚于今天"})
		return false
	case d.time().Before(minTime):
		a.stats.reject(ingest.RowError{Row: row, Column: "date", Value: d.time().Format("2006-01-02"), Reason: "too_old", Msg: "日期早于 2000 年,请检查日期格式"})
		return false
	}
	return true
}

// readLines cuts NDJSON into chunks of lines for the workers to parse. A line longer than the
// reader's buffer is skipped to its end and reported, never held in memory.
func readLines(ctx context.Context, br *bufio.Reader, out chan<- chunk) error {
	var c chunk
	var buf []byte
	row := 0
	flush := func() error {
		if len(c.lines) == 0 && len(c.errs) == 0 {
			return nil
		}
		select {
		case out <- c:
		case <-ctx.Done():
			return ctx.Err()
		}
		c, buf = chunk{}, nil
		return nil
	}
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 || err == nil {
			row++
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			c.errs = append(c.errs, ingest.RowError{Row: row, Reason: "too_long", Msg: fmt.Sprintf("该行超过 %d 字节,已跳过", br.Size())})
			if err != nil && err != io.EOF {
				return err
			}
			if err == io.EOF {
				return flush()
			}
			continue
		}
		if err != nil && err != io.EOF {
			return err
		}
		if t := bytes.TrimSpace(line); len(t) > 0 {
			if buf == nil {
				buf = make([]byte, 0, 256*chunkLines)
			}
			start := len(buf)
			buf = append(buf, t...)
			c.lines = append(c.lines, buf[start:len(buf):len(buf)])
			c.rows = append(c.rows, row)
			if len(c.lines) == chunkLines || cap(buf)-len(buf) < 4096 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err == io.EOF {
			return flush()
		}
	}
}

// readRecords chunks what a CSV or XLSX reader parses.
func readRecords(ctx context.Context, rd *ingest.Reader, out chan<- chunk) error {
	var c chunk
	for {
		rec, rerr, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if rerr != nil {
			c.errs = append(c.errs, *rerr)
		} else {
			c.recs = append(c.recs, rec)
		}
		if len(c.recs)+len(c.errs) >= chunkLines {
			select {
			case out <- c:
			case <-ctx.Done():
				return ctx.Err()
			}
			c = chunk{}
		}
	}
	if len(c.recs)+len(c.errs) > 0 {
		out <- c
	}
	return nil
}

type countingReader struct {
	r        io.Reader
	n        int64
	progress func(int64)
	last     int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil && (c.n-c.last >= 1<<20 || err != nil) {
		c.last = c.n
		c.progress(c.n)
	}
	return n, err
}

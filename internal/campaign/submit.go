package campaign

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// MaxDocumentSize is the largest document a unit may upload (20 MiB). Reports are text with a few
// pictures; anything larger is a scan that belongs in a PDF of reasonable resolution.
const MaxDocumentSize = 20 << 20

// MaxDocuments is how many documents one submission may carry.
const MaxDocuments = 10

// The content types documents are stored with.
const (
	TypePDF  = "application/pdf"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// Sniff returns the content type of a document by its content, not its name: PDF by the
// "%PDF-" magic, DOCX as a ZIP archive that contains word/document.xml (a bare ZIP, an XLSX or a
// renamed file is refused). ok is false for anything else.
func Sniff(data []byte) (contentType string, ok bool) {
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		return TypePDF, true
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return "", false
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", false
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			return TypeDOCX, true
		}
	}
	return "", false
}

// DocumentInput is one uploaded file.
type DocumentInput struct {
	Name string `json:"name"`
	Data []byte `json:"-"`
}

// Document is a stored file's description; Data is filled only by Store.Document.
type Document struct {
	ID           int64  `json:"id"`
	SubmissionID int64  `json:"submission_id"`
	Name         string `json:"name"`
	ContentType  string `json:"content_type"`
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
	Data         []byte `json:"-"`
}

// ProblemInput is one problem a 自查报告 lists (问题清单).
type ProblemInput struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	AssetCode   string `json:"asset_code,omitempty"` // the app, account or group concerned, if any
	Measures    string `json:"measures"`             // suggested rectification measures (整改措施)
}

// Problem is a stored problem of a 自查报告. LedgerRef is set once a ledger item was made of it.
type Problem struct {
	ID           int64      `json:"id"`
	SubmissionID int64      `json:"submission_id"`
	UnitID       int64      `json:"unit_id"`
	Seq          int        `json:"seq"`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	AssetCode    string     `json:"asset_code,omitempty"`
	Measures     string     `json:"measures"`
	LedgerRef    string     `json:"ledger_ref,omitempty"`
	FiledAt      *time.Time `json:"filed_at,omitempty"`
}

// SubmissionInput is what a unit submits for a task.
type SubmissionInput struct {
	TaskID    int64           `json:"task_id"`
	UnitID    int64           `json:"unit_id"`
	Note      string          `json:"note"`
	Documents []DocumentInput `json:"-"`
	Problems  []ProblemInput  `json:"problems,omitempty"` // only for a 自查报告
}

// Submission is one (re)submission of a task by a unit.
type Submission struct {
	ID          int64      `json:"id"`
	TaskID      int64      `json:"task_id"`
	UnitID      int64      `json:"unit_id"`
	UnitName    string     `json:"unit_name"`
	Note        string     `json:"note"`
	SubmittedBy string     `json:"submitted_by"`
	SubmitterID int64      `json:"submitter_id,omitempty"`
	OnBehalf    bool       `json:"on_behalf"` // the office submitted for the unit (代报)
	SubmittedAt time.Time  `json:"submitted_at"`
	Documents   []Document `json:"documents"`
	Problems    []Problem  `json:"problems,omitempty"`
}

// validate checks everything that needs no database, so that a wrong file is refused before a
// transaction starts and nothing is written.
func (in *SubmissionInput) validate(kind TaskKind) error {
	in.Note = strings.TrimSpace(in.Note)
	if err := checkBody("note", "报送说明", in.Note, false, 2000); err != nil {
		return err
	}
	if len(in.Documents) == 0 {
		return errs.Field("documents", "请上传至少一份材料(DOCX 或 PDF)")
	}
	if len(in.Documents) > MaxDocuments {
		return errs.Field("documents", fmt.Sprintf("一次最多上传 %d 份材料", MaxDocuments))
	}
	for i := range in.Documents {
		d := &in.Documents[i]
		f := fmt.Sprintf("documents[%d]", i)
		d.Name = strings.TrimSpace(path.Base(strings.ReplaceAll(d.Name, `\`, "/")))
		if d.Name == "." || d.Name == "/" {
			d.Name = ""
		}
		if err := checkText(f, "文件名", d.Name, true, 200); err != nil {
			return err
		}
		if len(d.Data) > MaxDocumentSize {
			return &errs.Error{Kind: errs.Invalid, Field: f, Msg: fmt.Sprintf("文件“%s”大小为 %.1f MB,超过 20 MB 的上限", d.Name, float64(len(d.Data))/(1<<20))}
		}
		if len(d.Data) == 0 {
			return errs.Field(f, fmt.Sprintf("文件“%s”是空文件", d.Name))
		}
		if _, ok := Sniff(d.Data); !ok {
			return errs.Field(f, fmt.Sprintf("文件“%s”不是 DOCX 或 PDF 文档,只能上传 Word(.docx)或 PDF 文件", d.Name))
		}
	}
	if kind != KindSelfCheck && len(in.Problems) > 0 {
		return errs.Field("problems", "只有自查报告需要填写问题清单")
	}
	for i := range in.Problems {
		pr := &in.Problems[i]
		f := fmt.Sprintf("problems[%d]", i)
		pr.Title, pr.Description = strings.TrimSpace(pr.Title), strings.TrimSpace(pr.Description)
		pr.AssetCode, pr.Measures = strings.TrimSpace(pr.AssetCode), strings.TrimSpace(pr.Measures)
		n := fmt.Sprintf("第 %d 个问题的", i+1)
		for _, err := range []error{
			checkText(f+".title", n+"标题", pr.Title, true, 100),
			checkBody(f+".description", n+"描述", pr.Description, true, 2000),
			checkText(f+".asset_code", n+"资产编码", pr.AssetCode, false, 64),
			checkBody(f+".measures", n+"整改措施", pr.Measures, true, 2000),
		} {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// Submit records a unit's submission of a task. A liaison submits for a unit in their scope, the
// office (or an administrator) for any unit on its behalf. The unit must owe the task (its kind
// is among the task's, and it lies under the campaign's unit). Submitting again keeps the earlier
// submissions as history; the latest counts.
func (s *Store) Submit(ctx context.Context, p org.Principal, in SubmissionInput) (Submission, error) {
	if !Manager(p) && !p.Has(org.RoleLiaison) {
		return Submission{}, errs.E(errs.Forbidden, "只有单位联络员或领导小组办公室可以报送材料")
	}
	var sub Submission
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		t, c, err := getTask(ctx, tx, p, in.TaskID)
		if err != nil {
			return err
		}
		if err := in.validate(t.Kind); err != nil {
			return err
		}
		u, err := checkUnit(ctx, tx, p, "unit_id", in.UnitID)
		if errs.Is(err, errs.Invalid) {
			// Outside the caller's scope the unit does not exist for them.
			return errs.E(errs.NotFound, "单位不存在或不在您的管辖范围内")
		}
		if err != nil {
			return err
		}
		if !strings.HasPrefix(u.Path, c.UnitPath) || !t.Owes(u.Kind) {
			return errs.Field("unit_id", fmt.Sprintf("%s不需要报送“%s”", u.Name, t.Title))
		}
		now := s.now()
		onBehalf := !p.Has(org.RoleLiaison)
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO campaign_submissions (task_id, unit_id, note, submitted_by_id, submitted_by, on_behalf, submitted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, t.ID, u.ID, in.Note, store.NullID(p.UserID), p.Name, onBehalf, now).Scan(&id); err != nil {
			return fmt.Errorf("campaign: insert submission: %w", err)
		}
		for _, d := range in.Documents {
			ct, _ := Sniff(d.Data)
			sum := sha256.Sum256(d.Data)
			if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_documents (submission_id, name, content_type, size, sha256, data)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, d.Name, ct, len(d.Data), hex.EncodeToString(sum[:]), d.Data); err != nil {
				return fmt.Errorf("campaign: insert document %q: %w", d.Name, err)
			}
		}
		for i, pr := range in.Problems {
			if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_problems (submission_id, seq, title, description, asset_code, measures)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, i+1, pr.Title, pr.Description, pr.AssetCode, pr.Measures); err != nil {
				return fmt.Errorf("campaign: insert problem %d: %w", i+1, err)
			}
		}
		if sub, err = getSubmission(ctx, tx, p, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "submit", "campaign_submission", fmt.Sprint(id), nil, sub)
	})
	return sub, err
}

// getSubmission reads one submission of a unit in the caller's scope, with its documents (not
// their content) and problems.
func getSubmission(ctx context.Context, q store.Querier, p org.Principal, id int64) (Submission, error) {
	w := &store.Where{}
	w.Add("s.id = ?", id)
	p.Scope.Filter(w, "u.path")
	var sub Submission
	var by sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT s.id, s.task_id, s.unit_id, u.name, s.note, s.submitted_by_id, s.submitted_by, s.on_behalf, s.submitted_at
		FROM campaign_submissions s JOIN units u ON u.id = s.unit_id`+w.String(), w.Args...).
		Scan(&sub.ID, &sub.TaskID, &sub.UnitID, &sub.UnitName, &sub.Note, &by, &sub.SubmittedBy, &sub.OnBehalf, &sub.SubmittedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return sub, errs.E(errs.NotFound, "报送记录不存在或不在您的管辖范围内")
	}
	if err != nil {
		return sub, fmt.Errorf("campaign: read submission %d: %w", id, err)
	}
	sub.SubmitterID = by.Int64
	sub.SubmittedAt = sub.SubmittedAt.UTC()
	rows, err := q.QueryContext(ctx, `SELECT id, submission_id, name, content_type, size, sha256 FROM campaign_documents WHERE submission_id = $1 ORDER BY id`, id)
	if err != nil {
		return sub, fmt.Errorf("campaign: list documents of %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var d Document
		if err := rows.Scan(&d.ID, &d.SubmissionID, &d.Name, &d.ContentType, &d.Size, &d.SHA256); err != nil {
			return sub, fmt.Errorf("campaign: list documents of %d: %w", id, err)
		}
		sub.Documents = append(sub.Documents, d)
	}
	if err := rows.Err(); err != nil {
		return sub, fmt.Errorf("campaign: list documents of %d: %w", id, err)
	}
	sub.Problems, err = listProblems(ctx, q, id, sub.UnitID)
	return sub, err
}

func listProblems(ctx context.Context, q store.Querier, submissionID, unitID int64) ([]Problem, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, submission_id, seq, title, description, asset_code, measures, ledger_ref, filed_at
		FROM campaign_problems WHERE submission_id = $1 ORDER BY seq`, submissionID)
	if err != nil {
		return nil, fmt.Errorf("campaign: list problems of %d: %w", submissionID, err)
	}
	defer rows.Close()
	var out []Problem
	for rows.Next() {
		pr := Problem{UnitID: unitID}
		var filed sql.NullTime
		if err := rows.Scan(&pr.ID, &pr.SubmissionID, &pr.Seq, &pr.Title, &pr.Description, &pr.AssetCode, &pr.Measures, &pr.LedgerRef, &filed); err != nil {
			return nil, fmt.Errorf("campaign: list problems of %d: %w", submissionID, err)
		}
		if filed.Valid {
			t := filed.Time.UTC()
			pr.FiledAt = &t
		}
		out = append(out, pr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign: list problems of %d: %w", submissionID, err)
	}
	return out, nil
}

// Submission returns one submission with its documents' descriptions and its problems.
func (s *Store) Submission(ctx context.Context, p org.Principal, id int64) (Submission, error) {
	return getSubmission(ctx, s.DB, p, id)
}

// Submissions lists a unit's submissions of a task, newest (the one that counts) first.
func (s *Store) Submissions(ctx context.Context, p org.Principal, taskID, unitID int64) ([]Submission, error) {
	if _, _, err := getTask(ctx, s.DB, p, taskID); err != nil {
		return nil, err
	}
	w := &store.Where{}
	w.Add("s.task_id = ?", taskID)
	w.Add("s.unit_id = ?", unitID)
	p.Scope.Filter(w, "u.path")
	rows, err := s.DB.QueryContext(ctx, `SELECT s.id FROM campaign_submissions s JOIN units u ON u.id = s.unit_id`+w.String()+
		` ORDER BY s.submitted_at DESC, s.id DESC`, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("campaign: list submissions: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("campaign: list submissions: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign: list submissions: %w", err)
	}
	var out []Submission
	for _, id := range ids {
		sub, err := getSubmission(ctx, s.DB, p, id)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, nil
}

// Document returns one stored document with its content, for download.
func (s *Store) Document(ctx context.Context, p org.Principal, id int64) (Document, error) {
	w := &store.Where{}
	w.Add("d.id = ?", id)
	p.Scope.Filter(w, "u.path")
	var d Document
	err := s.DB.QueryRowContext(ctx, `SELECT d.id, d.submission_id, d.name, d.content_type, d.size, d.sha256, d.data
		FROM campaign_documents d JOIN campaign_submissions s ON s.id = d.submission_id JOIN units u ON u.id = s.unit_id`+w.String(), w.Args...).
		Scan(&d.ID, &d.SubmissionID, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &d.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return d, errs.E(errs.NotFound, "文件不存在或不在您的管辖范围内")
	}
	if err != nil {
		return d, fmt.Errorf("campaign: read document %d: %w", id, err)
	}
	return d, nil
}

// SelfCheckProblems lists the problems of a 自查报告 submission in the caller's scope, so the
// caller (the web layer) can make rectification ledger items of them. Problems already filed
// carry their LedgerRef. A submission of another kind has none.
func SelfCheckProblems(ctx context.Context, q store.Querier, p org.Principal, submissionID int64) ([]Problem, error) {
	w := &store.Where{}
	w.Add("s.id = ?", submissionID)
	p.Scope.Filter(w, "u.path")
	var unitID int64
	err := q.QueryRowContext(ctx, `SELECT s.unit_id FROM campaign_submissions s JOIN units u ON u.id = s.unit_id`+w.String(), w.Args...).Scan(&unitID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "报送记录不存在或不在您的管辖范围内")
	}
	if err != nil {
		return nil, fmt.Errorf("campaign: read submission %d: %w", submissionID, err)
	}
	return listProblems(ctx, q, submissionID, unitID)
}

// MarkProblemFiled records that a ledger item (ledgerRef, the ledger's own reference) was made
// of a problem. tx should be the transaction that creates the ledger item, so that the item and
// the mark are written together; a problem is filed only once.
func MarkProblemFiled(ctx context.Context, tx store.Querier, p org.Principal, problemID int64, ledgerRef string) error {
	ledgerRef = strings.TrimSpace(ledgerRef)
	if ledgerRef == "" {
		return errs.Field("ledger_ref", "台账编号不能为空")
	}
	w := &store.Where{}
	w.Add("pr.id = ?", problemID)
	p.Scope.Filter(w, "u.path")
	var before Problem
	var filed sql.NullTime
	err := tx.QueryRowContext(ctx, `SELECT pr.id, pr.submission_id, s.unit_id, pr.seq, pr.title, pr.ledger_ref, pr.filed_at
		FROM campaign_problems pr JOIN campaign_submissions s ON s.id = pr.submission_id JOIN units u ON u.id = s.unit_id`+w.String(), w.Args...).
		Scan(&before.ID, &before.SubmissionID, &before.UnitID, &before.Seq, &before.Title, &before.LedgerRef, &filed)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "问题不存在或不在您的管辖范围内")
	}
	if err != nil {
		return fmt.Errorf("campaign: read problem %d: %w", problemID, err)
	}
	if before.LedgerRef != "" {
		return errs.E(errs.Conflict, "该问题已纳入整改台账("+before.LedgerRef+")")
	}
	now := store.Now()
	// The condition on ledger_ref makes a concurrent second filing change nothing.
	res, err := tx.ExecContext(ctx, `UPDATE campaign_problems SET ledger_ref = $1, filed_at = $2 WHERE id = $3 AND ledger_ref = ''`,
		ledgerRef, now, problemID)
	if err != nil {
		return fmt.Errorf("campaign: mark problem %d filed: %w", problemID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("campaign: mark problem %d filed: %w", problemID, err)
	} else if n != 1 {
		return errs.E(errs.Conflict, "该问题已纳入整改台账")
	}
	after := before
	after.LedgerRef, after.FiledAt = ledgerRef, &now
	return audit.Record(ctx, tx, p.Actor(), "file", "campaign_problem", fmt.Sprint(problemID), before, after)
}

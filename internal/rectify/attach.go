package rectify

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// MaxAttachment is the largest evidence file accepted: 10 MiB.
const MaxAttachment = 10 << 20

// Attachment is an evidence file's metadata; the bytes are read with AttachmentData.
type Attachment struct {
	ID          int64     `json:"id"`
	ItemID      int64     `json:"item_id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	ActorID     int64     `json:"actor_id,omitempty"`
	Actor       string    `json:"actor"`
	At          time.Time `json:"at"`
}

// The content types accepted as evidence.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// sniff decides a file's type from its bytes, never from its name or the client's word:
// http.DetectContentType recognises PDF, PNG and JPEG; DOCX and XLSX are zips to it, told apart
// by the part each must contain. Anything else is "".
func sniff(data []byte) string {
	switch ct := http.DetectContentType(data); ct {
	case TypePDF, TypePNG, TypeJPEG:
		return ct
	case "application/zip":
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return ""
		}
		for _, f := range zr.File {
			switch f.Name {
			case "word/document.xml":
				return TypeDOCX
			case "xl/workbook.xml":
				return TypeXLSX
			}
		}
	}
	return ""
}

// extensions are the file name endings each type may carry, so that a PDF named .xlsx does
// not open in the wrong program on the reviewer's desk.
var extensions = map[string][]string{
	TypePDF: {".pdf"}, TypePNG: {".png"}, TypeJPEG: {".jpg", ".jpeg"}, TypeDOCX: {".docx"}, TypeXLSX: {".xlsx"},
}

// cleanFilename keeps the last element of a path and refuses names that are empty, too long or
// hold control characters.
func cleanFilename(name string) (string, error) {
	name = strings.TrimSpace(strings.ReplaceAll(name, `\`, "/"))
	name = path.Base(name)
	if name == "." || name == "/" || name == "" {
		return "", errs.Field("file", "请提供文件名")
	}
	if err := checkText("file", "文件名", name, true, false, 200); err != nil {
		return "", err
	}
	return name, nil
}

// Attach stores an evidence file on an item in the caller's scope. The type is sniffed from
// the bytes and must be PDF, PNG, JPEG, DOCX or XLSX; the size at most MaxAttachment. A SHA-256
// checksum is kept so that a file can be shown to be the one uploaded.
func Attach(ctx context.Context, db *store.DB, p org.Principal, id int64, filename string, data []byte) (Attachment, error) {
	if err := requireWrite(p); err != nil {
		return Attachment{}, err
	}
	name, err := cleanFilename(filename)
	if err != nil {
		return Attachment{}, err
	}
	if len(data) == 0 {
		return Attachment{}, errs.Field("file", "文件为空")
	}
	if len(data) > MaxAttachment {
		return Attachment{}, &errs.Error{Kind: errs.TooLarge, Field: "file", Msg: fmt.Sprintf("文件过大(%.1f MB),证明材料最大 10 MB", float64(len(data))/(1<<20))}
	}
	ct := sniff(data)
	if ct == "" {
		return Attachment{}, errs.Field("file", "文件类型不支持:证明材料只接受 PDF、PNG、JPEG 图片、Word(.docx)或 Excel(.xlsx)文件")
	}
	ok := false
	for _, ext := range extensions[ct] {
		ok = ok || strings.EqualFold(path.Ext(name), ext)
	}
	if !ok {
		return Attachment{}, errs.Field("file", "文件扩展名与内容不符:内容为 "+strings.ToUpper(strings.TrimPrefix(extensions[ct][0], "."))+" 文件")
	}
	sum := sha256.Sum256(data)
	a := Attachment{ItemID: id, Filename: name, ContentType: ct, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
		ActorID: p.UserID, Actor: p.Name, At: now()}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		it, err := get(ctx, tx, p.Scope, id)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_attachments (item_id, filename, content_type, size, sha256, data, actor_id, actor, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, id, a.Filename, a.ContentType, a.Size, a.SHA256, data,
			store.NullID(p.UserID), p.Name, a.At).Scan(&a.ID); err != nil {
			return fmt.Errorf("rectify: store attachment of item %d: %w", id, err)
		}
		if err := addHistory(ctx, tx, id, p, a.At, "attach", it.Status, it.Status, a.Filename); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "attach", ObjectType, fmt.Sprint(id), nil, a)
	})
	return a, err
}

const attachmentCols = `id, item_id, filename, content_type, size, sha256, COALESCE(actor_id, 0), actor, at`

func scanAttachment(s interface{ Scan(...any) error }, extra ...any) (Attachment, error) {
	var a Attachment
	err := s.Scan(append([]any{&a.ID, &a.ItemID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.ActorID, &a.Actor, &a.At}, extra...)...)
	a.At = a.At.UTC()
	return a, err
}

// AttachmentData returns one attachment of an item in the caller's scope with its bytes, after
// checking them against the stored checksum: a file altered in the database is refused rather
// than handed out as evidence.
func AttachmentData(ctx context.Context, db *store.DB, p org.Principal, itemID, attachmentID int64) (Attachment, []byte, error) {
	if err := requireRead(p); err != nil {
		return Attachment{}, nil, err
	}
	if _, err := get(ctx, db, p.Scope, itemID); err != nil {
		return Attachment{}, nil, err
	}
	var data []byte
	a, err := scanAttachment(db.QueryRowContext(ctx, `SELECT `+attachmentCols+`, data FROM ledger_attachments WHERE id = $1 AND item_id = $2`,
		attachmentID, itemID), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, errs.E(errs.NotFound, "附件不存在")
	}
	if err != nil {
		return a, nil, fmt.Errorf("rectify: read attachment %d: %w", attachmentID, err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != a.SHA256 {
		return a, nil, fmt.Errorf("rectify: attachment %d does not match its checksum", attachmentID)
	}
	return a, data, nil
}

package rectify_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func pngBytes() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	return b.Bytes()
}

func jpegBytes() []byte {
	var b bytes.Buffer
	jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4)), nil)
	return b.Bytes()
}

func pdfBytes() []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// zipWith is a zip holding one part with the given name, as a DOCX holds word/document.xml.
func zipWith(name string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, _ := w.Create("[Content_Types].xml")
	f.Write([]byte(`<?xml version="1.0"?><Types/>`))
	f, _ = w.Create(name)
	f.Write([]byte(`<?xml version="1.0"?><x/>`))
	w.Close()
	return b.Bytes()
}

func xlsxBytes(t *testing.T) []byte {
	f := excelize.NewFile()
	defer f.Close()
	f.SetCellValue("Sheet1", "A1", "证明")
	var b bytes.Buffer
	must(t, f.Write(&b))
	return b.Bytes()
}

func TestAttachments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		it := e.item(t, "BRIG-A", "PA1", rectify.InProgress)
		big := append(pdfBytes(), make([]byte, rectify.MaxAttachment)...)
		cases := []struct {
			name, file string
			data       []byte
			ctype      string
			want       want
		}{
			{"png", "截图.png", pngBytes(), rectify.TypePNG, pass},
			{"jpeg", "现场照片.JPG", jpegBytes(), rectify.TypeJPEG, pass},
			{"pdf", "整改报告.pdf", pdfBytes(), rectify.TypePDF, pass},
			{"docx", "说明.docx", zipWith("word/document.xml"), rectify.TypeDOCX, pass},
			{"xlsx", "清单.xlsx", xlsxBytes(t), rectify.TypeXLSX, pass},
			{"a path is cut to its name", `C:\Users\x\报告.pdf`, pdfBytes(), rectify.TypePDF, pass},
			{"exactly the limit", "大.pdf", append(pdfBytes(), make([]byte, rectify.MaxAttachment-len(pdfBytes()))...), rectify.TypePDF, pass},
			{"over the limit", "过大.pdf", big, "", tooLarge},
			{"plain text", "说明.txt", []byte("整改完成"), "", invalid("file")},
			{"text named pdf", "假的.pdf", []byte("not really a pdf"), "", invalid("file")},
			{"html", "页面.png", []byte("<html><body>x</body></html>"), "", invalid("file")},
			{"a zip that is no office file", "材料.docx", zipWith("readme.txt"), "", invalid("file")},
			{"an executable", "tool.pdf", append([]byte("MZ\x90\x00"), make([]byte, 100)...), "", invalid("file")},
			{"a png named pdf", "图.pdf", pngBytes(), "", invalid("file")},
			{"empty", "空.pdf", nil, "", invalid("file")},
			{"no name", "", pdfBytes(), "", invalid("file")},
		}
		n := 0
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if !c.want.ok {
					e.refused(t, c.want, func() error {
						_, err := rectify.Attach(e.ctx, db, e.user["liaisonA"], it.ID, c.file, c.data)
						return err
					})
					return
				}
				a, err := rectify.Attach(e.ctx, db, e.user["liaisonA"], it.ID, c.file, c.data)
				check(t, err, pass)
				n++
				sum := sha256.Sum256(c.data)
				if a.ContentType != c.ctype || a.Size != int64(len(c.data)) || a.SHA256 != hex.EncodeToString(sum[:]) {
					t.Fatalf("attachment %+v", a)
				}
				got, data, err := rectify.AttachmentData(e.ctx, db, e.user["office"], it.ID, a.ID)
				must(t, err)
				if !bytes.Equal(data, c.data) || got.Filename != a.Filename {
					t.Fatalf("read back %d bytes as %q", len(data), got.Filename)
				}
			})
		}
		d, err := rectify.Get(e.ctx, db, e.user["liaisonA"], it.ID)
		must(t, err)
		if len(d.Attachments) != n || d.Attachments[5].Filename != "报告.pdf" {
			t.Fatalf("%d attachments listed, want %d: %+v", len(d.Attachments), n, d.Attachments)
		}
		t.Run("a tampered file is refused", func(t *testing.T) {
			_, err := db.ExecContext(e.ctx, `UPDATE ledger_attachments SET data = $1 WHERE id = $2`, pdfBytes()[:10], d.Attachments[0].ID)
			must(t, err)
			if _, _, err := rectify.AttachmentData(e.ctx, db, e.user["office"], it.ID, d.Attachments[0].ID); err == nil {
				t.Fatal("a file that no longer matches its checksum was handed out")
			}
		})
		t.Run("another item's attachment is not found", func(t *testing.T) {
			other := e.item(t, "BRIG-A", "PA1", rectify.Pending)
			_, _, err := rectify.AttachmentData(e.ctx, db, e.user["office"], other.ID, d.Attachments[1].ID)
			check(t, err, notFound)
		})
	})
}

func TestCommentsAndAccountability(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		it := e.item(t, "BRIG-A", "PA1", rectify.InProgress)
		_, err := rectify.AddComment(e.ctx, db, e.user["liaisonA"], it.ID, "已联系群主")
		check(t, err, pass)
		e.refused(t, invalid("body"), func() error { _, err := rectify.AddComment(e.ctx, db, e.user["liaisonA"], it.ID, ""); return err })
		_, err = rectify.AddAccountability(e.ctx, db, e.user["office"], it.ID, rectify.AccountabilityInput{Kind: "约谈提醒", Note: "约谈大队主要负责人"})
		check(t, err, pass)
		e.refused(t, forbidden, func() error {
			_, err := rectify.AddAccountability(e.ctx, db, e.user["liaisonA"], it.ID, rectify.AccountabilityInput{Kind: rectify.KindNotice, Note: "x"})
			return err
		})
		e.refused(t, invalid("kind"), func() error {
			_, err := rectify.AddAccountability(e.ctx, db, e.user["office"], it.ID, rectify.AccountabilityInput{Kind: "记过", Note: "x"})
			return err
		})
		d, err := rectify.Get(e.ctx, db, e.user["liaisonA"], it.ID)
		must(t, err)
		if len(d.Comments) != 1 || d.Comments[0].Body != "已联系群主" {
			t.Fatalf("comments %+v", d.Comments)
		}
		if len(d.Accountability) != 1 || d.Accountability[0].Kind != rectify.KindTalk || !d.Accountability[0].On.Equal(date(2026, 9, 28)) {
			t.Fatalf("accountability %+v", d.Accountability)
		}
	})
}

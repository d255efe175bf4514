package campaign_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestSniff(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"pdf", pdf(), campaign.TypePDF},
		{"docx", docx(t), campaign.TypeDOCX},
		{"png", png, ""},
		{"a zip that is not a Word document", zipWith(t, "xl/workbook.xml"), ""},
		{"zip magic but broken", []byte("PK\x03\x04garbage"), ""},
		{"pdf magic not at the start", append([]byte(" "), pdf()...), ""},
		{"empty", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := campaign.Sniff(tc.data)
			if got != tc.want || ok != (tc.want != "") {
				t.Fatalf("Sniff = %q, %v; want %q", got, ok, tc.want)
			}
		})
	}
}

func TestDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.campaign(t)
		plan := e.task(t, c, campaign.Mobilize, campaign.KindPlan, "实施方案", "2026-03-20", org.Brigade)
		e.clock = at("2026-03-10 10:00")
		big := make([]byte, campaign.MaxDocumentSize+1)
		copy(big, "%PDF-1.7\n")
		atLimit := make([]byte, campaign.MaxDocumentSize)
		copy(atLimit, "%PDF-1.7\n")
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
		for _, tc := range []struct {
			name string
			docs []campaign.DocumentInput
			want want
		}{
			{"a PDF", []campaign.DocumentInput{{Name: "方案.pdf", Data: pdf()}}, pass},
			{"a DOCX", []campaign.DocumentInput{{Name: "方案.docx", Data: docx(t)}}, pass},
			{"a PDF and a DOCX", []campaign.DocumentInput{{Name: "a.pdf", Data: pdf()}, {Name: `C:\报告\b.docx`, Data: docx(t)}}, pass},
			{"exactly 20 MiB", []campaign.DocumentInput{{Name: "扫描件.pdf", Data: atLimit}}, pass},
			{"a PNG", []campaign.DocumentInput{{Name: "照片.png", Data: png}}, invalid("documents[0]", "不是 DOCX 或 PDF 文档")},
			{"a PNG named .pdf", []campaign.DocumentInput{{Name: "照片.pdf", Data: png}}, invalid("documents[0]", "不是 DOCX 或 PDF 文档")},
			{"an XLSX", []campaign.DocumentInput{{Name: "表.docx", Data: zipWith(t, "xl/workbook.xml")}}, invalid("documents[0]", "不是 DOCX 或 PDF")},
			{"too large", []campaign.DocumentInput{{Name: "扫描件.pdf", Data: big}}, invalid("documents[0]", "超过 20 MB")},
			{"a good one then a bad one", []campaign.DocumentInput{{Name: "a.pdf", Data: pdf()}, {Name: "b.png", Data: png}}, invalid("documents[1]", "b.png")},
			{"no document", nil, invalid("documents", "至少一份")},
			{"empty file", []campaign.DocumentInput{{Name: "a.pdf"}}, invalid("documents[0]", "空文件")},
			{"no name", []campaign.DocumentInput{{Name: " ", Data: pdf()}}, invalid("documents[0]", "文件名不能为空")},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.snapshot(t)
				s, err := e.st.Submit(e.ctx, e.user["liaison-jj"], campaign.SubmissionInput{TaskID: plan.ID, UnitID: e.unit["CD-JJ"].ID, Note: "请审阅", Documents: tc.docs})
				check(t, err, tc.want)
				if !tc.want.ok {
					if after := e.snapshot(t); after != before {
						t.Fatalf("a refused upload wrote:\n%s\n%s", before, after)
					}
					return
				}
				if len(s.Documents) != len(tc.docs) {
					t.Fatalf("%d documents stored", len(s.Documents))
				}
				for i, d := range s.Documents {
					in := tc.docs[i].Data
					sum := sha256.Sum256(in)
					want, _ := campaign.Sniff(in)
					if d.SHA256 != hex.EncodeToString(sum[:]) || d.Size != int64(len(in)) || d.ContentType != want {
						t.Fatalf("document %d: %+v", i, d)
					}
					got, err := e.st.Document(e.ctx, e.user["liaison-cd"], d.ID)
					must(t, err)
					if !bytes.Equal(got.Data, in) {
						t.Fatalf("document %d reads back different content", i)
					}
					_, err = e.st.Document(e.ctx, e.user["liaison-my"], d.ID)
					check(t, err, notFound)
				}
				if len(tc.docs) == 2 && s.Documents[1].Name != "b.docx" {
					t.Fatalf("a Windows path kept as %q", s.Documents[1].Name)
				}
			})
		}
	})
}

func TestSelfCheckProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.campaign(t)
		plan := e.task(t, c, campaign.Mobilize, campaign.KindPlan, "实施方案", "2026-03-20", org.Brigade)
		self := e.task(t, c, campaign.SelfCheck, campaign.KindSelfCheck, "自查报告", "2026-05-20", org.Brigade)
		e.clock = at("2026-05-10 10:00")
		problems := []campaign.ProblemInput{
			{Title: "重复填报", Description: "“消防巡查”和“隐患上报”两个应用要求重复填报同一信息。", AssetCode: "APP-0012", Measures: "合并为一个应用,数据共享。"},
			{Title: "工作群过多", Description: "大队有 14 个工作群,其中 5 个三个月无消息。", Measures: "解散闲置群组,明确群主。"},
		}
		docs := []campaign.DocumentInput{{Name: "自查报告.docx", Data: docx(t)}}
		t.Run("refused", func(t *testing.T) {
			for _, tc := range []struct {
				name string
				in   campaign.SubmissionInput
				want want
			}{
				{"problems on a plan", campaign.SubmissionInput{TaskID: plan.ID, UnitID: e.unit["CD-JJ"].ID, Documents: docs, Problems: problems},
					invalid("problems", "只有自查报告")},
				{"a problem without measures", campaign.SubmissionInput{TaskID: self.ID, UnitID: e.unit["CD-JJ"].ID, Documents: docs,
					Problems: []campaign.ProblemInput{problems[0], {Title: "x", Description: "y"}}}, invalid("problems[1].measures", "第 2 个问题的整改措施不能为空")},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before := e.snapshot(t)
					_, err := e.st.Submit(e.ctx, e.user["liaison-jj"], tc.in)
					check(t, err, tc.want)
					if after := e.snapshot(t); after != before {
						t.Fatalf("a refused submission wrote:\n%s\n%s", before, after)
					}
				})
			}
		})
		s, err := e.st.Submit(e.ctx, e.user["liaison-jj"], campaign.SubmissionInput{TaskID: self.ID, UnitID: e.unit["CD-JJ"].ID, Documents: docs, Problems: problems})
		must(t, err)
		got, err := campaign.SelfCheckProblems(e.ctx, e.db, e.user["office"], s.ID)
		must(t, err)
		if len(got) != 2 || got[0].Seq != 1 || got[0].AssetCode != "APP-0012" || got[1].Title != "工作群过多" || got[1].UnitID != e.unit["CD-JJ"].ID || got[0].LedgerRef != "" {
			t.Fatalf("problems: %+v", got)
		}
		t.Run("scope", func(t *testing.T) {
			_, err := campaign.SelfCheckProblems(e.ctx, e.db, e.user["liaison-my"], s.ID)
			check(t, err, notFound)
			check(t, campaign.MarkProblemFiled(e.ctx, e.db, e.user["liaison-my"], got[0].ID, "TZ-1"), notFound)
		})
		t.Run("filed once", func(t *testing.T) {
			must(t, e.db.Tx(e.ctx, func(tx *sql.Tx) error {
				return campaign.MarkProblemFiled(e.ctx, tx, e.user["office"], got[0].ID, "TZ-2026-001")
			}))
			check(t, campaign.MarkProblemFiled(e.ctx, e.db, e.user["office"], got[0].ID, "TZ-2026-002"), conflict)
			check(t, campaign.MarkProblemFiled(e.ctx, e.db, e.user["office"], got[1].ID, " "), invalid("ledger_ref", ""))
			again, err := campaign.SelfCheckProblems(e.ctx, e.db, e.user["liaison-jj"], s.ID)
			must(t, err)
			if again[0].LedgerRef != "TZ-2026-001" || again[0].FiledAt == nil || again[1].LedgerRef != "" {
				t.Fatalf("after filing: %+v", again)
			}
			if trail := e.auditTrail(t, "campaign_problem", got[0].ID); trail != "file/office" {
				t.Fatalf("audit trail %q", trail)
			}
		})
	})
}

// FuzzSniff: any bytes are either refused or recognised as exactly PDF or DOCX, and a PDF is
// what starts with the PDF magic; never a panic, whatever a zip's directory claims.
func FuzzSniff(f *testing.F) {
	f.Add([]byte("%PDF-1.4\n%test"))
	f.Add(docx(f))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ct, ok := campaign.Sniff(data)
		switch {
		case !ok && ct != "":
			t.Fatalf("refused but typed %q", ct)
		case ok && ct != campaign.TypePDF && ct != campaign.TypeDOCX:
			t.Fatalf("accepted as %q", ct)
		case bytes.HasPrefix(data, []byte("%PDF-")) && ct != campaign.TypePDF:
			t.Fatalf("a PDF read as %q", ct)
		}
	})
}

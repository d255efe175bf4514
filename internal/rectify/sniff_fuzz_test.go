package rectify

import (
	"slices"
	"testing"
)

// FuzzSniff: evidence files are typed by their bytes only; any bytes give one of the allowed
// types or none, never a panic, whatever a zip's directory claims.
func FuzzSniff(f *testing.F) {
	f.Add([]byte("%PDF-1.7\n"))
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	f.Add([]byte("\xff\xd8\xff\xe0"))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte("MZ\x90\x00"))
	allowed := []string{"", TypePDF, TypePNG, TypeJPEG, TypeDOCX, TypeXLSX}
	f.Fuzz(func(t *testing.T, data []byte) {
		if ct := sniff(data); !slices.Contains(allowed, ct) {
			t.Fatalf("typed as %q", ct)
		}
	})
}

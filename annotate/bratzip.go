package annotate

import (
	"archive/zip"
	"io"
	"strings"
	"time"
)

// BratZipEncoder writes documents as a brat corpus: a zip of <id>.txt and
// <id>.ann per document, every entry dated at (the export's time; zip stores
// local time to two seconds, with the UTC offset in an extra field).
type BratZipEncoder struct {
	zw *zip.Writer
	at time.Time
}

// NewBratZipEncoder starts a brat zip on w whose entries are dated at.
func NewBratZipEncoder(w io.Writer, at time.Time) *BratZipEncoder {
	return &BratZipEncoder{zw: zip.NewWriter(w), at: at.UTC().Truncate(time.Second)}
}

var bratNameReplacer = strings.NewReplacer("/", "_", "\\", "_", "#", "_")

// Encode adds the document's text and annotation files. Characters that a path
// would interpret ("/", "\", "#") become "_" in the names.
func (e *BratZipEncoder) Encode(d Document) error {
	name := bratNameReplacer.Replace(d.ID)
	txt, err := e.create(name + ".txt")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(txt, d.Text); err != nil {
		return err
	}
	ann, err := e.create(name + ".ann")
	if err != nil {
		return err
	}
	return EncodeBrat(io.Discard, ann, d)
}

// create adds an entry; zip.Writer.Create would leave it undated (1980-00-00).
func (e *BratZipEncoder) create(name string) (io.Writer, error) {
	return e.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: e.at})
}

// Close writes the zip's central directory.
func (e *BratZipEncoder) Close() error { return e.zw.Close() }

package ingest

import (
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // register GIF for image.DecodeConfig
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/mms-platform/mms/model"
)

// MediaInfo describes one media file.
type MediaInfo struct {
	Name string `json:"name"`
	// MIME is the media type, without parameters: the sniffed type, unless sniffing
	// only found a generic type (application/octet-stream, text/plain) and the
	// extension knows better.
	MIME        string `json:"mime"`
	Sniffed     string `json:"sniffed"`
	ByExtension string `json:"byExtension,omitempty"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	// Width and Height are set for PNG, JPEG and GIF images whose header decodes.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
}

// extTypes covers extensions whose type must not depend on the machine's mime.types.
var extTypes = map[string]string{
	".csv":    "text/csv",
	".tsv":    "text/tab-separated-values",
	".json":   "application/json",
	".ndjson": "application/x-ndjson",
	".jsonl":  "application/x-ndjson",
	".txt":    "text/plain",
	".md":     "text/markdown",
	".png":    "image/png",
	".jpg":    "image/jpeg",
	".jpeg":   "image/jpeg",
	".gif":    "image/gif",
	".webp":   "image/webp",
	".bmp":    "image/bmp",
	".tif":    "image/tiff",
	".tiff":   "image/tiff",
	".svg":    "image/svg+xml",
	".pdf":    "application/pdf",
	".zip":    "application/zip",
	".gz":     "application/gzip",
	".mp3":    "audio/mpeg",
	".wav":    "audio/wav",
	".mp4":    "video/mp4",
	".dcm":    "application/dicom",
	".xml":    "application/xml",
	".html":   "text/html",
}

// DescribeMedia reads r once, to its end, and returns its size, SHA-256 (hex), the
// MIME type from its first 512 bytes (net/http sniffing) and from the extension of
// name, and the dimensions of PNG, JPEG and GIF images (from their header only).
// Memory stays constant whatever the size. Only a read error is an error; a
// corrupt image just has no dimensions.
func DescribeMedia(name string, r io.Reader) (MediaInfo, error) {
	info := MediaInfo{Name: name}
	h := sha256.New()
	cnt := &countWriter{}
	tee := io.TeeReader(r, io.MultiWriter(h, cnt))
	br := bufio.NewReaderSize(tee, 64<<10)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return info, fmt.Errorf("describe %s: %w", name, err)
	}
	info.Sniffed = baseType(http.DetectContentType(head))
	ext := strings.ToLower(path.Ext(name))
	if t, ok := extTypes[ext]; ok {
		info.ByExtension = t
	} else if t := baseType(mime.TypeByExtension(ext)); t != "" && t != "application/octet-stream" {
		info.ByExtension = t // from the machine's mime.types: other extensions vary by host
	}
	info.MIME = info.Sniffed
	if (info.Sniffed == "application/octet-stream" || info.Sniffed == "text/plain") && info.ByExtension != "" {
		info.MIME = info.ByExtension
	}
	switch info.Sniffed {
	case "image/png", "image/jpeg", "image/gif":
		if cfg, _, err := image.DecodeConfig(br); err == nil {
			info.Width, info.Height = cfg.Width, cfg.Height
		}
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return info, fmt.Errorf("describe %s: %w", name, err)
	}
	info.Size = cnt.n
	info.SHA256 = hex.EncodeToString(h.Sum(nil))
	return info, nil
}

func baseType(t string) string {
	if mt, _, err := mime.ParseMediaType(t); err == nil {
		return mt
	}
	return t
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// ZipLimits bound what WalkZip accepts, against zip bombs.
type ZipLimits struct {
	// MaxEntries bounds the number of file entries (directories not counted).
	MaxEntries int
	// MaxTotalBytes bounds the sum of the uncompressed sizes, as declared and as
	// actually read.
	MaxTotalBytes int64
	// MaxRatio bounds an entry's uncompressed/compressed size ratio (0: no limit).
	MaxRatio int64
}

// DefaultZipLimits are WalkZip's limits: 10,000 entries, 4 GiB in total, and a
// compression ratio of at most 1000 per entry.
var DefaultZipLimits = ZipLimits{MaxEntries: 10000, MaxTotalBytes: 4 << 30, MaxRatio: 1000}

// WalkZip calls fn for every file in the zip archive r (of size bytes), in archive
// order, with WalkZip's DefaultZipLimits. See WalkZipLimits.
func WalkZip(r io.ReaderAt, size int64, fn func(name string, open func() (io.ReadCloser, error)) error) error {
	return WalkZipLimits(r, size, DefaultZipLimits, fn)
}

// WalkZipLimits calls fn for every file entry (directories are skipped) with its
// cleaned name and a function that opens it. Before any call it checks the whole
// directory: the entry count, the declared total size and ratios within limits,
// and no name that is absolute or climbs out with "..". While fn reads, the bytes
// actually decompressed are counted too, so an entry that lies about its size fails
// the read. Limit and format problems are EINVALID; fn's error stops the walk and
// is returned as is.
func WalkZipLimits(r io.ReaderAt, size int64, lim ZipLimits, fn func(name string, open func() (io.ReadCloser, error)) error) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return model.Errorf(model.EINVALID, "zip: %v", err)
	}
	var files []*zip.File
	var total uint64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		name := f.Name
		clean := path.Clean(strings.ReplaceAll(name, "\\", "/"))
		if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(name, "\x00") {
			return model.Errorf(model.EINVALID, "zip: unsafe entry name %q", name)
		}
		files = append(files, f)
		if lim.MaxEntries > 0 && len(files) > lim.MaxEntries {
			return model.Errorf(model.EINVALID, "zip: more than %d entries", lim.MaxEntries)
		}
		total += f.UncompressedSize64
		if lim.MaxTotalBytes > 0 && total > uint64(lim.MaxTotalBytes) {
			return model.Errorf(model.EINVALID, "zip: uncompressed size above the limit of %d bytes", lim.MaxTotalBytes)
		}
		if lim.MaxRatio > 0 && f.UncompressedSize64 > 1<<20 &&
			f.UncompressedSize64/max(f.CompressedSize64, 1) > uint64(lim.MaxRatio) {
			return model.Errorf(model.EINVALID, "zip: entry %q compresses more than %d:1 (zip bomb?)", name, lim.MaxRatio)
		}
	}
	budget := &zipBudget{left: lim.MaxTotalBytes, limited: lim.MaxTotalBytes > 0}
	for _, f := range files {
		clean := path.Clean(strings.ReplaceAll(f.Name, "\\", "/"))
		open := func() (io.ReadCloser, error) {
			rc, err := f.Open()
			if err != nil {
				return nil, model.Errorf(model.EINVALID, "zip: open %q: %v", f.Name, err)
			}
			return &zipEntry{rc: rc, name: f.Name, left: int64(f.UncompressedSize64), budget: budget}, nil
		}
		if err := fn(clean, open); err != nil {
			return err
		}
	}
	return nil
}

// zipBudget is what is left of MaxTotalBytes across all entries.
type zipBudget struct {
	left    int64
	limited bool
}

// zipEntry enforces, while reading, the entry's declared size and the total budget.
type zipEntry struct {
	rc     io.ReadCloser
	name   string
	left   int64
	budget *zipBudget
}

func (z *zipEntry) Read(p []byte) (int, error) {
	n, err := z.rc.Read(p)
	z.left -= int64(n)
	if z.left < 0 {
		return n, model.Errorf(model.EINVALID, "zip: entry %q is larger than it declares", z.name)
	}
	if z.budget.limited {
		z.budget.left -= int64(n)
		if z.budget.left < 0 {
			return n, model.Errorf(model.EINVALID, "zip: uncompressed size above the limit")
		}
	}
	if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) {
		return n, model.Errorf(model.EINVALID, "zip: entry %q: %v", z.name, err)
	}
	return n, err
}

func (z *zipEntry) Close() error { return z.rc.Close() }

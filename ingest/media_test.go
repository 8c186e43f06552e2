package ingest_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/mms-platform/mms/ingest"
	"github.com/mms-platform/mms/model"
)

func encodeImage(t *testing.T, format string, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	var buf bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&buf, img)
	case "jpeg":
		err = jpeg.Encode(&buf, img, nil)
	case "gif":
		err = gif.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDescribeMedia(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		data  []byte
		mime  string
		byExt string
		w, h  int
	}{
		{name: "PNG", file: "scan.png", data: encodeImage(t, "png", 3, 2), mime: "image/png", byExt: "image/png", w: 3, h: 2},
		{name: "JPEG with a misleading name", file: "photo.xyz123", data: encodeImage(t, "jpeg", 5, 4), mime: "image/jpeg", w: 5, h: 4},
		{name: "GIF", file: "a.GIF", data: encodeImage(t, "gif", 7, 6), mime: "image/gif", byExt: "image/gif", w: 7, h: 6},
		{name: "CSV is text/plain sniffed", file: "data.csv", data: []byte("a,b\n1,2\n"), mime: "text/csv", byExt: "text/csv"},
		{name: "NDJSON", file: "x.ndjson", data: []byte(`{"a":1}` + "\n"), mime: "application/x-ndjson", byExt: "application/x-ndjson"},
		{name: "PDF", file: "report", data: []byte("%PDF-1.4\n..."), mime: "application/pdf"},
		{name: "empty", file: "empty.txt", data: nil, mime: "text/plain", byExt: "text/plain"},
		{name: "corrupt PNG", file: "bad.png", data: append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 20)...), mime: "image/png", byExt: "image/png"},
		{name: "large binary", file: "blob", data: bytes.Repeat([]byte{0, 1, 2, 3}, 1<<18), mime: "application/octet-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := ingest.DescribeMedia(tt.file, bytes.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(tt.data)
			want := ingest.MediaInfo{
				Name: tt.file, MIME: tt.mime, ByExtension: tt.byExt, Sniffed: info.Sniffed,
				Size: int64(len(tt.data)), SHA256: hex.EncodeToString(sum[:]), Width: tt.w, Height: tt.h,
			}
			if !reflect.DeepEqual(info, want) {
				t.Errorf("DescribeMedia = %+v, want %+v", info, want)
			}
		})
	}
	t.Run("read error", func(t *testing.T) {
		_, err := ingest.DescribeMedia("x", io.MultiReader(strings.NewReader("abc"), &failingReader{strings.NewReader("")}))
		if err == nil {
			t.Error("no error from a failing reader")
		}
	})
}

type zipFile struct {
	name string
	data []byte
}

func makeZip(t *testing.T, files ...zipFile) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

func TestWalkZip(t *testing.T) {
	z := makeZip(t, zipFile{"a.txt", []byte("hello")}, zipFile{"dir/", nil}, zipFile{"dir/b.png", encodeImage(t, "png", 2, 2)})
	var names []string
	var infos []ingest.MediaInfo
	err := ingest.WalkZip(z, z.Size(), func(name string, open func() (io.ReadCloser, error)) error {
		names = append(names, name)
		rc, err := open()
		if err != nil {
			return err
		}
		defer rc.Close()
		info, err := ingest.DescribeMedia(name, rc)
		infos = append(infos, info)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.txt", "dir/b.png"}; !reflect.DeepEqual(names, want) {
		t.Errorf("names = %v, want %v", names, want)
	}
	if infos[0].Size != 5 || infos[1].Width != 2 || infos[1].MIME != "image/png" {
		t.Errorf("infos = %+v", infos)
	}

	stop := errors.New("stop")
	if err := ingest.WalkZip(z, z.Size(), func(string, func() (io.ReadCloser, error)) error { return stop }); err != stop {
		t.Errorf("fn error = %v, want it returned as is", err)
	}
}

func TestWalkZip_Limits(t *testing.T) {
	zeros := make([]byte, 4<<20)
	tests := []struct {
		name string
		zip  *bytes.Reader
		lim  ingest.ZipLimits
		read bool
		want string
	}{
		{name: "too many entries", zip: makeZip(t, zipFile{"a", nil}, zipFile{"b", nil}, zipFile{"c", nil}), lim: ingest.ZipLimits{MaxEntries: 2}, want: "more than 2 entries"},
		{name: "too large in total", zip: makeZip(t, zipFile{"a", make([]byte, 600)}, zipFile{"b", make([]byte, 600)}), lim: ingest.ZipLimits{MaxTotalBytes: 1000}, want: "uncompressed size above the limit"},
		{name: "bomb ratio", zip: makeZip(t, zipFile{"zeros", zeros}), lim: ingest.ZipLimits{MaxRatio: 100}, want: "compresses more than 100:1"},
		{name: "path traversal", zip: makeZip(t, zipFile{"../../etc/passwd", []byte("x")}), want: "unsafe entry name"},
		{name: "absolute path", zip: makeZip(t, zipFile{"/etc/passwd", []byte("x")}), want: "unsafe entry name"},
		{name: "not a zip", zip: bytes.NewReader([]byte("PK nope")), want: "zip:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			err := ingest.WalkZipLimits(tt.zip, tt.zip.Size(), tt.lim, func(string, func() (io.ReadCloser, error)) error {
				called = true
				return nil
			})
			if err == nil || !strings.Contains(err.Error(), tt.want) || model.ErrorCode(err) != model.EINVALID {
				t.Fatalf("err = %v, want EINVALID containing %q", err, tt.want)
			}
			if called {
				t.Error("fn was called before the limits were checked")
			}
		})
	}
}

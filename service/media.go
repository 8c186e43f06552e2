package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/mms-platform/mms/ingest"
	"github.com/mms-platform/mms/model"
)

// BlobStore keeps media bytes, content-addressed.
type BlobStore interface {
	// PutBlob stores r under id unless id is stored already.
	PutBlob(ctx context.Context, id, name string, r io.Reader) error
	// OpenBlob streams a blob; model.ENOTFOUND if there is none.
	OpenBlob(ctx context.Context, id string) (io.ReadCloser, int64, error)
}

// storedFile is one uploaded file of a MEDIA ingestion.
type storedFile struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Size int64  `json:"size"`
}

// mediaBatch bounds how many media documents are written at once.
const mediaBatch = 100

// media runs a MEDIA ingestion: every file (of a zip archive, of a multipart set,
// or the one file given) becomes a document keyed source:name with its MIME type,
// size, SHA-256 and, for images, width and height; the bytes go to the blob
// store under their SHA-256, so re-running stores nothing twice.
func (r *ingestRun) media(ctx context.Context) error {
	n, err := r.s.Docs.CountDocuments(ctx, r.d.ID)
	if err != nil {
		return err
	}
	r.empty, r.before, r.target = n == 0, n, r.d.Version+1
	r.insertFirst = r.empty
	if err := r.s.Docs.EnsureDatasetCollection(ctx, r.d.ID); err != nil {
		return err
	}
	var batch []ingest.Doc
	add := func(name string, open func() (io.ReadCloser, error)) error {
		r.ing.Read++
		line := r.ing.Read
		fields, err := r.storeMedia(ctx, name, open)
		if err != nil {
			if model.ErrorCode(err) != model.EINVALID {
				return err
			}
			return r.reject(ctx, line, []string{name + ": " + model.ErrorMessage(err)}, "")
		}
		batch = append(batch, ingest.Doc{Key: r.p.Source + ":" + name, Line: line, Fields: fields})
		if len(batch) == mediaBatch {
			if err := r.flush(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
			r.prog.Set(0.5, model.JobDetail{Phase: "storing media", Rows: int64(r.ing.Read)})
			return r.renewLock(ctx)
		}
		return ctx.Err()
	}
	if len(r.p.StoredFiles) > 0 {
		for _, f := range r.p.StoredFiles {
			err := add(cleanMediaName(f.Name), func() (io.ReadCloser, error) { return r.s.Ingestions.OpenSource(ctx, f.ID) })
			if err != nil {
				return err
			}
		}
	} else if err := r.walkMediaSource(ctx, add); err != nil {
		return err
	}
	if err := r.flush(ctx, batch); err != nil {
		return err
	}
	if err := r.flushRejects(ctx); err != nil {
		return err
	}
	return r.finish(ctx)
}

// walkMediaSource visits the files of a single source: the entries of a zip
// archive, or the source itself.
func (r *ingestRun) walkMediaSource(ctx context.Context, add func(string, func() (io.ReadCloser, error)) error) error {
	f, err := os.CreateTemp("", "mms-media-*")
	if err != nil {
		return err
	}
	defer func() { f.Close(); os.Remove(f.Name()) }()
	rc, err := r.src.open(ctx)
	if err != nil {
		return err
	}
	size, err := io.Copy(f, rc)
	rc.Close()
	if err != nil {
		return err
	}
	head := make([]byte, 4)
	_, _ = f.ReadAt(head, 0)
	if bytes.Equal(head, []byte("PK\x03\x04")) {
		return ingest.WalkZip(f, size, add)
	}
	return add(cleanMediaName(r.p.Source), func() (io.ReadCloser, error) { return os.Open(f.Name()) })
}

func cleanMediaName(name string) string {
	name = path.Clean("/" + strings.ReplaceAll(name, "\\", "/"))
	return strings.TrimPrefix(name, "/")
}

// storeMedia describes one file and stores its bytes; a file over the size limit
// is an EINVALID error (a reject).
func (r *ingestRun) storeMedia(ctx context.Context, name string, open func() (io.ReadCloser, error)) (map[string]any, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	tmp, err := os.CreateTemp("", "mms-blob-*")
	if err != nil {
		return nil, err
	}
	defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
	limit := r.s.MaxSourceBytes
	info, err := ingest.DescribeMedia(name, io.TeeReader(io.LimitReader(rc, limit+1), tmp))
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "read: %v", err)
	}
	if info.Size > limit {
		return nil, model.Errorf(model.EINVALID, "file is over the limit of %d bytes", limit)
	}
	id := "sha256:" + info.SHA256
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if err := r.s.Blobs.PutBlob(ctx, id, name, tmp); err != nil {
		return nil, fmt.Errorf("store media %s: %w", name, err)
	}
	fields := map[string]any{
		"file": name, "mime": info.MIME, "size": info.Size, "sha256": info.SHA256, "blob": id,
	}
	if info.Width > 0 {
		fields["width"], fields["height"] = int64(info.Width), int64(info.Height)
	}
	return fields, nil
}

// Media streams the bytes of a media document (read on the dataset).
func (s *Service) Media(ctx context.Context, dataset, key string) (io.ReadCloser, string, int64, error) {
	doc, err := s.Document(ctx, dataset, key)
	if err != nil {
		return nil, "", 0, err
	}
	id, _ := doc.Fields["blob"].(string)
	if id == "" {
		return nil, "", 0, model.Errorf(model.ENOTFOUND, "document %q has no media", key)
	}
	mime, _ := doc.Fields["mime"].(string)
	rc, size, err := s.Blobs.OpenBlob(ctx, id)
	if errors.Is(err, io.EOF) {
		err = model.Errorf(model.ENOTFOUND, "media of %q not found", key)
	}
	return rc, mime, size, err
}

package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/mms-platform/mms/httperr"
	"github.com/mms-platform/mms/model"
)

// uploadForm is the GraphQL multipart request transport (operations, map, then
// files) with MMS's limits, in place of gqlgen's transport.MultipartForm, which
// reads the operations part whole into memory and, for a body without a length,
// every file too:
//   - anonymous callers cannot upload: 401 before any part is read;
//   - the operations and map parts together obey maxBody (413 beyond);
//   - a file part stays in memory up to memory bytes and streams to a temporary
//     file (removed after the request) beyond; the whole body obeys the upload
//     limit that limitUploads set.
type uploadForm struct {
	maxBody int64
	memory  int64
}

var _ graphql.Transport = uploadForm{}

// Supports implements graphql.Transport.
func (uploadForm) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" || r.Method != http.MethodPost {
		return false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// Do implements graphql.Transport.
func (f uploadForm) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	if model.PrincipalFromContext(r.Context()).Anonymous {
		w.Header().Set("Connection", "close") // the body is not read
		httperr.Write(w, httperr.GraphQL, model.Errorf(model.EUNAUTHENTICATED,
			"uploads need a token: send Authorization: Bearer <API key or JWT>"))
		return
	}
	fail := func(err error) { uploadError(w, err, f.maxBody) }
	mr, err := r.MultipartReader()
	if err != nil {
		fail(model.Errorf(model.EINVALID, "body is not multipart/form-data: %v", err))
		return
	}
	// operations and map share maxBody.
	left := f.maxBody
	small := func(name string) ([]byte, error) {
		part, err := mr.NextPart()
		if err != nil {
			return nil, fmt.Errorf("part %s: %w", name, err)
		}
		if part.FormName() != name {
			return nil, model.Errorf(model.EINVALID, "part %q must come next (operations, map, then the files), got %q", name, part.FormName())
		}
		b, err := io.ReadAll(io.LimitReader(part, left+1))
		if err != nil {
			return nil, fmt.Errorf("part %s: %w", name, err)
		}
		if int64(len(b)) > left {
			return nil, errPartsTooLarge
		}
		left -= int64(len(b))
		return b, nil
	}
	ops, err := small("operations")
	if err != nil {
		fail(err)
		return
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(ops))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		fail(model.Errorf(model.EINVALID, "operations part is not a GraphQL request: %v", err))
		return
	}
	mapPart, err := small("map")
	if err != nil {
		fail(err)
		return
	}
	uploads := map[string][]string{}
	if err := json.Unmarshal(mapPart, &uploads); err != nil {
		fail(model.Errorf(model.EINVALID, "map part must be an object of file keys to variable paths: %v", err))
		return
	}
	var temps []*os.File
	defer func() {
		for _, t := range temps {
			t.Close()
			os.Remove(t.Name())
		}
	}()
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(fmt.Errorf("file part: %w", err))
			return
		}
		key := part.FormName()
		paths := uploads[key]
		if len(paths) == 0 {
			fail(model.Errorf(model.EINVALID, "file part %q is not in the map", key))
			return
		}
		delete(uploads, key)
		head, err := io.ReadAll(io.LimitReader(part, f.memory+1))
		if err != nil {
			fail(fmt.Errorf("file %s: %w", key, err))
			return
		}
		var open func() (io.ReadSeeker, error)
		size := int64(len(head))
		if size <= f.memory {
			open = func() (io.ReadSeeker, error) { return bytes.NewReader(head), nil }
		} else {
			tmp, err := os.CreateTemp("", "mms-upload-*")
			if err != nil {
				fail(fmt.Errorf("temporary file: %w", err))
				return
			}
			temps = append(temps, tmp)
			n, err := io.Copy(tmp, io.MultiReader(bytes.NewReader(head), part))
			if err != nil {
				fail(fmt.Errorf("file %s: %w", key, err))
				return
			}
			size, head = n, nil
			name := tmp.Name()
			open = func() (io.ReadSeeker, error) {
				f, err := os.Open(name)
				if err == nil {
					temps = append(temps, f)
				}
				return f, err
			}
		}
		for _, p := range paths {
			file, err := open()
			if err != nil {
				fail(fmt.Errorf("open upload: %w", err))
				return
			}
			up := graphql.Upload{File: file, Size: size, Filename: part.FileName(), ContentType: part.Header.Get("Content-Type")}
			if gerr := params.AddUpload(up, key, p); gerr != nil {
				fail(model.Errorf(model.EINVALID, "map: %s", gerr.Message))
				return
			}
		}
	}
	// Read the epilogue, so that the body's end lifts its read deadline.
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 64<<10))
	for key := range uploads {
		fail(model.Errorf(model.EINVALID, "map names file %q, but no part holds it", key))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	w.Header().Set("Content-Type", "application/json")
	rc, gerr := exec.CreateOperationContext(r.Context(), &params)
	if gerr != nil {
		// A request error (the document does not parse or validate, variables
		// do not coerce): 200 with application/json and no data entry, as the
		// GraphQL-over-HTTP spec says and as overHTTP answers JSON requests.
		b, err := json.Marshal(exec.DispatchError(graphql.WithOperationContext(r.Context(), rc), gerr))
		if err != nil {
			fail(err)
			return
		}
		_, _ = w.Write(append(withoutNullData(b), '\n'))
		return
	}
	responses, ctx := exec.DispatchOperation(r.Context(), rc)
	_ = json.NewEncoder(w).Encode(responses(ctx))
}

var errPartsTooLarge = errors.New("operations and map parts too large")

// uploadError answers a multipart request that could not be read: 413 over a
// limit, 408 for a body that stopped arriving, 400 otherwise.
func uploadError(w http.ResponseWriter, err error, maxBody int64) {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, errPartsTooLarge):
		w.Header().Set("Connection", "close")
		httperr.WriteStatus(w, httperr.GraphQL, http.StatusRequestEntityTooLarge, model.Errorf(model.EINVALID,
			"the operations and map parts are larger than %d bytes (MMS_MAX_BODY); send files as file parts", maxBody))
	case errors.As(err, &mbe):
		tooLarge(w, mbe.Limit)
	case isTimeout(err):
		bodyTooSlow(w)
	case model.ErrorCode(err) == model.EINVALID:
		httperr.Write(w, httperr.GraphQL, err)
	default:
		httperr.Write(w, httperr.GraphQL, model.Errorf(model.EINVALID, "could not read the multipart body: %v", err))
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func bodyTooSlow(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
	httperr.WriteStatus(w, httperr.GraphQL, http.StatusRequestTimeout, model.Errorf(model.EINVALID,
		"the request body arrived too slowly (MMS_READ_TIMEOUT); send it at once"))
}

func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/")
}

// readDeadlines bounds how long a request body may take to arrive, so that a
// client trickling bytes cannot hold a connection and a goroutine for long:
// a body must arrive within cfg.ReadTimeout; an upload (multipart on /graphql)
// within cfg.UploadTimeout, with no pause longer than cfg.ReadTimeout. The
// deadline is lifted once the body is read, so it never cuts a slow answer.
// (http.Server.ReadTimeout cannot do this: it applies to every request alike,
// and once the body is read it would cancel handlers that run longer.)
func (a *API) readDeadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.cfg.ReadTimeout <= 0 || r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			next.ServeHTTP(w, r)
			return
		}
		total := a.cfg.ReadTimeout
		if r.URL.Path == "/graphql" && isMultipart(r) {
			total = max(a.cfg.UploadTimeout, a.cfg.ReadTimeout)
		}
		d := &deadlineBody{ReadCloser: r.Body, rc: http.NewResponseController(w), idle: a.cfg.ReadTimeout, end: time.Now().Add(total)}
		d.arm() // also bounds the server's own read of a body the handler left unread
		r.Body = d
		next.ServeHTTP(w, r)
	})
}

// deadlineBody sets the connection's read deadline before each read (the next
// byte within idle, the whole body by end) and lifts it at the end of the body.
// A read that comes less than idle/64 after the deadline was last set keeps
// that deadline (earlier than a new one by less than idle/64: the bound only
// tightens), so a body read in a few quick reads costs one deadline, not one
// per read.
type deadlineBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	idle  time.Duration
	end   time.Time
	armed time.Time // the deadline set last (zero: none yet)
	done  bool
}

func (d *deadlineBody) arm() {
	dl := time.Now().Add(d.idle)
	if dl.After(d.end) {
		dl = d.end
	}
	if !d.armed.IsZero() && dl.Sub(d.armed) < d.idle/64 {
		return
	}
	d.armed = dl
	_ = d.rc.SetReadDeadline(dl)
}

func (d *deadlineBody) Read(p []byte) (int, error) {
	if !d.done {
		d.arm()
	}
	n, err := d.ReadCloser.Read(p)
	if err == io.EOF && !d.done {
		d.done = true
		_ = d.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
	"time"

	"github.com/mms-platform/mms/model"
)

// Source limits.
const (
	maxRedirects     = 5
	maxExternalRows  = 50_000_000
	urlFetchTimeout  = 10 * time.Minute
	urlHeaderTimeout = 30 * time.Second
	urlStallTimeout  = 60 * time.Second
)

// orDefault returns d, or def when d is not positive.
func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// errStalled ends a URL fetch whose body stopped arriving.
var errStalled = errors.New("url source stalled")

// stallReader calls touch after every read that returned bytes.
type stallReader struct {
	r     io.Reader
	touch func()
}

func (s stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.touch()
	}
	return n, err
}

// source is an ingestion's bytes, readable twice (pass 1 and pass 2).
type source struct {
	open    func(ctx context.Context) (io.ReadCloser, error)
	size    int64 // -1 when unknown
	cleanup func()
}

// checkSourceURL accepts http(s) URLs only.
func checkSourceURL(raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return model.Errorf(model.EINVALID, "url must be an http:// or https:// URL")
	}
	return nil
}

// openSource makes an ingestion's bytes available: stored sources stream from the
// store; URL, MongoDB and SQL sources are fetched once into a temporary file.
func (s *Service) openSource(ctx context.Context, p *ingestPayload) (*source, error) {
	switch {
	case len(p.StoredFiles) > 0: // MEDIA files: read one by one (see media)
		var size int64
		for _, f := range p.StoredFiles {
			size += f.Size
		}
		return &source{size: size, cleanup: func() {}, open: func(context.Context) (io.ReadCloser, error) {
			return nil, errors.New("a set of media files has no single stream")
		}}, nil
	case p.Stored != "":
		return &source{size: p.StoredSize, cleanup: func() {}, open: func(ctx context.Context) (io.ReadCloser, error) {
			return s.Ingestions.OpenSource(ctx, p.Stored)
		}}, nil
	case p.URL != "":
		return spool(func(w io.Writer) error { return s.fetchURL(ctx, p.URL, w) })
	case p.Mongo != nil, p.SQL != nil:
		return spool(func(w io.Writer) error { return s.exportDB(ctx, p, w) })
	}
	return nil, model.Errorf(model.EINVALID, "ingestion has no source")
}

// spool writes a source into a temporary file once.
func spool(fill func(io.Writer) error) (*source, error) {
	f, err := os.CreateTemp("", "mms-source-*")
	if err != nil {
		return nil, fmt.Errorf("spool source: %w", err)
	}
	cleanup := func() { f.Close(); os.Remove(f.Name()) }
	if err := fill(f); err != nil {
		cleanup()
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		cleanup()
		return nil, err
	}
	return &source{size: st.Size(), cleanup: cleanup, open: func(context.Context) (io.ReadCloser, error) {
		return os.Open(f.Name())
	}}, nil
}

// outboundClient is the HTTP client for requests to user-given URLs (sources,
// webhooks): bounded in time and redirects, and unless private addresses are
// allowed, refusing to connect to loopback, link-local (cloud metadata) and
// private networks, checked on the resolved address so DNS cannot sneak one in.
func (s *Service) outboundClient(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		if s.AllowPrivateURLs {
			return nil
		}
		host, _, _ := net.SplitHostPort(address)
		if ip := net.ParseIP(host); ip == nil || privateIP(ip) {
			return privateAddrError("url", host)
		}
		return nil
	}}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext: dialer.DialContext, ResponseHeaderTimeout: orDefault(s.URLHeaderTimeout, urlHeaderTimeout),
			TLSHandshakeTimeout: 10 * time.Second, Proxy: nil,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return model.Errorf(model.EINVALID, "url: more than %d redirects", maxRedirects)
			}
			return checkSourceURL(req.URL.String(), s.AllowPrivateURLs)
		},
	}
}

// fetchURL downloads u into w: bounded in size (the upload limit), time and
// redirects, and unless private addresses are allowed, refusing to connect to
// loopback, link-local (cloud metadata) and private networks, checked on the
// resolved address so DNS cannot sneak one in.
func (s *Service) fetchURL(ctx context.Context, u string, w io.Writer) error {
	headerTimeout := orDefault(s.URLHeaderTimeout, urlHeaderTimeout)
	fetchTimeout := orDefault(s.URLFetchTimeout, urlFetchTimeout)
	stall := orDefault(s.URLStallTimeout, urlStallTimeout)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	client := s.outboundClient(fetchTimeout)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return model.Errorf(model.EINVALID, "url: %v", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		var me *model.Error
		if errors.As(err, &me) {
			return me
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return model.Errorf(model.EINVALID, "url: no response within %v (headers) or %v (whole download)", headerTimeout, fetchTimeout)
		}
		return model.Errorf(model.EINVALID, "url: fetch failed: %v", errors.Unwrap(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return model.Errorf(model.EINVALID, "url: server answered %s", resp.Status)
	}
	limit := s.MaxSourceBytes
	if resp.ContentLength > limit {
		return model.Errorf(model.EINVALID, "url: source is %d bytes, over the limit of %d", resp.ContentLength, limit)
	}
	timer := time.AfterFunc(stall, func() { cancel(errStalled) })
	defer timer.Stop()
	body := stallReader{r: resp.Body, touch: func() { timer.Reset(stall) }}
	n, err := io.Copy(w, io.LimitReader(body, limit+1))
	if err != nil {
		if errors.Is(context.Cause(ctx), errStalled) {
			return model.Errorf(model.EINVALID, "url: the server sent nothing for %v; giving up after %d bytes", stall, n)
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return model.Errorf(model.EINVALID, "url: download took longer than %v", fetchTimeout)
		}
		return model.Errorf(model.EINVALID, "url: read failed: %v", err)
	}
	if n > limit {
		return model.Errorf(model.EINVALID, "url: source is over the limit of %d bytes", limit)
	}
	return nil
}

// nopCloser adds a no-op Close to a reader whose owner closes it.
type nopCloser struct{ io.Reader }

func (nopCloser) Close() error { return nil }

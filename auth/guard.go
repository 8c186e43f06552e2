package auth

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/mms-platform/mms/model"
)

// Guard authenticates requests and bounds what a client can try without a
// valid credential, whatever the per-principal limit says:
//
//   - failed authentications (invalid, revoked or expired keys, bad JWTs) are
//     limited per client address (Failures): once an address has used its
//     allowance, every request of it that carries a token is answered
//     RATE_LIMITED before the token is even looked at, so a flood of guesses,
//     fresh JWT subjects included, costs neither lookups nor audit records;
//   - requests without a token are limited per client address (Anonymous);
//   - authenticated principals are limited per principal (Principal).
//
// Failed authentications are audited without letting a flood fill the audit
// chain: the first of each address in each window of Audit through Reject,
// the others counted into Audit's one summary per address and window.
//
// A nil limiter lets everything through. Guard is safe for concurrent use.
type Guard struct {
	Authn     *Authenticator
	Principal *RateLimiter
	Failures  *RateLimiter
	Anonymous *RateLimiter
	// Audit counts the failed authentications not audited one by one; nil
	// audits every one through Reject.
	Audit *AuditThrottle
	// Reject audits one failed authentication.
	Reject func(ctx context.Context, err error)
}

// AuditThrottle keeps a flood of one kind of event (failed authentications,
// anonymous requests refused) from adding an audit record each: per client
// address and window, the first event is audited one by one by its caller and
// the others are counted, then written as one summary through Summary when the
// window ends (Run) or at the latest on Flush. At most maxThrottled addresses
// are tracked per window; beyond, events are counted under "other addresses".
// It is safe for concurrent use.
type AuditThrottle struct {
	// Window is the audit window (a minute if zero).
	Window time.Duration
	// Summary audits the events of one address and window that were not
	// audited one by one.
	Summary func(ctx context.Context, s ThrottleSummary)
	Now     func() time.Time

	mu      sync.Mutex
	windows map[string]*throttleWindow // by client address
}

// ThrottleSummary counts the events of one client address in one window that
// were not audited one by one.
type ThrottleSummary struct {
	Addr string
	// Checked counts events that were fully processed (a token that failed
	// verification); Limited, requests refused by a rate limit first.
	Checked, Limited int
	From, To         time.Time
}

// Total is Checked + Limited.
func (s ThrottleSummary) Total() int { return s.Checked + s.Limited }

type throttleWindow struct {
	start            time.Time
	checked, limited int
}

// maxThrottled bounds the addresses tracked in one window; beyond it, the
// events of new addresses are counted under OverflowAddr.
const maxThrottled = 10000

// OverflowAddr collects the events of addresses beyond the tracked ones.
const OverflowAddr = "other addresses"

// RateLimitedError is the error of a request refused by a limit, with how long
// to wait before trying again.
type RateLimitedError struct {
	Err        *model.Error // code RATE_LIMITED
	RetryAfter time.Duration
}

func (e *RateLimitedError) Error() string { return e.Err.Error() }

// Unwrap lets model.ErrorCode and errors.As see the *model.Error.
func (e *RateLimitedError) Unwrap() error { return e.Err }

// RetryAfterSeconds is the Retry-After header value for e (at least 1).
func (e *RateLimitedError) RetryAfterSeconds() int {
	return max(1, int(math.Ceil(e.RetryAfter.Seconds())))
}

func rateLimited(wait time.Duration, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &RateLimitedError{
		Err:        model.Errorf(model.ERATELIMITED, "%s; retry in %s", msg, max(wait, time.Second).Round(time.Second).String()),
		RetryAfter: wait,
	}
}

// Authenticate returns the principal of token, presented by a client at addr
// (see ClientAddr). An empty token is anonymous. It returns a
// *RateLimitedError (code RATE_LIMITED) when a limit refuses the request, and
// the Authenticator's error otherwise (UNAUTHENTICATED for a bad token), after
// auditing it.
func (g *Guard) Authenticate(ctx context.Context, addr, token string) (*model.Principal, error) {
	if token == "" {
		if ok, wait := g.Anonymous.Allow(addr); !ok {
			return nil, rateLimited(wait, "too many requests without a token from %s (limit %g/s); send Authorization: Bearer <API key or JWT>", addr, g.Anonymous.Rate)
		}
		return model.Anonymous, nil
	}
	if ok, wait := g.Failures.Peek(addr); !ok {
		g.Audit.Note(addr, false)
		return nil, rateLimited(wait, "too many failed authentications from %s (limit %g per minute); check the token", addr, g.Failures.Rate*60)
	}
	p, err := g.Authn.Authenticate(ctx, token)
	if err != nil {
		if model.ErrorCode(err) == model.EUNAUTHENTICATED {
			g.Failures.Allow(addr)
			if (g.Audit == nil || g.Audit.Note(addr, true)) && g.Reject != nil {
				g.Reject(ctx, err)
			}
		}
		return nil, err
	}
	if ok, wait := g.Principal.Allow(p.ID); !ok {
		return nil, rateLimited(wait, "rate limit of %g requests/s for %s exceeded", g.Principal.Rate, p.ID)
	}
	return p, nil
}

func (t *AuditThrottle) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *AuditThrottle) window() time.Duration {
	if t.Window > 0 {
		return t.Window
	}
	return time.Minute
}

// Note records one event of addr (checked: fully processed; otherwise refused
// by a limit first) and reports whether the caller should audit it one by one:
// true for the first checked event of its address in the current window. The
// summary of addr's window that ended is written first. A nil t counts nothing
// and returns true.
func (t *AuditThrottle) Note(addr string, checked bool) (first bool) {
	if t == nil {
		return true
	}
	now := t.now()
	t.mu.Lock()
	if t.windows == nil {
		t.windows = map[string]*throttleWindow{}
	}
	w, ok := t.windows[addr]
	if ok && now.Sub(w.start) >= t.window() {
		ended := t.take(addr, w, now)
		t.mu.Unlock()
		t.write([]ThrottleSummary{ended})
		t.mu.Lock()
		w, ok = t.windows[addr]
	}
	if !ok && len(t.windows) >= maxThrottled {
		addr = OverflowAddr
		w, ok = t.windows[addr]
	}
	if !ok {
		w = &throttleWindow{start: now}
		t.windows[addr] = w
		if checked {
			t.mu.Unlock()
			return true
		}
	}
	if checked {
		w.checked++
	} else {
		w.limited++
	}
	t.mu.Unlock()
	return false
}

// take removes addr's window and returns its summary. t.mu is held.
func (t *AuditThrottle) take(addr string, w *throttleWindow, now time.Time) ThrottleSummary {
	delete(t.windows, addr)
	return ThrottleSummary{Addr: addr, Checked: w.checked, Limited: w.limited, From: w.start, To: now}
}

// write audits the summaries that counted anything.
func (t *AuditThrottle) write(due []ThrottleSummary) {
	if t.Summary == nil {
		return
	}
	for _, s := range due {
		if s.Total() > 0 {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			t.Summary(ctx, s)
			cancel()
		}
	}
}

// Flush writes the summaries of the windows that ended, or of every window if
// all (at shutdown).
func (t *AuditThrottle) Flush(all bool) {
	if t == nil {
		return
	}
	now := t.now()
	var due []ThrottleSummary
	t.mu.Lock()
	for addr, w := range t.windows {
		if all || now.Sub(w.start) >= t.window() {
			due = append(due, t.take(addr, w, now))
		}
	}
	t.mu.Unlock()
	t.write(due)
}

// Run flushes the summaries of ended windows every tenth of a window until ctx
// ends, then flushes every window.
func (t *AuditThrottle) Run(ctx context.Context) {
	tick := time.NewTicker(max(t.window()/10, 100*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			t.Flush(true)
			return
		case <-tick.C:
			t.Flush(false)
		}
	}
}

// ClientAddr is the address a client is limited and audited under: the IP of
// remoteAddr (host:port, as net/http sets it), or its /64 network for IPv6, where
// one client commonly holds a whole /64. Forwarding headers are not trusted.
func ClientAddr(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	pfx, err := ip.WithZone("").Prefix(64)
	if err != nil {
		return ip.String()
	}
	return pfx.String()
}

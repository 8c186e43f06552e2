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
// chain: the first of each address in each window through Reject, the others
// counted and written as one summary per address and window through Summary,
// when the window ends (Run) or at the latest on Flush.
//
// A nil limiter lets everything through. Guard is safe for concurrent use.
type Guard struct {
	Authn     *Authenticator
	Principal *RateLimiter
	Failures  *RateLimiter
	Anonymous *RateLimiter
	// Window is the audit window of failed authentications (a minute if zero).
	Window time.Duration
	// Reject audits one failed authentication.
	Reject func(ctx context.Context, err error)
	// Summary audits the failed authentications of one address and window
	// that were not audited one by one.
	Summary func(ctx context.Context, s FailureSummary)
	Now     func() time.Time

	mu      sync.Mutex
	windows map[string]*failWindow // by client address
}

// FailureSummary counts the failed authentications of one client address in
// one window that Reject did not see.
type FailureSummary struct {
	Addr string
	// Failed counts tokens that were checked and failed; Limited, requests
	// refused RATE_LIMITED before their token was checked.
	Failed, Limited int
	From, To        time.Time
}

// String is the summary's audit text.
func (s FailureSummary) String() string {
	return fmt.Sprintf("%d failed authentications from %s between %s and %s not audited one by one (%d failed verification, %d refused by the rate limit)",
		s.Failed+s.Limited, s.Addr, s.From.UTC().Format(time.RFC3339), s.To.UTC().Format(time.RFC3339), s.Failed, s.Limited)
}

type failWindow struct {
	start           time.Time
	failed, limited int
}

// maxFailWindows bounds the addresses tracked in one window; beyond it, the
// failures of new addresses are counted under overflowAddr.
const maxFailWindows = 10000

// overflowAddr collects the failures of addresses beyond maxFailWindows.
const overflowAddr = "other addresses"

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

func (g *Guard) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

func (g *Guard) window() time.Duration {
	if g.Window > 0 {
		return g.Window
	}
	return time.Minute
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
		g.count(addr, false)
		return nil, rateLimited(wait, "too many failed authentications from %s (limit %g per minute); check the token", addr, g.Failures.Rate*60)
	}
	p, err := g.Authn.Authenticate(ctx, token)
	if err != nil {
		if model.ErrorCode(err) == model.EUNAUTHENTICATED {
			g.Failures.Allow(addr)
			if g.count(addr, true) && g.Reject != nil {
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

// count notes one failed authentication of addr (a checked token if checked,
// otherwise a request refused by the limit) and reports whether it is the
// first of its address in the current window, to be audited one by one.
// Summaries of windows that ended are written first.
func (g *Guard) count(addr string, checked bool) (first bool) {
	now := g.now()
	g.mu.Lock()
	if g.windows == nil {
		g.windows = map[string]*failWindow{}
	}
	w, ok := g.windows[addr]
	if ok && now.Sub(w.start) >= g.window() {
		ok = false // ended; Flush writes it, a fresh window starts below
		due := []FailureSummary{g.take(addr, w, now)}
		g.mu.Unlock()
		g.write(due)
		g.mu.Lock()
		w, ok = g.windows[addr]
	}
	if !ok {
		if len(g.windows) >= maxFailWindows {
			addr = overflowAddr
			w, ok = g.windows[addr]
		}
		if !ok {
			w = &failWindow{start: now}
			g.windows[addr] = w
			first = checked
		}
		if first {
			g.mu.Unlock()
			return true
		}
	}
	if checked {
		w.failed++
	} else {
		w.limited++
	}
	g.mu.Unlock()
	return false
}

// take removes addr's window and returns its summary. g.mu is held.
func (g *Guard) take(addr string, w *failWindow, now time.Time) FailureSummary {
	delete(g.windows, addr)
	return FailureSummary{Addr: addr, Failed: w.failed, Limited: w.limited, From: w.start, To: now}
}

// write audits the summaries that counted anything.
func (g *Guard) write(due []FailureSummary) {
	if g.Summary == nil {
		return
	}
	for _, s := range due {
		if s.Failed+s.Limited > 0 {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			g.Summary(ctx, s)
			cancel()
		}
	}
}

// Flush writes the summaries of the windows that ended, or of every window if
// all (at shutdown).
func (g *Guard) Flush(all bool) {
	now := g.now()
	var due []FailureSummary
	g.mu.Lock()
	for addr, w := range g.windows {
		if all || now.Sub(w.start) >= g.window() {
			due = append(due, g.take(addr, w, now))
		}
	}
	g.mu.Unlock()
	g.write(due)
}

// Run flushes the summaries of ended windows every tenth of a window until ctx
// ends, then flushes every window.
func (g *Guard) Run(ctx context.Context) {
	t := time.NewTicker(max(g.window()/10, 100*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			g.Flush(true)
			return
		case <-t.C:
			g.Flush(false)
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

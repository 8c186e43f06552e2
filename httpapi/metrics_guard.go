package httpapi

import (
	"crypto/subtle"
	"net"
	"net/http"
	"sync"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// metricsGuard protects /metrics on the API address: it answers the bearer
// token cfg.MetricsToken (for a scraper, no API key needed) or an admin API key
// or JWT (authenticated by authed, authorized and, when denied, audited by the
// service), or, without a token configured, an untokened scrape from this host
// (localScrape); anyone else gets 401/403. With cfg.MetricsAddr set, /metrics is on
// that listener instead, without a token: keep it on a private address.
func (a *API) metricsGuard(metrics http.Handler, authed func(http.Handler) http.Handler) http.Handler {
	byKey := authed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := a.svc.AuthorizeMetrics(r.Context()); err != nil {
			a.httpError(w, r, err)
			return
		}
		metrics.ServeHTTP(w, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if localScrape(r) && a.cfg.MetricsToken == "" {
			metrics.ServeHTTP(w, r)
			return
		}
		if tok := a.cfg.MetricsToken; tok != "" &&
			subtle.ConstantTimeCompare([]byte(auth.BearerToken(r.Header.Get("Authorization"))), []byte(tok)) == 1 {
			metrics.ServeHTTP(w, r)
			return
		}
		byKey.ServeHTTP(w, r)
	})
}

// localScrape reports whether r is a scrape from this host: no token, a
// loopback peer, and no forwarding header (a reverse proxy on the same host
// that forwards outside requests says so, or should: see README). Without
// MMS_METRICS_TOKEN such a request reads /metrics, as a Prometheus on the
// same host does; with a token configured, only the token or an admin key do.
func localScrape(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" || r.Header.Get("X-Forwarded-For") != "" ||
		r.Header.Get("Forwarded") != "" || r.Header.Get("X-Real-Ip") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// boundedSet admits at most max distinct operation names as metric labels, so
// that clients cannot blow up the number of series by inventing names. A name
// is admitted only for an authenticated caller, and each caller may admit at
// most perCaller names, so that no single caller (and no anonymous client) can
// fill the set and push everyone else's names into "other".
type boundedSet struct {
	mu        sync.Mutex
	max       int
	perCaller int
	m         map[string]bool
	by        map[string]int // names admitted per caller (at most max entries)
}

// label is the metric label of operation name sent by caller ("" when
// anonymous): the name if it is known or admitted now, else "other".
func (s *boundedSet) label(name, caller string) string {
	if len(name) > 64 {
		return "other"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[name] {
		return name
	}
	if caller == "" || len(s.m) >= s.max || s.by[caller] >= s.perCaller {
		return "other"
	}
	s.m[name] = true
	s.by[caller]++
	return name
}

// metricsCaller is who the operation label is charged to ("" when anonymous).
func metricsCaller(p *model.Principal) string {
	if p == nil || p.Anonymous {
		return ""
	}
	return p.ID
}

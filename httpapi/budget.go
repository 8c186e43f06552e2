package httpapi

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/mms-platform/mms/httperr"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/resolvers"
)

// Budget bounds the store work each caller has in flight: at most max
// resolvers (GraphQL) or REST requests of one caller run at once, so that one
// caller cannot take the whole driver pool and starve the others. A caller is
// its principal id, or its client address when anonymous. Work beyond the
// bound waits up to wait for a slot, then fails with RATE_LIMITED.
type Budget struct {
	max  int
	wait time.Duration

	mu   sync.Mutex
	m    map[string]*callerSlots
	free []*callerSlots // entries no one holds, for reuse (see leave)
}

type callerSlots struct {
	sem   chan struct{}
	users int // holders and waiters; the entry goes when it drops to 0
}

func newBudget(max int, wait time.Duration) *Budget {
	return &Budget{max: max, wait: wait, m: map[string]*callerSlots{}}
}

// callerKey names the caller of ctx for the budget.
func callerKey(ctx context.Context) string {
	if p := model.PrincipalFromContext(ctx); !p.Anonymous && p.ID != "" {
		return p.ID
	}
	addr := model.RequestFromContext(ctx).RemoteAddr
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	return "addr:" + addr
}

// Acquire takes one of caller's slots, waiting up to b.wait (or until ctx
// ends); release gives it back.
func (b *Budget) Acquire(ctx context.Context, caller string) (release func(), err error) {
	cs, err := b.acquire(ctx, caller)
	if err != nil {
		return nil, err
	}
	return func() { b.release(caller, cs) }, nil
}

// maxFreeSlots bounds the callers' entries kept for reuse (see release).
const maxFreeSlots = 64

// acquire is Acquire without the closure: the slot taken is given back by
// b.release(caller, cs) (nothing to give back when cs is nil).
func (b *Budget) acquire(ctx context.Context, caller string) (*callerSlots, error) {
	if b == nil || b.max <= 0 {
		return nil, nil
	}
	b.mu.Lock()
	cs := b.m[caller]
	if cs == nil {
		if n := len(b.free); n > 0 { // an entry no one holds: its semaphore is empty
			cs, b.free = b.free[n-1], b.free[:n-1]
		} else {
			cs = &callerSlots{sem: make(chan struct{}, b.max)}
		}
		b.m[caller] = cs
	}
	cs.users++
	b.mu.Unlock()
	select {
	case cs.sem <- struct{}{}:
		return cs, nil
	default:
	}
	t := time.NewTimer(b.wait)
	defer t.Stop()
	select {
	case cs.sem <- struct{}{}:
		return cs, nil
	case <-t.C:
		b.leave(caller, cs)
		return nil, model.Errorf(model.ERATELIMITED,
			"too many concurrent requests: at most %d of one caller run at once, and this one waited %s for a slot; send fewer at a time (fewer aliases of expensive fields, fewer parallel requests)",
			b.max, b.wait)
	case <-ctx.Done():
		b.leave(caller, cs)
		return nil, ctx.Err()
	}
}

// release gives back a slot acquire took.
func (b *Budget) release(caller string, cs *callerSlots) {
	if cs == nil {
		return
	}
	<-cs.sem
	b.leave(caller, cs)
}

// leave drops one user of caller's entry; the entry goes from the map when
// no one holds or waits for its slots, and is kept for reuse (its semaphore
// is then empty).
func (b *Budget) leave(caller string, cs *callerSlots) {
	b.mu.Lock()
	if cs.users--; cs.users == 0 {
		delete(b.m, caller)
		if len(b.free) < maxFreeSlots {
			b.free = append(b.free, cs)
		}
	}
	b.mu.Unlock()
}

// field is a gqlgen field interceptor: each resolver (the fields that reach
// the store) runs within one of its caller's slots. Resolvers never call other
// resolvers, and gqlgen resolves a field's children after its resolver
// returns, so a caller never holds a slot while waiting for another.
func (b *Budget) field(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if b == nil || b.max <= 0 || fc == nil || !fc.IsResolver || (fc.Object == "Query" && fc.Field.Name == "me") {
		return next(ctx)
	}
	if fc.Object == "Query" && fc.Field.Name == "predict" && resolvers.PredictResultFrom(ctx) != nil {
		return next(ctx) // scored already, within a slot (predictPath.call)
	}
	caller := callerKey(ctx)
	cs, err := b.acquire(ctx, caller)
	if err != nil {
		return nil, err
	}
	defer b.release(caller, cs)
	return next(ctx)
}

// middleware runs each REST request (media, artifacts, exports, /v2) within
// one of its caller's slots; it goes after authentication.
func (b *Budget) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller := callerKey(r.Context())
		cs, err := b.acquire(r.Context(), caller)
		if err != nil {
			if model.ErrorCode(err) == model.ERATELIMITED {
				w.Header().Set("Retry-After", strconv.Itoa(1))
				httperr.Write(w, httperr.GraphQL, err)
			} else {
				httperr.Write(w, httperr.GraphQL, model.Errorf(model.EUNAVAILABLE, "request cancelled"))
			}
			return
		}
		defer b.release(caller, cs)
		next.ServeHTTP(w, r)
	})
}

// Callers is how many callers hold or wait for a slot now.
func (b *Budget) Callers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.m)
}

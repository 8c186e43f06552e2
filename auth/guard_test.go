package auth_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/mms-platform/mms/auth"
)

func TestClientAddr(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7:5123":                 "192.0.2.7",
		"[::ffff:192.0.2.7]:80":          "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443":     "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1%eth0]:44": "2001:db8:1:2::/64",
		"[::1]:8080":                     "::/64",
		"not an address":                 "not an address",
	} {
		if got := auth.ClientAddr(in); got != want {
			t.Errorf("ClientAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAuditThrottle checks the first event of an address and window is
// audited one by one, the rest counted into one summary per address and
// window, written when the window ends or on Flush.
func TestAuditThrottle(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var mu sync.Mutex
	var got []auth.ThrottleSummary
	th := &auth.AuditThrottle{Window: time.Minute, Now: func() time.Time { return now },
		Summary: func(_ context.Context, s auth.ThrottleSummary) { mu.Lock(); got = append(got, s); mu.Unlock() }}

	if !th.Note("a", true) || th.Note("a", true) || th.Note("a", false) || !th.Note("b", true) {
		t.Fatal("only the first checked event of each address is audited one by one")
	}
	th.Flush(false)
	if len(got) != 0 {
		t.Fatalf("flushed before the window ended: %+v", got)
	}
	now = now.Add(time.Minute)
	if !th.Note("a", true) { // a new window for a; the old one is written first
		t.Fatal("first event of the next window not audited")
	}
	if len(got) != 1 || got[0].Addr != "a" || got[0].Checked != 1 || got[0].Limited != 1 {
		t.Fatalf("summary of a's first window: %+v", got)
	}
	th.Note("a", true)
	th.Flush(true)
	// b counted nothing beyond its first event: no summary for it.
	if len(got) != 2 || got[1].Addr != "a" || got[1].Total() != 1 {
		t.Fatalf("summaries after Flush: %+v", got)
	}
	var nilThrottle *auth.AuditThrottle
	if !nilThrottle.Note("x", true) {
		t.Fatal("a nil throttle must let every event be audited")
	}
}

func TestRateLimiterPeekTakesNothing(t *testing.T) {
	now := time.Unix(0, 0)
	l := &auth.RateLimiter{Rate: 1.0 / 60, Burst: 2, Now: func() time.Time { return now }}
	for range 5 {
		if ok, _ := l.Peek("a"); !ok {
			t.Fatal("Peek refused a fresh key")
		}
	}
	l.Allow("a")
	l.Allow("a")
	if ok, wait := l.Peek("a"); ok || wait < 59*time.Second {
		t.Fatalf("Peek after the burst: %v %v", ok, wait)
	}
	// An empty bucket is kept across the sweep (it has not refilled).
	now = now.Add(90 * time.Second)
	l.Peek("b")
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("one token refilled after 90 s at 1/min")
	}
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("the sweep forgot that the bucket was empty")
	}
}

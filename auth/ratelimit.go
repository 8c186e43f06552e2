package auth

import (
	"math"
	"sync"
	"time"
)

// RateLimiter is a token bucket per principal: Rate requests per second on
// average, bursts of up to Burst. A zero Rate lets everything through. Buckets
// that have refilled are dropped, so memory follows the active callers.
type RateLimiter struct {
	Rate  float64
	Burst float64
	Now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// Allow takes a token for key. When none is left it returns false and how long
// until one is.
func (l *RateLimiter) Allow(key string) (bool, time.Duration) {
	return l.take(key, true)
}

// Peek reports whether Allow would let key through now, without taking a
// token, and if not how long until it would.
func (l *RateLimiter) Peek(key string) (bool, time.Duration) {
	return l.take(key, false)
}

func (l *RateLimiter) take(key string, take bool) (bool, time.Duration) {
	if l == nil || l.Rate <= 0 || key == "" {
		return true, 0
	}
	now := time.Now()
	if l.Now != nil {
		now = l.Now()
	}
	burst := math.Max(l.Burst, 1)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if l.full(b, now, burst) {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		if !take {
			return true, 0
		}
		b = &bucket{tokens: burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(burst, b.tokens+now.Sub(b.last).Seconds()*l.Rate)
	b.last = now
	if b.tokens >= 1 {
		if take {
			b.tokens--
		}
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.Rate * float64(time.Second))
	return false, wait
}

// full reports whether b has refilled to the burst by now, so dropping it
// changes nothing: a new bucket starts full.
func (l *RateLimiter) full(b *bucket, now time.Time, burst float64) bool {
	return b.tokens+now.Sub(b.last).Seconds()*l.Rate >= burst
}

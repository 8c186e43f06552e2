package httpapi

import (
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// AsyncWriter takes the server's log lines (the access log's one per request
// among them) without a system call each: a Write copies the line into a
// buffer, and one goroutine writes the buffer to the destination every
// interval, at once when size bytes are pending, and on Close. Lines keep
// their order.
//
// A Write never waits for the destination: when max bytes are already
// pending (the destination has been slower than the lines for a while, e.g. a
// stalled pipe), the line is dropped and counted (Dropped, exported as
// mms_log_lines_dropped_total), so that requests are never held up by their
// log lines. At most max bytes are held in memory, plus the batch being
// written. A crash (not a shutdown) loses at most the last interval's lines.
type AsyncWriter struct {
	w        io.Writer
	size     int
	max      int
	interval time.Duration

	mu       sync.Mutex
	buf      []byte // pending lines
	spare    []byte // the last written batch, reused by the next swap
	closed   bool   // written through from now on
	stopping bool
	dropped  atomic.Uint64

	kick chan struct{}
	stop chan struct{}
	done chan struct{}
	wmu  sync.Mutex // one write to w at a time (the goroutine's, Close's)
}

// NewAsyncWriter starts a writer to w with the given flush interval, batch
// size and pending bound (see AsyncWriter). Close stops it.
func NewAsyncWriter(w io.Writer, interval time.Duration, size, max int) *AsyncWriter {
	a := &AsyncWriter{w: w, size: size, max: max, interval: interval,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go a.run()
	return a
}

// Write queues a copy of p (slog hands one whole record per Write). It never
// fails: after Close it writes through, and a line over the pending bound is
// dropped and counted.
func (a *AsyncWriter) Write(p []byte) (int, error) {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		a.wmu.Lock()
		defer a.wmu.Unlock()
		return a.w.Write(p)
	}
	if len(a.buf)+len(p) > a.max {
		a.mu.Unlock()
		a.dropped.Add(1)
		return len(p), nil
	}
	a.buf = append(a.buf, p...)
	full := len(a.buf) >= a.size
	a.mu.Unlock()
	if full {
		select {
		case a.kick <- struct{}{}:
		default:
		}
	}
	return len(p), nil
}

// Dropped is how many lines were dropped because max bytes were pending.
func (a *AsyncWriter) Dropped() uint64 { return a.dropped.Load() }

// Close writes the pending lines and stops the goroutine; later writes go
// straight to the destination.
func (a *AsyncWriter) Close() error {
	a.mu.Lock()
	if a.closed || a.stopping {
		a.mu.Unlock()
		return nil
	}
	a.stopping = true
	a.mu.Unlock()
	close(a.stop)
	<-a.done
	// Lines queued after the goroutine's last flush go now, before any line
	// written through.
	a.wmu.Lock()
	defer a.wmu.Unlock()
	a.mu.Lock()
	a.closed = true
	b := a.buf
	a.buf = nil
	a.mu.Unlock()
	if len(b) > 0 {
		_, _ = a.w.Write(b)
	}
	return nil
}

func (a *AsyncWriter) run() {
	defer close(a.done)
	t := time.NewTicker(a.interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-a.kick:
		case <-a.stop:
			a.flush()
			return
		}
		a.flush()
	}
}

// flush writes the pending lines in one Write.
func (a *AsyncWriter) flush() {
	a.mu.Lock()
	b := a.buf
	a.buf, a.spare = a.spare[:0], nil
	a.mu.Unlock()
	if len(b) > 0 {
		a.wmu.Lock()
		_, _ = a.w.Write(b) // as slog's handlers, a failed log write is not reported
		a.wmu.Unlock()
	}
	a.mu.Lock()
	if a.spare == nil && cap(b) <= 2*a.size { // keep a batch buffer, not a burst's
		a.spare = b[:0]
	}
	a.mu.Unlock()
}

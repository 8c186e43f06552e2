package httpapi

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a destination that counts its writes.
type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
	block  chan struct{} // when set, a write waits for it to close
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	if l.block != nil {
		<-l.block
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Lines from many writers arrive whole, in batches (far fewer writes than
// lines), and all of them by Close; later lines are written through.
func TestAsyncWriterBatchesInOrder(t *testing.T) {
	dst := &lockedBuffer{}
	w := NewAsyncWriter(dst, 20*time.Millisecond, 4<<10, 1<<20)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				fmt.Fprintf(w, "g%d line %04d\n", g, i)
			}
		}()
	}
	wg.Wait()
	w.Close()
	fmt.Fprintf(w, "after close\n")
	lines := strings.Split(strings.TrimSuffix(dst.String(), "\n"), "\n")
	if len(lines) != 4001 || lines[4000] != "after close" {
		t.Fatalf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
	next := map[string]int{}
	for _, l := range lines[:4000] {
		var g string
		var i int
		if _, err := fmt.Sscanf(l, "%s line %d", &g, &i); err != nil || next[g] != i {
			t.Fatalf("line %q out of order or torn (want %s line %d)", l, g, next[g])
		}
		next[g]++
	}
	if dst.writes > 400 {
		t.Errorf("%d writes for 4000 lines: not batched", dst.writes)
	}
	if w.Dropped() != 0 {
		t.Errorf("%d dropped", w.Dropped())
	}
}

// A line waits at most about the interval.
func TestAsyncWriterFlushesOnInterval(t *testing.T) {
	dst := &lockedBuffer{}
	w := NewAsyncWriter(dst, 10*time.Millisecond, 1<<20, 1<<20)
	defer w.Close()
	fmt.Fprintf(w, "one\n")
	deadline := time.Now().Add(2 * time.Second)
	for dst.String() != "one\n" {
		if time.Now().After(deadline) {
			t.Fatal("line not written within 2s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A stalled destination does not hold writers up: past max pending bytes,
// lines are dropped and counted; the others arrive once it moves again.
func TestAsyncWriterDropsWhenStalled(t *testing.T) {
	dst := &lockedBuffer{block: make(chan struct{})}
	w := NewAsyncWriter(dst, time.Millisecond, 10, 100)
	line := []byte("0123456789\n") // 11 bytes
	start := time.Now()
	for range 50 {
		if _, err := w.Write(line); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Microsecond)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("writes took %v against a stalled destination", d)
	}
	if w.Dropped() == 0 {
		t.Fatal("nothing dropped with 550 bytes against a 100-byte bound")
	}
	close(dst.block)
	w.Close()
	if got := strings.Count(dst.String(), "\n"); uint64(got)+w.Dropped() != 50 {
		t.Errorf("%d written + %d dropped != 50", got, w.Dropped())
	}
}

package cache

import (
	"fmt"
	"sync"
	"testing"
)

func TestMapEvictsOldestPut(t *testing.T) {
	var c Map[string, int]
	if _, ok := c.Get("a"); ok {
		t.Fatal("zero Map has an entry")
	}
	c.Put("a", 1, 2)
	c.Put("b", 2, 2)
	c.Put("a", 10, 2) // a is now the newest
	c.Put("c", 3, 2)  // evicts b
	if _, ok := c.Get("b"); ok {
		t.Error("b survived although it was put longest ago")
	}
	for k, want := range map[string]int{"a": 10, "c": 3} {
		if got, ok := c.Get(k); !ok || got != want {
			t.Errorf("Get(%q) = %d, %v; want %d, true", k, got, ok, want)
		}
	}
	if got := c.Len(); got != 2 {
		t.Errorf("Len = %d, want 2", got)
	}
	c.Delete("a")
	c.Delete("missing")
	if _, ok := c.Get("a"); ok || c.Len() != 1 {
		t.Errorf("after Delete(a): Len %d, a present %v", c.Len(), ok)
	}
	c.Put("d", 4, 0) // a limit below 1 keeps one entry
	if c.Len() != 1 {
		t.Errorf("limit 0: Len = %d, want 1", c.Len())
	}
}

// TestMapConcurrent puts, gets and deletes from many goroutines (run with
// -race): the bound holds and every value read is one that was put.
func TestMapConcurrent(t *testing.T) {
	const limit, workers, ops = 50, 8, 2000
	var c Map[int, string]
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ops {
				k := (w*ops + i) % 200
				switch i % 3 {
				case 0:
					c.Put(k, fmt.Sprint(k), limit)
				case 1:
					if v, ok := c.Get(k); ok && v != fmt.Sprint(k) {
						t.Errorf("Get(%d) = %q", k, v)
					}
				default:
					c.Delete(k)
				}
				if n := c.Len(); n > limit {
					t.Errorf("Len %d over the limit %d", n, limit)
				}
			}
		}()
	}
	wg.Wait()
}

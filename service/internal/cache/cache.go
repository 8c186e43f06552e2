// Package cache holds the service's small in-memory read caches.
package cache

import (
	"container/list"
	"sync"
)

// Map is a map safe for concurrent use that holds at most a given number of
// entries: putting a new key into a full map evicts the entry put longest ago.
// Its zero value is an empty map. Values are shared by every reader, so a
// caller must not modify one it got or put; expiry, when wanted, is part of
// the value and checked by the caller.
type Map[K comparable, V any] struct {
	mu    sync.Mutex
	m     map[K]*list.Element // of entry[K, V]
	order list.List           // oldest put first
}

type entry[K comparable, V any] struct {
	key K
	val V
}

// Get returns the value of key and whether it is there.
func (c *Map[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[key]; ok {
		return e.Value.(entry[K, V]).val, true
	}
	var zero V
	return zero, false
}

// Put sets the value of key, then evicts the entries put longest ago until at
// most limit remain (limit < 1 counts as 1).
func (c *Map[K, V]) Put(key K, val V, limit int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[K]*list.Element{}
	}
	if e, ok := c.m[key]; ok {
		c.order.Remove(e)
	}
	c.m[key] = c.order.PushBack(entry[K, V]{key, val})
	for c.order.Len() > max(limit, 1) {
		oldest := c.order.Front()
		delete(c.m, c.order.Remove(oldest).(entry[K, V]).key)
	}
}

// Delete removes key, if it is there.
func (c *Map[K, V]) Delete(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[key]; ok {
		c.order.Remove(e)
		delete(c.m, key)
	}
}

// Len is the number of entries.
func (c *Map[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

package fieldcrypt

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

func testKey(t testing.TB, id string, fill byte) *Key {
	t.Helper()
	k, err := newKey(id, bytes.Repeat([]byte{fill}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func testRing(t testing.TB, cur *Key, older ...*Key) *Keyring {
	t.Helper()
	r, err := NewKeyring(cur, older...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestParseKey(t *testing.T) {
	secret := make([]byte, KeySize)
	rand.Read(secret)
	b64 := base64.StdEncoding.EncodeToString(secret)
	k, err := ParseKey("k1:" + b64)
	if err != nil || k.ID() != "k1" {
		t.Fatalf("ID:BASE64: %v %v", k, err)
	}
	bare, err := ParseKey(b64)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := ParseKey(" " + base64.RawURLEncoding.EncodeToString(secret) + "\n")
	if bare.ID() == "" || again == nil || bare.ID() != again.ID() || bare.ID() == "k1" {
		t.Fatalf("derived ids: %v %v", bare, again)
	}
	other, _ := ParseKey(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, KeySize)))
	if other.ID() == bare.ID() {
		t.Fatal("two secrets derived the same id")
	}
	for _, tc := range []struct{ in, want string }{
		{"k1:" + base64.StdEncoding.EncodeToString(secret[:16]), "16 bytes; it must be 32"},
		{"k1:" + base64.StdEncoding.EncodeToString(append(secret, 1)), "33 bytes"},
		{"k1:not base64!", "not base64"},
		{"k1:", "empty"},
		{"bad id:" + b64, "key id"},
		{"", "empty"},
	} {
		_, err := ParseKey(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseKey(%q): %v, want an error with %q", tc.in, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), b64) {
			t.Errorf("error shows the secret: %v", err)
		}
	}
}

func TestParseKeyring(t *testing.T) {
	b := func(fill byte) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{fill}, KeySize)) }
	r, err := ParseKeyring("k2:"+b(2), "k1:"+b(1)+", k0:"+b(0)+",")
	if err != nil {
		t.Fatal(err)
	}
	if r.CurrentID() != "k2" || strings.Join(r.IDs(), ",") != "k2,k1,k0" {
		t.Fatalf("ring %v", r)
	}
	for _, s := range []string{r.String(), fmt.Sprintf("%v %+v %#v", r, r, r), fmt.Sprintf("%#v", r.current)} {
		if strings.Contains(s, b(2)) || strings.Contains(s, b(1)) {
			t.Fatalf("printing shows a secret: %s", s)
		}
	}
	if r, err := ParseKeyring("", ""); r != nil || err != nil {
		t.Fatalf("no key: %v %v", r, err)
	}
	if _, err := ParseKeyring("", "k1:"+b(1)); err == nil {
		t.Fatal("old keys without a current one")
	}
	if _, err := ParseKeyring("k1:"+b(1), "k1:"+b(2)); err == nil || !strings.Contains(err.Error(), "k1") {
		t.Fatalf("one id, two secrets: %v", err)
	}
	if r, err := ParseKeyring("k1:"+b(1), "k1:"+b(1)); err != nil || len(r.IDs()) != 1 {
		t.Fatalf("the same key twice: %v %v", r, err)
	}
	if _, err := ParseKeyring("k1:"+b(1), "k0:abc"); err == nil || !strings.Contains(err.Error(), "MMS_ENCRYPTION_OLD_KEYS") {
		t.Fatalf("bad old key: %v", err)
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	r := testRing(t, testKey(t, "k1", 1))
	p := Place{Dataset: "patients", Field: "ssn", Doc: "P1"}
	for _, pt := range [][]byte{{}, {0x02, 1, 0, 0, 0, 0}, bytes.Repeat([]byte("x"), 10000)} {
		s, err := r.Seal(p, pt)
		if err != nil {
			t.Fatal(err)
		}
		if id, err := KeyID(s); err != nil || id != "k1" || !r.Current(s) {
			t.Fatalf("KeyID %q %v", id, err)
		}
		if len(pt) > 4 && bytes.Contains(s, pt) {
			t.Fatal("plaintext in the sealed bytes")
		}
		got, err := r.Open(p, s)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("Open: %v %x", err, got)
		}
		s2, _ := r.Seal(p, pt)
		if bytes.Equal(s, s2) {
			t.Fatal("two seals of one value are equal: the nonce is not random")
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	k1, k2 := testKey(t, "k1", 1), testKey(t, "k2", 2)
	r := testRing(t, k1)
	p := Place{Dataset: "patients", Field: "ssn", Doc: "P1"}
	s, err := r.Seal(p, []byte("\x02secret value"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range s { // every byte matters: header, nonce, ciphertext, tag
		bad := bytes.Clone(s)
		bad[i] ^= 0x01
		if _, err := r.Open(p, bad); err == nil {
			t.Fatalf("byte %d flipped: opened", i)
		}
	}
	if _, err := r.Open(p, s[:len(s)-1]); !errors.Is(err, ErrAuth) {
		t.Fatalf("truncated: %v", err)
	}
	for _, other := range []Place{
		{Dataset: "patients", Field: "name", Doc: "P1"},
		{Dataset: "patients", Field: "ssn", Doc: "P2"},
		{Dataset: "other", Field: "ssn", Doc: "P1"},
		{Dataset: "patientsssn", Field: "", Doc: "P1"},
	} {
		if _, err := r.Open(other, s); !errors.Is(err, ErrAuth) {
			t.Fatalf("opened at %+v: %v", other, err)
		}
	}
	// Unknown key id.
	r2 := testRing(t, k2)
	if _, err := r2.Open(p, s); !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), `"k1"`) {
		t.Fatalf("unknown key: %v", err)
	}
	// Another secret under the same id.
	impostor := testRing(t, testKey(t, "k1", 9))
	if _, err := impostor.Open(p, s); !errors.Is(err, ErrAuth) {
		t.Fatalf("other secret, same id: %v", err)
	}
	// No ring at all.
	var none *Keyring
	if _, err := none.Open(p, s); !errors.Is(err, ErrNoKey) {
		t.Fatalf("nil ring: %v", err)
	}
	if _, err := none.Seal(p, nil); !errors.Is(err, ErrNoKey) {
		t.Fatalf("nil ring seal: %v", err)
	}
	for _, junk := range [][]byte{nil, {}, {1}, {1, 0}, {1, 5, 'k'}, {2, 2, 'k', '1'}} {
		if _, err := r.Open(p, junk); !errors.Is(err, ErrFormat) {
			t.Fatalf("junk %x: %v", junk, err)
		}
	}
}

func TestRotationRing(t *testing.T) {
	k1, k2 := testKey(t, "k1", 1), testKey(t, "k2", 2)
	old := testRing(t, k1)
	p := Place{Dataset: "d", Field: "f", Doc: "x"}
	s1, _ := old.Seal(p, []byte("v"))
	rotated := testRing(t, k2, k1)
	if got, err := rotated.Open(p, s1); err != nil || string(got) != "v" {
		t.Fatalf("old value with the rotated ring: %q %v", got, err)
	}
	if rotated.Current(s1) {
		t.Fatal("a k1 value is current under k2")
	}
	s2, _ := rotated.Seal(p, []byte("v"))
	if id, _ := KeyID(s2); id != "k2" || !rotated.Current(s2) {
		t.Fatalf("sealed with %q", id)
	}
	if _, err := old.Open(p, s2); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("k2 value with only k1: %v", err)
	}
	// Indexes: the rotated ring looks for both.
	i1, _ := old.BlindIndex("d", "f", "v")
	all, _ := rotated.BlindIndexes("d", "f", "v")
	if len(all) != 2 || all[1] != i1 || all[0] == i1 {
		t.Fatalf("indexes %v, old %s", all, i1)
	}
}

func TestBlindIndex(t *testing.T) {
	r := testRing(t, testKey(t, "k1", 1))
	idx := func(field string, v any) string {
		t.Helper()
		s, err := r.BlindIndex("d", field, v)
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != IndexLen {
			t.Fatalf("index %q", s)
		}
		return s
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
	same := [][]any{
		{3, int64(3), int32(3), 3.0, float32(3), uint8(3)},
		{0, 0.0, math.Copysign(0, -1)},
		{at, at.Add(999 * time.Microsecond), at.In(time.FixedZone("x", 3600))},
		{"abc"},
		{[]any{int64(1), "a"}, []any{1.0, "a"}},
		{map[string]any{"a": 1, "b": "x"}, map[string]any{"b": "x", "a": 1.0}},
		{math.NaN(), math.Float64frombits(0x7ff8000000000001)},
	}
	seen := map[string]int{}
	for g, group := range same {
		first := idx("f", group[0])
		for _, v := range group[1:] {
			if got := idx("f", v); got != first {
				t.Errorf("group %d: %#v gives %s, %#v gives %s", g, group[0], first, v, got)
			}
		}
		if prev, ok := seen[first]; ok {
			t.Errorf("groups %d and %d collide", prev, g)
		}
		seen[first] = g
	}
	// Stable: a fixed key and value always give the same index.
	if got, want := idx("f", "abc"), idx("f", "abc"); got != want {
		t.Fatal("not stable")
	}
	distinct := []any{"3", 4, 3.5, true, false, "", "abc ", []any{"a", int64(1)}, []any{"a1"}, []any{[]any{}}, at.Add(time.Millisecond),
		map[string]any{"a": "b"}, map[string]any{"ab": ""}, []any{nil}, []any{}, int64(math.MaxInt64), float64(1 << 63)}
	for _, v := range distinct {
		s := idx("f", v)
		if g, ok := seen[s]; ok {
			t.Errorf("%#v collides with group %d", v, g)
		}
		seen[s] = -1
	}
	if idx("f", "abc") == idx("g", "abc") {
		t.Error("the field is not part of the index")
	}
	if a, _ := r.BlindIndex("d", "f", "abc"); a == func() string { s, _ := r.BlindIndex("e", "f", "abc"); return s }() {
		t.Error("the dataset is not part of the index")
	}
	if _, err := r.BlindIndex("d", "f", nil); err == nil {
		t.Error("null has an index")
	}
	if _, err := r.BlindIndex("d", "f", struct{}{}); err == nil {
		t.Error("an unknown type has an index")
	}
	other := testRing(t, testKey(t, "k1", 2))
	if o, _ := other.BlindIndex("d", "f", "abc"); o == idx("f", "abc") {
		t.Error("the index does not depend on the key")
	}
}

func BenchmarkSeal(b *testing.B) {
	r := testRing(b, testKey(b, "k1", 1))
	p := Place{Dataset: "patients", Field: "ssn", Doc: "P000123"}
	pt := []byte("\x02\x0c\x00\x00\x00123-45-6789\x00")
	b.Run("seal", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.Seal(p, pt); err != nil {
				b.Fatal(err)
			}
		}
	})
	s, _ := r.Seal(p, pt)
	b.Run("open", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.Open(p, s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("blindindex", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.BlindIndex("patients", "ssn", "123-45-6789"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Package fieldcrypt seals single field values at rest and computes keyed blind
// indexes over them, with a keyring of a current key and older ones kept for
// reading and rotation.
//
// A sealed value is AES-256-GCM under a key derived from one 32-byte secret:
//
//	0x01 | len(id) | id | nonce (12 bytes, random) | ciphertext and tag
//
// The associated data binds it to its place (dataset, field, document key) and
// to its header, so a value moved to another field or document, or given
// another key id, fails to open. What the plaintext bytes are is the caller's
// business (the store seals a BSON type byte and the value's BSON bytes).
//
// A blind index is HMAC-SHA256, under another key derived from the same secret,
// over the dataset, the field and a canonical encoding of the typed value,
// truncated to 16 bytes and hex-encoded: equal values give equal indexes under
// one key, so an equality filter can match them without the plaintext. Each key
// gives different indexes: a query computes them with every key of the ring, so
// it keeps working while a rotation is under way.
//
// Secrets never appear in errors, String or log output: only key ids do.
package fieldcrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// KeySize is the size of a secret: 32 bytes.
const KeySize = 32

// version is the first byte of every sealed value.
const version byte = 1

const nonceSize = 12

// IndexLen is the length of a blind index in hex characters (16 bytes).
const IndexLen = 32

// Errors of Open. Each is wrapped with the key id or detail; test with errors.Is.
var (
	// ErrNoKey: no keyring is configured.
	ErrNoKey = errors.New("no encryption key configured")
	// ErrUnknownKey: the value was sealed with a key id that the ring lacks.
	ErrUnknownKey = errors.New("sealed with a key this keyring does not have")
	// ErrAuth: the value does not authenticate (tampered with, moved to another
	// field or document, or sealed with another secret under the same id).
	ErrAuth = errors.New("sealed value does not authenticate")
	// ErrFormat: the bytes are not a sealed value of a known version.
	ErrFormat = errors.New("not a sealed value")
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// Key is one secret with its id and the keys derived from it.
type Key struct {
	id   string
	aead cipher.AEAD
	bidx []byte
	macs sync.Pool // of hash.Hash: HMAC-SHA256 under bidx, reset after use
}

// ID returns the key's id.
func (k *Key) ID() string { return k.id }

// String shows the id only.
func (k *Key) String() string { return "key " + k.id }

// GoString shows the id only (so %#v does not print the secret).
func (k *Key) GoString() string { return k.String() }

// LogValue shows the id only.
func (k *Key) LogValue() slog.Value { return slog.StringValue(k.id) }

// ParseKey reads "ID:BASE64" or a bare "BASE64" (whose id is then derived from
// the secret: the same secret always gets the same id). The base64 may be
// standard or URL-safe, padded or not, and must decode to 32 bytes. Errors name
// the id, never the secret.
func ParseKey(s string) (*Key, error) {
	s = strings.TrimSpace(s)
	id, b64, hasID := strings.Cut(s, ":")
	if !hasID {
		id, b64 = "", s
	} else if !idPattern.MatchString(id) {
		return nil, fmt.Errorf("key id %q: use 1 to 64 letters, digits, '_', '.' or '-'", id)
	}
	name := id
	if name == "" {
		name = "without id"
	}
	if b64 == "" {
		return nil, fmt.Errorf("key %s is empty: give ID:BASE64 of %d bytes, e.g. k1:$(openssl rand -base64 32)", name, KeySize)
	}
	var secret []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if secret, err = enc.DecodeString(b64); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("key %s is not base64: give ID:BASE64 of %d bytes, e.g. k1:$(openssl rand -base64 32)", name, KeySize)
	}
	if len(secret) != KeySize {
		return nil, fmt.Errorf("key %s is %d bytes; it must be %d bytes (e.g. k1:$(openssl rand -base64 32))", name, len(secret), KeySize)
	}
	return newKey(id, secret)
}

// newKey makes a key from a KeySize-byte secret (checked by the caller); an
// empty id is derived from the secret.
func newKey(id string, secret []byte) (*Key, error) {
	encKey, err := hkdf.Key(sha256.New, secret, nil, "mms fieldcrypt v1 aes-256-gcm", KeySize)
	if err != nil {
		return nil, err
	}
	bidxKey, err := hkdf.Key(sha256.New, secret, nil, "mms fieldcrypt v1 blind index", KeySize)
	if err != nil {
		return nil, err
	}
	if id == "" {
		idKey, err := hkdf.Key(sha256.New, secret, nil, "mms fieldcrypt v1 key id", 6)
		if err != nil {
			return nil, err
		}
		id = "h" + hex.EncodeToString(idKey)
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k := &Key{id: id, aead: aead, bidx: bidxKey}
	k.macs.New = func() any { return hmac.New(sha256.New, bidxKey) }
	return k, nil
}

// Keyring is the current key, which seals, and older keys, which only open
// and compute blind indexes for queries. A nil *Keyring has no keys: Seal
// fails with ErrNoKey. It is safe for concurrent use.
type Keyring struct {
	current *Key
	keys    []*Key // current first
	byID    map[string]*Key
}

// NewKeyring makes a ring of current and older keys. Ids must be distinct.
func NewKeyring(current *Key, older ...*Key) (*Keyring, error) {
	if current == nil {
		return nil, errors.New("a keyring needs a current key")
	}
	r := &Keyring{current: current, byID: map[string]*Key{}}
	for _, k := range append([]*Key{current}, older...) {
		if prev, ok := r.byID[k.id]; ok {
			if prev.sameSecret(k) {
				continue // the same key given twice
			}
			return nil, fmt.Errorf("two different keys have the id %q", k.id)
		}
		r.byID[k.id] = k
		r.keys = append(r.keys, k)
	}
	return r, nil
}

func (k *Key) sameSecret(o *Key) bool { return hmac.Equal(k.bidx, o.bidx) }

// ParseKeyring reads the configuration: current is MMS_ENCRYPTION_KEY
// ("ID:BASE64"), older the comma-separated MMS_ENCRYPTION_OLD_KEYS. With no
// current key it returns nil (encryption not configured), or an error if older
// keys are given: they would be of no use without a current one.
func ParseKeyring(current, older string) (*Keyring, error) {
	current = strings.TrimSpace(current)
	if current == "" {
		if strings.TrimSpace(older) != "" {
			return nil, errors.New("MMS_ENCRYPTION_OLD_KEYS is set but MMS_ENCRYPTION_KEY is not: set the current key too")
		}
		return nil, nil
	}
	cur, err := ParseKey(current)
	if err != nil {
		return nil, fmt.Errorf("MMS_ENCRYPTION_KEY: %w", err)
	}
	var olds []*Key
	for i, s := range strings.Split(older, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		k, err := ParseKey(s)
		if err != nil {
			return nil, fmt.Errorf("MMS_ENCRYPTION_OLD_KEYS, item %d: %w", i+1, err)
		}
		olds = append(olds, k)
	}
	r, err := NewKeyring(cur, olds...)
	if err != nil {
		return nil, fmt.Errorf("MMS_ENCRYPTION_KEY / MMS_ENCRYPTION_OLD_KEYS: %w", err)
	}
	return r, nil
}

// CurrentID returns the id of the key that seals ("" for a nil ring).
func (r *Keyring) CurrentID() string {
	if r == nil {
		return ""
	}
	return r.current.id
}

// IDs returns every key id, the current one first.
func (r *Keyring) IDs() []string {
	if r == nil {
		return nil
	}
	ids := make([]string, len(r.keys))
	for i, k := range r.keys {
		ids[i] = k.id
	}
	return ids
}

// String shows the key ids only.
func (r *Keyring) String() string {
	if r == nil {
		return "keyring(none)"
	}
	return "keyring(current " + r.current.id + ", ids " + strings.Join(r.IDs(), ",") + ")"
}

// GoString shows the key ids only.
func (r *Keyring) GoString() string { return r.String() }

// LogValue shows the key ids only.
func (r *Keyring) LogValue() slog.Value { return slog.StringValue(r.String()) }

// Place is what a sealed value is bound to: it must be the same to open it.
type Place struct {
	Dataset, Field, Doc string
}

// Seal encrypts plaintext for place under the current key.
func (r *Keyring) Seal(p Place, plaintext []byte) ([]byte, error) {
	if r == nil {
		return nil, ErrNoKey
	}
	k := r.current
	out := make([]byte, 0, 2+len(k.id)+nonceSize+len(plaintext)+k.aead.Overhead())
	out = append(out, version, byte(len(k.id)))
	out = append(out, k.id...)
	hdr := len(out)
	out = out[:hdr+nonceSize]
	if _, err := rand.Read(out[hdr:]); err != nil {
		return nil, err
	}
	return k.aead.Seal(out, out[hdr:], plaintext, associated(p, out[:hdr])), nil
}

// Open decrypts a value sealed for place by any key of the ring.
func (r *Keyring) Open(p Place, sealed []byte) ([]byte, error) {
	id, hdr, err := parseHeader(sealed)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, fmt.Errorf("%w (the value is sealed with key %q)", ErrNoKey, id)
	}
	k := r.byID[id]
	if k == nil {
		return nil, fmt.Errorf("key %q: %w", id, ErrUnknownKey)
	}
	if len(sealed) < hdr+nonceSize+k.aead.Overhead() {
		return nil, fmt.Errorf("%w: too short", ErrFormat)
	}
	nonce := sealed[hdr : hdr+nonceSize]
	pt, err := k.aead.Open(nil, nonce, sealed[hdr+nonceSize:], associated(p, sealed[:hdr]))
	if err != nil {
		return nil, fmt.Errorf("key %q: %w", id, ErrAuth)
	}
	return pt, nil
}

// KeyID returns the id of the key that sealed a value.
func KeyID(sealed []byte) (string, error) {
	id, _, err := parseHeader(sealed)
	return id, err
}

func parseHeader(b []byte) (id string, n int, err error) {
	if len(b) < 2 || b[0] != version {
		return "", 0, ErrFormat
	}
	n = 2 + int(b[1])
	if b[1] == 0 || len(b) < n {
		return "", 0, ErrFormat
	}
	return string(b[2:n]), n, nil
}

// associated is the associated data: a label, the place and the header.
func associated(p Place, header []byte) []byte {
	b := make([]byte, 0, 24+len(p.Dataset)+len(p.Field)+len(p.Doc)+len(header))
	b = append(b, "mms fieldcrypt v1\x00"...)
	b = appendLP(b, []byte(p.Dataset))
	b = appendLP(b, []byte(p.Field))
	b = appendLP(b, []byte(p.Doc))
	return append(b, header...)
}

func appendLP(b, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// BlindIndex returns the blind index of v in dataset's field under the current
// key (see Canonical for the values it accepts).
func (r *Keyring) BlindIndex(dataset, field string, v any) (string, error) {
	if r == nil {
		return "", ErrNoKey
	}
	c, err := Canonical(v)
	if err != nil {
		return "", err
	}
	return r.current.index(dataset, field, c), nil
}

// BlindIndexes returns the blind index of v under every key of the ring, the
// current one first: what an equality query must look for during a rotation.
func (r *Keyring) BlindIndexes(dataset, field string, v any) ([]string, error) {
	if r == nil {
		return nil, ErrNoKey
	}
	c, err := Canonical(v)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(r.keys))
	for i, k := range r.keys {
		out[i] = k.index(dataset, field, c)
	}
	return out, nil
}

func (k *Key) index(dataset, field string, canonical []byte) string {
	m := k.macs.Get().(hash.Hash)
	var buf [128]byte
	b := append(buf[:0], "mms blind index v1\x00"...)
	b = appendLP(b, []byte(dataset))
	b = appendLP(b, []byte(field))
	m.Write(b)
	m.Write(canonical)
	sum := m.Sum(buf[:0])
	m.Reset()
	k.macs.Put(m)
	return hex.EncodeToString(sum[:IndexLen/2])
}

// RawValue is a value of a type Canonical does not know, given as a type tag
// and bytes that are equal exactly when the values are (for instance a BSON
// type byte and the value's BSON bytes).
type RawValue struct {
	Type byte
	Data []byte
}

// Canonical encodes a typed value so that equal values encode alike: every
// integer type and integral floats (within int64) encode as the same integer, so
// 3, int64(3) and 3.0 match; -0 is 0; times by their millisecond (the
// precision of a stored date); strings as they are; lists element by element;
// objects (map[string]any) by sorted key. nil has no blind index: it is an
// error here.
func Canonical(v any) ([]byte, error) {
	return appendCanonical(nil, v, 0)
}

func appendCanonical(b []byte, v any, depth int) ([]byte, error) {
	if depth > 100 {
		return nil, errors.New("value nested too deeply")
	}
	switch x := v.(type) {
	case nil:
		return nil, errors.New("null has no blind index")
	case string:
		return appendLP(append(b, 's'), []byte(x)), nil
	case bool:
		if x {
			return append(b, 'b', 1), nil
		}
		return append(b, 'b', 0), nil
	case int:
		return appendInt(b, int64(x)), nil
	case int8:
		return appendInt(b, int64(x)), nil
	case int16:
		return appendInt(b, int64(x)), nil
	case int32:
		return appendInt(b, int64(x)), nil
	case int64:
		return appendInt(b, x), nil
	case uint8:
		return appendInt(b, int64(x)), nil
	case uint16:
		return appendInt(b, int64(x)), nil
	case uint32:
		return appendInt(b, int64(x)), nil
	case float32:
		return appendFloat(b, float64(x)), nil
	case float64:
		return appendFloat(b, x), nil
	case time.Time:
		return binary.BigEndian.AppendUint64(append(b, 'd'), uint64(x.UnixMilli())), nil
	case []any:
		b = binary.AppendUvarint(append(b, 'a'), uint64(len(x)))
		for _, e := range x {
			var err error
			if b, err = appendElem(b, e, depth); err != nil {
				return nil, err
			}
		}
		return b, nil
	case []string:
		b = binary.AppendUvarint(append(b, 'a'), uint64(len(x)))
		for _, e := range x {
			b, _ = appendElem(b, e, depth)
		}
		return b, nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = binary.AppendUvarint(append(b, 'o'), uint64(len(x)))
		for _, k := range keys {
			b = appendLP(b, []byte(k))
			var err error
			if b, err = appendElem(b, x[k], depth); err != nil {
				return nil, err
			}
		}
		return b, nil
	case RawValue:
		return appendLP(append(b, 'r', x.Type), x.Data), nil
	}
	return nil, fmt.Errorf("no canonical form for a value of type %T", v)
}

// appendElem appends a length-prefixed element of a list or object; null is
// allowed there.
func appendElem(b []byte, v any, depth int) ([]byte, error) {
	var e []byte
	if v == nil {
		e = []byte{'n'}
	} else {
		var err error
		if e, err = appendCanonical(nil, v, depth+1); err != nil {
			return nil, err
		}
	}
	return appendLP(b, e), nil
}

func appendInt(b []byte, n int64) []byte {
	return binary.BigEndian.AppendUint64(append(b, 'i'), uint64(n))
}

func appendFloat(b []byte, f float64) []byte {
	if f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 {
		return appendInt(b, int64(f)) // also -0, which is 0
	}
	if math.IsNaN(f) {
		f = math.NaN()
	}
	return binary.BigEndian.AppendUint64(append(b, 'f'), math.Float64bits(f))
}

// Current reports whether sealed was sealed with the ring's current key: a
// rotation leaves such a value as it is.
func (r *Keyring) Current(sealed []byte) bool {
	id, _, err := parseHeader(sealed)
	return err == nil && r != nil && id == r.current.id
}

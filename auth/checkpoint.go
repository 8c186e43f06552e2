package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/mms-platform/mms/model"
)

// Signed checkpoints. The hash chain shows that records were changed, unless whoever
// changed them recomputed every hash after the change: someone with write access to
// the store can do that. Every Every records the writer signs the hash of the record
// it just stored with an Ed25519 key that is not in the store, and keeps the
// signature in a collection of its own keyed by seq. Because each hash covers the
// previous one, a checkpoint at seq n vouches for records 1..n: a rewritten record
// at or before the last checkpoint changes the hash there, which no one without the
// key can sign. Records after the last checkpoint are protected only by the chain.

// DefaultCheckpointEvery is the checkpoint interval when none is configured.
const DefaultCheckpointEvery = 1000

// CheckpointStore persists signed checkpoints, keyed by seq.
type CheckpointStore interface {
	// InsertCheckpoint stores cp; one at cp.Seq already stored fails with
	// model.ECONFLICT (the store keeps the first).
	InsertCheckpoint(ctx context.Context, cp model.AuditCheckpoint) error
	// Checkpoint returns the checkpoint at seq, nil when there is none.
	Checkpoint(ctx context.Context, seq int64) (*model.AuditCheckpoint, error)
	// ScanCheckpoints calls fn for every checkpoint in ascending seq order.
	ScanCheckpoints(ctx context.Context, fn func(model.AuditCheckpoint) error) error
	// AuditRecord returns the audit record at seq, nil when there is none.
	AuditRecord(ctx context.Context, seq int64) (*model.AuditRecord, error)
}

// Checkpoints configures writing and checking signed checkpoints.
type Checkpoints struct {
	Store CheckpointStore
	// Key signs new checkpoints; nil writes none.
	Key ed25519.PrivateKey
	// Every is the interval: a checkpoint at every multiple of Every
	// (DefaultCheckpointEvery when <= 0).
	Every int64
	// Trusted are the public keys whose checkpoints verify, besides Key's own
	// (older keys after a rotation). With no key at all nothing is signed or checked.
	Trusted []ed25519.PublicKey
	// Wait is how long verification waits for a checkpoint that is due but not yet
	// written (its writer may be between the two inserts); 0 means 2 s.
	Wait time.Duration
}

func (c *Checkpoints) every() int64 {
	if c == nil || c.Every <= 0 {
		return DefaultCheckpointEvery
	}
	return c.Every
}

// KeyID is the id of the signing key, "" without one.
func (c *Checkpoints) KeyID() string {
	if c == nil || c.Key == nil {
		return ""
	}
	return KeyID(c.Key.Public().(ed25519.PublicKey))
}

// keys returns the trusted public keys by key id.
func (c *Checkpoints) keys() map[string]ed25519.PublicKey {
	m := map[string]ed25519.PublicKey{}
	if c == nil {
		return m
	}
	if c.Key != nil {
		pub := c.Key.Public().(ed25519.PublicKey)
		m[KeyID(pub)] = pub
	}
	for _, k := range c.Trusted {
		m[KeyID(k)] = k
	}
	return m
}

// ParseSigningKey decodes a base64 32-byte Ed25519 seed (e.g. the output of
// `openssl rand -base64 32`) into a private key.
func ParseSigningKey(s string) (ed25519.PrivateKey, error) {
	seed, err := decodeKey(s)
	if err != nil {
		return nil, fmt.Errorf("audit signing key: %w", err)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// ParsePublicKeys decodes comma- or space-separated base64 32-byte Ed25519 public
// keys, as `mms audit public-key` prints them.
func ParsePublicKeys(s string) ([]ed25519.PublicKey, error) {
	var out []ed25519.PublicKey
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		b, err := decodeKey(f)
		if err != nil {
			return nil, fmt.Errorf("audit verify key %d: %w", len(out)+1, err)
		}
		out = append(out, ed25519.PublicKey(b))
	}
	return out, nil
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
			return nil, errors.New("not base64")
		}
	}
	if len(b) != 32 {
		return nil, fmt.Errorf("%d bytes, want 32", len(b))
	}
	return b, nil
}

// KeyID names a public key: the hex of the first 8 bytes of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
}

// checkpointMessage is what a checkpoint's signature covers. The interval is
// covered so that a changed one cannot hide a missing checkpoint.
func checkpointMessage(cp model.AuditCheckpoint) []byte {
	return []byte("mms-audit-checkpoint/v1\nseq=" + strconv.FormatInt(cp.Seq, 10) +
		"\nhash=" + cp.Hash + "\nevery=" + strconv.FormatInt(cp.Every, 10) +
		"\nat=" + cp.At.UTC().Format("2006-01-02T15:04:05.000Z07:00") + "\n")
}

// SignCheckpoint returns the checkpoint for the record at seq with hash.
func SignCheckpoint(key ed25519.PrivateKey, seq int64, hash string, every int64, at time.Time) model.AuditCheckpoint {
	cp := model.AuditCheckpoint{
		Seq: seq, Hash: hash, At: at.UTC().Truncate(time.Millisecond), Every: every,
		KeyID: KeyID(key.Public().(ed25519.PublicKey)),
	}
	cp.Signature = ed25519.Sign(key, checkpointMessage(cp))
	return cp
}

// checkSignature returns what is wrong with cp's signature, "" when it verifies
// with one of keys.
func checkSignature(cp model.AuditCheckpoint, keys map[string]ed25519.PublicKey) string {
	pub, ok := keys[cp.KeyID]
	if !ok {
		return fmt.Sprintf("signed with unknown key %q", cp.KeyID)
	}
	if !ed25519.Verify(pub, checkpointMessage(cp), cp.Signature) {
		return "invalid signature"
	}
	return ""
}

// write stores the checkpoint for rec when its seq is a multiple of the interval.
// Another instance may have stored it already: that is not an error.
func (c *Checkpoints) write(ctx context.Context, rec model.AuditRecord, at time.Time) error {
	if c == nil || c.Key == nil || c.Store == nil || rec.Seq%c.every() != 0 {
		return nil
	}
	err := c.Store.InsertCheckpoint(ctx, SignCheckpoint(c.Key, rec.Seq, rec.Hash, c.every(), at))
	if model.ErrorCode(err) == model.ECONFLICT {
		return nil
	}
	return err
}

// heal writes the checkpoint for the last multiple of the interval at or before
// head when it is missing: its writer stopped between storing the record and the
// checkpoint. Only that one is written, from the stored record.
func (c *Checkpoints) heal(ctx context.Context, head int64, at time.Time, log *slog.Logger) {
	if c == nil || c.Key == nil || c.Store == nil {
		return
	}
	m := head - head%c.every()
	if m <= 0 {
		return
	}
	err := func() error {
		cp, err := c.Store.Checkpoint(ctx, m)
		if err != nil || cp != nil {
			return err
		}
		rec, err := c.Store.AuditRecord(ctx, m)
		if err != nil || rec == nil {
			return err
		}
		log.Warn("audit checkpoint missing; writing it", "seq", m)
		return c.write(ctx, *rec, at)
	}()
	if err != nil {
		log.Error("audit checkpoint check failed", "seq", m, "err", err)
	}
}

// VerifyAuditSigned walks the chain like VerifyAudit and checks the signed
// checkpoints: each must be signed by a trusted key over the hash the chain has at
// its seq, and the checkpoint due last (by the interval the latest one records)
// must exist. Without trusted keys it only walks the chain and reports
// Signed=false.
func VerifyAuditSigned(ctx context.Context, store AuditStore, c *Checkpoints) (model.AuditVerification, error) {
	keys := c.keys()
	if len(keys) == 0 || c.Store == nil {
		return VerifyAudit(ctx, store)
	}
	var cps []model.AuditCheckpoint
	if err := c.Store.ScanCheckpoints(ctx, func(cp model.AuditCheckpoint) error {
		cps = append(cps, cp)
		return nil
	}); err != nil {
		return model.AuditVerification{}, fmt.Errorf("verify audit checkpoints: %w", err)
	}
	want := make(map[int64]string, len(cps)) // seq -> the chain's hash there
	for _, cp := range cps {
		want[cp.Seq] = ""
	}
	var head int64
	v, err := walkAudit(ctx, store, func(r model.AuditRecord) {
		head = max(head, r.Seq)
		if _, ok := want[r.Seq]; ok {
			want[r.Seq] = r.Hash
		}
	})
	if err != nil {
		return v, err
	}
	v.Signed = true
	bad := func(seq int64, problem string) {
		v.OK, v.FirstBadCheckpoint, v.CheckpointProblem = false, &seq, &problem
	}
	check := func(cp model.AuditCheckpoint, chainHash string) string {
		if p := checkSignature(cp, keys); p != "" {
			return p
		}
		switch chainHash {
		case "":
			return "no audit record at this seq"
		case cp.Hash:
			return ""
		default:
			return "the audit record's hash differs from the signed hash"
		}
	}
	for _, cp := range cps {
		if p := check(cp, want[cp.Seq]); p != "" {
			bad(cp.Seq, p)
			return v, nil
		}
		v.Checkpoints++
	}
	// The checkpoints due after the last one, up to the head, must exist. One may
	// be on its way (written just after its record): wait a little for it.
	every := c.every()
	next := every
	if n := len(cps); n > 0 {
		if cps[n-1].Every > 0 {
			every = cps[n-1].Every
		}
		next = (cps[n-1].Seq/every + 1) * every
	}
	wait := c.Wait
	if wait <= 0 {
		wait = 2 * time.Second
	}
	deadline := time.Now().Add(wait)
	for next <= head {
		cp, err := c.Store.Checkpoint(ctx, next)
		if err != nil {
			return v, fmt.Errorf("verify audit checkpoints: %w", err)
		}
		if cp == nil {
			if time.Now().Before(deadline) {
				select {
				case <-time.After(50 * time.Millisecond):
					continue
				case <-ctx.Done():
					return v, ctx.Err()
				}
			}
			bad(next, "missing checkpoint")
			return v, nil
		}
		rec, err := c.Store.AuditRecord(ctx, next)
		if err != nil {
			return v, fmt.Errorf("verify audit checkpoints: %w", err)
		}
		var h string
		if rec != nil {
			h = rec.Hash
		}
		if p := check(*cp, h); p != "" {
			bad(next, p)
			return v, nil
		}
		v.Checkpoints++
		if cp.Every > 0 {
			every = cp.Every
		}
		next = (next/every + 1) * every
	}
	return v, nil
}

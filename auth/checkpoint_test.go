package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mms-platform/mms/model"
)

// memAudit is an in-memory AuditStore and CheckpointStore with the store's rules:
// records and checkpoints are unique by seq.
type memAudit struct {
	mu   sync.Mutex
	recs map[int64]model.AuditRecord
	cps  map[int64]model.AuditCheckpoint
}

func newMemAudit() *memAudit {
	return &memAudit{recs: map[int64]model.AuditRecord{}, cps: map[int64]model.AuditCheckpoint{}}
}

func (m *memAudit) AuditHead(context.Context) (int64, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var seq int64
	for s := range m.recs {
		seq = max(seq, s)
	}
	return seq, m.recs[seq].Hash, nil
}

func (m *memAudit) InsertAudit(_ context.Context, recs []model.AuditRecord) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, r := range recs {
		if _, ok := m.recs[r.Seq]; ok {
			return i, model.Errorf(model.ECONFLICT, "already exists")
		}
		m.recs[r.Seq] = r
	}
	return len(recs), nil
}

func (m *memAudit) ScanAudit(_ context.Context, fn func(model.AuditRecord) error) error {
	m.mu.Lock()
	seqs := slices.Sorted(mapKeys(m.recs))
	recs := make([]model.AuditRecord, len(seqs))
	for i, s := range seqs {
		recs[i] = m.recs[s]
	}
	m.mu.Unlock()
	for _, r := range recs {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (m *memAudit) InsertCheckpoint(_ context.Context, cp model.AuditCheckpoint) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.cps[cp.Seq]; ok {
		return model.Errorf(model.ECONFLICT, "already exists")
	}
	m.cps[cp.Seq] = cp
	return nil
}

func (m *memAudit) Checkpoint(_ context.Context, seq int64) (*model.AuditCheckpoint, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cp, ok := m.cps[seq]
	if !ok {
		return nil, nil
	}
	return &cp, nil
}

func (m *memAudit) ScanCheckpoints(_ context.Context, fn func(model.AuditCheckpoint) error) error {
	m.mu.Lock()
	seqs := slices.Sorted(mapKeys(m.cps))
	cps := make([]model.AuditCheckpoint, len(seqs))
	for i, s := range seqs {
		cps[i] = m.cps[s]
	}
	m.mu.Unlock()
	for _, cp := range cps {
		if err := fn(cp); err != nil {
			return err
		}
	}
	return nil
}

func (m *memAudit) AuditRecord(_ context.Context, seq int64) (*model.AuditRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.recs[seq]
	if !ok {
		return nil, nil
	}
	return &r, nil
}

func (m *memAudit) checkpointSeqs() []int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Sorted(mapKeys(m.cps))
}

func mapKeys[V any](m map[int64]V) func(func(int64) bool) {
	return func(yield func(int64) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func newTestKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// appendN appends n records through a log with checkpoint configuration c and
// closes it.
func appendN(t *testing.T, st *memAudit, c *Checkpoints, n int) {
	t.Helper()
	l := NewAuditLog(st, slog.New(slog.DiscardHandler), WithCheckpoints(c))
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.Append(context.Background(), AuditEntry{Actor: "key:a", Action: ActWrite, Resource: fmt.Sprintf("dataset/d%d", i), Decision: model.DecisionAllow}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	l.Close()
}

func verifySigned(t *testing.T, st *memAudit, c *Checkpoints) model.AuditVerification {
	t.Helper()
	v, err := VerifyAuditSigned(context.Background(), st, c)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func wantBadCheckpoint(t *testing.T, v model.AuditVerification, seq int64, problem string) {
	t.Helper()
	if v.OK || !v.Signed || v.FirstBadCheckpoint == nil || *v.FirstBadCheckpoint != seq || v.CheckpointProblem == nil || !strings.Contains(*v.CheckpointProblem, problem) {
		t.Errorf("verification %+v (bad %v %v), want bad checkpoint %d: %q", v, deref(v.FirstBadCheckpoint), deref(v.CheckpointProblem), seq, problem)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestAuditCheckpointsEveryN(t *testing.T) {
	st := newMemAudit()
	c := &Checkpoints{Store: st, Key: newTestKey(t), Every: 5}
	appendN(t, st, c, 23)
	if got := st.checkpointSeqs(); !slices.Equal(got, []int64{5, 10, 15, 20}) {
		t.Fatalf("checkpoints at %v, want 5 10 15 20", got)
	}
	for _, seq := range st.checkpointSeqs() {
		cp, _ := st.Checkpoint(context.Background(), seq)
		rec, _ := st.AuditRecord(context.Background(), seq)
		if cp.Hash != rec.Hash || cp.KeyID != c.KeyID() || cp.Every != 5 || len(cp.KeyID) != 16 {
			t.Errorf("checkpoint %+v for record %+v", cp, rec)
		}
	}
	v := verifySigned(t, st, c)
	if !v.OK || !v.Signed || v.Checked != 23 || v.Checkpoints != 4 || v.FirstBadCheckpoint != nil {
		t.Errorf("verification %+v", v)
	}
	// The same store verified by a holder of the public key only.
	v = verifySigned(t, st, &Checkpoints{Store: st, Every: 5, Trusted: []ed25519.PublicKey{c.Key.Public().(ed25519.PublicKey)}})
	if !v.OK || v.Checkpoints != 4 {
		t.Errorf("verification with the public key: %+v", v)
	}
}

func TestAuditCheckpointsWithoutKey(t *testing.T) {
	st := newMemAudit()
	c := &Checkpoints{Store: st, Every: 5}
	appendN(t, st, c, 12)
	if got := st.checkpointSeqs(); len(got) != 0 {
		t.Errorf("checkpoints without a key: %v", got)
	}
	v := verifySigned(t, st, c)
	if !v.OK || v.Signed || v.Checked != 12 || v.Checkpoints != 0 {
		t.Errorf("verification without keys: %+v", v)
	}
}

// rewriteChain changes the record at from and recomputes every hash from there
// on, as an attacker with write access to the store can.
func rewriteChain(st *memAudit, from int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	prev := st.recs[from-1].Hash
	for seq := from; ; seq++ {
		r, ok := st.recs[seq]
		if !ok {
			return
		}
		if seq == from {
			r.Decision, r.Summary = model.DecisionDeny, "rewritten"
		}
		r.PrevHash = prev
		r.Hash = HashAuditRecord(r)
		prev = r.Hash
		st.recs[seq] = r
	}
}

func TestAuditCheckpointsDetectRewrittenChain(t *testing.T) {
	st := newMemAudit()
	c := &Checkpoints{Store: st, Key: newTestKey(t), Every: 5}
	appendN(t, st, c, 23)
	rewriteChain(st, 7)
	if v, err := VerifyAudit(context.Background(), st); err != nil || !v.OK || v.Checked != 23 {
		t.Fatalf("the hash walk alone should not see a consistent rewrite: %+v %v", v, err)
	}
	v := verifySigned(t, st, c)
	if v.FirstBrokenSeq != nil || v.Checked != 23 {
		t.Errorf("hash walk part: %+v", v)
	}
	wantBadCheckpoint(t, v, 10, "differs from the signed hash")
	if v.Checkpoints != 1 { // 5 still verifies
		t.Errorf("checkpoints verified before the bad one: %d", v.Checkpoints)
	}

	// Deleting the checkpoints that no longer match does not hide it either:
	// the checkpoints due up to the head are missing.
	st.mu.Lock()
	for seq := range st.cps {
		if seq >= 10 {
			delete(st.cps, seq)
		}
	}
	st.mu.Unlock()
	c.Wait = 10 * time.Millisecond
	wantBadCheckpoint(t, verifySigned(t, st, c), 10, "missing checkpoint")
}

func TestAuditCheckpointsForgedAndTampered(t *testing.T) {
	ctx := context.Background()
	setup := func() (*memAudit, *Checkpoints) {
		st := newMemAudit()
		c := &Checkpoints{Store: st, Key: newTestKey(t), Every: 4}
		appendN(t, st, c, 13)
		return st, c
	}
	replace := func(st *memAudit, cp model.AuditCheckpoint) {
		st.mu.Lock()
		st.cps[cp.Seq] = cp
		st.mu.Unlock()
	}

	t.Run("other key", func(t *testing.T) {
		st, c := setup()
		rec, _ := st.AuditRecord(ctx, 8)
		replace(st, SignCheckpoint(newTestKey(t), 8, rec.Hash, 4, time.Now()))
		wantBadCheckpoint(t, verifySigned(t, st, c), 8, "unknown key")
	})
	t.Run("other key claiming the trusted key id", func(t *testing.T) {
		st, c := setup()
		rec, _ := st.AuditRecord(ctx, 8)
		cp := SignCheckpoint(newTestKey(t), 8, rec.Hash, 4, time.Now())
		cp.KeyID = c.KeyID()
		replace(st, cp)
		wantBadCheckpoint(t, verifySigned(t, st, c), 8, "invalid signature")
	})
	t.Run("tampered signature", func(t *testing.T) {
		st, c := setup()
		cp, _ := st.Checkpoint(ctx, 4)
		cp.Signature = slices.Clone(cp.Signature)
		cp.Signature[10] ^= 1
		replace(st, *cp)
		wantBadCheckpoint(t, verifySigned(t, st, c), 4, "invalid signature")
	})
	t.Run("tampered interval", func(t *testing.T) {
		st, c := setup()
		cp, _ := st.Checkpoint(ctx, 12)
		cp.Every = 1000 // would hide checkpoints missing after it
		replace(st, *cp)
		wantBadCheckpoint(t, verifySigned(t, st, c), 12, "invalid signature")
	})
	t.Run("truncated chain", func(t *testing.T) {
		st, c := setup()
		st.mu.Lock()
		for seq := int64(11); seq <= 13; seq++ {
			delete(st.recs, seq)
		}
		st.mu.Unlock()
		v := verifySigned(t, st, c)
		if v.FirstBrokenSeq != nil {
			t.Errorf("a truncated chain passes the hash walk: %+v", v)
		}
		wantBadCheckpoint(t, v, 12, "no audit record")
	})
}

func TestAuditCheckpointsKeyRotation(t *testing.T) {
	st := newMemAudit()
	old := &Checkpoints{Store: st, Key: newTestKey(t), Every: 3}
	appendN(t, st, old, 7)
	cur := &Checkpoints{Store: st, Key: newTestKey(t), Every: 3, Wait: 10 * time.Millisecond}
	appendN(t, st, cur, 6)
	wantBadCheckpoint(t, verifySigned(t, st, cur), 3, "unknown key")
	cur.Trusted = []ed25519.PublicKey{old.Key.Public().(ed25519.PublicKey)}
	if v := verifySigned(t, st, cur); !v.OK || v.Checkpoints != 4 {
		t.Errorf("with the old public key trusted: %+v", v)
	}
}

func TestAuditCheckpointsHealMissingLast(t *testing.T) {
	st := newMemAudit()
	c := &Checkpoints{Store: st, Key: newTestKey(t), Every: 5, Wait: 10 * time.Millisecond}
	appendN(t, st, c, 11)
	// The writer stopped between storing record 10 and its checkpoint.
	st.mu.Lock()
	delete(st.cps, 10)
	st.mu.Unlock()
	wantBadCheckpoint(t, verifySigned(t, st, c), 10, "missing checkpoint")
	// The next log to read the head writes it.
	appendN(t, st, c, 1)
	if v := verifySigned(t, st, c); !v.OK || v.Checkpoints != 2 {
		t.Errorf("after the restart: %+v", v)
	}
	// Enabling signing on a chain that has none signs its last multiple.
	st2 := newMemAudit()
	appendN(t, st2, &Checkpoints{Store: st2, Every: 5}, 8)
	c2 := &Checkpoints{Store: st2, Key: newTestKey(t), Every: 5}
	appendN(t, st2, c2, 1)
	if got := st2.checkpointSeqs(); !slices.Equal(got, []int64{5}) {
		t.Errorf("checkpoints after enabling signing: %v", got)
	}
	if v := verifySigned(t, st2, c2); !v.OK || v.Checkpoints != 1 {
		t.Errorf("after enabling signing: %+v", v)
	}
}

func TestParseAuditKeys(t *testing.T) {
	seed := make([]byte, 32)
	seed[0] = 7
	k, err := ParseSigningKey(base64.StdEncoding.EncodeToString(seed))
	if err != nil || !k.Equal(ed25519.NewKeyFromSeed(seed)) {
		t.Fatalf("ParseSigningKey: %v", err)
	}
	for _, bad := range []string{"", "not base64!", base64.StdEncoding.EncodeToString(seed[:16])} {
		if _, err := ParseSigningKey(bad); err == nil {
			t.Errorf("ParseSigningKey(%q) accepted", bad)
		} else if bad != "" && strings.Contains(err.Error(), bad) {
			t.Errorf("the error repeats the key: %v", err)
		}
	}
	pub := base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey))
	keys, err := ParsePublicKeys(pub + ", " + pub)
	if err != nil || len(keys) != 2 || !keys[0].Equal(k.Public()) {
		t.Errorf("ParsePublicKeys: %v %v", keys, err)
	}
	if keys, err := ParsePublicKeys(""); err != nil || len(keys) != 0 {
		t.Errorf("ParsePublicKeys(\"\"): %v %v", keys, err)
	}
	if _, err := ParsePublicKeys(pub + ",AAAA"); err == nil {
		t.Error("a short public key accepted")
	}
}

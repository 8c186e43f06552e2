package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mms-platform/mms/model"
)

// AuditStore persists audit records. Records are keyed by seq, and inserting a seq
// that exists fails: that uniqueness is what keeps one chain when several server
// instances append to the same store.
type AuditStore interface {
	// AuditHead returns the last record's seq and hash (0, "" for an empty log).
	AuditHead(ctx context.Context) (int64, string, error)
	// InsertAudit inserts recs in order and returns how many were written. A record
	// whose seq exists stops the insert with a model.ECONFLICT error.
	InsertAudit(ctx context.Context, recs []model.AuditRecord) (int, error)
	// ScanAudit calls fn for every record in ascending seq order.
	ScanAudit(ctx context.Context, fn func(model.AuditRecord) error) error
}

// AuditEntry is what a caller records; the log adds seq, time and the hash links.
type AuditEntry struct {
	Actor, Team, Action, Resource, Decision string
	RequestID, ClientAddr, Summary          string
}

// AuditLog appends hash-chained records. Concurrent appends are grouped into one
// write (group commit): Append returns once its record is stored.
type AuditLog struct {
	store AuditStore
	log   *slog.Logger
	now   func() time.Time
	cp    *Checkpoints

	reqs      chan *appendReq
	closeOnce sync.Once
	closed    chan struct{}
	done      chan struct{}

	// owned by the writer goroutine
	seq    int64
	hash   string
	synced bool
}

type appendReq struct {
	e    AuditEntry
	done chan error
}

// maxAuditBatch bounds one group commit.
const maxAuditBatch = 512

// AuditOption configures an AuditLog.
type AuditOption func(*AuditLog)

// WithCheckpoints makes the log write signed checkpoints (when c.Key is set) and
// check them in Verify.
func WithCheckpoints(c *Checkpoints) AuditOption {
	return func(l *AuditLog) { l.cp = c }
}

// NewAuditLog starts the log's writer; Close stops it.
func NewAuditLog(store AuditStore, log *slog.Logger, opts ...AuditOption) *AuditLog {
	l := &AuditLog{
		store:  store,
		log:    log,
		now:    time.Now,
		reqs:   make(chan *appendReq, maxAuditBatch),
		closed: make(chan struct{}),
		done:   make(chan struct{}),
	}
	for _, o := range opts {
		o(l)
	}
	go l.writer()
	return l
}

// Verify walks the chain and, when the log has checkpoint keys, checks the
// signed checkpoints (see VerifyAuditSigned).
func (l *AuditLog) Verify(ctx context.Context) (model.AuditVerification, error) {
	if l.cp == nil {
		return VerifyAudit(ctx, l.store)
	}
	return VerifyAuditSigned(ctx, l.store, l.cp)
}

// Append stores one record and returns when it is durable in the store, or with
// the error that prevented it.
func (l *AuditLog) Append(ctx context.Context, e AuditEntry) error {
	r := &appendReq{e: e, done: make(chan error, 1)}
	select {
	case l.reqs <- r:
	case <-l.closed:
		return model.Errorf(model.EUNAVAILABLE, "audit log is closed")
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops accepting records, writes those already queued and waits for the writer.
func (l *AuditLog) Close() {
	l.closeOnce.Do(func() { close(l.closed) })
	<-l.done
}

func (l *AuditLog) writer() {
	defer close(l.done)
	for {
		var first *appendReq
		select {
		case first = <-l.reqs:
		case <-l.closed:
			// drain what is queued, then stop
			select {
			case first = <-l.reqs:
			default:
				return
			}
		}
		batch := []*appendReq{first}
	fill:
		for len(batch) < maxAuditBatch {
			select {
			case r := <-l.reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		l.write(batch)
	}
}

// write stores batch, re-reading the chain head and retrying when another
// instance appended first.
func (l *AuditLog) write(batch []*appendReq) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var err error
	for attempt := 0; attempt < 20 && len(batch) > 0; attempt++ {
		if !l.synced {
			if l.seq, l.hash, err = l.store.AuditHead(ctx); err != nil {
				break
			}
			l.synced = true
			l.cp.heal(ctx, l.seq, l.now(), l.log)
		}
		at := l.now().UTC().Truncate(time.Millisecond)
		recs := make([]model.AuditRecord, len(batch))
		seq, prev := l.seq, l.hash
		for i, r := range batch {
			seq++
			recs[i] = model.AuditRecord{
				Seq: seq, At: at, Actor: r.e.Actor, Team: r.e.Team, Action: r.e.Action,
				Resource: r.e.Resource, Decision: r.e.Decision, RequestID: r.e.RequestID,
				ClientAddr: r.e.ClientAddr, Summary: r.e.Summary, PrevHash: prev,
			}
			recs[i].Hash = HashAuditRecord(recs[i])
			prev = recs[i].Hash
		}
		var n int
		n, err = l.store.InsertAudit(ctx, recs)
		if n > 0 {
			l.seq, l.hash = recs[n-1].Seq, recs[n-1].Hash
			// A record at a multiple of the interval gets its checkpoint before
			// its append returns. The records are stored either way: a failure
			// is logged, and the next sync of the head writes the missing one.
			for _, rec := range recs[:n] {
				if cerr := l.cp.write(ctx, rec, at); cerr != nil {
					l.log.Error("audit checkpoint write failed", "seq", rec.Seq, "err", cerr)
					l.synced = false
				}
			}
			for _, r := range batch[:n] {
				r.done <- nil
			}
			batch = batch[n:]
		}
		if err == nil {
			return
		}
		if model.ErrorCode(err) != model.ECONFLICT {
			break
		}
		l.synced = false // another instance appended: re-read the head and retry
	}
	if err == nil {
		err = errors.New("audit append: too many concurrent appenders")
	}
	l.synced = false
	l.log.Error("audit append failed", "err", err, "records", len(batch))
	for _, r := range batch {
		r.done <- model.Errorf(model.EUNAVAILABLE, "audit log unavailable; the action was not recorded")
	}
}

// canonicalAudit fixes the field order and encoding that a record's hash covers.
type canonicalAudit struct {
	Seq        int64  `json:"seq"`
	At         string `json:"at"`
	Actor      string `json:"actor"`
	Team       string `json:"team"`
	Action     string `json:"action"`
	Resource   string `json:"resource"`
	Decision   string `json:"decision"`
	RequestID  string `json:"requestId"`
	ClientAddr string `json:"clientAddr"`
	Summary    string `json:"summary"`
	PrevHash   string `json:"prevHash"`
}

// HashAuditRecord returns the hex SHA-256 of r's canonical encoding: a JSON object
// with the fields in a fixed order, the time in UTC RFC 3339 with milliseconds, and
// the previous record's hash. r.Hash itself is not covered.
func HashAuditRecord(r model.AuditRecord) string {
	b, _ := json.Marshal(canonicalAudit{
		Seq: r.Seq, At: r.At.UTC().Format("2006-01-02T15:04:05.000Z07:00"), Actor: r.Actor, Team: r.Team,
		Action: r.Action, Resource: r.Resource, Decision: r.Decision, RequestID: r.RequestID,
		ClientAddr: r.ClientAddr, Summary: r.Summary, PrevHash: r.PrevHash,
	})
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// VerifyAudit walks the whole chain in seq order and reports the first record
// whose seq, link to its predecessor or own hash does not match. It checks no
// checkpoints (Signed is false): see VerifyAuditSigned.
func VerifyAudit(ctx context.Context, store AuditStore) (model.AuditVerification, error) {
	return walkAudit(ctx, store, nil)
}

// walkAudit is VerifyAudit. With visit set it is called for every record and the
// walk goes on past a broken link; without, the walk stops there.
func walkAudit(ctx context.Context, store AuditStore, visit func(model.AuditRecord)) (model.AuditVerification, error) {
	var (
		v      = model.AuditVerification{OK: true}
		want   int64
		prev   string
		broken = errors.New("broken")
	)
	err := store.ScanAudit(ctx, func(r model.AuditRecord) error {
		if visit != nil {
			visit(r)
		}
		if !v.OK {
			return nil
		}
		want++
		switch {
		case r.Seq != want:
			// a missing record: the chain breaks where it should have been
		case r.PrevHash != prev, HashAuditRecord(r) != r.Hash:
		default:
			v.Checked++
			prev = r.Hash
			return nil
		}
		s := want
		v.OK, v.FirstBrokenSeq = false, &s
		if visit != nil {
			return nil
		}
		return broken
	})
	if err != nil && !errors.Is(err, broken) {
		return v, fmt.Errorf("verify audit: %w", err)
	}
	return v, nil
}

package model

import "time"

// Audit decisions.
const (
	DecisionAllow = "allow"
	DecisionDeny  = "deny"
)

// AuditRecord is one link of the hash-chained audit log. Hash is the SHA-256 of the
// record's canonical encoding, which includes PrevHash, so changing any stored record
// breaks the chain from that record on.
type AuditRecord struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	Team       string    `json:"team"`
	Action     string    `json:"action"`
	Resource   string    `json:"resource"`
	Decision   string    `json:"decision"`
	RequestID  string    `json:"requestId"`
	ClientAddr string    `json:"clientAddr"`
	Summary    string    `json:"summary"`
	PrevHash   string    `json:"prevHash"`
	Hash       string    `json:"hash"`
}

// AuditVerification is the result of walking the audit chain and checking its
// signed checkpoints.
type AuditVerification struct {
	OK             bool   `json:"ok"`
	Checked        int    `json:"checked"`
	FirstBrokenSeq *int64 `json:"firstBrokenSeq,omitempty"`
	// Signed is whether checkpoint signatures were checked (the verifier had at
	// least one public key); Checkpoints is how many verified.
	Signed             bool   `json:"signed"`
	Checkpoints        int    `json:"checkpoints"`
	FirstBadCheckpoint *int64 `json:"firstBadCheckpoint,omitempty"`
	// CheckpointProblem says what is wrong with FirstBadCheckpoint.
	CheckpointProblem *string `json:"checkpointProblem,omitempty"`
}

// AuditCheckpoint is an Ed25519 signature over the hash of the audit record at
// Seq (which, through the chain, covers every record before it). KeyID names the
// signing key: the hex of the first 8 bytes of SHA-256 of its public key. Every
// is the checkpoint interval in force when it was written.
type AuditCheckpoint struct {
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"`
	At        time.Time `json:"at"`
	Every     int64     `json:"every"`
	KeyID     string    `json:"keyId"`
	Signature []byte    `json:"signature"`
}

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

// AuditVerification is the result of walking the audit chain.
type AuditVerification struct {
	OK             bool   `json:"ok"`
	Checked        int    `json:"checked"`
	FirstBrokenSeq *int64 `json:"firstBrokenSeq,omitempty"`
}

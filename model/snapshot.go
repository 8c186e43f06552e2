package model

import "time"

// Snapshot statuses.
const (
	SnapshotPending  = "pending"
	SnapshotBuilding = "building"
	SnapshotReady    = "ready"
	SnapshotFailed   = "failed"
)

// DatasetVersion is one committed version of a dataset: its row count, the
// ingestion (or other job) that made it and its columnar snapshot.
type DatasetVersion struct {
	Dataset   string        `json:"dataset"`
	Version   int           `json:"version"`
	CreatedAt time.Time     `json:"createdAt"`
	Rows      int           `json:"rows"`
	Ingestion *string       `json:"ingestion,omitempty"`
	Snapshot  *SnapshotInfo `json:"snapshot,omitempty"`
}

// SnapshotInfo describes a version's Parquet snapshot.
type SnapshotInfo struct {
	Status string  `json:"status"`
	Bytes  *int    `json:"bytes,omitempty"`
	Sha256 *string `json:"sha256,omitempty"`
	// File names the stored bytes (content-addressed by the SHA-256).
	File string `json:"-"`
	// Error says why a build failed.
	Error string `json:"-"`
	// Rows is the snapshot's row count.
	Rows    int       `json:"-"`
	BuiltAt time.Time `json:"-"`
}

// SealedValue is a sensitive field's value as the store keeps it: sealed bytes
// only the store's keyring opens, and the value's blind index.
type SealedValue struct {
	Bytes []byte
	Index string
}

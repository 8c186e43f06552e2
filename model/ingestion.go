package model

import "time"

// Ingestion is one run of a source into a dataset: what was read, what changed,
// the quality report, and the rejected rows (stored apart, see Reject).
type Ingestion struct {
	ID        string    `json:"id"`
	Dataset   string    `json:"dataset"`
	Source    string    `json:"source"`
	Format    Format    `json:"format"`
	Mode      WriteMode `json:"mode"`
	Status    JobStatus `json:"status"`
	Job       string    `json:"job"`
	Read      int       `json:"read"`
	Inserted  int       `json:"inserted"`
	Updated   int       `json:"updated"`
	Unchanged int       `json:"unchanged"`
	Rejected  int       `json:"rejected"`
	// DatasetVersion is the version this ingestion produced (nil until it succeeds).
	DatasetVersion *int     `json:"datasetVersion,omitempty"`
	FailedChecks   []string `json:"failedChecks"`
	// Report is the per-field quality report (JSON-shaped).
	Report any `json:"report,omitempty"`
	// Spec is the ingestion spec used (JSON-shaped).
	Spec       any        `json:"spec,omitempty"`
	Error      *string    `json:"error,omitempty"`
	CreatedBy  string     `json:"createdBy"`
	CreatedAt  time.Time  `json:"createdAt"`
	FinishedAt *time.Time `json:"finishedAt,omitempty"`
}

// IngestCommit is the record that an ingestion's write pass is complete and
// staged: from then on the ingestion is applied to the dataset, by its own run
// or, after a crash, by the next writer of the dataset (roll forward). Without
// one, staged documents are dropped (roll back).
type IngestCommit struct {
	Dataset   string
	Ingestion string
	// Version is the dataset version the ingestion produces.
	Version int
	// Fields is the schema the ingestion inferred (nil when the dataset had one).
	Fields []FieldSpec
	// Count is the dataset's document count after the ingestion.
	Count int
	At    time.Time
}

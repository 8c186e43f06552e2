package model

import "time"

// Document is one unified entity of a dataset, stored in the dataset's own
// collection with its normalized key as _id.
type Document struct {
	Key    string         `json:"key"`
	Fields map[string]any `json:"fields"`
	// Version counts changes to this document (optimistic concurrency).
	Version int `json:"version"`
	// DatasetVersion is the dataset version that last changed this document.
	DatasetVersion int `json:"datasetVersion"`
	// Sources records, per source name, the ingestion and line that last touched it.
	Sources   map[string]SourceRef `json:"sources"`
	UpdatedAt time.Time            `json:"updatedAt"`
}

// SourceRef is where a document's data came from.
type SourceRef struct {
	Ingestion string `json:"ingestion" bson:"ingestion"`
	// Line is the source line (row); 0 (left out of JSON) when the caller's
	// view is limited to some rows (line numbers would tell how many rows lie
	// between the ones it sees) or the data came from no line.
	Line int       `json:"line,omitempty" bson:"line"`
	At   time.Time `json:"at" bson:"at"`
}

// DocumentQuery selects documents of a dataset. Filter values are already typed
// (numbers as int64/float64, dates as time.Time) by the service.
type DocumentQuery struct {
	Where   []FieldFilter
	OrderBy []FieldOrder
	// After is the _id to continue after (no OrderBy) or the offset (with OrderBy).
	AfterKey    string
	AfterOffset int
	Limit       int
	// SkipCount says the total is not wanted: FindDocuments returns -1 for it
	// and saves a count (a scan of the dataset on the embedded store).
	SkipCount bool
}

// DocumentWrite is one change to a dataset's documents: an insert (Expect 0) or a
// replacement of the stored document whose version is Expect.
type DocumentWrite struct {
	Doc    *Document
	Expect int
}

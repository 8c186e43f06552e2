package model

import (
	"encoding/json"
	"time"
)

// JobStatus is where a job is in its life.
type JobStatus string

// Job statuses. SUCCEEDED, FAILED and CANCELLED are final.
const (
	JobQueued    JobStatus = "QUEUED"
	JobRunning   JobStatus = "RUNNING"
	JobSucceeded JobStatus = "SUCCEEDED"
	JobFailed    JobStatus = "FAILED"
	JobCancelled JobStatus = "CANCELLED"
)

// Final reports whether s is a final status.
func (s JobStatus) Final() bool {
	return s == JobSucceeded || s == JobFailed || s == JobCancelled
}

// Job is durable background work: an ingestion, a training run, a batch prediction.
type Job struct {
	ID     string    `json:"id"`
	Kind   string    `json:"kind"`
	Status JobStatus `json:"status"`
	// Progress is the fraction done, 0 to 1.
	Progress float64   `json:"progress"`
	Detail   JobDetail `json:"detail"`
	Error    *string   `json:"error,omitempty"`
	// ErrorCode is the code of the failure (BAD_USER_INPUT for bad data or spec).
	ErrorCode *string `json:"errorCode,omitempty"`
	// Result is what the job produced, e.g. {"ingestion": id}.
	Result map[string]any `json:"result,omitempty"`
	// Team and Resource say whose job it is: reading it needs read on Resource in Team.
	Team      string `json:"team"`
	Resource  string `json:"resource"`
	CreatedBy string `json:"createdBy"`
	// Payload is the job's input, decoded by its handler.
	Payload         json.RawMessage `json:"-"`
	CancelRequested bool            `json:"cancelRequested"`
	Attempts        int             `json:"attempts"`
	LeaseOwner      string          `json:"-"`
	LeaseUntil      time.Time       `json:"-"`
	CreatedAt       time.Time       `json:"createdAt"`
	StartedAt       *time.Time      `json:"startedAt,omitempty"`
	FinishedAt      *time.Time      `json:"finishedAt,omitempty"`
	UpdatedAt       time.Time       `json:"updatedAt"`
}

// JobDetail is a running job's progress in its own units.
type JobDetail struct {
	Phase         string  `json:"phase,omitempty" bson:"phase,omitempty"`
	Rows          int64   `json:"rows" bson:"rows"`
	Bytes         int64   `json:"bytes" bson:"bytes"`
	TotalBytes    int64   `json:"totalBytes" bson:"totalBytes"`
	RowsPerSecond float64 `json:"rowsPerSecond" bson:"rowsPerSecond"`
	Message       string  `json:"message,omitempty" bson:"message,omitempty"`
}

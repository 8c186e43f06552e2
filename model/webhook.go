package model

import "time"

// StoredPrediction is one document's batch prediction kept in a collection.
type StoredPrediction struct {
	Key         string    `json:"key" bson:"_id"`
	Probability *float64  `json:"probability" bson:"probability"`
	Label       any       `json:"label" bson:"label"`
	Model       string    `json:"model" bson:"model"`
	Version     int       `json:"version" bson:"version"`
	Error       *string   `json:"error" bson:"error,omitempty"`
	At          time.Time `json:"at" bson:"at"`
}

// Webhook events.
const (
	EventIngestionFinished    = "ingestion.finished"
	EventTrainingFinished     = "training.finished"
	EventBatchPredictFinished = "batchPredict.finished"
)

// Webhook is an endpoint told when a team's jobs finish.
type Webhook struct {
	ID        string    `json:"id" bson:"_id"`
	Team      string    `json:"team" bson:"team"`
	URL       string    `json:"url" bson:"url"`
	Events    []string  `json:"events" bson:"events"`
	Secret    string    `json:"-" bson:"secret"`
	CreatedBy string    `json:"createdBy" bson:"createdBy"`
	CreatedAt time.Time `json:"createdAt" bson:"createdAt"`
}

// CreatedWebhook is a new webhook with its signing secret, shown once.
type CreatedWebhook struct {
	Webhook *Webhook `json:"webhook"`
	Secret  string   `json:"secret"`
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// WebhookDelivery is one event sent (or being sent) to a webhook.
type WebhookDelivery struct {
	ID             string         `json:"id" bson:"_id"`
	Webhook        string         `json:"webhook" bson:"webhook"`
	Event          string         `json:"event" bson:"event"`
	Status         string         `json:"status" bson:"status"`
	Attempts       int            `json:"attempts" bson:"attempts"`
	LastStatusCode *int           `json:"lastStatusCode" bson:"lastStatusCode,omitempty"`
	LastError      *string        `json:"lastError" bson:"lastError,omitempty"`
	Payload        map[string]any `json:"payload" bson:"payload"`
	CreatedAt      time.Time      `json:"createdAt" bson:"createdAt"`
	DeliveredAt    *time.Time     `json:"deliveredAt" bson:"deliveredAt,omitempty"`
	NextAttemptAt  *time.Time     `json:"nextAttemptAt" bson:"nextAttemptAt,omitempty"`
}

package model

import "time"

// LabelSchema lists the labels annotators may use on a task's documents.
type LabelSchema struct {
	ID         string         `json:"id" bson:"_id"`
	Team       string         `json:"team" bson:"team"`
	Entities   []string       `json:"entities" bson:"entities"`
	Relations  []RelationType `json:"relations" bson:"relations"`
	Events     []EventType    `json:"events" bson:"events"`
	Classes    []string       `json:"classes" bson:"classes"`
	MultiLabel bool           `json:"multiLabel" bson:"multiLabel"`
	CreatedAt  time.Time      `json:"createdAt" bson:"createdAt"`
}

// RelationType is a relation with the entity labels allowed at each end.
type RelationType struct {
	Name string   `json:"name" bson:"name"`
	Head []string `json:"head" bson:"head"`
	Tail []string `json:"tail" bson:"tail"`
}

// EventType is an event with its trigger label and roles.
type EventType struct {
	Name    string      `json:"name" bson:"name"`
	Trigger string      `json:"trigger" bson:"trigger"`
	Roles   []EventRole `json:"roles" bson:"roles"`
}

// EventRole is an event argument slot and the labels it allows.
type EventRole struct {
	Name   string   `json:"name" bson:"name"`
	Labels []string `json:"labels" bson:"labels"`
}

// AnnotationTask hands a selection of a dataset's documents to annotators.
type AnnotationTask struct {
	ID         string           `json:"id" bson:"_id"`
	Team       string           `json:"team" bson:"team"`
	Dataset    string           `json:"dataset" bson:"dataset"`
	Schema     string           `json:"schema" bson:"schema"`
	TextField  string           `json:"textField" bson:"textField"`
	Annotators []string         `json:"annotators" bson:"annotators"`
	Overlap    int              `json:"overlap" bson:"overlap"`
	Guidelines *string          `json:"guidelines" bson:"guidelines,omitempty"`
	Items      int              `json:"items" bson:"items"`
	Gazetteer  []GazetteerEntry `json:"gazetteer" bson:"gazetteer"`
	Patterns   []PatternRule    `json:"patterns" bson:"patterns"`
	CreatedBy  string           `json:"createdBy" bson:"createdBy"`
	CreatedAt  time.Time        `json:"createdAt" bson:"createdAt"`
	// DatasetVersion is the version of the dataset the items were selected
	// from and their suggestions computed on (nil: not recorded, tasks
	// created before it was).
	DatasetVersion *int `json:"datasetVersion" bson:"datasetVersion,omitempty"`
	// SensitiveFields are the sensitive fields of the dataset the task's items
	// were drawn from (text field, where filters, gazetteer fields) when it was
	// created. AllowSensitiveText records the owner's decision that the task's
	// listed annotators may read the text (audited as grant-sensitive-text).
	SensitiveFields    []string `json:"sensitiveFields" bson:"sensitiveFields,omitempty"`
	AllowSensitiveText bool     `json:"allowSensitiveText" bson:"allowSensitiveText,omitempty"`
}

// GazetteerEntry is a dictionary of terms that suggest a label.
type GazetteerEntry struct {
	Label string   `json:"label" bson:"label"`
	Terms []string `json:"terms" bson:"terms"`
}

// PatternRule is a regular expression that suggests a label.
type PatternRule struct {
	Label   string `json:"label" bson:"label"`
	Pattern string `json:"pattern" bson:"pattern"`
}

// Annotation is one annotator's (or the gold) labelling of one document.
type Annotation struct {
	ID        string     `json:"id" bson:"_id"`
	Task      string     `json:"task" bson:"task"`
	Document  string     `json:"document" bson:"document"`
	Annotator string     `json:"annotator" bson:"annotator"`
	Version   int        `json:"version" bson:"version"`
	Status    string     `json:"status" bson:"status"`
	Spans     []Span     `json:"spans" bson:"spans"`
	Relations []Relation `json:"relations" bson:"relations"`
	Events    []Event    `json:"events" bson:"events"`
	Labels    []string   `json:"labels" bson:"labels"`
	// Decisions records the annotator's accept/reject of suggestions, by id.
	Decisions map[string]string `json:"-" bson:"decisions,omitempty"`
	ClaimedAt *time.Time        `json:"claimedAt" bson:"claimedAt,omitempty"`
	UpdatedAt time.Time         `json:"updatedAt" bson:"updatedAt"`
}

// Annotation statuses.
const (
	AnnotationDraft     = "draft"
	AnnotationSubmitted = "submitted"
	GoldAnnotator       = "gold"
)

// Span is a labelled stretch of text, in Unicode code points (end exclusive).
type Span struct {
	ID    string `json:"id" bson:"id"`
	Start int    `json:"start" bson:"start"`
	End   int    `json:"end" bson:"end"`
	Label string `json:"label" bson:"label"`
	Text  string `json:"text" bson:"text"`
}

// Relation links two spans.
type Relation struct {
	Type string `json:"type" bson:"type"`
	Head string `json:"head" bson:"head"`
	Tail string `json:"tail" bson:"tail"`
}

// Event is a trigger span with role-labelled argument spans.
type Event struct {
	Type      string     `json:"type" bson:"type"`
	Trigger   string     `json:"trigger" bson:"trigger"`
	Arguments []EventArg `json:"arguments" bson:"arguments"`
}

// EventArg is one argument of an event.
type EventArg struct {
	Role string `json:"role" bson:"role"`
	Span string `json:"span" bson:"span"`
}

// Suggestion is a pre-annotated span awaiting an annotator's decision.
type Suggestion struct {
	ID     string `json:"id" bson:"id"`
	Span   Span   `json:"span" bson:"span"`
	Source string `json:"source" bson:"source"`
	Rule   string `json:"rule" bson:"rule"`
	Status string `json:"status" bson:"status"`
}

// AnnotationItem is a document handed to an annotator.
type AnnotationItem struct {
	Task        string       `json:"task"`
	Document    string       `json:"document"`
	Text        string       `json:"text"`
	LeaseUntil  *time.Time   `json:"leaseUntil"`
	Annotation  *Annotation  `json:"annotation"`
	Suggestions []Suggestion `json:"suggestions"`
}

// ReviewItem is every version of one item, for a reviewer.
type ReviewItem struct {
	Task        string        `json:"task"`
	Document    string        `json:"document"`
	Text        string        `json:"text"`
	Annotations []*Annotation `json:"annotations"`
	Gold        *Annotation   `json:"gold"`
	// Suggestions are the item's pre-annotations, with the gold version's decisions.
	Suggestions []Suggestion `json:"suggestions"`
}

// Agreement measures how much annotators agree.
type Agreement struct {
	Items         int          `json:"items"`
	CohenKappa    *float64     `json:"cohenKappa"`
	FleissKappa   *float64     `json:"fleissKappa"`
	SpanF1        *float64     `json:"spanF1"`
	SpanF1ByLabel []LabelScore `json:"spanF1ByLabel"`
}

// LabelScore is a score per label.
type LabelScore struct {
	Label string  `json:"label"`
	F1    float64 `json:"f1"`
}

// AnnotationStats is a task's progress.
type AnnotationStats struct {
	Items         int              `json:"items"`
	CompleteItems int              `json:"completeItems"`
	GoldItems     int              `json:"goldItems"`
	Annotators    []AnnotatorStats `json:"annotators"`
	Labels        []LabelCount     `json:"labels"`
}

// AnnotatorStats is one annotator's progress.
type AnnotatorStats struct {
	Annotator     string   `json:"annotator"`
	Drafts        int      `json:"drafts"`
	Submitted     int      `json:"submitted"`
	MedianSeconds *float64 `json:"medianSeconds"`
}

// LabelCount counts a label's uses.
type LabelCount struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// TaskItem is one document of a task, in task order, with its pre-annotations.
type TaskItem struct {
	Document    string       `bson:"_id"`
	Seq         int          `bson:"seq"`
	Suggestions []Suggestion `bson:"suggestions"`
}

// Claim is an annotator's hold on one slot of an item, until a time.
type Claim struct {
	ID        string    `bson:"_id"`
	Annotator string    `bson:"annotator"`
	Until     time.Time `bson:"until"`
	At        time.Time `bson:"at"`
}

// Take records that an annotator took one slot of an item: an annotator takes
// an item at most once, whatever becomes of the slot.
type Take struct {
	ID   string    `bson:"_id"`
	Slot int       `bson:"slot"`
	At   time.Time `bson:"at"`
}

// AnnotatorCursor is where an annotator stands in a task: the next item of its
// forward walk, the item it holds, and when its next look at lapsed leases is due.
type AnnotatorCursor struct {
	ID string `bson:"_id"`
	// Pos is the seq of the next item the forward walk looks at.
	Pos int `bson:"pos"`
	// Doc and Slot are the item the annotator holds and has not submitted.
	Doc  string `bson:"doc,omitempty"`
	Slot int    `bson:"slot"`
	// SweepAfter is when a look at the open claims may next find a slot whose
	// lease lapsed (none can lapse before).
	SweepAfter time.Time `bson:"sweepAfter"`
}

// OpenClaim is a claim not yet submitted, kept apart (one small collection per
// task) so that slots whose lease lapsed are found without walking the task.
type OpenClaim struct {
	ID        string    `bson:"_id"` // the claim's id
	Doc       string    `bson:"doc"`
	Seq       int       `bson:"seq"`
	Slot      int       `bson:"slot"`
	Annotator string    `bson:"annotator"`
	Until     time.Time `bson:"until"` // the lease when taken (extensions not recorded)
}

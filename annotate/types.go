package annotate

// Schema lists what annotators may mark on a task's documents: entity labels for
// spans, relation types between spans, event types (a trigger span with role-labelled
// argument spans) and document classes. Names are case-sensitive. Validate states the
// rules a schema must follow; ValidateAnnotation assumes a schema that passed them.
type Schema struct {
	ID string `json:"id"`
	// Entities are the labels a Span may carry.
	Entities []string `json:"entities"`
	// Relations are the relation types, each with the entity labels allowed at its ends.
	Relations []RelationType `json:"relations,omitempty"`
	// Events are the event types.
	Events []EventType `json:"events,omitempty"`
	// Classes are the document-level labels (Annotation.Labels).
	Classes []string `json:"classes,omitempty"`
	// MultiLabel lets a document take several classes; otherwise at most one.
	MultiLabel bool `json:"multiLabel,omitempty"`
}

// RelationType is a directed relation from a head span to a tail span. Head and Tail
// list the entity labels allowed at each end; an empty list allows every entity label.
type RelationType struct {
	Name string   `json:"name"`
	Head []string `json:"head,omitempty"`
	Tail []string `json:"tail,omitempty"`
}

// EventType is an event: a trigger span whose label must be Trigger, and arguments
// that fill its Roles.
type EventType struct {
	Name    string      `json:"name"`
	Trigger string      `json:"trigger"`
	Roles   []EventRole `json:"roles"`
}

// EventRole is an argument slot of an event type. Labels lists the entity labels an
// argument span may carry in this role; an empty list allows every entity label. A
// role may be filled any number of times (including zero): the schema has no
// cardinality.
type EventRole struct {
	Name   string   `json:"name"`
	Labels []string `json:"labels,omitempty"`
}

// Span is a labelled stretch of a document's text. Start and End count Unicode code
// points, 0-based, end exclusive (see the package comment), and Text must equal that
// slice of the document. ID is unique within its annotation and is what relations and
// events refer to.
type Span struct {
	ID    string `json:"id"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Label string `json:"label"`
	Text  string `json:"text"`
}

// Relation links a head span to a tail span (span ids) with a relation type.
type Relation struct {
	Type string `json:"type"`
	Head string `json:"head"`
	Tail string `json:"tail"`
}

// Event is an event of a type: Trigger is the id of the trigger span, and each
// argument names a role and the id of the span filling it.
type Event struct {
	Type      string     `json:"type"`
	Trigger   string     `json:"trigger"`
	Arguments []EventArg `json:"arguments"`
}

// EventArg is one argument of an Event: a role of the event type and a span id.
type EventArg struct {
	Role string `json:"role"`
	Span string `json:"span"`
}

// Annotation is one annotator's labelling of one document: spans, relations and
// events between them, and document classes (Labels).
type Annotation struct {
	Spans     []Span     `json:"spans,omitempty"`
	Relations []Relation `json:"relations,omitempty"`
	Events    []Event    `json:"events,omitempty"`
	Labels    []string   `json:"labels,omitempty"`
}

// Suggestion sources.
const (
	SourceGazetteer = "gazetteer"
	SourceRegex     = "regex"
)

// Suggestion is a pre-annotated span offered to an annotator. Source is
// SourceGazetteer or SourceRegex (or, for suggestions read from Label Studio
// predictions, the prediction's model_version); Rule is the dictionary term as listed
// or the regex rule's name (its pattern when unnamed).
type Suggestion struct {
	Span   Span   `json:"span"`
	Source string `json:"source"`
	Rule   string `json:"rule,omitempty"`
}

// Document is the unit the format encoders and decoders exchange: a document's key,
// its text, one annotation of it, and pre-annotation suggestions (written only by the
// Label Studio format, as predictions).
type Document struct {
	ID          string       `json:"id"`
	Text        string       `json:"text"`
	Annotation  Annotation   `json:"annotation"`
	Suggestions []Suggestion `json:"suggestions,omitempty"`
}

// PRF is precision, recall and F1 with the counts they come from: TP spans found in
// both lists, FP spans only in the compared list, FN spans only in the reference.
type PRF struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
}

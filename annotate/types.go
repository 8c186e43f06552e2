package annotate

import "github.com/mms-platform/mms/model"

// Suggestion sources.
const (
	SourceGazetteer = "gazetteer"
	SourceRegex     = "regex"
)

// Document is the unit the format encoders and decoders exchange: a document's key,
// its text, one annotation of it, and pre-annotation suggestions (written only by the
// Label Studio format, as predictions).
type Document struct {
	ID          string             `json:"id"`
	Text        string             `json:"text"`
	Annotation  model.Annotation   `json:"annotation"`
	Suggestions []model.Suggestion `json:"suggestions,omitempty"`
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

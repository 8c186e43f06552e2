package ml

import (
	"regexp"
	"strconv"
	"strings"
)

// decimalRE is a decimal number as pandas reads one from text: optional sign,
// digits with an optional fraction, optional exponent (no hex, no underscores,
// no "NaN" or "inf").
var decimalRE = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// numericString reads a string that holds a decimal number, ignoring
// surrounding white space ("24", " 24.5 ", "-1e3"; not "24 years").
func numericString(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if !decimalRE.MatchString(s) {
		return 0, false
	}
	x, err := strconv.ParseFloat(s, 64)
	return x, err == nil
}

// Kinds of InputNote.
const (
	// NoteMissing: the feature is absent or null; it is imputed (numeric,
	// boolean), scored as the unknown category (categorical) or as empty text.
	NoteMissing = "missing"
	// NoteUnknownCategory: the value of a categorical feature has no column of
	// its own; it is scored as the unknown bucket.
	NoteUnknownCategory = "unknownCategory"
)

// InputNote is something Transform does with an input that the caller may
// not expect: a value it fills in, a category it does not know.
type InputNote struct {
	Feature string
	Type    string
	Kind    string
	// Value is the unknown category, as formatted for lookup.
	Value string
	// Required: no fit row lacked the feature (a missing value there is
	// outside what the model saw, as MLflow's required columns).
	Required bool
}

// Inspect lists the notes Transform would have about row (features it fills
// in, unknown categories), in feature order. Values Transform rejects are not
// notes: Transform reports them as errors.
func (p *Preprocessor) Inspect(row map[string]any) []InputNote {
	var out []InputNote
	for i := range p.Features {
		f := &p.Features[i]
		v := row[f.Name]
		if v == nil {
			out = append(out, InputNote{Feature: f.Name, Type: f.Type, Kind: NoteMissing, Required: f.Missing == 0})
			continue
		}
		if f.Type != TypeCategorical {
			continue
		}
		key, err := categoryKey(f.Name, -1, v)
		if err != nil {
			continue
		}
		if _, ok := f.category(key); !ok {
			out = append(out, InputNote{Feature: f.Name, Type: f.Type, Kind: NoteUnknownCategory, Value: key})
		}
	}
	return out
}

// Uses reports whether the fitted pipeline reads feature name (a feature
// dropped at fit time, or never listed, is not read).
func (p *Preprocessor) Uses(name string) bool {
	for _, f := range p.Features {
		if f.Name == name {
			return true
		}
	}
	return false
}

// IsDropped reports whether feature name was dropped at fit time.
func (p *Preprocessor) IsDropped(name string) bool {
	for _, d := range p.Dropped {
		if d.Name == name {
			return true
		}
	}
	return false
}

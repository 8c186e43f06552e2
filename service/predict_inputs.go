package service

import (
	"fmt"
	"math"
	"slices"

	"github.com/mms-platform/mms/ml"
)

// Predict inputs are read as a data scientist expects (pandas, MLflow): a
// numeric string ("24", " 24.5 ") is a number, and nothing is done to an
// input silently. Each prediction lists its warnings:
//
//   - a feature absent or null: imputed (numeric: the training mean, median
//     or constant; boolean: the most frequent training value), or scored as
//     the unknown category (categorical) or as empty text (text);
//   - a category the model has no column for: scored as the unknown bucket;
//   - a field the model does not read (not a feature, or dropped at
//     training): ignored.
//
// Strict mode follows MLflow's model signature enforcement: a feature that
// every training row had is required, so its absence is an error, and so is
// an unknown category; a feature some training rows lacked is optional (its
// imputation is what training did) and extra fields are ignored, both with a
// warning only.
//
// Sensitivity: for a caller whose view withholds a sensitive feature
// (modelView), a warning about it never repeats the value (an unknown
// category is "a category unknown to the model").

// inputWarnings returns the warnings of one input, in the order of the model's
// features then the ignored fields (sorted), and those of them that strict
// mode makes an error.
func (p *Predictor) inputWarnings(input map[string]any) (warns, blocking []string) {
	for _, n := range p.pre.Inspect(input) {
		var w, b string // the warning, and its strict error
		switch n.Kind {
		case ml.NoteMissing:
			if m, ok := p.missing[n.Feature]; ok && (m.block != "") == n.Required {
				w, b = m.warn, m.block
				break
			}
			w = fmt.Sprintf("field %q is missing: %s", n.Feature, p.missingAction(n.Feature))
			if n.Required {
				b = fmt.Sprintf("field %q is required (every training row had it) but missing or null", n.Feature)
			} else {
				w += " (some training rows lacked it too)"
			}
		case ml.NoteUnknownCategory:
			if p.view.hide[n.Feature] {
				b = fmt.Sprintf("unknown category for field %q (value not repeated: sensitive field)", n.Feature)
				w = fmt.Sprintf("unknown category for field %q (scored as the unknown bucket; value not repeated: sensitive field)", n.Feature)
			} else {
				b = fmt.Sprintf("unknown category %q for field %q", n.Value, n.Feature)
				w = b + " (scored as the unknown bucket)"
			}
		default:
			continue
		}
		warns = append(warns, w)
		if b != "" {
			blocking = append(blocking, b)
		}
	}
	var ignored []string
	for k := range input {
		if _, used := p.missing[k]; !used { // p.pre.Uses(k): missing has every feature the pipeline reads
			ignored = append(ignored, k)
		}
	}
	slices.Sort(ignored)
	for _, k := range ignored {
		if slices.Contains(p.Features, k) {
			warns = append(warns, fmt.Sprintf("ignored field %q: the model dropped it at training", k))
		} else {
			warns = append(warns, fmt.Sprintf("ignored field %q: not a feature of the model", k))
		}
	}
	return warns, blocking
}

// missingAction says what scoring does with a missing feature.
func (p *Predictor) missingAction(name string) string {
	for _, f := range p.pre.Features {
		if f.Name != name {
			continue
		}
		switch f.Type {
		case ml.TypeNumeric:
			switch f.Spec.Impute {
			case "median":
				return "imputed with the training median"
			case "constant":
				return "imputed with the constant of the training spec"
			}
			return "imputed with the training mean"
		case ml.TypeBoolean:
			return "imputed with the most frequent training value"
		case ml.TypeCategorical:
			return "scored as the unknown category"
		case ml.TypeText:
			return "scored as empty text"
		}
	}
	return "imputed"
}

// warningCounts tallies the warnings of a batch prediction: the rows with a
// warning about the model's features, and per kind the features concerned
// with their row counts. Fields the model does not read are not counted (a
// document holds many: its label, its key...), and no value is recorded.
type warningCounts struct {
	rows    int
	missing map[string]int
	unknown map[string]int
}

func (c *warningCounts) add(p *Predictor, input map[string]any) {
	notes := p.pre.Inspect(input)
	if len(notes) == 0 {
		return
	}
	c.rows++
	for _, n := range notes {
		m := &c.missing
		if n.Kind == ml.NoteUnknownCategory {
			m = &c.unknown
		}
		if *m == nil {
			*m = map[string]int{}
		}
		(*m)[n.Feature]++
	}
}

// result is the job result's summary: {"rows": n, "missing": {feature: rows},
// "unknownCategory": {feature: rows}}.
func (c *warningCounts) result() map[string]any {
	out := map[string]any{"rows": c.rows, "missing": map[string]int{}, "unknownCategory": map[string]int{}}
	if c.missing != nil {
		out["missing"] = c.missing
	}
	if c.unknown != nil {
		out["unknownCategory"] = c.unknown
	}
	return out
}

// LabelDatatype is the Open Inference Protocol datatype of the label output
// as the caller sees it: BOOL for one-vs-rest models and for class names
// withheld from the caller (the label is then whether the positive class was
// predicted), INT64 or FP64 for numeric classes, BYTES for strings (and for
// classes of mixed kinds, formatted).
func (p *Predictor) LabelDatatype() string {
	if p.negative == nil || p.view.label {
		return "BOOL"
	}
	a, b := labelKind(p.positive), labelKind(p.negative)
	switch {
	case a == b:
		return a
	case (a == "INT64" && b == "FP64") || (a == "FP64" && b == "INT64"):
		return "FP64"
	}
	return "BYTES"
}

func labelKind(v any) string {
	switch x := v.(type) {
	case bool:
		return "BOOL"
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return "INT64"
	case float32:
		return labelKind(float64(x))
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return "INT64"
		}
		return "FP64"
	}
	return "BYTES"
}

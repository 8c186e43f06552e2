package service

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/ml"
	"github.com/mms-platform/mms/model"
)

// Sensitivity follows data into models. A model version trained on sensitive
// fields carries values of them: one-hot columns ("ssn=100-25-8246"), bin edges
// ("age=[40,50)"), text buckets (whose weights answer "does this n-gram occur"),
// category lists, constants in drop reasons and, for a sensitive label, the
// class names. A caller without read-sensitive on the source dataset gets a
// view of the version in which each sensitive feature is ONE entry, named
// "<feature>=***" and marked redacted:
//
//   - columns: one "<feature>=***" entry in place of the feature's columns;
//   - coefficients: one entry whose value is the feature's coefficient of
//     largest magnitude (its strongest effect on the log-odds, sign kept);
//   - predict contributions: one entry whose value is the sum of the feature's
//     column contributions, so the contributions still add up to the log-odds;
//   - preprocessing: the feature keeps its name and type only; dropped reasons
//     say "constant (details withheld: sensitive field)";
//   - a sensitive label: positiveClass (and the spec's) read "***", and a
//     prediction's label is true/false (the positive class predicted or not).
//
// modelView is that decision for one caller; every path that shows a model
// version or what it computes (modelVersion, model versions, plots, predict,
// shared predict, /v2 metadata and inference, batch predictions) goes through
// it: (*Service).modelViewOf decides, view and the Predictor apply.
type modelView struct {
	// hide are the features whose derived values are withheld; nil: none.
	hide map[string]bool
	// label: the class names are withheld.
	label bool
}

// redacts reports whether the view withholds anything.
func (v modelView) redacts() bool { return len(v.hide) > 0 || v.label }

// redactedColumn names the one entry that stands for a sensitive feature's columns.
func redactedColumn(feature string) string { return feature + "=" + Masked }

// sensitiveOf returns which of features, and whether label, are sensitive
// fields of d.
func sensitiveOf(d *model.Dataset, features []string, label string) ([]string, bool) {
	var out []string
	labelSens := false
	for _, f := range d.Fields {
		if !f.Sensitive {
			continue
		}
		if slices.Contains(features, f.Name) {
			out = append(out, f.Name)
		}
		if f.Name == label {
			labelSens = true
		}
	}
	return out, labelSens
}

// readsSensitive reports whether the caller may read the values of dataset
// d's sensitive fields (read-sensitive in the dataset's team; shares never
// grant it). Every sensitivity decision goes through it.
func (s *Service) readsSensitive(ctx context.Context, team, dataset string) (bool, error) {
	p := model.PrincipalFromContext(ctx)
	if p.Anonymous {
		return false, nil
	}
	return s.Authz.Allowed(p, team, "dataset/"+dataset, auth.ActReadSensitive)
}

// modelViewOf decides what the caller may see of model version mv: its
// sensitive inputs (modelSensitivity) are withheld unless the caller has
// read-sensitive on the source dataset.
func (s *Service) modelViewOf(ctx context.Context, mv *model.ModelVersion) (modelView, error) {
	v, team, err := s.modelSensitivity(ctx, mv)
	if err != nil || !v.redacts() {
		return modelView{}, err
	}
	ok, err := s.readsSensitive(ctx, team, mv.Dataset)
	if err != nil || ok {
		return modelView{}, err
	}
	return v, nil
}

// modelSensitivity returns the view of a caller who may read no sensitive
// value of mv's source dataset, and that dataset's team: the features recorded
// as sensitive at training, plus those the source dataset's schema marks
// sensitive now (a field marked later, or a version trained before the record
// existed).
func (s *Service) modelSensitivity(ctx context.Context, mv *model.ModelVersion) (modelView, string, error) {
	d, err := s.cachedDataset(ctx, mv.Dataset)
	switch {
	case err == nil:
	case model.ErrorCode(err) != model.ENOTFOUND:
		return modelView{}, "", err
	default:
		d = nil
	}
	v, team := sensitivityWith(mv, d)
	return v, team, nil
}

// sensitivityWith is modelSensitivity given the source dataset's description
// (nil: the dataset is gone).
func sensitivityWith(mv *model.ModelVersion, d *model.Dataset) (modelView, string) {
	hide := map[string]bool{}
	for _, f := range mv.SensitiveFeatures {
		hide[f] = true
	}
	label := mv.SensitiveLabel
	team := mv.Team
	if d != nil {
		feats, l := sensitiveOf(d, mv.Features, mv.Label)
		for _, f := range feats {
			hide[f] = true
		}
		label = label || l
		team = d.Team
	}
	if len(hide) == 0 {
		hide = nil
	}
	return modelView{hide: hide, label: label}, team
}

// featureOfColumn maps each input column to the feature it comes from.
func featureOfColumn(pre *ml.Preprocessor) []string {
	out := make([]string, pre.NumColumns)
	for _, f := range pre.Features {
		for k := 0; k < f.Width && f.Offset+k < len(out); k++ {
			out[f.Offset+k] = f.Name
		}
	}
	return out
}

// version returns the view of mv: a copy with the sensitive features' columns
// collapsed and their values withheld, or mv itself when nothing is withheld.
func (v modelView) version(mv *model.ModelVersion) *model.ModelVersion {
	if !v.redacts() {
		return mv
	}
	cp := *mv
	cp.Redacted = true
	cp.SensitiveFeatures = sortedKeys(v.hide)
	cp.SensitiveLabel = v.label
	var pre ml.Preprocessor
	if err := json.Unmarshal([]byte(mv.Preprocessing), &pre); err != nil || pre.NumColumns != len(mv.Columns) || len(mv.Coefficients) != len(mv.Columns) {
		// Without a readable column layout nothing of the columns can be shown safely.
		cp.Columns, cp.Coefficients, cp.Preprocessing = []string{}, []model.Coefficient{}, `{"redacted":true}`
	} else {
		owner := featureOfColumn(&pre)
		cp.Columns, cp.Coefficients = nil, nil
		at := map[string]int{} // feature -> index of its entry in cp.Coefficients
		for i, c := range mv.Coefficients {
			f := owner[i]
			if !v.hide[f] {
				cp.Columns = append(cp.Columns, mv.Columns[i])
				cp.Coefficients = append(cp.Coefficients, c)
				continue
			}
			j, ok := at[f]
			if !ok {
				at[f] = len(cp.Coefficients)
				cp.Columns = append(cp.Columns, redactedColumn(f))
				cp.Coefficients = append(cp.Coefficients, model.Coefficient{Feature: redactedColumn(f), Value: c.Value, Redacted: true})
				continue
			}
			if math.Abs(c.Value) > math.Abs(cp.Coefficients[j].Value) {
				cp.Coefficients[j].Value = c.Value
			}
		}
		for _, j := range at {
			or := math.Exp(cp.Coefficients[j].Value)
			cp.Coefficients[j].OddsRatio = nil
			if !math.IsInf(or, 0) {
				cp.Coefficients[j].OddsRatio = &or
			}
		}
		cp.Preprocessing = v.preprocessing(&pre)
	}
	cp.Dropped = nil
	for _, dr := range mv.Dropped {
		if v.hide[dr.Name] {
			dr.Reason = withheldDropReason(dr.Reason)
		}
		cp.Dropped = append(cp.Dropped, dr)
	}
	if cp.Dropped == nil {
		cp.Dropped = []model.DroppedFeature{}
	}
	cp.Spec = v.spec(mv.Spec)
	if v.label {
		cp.PositiveClass, cp.NegativeClass = Masked, Masked
	}
	return &cp
}

// withheldDropReason is why a sensitive feature was dropped, without the
// values or counts the reason may quote.
func withheldDropReason(r string) string {
	switch {
	case strings.HasPrefix(r, "constant"):
		return "constant (details withheld: sensitive field)"
	case strings.HasPrefix(r, "all null"):
		return "all null"
	case strings.HasPrefix(r, "string with"):
		return "high-cardinality string (details withheld: sensitive field)"
	}
	return "dropped (details withheld: sensitive field)"
}

// preprocessing is the fitted pipeline as JSON with the sensitive features
// reduced to their name and type.
func (v modelView) preprocessing(pre *ml.Preprocessor) string {
	type redactedFeature struct {
		Name     string `json:"name"`
		Type     string `json:"type"`
		Redacted bool   `json:"redacted"`
	}
	out := struct {
		Features []any               `json:"features"`
		Dropped  []ml.DroppedFeature `json:"dropped,omitempty"`
		Redacted bool                `json:"redacted"`
	}{Features: []any{}, Redacted: true}
	for _, f := range pre.Features {
		if v.hide[f.Name] {
			out.Features = append(out.Features, redactedFeature{Name: f.Name, Type: f.Type, Redacted: true})
			continue
		}
		out.Features = append(out.Features, f)
	}
	for _, dr := range pre.Dropped {
		if v.hide[dr.Name] {
			dr.Reason = withheldDropReason(dr.Reason)
		}
		out.Dropped = append(out.Dropped, dr)
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// spec returns the training spec without the values it may hold of sensitive
// fields: the positive class of a sensitive label, constants imputed into a
// sensitive feature.
func (v modelView) spec(spec any) any {
	m, ok := jsonShape(spec).(map[string]any)
	if !ok {
		return spec
	}
	if v.label && m["positiveClass"] != nil {
		m["positiveClass"] = Masked
	}
	if feats, ok := m["features"].([]any); ok {
		for _, f := range feats {
			if fm, ok := f.(map[string]any); ok {
				if name, _ := fm["name"].(string); v.hide[name] {
					for k := range fm {
						if k != "name" && k != "type" {
							delete(fm, k)
						}
					}
					fm["redacted"] = true
				}
			}
		}
	}
	return m
}

// prediction applies the view to one prediction of p: contributions of a
// sensitive feature's columns summed into one redacted entry, the class name of
// a sensitive label replaced by whether the positive class was predicted.
func (v modelView) prediction(p *Predictor, pr model.Prediction) model.Prediction {
	if !v.redacts() || pr.Error != nil {
		return pr
	}
	if v.label && p.negative != nil && pr.Probability != nil {
		pr.Label = *pr.Probability >= p.Threshold
	}
	if len(v.hide) == 0 || pr.Contributions == nil {
		return pr
	}
	owner := p.columnFeature
	out := make([]model.Coefficient, 0, len(pr.Contributions))
	at := map[string]int{}
	for i, c := range pr.Contributions {
		f := ""
		if i > 0 && i-1 < len(owner) { // the intercept comes first
			f = owner[i-1]
		}
		if !v.hide[f] {
			out = append(out, c)
			continue
		}
		if j, ok := at[f]; ok {
			out[j].Value += c.Value
			continue
		}
		at[f] = len(out)
		out = append(out, model.Coefficient{Feature: redactedColumn(f), Value: c.Value, Redacted: true})
	}
	pr.Contributions = out
	return pr
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

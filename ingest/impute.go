package ingest

import (
	"math"

	"github.com/mms-platform/mms/model"
)

// Imputation cannot happen record by record: the mean, median or mode of a field is
// known only after the whole source has been seen. So Apply leaves imputed fields
// null (and does not reject them as required), the pass-1 Profile accumulates their
// statistics, ImputeValues turns those into fill values, and in pass 2 Impute fills
// each document's nulls before it is written.

// ImputeValues computes the fill value of every imputation from the pass-1 profile
// of this pipeline's accepted documents: the mean, the median (exact up to the
// profile's SampleSize values, estimated from a uniform sample beyond), the most
// frequent value (ties: the smallest; exact up to the profile's DistinctCap
// distinct values), or the constant. Values are coerced to the field's type when the
// schema has one (an INT mean or median is rounded half away from zero). A field
// with no value at all is an EINVALID error: there is nothing to impute from.
func (p *Pipeline) ImputeValues(prof *Profile) (map[string]any, error) {
	imps := p.imps
	if len(imps) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(imps))
	for _, imp := range imps {
		var v any
		var ok bool
		s := prof.Stats(imp.Field)
		switch imp.Method {
		case ImputeConstant:
			v, ok = imp.Value, true
		case ImputeMean:
			if s != nil {
				v, ok = s.Mean()
			}
		case ImputeMedian:
			if s != nil {
				v, ok = s.Median()
			}
		case ImputeMode:
			if s != nil {
				v, ok = s.Mode()
			}
		}
		if !ok {
			return nil, model.Errorf(model.EINVALID, "impute %s: no values to compute the %s from", imp.Field, imp.Method)
		}
		if idx, has := p.checkIdx[imp.Field]; has {
			t := p.checks[idx].typ
			if f, isF := v.(float64); isF && t == model.FieldInt {
				v = math.Round(f)
			}
			cv, err := Coerce(v, t)
			if err != nil {
				return nil, model.Errorf(model.EINVALID, "impute %s: %v", imp.Field, err)
			}
			v = cv
		}
		out[imp.Field] = v
	}
	return out, nil
}

// Impute fills the null or absent fields of doc that have a value in values (from
// ImputeValues) and returns the names of the fields it filled, in imputation order.
func (p *Pipeline) Impute(doc *Doc, values map[string]any) []string {
	if len(values) == 0 || doc.Fields == nil {
		return nil
	}
	var filled []string
	for _, imp := range p.imps {
		v, ok := values[imp.Field]
		if !ok {
			continue
		}
		if cur := doc.Fields[imp.Field]; cur == nil {
			doc.Fields[imp.Field] = v
			filled = append(filled, imp.Field)
		}
	}
	return filled
}

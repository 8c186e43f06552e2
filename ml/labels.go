package ml

import "encoding/json"

// Labels records how raw label values were mapped to the 0/1 targets of a binary
// model. Positive is the value encoded as 1; Negative is the other value when exactly
// two values occurred (nil when the negative class gathers several values).
type Labels struct {
	Positive any `json:"positive"`
	Negative any `json:"negative,omitempty"`
	// Counts are the row counts of the negative (0) and positive (1) class.
	Counts [2]int `json:"counts"`
}

// labelKey is a comparable form of a label value: numbers compare by value (3 and 3.0
// are the same class), booleans and strings by themselves.
type labelKey struct {
	kind byte // 'b', 'n', 's'
	num  float64
	str  string
}

func keyOfLabel(v any, row int) (labelKey, error) {
	switch v := v.(type) {
	case nil:
		return labelKey{}, invalidf("label of row index %d is missing", row)
	case bool:
		if v {
			return labelKey{kind: 'b', num: 1}, nil
		}
		return labelKey{kind: 'b'}, nil
	case string:
		return labelKey{kind: 's', str: v}, nil
	case json.Number:
		if f, err := v.Float64(); err == nil {
			return labelKey{kind: 'n', num: f}, nil
		}
		return labelKey{kind: 's', str: v.String()}, nil
	}
	x, err := numericValue("label", row, v)
	if err != nil {
		return labelKey{}, err
	}
	return labelKey{kind: 'n', num: x}, nil
}

func (k labelKey) less(o labelKey) bool {
	if k.kind == 's' {
		return k.str < o.str
	}
	return k.num < o.num
}

// EncodeLabels maps raw label values (bool, numbers, strings) to 0/1 targets.
//
// With positive == nil the labels must take exactly two values of one kind; the
// positive class is the larger one as scikit-learn orders classes (true over false,
// 1 over 0, "yes" over "no" lexicographically). With a named positive class, rows equal
// to it are 1 and all others 0, so a label with more classes becomes one-vs-rest.
//
// It returns EINVALID for no rows, a missing (nil) or non-finite label, labels mixing
// kinds (say strings and numbers) without a named positive class, more than two classes
// without a named positive class, a positive class that never occurs, or a single class.
func EncodeLabels(values []any, positive any) ([]float64, Labels, error) {
	var lab Labels
	if len(values) == 0 {
		return nil, lab, invalidf("no labels")
	}
	keys := make([]labelKey, len(values))
	var classes []labelKey
	var first []any // the raw value first seen for each class
	for i, v := range values {
		k, err := keyOfLabel(v, i)
		if err != nil {
			return nil, lab, err
		}
		keys[i] = k
		found := false
		for _, c := range classes {
			if c == k {
				found = true
				break
			}
		}
		if !found {
			classes = append(classes, k)
			first = append(first, v)
		}
	}
	var pos labelKey
	if positive == nil {
		for _, c := range classes[1:] {
			if c.kind != classes[0].kind {
				return nil, lab, invalidf("labels mix %s and %s values; name the positive class", kindName(classes[0].kind), kindName(c.kind))
			}
		}
		switch {
		case len(classes) > 2:
			return nil, lab, invalidf("label has %d classes; a binary model needs two, or a named positive class", len(classes))
		case len(classes) < 2:
			return nil, lab, invalidf("label has a single class %v; a binary model needs two", first[0])
		}
		p := 1
		if classes[1].less(classes[0]) {
			p = 0
		}
		pos = classes[p]
		lab.Positive, lab.Negative = first[p], first[1-p]
	} else {
		var err error
		if pos, err = keyOfLabel(positive, -1); err != nil {
			return nil, lab, invalidf("positive class %v is not a valid label", positive)
		}
		lab.Positive = positive
		if len(classes) == 2 {
			for i, c := range classes {
				if c != pos {
					lab.Negative = first[i]
				}
			}
		}
	}
	y := make([]float64, len(values))
	for i, k := range keys {
		if k == pos {
			y[i] = 1
			lab.Counts[1]++
		} else {
			lab.Counts[0]++
		}
	}
	switch {
	case lab.Counts[1] == 0:
		return nil, lab, invalidf("positive class %v does not occur in the labels", positive)
	case lab.Counts[0] == 0:
		return nil, lab, invalidf("every label is the positive class %v; a binary model needs two classes", lab.Positive)
	}
	return y, lab, nil
}

func kindName(k byte) string {
	switch k {
	case 'b':
		return "boolean"
	case 'n':
		return "number"
	}
	return "string"
}

// IsPositive reports whether the raw label v is the positive class.
func (l Labels) IsPositive(v any) bool {
	a, err1 := keyOfLabel(v, -1)
	b, err2 := keyOfLabel(l.Positive, -1)
	return err1 == nil && err2 == nil && a == b
}

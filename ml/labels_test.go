package ml_test

import (
	"math"
	"slices"
	"testing"

	"github.com/mms-platform/mms/ml"
	"github.com/mms-platform/mms/model"
)

func TestEncodeLabels(t *testing.T) {
	tests := []struct {
		name     string
		values   []any
		positive any
		want     []float64
		wantPos  any
		wantCode string
	}{
		{"booleans", []any{true, false, true}, nil, []float64{1, 0, 1}, true, ""},
		{"zero one ints", []any{int64(0), int64(1), int64(1)}, nil, []float64{0, 1, 1}, int64(1), ""},
		{"int and float are one class", []any{int64(1), 0.0, 1.0}, nil, []float64{1, 0, 1}, int64(1), ""},
		{"strings: the larger is positive", []any{"yes", "no", "no"}, nil, []float64{1, 0, 0}, "yes", ""},
		{"named positive", []any{"spam", "ham", "spam"}, "ham", []float64{0, 1, 0}, "ham", ""},
		{"one-vs-rest with a named positive", []any{"a", "b", "c", "a"}, "c", []float64{0, 0, 1, 0}, "c", ""},
		{"more than two classes without a positive", []any{"a", "b", "c"}, nil, nil, nil, model.EINVALID},
		{"single class", []any{int64(1), int64(1)}, nil, nil, nil, model.EINVALID},
		{"positive never occurs", []any{"a", "b"}, "z", nil, nil, model.EINVALID},
		{"every row positive", []any{"a", "a"}, "a", nil, nil, model.EINVALID},
		{"missing label", []any{int64(1), nil, int64(0)}, nil, nil, nil, model.EINVALID},
		{"NaN label", []any{1.0, math.NaN(), 0.0}, nil, nil, nil, model.EINVALID},
		{"mixed kinds", []any{"1", int64(0)}, nil, nil, nil, model.EINVALID},
		{"no labels", nil, nil, nil, nil, model.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y, lab, err := ml.EncodeLabels(tt.values, tt.positive)
			wantCode(t, err, tt.wantCode)
			if tt.wantCode != "" {
				return
			}
			if !slices.Equal(y, tt.want) {
				t.Errorf("y = %v, want %v", y, tt.want)
			}
			if lab.Positive != tt.wantPos {
				t.Errorf("positive = %#v, want %#v", lab.Positive, tt.wantPos)
			}
			var n1 int
			for _, v := range tt.want {
				n1 += int(v)
			}
			if lab.Counts != [2]int{len(tt.want) - n1, n1} {
				t.Errorf("counts = %v, want [%d %d]", lab.Counts, len(tt.want)-n1, n1)
			}
			if !lab.IsPositive(tt.wantPos) {
				t.Errorf("IsPositive(%v) = false", tt.wantPos)
			}
		})
	}
}

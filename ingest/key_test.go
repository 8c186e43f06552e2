package ingest_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mms-platform/mms/ingest"
)

func TestKeySpec_Normalize(t *testing.T) {
	p4 := ingest.KeySpec{From: "id", Prefix: "P", Digits: 4}
	tests := []struct {
		name    string
		spec    ingest.KeySpec
		in      any
		want    string
		wantErr string
	}{
		{name: "canonical", spec: p4, in: "P0001", want: "P0001"},
		{name: "bare number string", spec: p4, in: "1", want: "P0001"},
		{name: "lower prefix and dash", spec: p4, in: "p-1", want: "P0001"},
		{name: "spaces", spec: p4, in: " P1 ", want: "P0001"},
		{name: "JSON number", spec: p4, in: json.Number("12"), want: "P0012"},
		{name: "float64 integral", spec: p4, in: 768.0, want: "P0768"},
		{name: "int64", spec: p4, in: int64(5), want: "P0005"},
		{name: "extra leading zeros", spec: p4, in: "P000007", want: "P0007"},
		{name: "wider than digits", spec: p4, in: "P12345", want: "P12345"},
		{name: "underscore and hash", spec: p4, in: "P_#9", want: "P0009"},
		{name: "zero", spec: p4, in: "0", want: "P0000"},
		{name: "other prefix", spec: p4, in: "X0001", wantErr: `"X0001" does not look like P0001`},
		{name: "letters after digits", spec: p4, in: "P1a", wantErr: `"P1a" does not look like P0001`},
		{name: "not a key", spec: p4, in: "abc", wantErr: `"abc" does not look like P0001`},
		{name: "fraction", spec: p4, in: 1.5, wantErr: "1.5 is not an integer"},
		{name: "null", spec: p4, in: nil, wantErr: "id is missing"},
		{name: "blank", spec: p4, in: "  ", wantErr: "id is missing"},
		{name: "bool", spec: p4, in: true, wantErr: "true is not a valid key"},
		{name: "digits only", spec: ingest.KeySpec{From: "id", Digits: 6}, in: "#42", want: "000042"},
		{name: "prefix only", spec: ingest.KeySpec{From: "id", Prefix: "ID"}, in: "id-007", want: "ID7"},
		{name: "string trimmed", spec: ingest.KeySpec{From: "id"}, in: "  Abc-9 ", want: "Abc-9"},
		{name: "string upper", spec: ingest.KeySpec{From: "id", Case: "upper"}, in: "abc-9", want: "ABC-9"},
		{name: "string lower", spec: ingest.KeySpec{From: "id", Case: "lower"}, in: "ABC", want: "abc"},
		{name: "numeric lower case", spec: ingest.KeySpec{From: "id", Prefix: "P", Digits: 2, Case: "lower"}, in: "P3", want: "p03"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.spec.Normalize(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Normalize(%v) = %q, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Normalize(%v) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestRowKey(t *testing.T) {
	if got, want := ingest.RowKey("patients.csv", 12), "patients.csv:12"; got != want {
		t.Errorf("RowKey = %q, want %q", got, want)
	}
}

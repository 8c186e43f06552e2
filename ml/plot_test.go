package ml_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/mms-platform/mms/ml"
	"github.com/mms-platform/mms/model"
)

// svgText returns the character data of an SVG document, failing on malformed XML.
func svgText(t *testing.T, b []byte) string {
	t.Helper()
	if !bytes.Contains(b, []byte("<svg")) {
		t.Fatalf("not an SVG document: %.80q", b)
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	var sb strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("malformed SVG: %v", err)
		}
		if cd, ok := tok.(xml.CharData); ok {
			sb.Write(cd)
		}
	}
	return sb.String()
}

func TestPlots(t *testing.T) {
	y := []float64{0, 0, 1, 1, 0, 1, 0, 1, 1, 0}
	p := []float64{0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.65, 0.55, 0.3, 0.05}
	roc, err := ml.ROCCurve(y, p)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := ml.PRCurve(y, p)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ml.Calibration(y, p, 5)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		plot  func() ([]byte, error)
		wants []string
	}{
		{"roc", func() ([]byte, error) { return ml.PlotROC("ROC: diabetes", ml.ROCSeries{Name: "test", ROC: roc}) },
			[]string{"ROC: diabetes", "test (AUC = 0.800)", "False positive rate", "chance"}},
		{"pr", func() ([]byte, error) { return ml.PlotPR("PR: diabetes", ml.PRSeries{Name: "test", PR: pr}) },
			[]string{"PR: diabetes", "test (AP = 0.826)", "Recall", "Precision"}},
		{"calibration", func() ([]byte, error) {
			return ml.PlotCalibration("Calibration", ml.CalibrationSeries{Name: "test", Bins: cal})
		}, []string{"Calibration", "test (10 rows, 5 bins)", "perfectly calibrated"}},
		{"two ROC series", func() ([]byte, error) {
			return ml.PlotROC("ROC", ml.ROCSeries{Name: "train", ROC: roc}, ml.ROCSeries{Name: "test", ROC: roc})
		}, []string{"train (AUC = 0.800)", "test (AUC = 0.800)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.plot()
			if err != nil {
				t.Fatal(err)
			}
			text := svgText(t, b)
			for _, w := range tt.wants {
				if !strings.Contains(text, w) {
					t.Errorf("SVG text lacks %q; has %q", w, text)
				}
			}
		})
	}
	bad := []struct {
		name string
		plot func() ([]byte, error)
	}{
		{"no ROC series", func() ([]byte, error) { return ml.PlotROC("x") }},
		{"empty ROC", func() ([]byte, error) { return ml.PlotROC("x", ml.ROCSeries{Name: "e"}) }},
		{"empty PR", func() ([]byte, error) { return ml.PlotPR("x", ml.PRSeries{Name: "e"}) }},
		{"no calibration bins", func() ([]byte, error) { return ml.PlotCalibration("x", ml.CalibrationSeries{Name: "e"}) }},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.plot()
			wantCode(t, err, model.EINVALID)
		})
	}
}

package ml_test

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mms-platform/mms/ml"
	"github.com/mms-platform/mms/model"
)

// pimaFeatures are the Pima columns in file order (the label "outcome" is last).
var pimaFeatures = []string{"pregnancies", "glucose", "blood_pressure", "skin_thickness", "insulin", "bmi", "pedigree", "age"}

// loadPima reads testdata/ml/pima-diabetes.csv as rows: integral fields as int64,
// the others as float64, as an ingestion would type them.
func loadPima(tb testing.TB) []map[string]any {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "ml", "pima-diabetes.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	header := recs[0]
	rows := make([]map[string]any, 0, len(recs)-1)
	for _, r := range recs[1:] {
		row := make(map[string]any, len(header))
		for j, h := range header {
			if !strings.Contains(r[j], ".") {
				v, err := strconv.ParseInt(r[j], 10, 64)
				if err != nil {
					tb.Fatal(err)
				}
				row[h] = v
				continue
			}
			v, err := strconv.ParseFloat(r[j], 64)
			if err != nil {
				tb.Fatal(err)
			}
			row[h] = v
		}
		rows = append(rows, row)
	}
	return rows
}

// pimaSpec standardizes every Pima feature.
func pimaSpec() ml.Spec {
	var s ml.Spec
	for _, f := range pimaFeatures {
		s.Features = append(s.Features, ml.FeatureSpec{Name: f, Type: ml.TypeNumeric})
	}
	return s
}

// pimaLabels returns the 0/1 outcome of rows.
func pimaLabels(tb testing.TB, rows []map[string]any) []float64 {
	tb.Helper()
	vals := make([]any, len(rows))
	for i, r := range rows {
		vals[i] = r["outcome"]
	}
	y, _, err := ml.EncodeLabels(vals, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return y
}

// reference mirrors testdata/ml/sklearn_reference.json.
type reference struct {
	Versions map[string]string `json:"versions"`
	Logistic struct {
		Features    []string  `json:"features"`
		Rows        int       `json:"rows"`
		ScalerMean  []float64 `json:"scaler_mean"`
		ScalerScale []float64 `json:"scaler_scale"`
		Fits        []struct {
			Name         string    `json:"name"`
			C            float64   `json:"C"`
			ClassWeight  string    `json:"class_weight"`
			Intercept    float64   `json:"intercept"`
			Coef         []float64 `json:"coef"`
			NIter        int       `json:"n_iter"`
			GradMax      float64   `json:"grad_max"`
			OptIntercept float64   `json:"optimum_intercept"`
			OptCoef      []float64 `json:"optimum_coef"`
		} `json:"fits"`
	} `json:"logistic"`
	Metrics []struct {
		Name             string    `json:"name"`
		YTrue            []float64 `json:"y_true"`
		YScore           []float64 `json:"y_score"`
		Threshold        float64   `json:"threshold"`
		Accuracy         float64   `json:"accuracy"`
		Precision        float64   `json:"precision"`
		Recall           float64   `json:"recall"`
		F1               float64   `json:"f1"`
		LogLoss          float64   `json:"log_loss"`
		Brier            float64   `json:"brier_score_loss"`
		ROCAUC           float64   `json:"roc_auc"`
		AveragePrecision float64   `json:"average_precision"`
		ROC              struct {
			FPR        []float64  `json:"fpr"`
			TPR        []float64  `json:"tpr"`
			Thresholds []*float64 `json:"thresholds"`
		} `json:"roc_curve"`
		ROCDrop struct {
			FPR []float64 `json:"fpr"`
			TPR []float64 `json:"tpr"`
		} `json:"roc_curve_drop_intermediate"`
		PR struct {
			Precision  []float64 `json:"precision"`
			Recall     []float64 `json:"recall"`
			Thresholds []float64 `json:"thresholds"`
		} `json:"pr_curve"`
		Confusion   [2][2]int `json:"confusion_matrix"`
		Calibration struct {
			ProbTrue []float64 `json:"prob_true"`
			ProbPred []float64 `json:"prob_pred"`
		} `json:"calibration_5"`
	} `json:"metrics"`
}

func loadReference(tb testing.TB) *reference {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "ml", "sklearn_reference.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatal(err)
	}
	if len(r.Logistic.Fits) == 0 || len(r.Metrics) == 0 {
		tb.Fatal("reference file holds no fits or no metrics")
	}
	return &r
}

// closeTo reports whether got and want agree within tol (absolute).
func closeTo(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol
}

// checkSlice reports mismatches between got and want element by element.
func checkSlice(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d values %v, want %d values %v", what, len(got), got, len(want), want)
		return
	}
	for i := range got {
		if !closeTo(got[i], want[i], tol) {
			t.Errorf("%s[%d] = %.12g, want %.12g (diff %.3g > %.1g)", what, i, got[i], want[i], math.Abs(got[i]-want[i]), tol)
		}
	}
}

// wantCode fails the test unless err carries the error code want ("" for nil).
func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := model.ErrorCode(err); got != want {
		t.Fatalf("error code = %q (err %v), want %q", got, err, want)
	}
}

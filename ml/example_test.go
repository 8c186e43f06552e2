package ml_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mms-platform/mms/ml"
)

// Fit the preprocessing and a logistic regression on a few rows, then score a new row
// whose plan was never seen (it falls in the unknown bucket) and whose usage is missing
// (it is imputed with the training mean, which standardizes to 0). The coefficients
// are scikit-learn's: LogisticRegression(C=1) on the same columns gives intercept
// -0.00477 and coef [-0.42397, 0.46437, -0.46437, 0].
func ExampleFitLogistic() {
	rows := []map[string]any{
		{"hours": 1.0, "plan": "free", "churned": true},
		{"hours": 2.5, "plan": "free", "churned": true},
		{"hours": 3.0, "plan": "pro", "churned": true},
		{"hours": 4.0, "plan": "free", "churned": false},
		{"hours": 6.0, "plan": "pro", "churned": false},
		{"hours": 8.5, "plan": "pro", "churned": false},
		{"hours": 2.0, "plan": "pro", "churned": false},
		{"hours": 7.0, "plan": "free", "churned": true},
	}
	spec := ml.Spec{Features: []ml.FeatureSpec{
		{Name: "hours", Type: ml.TypeNumeric}, // mean imputation, standardized
		{Name: "plan", Type: ml.TypeCategorical},
	}}
	pre, err := ml.Fit(spec, rows)
	if err != nil {
		fmt.Println(err)
		return
	}
	X, err := pre.TransformDense(rows)
	if err != nil {
		fmt.Println(err)
		return
	}
	labels := make([]any, len(rows))
	for i, r := range rows {
		labels[i] = r["churned"]
	}
	y, lab, err := ml.EncodeLabels(labels, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := ml.FitLogistic(context.Background(), X, y, ml.FitOptions{C: 1, Tol: 1e-8, Features: pre.ColumnNames()})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("positive class: %v\n", lab.Positive)
	fmt.Printf("intercept: %.3f\n", m.Intercept)
	for j, name := range m.Features {
		fmt.Printf("%-15s %6.3f\n", name, m.Coef[j])
	}
	x, err := pre.Transform(map[string]any{"plan": "enterprise"})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, _ := m.Probability(x)
	fmt.Printf("new row %v -> P(churn) = %.3f\n", x, p)
	// Output:
	// positive class: true
	// intercept: -0.005
	// hours           -0.424
	// plan=free        0.464
	// plan=pro        -0.464
	// plan=<unknown>   0.000
	// new row [0 0 0 1] -> P(churn) = 0.499
}

// The spec and the fitted preprocessor are plain JSON: store them with the model and
// decode them at prediction time.
func ExampleFit() {
	spec := ml.Spec{Features: []ml.FeatureSpec{
		{Name: "age", Type: ml.TypeNumeric, Impute: "median", Bins: 2, BinNames: "range"},
		{Name: "city", Type: ml.TypeCategorical, MinFrequency: 2},
		{Name: "vip", Type: ml.TypeBoolean},
		{Name: "country", Type: ml.TypeCategorical},
	}}
	rows := []map[string]any{
		{"age": int64(23), "city": "Lyon", "vip": true, "country": "FR"},
		{"age": int64(35), "city": "Lyon", "vip": false, "country": "FR"},
		{"age": nil, "city": "Nice", "vip": false, "country": "FR"},
		{"age": 51.0, "city": "Paris", "vip": nil, "country": "FR"},
	}
	pre, err := ml.Fit(spec, rows)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("columns:", pre.ColumnNames())
	for _, d := range pre.Dropped {
		fmt.Printf("dropped %s: %s\n", d.Name, d.Reason)
	}
	age, _ := json.Marshal(pre.Features[0])
	fmt.Println(string(age))
	x, _ := pre.Transform(map[string]any{"age": int64(40), "city": "Nice", "vip": "yes"})
	fmt.Println(x)
	// Output:
	// columns: [age=[-inf,35) age=[35,inf) city=Lyon city=<unknown> vip]
	// dropped country: constant: every row is "FR"
	// {"name":"age","type":"numeric","offset":0,"width":2,"missing":1,"fill":35,"scale":1,"edges":[23,35,51],"columns":["age=[-inf,35)","age=[35,inf)"],"spec":{"name":"age","type":"numeric","impute":"median","bins":2,"binNames":"range"}}
	// [0 1 0 1 1]
}

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/service"
)

// The Open Inference Protocol (KServe v2) over REST, for clients that do not speak
// GraphQL. It calls the same service methods as the predict query, so
// authentication, the predict permission and audit of denials are the same.
//
//	GET  /v2/models/{name}[/versions/{v}]         metadata
//	GET  /v2/models/{name}[/versions/{v}]/ready   200 when the version can serve
//	POST /v2/models/{name}[/versions/{v}]/infer   predictions
//
// {v} is a version number or an alias (production, staging...); without it the
// latest version serves. Each input tensor is one feature, named as in training,
// with shape [n] (or [n, 1]) and datatype FP64, FP32, INT64, INT32, BOOL or BYTES
// (strings); the outputs are "probability" (FP64), "label" (BYTES, JSON of the
// class value) and, per row, "error" (BYTES, empty when scored).

func (a *app) v2Routes(mux *http.ServeMux, wrap func(http.Handler) http.Handler) {
	for _, prefix := range []string{"/v2/models/{name}", "/v2/models/{name}/versions/{version}"} {
		mux.Handle("GET "+prefix, wrap(http.HandlerFunc(a.v2Metadata)))
		mux.Handle("GET "+prefix+"/ready", wrap(http.HandlerFunc(a.v2Ready)))
		mux.Handle("POST "+prefix+"/infer", wrap(http.HandlerFunc(a.v2Infer)))
	}
}

// v2Predictor loads the predictor a v2 route names.
func (a *app) v2Predictor(r *http.Request) (*service.Predictor, error) {
	var version *int
	var alias *string
	if v := r.PathValue("version"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			version = &n
		} else {
			alias = &v
		}
	}
	return a.svc.LoadPredictor(r.Context(), r.PathValue("name"), version, alias)
}

// v2Error answers in the protocol's error shape, {"error": "..."}, with the
// status matching the error's code.
func (a *app) v2Error(w http.ResponseWriter, r *http.Request, err error) {
	status := httpStatus(model.ErrorCode(err))
	if status == http.StatusInternalServerError {
		a.log.ErrorContext(r.Context(), "internal error", "path", r.URL.Path, "err", err)
	}
	writeJSON(w, status, map[string]any{"error": model.ErrorMessage(err), "code": model.ErrorCode(err)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

type v2Tensor struct {
	Name     string            `json:"name"`
	Shape    []int             `json:"shape"`
	Datatype string            `json:"datatype"`
	Data     []json.RawMessage `json:"data"`
}

func (a *app) v2Metadata(w http.ResponseWriter, r *http.Request) {
	p, err := a.v2Predictor(r)
	if err != nil {
		a.v2Error(w, r, err)
		return
	}
	names := p.Inputs()
	inputs := make([]map[string]any, len(names))
	for i, f := range names {
		inputs[i] = map[string]any{"name": f, "datatype": p.FeatureDatatype(f), "shape": []int{-1}}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"name": p.Model, "versions": []string{strconv.Itoa(p.Version)}, "platform": "mms_logistic_regression",
		"inputs": inputs,
		"outputs": []map[string]any{
			{"name": "probability", "datatype": "FP64", "shape": []int{-1}},
			{"name": "label", "datatype": "BYTES", "shape": []int{-1}},
			{"name": "error", "datatype": "BYTES", "shape": []int{-1}},
		},
	})
}

func (a *app) v2Ready(w http.ResponseWriter, r *http.Request) {
	if _, err := a.v2Predictor(r); err != nil {
		a.v2Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ready": true})
}

func (a *app) v2Infer(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID     string     `json:"id"`
		Inputs []v2Tensor `json:"inputs"`
	}
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&req); err != nil {
		a.v2Error(w, r, model.Errorf(model.EINVALID, "request body is not an inference request: %v", err))
		return
	}
	rows, err := v2Rows(req.Inputs, a.svc.MaxPredictInputs)
	if err != nil {
		a.v2Error(w, r, err)
		return
	}
	p, err := a.v2Predictor(r)
	if err != nil {
		a.v2Error(w, r, err)
		return
	}
	probs := make([]any, len(rows))
	labels := make([]string, len(rows))
	errs := make([]string, len(rows))
	for i, row := range rows {
		pr := p.Score(row, false)
		if pr.Error != nil {
			errs[i] = *pr.Error
			continue
		}
		probs[i] = *pr.Probability
		b, _ := json.Marshal(pr.Label)
		labels[i] = string(b)
	}
	resp := map[string]any{
		"model_name": p.Model, "model_version": strconv.Itoa(p.Version),
		"outputs": []map[string]any{
			{"name": "probability", "datatype": "FP64", "shape": []int{len(rows)}, "data": probs},
			{"name": "label", "datatype": "BYTES", "shape": []int{len(rows)}, "data": labels},
			{"name": "error", "datatype": "BYTES", "shape": []int{len(rows)}, "data": errs},
		},
	}
	if req.ID != "" {
		resp["id"] = req.ID
	}
	writeJSON(w, http.StatusOK, resp)
}

// v2Rows turns feature tensors into rows of feature values, checking shapes and
// datatypes.
func v2Rows(inputs []v2Tensor, max int) ([]map[string]any, error) {
	if max <= 0 {
		max = service.DefaultMaxPredictInputs
	}
	if len(inputs) == 0 {
		return nil, model.Errorf(model.EINVALID, "inputs is empty: give one tensor per feature")
	}
	n := -1
	for _, t := range inputs {
		if len(t.Shape) == 0 || len(t.Shape) > 2 || (len(t.Shape) == 2 && t.Shape[1] != 1) {
			return nil, model.Errorf(model.EINVALID, "input %q: shape must be [n] or [n, 1], got %v", t.Name, t.Shape)
		}
		if t.Shape[0] != len(t.Data) {
			return nil, model.Errorf(model.EINVALID, "input %q: shape says %d rows, data has %d", t.Name, t.Shape[0], len(t.Data))
		}
		if n >= 0 && t.Shape[0] != n {
			return nil, model.Errorf(model.EINVALID, "input %q has %d rows, others %d", t.Name, t.Shape[0], n)
		}
		n = t.Shape[0]
	}
	if n == 0 {
		return nil, model.Errorf(model.EINVALID, "inputs have no rows")
	}
	if n > max {
		return nil, model.Errorf(model.EINVALID, "%d rows is over the limit of %d per request", n, max)
	}
	rows := make([]map[string]any, n)
	for i := range rows {
		rows[i] = make(map[string]any, len(inputs))
	}
	for _, t := range inputs {
		for i, raw := range t.Data {
			v, err := v2Value(t.Datatype, raw)
			if err != nil {
				return nil, model.Errorf(model.EINVALID, "input %q row %d: %v", t.Name, i, err)
			}
			rows[i][t.Name] = v
		}
	}
	return rows, nil
}

func v2Value(datatype string, raw json.RawMessage) (any, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	switch datatype {
	case "FP64", "FP32", "FP16":
		var f float64
		err := json.Unmarshal(raw, &f)
		return f, err
	case "INT64", "INT32", "INT16", "INT8", "UINT64", "UINT32", "UINT16", "UINT8":
		var i int64
		err := json.Unmarshal(raw, &i)
		return i, err
	case "BOOL":
		var b bool
		err := json.Unmarshal(raw, &b)
		return b, err
	case "BYTES":
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	return nil, fmt.Errorf("unknown datatype %q", datatype)
}

package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/httperr"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/service"
)

// The Open Inference Protocol (KServe v2) over REST, for clients that do not speak
// GraphQL. It calls the same service methods as the predict query, so
// authentication, the predict permission and audit of denials are the same.
//
//	GET  /v2/health/live                          200 {"live": true} while the process serves (no token)
//	GET  /v2/health/ready                         200 {"ready": true}, 503 while the store is unreachable (no token)
//	GET  /v2                                      server metadata (any valid token)
//	GET  /v2/models/{name}[/versions/{v}]         model metadata
//	GET  /v2/models/{name}[/versions/{v}]/ready   200 {"name", "ready": true} when the version can serve
//	POST /v2/models/{name}[/versions/{v}]/infer   predictions
//
// {v} is a version number or an alias (production, staging...); without it the
// latest version serves. Each input tensor is one feature, named as in training,
// with shape [n] or [n, 1] (data flat or nested, row-major) and datatype FP64,
// FP32, INT64, INT32, BOOL or BYTES (strings; a numeric string is read as a
// number for a numeric feature). The outputs are "probability" (FP64),
// "label" (BOOL, INT64, FP64 or BYTES after the model's classes; the value
// itself, not JSON of it), and per row "error" and "warnings" (BYTES, empty
// when none; warnings joined by "; "). A request's "outputs" selects and
// orders them. The request parameter "strict": true refuses inputs outside
// what the model was trained on, as the predict query's strict argument.
// Every error answers {"error": message, "code": code}.

// v2Outputs are the outputs of every model, in their default order.
var v2Outputs = []string{"probability", "label", "error", "warnings"}

func (a *API) v2Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/health/live", func(w http.ResponseWriter, _ *http.Request) {
		httperr.WriteJSON(w, http.StatusOK, map[string]any{"live": true})
	})
	mux.HandleFunc("GET /v2/health/ready", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if a.store.Unreachable() || a.store.Ping(ctx) != nil {
			w.Header().Set("Retry-After", "1")
			httperr.WriteJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "error": "store unreachable"})
			return
		}
		httperr.WriteJSON(w, http.StatusOK, map[string]any{"ready": true})
	})
	mux.Handle("GET /v2", a.v2Authed(a.v2Server))
	for _, prefix := range []string{"/v2/models/{name}", "/v2/models/{name}/versions/{version}"} {
		mux.Handle("GET "+prefix, a.v2Authed(a.v2Metadata))
		mux.Handle("GET "+prefix+"/ready", a.v2Authed(a.v2Ready))
		mux.Handle("POST "+prefix+"/infer", a.v2Authed(a.v2Infer))
	}
}

// v2Authed authenticates a /v2 request like the GraphQL endpoint (same
// guard: tokens, per-address limits, the store gate, the body limit, a slot
// of the caller's store budget) but answers every refusal in the protocol's
// error shape.
func (a *API) v2Authed(h http.HandlerFunc) http.Handler {
	next := auth.Middleware(a.guard, a.v2Error)(a.budget.middleware(h))
	return a.withTimeout(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.store.Unreachable() {
			w.Header().Set("Retry-After", "1")
			a.v2Error(w, r, model.Errorf(model.EUNAVAILABLE, "store unavailable, try again"))
			return
		}
		if r.ContentLength > a.cfg.MaxBody {
			w.Header().Set("Connection", "close")
			httperr.WriteStatus(w, httperr.OIP, http.StatusRequestEntityTooLarge, model.Errorf(model.EINVALID, "request body is larger than %d bytes", a.cfg.MaxBody))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, a.cfg.MaxBody)
		next.ServeHTTP(w, r)
	}))
}

// v2Server is the server metadata: any authenticated caller may read it.
func (a *API) v2Server(w http.ResponseWriter, r *http.Request) {
	if model.PrincipalFromContext(r.Context()).Anonymous {
		a.v2Error(w, r, model.Errorf(model.EUNAUTHENTICATED, "send Authorization: Bearer <API key or token>"))
		return
	}
	httperr.WriteJSON(w, http.StatusOK, map[string]any{"name": "mms", "version": serverVersion(), "extensions": []string{}})
}

// serverVersion is the module version of the binary, or its VCS revision for a
// development build.
func serverVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel+" + s.Value[:12]
		}
	}
	return "devel"
}

// v2Predictor loads the predictor a v2 route names.
func (a *API) v2Predictor(r *http.Request) (*service.Predictor, error) {
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

// v2Error answers in the protocol's error shape, {"error": "..."} (plus the
// error's code), with the status matching the code.
func (a *API) v2Error(w http.ResponseWriter, r *http.Request, err error) {
	a.logInternal(r, err)
	httperr.Write(w, httperr.OIP, err)
}

type v2Tensor struct {
	Name     string          `json:"name"`
	Shape    []int           `json:"shape"`
	Datatype string          `json:"datatype"`
	Data     json.RawMessage `json:"data"`
}

func (a *API) v2Metadata(w http.ResponseWriter, r *http.Request) {
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
	outputs := make([]map[string]any, len(v2Outputs))
	for i, o := range v2Outputs {
		outputs[i] = map[string]any{"name": o, "datatype": v2OutputDatatype(p, o), "shape": []int{-1}}
	}
	httperr.WriteJSON(w, http.StatusOK, map[string]any{
		"name": p.Model, "versions": []string{strconv.Itoa(p.Version)}, "platform": "mms_logistic_regression",
		"inputs": inputs, "outputs": outputs,
	})
}

func v2OutputDatatype(p *service.Predictor, name string) string {
	switch name {
	case "probability":
		return "FP64"
	case "label":
		return p.LabelDatatype()
	}
	return "BYTES"
}

func (a *API) v2Ready(w http.ResponseWriter, r *http.Request) {
	p, err := a.v2Predictor(r)
	if err != nil {
		a.v2Error(w, r, err)
		return
	}
	httperr.WriteJSON(w, http.StatusOK, map[string]any{"name": p.Model, "ready": true})
}

// v2Request is an inference request. Parameters are the protocol's key/value
// pairs; MMS reads "strict" (a boolean) and ignores the others.
type v2Request struct {
	ID         string         `json:"id"`
	Parameters map[string]any `json:"parameters"`
	Inputs     []v2Tensor     `json:"inputs"`
	Outputs    []struct {
		Name string `json:"name"`
	} `json:"outputs"`
}

func (a *API) v2Infer(w http.ResponseWriter, r *http.Request) {
	fr := v2FastPool.Get().(*v2FastReq)
	defer v2Release(fr)
	if _, err := fr.body.ReadFrom(r.Body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			w.Header().Set("Connection", "close")
			httperr.WriteStatus(w, httperr.OIP, http.StatusRequestEntityTooLarge, model.Errorf(model.EINVALID, "request body is larger than %d bytes", tooBig.Limit))
			return
		}
		if isTimeout(err) { // as bodyTooSlow, in the protocol's error shape
			w.Header().Set("Connection", "close")
			httperr.WriteStatus(w, httperr.OIP, http.StatusRequestTimeout, model.Errorf(model.EINVALID, "the request body arrived too slowly (MMS_READ_TIMEOUT); send it at once"))
			return
		}
		a.v2Error(w, r, model.Errorf(model.EINVALID, "request body is not an inference request: %v", err))
		return
	}
	max := a.svc.MaxPredictInputs
	if max <= 0 {
		max = service.DefaultMaxPredictInputs
	}
	if !parseV2Fast(fr.body.Bytes(), max, fr) {
		a.v2InferGeneral(w, r, fr.body.Bytes())
		return
	}
	p, err := a.v2Predictor(r)
	if err != nil {
		a.v2Error(w, r, err)
		return
	}
	n := fr.inputs[0].n
	names := make([]string, len(fr.inputs))
	for k := range fr.inputs {
		names[k] = v2Intern(p, fr.inputs[k].name)
	}
	row := make(map[string]any, len(fr.inputs))
	preds := make([]v2Pred, n)
	sc := p.Scorer()
	for i := range preds {
		for k := range fr.inputs {
			row[names[k]] = fr.inputs[k].vals[i]
		}
		preds[i] = v2Scored(sc.Score(row, service.ScoreOptions{Strict: fr.strict}))
	}
	outputs := fr.outputs
	if len(outputs) == 0 { // none asked, or "outputs": []
		outputs = v2Outputs
	}
	id := string(fr.id)
	out, ok := v2AppendResponse(fr.out[:0], p, id, outputs, preds)
	fr.out = out
	if !ok {
		httperr.WriteJSON(w, http.StatusOK, v2Response(p, id, outputs, preds))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

// v2Intern is name as a string, the model's own copy when it is one of its
// features.
func v2Intern(p *service.Predictor, name []byte) string {
	for _, f := range p.Features {
		if string(name) == f {
			return f
		}
	}
	return string(name)
}

// v2Pred is one row's outputs.
type v2Pred struct {
	failed      bool
	probability float64
	label       any
	err, warn   string
}

func v2Scored(pr model.Prediction) v2Pred {
	out := v2Pred{warn: strings.Join(pr.Warnings, "; ")}
	if pr.Error != nil {
		out.failed, out.err = true, *pr.Error
		return out
	}
	out.probability, out.label = *pr.Probability, pr.Label
	return out
}

// v2InferGeneral is the inference route for every request the fast path
// does not read (see parseV2Fast): encoding/json, then v2Rows.
func (a *API) v2InferGeneral(w http.ResponseWriter, r *http.Request, body []byte) {
	var req v2Request
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		a.v2Error(w, r, model.Errorf(model.EINVALID, "request body is not an inference request: %v", err))
		return
	}
	strict := false
	if v, ok := req.Parameters["strict"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			a.v2Error(w, r, model.Errorf(model.EINVALID, `parameter "strict" must be true or false, got %v`, v))
			return
		}
		strict = b
	}
	outputs := v2Outputs
	if len(req.Outputs) > 0 {
		outputs = nil
		for _, o := range req.Outputs {
			if !contains(v2Outputs, o.Name) {
				a.v2Error(w, r, model.Errorf(model.EINVALID, "unknown output %q: the outputs are %s", o.Name, strings.Join(v2Outputs, ", ")))
				return
			}
			outputs = append(outputs, o.Name)
		}
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
	preds := make([]v2Pred, len(rows))
	for i, row := range rows {
		preds[i] = v2Scored(p.ScoreWith(row, service.ScoreOptions{Strict: strict}))
	}
	httperr.WriteJSON(w, http.StatusOK, v2Response(p, req.ID, outputs, preds))
}

// v2Response is the answer to an inference request, for writeJSON.
func v2Response(p *service.Predictor, id string, outputs []string, preds []v2Pred) map[string]any {
	labelType := p.LabelDatatype()
	data := map[string][]any{}
	for _, o := range v2Outputs {
		data[o] = make([]any, len(preds))
	}
	for i, pr := range preds {
		data["error"][i], data["warnings"][i] = pr.err, pr.warn
		if pr.failed {
			continue
		}
		data["probability"][i] = pr.probability
		data["label"][i] = v2Label(labelType, pr.label)
	}
	out := make([]map[string]any, len(outputs))
	for i, o := range outputs {
		out[i] = map[string]any{"name": o, "datatype": v2OutputDatatype(p, o), "shape": []int{len(preds)}, "data": data[o]}
	}
	resp := map[string]any{"model_name": p.Model, "model_version": strconv.Itoa(p.Version), "outputs": out}
	if id != "" {
		resp["id"] = id
	}
	return resp
}

// v2AppendResponse appends the JSON writeJSON would write for v2Response
// (the same bytes); false if a value is one it cannot write.
func v2AppendResponse(b []byte, p *service.Predictor, id string, outputs []string, preds []v2Pred) ([]byte, bool) {
	labelType := p.LabelDatatype()
	ok := true
	b = append(b, '{')
	if id != "" {
		b = append(b, `"id":`...)
		b = appendJSONString(b, id)
		b = append(b, ',')
	}
	b = append(b, `"model_name":`...)
	b = appendJSONString(b, p.Model)
	b = append(b, `,"model_version":"`...)
	b = strconv.AppendInt(b, int64(p.Version), 10)
	b = append(b, `","outputs":[`...)
	for k, o := range outputs {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"data":[`...)
		for i := range preds {
			if i > 0 {
				b = append(b, ',')
			}
			pr := &preds[i]
			switch {
			case o == "error":
				b = appendJSONString(b, pr.err)
			case o == "warnings":
				b = appendJSONString(b, pr.warn)
			case pr.failed:
				b = append(b, "null"...)
			case o == "probability":
				var good bool
				b, good = appendJSONFloat(b, pr.probability)
				ok = ok && good
			default: // label
				var good bool
				b, good = appendJSONValue(b, v2Label(labelType, pr.label))
				ok = ok && good
			}
		}
		b = append(b, `],"datatype":`...)
		b = appendJSONString(b, v2OutputDatatype(p, o))
		b = append(b, `,"name":`...)
		b = appendJSONString(b, o)
		b = append(b, `,"shape":[`...)
		b = strconv.AppendInt(b, int64(len(preds)), 10)
		b = append(b, "]}"...)
	}
	b = append(b, "]}\n"...)
	return b, ok
}

// v2Label is a predicted label as an element of a tensor of datatype dt: the
// value itself (a string label is the string, not its JSON).
func v2Label(dt string, label any) any {
	switch dt {
	case "BOOL":
		if b, ok := label.(bool); ok {
			return b
		}
	case "INT64", "FP64":
		if x, ok := toFloat(label); ok {
			if dt == "INT64" {
				return int64(x)
			}
			return x
		}
	}
	if s, ok := label.(string); ok {
		return s
	}
	return fmt.Sprint(label)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return math.NaN(), false
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
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
	flat := make([][]json.RawMessage, len(inputs))
	for k, t := range inputs {
		if len(t.Shape) == 0 || len(t.Shape) > 2 || (len(t.Shape) == 2 && t.Shape[1] != 1) {
			return nil, model.Errorf(model.EINVALID, "input %q: shape must be [n] or [n, 1] (one feature per tensor), got %v", t.Name, t.Shape)
		}
		if t.Shape[0] < 0 || t.Shape[0] > max {
			return nil, model.Errorf(model.EINVALID, "input %q: %d rows is over the limit of %d per request", t.Name, t.Shape[0], max)
		}
		var err error
		if flat[k], err = v2Flatten(t.Data, t.Shape[0]+1); err != nil {
			return nil, model.Errorf(model.EINVALID, "input %q: data must be an array of values (flat or nested row-major): %v", t.Name, err)
		}
		if t.Shape[0] != len(flat[k]) {
			return nil, model.Errorf(model.EINVALID, "input %q: shape says %d rows, data has %d values", t.Name, t.Shape[0], len(flat[k]))
		}
		if n >= 0 && t.Shape[0] != n {
			return nil, model.Errorf(model.EINVALID, "input %q has %d rows, others %d", t.Name, t.Shape[0], n)
		}
		n = t.Shape[0]
	}
	if n == 0 {
		return nil, model.Errorf(model.EINVALID, "inputs have no rows")
	}
	rows := make([]map[string]any, n)
	for i := range rows {
		rows[i] = make(map[string]any, len(inputs))
	}
	for k, t := range inputs {
		for i, raw := range flat[k] {
			v, err := v2Value(t.Datatype, raw)
			if err != nil {
				return nil, model.Errorf(model.EINVALID, "input %q row %d: %v", t.Name, i, err)
			}
			rows[i][t.Name] = v
		}
	}
	return rows, nil
}

// v2Flatten returns the elements of tensor data in row-major order, stopping
// with an error past limit elements.
func v2Flatten(data json.RawMessage, limit int) ([]json.RawMessage, error) {
	var out []json.RawMessage
	var walk func(json.RawMessage, int) error
	walk = func(d json.RawMessage, depth int) error {
		d = bytes.TrimSpace(d)
		if len(d) == 0 || d[0] != '[' {
			if depth == 0 {
				return errors.New("not an array")
			}
			if len(out) >= limit {
				return errors.New("more values than the shape says")
			}
			out = append(out, d)
			return nil
		}
		if depth >= 2 {
			return errors.New("nested deeper than the shape")
		}
		var l []json.RawMessage
		if err := json.Unmarshal(d, &l); err != nil {
			return err
		}
		for _, e := range l {
			if err := walk(e, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(data, 0)
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
	return nil, fmt.Errorf("unknown datatype %q (use FP64, FP32, INT64, INT32, BOOL or BYTES)", datatype)
}

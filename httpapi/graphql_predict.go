package httpapi

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/resolvers"
	"github.com/mms-platform/mms/service"
)

// predictPath answers the prediction hot path's GraphQL operation (issue 13)
// without gqlgen's executor: a query whose only field is predict, asking
// each prediction for plain fields among probability, label, error, warnings
// and __typename (no fragments, directives or contributions). The operation
// was parsed, validated and checked against the depth and cost limits as any
// other (CreateOperationContext); predictPath reads the field's arguments as
// the generated code does, calls the service within the caller's budget slot
// (as the field interceptor would), counts the operation in the metrics (as
// the response interceptor would) and writes the answer gqlgen would write,
// byte for byte (TestPredictPathSameAnswers).
//
// When it cannot write the answer (the service's error or panic, a value it
// does not write itself), it hands the service's result to the executor
// (resolvers.WithPredictResult): the predict resolver returns it instead of
// scoring again and the executor answers as always.
type predictPath struct {
	predict func(ctx context.Context, id string, version *int, alias *string, inputs []any, o service.ScoreOptions) ([]*model.Prediction, error)
	budget  *Budget
	m       *metrics
}

// predictOp is a predict operation predictPath answers.
type predictOp struct {
	key     string   // the field's response key
	fields  []string // the selection of each prediction, by response key
	names   []string // the field name of each
	model   string
	version *int
	alias   *string
	inputs  []any
	strict  bool
}

// readPredictOp reads rc's operation when predictPath answers it.
func readPredictOp(rc *graphql.OperationContext) (*predictOp, bool) {
	o := rc.Operation
	if o == nil || o.Operation != ast.Query || len(o.Directives) > 0 || len(o.SelectionSet) != 1 {
		return nil, false
	}
	f, ok := o.SelectionSet[0].(*ast.Field)
	if !ok || f.Name != "predict" || len(f.Directives) > 0 || f.ObjectDefinition == nil || f.ObjectDefinition.Name != "Query" {
		return nil, false
	}
	op := &predictOp{key: f.Alias}
	if op.key == "" {
		op.key = f.Name
	}
	seen := make(map[string]bool, len(f.SelectionSet))
	for _, sel := range f.SelectionSet {
		sf, ok := sel.(*ast.Field)
		if !ok || len(sf.Directives) > 0 || len(sf.Arguments) > 0 || len(sf.SelectionSet) > 0 {
			return nil, false
		}
		switch sf.Name {
		case "probability", "label", "error", "warnings", "__typename":
		default:
			return nil, false
		}
		key := sf.Alias
		if key == "" {
			key = sf.Name
		}
		if seen[key] { // the same field again: gqlgen merges it into the first
			continue
		}
		seen[key] = true
		op.fields = append(op.fields, key)
		op.names = append(op.names, sf.Name)
	}
	// The arguments as field_Query_predict_args reads them.
	args := f.ArgumentMap(rc.Variables)
	var err error
	if op.model, err = graphql.UnmarshalID(args["model"]); err != nil {
		return nil, false
	}
	if v := args["version"]; v != nil {
		n, err := graphql.UnmarshalInt(v)
		if err != nil {
			return nil, false
		}
		op.version = &n
	}
	if v := args["alias"]; v != nil {
		s, err := graphql.UnmarshalString(v)
		if err != nil {
			return nil, false
		}
		op.alias = &s
	}
	in, ok := args["inputs"]
	if !ok {
		return nil, false
	}
	op.inputs = graphql.CoerceList(in) // each element as graphql.UnmarshalAny: as it is
	if v := args["strict"]; v != nil {
		if op.strict, err = graphql.UnmarshalBoolean(v); err != nil {
			return nil, false
		}
	}
	return op, true
}

// serve answers rc when it is a predict operation predictPath reads: the
// answer's bytes, or nil and the context the executor runs the operation in.
func (p *predictPath) serve(ctx context.Context, rc *graphql.OperationContext) ([]byte, context.Context) {
	op, ok := readPredictOp(rc)
	if !ok {
		return nil, ctx
	}
	start := time.Now()
	pr := p.call(ctx, op)
	if pr.Err == nil && pr.Panic == nil {
		if data, ok := op.appendData(nil, pr.Predictions); ok {
			if out, err := marshalResponse(&graphql.Response{Data: data}); err == nil {
				p.m.operation(ctx, rc, "ok", start)
				return out, ctx
			}
		}
	}
	return nil, resolvers.WithPredictResult(ctx, pr)
}

// call runs the service's predict within one of the caller's budget slots,
// as Budget.field runs the resolver.
func (p *predictPath) call(ctx context.Context, op *predictOp) (pr *resolvers.PredictResult) {
	pr = &resolvers.PredictResult{}
	caller := callerKey(ctx)
	cs, err := p.budget.acquire(ctx, caller)
	if err != nil {
		pr.Err = err
		return pr
	}
	defer p.budget.release(caller, cs)
	defer func() {
		if r := recover(); r != nil {
			pr.Predictions, pr.Err, pr.Panic = nil, nil, r
		}
	}()
	// Explain: contributions are never selected here (resolvers.selects).
	pr.Predictions, pr.Err = p.predict(ctx, op.model, op.version, op.alias, op.inputs, service.ScoreOptions{Strict: op.strict})
	return pr
}

// appendData appends the data gqlgen writes for preds: {"key":[{...},...]},
// or false when a value is one it leaves to gqlgen (a nil prediction or
// warnings list, a probability that is not finite, a label encoding/json
// refuses).
func (op *predictOp) appendData(b []byte, preds []*model.Prediction) ([]byte, bool) {
	b = append(b, '{')
	b = appendGQLString(b, op.key)
	b = append(b, ':', '[')
	for i, pr := range preds {
		if pr == nil {
			return nil, false
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		for j, key := range op.fields {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendGQLString(b, key)
			b = append(b, ':')
			switch op.names[j] {
			case "__typename":
				b = append(b, `"Prediction"`...)
			case "probability": // graphql.MarshalFloatContext: %g
				switch p := pr.Probability; {
				case p == nil:
					b = append(b, "null"...)
				case math.IsInf(*p, 0) || math.IsNaN(*p):
					return nil, false
				default:
					b = strconv.AppendFloat(b, *p, 'g', -1, 64)
				}
			case "label": // graphql.MarshalAny: encoding/json
				switch l := pr.Label.(type) {
				case nil:
					b = append(b, "null"...)
				case bool:
					b = strconv.AppendBool(b, l)
				default:
					j, err := json.Marshal(l)
					if err != nil {
						return nil, false
					}
					b = append(b, j...)
				}
			case "error":
				if pr.Error == nil {
					b = append(b, "null"...)
				} else {
					b = appendGQLString(b, *pr.Error)
				}
			case "warnings":
				if pr.Warnings == nil {
					return nil, false
				}
				b = append(b, '[')
				for k, w := range pr.Warnings {
					if k > 0 {
						b = append(b, ',')
					}
					b = appendGQLString(b, w)
				}
				b = append(b, ']')
			}
		}
		b = append(b, '}')
	}
	return append(b, ']', '}'), true
}

// appendGQLString appends s quoted as gqlgen's MarshalString writes it
// (graphql.writeQuotedString): control characters, quote and backslash
// escaped, everything else as it is.
func appendGQLString(b []byte, s string) []byte {
	const hexDigits = "0123456789ABCDEF" // as graphql.encodeHex
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '\t':
			b = append(b, `\t`...)
		case '\r':
			b = append(b, `\r`...)
		case '\n':
			b = append(b, `\n`...)
		case '\\':
			b = append(b, `\\`...)
		case '"':
			b = append(b, `\"`...)
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

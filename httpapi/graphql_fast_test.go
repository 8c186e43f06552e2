package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// marshalResponse writes what json.Marshal writes, for every response shape.
func TestMarshalResponseMatchesEncoding(t *testing.T) {
	yes := true
	datas := []string{
		`{"predict":[{"probability":0.5,"label":1,"warnings":[]}]}`,
		`{"s":"<b>&amp;</b> \u2028 \u2029 ` + "\u2028\u2029" + ` \"q\" \\ a b\tc","n":null,"x":[1,2.5e-7,{"a":{}}]}`,
		`{"a":"\\\\","b":"\\\" ","c":" "}`,
		`{"a": 1}`,
		"{\"a\":\n1}",
		`[1]`,
		`null`,
		`{"unterminated":"x}`,
	}
	var resps []*graphql.Response
	for _, d := range datas {
		resps = append(resps, &graphql.Response{Data: json.RawMessage(d)})
	}
	resps = append(resps,
		&graphql.Response{},
		&graphql.Response{Data: json.RawMessage(datas[0]), Errors: gqlerror.List{{Message: "x <y>"}}},
		&graphql.Response{Data: json.RawMessage(datas[0]), Extensions: map[string]any{"k": "v"}},
		&graphql.Response{Data: json.RawMessage(datas[0]), HasNext: &yes, Label: "l"},
	)
	for i, r := range resps {
		want, werr := json.Marshal(r)
		got, gerr := marshalResponse(r)
		if werr != nil {
			// gqlgen never writes invalid data; the fast path need not refuse it.
			continue
		}
		if gerr != nil || !bytes.Equal(got, want) {
			t.Errorf("%d: %s (%v), encoding/json %s", i, got, gerr, want)
		}
	}
}

func BenchmarkMarshalResponse(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"predict":[`)
	for i := range 100 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"probability":0.%d7020417340957167,"label":%d,"warnings":["field \"insulin\" is missing: imputed with the training median"]}`, i, i%2)
	}
	sb.WriteString(`]}`)
	r := &graphql.Response{Data: json.RawMessage(sb.String())}
	b.Run("encoding-json", func(b *testing.B) {
		for range b.N {
			_, _ = json.Marshal(r)
		}
	})
	b.Run("fast", func(b *testing.B) {
		for range b.N {
			_, _ = marshalResponse(r)
		}
	})
}

package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
)

// fastPOST is the JSON POST transport of /graphql (overHTTP{transport.POST})
// with a fast path for the common request: a body limitUploads buffered, of
// the form {"query", "operationName", "variables", "extensions"} (each at
// most once), asking for application/json, and an operation that parses and
// validates. Its parameters are read by parseGraphQLParams (the values
// encoding/json with UseNumber gives, without reflection), the operation runs
// as in gqlgen's POST.Do, and the answer is written as gqlgen writes it.
// Anything else (another body, a request error) goes through the wrapped
// transport from the start, which answers it with its own status and message.
//
// With predict set, an operation predictPath reads is answered by it.
type fastPOST struct {
	general overHTTP
	predict *predictPath
}

var _ graphql.Transport = fastPOST{}

func (t fastPOST) Supports(r *http.Request) bool { return t.general.Supports(r) }

func (t fastPOST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, ok := r.Body.(*bufferedBody)
	if !ok || !acceptsJSON(r) {
		t.general.Do(w, r, exec)
		return
	}
	params := &graphql.RawParams{}
	start := graphql.Now()
	if !parseGraphQLParams(body.b, params) {
		t.general.Do(w, r, exec)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	ctx := r.Context()
	rc, opErr := exec.CreateOperationContext(ctx, params)
	if opErr != nil {
		t.general.Do(w, r, exec) // the body reader was not touched
		return
	}
	w.Header().Add("Content-Type", "application/json")
	if t.predict != nil {
		var answer []byte
		if answer, ctx = t.predict.serve(ctx, rc); answer != nil {
			_, _ = w.Write(answer)
			return
		}
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	b, err := marshalResponse(responses(ctx)) // as gqlgen's writeJson
	if err != nil {
		panic(err)
	}
	_, _ = w.Write(b)
}

// marshalResponse is json.Marshal(resp), byte for byte. For the common answer,
// data and nothing else, it skips encoding/json's re-scan of the data (which
// gqlgen wrote compact and valid): it only applies the HTML escapes
// json.Marshal applies to a json.RawMessage.
func marshalResponse(resp *graphql.Response) ([]byte, error) {
	if resp == nil || len(resp.Errors) > 0 || len(resp.Data) == 0 || resp.Label != "" || resp.Path != nil ||
		resp.HasNext != nil || resp.Extensions != nil || !compactJSON(resp.Data) {
		return json.Marshal(resp)
	}
	var b bytes.Buffer
	b.Grow(len(resp.Data) + len(`{"data":}`) + 16)
	b.WriteString(`{"data":`)
	json.HTMLEscape(&b, resp.Data)
	b.WriteByte('}')
	return b.Bytes(), nil
}

// compactJSON reports whether data, as gqlgen writes it, has no whitespace
// outside strings and starts an object (what json.Marshal would keep as is,
// but for HTML escapes). Its validity is gqlgen's: the executor writes it.
func compactJSON(data []byte) bool {
	if data[0] != '{' {
		return false
	}
	in := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case in && c == '\\':
			i++
		case c == '"':
			in = !in
		case !in && (c == ' ' || c == '\n' || c == '\t' || c == '\r'):
			return false
		}
	}
	return !in
}

// acceptsJSON reports whether gqlgen's POST answers r in application/json:
// no Accept, or one whose first media type it knows is application/json,
// */* or application/* (what clients send; any other goes the general way).
func acceptsJSON(r *http.Request) bool {
	switch r.Header.Get("Accept") {
	case "", "application/json", "*/*", "application/*":
		return true
	}
	return false
}

// bufferedBody is a request body limitBody read whole (within the limit).
type bufferedBody struct {
	*bytes.Reader
	b []byte
}

func (*bufferedBody) Close() error { return nil }

var _ io.ReadCloser = (*bufferedBody)(nil)

// parseGraphQLParams reads a GraphQL-over-HTTP JSON body into p as
// encoding/json (UseNumber) does, when it is an object with no other keys
// than query, operationName (strings), variables and extensions (objects),
// each once; false for anything else, left to encoding/json.
func parseGraphQLParams(body []byte, p *graphql.RawParams) bool {
	s := &jscan{b: body}
	var seen keysSeen
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "query":
			v, ok := s.fullStr()
			p.Query = v
			return seen.once(0) && ok
		case "operationName":
			if s.peek() == 'n' && s.lit("null") {
				return seen.once(1)
			}
			v, ok := s.fullStr()
			p.OperationName = v
			return seen.once(1) && ok
		case "variables", "extensions":
			k, dst := 2, &p.Variables
			if string(key) == "extensions" {
				k, dst = 3, &p.Extensions
			}
			if !seen.once(k) {
				return false
			}
			if s.peek() == 'n' && s.lit("null") {
				return true
			}
			if s.peek() != '{' {
				return false
			}
			v, ok := s.anyValue(0)
			*dst, _ = v.(map[string]any)
			return ok
		}
		return false
	})
	s.ws()
	return ok && s.i == len(body)
}

// fullStr reads a string with its escapes, as encoding/json does, but gives
// up on invalid UTF-8 and on lone surrogates (which encoding/json replaces).
func (s *jscan) fullStr() (string, bool) {
	if !s.eat('"') {
		return "", false
	}
	start := s.i
	for s.i < len(s.b) { // the common case: no escape
		c := s.b[s.i]
		if c == '"' {
			v := s.b[start:s.i]
			s.i++
			return string(v), utf8.Valid(v)
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", false
		}
		s.i++
	}
	out := append([]byte(nil), s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return string(out), utf8.Valid(out)
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.b) {
			return "", false
		}
		e := s.b[s.i+1]
		s.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if s.i+4 > len(s.b) {
				return "", false
			}
			n, err := strconv.ParseUint(string(s.b[s.i:s.i+4]), 16, 16)
			if err != nil || s.b[s.i] == '+' || s.b[s.i] == '-' {
				return "", false
			}
			s.i += 4
			r := rune(n)
			if utf16.IsSurrogate(r) {
				return "", false
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", false
		}
	}
	return "", false
}

// anyValue reads a value as encoding/json with UseNumber decodes it into an
// any: map[string]any (a repeated key: the last wins), []any, string,
// json.Number, bool or nil.
func (s *jscan) anyValue(depth int) (any, bool) {
	if depth > 100 {
		return nil, false
	}
	switch s.peek() {
	case '{':
		m := map[string]any{}
		ok := s.object(func(k []byte) bool {
			v, ok := s.anyValue(depth + 1)
			m[string(k)] = v
			return ok
		})
		return m, ok
	case '[':
		l := []any{}
		ok := s.array(func() bool {
			v, ok := s.anyValue(depth + 1)
			l = append(l, v)
			return ok
		})
		return l, ok
	case '"':
		return s.fullStr()
	case 't':
		return true, s.lit("true")
	case 'f':
		return false, s.lit("false")
	case 'n':
		return nil, s.lit("null")
	}
	t, _, ok := s.num()
	return json.Number(t), ok
}

package annotate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mms-platform/mms/model"
)

// The exchange formats. Every offset they carry is read and written as Unicode code
// points (what Python's str, and so doccano and brat, count). Encoders write one
// document per call to the io.Writer they were given, in one Write; decoders read one
// document per call and return io.EOF after the last. Encoders refuse (with
// model.EINVALID, writing nothing) a document whose structure cannot be written: a span
// with an empty or repeated id or offsets outside the text, or a relation or event
// that refers to a missing span. They write the document's text as the span text,
// whatever Span.Text says. Decoders are structural: they return model.EINVALID for
// input they cannot parse, but leave schema and offset checks to ValidateAnnotation
// (a span whose offsets are outside the text keeps an empty Text; one whose offsets
// disagree with the text the format carries keeps the carried text, so
// ValidateAnnotation reports the mismatch). Errors of the underlying reader or writer
// are returned unchanged.

// checkExportable reports what makes d impossible to write.
func checkExportable(d Document) error {
	var ps problems
	n := utf8.RuneCountInString(d.Text)
	a := d.Annotation
	ids := make(map[string]bool, len(a.Spans))
	for i, s := range a.Spans {
		path := pathOf("spans", i, s.ID)
		if s.ID == "" {
			ps.add(path, "id is empty")
		} else if ids[s.ID] {
			ps.add(path, "id %q repeats", s.ID)
		}
		ids[s.ID] = true
		if s.Start < 0 || s.End <= s.Start || s.End > n {
			ps.add(path, "offsets [%d,%d) are not a range of the text's %d code points", s.Start, s.End, n)
		}
	}
	for i, r := range a.Relations {
		path := pathOf("relations", i, r.Type)
		if !ids[r.Head] {
			ps.add(path, "head %q is not a span", r.Head)
		}
		if !ids[r.Tail] {
			ps.add(path, "tail %q is not a span", r.Tail)
		}
	}
	for i, e := range a.Events {
		path := pathOf("events", i, e.Type)
		if !ids[e.Trigger] {
			ps.add(path, "trigger %q is not a span", e.Trigger)
		}
		for _, arg := range e.Arguments {
			if !ids[arg.Span] {
				ps.add(path, "argument %q of role %s is not a span", arg.Span, arg.Role)
			}
		}
	}
	if len(ps) > 0 {
		return model.Errorf(model.EINVALID, "document %q cannot be exported: %s", d.ID, joinProblems(ps))
	}
	return nil
}

// exportIDs returns the id each span gets in a format: the span's own id when every
// span id of the document is already in the format's form (native) and unique,
// otherwise prefix+1, prefix+2, ... in span order (relations and events follow).
func exportIDs(spans []model.Span, native func(string) bool, prefix string) map[string]string {
	m := make(map[string]string, len(spans))
	keep := true
	for _, s := range spans {
		if !native(s.ID) {
			keep = false
			break
		}
	}
	for i, s := range spans {
		if keep {
			m[s.ID] = s.ID
		} else {
			m[s.ID] = prefix + strconv.Itoa(i+1)
		}
	}
	return m
}

// isPositiveInt reports whether s is a positive integer written canonically.
func isPositiveInt(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0 && strconv.Itoa(n) == s
}

// jsonStream reads JSON values one at a time from either a top-level JSON array or a
// sequence of values (JSON Lines), skipping a leading UTF-8 byte order mark.
type jsonStream struct {
	r       *bufio.Reader
	dec     *json.Decoder
	array   bool
	started bool
	done    bool
	n       int // values read
}

func newJSONStream(r io.Reader) *jsonStream {
	return &jsonStream{r: bufio.NewReader(r)}
}

// next decodes the next value into v; it returns io.EOF after the last one.
func (s *jsonStream) next(v any, what string) error {
	if s.done {
		return io.EOF
	}
	if !s.started {
		s.started = true
		for {
			r, _, err := s.r.ReadRune()
			if err == io.EOF {
				s.done = true
				return io.EOF
			}
			if err != nil {
				return err
			}
			if r == '\uFEFF' || unicode.IsSpace(r) {
				continue
			}
			_ = s.r.UnreadRune()
			s.array = r == '['
			break
		}
		s.dec = json.NewDecoder(s.r)
		if s.array {
			if _, err := s.dec.Token(); err != nil {
				return s.jsonErr(err, what)
			}
		}
	}
	if s.array && !s.dec.More() {
		s.done = true
		if _, err := s.dec.Token(); err != nil { // the closing ]
			return s.jsonErr(err, what)
		}
		return io.EOF
	}
	s.n++
	err := s.dec.Decode(v)
	if err == io.EOF && !s.array {
		s.done = true
		return io.EOF
	}
	return s.jsonErr(err, what)
}

// jsonErr turns JSON syntax and type errors into model.EINVALID naming the record.
func (s *jsonStream) jsonErr(err error, what string) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syn), errors.As(err, &typ), errors.Is(err, io.ErrUnexpectedEOF), err == io.EOF:
		return model.Errorf(model.EINVALID, "%s record %d: %v", what, s.n, err)
	}
	return err
}

// rawString returns a JSON string's value or a JSON number's text ("" for null or
// absent).
func rawString(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", fmt.Errorf("want a string or a number, got %s", raw)
	}
	return n.String(), nil
}

// fillText sets s.Text from the document when the offsets are in range.
func fillText(idx runeIndex, s *model.Span) {
	if t, ok := idx.slice(s.Start, s.End); ok && s.Start < s.End {
		s.Text = t
	}
}

// ---------------------------------------------------------------------------------
// doccano

// DoccanoEncoder writes doccano's relation-extraction JSONL, one document per line:
//
//	{"id":"c001","text":"...","entities":[{"id":1,"start_offset":0,"end_offset":5,"label":"Patient"}],
//	 "relations":[{"id":1,"from_id":1,"to_id":2,"type":"treats"}],"cats":["followup"]}
//
// Offsets are code points (doccano's are Python str indexes). Entity ids are
// integers: span ids that are all positive integers ("1", "2", ...) are kept, other ids
// are renumbered 1..n in span order. Relation ids are 1..n. Document classes go in
// "cats". Events and suggestions are not written: doccano has no form for them (brat
// keeps events, Label Studio keeps suggestions).
type DoccanoEncoder struct {
	w   io.Writer
	buf bytes.Buffer
	enc *json.Encoder
}

// NewDoccanoEncoder returns an encoder writing to w.
func NewDoccanoEncoder(w io.Writer) *DoccanoEncoder {
	e := &DoccanoEncoder{w: w}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}

type doccanoEntity struct {
	ID          int    `json:"id"`
	StartOffset int    `json:"start_offset"`
	EndOffset   int    `json:"end_offset"`
	Label       string `json:"label"`
}

type doccanoRelation struct {
	ID     int    `json:"id"`
	FromID int    `json:"from_id"`
	ToID   int    `json:"to_id"`
	Type   string `json:"type"`
}

type doccanoOut struct {
	ID        string            `json:"id"`
	Text      string            `json:"text"`
	Entities  []doccanoEntity   `json:"entities"`
	Relations []doccanoRelation `json:"relations"`
	Cats      []string          `json:"cats"`
}

// Encode writes d as one JSON line.
func (e *DoccanoEncoder) Encode(d Document) error {
	if err := checkExportable(d); err != nil {
		return err
	}
	a := d.Annotation
	ids := exportIDs(a.Spans, isPositiveInt, "")
	out := doccanoOut{
		ID:        d.ID,
		Text:      d.Text,
		Entities:  make([]doccanoEntity, len(a.Spans)),
		Relations: make([]doccanoRelation, len(a.Relations)),
		Cats:      a.Labels,
	}
	if out.Cats == nil {
		out.Cats = []string{}
	}
	for i, s := range a.Spans {
		id, _ := strconv.Atoi(ids[s.ID])
		out.Entities[i] = doccanoEntity{ID: id, StartOffset: s.Start, EndOffset: s.End, Label: s.Label}
	}
	for i, r := range a.Relations {
		from, _ := strconv.Atoi(ids[r.Head])
		to, _ := strconv.Atoi(ids[r.Tail])
		out.Relations[i] = doccanoRelation{ID: i + 1, FromID: from, ToID: to, Type: r.Type}
	}
	e.buf.Reset()
	if err := e.enc.Encode(out); err != nil {
		return err
	}
	_, err := e.w.Write(e.buf.Bytes())
	return err
}

// DoccanoDecoder reads doccano JSONL (or a JSON array of the same records) in either
// of doccano's forms:
//   - relation extraction: "entities" [{id, start_offset, end_offset, label}] and
//     "relations" [{id, from_id, to_id, type}]; span ids are the entity ids as strings;
//   - sequence labeling: "label" [[start, end, "Label"], ...]; span ids are "1", "2",
//     ... in list order. (When "entities" is present, triples in "label" are ignored.)
//
// Document classes come from "cats" (a list, or spaCy's {"class": score} map, where a
// score >= 0.5 or true selects the class) and from the strings of a "label" list
// (doccano's text-classification form). The text is "text" (or "data" in old
// exports); "id" may be a string or a number. Span texts are filled from the text.
// Other fields are ignored.
type DoccanoDecoder struct {
	s *jsonStream
}

// NewDoccanoDecoder returns a decoder reading r.
func NewDoccanoDecoder(r io.Reader) *DoccanoDecoder {
	return &DoccanoDecoder{s: newJSONStream(r)}
}

type doccanoIn struct {
	ID       json.RawMessage `json:"id"`
	Text     *string         `json:"text"`
	Data     *string         `json:"data"`
	Entities []struct {
		ID          json.RawMessage `json:"id"`
		StartOffset int             `json:"start_offset"`
		EndOffset   int             `json:"end_offset"`
		Label       string          `json:"label"`
	} `json:"entities"`
	Relations []struct {
		FromID json.RawMessage `json:"from_id"`
		ToID   json.RawMessage `json:"to_id"`
		Type   string          `json:"type"`
	} `json:"relations"`
	Label []json.RawMessage `json:"label"`
	Cats  json.RawMessage   `json:"cats"`
}

// Decode reads the next document; it returns io.EOF after the last. A record that
// cannot be converted gives model.EINVALID naming it, and Decode may be called again
// for the next record; after a JSON syntax error the stream cannot continue.
func (d *DoccanoDecoder) Decode() (Document, error) {
	var in doccanoIn
	if err := d.s.next(&in, "doccano"); err != nil {
		return Document{}, err
	}
	bad := func(format string, args ...any) (Document, error) {
		return Document{}, model.Errorf(model.EINVALID, "doccano record %d: %s", d.s.n, fmt.Sprintf(format, args...))
	}
	var doc Document
	var err error
	if doc.ID, err = rawString(in.ID); err != nil {
		return bad("id: %v", err)
	}
	switch {
	case in.Text != nil:
		doc.Text = *in.Text
	case in.Data != nil:
		doc.Text = *in.Data
	default:
		return bad("no text")
	}
	idx := newRuneIndex(doc.Text)
	a := &doc.Annotation
	for i, e := range in.Entities {
		id, err := rawString(e.ID)
		if err != nil || id == "" {
			return bad("entities[%d]: id %s is not a string or number", i, e.ID)
		}
		s := model.Span{ID: id, Start: e.StartOffset, End: e.EndOffset, Label: e.Label}
		fillText(idx, &s)
		a.Spans = append(a.Spans, s)
	}
	for i, r := range in.Relations {
		from, err1 := rawString(r.FromID)
		to, err2 := rawString(r.ToID)
		if err1 != nil || err2 != nil {
			return bad("relations[%d]: from_id and to_id must be entity ids", i)
		}
		a.Relations = append(a.Relations, model.Relation{Type: r.Type, Head: from, Tail: to})
	}
	addClass := func(c string) {
		for _, l := range a.Labels {
			if l == c {
				return
			}
		}
		a.Labels = append(a.Labels, c)
	}
	for i, raw := range in.Label {
		raw = bytes.TrimSpace(raw)
		switch {
		case len(raw) > 0 && raw[0] == '"':
			var c string
			if err := json.Unmarshal(raw, &c); err != nil {
				return bad("label[%d]: %v", i, err)
			}
			addClass(c)
		case len(raw) > 0 && raw[0] == '[':
			var t []json.RawMessage
			var s model.Span
			if err := json.Unmarshal(raw, &t); err != nil || len(t) != 3 ||
				json.Unmarshal(t[0], &s.Start) != nil || json.Unmarshal(t[1], &s.End) != nil ||
				json.Unmarshal(t[2], &s.Label) != nil {
				return bad("label[%d]: want [start, end, \"Label\"], got %s", i, raw)
			}
			if in.Entities != nil {
				continue
			}
			s.ID = strconv.Itoa(len(a.Spans) + 1)
			fillText(idx, &s)
			a.Spans = append(a.Spans, s)
		default:
			return bad("label[%d]: want a [start, end, label] triple or a class, got %s", i, raw)
		}
	}
	if cats := bytes.TrimSpace(in.Cats); len(cats) > 0 && string(cats) != "null" {
		if cats[0] == '{' {
			var m map[string]any
			if err := json.Unmarshal(cats, &m); err != nil {
				return bad("cats: %v", err)
			}
			keys := make([]string, 0, len(m))
			for k, v := range m {
				switch v := v.(type) {
				case bool:
					if v {
						keys = append(keys, k)
					}
				case float64:
					if v >= 0.5 {
						keys = append(keys, k)
					}
				}
			}
			sort.Strings(keys)
			for _, k := range keys {
				addClass(k)
			}
		} else {
			var l []string
			if err := json.Unmarshal(cats, &l); err != nil {
				return bad("cats: want a list of classes: %v", err)
			}
			for _, c := range l {
				addClass(c)
			}
		}
	}
	return doc, nil
}

// ---------------------------------------------------------------------------------
// Label Studio

// Names of the Label Studio controls this package writes, and that the labeling
// config LabelStudioConfig generates declares.
const (
	LabelStudioLabels  = "label" // <Labels name="label">: spans
	LabelStudioChoices = "class" // <Choices name="class">: document classes
	LabelStudioText    = "text"  // <Text name="text" value="$text">
)

// LabelStudioConfig returns a Label Studio labeling config (XML) for s: a Labels
// control for the entities, a Relations block for the relation types and a Choices
// control for the classes (choice="multiple" when s.MultiLabel). Events have no Label
// Studio control and are left out.
func LabelStudioConfig(s model.LabelSchema) string {
	var b strings.Builder
	attr := func(v string) string {
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(v))
		return e.String()
	}
	b.WriteString("<View>\n")
	if len(s.Relations) > 0 {
		b.WriteString("  <Relations>\n")
		for _, r := range s.Relations {
			fmt.Fprintf(&b, "    <Relation value=\"%s\"/>\n", attr(r.Name))
		}
		b.WriteString("  </Relations>\n")
	}
	if len(s.Entities) > 0 {
		fmt.Fprintf(&b, "  <Labels name=\"%s\" toName=\"%s\">\n", LabelStudioLabels, LabelStudioText)
		for _, e := range s.Entities {
			fmt.Fprintf(&b, "    <Label value=\"%s\"/>\n", attr(e))
		}
		b.WriteString("  </Labels>\n")
	}
	fmt.Fprintf(&b, "  <Text name=\"%s\" value=\"$text\"/>\n", LabelStudioText)
	if len(s.Classes) > 0 {
		choice := "single"
		if s.MultiLabel {
			choice = "multiple"
		}
		fmt.Fprintf(&b, "  <Choices name=\"%s\" toName=\"%s\" choice=\"%s\">\n", LabelStudioChoices, LabelStudioText, choice)
		for _, c := range s.Classes {
			fmt.Fprintf(&b, "    <Choice value=\"%s\"/>\n", attr(c))
		}
		b.WriteString("  </Choices>\n")
	}
	b.WriteString("</View>\n")
	return b.String()
}

type lsTask struct {
	ID          json.RawMessage `json:"id,omitempty"`
	Data        map[string]any  `json:"data"`
	Annotations []lsAnnotation  `json:"annotations"`
	Predictions []lsAnnotation  `json:"predictions,omitempty"`
}

type lsAnnotation struct {
	ModelVersion string     `json:"model_version,omitempty"` // predictions only
	WasCancelled bool       `json:"was_cancelled,omitempty"` // annotations only
	Result       []lsResult `json:"result"`
}

type lsResult struct {
	ID        string   `json:"id,omitempty"`
	FromName  string   `json:"from_name,omitempty"`
	ToName    string   `json:"to_name,omitempty"`
	Type      string   `json:"type"`
	Value     *lsValue `json:"value,omitempty"`
	FromID    string   `json:"from_id,omitempty"`
	ToID      string   `json:"to_id,omitempty"`
	Direction string   `json:"direction,omitempty"`
	Labels    []string `json:"labels,omitempty"`
	Meta      *lsMeta  `json:"meta,omitempty"`
}

type lsValue struct {
	Start   *int     `json:"start,omitempty"`
	End     *int     `json:"end,omitempty"`
	Text    *string  `json:"text,omitempty"`
	Labels  []string `json:"labels,omitempty"`
	Choices []string `json:"choices,omitempty"`
}

type lsMeta struct {
	Text []string `json:"text,omitempty"`
}

// LabelStudioEncoder writes Label Studio tasks as one JSON array (the form Label
// Studio imports and exports), one task per Encode, and the closing bracket on Close:
//
//	{"id":"c001","data":{"text":"..."},
//	 "annotations":[{"result":[
//	   {"id":"s1","from_name":"label","to_name":"text","type":"labels","value":{"start":0,"end":5,"text":"P0001","labels":["Patient"]}},
//	   {"from_id":"s1","to_id":"s2","type":"relation","direction":"right","labels":["treats"]},
//	   {"id":"classes","from_name":"class","to_name":"text","type":"choices","value":{"choices":["followup"]}}]}],
//	 "predictions":[{"model_version":"gazetteer","result":[{... "type":"labels", "meta":{"text":["P0001"]}}]}]}
//
// Span ids become region ids as they are. An annotation with no spans, relations or
// classes is written as no annotation ("annotations": []), so the task is open for
// labeling. Suggestions become predictions, one per Source in order of first
// appearance, with the Source as model_version and the Rule as the region's meta text.
// Events are not written (Label Studio has no event control; use brat).
type LabelStudioEncoder struct {
	w   io.Writer
	n   int
	buf bytes.Buffer
	enc *json.Encoder
}

// NewLabelStudioEncoder returns an encoder writing to w. Call Close after the last
// document.
func NewLabelStudioEncoder(w io.Writer) *LabelStudioEncoder {
	e := &LabelStudioEncoder{w: w}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}

func lsSpanResult(id string, s model.Span, text string) lsResult {
	start, end := s.Start, s.End
	return lsResult{
		ID: id, FromName: LabelStudioLabels, ToName: LabelStudioText, Type: "labels",
		Value: &lsValue{Start: &start, End: &end, Text: &text, Labels: []string{s.Label}},
	}
}

// Encode writes d as one task.
func (e *LabelStudioEncoder) Encode(d Document) error {
	if err := checkExportable(d); err != nil {
		return err
	}
	idx := newRuneIndex(d.Text)
	a := d.Annotation
	id, _ := json.Marshal(d.ID)
	task := lsTask{ID: id, Data: map[string]any{LabelStudioText: d.Text}, Annotations: []lsAnnotation{}}
	var res []lsResult
	for _, s := range a.Spans {
		t, _ := idx.slice(s.Start, s.End)
		res = append(res, lsSpanResult(s.ID, s, t))
	}
	for _, r := range a.Relations {
		res = append(res, lsResult{FromID: r.Head, ToID: r.Tail, Type: "relation", Direction: "right", Labels: []string{r.Type}})
	}
	if len(a.Labels) > 0 {
		res = append(res, lsResult{
			ID: "classes", FromName: LabelStudioChoices, ToName: LabelStudioText, Type: "choices",
			Value: &lsValue{Choices: a.Labels},
		})
	}
	if len(res) > 0 {
		task.Annotations = append(task.Annotations, lsAnnotation{Result: res})
	}
	bySource := map[string]int{}
	for i, sg := range d.Suggestions {
		s := sg.Span
		t, ok := idx.slice(s.Start, s.End)
		if !ok || s.Start >= s.End {
			return model.Errorf(model.EINVALID, "document %q cannot be exported: suggestions[%d]: offsets [%d,%d) are not a range of the text's %d code points", d.ID, i, s.Start, s.End, idx.n)
		}
		k, ok := bySource[sg.Source]
		if !ok {
			k = len(task.Predictions)
			bySource[sg.Source] = k
			task.Predictions = append(task.Predictions, lsAnnotation{ModelVersion: sg.Source})
		}
		rid := s.ID
		if rid == "" {
			rid = "p" + strconv.Itoa(i+1)
		}
		r := lsSpanResult(rid, s, t)
		if sg.Rule != "" {
			r.Meta = &lsMeta{Text: []string{sg.Rule}}
		}
		task.Predictions[k].Result = append(task.Predictions[k].Result, r)
	}
	e.buf.Reset()
	if e.n == 0 {
		e.buf.WriteString("[\n")
	} else {
		e.buf.WriteString(",\n")
	}
	if err := e.enc.Encode(task); err != nil {
		return err
	}
	e.buf.Truncate(e.buf.Len() - 1) // json.Encoder's newline; the separator writes its own
	if _, err := e.w.Write(e.buf.Bytes()); err != nil {
		return err
	}
	e.n++
	return nil
}

// Close ends the JSON array ("[]" when no task was written). It does not close the
// underlying writer.
func (e *LabelStudioEncoder) Close() error {
	var err error
	if e.n == 0 {
		_, err = io.WriteString(e.w, "[]\n")
	} else {
		_, err = io.WriteString(e.w, "\n]\n")
	}
	return err
}

// LabelStudioDecoder reads Label Studio tasks from a JSON array (Label Studio's JSON
// export) or from JSON Lines. The text is data.text, or the only string field of
// data. The annotation is the task's first annotation that was not cancelled (the
// others are checked, then dropped); predictions become suggestions with the
// prediction's model_version as Source and a region's first meta text as Rule.
//
// Results of type "labels" become spans (the region id is the span id; a region with
// several labels is model.EINVALID), "relation" results become relations (one per
// label; direction "left" swaps head and tail), "choices" results become document
// classes; other result types are ignored, as are relations in predictions.
//
// Offsets are read as code points, which current Label Studio writes. Versions before
// the fix of label-studio issue #1347 counted UTF-16 code units (JavaScript string
// indexes), so every offset after an emoji was off; when a region's value.text does
// not equal the code point slice but equals the UTF-16 slice, the offsets are
// converted to code points.
type LabelStudioDecoder struct {
	s *jsonStream
}

// NewLabelStudioDecoder returns a decoder reading r.
func NewLabelStudioDecoder(r io.Reader) *LabelStudioDecoder {
	return &LabelStudioDecoder{s: newJSONStream(r)}
}

type lsTaskIn struct {
	ID          json.RawMessage            `json:"id"`
	Data        map[string]json.RawMessage `json:"data"`
	Annotations []lsAnnotation             `json:"annotations"`
	Predictions []lsAnnotation             `json:"predictions"`
}

// Decode reads the next task; it returns io.EOF after the last. A task that cannot be
// converted gives model.EINVALID naming it, and Decode may be called again for the
// next task; after a JSON syntax error the stream cannot continue.
func (d *LabelStudioDecoder) Decode() (Document, error) {
	var in lsTaskIn
	if err := d.s.next(&in, "label studio"); err != nil {
		return Document{}, err
	}
	bad := func(format string, args ...any) (Document, error) {
		return Document{}, model.Errorf(model.EINVALID, "label studio task %d: %s", d.s.n, fmt.Sprintf(format, args...))
	}
	var doc Document
	var err error
	if doc.ID, err = rawString(in.ID); err != nil {
		return bad("id: %v", err)
	}
	text, ok := in.Data[LabelStudioText]
	if !ok {
		var only []json.RawMessage
		for _, v := range in.Data {
			if v = bytes.TrimSpace(v); len(v) > 0 && v[0] == '"' {
				only = append(only, v)
			}
		}
		if len(only) != 1 {
			return bad("data has no text field and not exactly one string field")
		}
		text = only[0]
	}
	if err := json.Unmarshal(text, &doc.Text); err != nil {
		return bad("data.text is not a string")
	}
	idx := newRuneIndex(doc.Text)
	var all []model.Annotation // the task's annotations not cancelled, in order
	for i, an := range in.Annotations {
		if an.WasCancelled {
			continue
		}
		var a model.Annotation
		for j, r := range an.Result {
			switch r.Type {
			case "labels":
				s, err := lsSpan(doc.Text, idx, r)
				if err != nil {
					return bad("annotations[%d].result[%d]: %v", i, j, err)
				}
				a.Spans = append(a.Spans, s)
			case "relation":
				head, tail := r.FromID, r.ToID
				if r.Direction == "left" {
					head, tail = tail, head
				}
				if len(r.Labels) == 0 {
					a.Relations = append(a.Relations, model.Relation{Head: head, Tail: tail})
				}
				for _, l := range r.Labels {
					a.Relations = append(a.Relations, model.Relation{Type: l, Head: head, Tail: tail})
				}
			case "choices":
				if r.Value != nil {
					a.Labels = append(a.Labels, r.Value.Choices...)
				}
			}
		}
		all = append(all, a)
	}
	if len(all) > 0 {
		doc.Annotation = all[0]
	}
	for i, p := range in.Predictions {
		for j, r := range p.Result {
			if r.Type != "labels" {
				continue
			}
			s, err := lsSpan(doc.Text, idx, r)
			if err != nil {
				return bad("predictions[%d].result[%d]: %v", i, j, err)
			}
			sg := model.Suggestion{Span: s, Source: p.ModelVersion}
			if r.Meta != nil && len(r.Meta.Text) > 0 {
				sg.Rule = r.Meta.Text[0]
			}
			doc.Suggestions = append(doc.Suggestions, sg)
		}
	}
	return doc, nil
}

// lsSpan converts a "labels" region, fixing UTF-16 offsets (see LabelStudioDecoder).
func lsSpan(text string, idx runeIndex, r lsResult) (model.Span, error) {
	v := r.Value
	if v == nil || v.Start == nil || v.End == nil {
		return model.Span{}, errors.New("labels region without value.start and value.end")
	}
	if len(v.Labels) != 1 {
		return model.Span{}, fmt.Errorf("region %q has %d labels; a span has exactly one", r.ID, len(v.Labels))
	}
	s := model.Span{ID: r.ID, Start: *v.Start, End: *v.End, Label: v.Labels[0]}
	got, ok := idx.slice(s.Start, s.End)
	switch {
	case v.Text == nil:
		fillText(idx, &s)
	case ok && got == *v.Text:
		s.Text = got
	default:
		if sub, cs, ce, ok16 := utf16Slice(text, s.Start, s.End); ok16 && sub == *v.Text {
			s.Start, s.End, s.Text = cs, ce, sub
		} else {
			s.Text = *v.Text // ValidateAnnotation reports the mismatch
		}
	}
	return s, nil
}

// ---------------------------------------------------------------------------------
// brat standoff

var bratTID = regexp.MustCompile(`^T[0-9]+$`)

// bratLine replaces the line breaks brat's line-based .ann format cannot hold in a
// span's text field (Python's text mode breaks lines at \n and \r) by spaces.
func bratLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// EncodeBrat writes d in brat standoff format: the text, unchanged, to txt, and to ann
// one line per annotation:
//
//	T1	Patient 0 5	P0001            span (text-bound): label, start, end, text
//	R1	treats Arg1:T3 Arg2:T4           relation: type, head (Arg1), tail (Arg2)
//	E1	vaccination:T2 patient:T1 ...     event: type:trigger, then role:argument
//
// Offsets are code points: brat is a Python tool and counts characters of the text
// as Python decodes it. Span ids that all have brat's form (T1, T2, ...) are kept,
// others are renumbered T1..Tn in span order; relations are R1..Rn and events E1..En.
// Line breaks inside a span's text field become spaces (as brat writes them). Document
// classes and suggestions are not written (brat has no document-level label). Labels,
// relation types, event types and roles must contain no white space (model.EINVALID),
// as ValidateSchema requires.
func EncodeBrat(txt, ann io.Writer, d Document) error {
	if err := checkExportable(d); err != nil {
		return err
	}
	a := d.Annotation
	var ps problems
	name := func(path, what, n string) {
		if n == "" || strings.IndexFunc(n, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			ps.add(path, "%s %q cannot be written to brat (empty or with white space)", what, n)
		}
	}
	for i, s := range a.Spans {
		name(pathOf("spans", i, s.ID), "label", s.Label)
	}
	for i, r := range a.Relations {
		name(fmt.Sprintf("relations[%d]", i), "type", r.Type)
	}
	for i, e := range a.Events {
		name(fmt.Sprintf("events[%d]", i), "type", e.Type)
		for _, arg := range e.Arguments {
			name(pathOf("events", i, e.Type), "role", arg.Role)
		}
	}
	if len(ps) > 0 {
		return model.Errorf(model.EINVALID, "document %q cannot be exported: %s", d.ID, joinProblems(ps))
	}
	ids := exportIDs(a.Spans, bratTID.MatchString, "T")
	idx := newRuneIndex(d.Text)
	var b bytes.Buffer
	for _, s := range a.Spans {
		t, _ := idx.slice(s.Start, s.End)
		fmt.Fprintf(&b, "%s\t%s %d %d\t%s\n", ids[s.ID], s.Label, s.Start, s.End, bratLine(t))
	}
	for i, r := range a.Relations {
		fmt.Fprintf(&b, "R%d\t%s Arg1:%s Arg2:%s\n", i+1, r.Type, ids[r.Head], ids[r.Tail])
	}
	for i, e := range a.Events {
		fmt.Fprintf(&b, "E%d\t%s:%s", i+1, e.Type, ids[e.Trigger])
		for _, arg := range e.Arguments {
			fmt.Fprintf(&b, " %s:%s", arg.Role, ids[arg.Span])
		}
		b.WriteByte('\n')
	}
	if _, err := io.WriteString(txt, d.Text); err != nil {
		return err
	}
	_, err := ann.Write(b.Bytes())
	return err
}

// DecodeBrat reads a brat document: the text from txt and the annotations from ann
// (see EncodeBrat; offsets are code points). Span ids are brat's T ids, event
// triggers and arguments refer to them as written. Attribute (A), normalization (N),
// modifier (M), note (#) and equivalence (*) lines are ignored; a discontinuous span
// ("0 5;8 10"), a malformed line or another kind of line is model.EINVALID naming the
// line. A span whose text field disagrees with the text at its offsets keeps the text
// field, so ValidateAnnotation reports the mismatch. The Document's ID is left empty
// (brat names documents by file); set it from the file name.
func DecodeBrat(txt, ann io.Reader) (Document, error) {
	raw, err := io.ReadAll(txt)
	if err != nil {
		return Document{}, err
	}
	doc := Document{Text: string(raw)}
	idx := newRuneIndex(doc.Text)
	a := &doc.Annotation
	br := bufio.NewReader(ann)
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadString('\n')
		if err != nil && err != io.EOF {
			return Document{}, err
		}
		if line == "" && err == io.EOF {
			break
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if perr := parseBratLine(line, idx, a); perr != nil {
			return Document{}, model.Errorf(model.EINVALID, "brat .ann line %d: %v", lineNo, perr)
		}
		if err == io.EOF {
			break
		}
	}
	return doc, nil
}

func parseBratLine(line string, idx runeIndex, a *model.Annotation) error {
	if strings.TrimSpace(line) == "" {
		return nil
	}
	fields := strings.SplitN(line, "\t", 3)
	switch line[0] {
	case 'A', 'M', 'N', '#', '*':
		return nil
	case 'T':
		if len(fields) < 2 {
			return fmt.Errorf("want \"T1\\tLabel start end\\ttext\", got %q", line)
		}
		parts := strings.Fields(fields[1])
		if len(parts) != 3 {
			if strings.Contains(fields[1], ";") {
				return fmt.Errorf("%s: discontinuous spans are not supported", fields[0])
			}
			return fmt.Errorf("%s: want \"Label start end\", got %q", fields[0], fields[1])
		}
		start, err1 := strconv.Atoi(parts[1])
		end, err2 := strconv.Atoi(parts[2])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("%s: offsets %q %q are not integers", fields[0], parts[1], parts[2])
		}
		s := model.Span{ID: fields[0], Start: start, End: end, Label: parts[0]}
		got, ok := idx.slice(start, end)
		switch {
		case len(fields) < 3:
			fillText(idx, &s)
		case ok && bratLine(got) == fields[2]:
			s.Text = got
		default:
			s.Text = fields[2]
		}
		a.Spans = append(a.Spans, s)
	case 'R':
		if len(fields) < 2 {
			return fmt.Errorf("want \"R1\\tType Arg1:T1 Arg2:T2\", got %q", line)
		}
		parts := strings.Fields(fields[1])
		if len(parts) != 3 {
			return fmt.Errorf("%s: want \"Type Arg1:T1 Arg2:T2\", got %q", fields[0], fields[1])
		}
		r := model.Relation{Type: parts[0]}
		for _, p := range parts[1:] {
			role, id, ok := strings.Cut(p, ":")
			switch {
			case ok && role == "Arg1":
				r.Head = id
			case ok && role == "Arg2":
				r.Tail = id
			default:
				return fmt.Errorf("%s: argument %q is not Arg1:id or Arg2:id", fields[0], p)
			}
		}
		if r.Head == "" || r.Tail == "" {
			return fmt.Errorf("%s: needs Arg1 and Arg2", fields[0])
		}
		a.Relations = append(a.Relations, r)
	case 'E':
		if len(fields) < 2 {
			return fmt.Errorf("want \"E1\\tType:T1 Role:T2 ...\", got %q", line)
		}
		parts := strings.Fields(fields[1])
		if len(parts) == 0 {
			return fmt.Errorf("%s: no event type", fields[0])
		}
		var e model.Event
		for i, p := range parts {
			k := strings.LastIndexByte(p, ':')
			if k <= 0 || k == len(p)-1 {
				return fmt.Errorf("%s: %q is not name:id", fields[0], p)
			}
			if i == 0 {
				e.Type, e.Trigger = p[:k], p[k+1:]
			} else {
				e.Arguments = append(e.Arguments, model.EventArg{Role: p[:k], Span: p[k+1:]})
			}
		}
		a.Events = append(a.Events, e)
	default:
		return fmt.Errorf("unknown annotation kind %q", fields[0])
	}
	return nil
}

// ---------------------------------------------------------------------------------
// CoNLL IOB2

// Token is a token of a text, with code point offsets (end exclusive).
type Token struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Tokenize splits text into tokens the way the CoNLL export does:
//   - every Han, Hiragana or Katakana character is a token;
//   - runs of other letters and digits (Latin, Cyrillic, ...) are tokens, split by
//     white space, punctuation and symbols ("P0001", "metformin", "2026");
//   - every punctuation or symbol character is a token ("，", ":", "-", "°");
//   - an emoji is a token, with its variation selectors, skin-tone modifiers, keycap
//     and ZWJ-joined parts (so "👨‍👩‍👧" is one token of five code points), and a pair of
//     regional indicators (a flag) is one token;
//   - combining marks stay with the character before them;
//   - white space, control and other format characters separate tokens and are not
//     tokens.
//
// Han text is thus split per character and "P0001到" gives "P0001", "到".
func Tokenize(text string) []Token {
	idx := newRuneIndex(text)
	rs := []rune(text)
	var out []Token
	for i := 0; i < len(rs); {
		end := tokenEnd(rs, i)
		if end == i { // a separator
			i++
			continue
		}
		t, _ := idx.slice(i, end)
		out = append(out, Token{Start: i, End: end, Text: t})
		i = end
	}
	return out
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

func isEmoji(r rune) bool {
	return r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF ||
		r >= 0x2300 && r <= 0x23FF || r >= 0x2B00 && r <= 0x2BFF
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// isExtender reports whether r attaches to the code point before it.
func isExtender(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me) ||
		r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF || // variation selectors
		r >= 0x1F3FB && r <= 0x1F3FF || // skin tones
		r >= 0xE0020 && r <= 0xE007F // tags (subdivision flags)
}

func isWordRune(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsNumber(r)) && !isCJK(r)
}

func isSeparator(r rune) bool {
	return unicode.IsSpace(r) || unicode.In(r, unicode.Cc, unicode.Cf)
}

// tokenEnd returns the end of the token starting at rs[i], or i when rs[i] separates.
func tokenEnd(rs []rune, i int) int {
	r := rs[i]
	end := i + 1
	extend := func() {
		for end < len(rs) {
			switch {
			case isExtender(rs[end]):
				end++
			case rs[end] == 0x200D && end+1 < len(rs) && (isEmoji(rs[end+1]) || isWordRune(rs[end+1]) && isWordRune(r)):
				end += 2 // ZWJ joins emoji (and letters in scripts that use it)
			default:
				return
			}
		}
	}
	switch {
	case isExtender(r) && !(r >= 0xE0020 && r <= 0xE007F) || isWordRune(r):
		for {
			extend()
			if end < len(rs) && isWordRune(rs[end]) {
				end++
				continue
			}
			break
		}
	case isRegional(r):
		if end < len(rs) && isRegional(rs[end]) {
			end++
		}
		extend()
	case isSeparator(r):
		return i
	default: // CJK, emoji, punctuation, symbols: one character and its extenders
		extend()
	}
	return end
}

// CoNLLEncoder writes CoNLL IOB2 (export only): one token per line, "token\tTAG" with
// TAG one of B-Label, I-Label or O, and a blank line after each document (no line for
// a document without tokens). Tokens are those of Tokenize, further split at every
// span boundary that falls inside a token (for example "P03782026" with a Patient span
// on "P0378" gives "P0378" B-Patient and "2026" O), so every span maps to whole
// tokens and no boundary is moved; the tokenization therefore depends on the
// annotation. IOB2 cannot hold overlapping spans: spans are taken by start, longer
// first, and a span overlapping one already taken is left out. A span covering only
// separators (white space) has no token and is left out. Relations, events, classes
// and suggestions are not written. A label with white space is model.EINVALID.
type CoNLLEncoder struct {
	w   io.Writer
	buf bytes.Buffer
}

// NewCoNLLEncoder returns an encoder writing to w.
func NewCoNLLEncoder(w io.Writer) *CoNLLEncoder { return &CoNLLEncoder{w: w} }

// Encode writes d's tokens and tags.
func (e *CoNLLEncoder) Encode(d Document) error {
	idx := newRuneIndex(d.Text)
	var ps problems
	for i, s := range d.Annotation.Spans {
		path := pathOf("spans", i, s.ID)
		if s.Start < 0 || s.End <= s.Start || s.End > idx.n {
			ps.add(path, "offsets [%d,%d) are not a range of the text's %d code points", s.Start, s.End, idx.n)
		}
		if s.Label == "" || strings.IndexFunc(s.Label, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			ps.add(path, "label %q cannot be written to CoNLL (empty or with white space)", s.Label)
		}
	}
	if len(ps) > 0 {
		return model.Errorf(model.EINVALID, "document %q cannot be exported: %s", d.ID, joinProblems(ps))
	}
	spans := append([]model.Span(nil), d.Annotation.Spans...)
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].Start != spans[j].Start {
			return spans[i].Start < spans[j].Start
		}
		return spans[i].End > spans[j].End
	})
	kept := spans[:0]
	last := 0
	for _, s := range spans {
		if s.Start >= last {
			kept = append(kept, s)
			last = s.End
		}
	}
	tokens := Tokenize(d.Text)
	e.buf.Reset()
	k := 0       // next kept span
	inside := -1 // kept span the previous token was in
	for _, t := range tokens {
		// Split t at the boundaries of the kept spans inside it.
		for start := t.Start; start < t.End; {
			end := t.End
			for k < len(kept) && kept[k].End <= start {
				k++
			}
			tag := "O"
			if k < len(kept) {
				s := kept[k]
				switch {
				case s.Start > start && s.Start < end:
					end = s.Start
				case s.Start <= start:
					if s.End < end {
						end = s.End
					}
					if inside == k {
						tag = "I-" + s.Label
					} else {
						tag = "B-" + s.Label
						inside = k
					}
				}
			}
			piece, _ := idx.slice(start, end)
			e.buf.WriteString(piece)
			e.buf.WriteByte('\t')
			e.buf.WriteString(tag)
			e.buf.WriteByte('\n')
			start = end
		}
	}
	if len(tokens) == 0 {
		return nil
	}
	e.buf.WriteByte('\n')
	_, err := e.w.Write(e.buf.Bytes())
	return err
}

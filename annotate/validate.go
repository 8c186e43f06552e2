package annotate

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mms-platform/mms/model"
)

// ValidateSchema reports every problem of s in one model.EINVALID error, or nil:
//   - the id is not empty, and the schema has at least one entity label or class;
//   - entity labels, relation type names, event type names and role names are not
//     empty and contain no white space or control characters (they are written into
//     brat and CoNLL lines, which white space separates);
//   - entity labels are unique, relation type names are unique, event type names are
//     unique, role names are unique within their event type, classes are unique and
//     not empty (classes may contain spaces);
//   - every label a relation type (head, tail) or an event type (trigger, role labels)
//     refers to is an entity label; an event type's trigger label is required.
func ValidateSchema(s model.LabelSchema) error {
	if p := SchemaProblems(s); len(p) > 0 {
		return model.Errorf(model.EINVALID, "invalid label schema %q: %s", s.ID, strings.Join(p, "; "))
	}
	return nil
}

// SchemaProblems returns the problems ValidateSchema reports, one string each with its path
// (for example `relations[0] (treats): head label "Drug" is not an entity`), in
// schema order; nil for a valid schema.
func SchemaProblems(s model.LabelSchema) []string {
	var ps problems
	if s.ID == "" {
		ps.add("id", "is empty")
	}
	if len(s.Entities) == 0 && len(s.Classes) == 0 {
		ps.add("schema", "has no entities and no classes: nothing to annotate")
	}
	entities := make(map[string]int, len(s.Entities))
	for i, e := range s.Entities {
		path := fmt.Sprintf("entities[%d]", i)
		if msg := badName(e); msg != "" {
			ps.add(path, "%s", msg)
			continue
		}
		if j, dup := entities[e]; dup {
			ps.add(path, "%q repeats entities[%d]", e, j)
			continue
		}
		entities[e] = i
	}
	checkLabels := func(path, what string, labels []string) {
		seen := make(map[string]bool, len(labels))
		for _, l := range labels {
			if _, ok := entities[l]; !ok {
				ps.add(path, "%s label %q is not an entity", what, l)
			} else if seen[l] {
				ps.add(path, "%s label %q repeats", what, l)
			}
			seen[l] = true
		}
	}
	relations := make(map[string]int, len(s.Relations))
	for i, r := range s.Relations {
		path := pathOf("relations", i, r.Name)
		if msg := badName(r.Name); msg != "" {
			ps.add(path, "%s", msg)
		} else if j, dup := relations[r.Name]; dup {
			ps.add(path, "name repeats relations[%d]", j)
		} else {
			relations[r.Name] = i
		}
		checkLabels(path, "head", r.Head)
		checkLabels(path, "tail", r.Tail)
	}
	events := make(map[string]int, len(s.Events))
	for i, e := range s.Events {
		path := pathOf("events", i, e.Name)
		if msg := badName(e.Name); msg != "" {
			ps.add(path, "%s", msg)
		} else if j, dup := events[e.Name]; dup {
			ps.add(path, "name repeats events[%d]", j)
		} else {
			events[e.Name] = i
		}
		if e.Trigger == "" {
			ps.add(path, "trigger label is empty")
		} else {
			checkLabels(path, "trigger", []string{e.Trigger})
		}
		roles := make(map[string]int, len(e.Roles))
		for k, r := range e.Roles {
			rpath := path + ": " + pathOf("roles", k, r.Name)
			if msg := badName(r.Name); msg != "" {
				ps.add(rpath, "%s", msg)
			} else if j, dup := roles[r.Name]; dup {
				ps.add(rpath, "name repeats roles[%d]", j)
			} else {
				roles[r.Name] = k
			}
			checkLabels(rpath, "role", r.Labels)
		}
	}
	classes := make(map[string]int, len(s.Classes))
	for i, c := range s.Classes {
		path := fmt.Sprintf("classes[%d]", i)
		if c == "" {
			ps.add(path, "name is empty")
		} else if j, dup := classes[c]; dup {
			ps.add(path, "%q repeats classes[%d]", c, j)
		} else {
			classes[c] = i
		}
	}
	return ps
}

// badName says what is wrong with an entity, relation, event or role name, or "".
func badName(name string) string {
	if name == "" {
		return "name is empty"
	}
	for _, r := range name {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			return fmt.Sprintf("name %q contains white space or a control character", name)
		}
	}
	return ""
}

// ValidateAnnotation checks a against schema s and the document text, and reports
// every problem in one model.EINVALID error (nil when there is none). Each problem
// carries its path, for example `spans[2] (s3): end 40 is beyond the text's 35 code
// points`. The checks:
//   - spans: the id is not empty and unique; 0 <= start < end <= the number of code
//     points of text (empty spans are refused); the label is an entity of s; Text
//     equals text's code points [start, end) exactly (no normalization). Spans may
//     overlap and nest.
//   - relations: the type is a relation type of s; head and tail are span ids, of
//     different spans, whose labels the type allows; no relation repeats another.
//   - events: the type is an event type of s; the trigger is a span id whose label is
//     the type's trigger label; every argument's role is a role of the type and its
//     span is a span id whose label the role allows; no (role, span) pair repeats.
//   - labels: each is a class of s, none repeats, and a single-label schema gets at
//     most one.
//
// A span whose label is unknown is reported once: the relations and events using it
// are not also reported for that label. Nothing stops at the first problem, so one
// call lists everything an annotator has to fix.
//
// s is assumed valid (see ValidateSchema); an invalid schema gives no panic, only
// possibly odd messages. The cost is linear in the sizes of text and a.
func ValidateAnnotation(s model.LabelSchema, text string, a model.Annotation) error {
	if p := AnnotationProblems(s, text, a); len(p) > 0 {
		return model.Errorf(model.EINVALID, "invalid annotation (%d %s): %s",
			len(p), plural(len(p), "problem", "problems"), strings.Join(p, "; "))
	}
	return nil
}

// AnnotationProblems returns the problems ValidateAnnotation reports, one string each
// with its path, in the order spans, relations, events, labels; nil when a is valid.
func AnnotationProblems(s model.LabelSchema, text string, a model.Annotation) []string {
	c := &annotationCheck{a: a, entities: make(map[string]bool, len(s.Entities)), spans: make(map[string]int, len(a.Spans))}
	for _, e := range s.Entities {
		c.entities[e] = true
	}
	c.checkSpans(newRuneIndex(text))
	c.checkRelations(s)
	c.checkEvents(s)
	c.checkLabels(s)
	return c.ps
}

// annotationCheck is one run of AnnotationProblems: the problems found so far,
// the schema's entity labels and the annotation's spans by id, which its
// relations and events refer to.
type annotationCheck struct {
	ps       problems
	a        model.Annotation
	entities map[string]bool
	spans    map[string]int // id -> first index
}

// checkSpans checks the spans' ids, offsets, labels and texts, and indexes
// them by id.
func (c *annotationCheck) checkSpans(idx runeIndex) {
	for i, sp := range c.a.Spans {
		path := at{"spans", i, sp.ID}
		if sp.ID == "" {
			c.ps.addAt(path, "id is empty")
		} else if j, dup := c.spans[sp.ID]; dup {
			c.ps.addAt(path, "id %q repeats spans[%d]", sp.ID, j)
		} else {
			c.spans[sp.ID] = i
		}
		inRange := true
		if sp.Start < 0 {
			c.ps.addAt(path, "start %d is negative", sp.Start)
			inRange = false
		}
		if sp.End <= sp.Start {
			c.ps.addAt(path, "end %d is not after start %d", sp.End, sp.Start)
			inRange = false
		}
		if sp.End > idx.n {
			c.ps.addAt(path, "end %d is beyond the text's %d code points", sp.End, idx.n)
			inRange = false
		}
		if sp.Label == "" {
			c.ps.addAt(path, "label is empty")
		} else if !c.entities[sp.Label] {
			c.ps.addAt(path, "unknown label %q", sp.Label)
		}
		if inRange {
			if got, _ := idx.slice(sp.Start, sp.End); got != sp.Text {
				c.ps.addAt(path, "text %s does not match the document's %s at [%d,%d)",
					quote(sp.Text), quote(got), sp.Start, sp.End)
			}
		}
	}
}

// labelOf returns the label of span id, whether the span exists, and whether its
// label is an entity (a span with an unknown label is reported once, by
// checkSpans, and not again for each relation or event using it).
func (c *annotationCheck) labelOf(id string) (label string, exists, known bool) {
	i, ok := c.spans[id]
	if !ok {
		return "", false, false
	}
	return c.a.Spans[i].Label, true, c.entities[c.a.Spans[i].Label]
}

// checkRelations checks each relation's type, ends and uniqueness.
func (c *annotationCheck) checkRelations(s model.LabelSchema) {
	relTypes := make(map[string]*model.RelationType, len(s.Relations))
	for i := range s.Relations {
		relTypes[s.Relations[i].Name] = &s.Relations[i]
	}
	type relKey struct{ t, h, tl string }
	seenRel := make(map[relKey]int, len(c.a.Relations))
	for i, r := range c.a.Relations {
		path := at{"relations", i, r.Type}
		rt := relTypes[r.Type]
		if r.Type == "" {
			c.ps.addAt(path, "type is empty")
		} else if rt == nil {
			c.ps.addAt(path, "unknown relation type %q", r.Type)
		}
		for _, end := range []struct {
			name, id string
			allowed  []string
		}{{"head", r.Head, headOf(rt)}, {"tail", r.Tail, tailOf(rt)}} {
			label, ok, known := c.labelOf(end.id)
			switch {
			case !ok:
				c.ps.addAt(path, "%s %q is not a span", end.name, end.id)
			case rt != nil && known && !allows(end.allowed, label):
				c.ps.addAt(path, "%s label %q not allowed (want %s)", end.name, label, strings.Join(end.allowed, " or "))
			}
		}
		if r.Head == r.Tail && r.Head != "" {
			c.ps.addAt(path, "head and tail are the same span %s", r.Head)
		}
		k := relKey{r.Type, r.Head, r.Tail}
		if j, dup := seenRel[k]; dup {
			c.ps.addAt(path, "repeats relations[%d]", j)
		} else {
			seenRel[k] = i
		}
	}

}

// checkEvents checks each event's type, trigger and arguments.
func (c *annotationCheck) checkEvents(s model.LabelSchema) {
	evTypes := make(map[string]*model.EventType, len(s.Events))
	for i := range s.Events {
		evTypes[s.Events[i].Name] = &s.Events[i]
	}
	for i, e := range c.a.Events {
		path := at{"events", i, e.Type}
		et := evTypes[e.Type]
		if e.Type == "" {
			c.ps.addAt(path, "type is empty")
		} else if et == nil {
			c.ps.addAt(path, "unknown event type %q", e.Type)
		}
		if label, ok, known := c.labelOf(e.Trigger); !ok {
			c.ps.addAt(path, "trigger %q is not a span", e.Trigger)
		} else if et != nil && known && label != et.Trigger {
			c.ps.addAt(path, "trigger span %s has label %s, want %s", e.Trigger, label, et.Trigger)
		}
		type argKey struct{ role, span string }
		seenArg := make(map[argKey]bool, len(e.Arguments))
		for _, arg := range e.Arguments {
			var role *model.EventRole
			if et != nil {
				for k := range et.Roles {
					if et.Roles[k].Name == arg.Role {
						role = &et.Roles[k]
						break
					}
				}
			}
			switch {
			case arg.Role == "":
				c.ps.addAt(path, "argument %q has an empty role", arg.Span)
			case et != nil && role == nil:
				c.ps.addAt(path, "role %q not in the event type", arg.Role)
			}
			label, ok, known := c.labelOf(arg.Span)
			switch {
			case !ok:
				c.ps.addAt(path, "argument %q of role %s is not a span", arg.Span, arg.Role)
			case role != nil && known && !allows(role.Labels, label):
				c.ps.addAt(path, "argument span %s has label %s, role %s wants %s", arg.Span, label, arg.Role, strings.Join(role.Labels, " or "))
			}
			k := argKey{arg.Role, arg.Span}
			if seenArg[k] {
				c.ps.addAt(path, "argument span %s repeats role %s", arg.Span, arg.Role)
			}
			seenArg[k] = true
		}
	}

}

// checkLabels checks the document classes against the schema's.
func (c *annotationCheck) checkLabels(s model.LabelSchema) {
	classes := make(map[string]bool, len(s.Classes))
	for _, c := range s.Classes {
		classes[c] = true
	}
	seenLabel := make(map[string]bool, len(c.a.Labels))
	for _, l := range c.a.Labels {
		if !classes[l] {
			c.ps.addAt(at{list: "labels", i: -1}, "%q is not a class", l)
		} else if seenLabel[l] {
			c.ps.addAt(at{list: "labels", i: -1}, "%q repeats", l)
		}
		seenLabel[l] = true
	}
	if !s.MultiLabel && len(c.a.Labels) > 1 {
		c.ps.addAt(at{list: "labels", i: -1}, "single-label schema, got %d", len(c.a.Labels))
	}
}

func headOf(rt *model.RelationType) []string {
	if rt == nil {
		return nil
	}
	return rt.Head
}

func tailOf(rt *model.RelationType) []string {
	if rt == nil {
		return nil
	}
	return rt.Tail
}

// allows reports whether label is in allowed; an empty list allows every label.
func allows(allowed []string, label string) bool {
	if len(allowed) == 0 {
		return true
	}
	for _, a := range allowed {
		if a == label {
			return true
		}
	}
	return false
}

// problems collects "path: message" strings.
type problems []string

func (p *problems) add(path, format string, args ...any) {
	*p = append(*p, path+": "+fmt.Sprintf(format, args...))
}

// at is a problem's path, formatted only when a problem is reported (validation of a
// valid annotation then formats nothing).
type at struct {
	list string
	i    int // -1: the list itself
	name string
}

func (p *problems) addAt(a at, format string, args ...any) {
	path := a.list
	if a.i >= 0 {
		path = pathOf(a.list, a.i, a.name)
	}
	p.add(path, format, args...)
}

// pathOf returns "list[i] (name)", or "list[i]" when name is empty.
func pathOf(list string, i int, name string) string {
	if name == "" {
		return fmt.Sprintf("%s[%d]", list, i)
	}
	return fmt.Sprintf("%s[%d] (%s)", list, i, name)
}

// quote returns s quoted, cut to 40 code points so one long span cannot flood a
// message.
func quote(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return fmt.Sprintf("%q", s)
	}
	cut, _ := Slice(s, 0, max)
	return fmt.Sprintf("%q…", cut)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

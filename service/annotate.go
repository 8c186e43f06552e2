package service

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/mms-platform/mms/annotate"
	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/service/internal/cache"
)

// AnnotationStore keeps label schemas, tasks, claims and annotations.
type AnnotationStore interface {
	CreateLabelSchema(ctx context.Context, s *model.LabelSchema) error
	LabelSchema(ctx context.Context, id string) (*model.LabelSchema, error)
	ListLabelSchemas(ctx context.Context, teams []string, after string, limit int) ([]*model.LabelSchema, int, error)
	CreateAnnotationTask(ctx context.Context, t *model.AnnotationTask, docs []string, suggestions [][]model.Suggestion) error
	AnnotationTask(ctx context.Context, id string) (*model.AnnotationTask, error)
	ListAnnotationTasks(ctx context.Context, teams []string, after string, limit int) ([]*model.AnnotationTask, int, error)
	TaskItems(ctx context.Context, task string, fn func(model.TaskItem) error) error
	TaskItem(ctx context.Context, task, doc string) (*model.TaskItem, error)
	// TaskItemAt returns the document of the item at seq; model.ENOTFOUND past the last.
	TaskItemAt(ctx context.Context, task string, seq int) (string, error)
	Claims(ctx context.Context, task, doc string, overlap int) ([]model.Claim, error)
	// Claim returns the claim on one slot; model.ENOTFOUND if it is free.
	Claim(ctx context.Context, task, doc string, s int) (*model.Claim, error)
	// ClaimSlot takes a slot by unique insert; when it does not, it returns the
	// claim that holds the slot (nil if none could be read).
	ClaimSlot(ctx context.Context, task, doc string, s int, annotator string, now, until time.Time, stale func(model.Claim) bool) (bool, *model.Claim, error)
	ExtendClaim(ctx context.Context, task, doc string, s int, annotator string, until time.Time) error
	ReleaseSlot(ctx context.Context, task, doc string, s int, annotator string) error
	// AddTake records that annotator took an item; model.ECONFLICT if it did before.
	AddTake(ctx context.Context, task, doc, annotator string, s int, at time.Time) error
	// Take returns that record; model.ENOTFOUND if none.
	Take(ctx context.Context, task, doc, annotator string) (*model.Take, error)
	// OpenClaim, CloseClaim and OpenClaims keep the task's claims not yet submitted.
	OpenClaim(ctx context.Context, task, doc string, seq, s int, annotator string, until time.Time) error
	CloseClaim(ctx context.Context, task, doc string, s int, annotator string) error
	OpenClaims(ctx context.Context, task string) ([]model.OpenClaim, error)
	AnnotatorCursor(ctx context.Context, task, annotator string) (*model.AnnotatorCursor, error)
	SaveAnnotatorCursor(ctx context.Context, c *model.AnnotatorCursor) error
	// TaskFrontier is a hint: every item below it was seen with all slots claimed.
	TaskFrontier(ctx context.Context, task string) (int, error)
	AdvanceFrontier(ctx context.Context, task string, pos int) error
	Annotation(ctx context.Context, task, doc, annotator string) (*model.Annotation, error)
	// SaveAnnotation stores a.Version; model.ECONFLICT if that version exists.
	SaveAnnotation(ctx context.Context, a *model.Annotation) error
	TaskAnnotations(ctx context.Context, task string, fn func(*model.Annotation) error) error
	ItemAnnotations(ctx context.Context, task, doc string) ([]*model.Annotation, error)
}

// Annotation limits.
const (
	annotationLease = 30 * time.Minute
	maxTaskItems    = 1_000_000
	maxOverlap      = 10
	maxSpans        = 2000
	maxTerms        = 200_000
)

// annotationCache keeps label schemas and task definitions this instance read.
// Both are immutable once created (there is no update or delete of either), so
// a copy read from the store stays right on every instance; only found ones
// are cached, so a new schema or task is seen at once everywhere.
type annotationCache struct {
	tasks   cache.Map[string, *model.AnnotationTask]
	schemas cache.Map[string, *model.LabelSchema]
}

// maxCachedAnnotation bounds each map.
const maxCachedAnnotation = 4096

// cachedTask returns a task definition, from the cache when it is there.
func (s *Service) cachedTask(ctx context.Context, id string) (*model.AnnotationTask, error) {
	t, ok := s.annotations.tasks.Get(id)
	if !ok {
		var err error
		if t, err = s.Annotations.AnnotationTask(ctx, id); err != nil {
			return nil, err
		}
		s.annotations.tasks.Put(id, t, maxCachedAnnotation)
	}
	cp := *t // callers get their own copy of the top level
	return &cp, nil
}

// cachedSchema returns a label schema, from the cache when it is there; it is
// shared, so callers must not modify it.
func (s *Service) cachedSchema(ctx context.Context, id string) (*model.LabelSchema, error) {
	if ls, ok := s.annotations.schemas.Get(id); ok {
		return ls, nil
	}
	ls, err := s.Annotations.LabelSchema(ctx, id)
	if err != nil {
		return nil, err
	}
	s.annotations.schemas.Put(id, ls, maxCachedAnnotation)
	return ls, nil
}

// CreateLabelSchema stores a label schema (write on schema/<id> in the team).
func (s *Service) CreateLabelSchema(ctx context.Context, in model.LabelSchemaInput) (*model.LabelSchema, error) {
	if err := checkSlug("schema", in.ID); err != nil {
		return nil, err
	}
	ls := &model.LabelSchema{
		ID: in.ID, Team: in.Team, Entities: in.Entities, Classes: in.Classes, CreatedAt: s.now(),
		Relations: []model.RelationType{}, Events: []model.EventType{},
	}
	if ls.Classes == nil {
		ls.Classes = []string{}
	}
	if in.MultiLabel != nil {
		ls.MultiLabel = *in.MultiLabel
	}
	for _, r := range in.Relations {
		ls.Relations = append(ls.Relations, model.RelationType{Name: r.Name, Head: nonNil(r.Head), Tail: nonNil(r.Tail)})
	}
	for _, e := range in.Events {
		et := model.EventType{Name: e.Name, Trigger: e.Trigger}
		for _, r := range e.Roles {
			et.Roles = append(et.Roles, model.EventRole{Name: r.Name, Labels: nonNil(r.Labels)})
		}
		ls.Events = append(ls.Events, et)
	}
	err := s.mutate(ctx, auth.ActWrite, in.Team, "schema/"+in.ID, "create label schema", func() error {
		if err := annotate.ValidateSchema(*ls); err != nil {
			return err
		}
		if _, err := s.Teams.Team(ctx, in.Team); err != nil {
			return err
		}
		if err := s.Annotations.CreateLabelSchema(ctx, ls); err != nil {
			if model.ErrorCode(err) == model.ECONFLICT {
				return model.Errorf(model.ECONFLICT, "label schema %q already exists", in.ID)
			}
			return err
		}
		return nil
	})
	return ls, err
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// LabelSchema returns a schema (read on schema/<id>).
func (s *Service) LabelSchema(ctx context.Context, id string) (*model.LabelSchema, error) {
	nf := notFound("label schema", id)
	ls, err := s.Annotations.LabelSchema(ctx, id)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActRead, auth.AllTeams, "schema/"+id, nf)
		}
		return nil, err
	}
	if err := s.authorizeOr(ctx, auth.ActRead, ls.Team, "schema/"+id, nf); err != nil {
		return nil, err
	}
	return ls, nil
}

// LabelSchemas lists the label schemas the caller may read (read on schema/*
// in its teams; every team's for admins), by id.
func (s *Service) LabelSchemas(ctx context.Context, first *int, after *string) (*model.LabelSchemaConnection, error) {
	p, err := listReadable(ctx, s, "schema", first, after, s.Annotations.ListLabelSchemas, func(l *model.LabelSchema) string { return l.ID })
	if err != nil {
		return nil, err
	}
	conn := &model.LabelSchemaConnection{Edges: make([]*model.LabelSchemaEdge, len(p.items)), PageInfo: p.info, TotalCount: p.total}
	for i, l := range p.items {
		conn.Edges[i] = &model.LabelSchemaEdge{Cursor: p.cursors[i], Node: l}
	}
	return conn, nil
}

// CreateAnnotationTask selects documents of a dataset and pre-annotates them
// (read on the dataset, write on task/<id> in its team).
func (s *Service) CreateAnnotationTask(ctx context.Context, in model.AnnotationTaskInput) (*model.AnnotationTask, error) {
	if err := checkSlug("task", in.ID); err != nil {
		return nil, err
	}
	d, sc, err := s.readDataset(ctx, in.Dataset)
	if err != nil {
		return nil, err
	}
	// The text and the selection are read with the caller's view: a field it
	// may not see (hidden or masked) is refused, audited.
	paths := []string{in.TextField}
	for _, w := range in.Where {
		if w != nil {
			paths = append(paths, w.Field)
		}
	}
	if err := s.checkFields(ctx, d, sc, "annotation task", paths); err != nil {
		return nil, err
	}
	sens, err := s.taskSensitiveFields(ctx, d, in)
	if err != nil {
		return nil, err
	}
	if err := s.allowSensitiveText(ctx, d, in, sens); err != nil {
		return nil, err
	}
	t := &model.AnnotationTask{
		ID: in.ID, Team: d.Team, Dataset: d.ID, Schema: in.Schema, TextField: in.TextField, Annotators: nonNil(in.Annotators),
		Overlap: 1, Guidelines: in.Guidelines, CreatedBy: model.PrincipalFromContext(ctx).ID, CreatedAt: s.now(),
		Gazetteer: []model.GazetteerEntry{}, Patterns: []model.PatternRule{},
	}
	if in.Overlap != nil {
		t.Overlap = *in.Overlap
	}
	if len(sens) > 0 {
		t.SensitiveFields, t.AllowSensitiveText = sens, true
	}
	err = s.mutate(ctx, auth.ActWrite, d.Team, "task/"+in.ID, "create annotation task on dataset "+d.ID, func() error {
		if t.Overlap < 1 || t.Overlap > maxOverlap {
			return model.Errorf(model.EINVALID, "overlap must be between 1 and %d", maxOverlap)
		}
		if err := needSensitiveDecision(d, in, sens); err != nil {
			return err
		}
		if err := checkPath(d, in.TextField); err != nil {
			return err
		}
		ls, err := s.Annotations.LabelSchema(ctx, in.Schema)
		if err != nil {
			return err
		}
		if ls.Team != d.Team {
			return model.Errorf(model.EINVALID, "label schema %q belongs to team %q, the dataset to %q", ls.ID, ls.Team, d.Team)
		}
		docs, texts, version, err := s.selectItems(ctx, d, sc.rows, in)
		if err != nil {
			return err
		}
		t.DatasetVersion = &version
		pre, err := s.preannotator(ctx, ls, in, t)
		if err != nil {
			return err
		}
		sugs := make([][]model.Suggestion, len(docs))
		for i, text := range texts {
			sugs[i] = []model.Suggestion{}
			for j, sg := range pre.Suggest(text) {
				ms := model.Suggestion{ID: fmt.Sprintf("g%d", j+1), Span: sg.Span, Source: sg.Source, Rule: sg.Rule, Status: "pending"}
				ms.Span.ID = ms.ID
				sugs[i] = append(sugs[i], ms)
			}
		}
		t.Items = len(docs)
		return s.Annotations.CreateAnnotationTask(ctx, t, docs, sugs)
	})
	if err == nil && len(sens) > 0 {
		// The owner's decision, as its own record.
		err = s.record(ctx, ActGrantSensitiveText, d.Team, "task/"+t.ID, model.DecisionAllow, fmt.Sprintf(
			"annotators %s may read sensitive fields (%s) of dataset %s in task %s",
			truncate(strings.Join(t.Annotators, ", "), 200), strings.Join(sens, ", "), d.ID, t.ID))
	}
	if t.SensitiveFields == nil {
		t.SensitiveFields = []string{}
	}
	return t, err
}

// selectItems picks the task's documents: those matching where, then a seeded
// random sample of them when sample is set. Documents without text are skipped.
// Only rows within the creator's view (rows) are drawn: the store evaluates
// them with the selection. The candidates (keys and texts, in key order) are
// read from the snapshot of the dataset's current version, which it returns.
func (s *Service) selectItems(ctx context.Context, d *model.Dataset, rows []model.FieldFilter, in model.AnnotationTaskInput) (keys, texts []string, version int, err error) {
	where, err := typedFilters(d, in.Where)
	if err != nil {
		return nil, nil, 0, err
	}
	add := func(key string, fields map[string]any) error {
		if text, ok := lookupText(fields, in.TextField); ok {
			keys, texts = append(keys, key), append(texts, text)
		}
		if len(keys) > maxTaskItems {
			return model.Errorf(model.EINVALID, "more than %d items: narrow the selection with where or sample", maxTaskItems)
		}
		return nil
	}
	if s.Snapshots == nil {
		version = d.Version
		err = s.Docs.ScanDocumentsWhere(ctx, d.ID, slices.Concat(where, rows), func(doc *model.Document) error {
			return add(doc.Key, doc.Fields)
		})
	} else {
		top, _, _ := strings.Cut(in.TextField, ".")
		version, err = s.snapshotRows(ctx, d.ID, &scope{rows: rows}, where, []string{top}, add)
	}
	if err != nil {
		return nil, nil, 0, err
	}
	if in.Sample != nil {
		n := *in.Sample
		if n < 1 {
			return nil, nil, 0, model.Errorf(model.EINVALID, "sample must be at least 1")
		}
		seed := uint64(0)
		if in.Seed != nil {
			seed = uint64(*in.Seed)
		}
		r := rand.New(rand.NewPCG(seed, 0x6d6d73))
		idx := r.Perm(len(keys))
		if n < len(idx) {
			idx = idx[:n]
		}
		slices.Sort(idx)
		k2, t2 := make([]string, len(idx)), make([]string, len(idx))
		for i, j := range idx {
			k2[i], t2[i] = keys[j], texts[j]
		}
		keys, texts = k2, t2
	}
	if len(keys) == 0 {
		return nil, nil, 0, model.Errorf(model.EINVALID, "the selection has no document with text in %q", in.TextField)
	}
	return keys, texts, version, nil
}

func lookupText(fields map[string]any, path string) (string, bool) {
	var cur any = fields
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return "", false
		}
		cur = m[p]
	}
	s, ok := cur.(string)
	return s, ok && s != ""
}

// preannotator builds the task's gazetteer and regex rules; terms may come from
// structured data (a dataset's keys or a field's values), read with the caller's
// permission.
func (s *Service) preannotator(ctx context.Context, ls *model.LabelSchema, in model.AnnotationTaskInput, t *model.AnnotationTask) (*annotate.Preannotator, error) {
	entries := map[string][]string{}
	for _, g := range in.Gazetteer {
		if !slices.Contains(ls.Entities, g.Label) {
			return nil, model.Errorf(model.EINVALID, "gazetteer label %q is not an entity of schema %q", g.Label, ls.ID)
		}
		terms := append([]string{}, g.Terms...)
		if g.Dataset != nil {
			// The terms end up in the task: take them only from what the caller
			// may see of the source (a share's fields and rows, unmasked values).
			src, sc, err := s.readDataset(ctx, *g.Dataset)
			if err != nil {
				return nil, err
			}
			if g.Field != nil {
				if err := s.checkFields(ctx, src, sc, "gazetteer", []string{*g.Field}); err != nil {
					return nil, err
				}
			}
			add := func(key string, fields map[string]any) error {
				if g.Field == nil {
					terms = append(terms, key)
				} else if v, ok := fields[*g.Field].(string); ok && v != "" {
					terms = append(terms, v)
				}
				if len(terms) > maxTerms {
					return model.Errorf(model.EINVALID, "gazetteer %q has more than %d terms", g.Label, maxTerms)
				}
				return nil
			}
			var names []string
			if g.Field != nil {
				names = []string{*g.Field}
			}
			if s.Snapshots == nil {
				err = s.Docs.ScanDocumentsWhere(ctx, src.ID, sc.rows, func(doc *model.Document) error { return add(doc.Key, doc.Fields) })
			} else {
				_, err = s.snapshotRows(ctx, src.ID, sc, nil, names, add)
			}
			if err != nil {
				return nil, err
			}
		}
		entries[g.Label] = append(entries[g.Label], terms...)
	}
	for label, terms := range entries {
		slices.Sort(terms)
		t.Gazetteer = append(t.Gazetteer, model.GazetteerEntry{Label: label, Terms: slices.Compact(terms)})
	}
	slices.SortFunc(t.Gazetteer, func(a, b model.GazetteerEntry) int { return strings.Compare(a.Label, b.Label) })
	for _, p := range in.Patterns {
		if !slices.Contains(ls.Entities, p.Label) {
			return nil, model.Errorf(model.EINVALID, "pattern label %q is not an entity of schema %q", p.Label, ls.ID)
		}
		t.Patterns = append(t.Patterns, model.PatternRule{Label: p.Label, Pattern: p.Pattern})
	}
	return newPreannotator(t)
}

// newPreannotator compiles a task's gazetteer and regex rules. Bad patterns are
// BAD_USER_INPUT.
func newPreannotator(t *model.AnnotationTask) (*annotate.Preannotator, error) {
	lists := make([]annotate.TermList, len(t.Gazetteer))
	for i, g := range t.Gazetteer {
		lists[i] = annotate.TermList{Label: g.Label, Terms: g.Terms}
	}
	rules := make([]annotate.RegexRule, len(t.Patterns))
	for i, p := range t.Patterns {
		rules[i] = annotate.RegexRule{Label: p.Label, Pattern: p.Pattern}
	}
	return annotate.NewPreannotator(lists, rules)
}

package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// Sensitive text in annotation tasks. A task whose items come from a sensitive
// field (its text field, a where filter, a gazetteer field) shows values of it
// to whoever reads its text. Creating one needs an explicit decision,
// allowSensitiveText, which only a caller with owner rights (share) and
// read-sensitive on the dataset may take, naming the annotators; it is audited
// as its own record (action grant-sensitive-text).
//
// The text of such a task (items, suggestions, spans, review views, every
// export format, imports, which compare texts) is read only by callers with
// read-sensitive on the dataset and, when the owner allowed it, by the task's
// listed annotators, for annotating that task only (not its exports or review
// views). Everyone else is refused (FORBIDDEN,
// audited): nothing is served masked, so an export is whole or refused.

// ActGrantSensitiveText is the audit action of the decision.
const ActGrantSensitiveText = "grant-sensitive-text"

// taskSensitiveFields lists the sensitive fields a task being created draws
// from: its text field, the fields of its where filters, and gazetteer fields
// (as "<dataset>.<field>" for another dataset).
func (s *Service) taskSensitiveFields(ctx context.Context, d *model.Dataset, in model.AnnotationTaskInput) ([]string, error) {
	var out []string
	add := func(name string) {
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	sensitive := func(ds *model.Dataset, path string) bool {
		top, _, _ := strings.Cut(path, ".")
		f := fieldSpec(ds, top)
		return f != nil && f.Sensitive
	}
	if sensitive(d, in.TextField) {
		top, _, _ := strings.Cut(in.TextField, ".")
		add(top)
	}
	for _, w := range in.Where {
		if w != nil && sensitive(d, w.Field) {
			top, _, _ := strings.Cut(w.Field, ".")
			add(top)
		}
	}
	for _, g := range in.Gazetteer {
		if g == nil || g.Dataset == nil || g.Field == nil {
			continue
		}
		// The caller must see the field (as preannotator checks again).
		src, sc, err := s.readDataset(ctx, *g.Dataset)
		if err != nil {
			return nil, err
		}
		if err := s.checkFields(ctx, src, sc, "gazetteer", []string{*g.Field}); err != nil {
			return nil, err
		}
		if sensitive(src, *g.Field) {
			if src.ID == d.ID {
				add(*g.Field)
			} else {
				add(src.ID + "." + *g.Field)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// allowSensitiveText checks who takes the decision allowSensitiveText for a
// new task drawing from the sensitive fields sens: a caller with owner rights
// (share) and read-sensitive on the dataset; anyone else is refused
// (FORBIDDEN, audited as grant-sensitive-text).
func (s *Service) allowSensitiveText(ctx context.Context, d *model.Dataset, in model.AnnotationTaskInput, sens []string) error {
	if len(sens) == 0 || in.AllowSensitiveText == nil || !*in.AllowSensitiveText {
		return nil
	}
	p := model.PrincipalFromContext(ctx)
	owner, err := s.Authz.Allowed(p, d.Team, "dataset/"+d.ID, auth.ActShare)
	if err != nil {
		return err
	}
	reads, err := s.readsSensitive(ctx, d.Team, d.ID)
	if err != nil {
		return err
	}
	if !owner || !reads {
		return s.deny(ctx, ActGrantSensitiveText, d.Team, "task/"+in.ID, fmt.Sprintf(
			"allowSensitiveText on task %s: letting annotators read sensitive fields (%s) of dataset %s is an owner's decision (OWNER or ADMIN with read-sensitive on the dataset)",
			in.ID, strings.Join(sens, ", "), d.ID))
	}
	return nil
}

// needSensitiveDecision refuses (BAD_USER_INPUT) a task drawing from the
// sensitive fields sens without the owner's decision, or with it but without
// listed annotators.
func needSensitiveDecision(d *model.Dataset, in model.AnnotationTaskInput, sens []string) error {
	if len(sens) == 0 {
		return nil
	}
	if in.AllowSensitiveText == nil || !*in.AllowSensitiveText {
		return model.Errorf(model.EINVALID, "task %s would show sensitive fields (%s) of dataset %s to its annotators: an owner of the dataset must allow it with allowSensitiveText: true and list the annotators, or pick fields that are not sensitive",
			in.ID, strings.Join(sens, ", "), d.ID)
	}
	if len(in.Annotators) == 0 {
		return model.Errorf(model.EINVALID, "allowSensitiveText on task %s: list the annotators who may read the sensitive text in annotators", in.ID)
	}
	return nil
}

// taskSensitive returns the sensitive fields task t draws from: those recorded
// at creation and its text field if the schema marks it sensitive now.
func (s *Service) taskSensitive(ctx context.Context, t *model.AnnotationTask) ([]string, *model.Dataset, error) {
	sens := append([]string{}, t.SensitiveFields...)
	d, err := s.cachedDataset(ctx, t.Dataset)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return sens, nil, nil
		}
		return nil, nil, err
	}
	top, _, _ := strings.Cut(t.TextField, ".")
	if f := fieldSpec(d, top); f != nil && f.Sensitive && !slices.Contains(sens, top) {
		sens = append(sens, top)
	}
	return sens, d, nil
}

// taskTextAccess decides whether the caller may read task t's text (and
// whatever holds it: suggestions, spans, exports): always for a task drawing
// from no sensitive field; else with read-sensitive on the dataset, or, when
// annotating (the items handed to it, its saves), as a listed annotator of a
// task an owner allowed: the grant is for annotating that task, not for bulk
// exports or review. A refusal is FORBIDDEN and audited. Every path that reads
// a task's text calls it (itemText as well, as the last line).
func (s *Service) taskTextAccess(ctx context.Context, t *model.AnnotationTask, annotating bool) error {
	sens, d, err := s.taskSensitive(ctx, t)
	if err != nil || len(sens) == 0 {
		return err
	}
	team := t.Team
	if d != nil {
		team = d.Team
	}
	ok, err := s.readsSensitive(ctx, team, t.Dataset)
	if err != nil || ok {
		return err
	}
	p := model.PrincipalFromContext(ctx)
	if annotating && t.AllowSensitiveText && !p.Anonymous && slices.Contains(t.Annotators, p.ID) {
		return nil
	}
	return s.deny(ctx, auth.ActRead, t.Team, "task/"+t.ID, fmt.Sprintf(
		"task %s shows sensitive fields (%s) of dataset %s: its text is for callers with read-sensitive on the dataset, and for annotating by the annotators an owner allowed",
		t.ID, strings.Join(sens, ", "), t.Dataset))
}

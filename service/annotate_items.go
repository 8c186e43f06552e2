package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mms-platform/mms/annotate"
	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// annotationTask returns a task after checking act on it.
func (s *Service) annotationTask(ctx context.Context, id, act string) (*model.AnnotationTask, error) {
	nf := notFound("task", id)
	t, err := s.cachedTask(ctx, id)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, act, auth.AllTeams, "task/"+id, nf)
		}
		return nil, err
	}
	if err := s.authorizeOr(ctx, act, t.Team, "task/"+id, nf); err != nil {
		return nil, err
	}
	return t, nil
}

// AnnotationTask returns a task (read on it).
func (s *Service) AnnotationTask(ctx context.Context, id string) (*model.AnnotationTask, error) {
	return s.annotationTask(ctx, id, auth.ActRead)
}

// AnnotationTasks lists the tasks the caller may read.
func (s *Service) AnnotationTasks(ctx context.Context, first *int, after *string) (*model.AnnotationTaskConnection, error) {
	p, err := listReadable(ctx, s, "task", first, after, s.Annotations.ListAnnotationTasks, func(t *model.AnnotationTask) string { return t.ID })
	if err != nil {
		return nil, err
	}
	conn := &model.AnnotationTaskConnection{Edges: make([]*model.AnnotationTaskEdge, len(p.items)), PageInfo: p.info, TotalCount: p.total}
	for i, t := range p.items {
		conn.Edges[i] = &model.AnnotationTaskEdge{Cursor: p.cursors[i], Node: t}
	}
	return conn, nil
}

// annotatorOf checks that the caller may annotate the task and returns its id.
func (s *Service) annotatorOf(ctx context.Context, taskID string) (*model.AnnotationTask, string, error) {
	t, err := s.annotationTask(ctx, taskID, auth.ActAnnotate)
	if err != nil {
		return nil, "", err
	}
	who := model.PrincipalFromContext(ctx).ID
	if len(t.Annotators) > 0 && !slices.Contains(t.Annotators, who) {
		return nil, "", s.deny(ctx, auth.ActAnnotate, t.Team, "task/"+t.ID, fmt.Sprintf("%s is not an annotator of task %s", who, t.ID))
	}
	// Annotating reads the text (and a save compares span texts with it).
	if err := s.taskTextAccess(ctx, t, true); err != nil {
		return nil, "", err
	}
	return t, who, nil
}

// taskForText returns a task after checking act on it and that the caller may
// read its text (taskTextAccess).
func (s *Service) taskForText(ctx context.Context, id, act string) (*model.AnnotationTask, error) {
	t, err := s.annotationTask(ctx, id, act)
	if err != nil {
		return nil, err
	}
	if err := s.taskTextAccess(ctx, t, false); err != nil {
		return nil, err
	}
	return t, nil
}

// itemText reads an item's text from its dataset document, for a caller that
// may read it (taskTextAccess: checked on entry by every path, again here).
func (s *Service) itemText(ctx context.Context, t *model.AnnotationTask, doc string) (string, error) {
	if err := s.taskTextAccess(ctx, t, true); err != nil {
		return "", err
	}
	d, err := s.Docs.Document(ctx, t.Dataset, doc)
	if err != nil {
		return "", err
	}
	text, _ := lookupText(d.Fields, t.TextField)
	return text, nil
}

// NextAnnotationItem hands the caller the next item it should annotate: the one
// it holds and has not submitted, else the next item of its walk through the
// task with a free slot (overlap slots per item; a slot whose lease lapsed
// before submission is free again). Slots are taken by unique insert, so two
// annotators never share one, and an annotator takes an item at most once (a
// unique take record). It returns nil when nothing is left for the caller.
//
// The cost does not grow with the task: each annotator keeps its place (a
// cursor, by _id), the task a frontier below which every item was seen full,
// and the item at a position is one lookup by _id. A slot whose lease lapsed in
// an item the walk skipped (or jumped over) is found once the walk has reached
// the end, among the task's open (not submitted) claims, which are few; and not
// before the earliest lease seen there can have lapsed. Claims taken before
// open claims were recorded are not found that way.
func (s *Service) NextAnnotationItem(ctx context.Context, taskID string) (*model.AnnotationItem, error) {
	t, who, err := s.annotatorOf(ctx, taskID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	until := now.Add(annotationLease)
	var cur *model.AnnotatorCursor
	var front int
	if err := parallel(
		func() (err error) { cur, err = s.Annotations.AnnotatorCursor(ctx, t.ID, who); return },
		func() (err error) { front, err = s.Annotations.TaskFrontier(ctx, t.ID); return },
	); err != nil {
		return nil, err
	}
	saved := *cur
	if cur.Doc != "" {
		held, err := s.stillHeld(ctx, t, cur.Doc, cur.Slot, who)
		if err != nil {
			return nil, err
		}
		if held {
			if err := s.Annotations.ExtendClaim(ctx, t.ID, cur.Doc, cur.Slot, who, until); err != nil {
				return nil, err
			}
			return s.itemAt(ctx, t, cur.Doc, who, until)
		}
		cur.Doc, cur.Slot = "", 0
	}
	tk := &taker{ctx: ctx, s: s, t: t, who: who, now: now, until: until}
	// The forward walk; it moves the frontier over the full items it finds
	// right at it.
	start := max(cur.Pos, front)
	newFront := front
	for p := start; p < t.Items && cur.Doc == ""; p++ {
		doc, err := s.Annotations.TaskItemAt(ctx, t.ID, p)
		if err != nil {
			return nil, err
		}
		r, err := tk.take(ctx, doc, p, false)
		if err != nil {
			return nil, err
		}
		cur.Pos = p + 1
		if r.taken {
			cur.Doc, cur.Slot = doc, r.slot
		} else if r.full && newFront == p {
			newFront = p + 1
		}
	}
	if newFront > front {
		if err := s.Annotations.AdvanceFrontier(ctx, t.ID, newFront); err != nil {
			return nil, err
		}
	}
	// The sweep, once the walk is at the end: slots whose lease lapsed, found
	// among the task's open (not submitted) claims, in items the caller skipped
	// or jumped over. Not before the earliest lease it saw can have lapsed.
	if cur.Doc == "" && cur.Pos >= t.Items && !now.Before(cur.SweepAfter) {
		open, err := s.Annotations.OpenClaims(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		var lapse time.Time
		for _, o := range open {
			if o.Annotator == who {
				continue
			}
			if o.Until.After(now) {
				if lapse.IsZero() || o.Until.Before(lapse) {
					lapse = o.Until
				}
				continue
			}
			r, err := tk.take(ctx, o.Doc, o.Seq, true)
			if err != nil {
				return nil, err
			}
			if r.taken {
				cur.Doc, cur.Slot = o.Doc, r.slot
				break
			}
			if !r.lapse.IsZero() && (lapse.IsZero() || r.lapse.Before(lapse)) {
				lapse = r.lapse
			}
		}
		switch {
		case cur.Doc != "": // look again at once next time
		case lapse.IsZero(): // no lease the caller waits on: only new leases (which start after now) could lapse
			cur.SweepAfter = now.Add(annotationLease)
		default:
			cur.SweepAfter = lapse
		}
	}
	if !sameCursor(&saved, cur) {
		if err := s.Annotations.SaveAnnotatorCursor(ctx, cur); err != nil {
			return nil, err
		}
	}
	if cur.Doc == "" {
		return nil, nil
	}
	return s.itemAt(ctx, t, cur.Doc, who, until)
}

func sameCursor(a, b *model.AnnotatorCursor) bool {
	return a.Pos == b.Pos && a.Doc == b.Doc && a.Slot == b.Slot && a.SweepAfter.Equal(b.SweepAfter)
}

// stillHeld reports whether who still holds slot of doc and has not submitted it.
func (s *Service) stillHeld(ctx context.Context, t *model.AnnotationTask, doc string, slot int, who string) (bool, error) {
	var c *model.Claim
	var a *model.Annotation
	err := parallel(
		func() (err error) { c, err = orNotFound(s.Annotations.Claim(ctx, t.ID, doc, slot)); return },
		func() (err error) { a, err = orNotFound(s.Annotations.Annotation(ctx, t.ID, doc, who)); return },
	)
	return err == nil && c != nil && c.Annotator == who && (a == nil || a.Status != model.AnnotationSubmitted), err
}

// taker takes slots of items for one annotator in one call.
type taker struct {
	ctx        context.Context
	s          *Service
	t          *model.AnnotationTask
	who        string
	now, until time.Time
}

type takeResult struct {
	taken bool
	slot  int
	// full: every slot is held by others. lapse: the earliest time a lease
	// that keeps the caller out of the item ends (zero if none can).
	full  bool
	lapse time.Time
}

// stale reports whether a claim's lease lapsed before its holder submitted.
func (k *taker) stale(c model.Claim) bool {
	if !c.Until.Before(k.now) {
		return false
	}
	doc := strings.TrimPrefix(c.ID, k.t.ID+"#")
	doc = doc[:max(0, strings.LastIndex(doc, "#"))]
	a, err := k.s.Annotations.Annotation(k.ctx, k.t.ID, doc, c.Annotator)
	return err != nil || a.Status != model.AnnotationSubmitted
}

// take tries the slots of one item. A sweep first skips items the caller took
// before; the forward walk only meets them when a concurrent call of the same
// annotator took the item, and then hands it the same slot.
func (k *taker) take(ctx context.Context, doc string, seq int, sweep bool) (takeResult, error) {
	s, t := k.s, k.t
	if sweep {
		if _, err := s.Annotations.Take(ctx, t.ID, doc, k.who); err == nil {
			return takeResult{}, nil
		} else if model.ErrorCode(err) != model.ENOTFOUND {
			return takeResult{}, err
		}
	}
	r := takeResult{full: true}
	for slot := 0; slot < t.Overlap; slot++ {
		ok, holder, err := s.Annotations.ClaimSlot(ctx, t.ID, doc, slot, k.who, k.now, k.until, k.stale)
		if err != nil {
			return r, err
		}
		if ok {
			err := s.Annotations.AddTake(ctx, t.ID, doc, k.who, slot, k.now)
			if model.ErrorCode(err) == model.ECONFLICT { // took this item before
				return takeResult{}, s.Annotations.ReleaseSlot(ctx, t.ID, doc, slot, k.who)
			}
			if err == nil {
				err = s.Annotations.OpenClaim(ctx, t.ID, doc, seq, slot, k.who, k.until)
			}
			return takeResult{taken: true, slot: slot}, err
		}
		if holder == nil {
			r.full = false
			continue
		}
		if holder.Annotator == k.who {
			// Taken by the same annotator in a concurrent call, or before take
			// records were kept: the caller's unless it submitted it.
			a, err := orNotFound(s.Annotations.Annotation(ctx, t.ID, doc, k.who))
			if err != nil || a != nil && a.Status == model.AnnotationSubmitted {
				return takeResult{}, err
			}
			if err := s.Annotations.AddTake(ctx, t.ID, doc, k.who, slot, holder.At); err != nil && model.ErrorCode(err) != model.ECONFLICT {
				return takeResult{}, err
			}
			return takeResult{taken: true, slot: slot}, nil
		}
		if holder.Until.After(k.now) && (r.lapse.IsZero() || holder.Until.Before(r.lapse)) {
			r.lapse = holder.Until
		}
	}
	return r, nil
}

// orNotFound turns a model.ENOTFOUND into a nil result.
func orNotFound[T any](v *T, err error) (*T, error) {
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil, nil
	}
	return v, err
}

// parallel runs independent store calls at once and returns the first error.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns[1:] {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i+1] = fn() }()
	}
	errs[0] = fns[0]()
	wg.Wait()
	return errors.Join(errs...)
}

func slotOf(claimID string) int {
	var n int
	_, _ = fmt.Sscan(claimID[strings.LastIndex(claimID, "#")+1:], &n)
	return n
}

// itemAt reads an item and assembles what who sees of it.
func (s *Service) itemAt(ctx context.Context, t *model.AnnotationTask, doc, who string, lease time.Time) (*model.AnnotationItem, error) {
	it, err := s.Annotations.TaskItem(ctx, t.ID, doc)
	if err != nil {
		return nil, err
	}
	return s.itemFor(ctx, t, it, who, lease)
}

// itemFor assembles what an annotator sees of an item: its text only, the
// caller's annotation, and the suggestions with the caller's decisions.
func (s *Service) itemFor(ctx context.Context, t *model.AnnotationTask, it *model.TaskItem, who string, lease time.Time) (*model.AnnotationItem, error) {
	var text string
	var a *model.Annotation
	if err := parallel(
		func() (err error) { text, err = s.itemText(ctx, t, it.Document); return },
		func() (err error) { a, err = orNotFound(s.Annotations.Annotation(ctx, t.ID, it.Document, who)); return },
	); err != nil {
		return nil, err
	}
	item := &model.AnnotationItem{Task: t.ID, Document: it.Document, Text: text, LeaseUntil: &lease, Suggestions: []model.Suggestion{}, Annotation: a}
	for _, sg := range it.Suggestions {
		if a != nil && a.Decisions[sg.ID] != "" {
			sg.Status = a.Decisions[sg.ID]
		}
		item.Suggestions = append(item.Suggestions, sg)
	}
	return item, nil
}

// myClaim returns who's claim on a slot of the item, or nil: found through the
// take record (one lookup), else (items taken before take records were kept)
// by looking at every slot.
func (s *Service) myClaim(ctx context.Context, t *model.AnnotationTask, doc, who string, tk *model.Take) (*model.Claim, error) {
	if tk != nil {
		c, err := orNotFound(s.Annotations.Claim(ctx, t.ID, doc, tk.Slot))
		if err != nil || c != nil && c.Annotator == who {
			return c, err
		}
	}
	claims, err := s.Annotations.Claims(ctx, t.ID, doc, t.Overlap)
	if err != nil {
		return nil, err
	}
	for _, c := range claims {
		if c.Annotator == who {
			return &c, nil
		}
	}
	return nil, nil
}

// itemState is what a save of who's annotation of an item reads first, at once.
type itemState struct {
	prev  *model.Annotation // who's current version (nil: none)
	text  string
	take  *model.Take  // nil: who never took the item (or before take records)
	claim *model.Claim // who's claim, when it was read
}

func (s *Service) readItemState(ctx context.Context, t *model.AnnotationTask, doc, who string, withTake bool) (*itemState, error) {
	st := &itemState{}
	fns := []func() error{
		func() (err error) { st.prev, err = orNotFound(s.Annotations.Annotation(ctx, t.ID, doc, who)); return },
		func() (err error) { st.text, err = s.itemText(ctx, t, doc); return },
	}
	if withTake {
		fns = append(fns, func() (err error) { st.take, err = orNotFound(s.Annotations.Take(ctx, t.ID, doc, who)); return })
	}
	return st, parallel(fns...)
}

// holdsItem reports whether who holds a slot of the item or has annotated it.
func (s *Service) holdsItem(ctx context.Context, t *model.AnnotationTask, doc, who string) (bool, error) {
	var a *model.Annotation
	var tk *model.Take
	if err := parallel(
		func() (err error) { a, err = orNotFound(s.Annotations.Annotation(ctx, t.ID, doc, who)); return },
		func() (err error) { tk, err = orNotFound(s.Annotations.Take(ctx, t.ID, doc, who)); return },
	); err != nil || a != nil {
		return a != nil, err
	}
	c, err := s.myClaim(ctx, t, doc, who, tk)
	return c != nil, err
}

// SaveAnnotation validates and stores the caller's annotation of an item it was
// assigned (annotate on the task). Version is the one read (none for a first
// save); a stale version is CONFLICT. Every save is audited.
func (s *Service) SaveAnnotation(ctx context.Context, in model.SaveAnnotationInput) (*model.Annotation, error) {
	t, who, err := s.annotatorOf(ctx, in.Task)
	if err != nil {
		return nil, err
	}
	// One round of lookups by _id: the caller's version, the text, its take.
	st, readErr := s.readItemState(ctx, t, in.Document, who, true)
	if readErr != nil && model.ErrorCode(readErr) != model.ENOTFOUND {
		return nil, readErr
	}
	holds := st.prev != nil
	if !holds {
		if st.claim, err = s.myClaim(ctx, t, in.Document, who, st.take); err != nil {
			return nil, err
		}
		holds = st.claim != nil
	}
	if !holds {
		if _, err := s.Annotations.TaskItem(ctx, t.ID, in.Document); err != nil {
			return nil, err
		}
		return nil, s.deny(ctx, auth.ActAnnotate, t.Team, "task/"+t.ID, fmt.Sprintf("item %s of task %s is not assigned to %s: take items with nextAnnotationItem", in.Document, t.ID, who))
	}
	if readErr != nil { // the text could not be read
		return nil, readErr
	}
	return s.saveWith(ctx, t, in, who, auth.ActAnnotate, st)
}

// SaveGold stores the reviewed version of an item (review on the task: owners,
// editors and reviewers of its team; no annotator key needed).
func (s *Service) SaveGold(ctx context.Context, in model.SaveAnnotationInput) (*model.Annotation, error) {
	t, err := s.taskForText(ctx, in.Task, auth.ActReview)
	if err != nil {
		return nil, err
	}
	if _, err := s.Annotations.TaskItem(ctx, t.ID, in.Document); err != nil {
		return nil, err
	}
	return s.saveAs(ctx, t, in, model.GoldAnnotator, auth.ActReview)
}

// saveAs validates an annotation against the schema and the text, and stores it
// as annotator's next version.
func (s *Service) saveAs(ctx context.Context, t *model.AnnotationTask, in model.SaveAnnotationInput, annotator, act string) (*model.Annotation, error) {
	return s.saveWith(ctx, t, in, annotator, act, nil)
}

// saveWith is saveAs with the item's state already read (nil: read it here).
func (s *Service) saveWith(ctx context.Context, t *model.AnnotationTask, in model.SaveAnnotationInput, annotator, act string, st *itemState) (*model.Annotation, error) {
	a := &model.Annotation{
		Task: t.ID, Document: in.Document, Annotator: annotator, Status: model.AnnotationDraft,
		Spans: []model.Span{}, Relations: []model.Relation{}, Events: []model.Event{}, Labels: nonNil(in.Labels),
	}
	if in.Status != nil {
		a.Status = *in.Status
	}
	for _, sp := range in.Spans {
		a.Spans = append(a.Spans, model.Span{ID: sp.ID, Start: sp.Start, End: sp.End, Label: sp.Label, Text: sp.Text})
	}
	for _, r := range in.Relations {
		a.Relations = append(a.Relations, model.Relation{Type: r.Type, Head: r.Head, Tail: r.Tail})
	}
	for _, e := range in.Events {
		ev := model.Event{Type: e.Type, Trigger: e.Trigger, Arguments: []model.EventArg{}}
		for _, arg := range e.Arguments {
			ev.Arguments = append(ev.Arguments, model.EventArg{Role: arg.Role, Span: arg.Span})
		}
		a.Events = append(a.Events, ev)
	}
	summary := fmt.Sprintf("save %s annotation of %s (%d spans)", a.Status, in.Document, len(a.Spans))
	err := s.mutate(ctx, act, t.Team, "task/"+t.ID, summary, func() error {
		if a.Status != model.AnnotationDraft && a.Status != model.AnnotationSubmitted {
			return model.Errorf(model.EINVALID, "status must be draft or submitted, got %q", a.Status)
		}
		if len(a.Spans) > maxSpans {
			return model.Errorf(model.EINVALID, "at most %d spans per document", maxSpans)
		}
		var ls *model.LabelSchema
		var err error
		if st == nil {
			err = parallel(
				func() (err error) { ls, err = s.cachedSchema(ctx, t.Schema); return },
				func() (err error) { st, err = s.readItemState(ctx, t, in.Document, annotator, false); return },
			)
		} else {
			ls, err = s.cachedSchema(ctx, t.Schema)
		}
		if err != nil {
			return err
		}
		if err := annotate.ValidateAnnotation(*ls, st.text, *a); err != nil {
			return err
		}
		prev := st.prev
		base := 0
		if prev != nil {
			base = prev.Version
			a.Decisions, a.ClaimedAt = prev.Decisions, prev.ClaimedAt
		}
		if in.Version != nil && *in.Version != base || in.Version == nil && prev != nil {
			return model.Errorf(model.ECONFLICT, "annotation of %s is at version %d, not %v: reload it and save again", in.Document, base, versionText(in.Version))
		}
		mine := annotator != model.GoldAnnotator
		if a.ClaimedAt == nil && mine && st.claim == nil {
			st.claim, _ = s.myClaim(ctx, t, in.Document, annotator, st.take)
		}
		if a.ClaimedAt == nil && st.claim != nil {
			at := st.claim.At
			a.ClaimedAt = &at
		}
		a.Version, a.UpdatedAt = base+1, s.now()
		if err := s.Annotations.SaveAnnotation(ctx, a); err != nil {
			return err
		}
		if !mine {
			return nil
		}
		slot := s.slotOfSave(ctx, t, in.Document, annotator, st)
		switch {
		case slot < 0:
		case a.Status == model.AnnotationSubmitted:
			// A submitted item keeps its slot for good: a lapsed lease is only
			// stale without a submitted annotation. The claim leaves the open
			// claims (best effort: one left there costs a sweep a lookup).
			_ = s.Annotations.CloseClaim(ctx, t.ID, in.Document, slot, annotator)
		default:
			// A draft renews the saver's lease, as asking for the item again
			// does: saving is work on it. The store extends only a claim the
			// saver still holds, so a slot another annotator took after the
			// lease lapsed stays theirs.
			_ = s.Annotations.ExtendClaim(ctx, t.ID, in.Document, slot, annotator, a.UpdatedAt.Add(annotationLease))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// slotOfSave is the slot of the item that annotator's save is on: its claim
// or take as read before the save, else its claim looked up now; -1 when none.
func (s *Service) slotOfSave(ctx context.Context, t *model.AnnotationTask, doc, annotator string, st *itemState) int {
	switch {
	case st.claim != nil:
		return slotOf(st.claim.ID)
	case st.take != nil:
		return st.take.Slot
	}
	if c, err := s.myClaim(ctx, t, doc, annotator, nil); err == nil && c != nil {
		return slotOf(c.ID)
	}
	return -1
}

func versionText(v *int) string {
	if v == nil {
		return "none"
	}
	return fmt.Sprint(*v)
}

// DecideSuggestion accepts (the suggestion becomes a span of the annotation)
// or rejects a pre-annotation. An annotator decides on its own annotation of
// an item it holds. A reviewer (review on the task: owners, editors, reviewers)
// decides on the item's reviewed (gold) version, without becoming an annotator:
// with review true, or when it does not hold the item as an annotator.
func (s *Service) DecideSuggestion(ctx context.Context, taskID, doc, sugID string, accept bool, review *bool) (*model.AnnotationItem, error) {
	asReviewer := review != nil && *review
	if review == nil {
		// Without review: the caller's own annotation if it holds the item as
		// an annotator, else the gold version if it may review.
		holds, err := s.holdsAsAnnotator(ctx, taskID, doc)
		if err != nil {
			return nil, err
		}
		asReviewer = !holds && s.may(ctx, auth.ActReview, taskID)
	}
	if asReviewer {
		return s.decideAsReviewer(ctx, taskID, doc, sugID, accept)
	}
	t, who, err := s.annotatorOf(ctx, taskID)
	if err != nil {
		return nil, err
	}
	it, err := s.Annotations.TaskItem(ctx, t.ID, doc)
	if err != nil {
		return nil, err
	}
	ok, err := s.holdsItem(ctx, t, doc, who)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.deny(ctx, auth.ActAnnotate, t.Team, "task/"+t.ID, fmt.Sprintf("item %s of task %s is not assigned to %s: take items with nextAnnotationItem, or decide on the reviewed version with review: true (owners, editors, reviewers)", doc, t.ID, who))
	}
	a, err := s.decide(ctx, t, it, doc, who, sugID, accept, auth.ActAnnotate)
	if err != nil {
		return nil, err
	}
	return s.itemFor(ctx, t, it, who, a.UpdatedAt.Add(annotationLease))
}

// holdsAsAnnotator says whether the caller may annotate the task and holds the
// item (false, not an error, when it may not).
func (s *Service) holdsAsAnnotator(ctx context.Context, taskID, doc string) (bool, error) {
	t, err := s.cachedTask(ctx, taskID)
	if err != nil {
		return false, nil // the paths below answer NOT_FOUND, audited
	}
	p := model.PrincipalFromContext(ctx)
	if p.Anonymous || !s.allowedQuiet(ctx, auth.ActAnnotate, t.Team, "task/"+t.ID) ||
		len(t.Annotators) > 0 && !slices.Contains(t.Annotators, p.ID) {
		return false, nil
	}
	return s.holdsItem(ctx, t, doc, p.ID)
}

// allowedQuiet is the policy decision, without auditing: it only routes a call
// to a path that authorizes (and audits) again.
func (s *Service) allowedQuiet(ctx context.Context, act, team, obj string) bool {
	ok, err := s.allowed(ctx, team, obj, act)
	return err == nil && ok
}

// may says, without auditing, whether the caller may act on a task.
func (s *Service) may(ctx context.Context, act, taskID string) bool {
	t, err := s.cachedTask(ctx, taskID)
	return err == nil && s.allowedQuiet(ctx, act, t.Team, "task/"+t.ID)
}

// decideAsReviewer records a decision on the item's gold version (review on
// the task, audited like saveGold).
func (s *Service) decideAsReviewer(ctx context.Context, taskID, doc, sugID string, accept bool) (*model.AnnotationItem, error) {
	t, err := s.taskForText(ctx, taskID, auth.ActReview)
	if err != nil {
		return nil, err
	}
	it, err := s.Annotations.TaskItem(ctx, t.ID, doc)
	if err != nil {
		return nil, err
	}
	if _, err := s.decide(ctx, t, it, doc, model.GoldAnnotator, sugID, accept, auth.ActReview); err != nil {
		return nil, err
	}
	item, err := s.itemFor(ctx, t, it, model.GoldAnnotator, time.Time{})
	if err != nil {
		return nil, err
	}
	item.LeaseUntil = nil // nothing is reserved for a reviewer
	return item, nil
}

// decide applies a decision on suggestion sugID of item it to annotator who's
// annotation (GoldAnnotator: the reviewed version), saved under act.
func (s *Service) decide(ctx context.Context, t *model.AnnotationTask, it *model.TaskItem, doc, who, sugID string, accept bool, act string) (*model.Annotation, error) {
	i := slices.IndexFunc(it.Suggestions, func(sg model.Suggestion) bool { return sg.ID == sugID })
	if i < 0 {
		return nil, model.Errorf(model.ENOTFOUND, "no suggestion %q on %s", sugID, doc)
	}
	sg := it.Suggestions[i]
	in := model.SaveAnnotationInput{Task: t.ID, Document: doc}
	prev, err := s.Annotations.Annotation(ctx, t.ID, doc, who)
	if err == nil {
		in.Version, in.Labels, in.Status = &prev.Version, prev.Labels, &prev.Status
		for _, sp := range prev.Spans {
			in.Spans = append(in.Spans, &model.SpanInput{ID: sp.ID, Start: sp.Start, End: sp.End, Label: sp.Label, Text: sp.Text})
		}
		for _, r := range prev.Relations {
			in.Relations = append(in.Relations, &model.RelationInput{Type: r.Type, Head: r.Head, Tail: r.Tail})
		}
		for _, e := range prev.Events {
			ev := &model.EventInput{Type: e.Type, Trigger: e.Trigger, Arguments: []*model.EventArgInput{}}
			for _, a := range e.Arguments {
				ev.Arguments = append(ev.Arguments, &model.EventArgInput{Role: a.Role, Span: a.Span})
			}
			in.Events = append(in.Events, ev)
		}
	} else if model.ErrorCode(err) != model.ENOTFOUND {
		return nil, err
	}
	decision := "rejected"
	if accept {
		decision = "accepted"
		if !slices.ContainsFunc(in.Spans, func(sp *model.SpanInput) bool { return sp.ID == sg.ID }) {
			in.Spans = append(in.Spans, &model.SpanInput{ID: sg.ID, Start: sg.Span.Start, End: sg.Span.End, Label: sg.Span.Label, Text: sg.Span.Text})
		}
	}
	return s.saveAsWithDecision(ctx, t, in, who, sg.ID, decision, act)
}

func (s *Service) saveAsWithDecision(ctx context.Context, t *model.AnnotationTask, in model.SaveAnnotationInput, who, sugID, decision, act string) (*model.Annotation, error) {
	a, err := s.saveAs(ctx, t, in, who, act)
	if err != nil {
		return nil, err
	}
	if a.Decisions == nil {
		a.Decisions = map[string]string{}
	}
	a.Decisions[sugID] = decision
	a.Version++
	if err := s.Annotations.SaveAnnotation(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// submittedByItem groups a task's submitted annotations (gold apart) by item.
func (s *Service) submittedByItem(ctx context.Context, t *model.AnnotationTask) (map[string][]*model.Annotation, []string, error) {
	by := map[string][]*model.Annotation{}
	var order []string
	err := s.Annotations.TaskAnnotations(ctx, t.ID, func(a *model.Annotation) error {
		if a.Annotator == model.GoldAnnotator || a.Status != model.AnnotationSubmitted {
			return nil
		}
		if _, ok := by[a.Document]; !ok {
			order = append(order, a.Document)
		}
		by[a.Document] = append(by[a.Document], a)
		return nil
	})
	sort.Strings(order)
	return by, order, err
}

// Agreement measures inter-annotator agreement on submitted annotations (read
// on the task): Cohen's kappa for two annotators' document labels, Fleiss' kappa
// for k, and pairwise exact-match span F1.
func (s *Service) Agreement(ctx context.Context, taskID string) (*model.Agreement, error) {
	t, err := s.annotationTask(ctx, taskID, auth.ActRead)
	if err != nil {
		return nil, err
	}
	ls, err := s.Annotations.LabelSchema(ctx, t.Schema)
	if err != nil {
		return nil, err
	}
	by, order, err := s.submittedByItem(ctx, t)
	if err != nil {
		return nil, err
	}
	out := &model.Agreement{SpanF1ByLabel: []model.LabelScore{}}
	var spanDocs []map[string][]model.Span
	var ratings [][]string
	pairCount := map[[2]string]int{}
	for _, doc := range order {
		as := by[doc]
		if len(as) < 2 {
			continue
		}
		out.Items++
		spans := map[string][]model.Span{}
		var labels []string
		for _, a := range as {
			spans[a.Annotator] = a.Spans
			if len(a.Labels) > 0 {
				labels = append(labels, strings.Join(a.Labels, "+"))
			}
		}
		spanDocs = append(spanDocs, spans)
		if len(labels) == len(as) {
			ratings = append(ratings, labels)
			if len(as) == 2 {
				pairCount[[2]string{as[0].Annotator, as[1].Annotator}]++
			}
		}
	}
	if len(spanDocs) > 0 {
		if f1, err := annotate.CorpusPairwiseSpanF1(spanDocs); err == nil {
			out.SpanF1 = &f1
		}
		perLabel := annotate.CorpusSpanF1ByLabel(spanDocs)
		for _, l := range ls.Entities {
			if f1, ok := perLabel[l]; ok {
				out.SpanF1ByLabel = append(out.SpanF1ByLabel, model.LabelScore{Label: l, F1: f1})
			}
		}
	}
	if len(ratings) > 0 {
		cats := ls.Classes
		if ls.MultiLabel {
			cats = nil
			for _, r := range ratings {
				cats = append(cats, r...)
			}
			slices.Sort(cats)
			cats = slices.Compact(cats)
		}
		if k, err := annotate.FleissKappa(ratings, cats); err == nil {
			out.FleissKappa = &k
		}
		// Cohen's kappa for the pair of annotators who share the most items.
		var best [2]string
		for p, n := range pairCount {
			if n > pairCount[best] || n == pairCount[best] && fmt.Sprint(p) < fmt.Sprint(best) {
				best = p
			}
		}
		var la, lb []string
		for _, doc := range order {
			as := by[doc]
			if len(as) == 2 && as[0].Annotator == best[0] && as[1].Annotator == best[1] && len(as[0].Labels) > 0 && len(as[1].Labels) > 0 {
				la, lb = append(la, strings.Join(as[0].Labels, "+")), append(lb, strings.Join(as[1].Labels, "+"))
			}
		}
		if len(la) > 0 {
			if k, err := annotate.CohenKappa(la, lb); err == nil {
				out.CohenKappa = &k
			}
		}
	}
	return out, nil
}

// AnnotationStats is a task's progress per annotator and its label distribution.
func (s *Service) AnnotationStats(ctx context.Context, t *model.AnnotationTask) (*model.AnnotationStats, error) {
	if _, err := s.annotationTask(ctx, t.ID, auth.ActRead); err != nil {
		return nil, err
	}
	st := &model.AnnotationStats{Items: t.Items, Annotators: []model.AnnotatorStats{}, Labels: []model.LabelCount{}}
	per := map[string]*model.AnnotatorStats{}
	secs := map[string][]float64{}
	labels := map[string]int{}
	submitted := map[string]int{}
	err := s.Annotations.TaskAnnotations(ctx, t.ID, func(a *model.Annotation) error {
		if a.Annotator == model.GoldAnnotator {
			st.GoldItems++
			return nil
		}
		p := per[a.Annotator]
		if p == nil {
			p = &model.AnnotatorStats{Annotator: a.Annotator}
			per[a.Annotator] = p
		}
		if a.Status == model.AnnotationSubmitted {
			p.Submitted++
			submitted[a.Document]++
			if a.ClaimedAt != nil {
				secs[a.Annotator] = append(secs[a.Annotator], a.UpdatedAt.Sub(*a.ClaimedAt).Seconds())
			}
		} else {
			p.Drafts++
		}
		for _, sp := range a.Spans {
			labels[sp.Label]++
		}
		for _, l := range a.Labels {
			labels[l]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, n := range submitted {
		if n >= t.Overlap {
			st.CompleteItems++
		}
	}
	for who, p := range per {
		if v := secs[who]; len(v) > 0 {
			sort.Float64s(v)
			m := v[len(v)/2]
			if len(v)%2 == 0 {
				m = (v[len(v)/2-1] + v[len(v)/2]) / 2
			}
			p.MedianSeconds = &m
		}
		st.Annotators = append(st.Annotators, *p)
	}
	sort.Slice(st.Annotators, func(i, j int) bool { return st.Annotators[i].Annotator < st.Annotators[j].Annotator })
	for l, n := range labels {
		st.Labels = append(st.Labels, model.LabelCount{Label: l, Count: n})
	}
	sort.Slice(st.Labels, func(i, j int) bool {
		return st.Labels[i].Count > st.Labels[j].Count || st.Labels[i].Count == st.Labels[j].Count && st.Labels[i].Label < st.Labels[j].Label
	})
	return st, nil
}

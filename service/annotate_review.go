package service

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// ReviewItem shows every annotator's version of an item, the gold one and the
// suggestions with the gold version's decisions (review on the task: owners,
// editors and reviewers of its team; no annotator key needed).
func (s *Service) ReviewItem(ctx context.Context, taskID, doc string) (*model.ReviewItem, error) {
	t, err := s.taskForText(ctx, taskID, auth.ActReview)
	if err != nil {
		return nil, err
	}
	it, err := s.Annotations.TaskItem(ctx, t.ID, doc)
	if err != nil {
		return nil, err
	}
	text, err := s.itemText(ctx, t, doc)
	if err != nil {
		return nil, err
	}
	all, err := s.Annotations.ItemAnnotations(ctx, t.ID, doc)
	if err != nil {
		return nil, err
	}
	out := &model.ReviewItem{Task: t.ID, Document: doc, Text: text, Annotations: []*model.Annotation{}, Suggestions: []model.Suggestion{}}
	for _, a := range all {
		if a.Annotator == model.GoldAnnotator {
			out.Gold = a
		} else {
			out.Annotations = append(out.Annotations, a)
		}
	}
	for _, sg := range it.Suggestions {
		if out.Gold != nil && out.Gold.Decisions[sg.ID] != "" {
			sg.Status = out.Gold.Decisions[sg.ID]
		}
		out.Suggestions = append(out.Suggestions, sg)
	}
	return out, nil
}

// ReviewQueue lists the items of a task that have annotations, for review on
// the task (owners, editors and reviewers of its team), ordered by document key
// and kept to filter (default TO_REVIEW: a submitted annotation and no gold
// version). It shows keys, annotators, counts and whether the submitted
// versions agree, never text: like stats and agreement, it needs no read of
// sensitive text, while reviewItem does.
func (s *Service) ReviewQueue(ctx context.Context, taskID string, filter *model.ReviewFilter, first *int, after *string) (*model.ReviewQueueConnection, error) {
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	pos, err := decodeCursor("review", after)
	if err != nil {
		return nil, err
	}
	f := model.ReviewFilterToReview
	if filter != nil {
		if !filter.IsValid() {
			return nil, model.Errorf(model.EINVALID, "filter must be one of TO_REVIEW, DISAGREE, REVIEWED, ALL; got %q", *filter)
		}
		f = *filter
	}
	t, err := s.annotationTask(ctx, taskID, auth.ActReview)
	if err != nil {
		return nil, err
	}
	items, err := s.reviewItems(ctx, t)
	if err != nil {
		return nil, err
	}
	conn := &model.ReviewQueueConnection{Edges: []*model.ReviewQueueEdge{}, PageInfo: &model.PageInfo{}}
	for _, it := range items {
		if !inReviewFilter(f, it) {
			continue
		}
		conn.TotalCount++
		if it.Document <= pos {
			continue
		}
		if len(conn.Edges) == n {
			conn.PageInfo.HasNextPage = true
			continue
		}
		conn.Edges = append(conn.Edges, &model.ReviewQueueEdge{Cursor: encodeCursor("review", it.Document), Node: it})
	}
	setPageInfo(conn.PageInfo, len(conn.Edges), func(i int) string { return conn.Edges[i].Cursor }, pos != "")
	return conn, nil
}

// inReviewFilter says whether item it is listed under filter f.
func inReviewFilter(f model.ReviewFilter, it *model.ReviewQueueItem) bool {
	switch f {
	case model.ReviewFilterToReview:
		return it.Submitted > 0 && !it.Gold
	case model.ReviewFilterDisagree:
		return it.Agree != nil && !*it.Agree && !it.Gold
	case model.ReviewFilterReviewed:
		return it.Gold
	default: // ALL
		return it.Submitted > 0 || it.Gold
	}
}

// reviewItems summarises every annotated item of task t, ordered by document
// key: one pass over the task's annotations, keeping for each item the
// canonical form of its first submitted annotation to tell agreement.
func (s *Service) reviewItems(ctx context.Context, t *model.AnnotationTask) ([]*model.ReviewQueueItem, error) {
	by := map[string]*model.ReviewQueueItem{}
	first := map[string]string{}
	err := s.Annotations.TaskAnnotations(ctx, t.ID, func(a *model.Annotation) error {
		it := by[a.Document]
		if it == nil {
			it = &model.ReviewQueueItem{Document: a.Document, Annotators: []string{}}
			by[a.Document] = it
		}
		if a.UpdatedAt.After(it.UpdatedAt) {
			it.UpdatedAt = a.UpdatedAt
		}
		switch {
		case a.Annotator == model.GoldAnnotator:
			it.Gold = true
		case a.Status != model.AnnotationSubmitted:
			it.Drafts++
		default:
			it.Submitted++
			it.Annotators = append(it.Annotators, a.Annotator)
			c := canonicalAnnotation(a)
			switch prev, seen := first[a.Document]; {
			case !seen:
				first[a.Document] = c
			case it.Agree == nil || *it.Agree:
				same := prev == c
				it.Agree = &same
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*model.ReviewQueueItem, 0, len(by))
	for _, it := range by {
		slices.Sort(it.Annotators)
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b *model.ReviewQueueItem) int { return strings.Compare(a.Document, b.Document) })
	return out, nil
}

// canonicalAnnotation is an annotation's content in a form that two
// annotators' versions share exactly when they agree: spans by label and
// offsets (not their ids, which each annotator picks), relations and event
// arguments through those spans, document labels; each part sorted.
func canonicalAnnotation(a *model.Annotation) string {
	spanKey := make(map[string]string, len(a.Spans))
	spans := make([]string, 0, len(a.Spans))
	for _, sp := range a.Spans {
		k := sp.Label + "@" + strconv.Itoa(sp.Start) + "-" + strconv.Itoa(sp.End)
		spanKey[sp.ID] = k
		spans = append(spans, k)
	}
	rels := make([]string, 0, len(a.Relations))
	for _, r := range a.Relations {
		rels = append(rels, r.Type+"("+spanKey[r.Head]+">"+spanKey[r.Tail]+")")
	}
	evs := make([]string, 0, len(a.Events))
	for _, e := range a.Events {
		args := make([]string, 0, len(e.Arguments))
		for _, g := range e.Arguments {
			args = append(args, g.Role+"="+spanKey[g.Span])
		}
		slices.Sort(args)
		evs = append(evs, e.Type+"["+spanKey[e.Trigger]+"|"+strings.Join(args, ",")+"]")
	}
	labels := slices.Clone(a.Labels)
	for _, part := range [][]string{spans, rels, evs, labels} {
		slices.Sort(part)
	}
	return strings.Join(spans, ",") + "\x00" + strings.Join(rels, ",") + "\x00" + strings.Join(evs, ",") + "\x00" + strings.Join(labels, ",")
}

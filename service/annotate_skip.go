package service

import (
	"context"
	"fmt"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// SkipAnnotationItem gives back the item the caller holds in a task without
// submitting it: its lease ends now, so the slot is free for another annotator
// (the forward walk of one who has not passed it yet, or the sweep of one who
// has), and the caller's next nextAnnotationItem moves on. The caller is never
// handed the item again (it took it once). A draft it saved stays, unsubmitted.
// Audited as annotate on the task. The caller must hold the item: FORBIDDEN
// otherwise (an item it does not hold, one it submitted, or one whose lease
// lapsed and went to someone else).
func (s *Service) SkipAnnotationItem(ctx context.Context, taskID, doc string) (bool, error) {
	t, who, err := s.annotatorOf(ctx, taskID)
	if err != nil {
		return false, err
	}
	err = s.mutate(ctx, auth.ActAnnotate, t.Team, "task/"+t.ID, fmt.Sprintf("skip item %s", doc), func() error {
		cur, err := s.Annotations.AnnotatorCursor(ctx, t.ID, who)
		if err != nil {
			return err
		}
		held := false
		if cur.Doc == doc {
			if held, err = s.stillHeld(ctx, t, doc, cur.Slot, who); err != nil {
				return err
			}
		}
		if !held {
			return model.Errorf(model.EFORBIDDEN, "you do not hold item %s of task %s (it was submitted, skipped, or its lease lapsed): call nextAnnotationItem for your current item", doc, t.ID)
		}
		it, err := s.Annotations.TaskItem(ctx, t.ID, doc)
		if err != nil {
			return err
		}
		now := s.now()
		// End the lease now; the open-claim record follows, so sweeps find it.
		if err := s.Annotations.ExtendClaim(ctx, t.ID, doc, cur.Slot, who, now); err != nil {
			return err
		}
		if err := s.Annotations.OpenClaim(ctx, t.ID, doc, it.Seq, cur.Slot, who, now); err != nil {
			return err
		}
		cur.Doc, cur.Slot = "", 0
		return s.Annotations.SaveAnnotatorCursor(ctx, cur)
	})
	return err == nil, err
}

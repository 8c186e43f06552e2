package service

import (
	"context"

	"github.com/mms-platform/mms/annotate"
	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// LabelStudioConfig returns the Label Studio labeling config (XML) of a task's
// label schema (read on the task): the config a Label Studio project needs to
// take the task's LABEL_STUDIO export and give back annotations that import
// (annotate.LabelStudioConfig).
func (s *Service) LabelStudioConfig(ctx context.Context, t *model.AnnotationTask) (string, error) {
	t, err := s.annotationTask(ctx, t.ID, auth.ActRead)
	if err != nil {
		return "", err
	}
	cs, err := s.cachedSchema(ctx, t.Schema)
	if err != nil {
		return "", err
	}
	return annotate.LabelStudioConfig(*cs), nil
}

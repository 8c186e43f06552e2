package service

import (
	"context"
	"io"

	"github.com/mms-platform/mms/model"
)

// ImportAnnotations is completed with the annotation formats.
func (s *Service) ImportAnnotations(ctx context.Context, taskID string, format model.AnnotationFormat, r io.Reader) (int, error) {
	return 0, model.Errorf(model.EINVALID, "import is not available yet")
}

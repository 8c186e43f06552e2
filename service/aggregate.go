package service

import (
	"context"

	"github.com/mms-platform/mms/model"
)

// Aggregate groups and summarizes a dataset version within the caller's view.
func (s *Service) Aggregate(ctx context.Context, dataset string, version *int, where []*model.FieldFilter, groupBy []string, metrics []*model.MetricInput, first *int) (*model.AggregateResult, error) {
	return nil, model.Errorf(model.EUNAVAILABLE, "aggregate is not implemented yet")
}

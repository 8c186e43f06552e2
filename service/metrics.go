package service

import (
	"context"

	"github.com/mms-platform/mms/auth"
)

// AuthorizeMetrics lets admins read the Prometheus metrics (read on the global
// object "metrics"); a denial is audited.
func (s *Service) AuthorizeMetrics(ctx context.Context) error {
	return s.authorize(ctx, auth.ActRead, auth.AllTeams, "metrics")
}

package service

import (
	"context"
	"encoding/json"
	"io"
	"strconv"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// AuditLog lists audit records, newest first (read on audit: admins).
func (s *Service) AuditLog(ctx context.Context, where *model.AuditFilter, first *int, after *string) (*model.AuditConnection, error) {
	if err := s.authorize(ctx, auth.ActRead, auth.AllTeams, "audit"); err != nil {
		return nil, err
	}
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	pos, err := decodeCursor("audit", after)
	if err != nil {
		return nil, err
	}
	var before int64
	if pos != "" {
		if before, err = strconv.ParseInt(pos, 10, 64); err != nil {
			return nil, model.Errorf(model.EINVALID, "invalid cursor")
		}
	}
	var f model.AuditFilter
	if where != nil {
		f = *where
	}
	recs, total, err := s.AuditRecords.ListAudit(ctx, f, before, n+1)
	if err != nil {
		return nil, err
	}
	conn := &model.AuditConnection{Edges: []*model.AuditEdge{}, PageInfo: &model.PageInfo{}, TotalCount: total}
	if len(recs) > n {
		recs, conn.PageInfo.HasNextPage = recs[:n], true
	}
	for _, r := range recs {
		conn.Edges = append(conn.Edges, &model.AuditEdge{Cursor: encodeCursor("audit", strconv.FormatInt(r.Seq, 10)), Node: r})
	}
	setPageInfo(conn.PageInfo, len(conn.Edges), func(i int) string { return conn.Edges[i].Cursor }, pos != "")
	return conn, nil
}

// VerifyAudit walks the chain and checks its signed checkpoints with the
// chain's keys (read on audit: admins).
func (s *Service) VerifyAudit(ctx context.Context) (*model.AuditVerification, error) {
	if err := s.authorize(ctx, auth.ActRead, auth.AllTeams, "audit"); err != nil {
		return nil, err
	}
	v, err := s.AuditChain.Verify(ctx)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// ExportAudit streams the whole audit log as NDJSON, oldest first, each line a
// record with its hashes, so it can be archived and verified elsewhere (read on
// audit: admins).
func (s *Service) ExportAudit(ctx context.Context, w io.Writer) error {
	if err := s.authorize(ctx, auth.ActRead, auth.AllTeams, "audit"); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	return s.AuditRecords.ScanAudit(ctx, func(r model.AuditRecord) error {
		return enc.Encode(r)
	})
}

package service

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/ingest"
	"github.com/mms-platform/mms/model"
)

// Limits on dataset descriptions.
const (
	maxFields      = 1000
	maxDescription = 10000
)

// CreateDataset creates an empty dataset in a team (write on dataset/<id>).
func (s *Service) CreateDataset(ctx context.Context, in model.CreateDatasetInput) (*model.Dataset, error) {
	if err := checkSlug("dataset", in.ID); err != nil {
		return nil, err
	}
	d := &model.Dataset{
		ID: in.ID, Name: strings.TrimSpace(in.Name), Team: in.Team,
		CreatedBy: model.PrincipalFromContext(ctx).ID, CreatedAt: s.now(),
	}
	d.UpdatedAt = d.CreatedAt
	if in.Description != nil {
		d.Description = *in.Description
	}
	if in.KeyField != nil {
		d.KeyField = *in.KeyField
	}
	fields, err := fieldSpecs(in.Fields, d.KeyField)
	if err != nil {
		return nil, err
	}
	d.Fields = fields
	switch {
	case d.Name == "" || len(d.Name) > 200:
		return nil, model.Errorf(model.EINVALID, "dataset name must be 1-200 characters")
	case len(d.Description) > maxDescription:
		return nil, model.Errorf(model.EINVALID, "description is longer than %d characters", maxDescription)
	}
	err = s.mutate(ctx, auth.ActWrite, in.Team, "dataset/"+in.ID, "create dataset", func() error {
		if _, err := s.Teams.Team(ctx, in.Team); err != nil {
			return err
		}
		return s.Datasets.CreateDataset(ctx, d)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// fieldSpecs validates a schema given at creation.
func fieldSpecs(in []*model.FieldSpecInput, keyField string) ([]model.FieldSpec, error) {
	if len(in) > maxFields {
		return nil, model.Errorf(model.EINVALID, "a dataset has at most %d fields", maxFields)
	}
	out := make([]model.FieldSpec, 0, len(in))
	seen := map[string]bool{}
	for _, f := range in {
		name, err := ingest.FieldName(f.Name)
		if err != nil {
			return nil, err
		}
		f.Name = name
		if seen[f.Name] {
			return nil, model.Errorf(model.EINVALID, "field %q is listed twice", f.Name)
		}
		seen[f.Name] = true
		if !f.Type.Valid() {
			return nil, model.Errorf(model.EINVALID, "field %q: unknown type %q", f.Name, f.Type)
		}
		spec := model.FieldSpec{
			Name: f.Name, Type: f.Type, Min: f.Min, Max: f.Max, Enum: f.Enum,
			Required: f.Required != nil && *f.Required, Sensitive: f.Sensitive != nil && *f.Sensitive,
		}
		if f.Pattern != nil {
			if _, err := regexp.Compile(*f.Pattern); err != nil {
				return nil, model.Errorf(model.EINVALID, "field %q: bad pattern: %v", f.Name, err)
			}
			spec.Pattern = *f.Pattern
		}
		if f.Unit != nil {
			spec.Unit = *f.Unit
		}
		if spec.Min != nil && spec.Max != nil && *spec.Min > *spec.Max {
			return nil, model.Errorf(model.EINVALID, "field %q: min %v is above max %v", f.Name, *spec.Min, *spec.Max)
		}
		out = append(out, spec)
	}
	if keyField != "" && len(out) > 0 && !seen[keyField] {
		return nil, model.Errorf(model.EINVALID, "keyField %q is not one of the fields", keyField)
	}
	return out, nil
}

// checkFieldName checks a field name a request gives, by the one definition
// of a field name (ingest.FieldName: no '.', '$', NUL, invisible or
// bidirectional control characters, no mixed look-alike scripts, at most
// 128 characters). A name must come in NFC form, the form fields are stored
// under; names that create a field are normalized first (fieldSpecs).
func checkFieldName(name string) error {
	n, err := ingest.FieldName(name)
	if err != nil {
		return err
	}
	if n != name {
		return model.Errorf(model.EINVALID, "field name %+q: not in Unicode NFC form; fields are named in NFC (%+q)", name, n)
	}
	return nil
}

// Dataset returns a dataset the caller may read. An unknown id, and one the
// caller may not see, is NOT_FOUND (authorizeOr).
func (s *Service) Dataset(ctx context.Context, id string) (*model.Dataset, error) {
	nf := notFound("dataset", id)
	d, err := s.cachedDataset(ctx, id)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActRead, auth.AllTeams, "dataset/"+id, nf)
		}
		return nil, err
	}
	if err := s.authorizeOr(ctx, auth.ActRead, d.Team, "dataset/"+id, nf); err != nil {
		return nil, err
	}
	return d, nil
}

// DatasetView returns a dataset the caller may read as the caller sees it: a
// caller reading through a share sees only the shared fields of its schema.
func (s *Service) DatasetView(ctx context.Context, id string) (*model.Dataset, error) {
	d, sc, err := s.readDataset(ctx, id)
	if err != nil {
		return nil, err
	}
	return sc.dataset(d), nil
}

// DocumentCount is how many documents of d, a dataset the caller was allowed
// to read, the caller sees: the stored count when its view has every row, and
// otherwise a count of the share's rows by the store (never the whole
// dataset's count, which would tell how many rows are hidden).
func (s *Service) DocumentCount(ctx context.Context, d *model.Dataset) (int, error) {
	if s.memberOf(model.PrincipalFromContext(ctx), d.Team) {
		return d.DocumentCount, nil
	}
	sc, err := s.readScope(ctx, d)
	if err != nil {
		return 0, err
	}
	if len(sc.rows) == 0 {
		return d.DocumentCount, nil
	}
	return s.Docs.CountDocumentsWhere(ctx, d.ID, sc.rows)
}

// sharedWith returns the ids of the datasets shared, unexpired, with any of
// the teams of principal p.
func (s *Service) sharedWith(ctx context.Context, p *model.Principal) ([]string, error) {
	teams := s.Authz.Teams(p)
	if len(teams) == 0 {
		return nil, nil
	}
	shares, err := s.Sharing.Shares(ctx, "", teams)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, sh := range shares {
		if !sh.Expired(s.now()) && !slices.Contains(ids, sh.Dataset) {
			ids = append(ids, sh.Dataset)
		}
	}
	return ids, nil
}

// ListDatasets returns the datasets the caller may read, ordered by id.
func (s *Service) ListDatasets(ctx context.Context, first *int, after *string) (*model.DatasetConnection, error) {
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	pos, err := decodeCursor("ds", after)
	if err != nil {
		return nil, err
	}
	p := model.PrincipalFromContext(ctx)
	if p.Anonymous {
		return nil, s.authorize(ctx, auth.ActRead, auth.AllTeams, "dataset/*")
	}
	var teams, shared []string // teams nil: every team
	if !s.Authz.IsAdmin(p) {
		teams = []string{}
		for _, t := range s.Authz.Teams(p) {
			if ok, _ := s.Authz.Allowed(p, t, "dataset/*", auth.ActRead); ok {
				teams = append(teams, t)
			}
		}
		if shared, err = s.sharedWith(ctx, p); err != nil {
			return nil, err
		}
	}
	conn := &model.DatasetConnection{Edges: []*model.DatasetEdge{}, PageInfo: &model.PageInfo{}}
	if teams != nil && len(teams) == 0 && len(shared) == 0 {
		return conn, nil
	}
	ds, total, err := s.Datasets.ListDatasets(ctx, teams, shared, pos, n+1)
	if err != nil {
		return nil, err
	}
	conn.TotalCount = total
	if len(ds) > n {
		ds, conn.PageInfo.HasNextPage = ds[:n], true
	}
	for _, d := range ds {
		if !slices.Contains(teams, d.Team) && teams != nil {
			sc, err := s.readScope(ctx, d)
			if err != nil {
				return nil, err
			}
			d = sc.dataset(d)
		}
		conn.Edges = append(conn.Edges, &model.DatasetEdge{Cursor: encodeCursor("ds", d.ID), Node: d})
	}
	setPageInfo(conn.PageInfo, len(conn.Edges), func(i int) string { return conn.Edges[i].Cursor }, pos != "")
	return conn, nil
}

// setPageInfo fills start/end cursors from a page of n edges.
func setPageInfo(pi *model.PageInfo, n int, cursor func(int) string, hasPrev bool) {
	pi.HasPreviousPage = hasPrev
	if n > 0 {
		start, end := cursor(0), cursor(n-1)
		pi.StartCursor, pi.EndCursor = &start, &end
	}
}

// cachedDataset is a dataset's entry in the read cache of Dataset.
type cachedDataset struct {
	d       *model.Dataset // shared by every reader: never modified
	expires time.Time
}

const maxCachedDatasets = 10000

// cachedDataset returns the description of dataset id, from the cache when it
// was read less than DatasetCacheTTL ago. A change made through this instance is
// seen at once (ForgetDataset); one made by another instance within the TTL.
// Only found datasets are cached, so a new dataset is seen at once everywhere.
func (s *Service) cachedDataset(ctx context.Context, id string) (*model.Dataset, error) {
	if s.DatasetCacheTTL <= 0 {
		return s.Datasets.Dataset(ctx, id)
	}
	now := time.Now()
	if c, ok := s.dsCache.Get(id); ok && now.Before(c.expires) {
		return c.d, nil
	}
	d, err := s.Datasets.Dataset(ctx, id)
	if err != nil {
		return nil, err
	}
	s.dsCache.Put(id, cachedDataset{d: d, expires: now.Add(s.DatasetCacheTTL)}, maxCachedDatasets)
	return d, nil
}

// ForgetDataset drops dataset id from the read cache. Call it after changing a
// dataset's description (version, count, fields...).
func (s *Service) ForgetDataset(id string) {
	s.dsCache.Delete(id)
}

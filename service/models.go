package service

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// Model returns a model (read on model/<id>).
func (s *Service) Model(ctx context.Context, id string) (*model.Model, error) {
	nf := notFound("model", id)
	m, err := s.Models.Model(ctx, id)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActRead, auth.AllTeams, "model/"+id, nf)
		}
		return nil, err
	}
	if err := s.authorizeOr(ctx, auth.ActRead, m.Team, "model/"+id, nf); err != nil {
		return nil, err
	}
	return m, nil
}

// ListModels returns the models the caller may read, by id.
func (s *Service) ListModels(ctx context.Context, first *int, after *string) (*model.ModelConnection, error) {
	p, err := listReadable(ctx, s, "model", first, after, s.Models.ListModels, func(m *model.Model) string { return m.ID })
	if err != nil {
		return nil, err
	}
	conn := &model.ModelConnection{Edges: make([]*model.ModelEdge, len(p.items)), PageInfo: p.info, TotalCount: p.total}
	for i, m := range p.items {
		conn.Edges[i] = &model.ModelEdge{Cursor: p.cursors[i], Node: m}
	}
	return conn, nil
}

// readablePage is one page of a list scoped to the teams whose objects of a
// kind the caller may read, with each item's cursor.
type readablePage[T any] struct {
	items   []T
	cursors []string // cursors[i] is items[i]'s
	total   int
	info    *model.PageInfo
}

// listReadable reads the page of kind (model, task, schema) after the cursor:
// first checked (0 to maxPage), the cursor decoded, the teams where the caller
// may read kind/* found (none: an empty page without a store call), then one
// item more than asked from list, to tell whether more follow. id gives an
// item's position, from which its cursor is made.
func listReadable[T any](ctx context.Context, s *Service, kind string, first *int, after *string,
	list func(ctx context.Context, teams []string, after string, limit int) ([]T, int, error), id func(T) string) (*readablePage[T], error) {
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	pos, err := decodeCursor(kind, after)
	if err != nil {
		return nil, err
	}
	teams, err := s.readableTeams(ctx, kind+"/*")
	if err != nil {
		return nil, err
	}
	p := &readablePage[T]{info: &model.PageInfo{}}
	if teams == nil || len(teams) > 0 {
		if p.items, p.total, err = list(ctx, teams, pos, n+1); err != nil {
			return nil, err
		}
		if len(p.items) > n {
			p.items, p.info.HasNextPage = p.items[:n], true
		}
	}
	p.cursors = make([]string, len(p.items))
	for i, it := range p.items {
		p.cursors[i] = encodeCursor(kind, id(it))
	}
	setPageInfo(p.info, len(p.cursors), func(i int) string { return p.cursors[i] }, pos != "")
	return p, nil
}

// readableTeams returns the teams where the caller may read every obj (nil: all
// teams, for admins); anonymous callers are refused.
func (s *Service) readableTeams(ctx context.Context, obj string) ([]string, error) {
	p := model.PrincipalFromContext(ctx)
	if p.Anonymous {
		return nil, s.authorize(ctx, auth.ActRead, auth.AllTeams, obj)
	}
	if s.Authz.IsAdmin(p) {
		return nil, nil
	}
	teams := []string{}
	for _, t := range s.Authz.Teams(p) {
		if ok, _ := s.Authz.Allowed(p, t, obj, auth.ActRead); ok {
			teams = append(teams, t)
		}
	}
	return teams, nil
}

// ModelVersions pages through a model's versions, newest first.
func (s *Service) ModelVersions(ctx context.Context, m *model.Model, first *int, after *string) (*model.ModelVersionConnection, error) {
	if _, err := s.Model(ctx, m.ID); err != nil {
		return nil, err
	}
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	before, paged, err := decodeIntCursor("mv", after, 1)
	if err != nil {
		return nil, err
	}
	vs, err := s.Models.ListModelVersions(ctx, m.ID, m.LatestVersion, before, n+1)
	if err != nil {
		return nil, err
	}
	conn := &model.ModelVersionConnection{Edges: []*model.ModelVersionEdge{}, PageInfo: &model.PageInfo{}, TotalCount: m.LatestVersion}
	if len(vs) > n {
		vs, conn.PageInfo.HasNextPage = vs[:n], true
	}
	for _, v := range vs {
		withAliases(v, m)
		if v, err = s.viewVersion(ctx, v); err != nil {
			return nil, err
		}
		conn.Edges = append(conn.Edges, &model.ModelVersionEdge{Cursor: encodeCursor("mv", strconv.Itoa(v.Version)), Node: v})
	}
	setPageInfo(conn.PageInfo, len(conn.Edges), func(i int) string { return conn.Edges[i].Cursor }, paged)
	return conn, nil
}

func withAliases(v *model.ModelVersion, m *model.Model) {
	base := fmt.Sprintf("/artifacts/%s/%d/", v.Model, v.Version)
	v.Report.RocPlot, v.Report.PrPlot, v.Report.CalibrationPlot = base+"roc.svg", base+"pr.svg", base+"calibration.svg"
	v.Aliases = []string{}
	for _, a := range m.Aliases {
		if a.Version == v.Version {
			v.Aliases = append(v.Aliases, a.Alias)
		}
	}
}

// ModelVersion returns a version by number, by alias, or the latest (read on the model).
func (s *Service) ModelVersion(ctx context.Context, id string, version *int, alias *string) (*model.ModelVersion, error) {
	m, err := s.Model(ctx, id)
	if err != nil {
		return nil, err
	}
	v, err := resolveVersion(m, version, alias)
	if err != nil {
		return nil, err
	}
	mv, err := s.Models.ModelVersion(ctx, id, v)
	if err != nil {
		return nil, err
	}
	withAliases(mv, m)
	return s.viewVersion(ctx, mv)
}

// viewVersion returns what the caller may see of a model version (modelView):
// every path that returns a version goes through it.
func (s *Service) viewVersion(ctx context.Context, mv *model.ModelVersion) (*model.ModelVersion, error) {
	view, err := s.modelViewOf(ctx, mv)
	if err != nil {
		return nil, err
	}
	return view.version(mv), nil
}

// resolveVersion picks the version number asked for.
func resolveVersion(m *model.Model, version *int, alias *string) (int, error) {
	switch {
	case version != nil && alias != nil:
		return 0, model.Errorf(model.EINVALID, "give a version or an alias, not both")
	case alias != nil:
		for _, a := range m.Aliases {
			if a.Alias == *alias {
				return a.Version, nil
			}
		}
		return 0, model.Errorf(model.ENOTFOUND, "model %q has no alias %q", m.ID, *alias)
	case version != nil:
		if *version < 1 || *version > m.LatestVersion {
			return 0, model.Errorf(model.ENOTFOUND, "model %q has no version %d (latest is %d)", m.ID, *version, m.LatestVersion)
		}
		return *version, nil
	case m.LatestVersion == 0:
		if m.TrainingJob != nil {
			return 0, model.Errorf(model.ENOTFOUND, "model %q is still training (job %s) and has no version yet", m.ID, *m.TrainingJob)
		}
		return 0, model.Errorf(model.ENOTFOUND, "model %q has no version", m.ID)
	}
	return m.LatestVersion, nil
}

// modelToWrite returns a model the caller may write; a model it may not see is
// NOT_FOUND, as one that does not exist (the refusal audited); a caller who may
// see it but not write it is refused later, by mutate.
func (s *Service) modelToWrite(ctx context.Context, id string) (*model.Model, error) {
	nf := notFound("model", id)
	m, err := s.Models.Model(ctx, id)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActWrite, auth.AllTeams, "model/"+id, nf)
		}
		return nil, err
	}
	if err := s.conceal(ctx, auth.ActWrite, m.Team, "model/"+id, nf); err != nil {
		return nil, err
	}
	return m, nil
}

// SetModelAlias points an alias at a version (write on the model).
func (s *Service) SetModelAlias(ctx context.Context, id, alias string, version int) (*model.ModelVersion, error) {
	m, err := s.modelToWrite(ctx, id)
	if err != nil {
		return nil, err
	}
	var mv *model.ModelVersion
	err = s.mutate(ctx, auth.ActWrite, m.Team, "model/"+id, "alias "+truncate(alias, 40)+" -> version "+strconv.Itoa(version), func() error {
		if !aliasRE.MatchString(alias) {
			return model.Errorf(model.EINVALID, "alias %q: use 1-32 lower-case letters, digits, - or _, starting with a letter", alias)
		}
		if mv, err = s.Models.ModelVersion(ctx, id, version); err != nil {
			return err
		}
		if err := s.Models.SetModelAlias(ctx, id, alias, version); err != nil {
			return err
		}
		s.predictors.forgetModel(id)
		m.Aliases = append(m.Aliases, model.ModelAlias{Alias: alias, Version: version})
		withAliases(mv, m)
		mv, err = s.viewVersion(ctx, mv)
		return err
	})
	return mv, err
}

// RemoveModelAlias removes an alias of a model (write on the model) and
// returns the model with the aliases left. ENOTFOUND when it has no such alias.
func (s *Service) RemoveModelAlias(ctx context.Context, id, alias string) (*model.Model, error) {
	m, err := s.modelToWrite(ctx, id)
	if err != nil {
		return nil, err
	}
	err = s.mutate(ctx, auth.ActWrite, m.Team, "model/"+id, "remove alias "+truncate(alias, 40), func() error {
		if err := s.Models.RemoveModelAlias(ctx, id, alias); err != nil {
			return err
		}
		s.predictors.forgetModel(id)
		left := []model.ModelAlias{}
		for _, a := range m.Aliases {
			if a.Alias != alias {
				left = append(left, a)
			}
		}
		m.Aliases = left
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Artifact returns a report plot of a model version as SVG (read on the model).
func (s *Service) Artifact(ctx context.Context, id string, version int, name string) ([]byte, error) {
	mv, err := s.ModelVersion(ctx, id, &version, nil)
	if err != nil {
		return nil, err
	}
	switch name {
	case "roc.svg":
		return []byte(mv.Report.RocSvg), nil
	case "pr.svg":
		return []byte(mv.Report.PrSvg), nil
	case "calibration.svg":
		return []byte(mv.Report.CalibrationSvg), nil
	}
	return nil, model.Errorf(model.ENOTFOUND, "no artifact %q: use roc.svg, pr.svg or calibration.svg", name)
}

// ShareModel lets every principal of team call predict on a model, and nothing
// else (share on the model: owners of its team).
func (s *Service) ShareModel(ctx context.Context, id, team string) (*model.Model, error) {
	return s.changeModelShare(ctx, id, team, true)
}

// UnshareModel takes back what ShareModel granted.
func (s *Service) UnshareModel(ctx context.Context, id, team string) (*model.Model, error) {
	return s.changeModelShare(ctx, id, team, false)
}

func (s *Service) changeModelShare(ctx context.Context, id, team string, share bool) (*model.Model, error) {
	nf := notFound("model", id)
	m, err := s.Models.Model(ctx, id)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActShare, auth.AllTeams, "model/"+id, nf)
		}
		return nil, err
	}
	if err := s.conceal(ctx, auth.ActShare, m.Team, "model/"+id, nf); err != nil {
		return nil, err
	}
	verb := "share"
	if !share {
		verb = "unshare"
	}
	err = s.mutate(ctx, auth.ActShare, m.Team, "model/"+id, verb+" predict with team "+truncate(team, 63), func() error {
		if _, err := s.Teams.Team(ctx, team); err != nil {
			return err
		}
		if team == m.Team {
			return model.Errorf(model.EINVALID, "team %q owns the model already", team)
		}
		if share {
			return s.Authz.AllowTeam(team, m.Team, "model/"+id, auth.ActPredict)
		}
		return s.Authz.DisallowTeam(team, m.Team, "model/"+id, auth.ActPredict)
	})
	return m, err
}

// ModelSharedWith lists the teams a model is shared with for prediction.
func (s *Service) ModelSharedWith(m *model.Model) []string {
	teams := s.Authz.TeamsAllowed(m.Team, "model/"+m.ID, auth.ActPredict)
	if teams == nil {
		teams = []string{}
	}
	return teams
}

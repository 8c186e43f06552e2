package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// Dataset shares.
//
// A share has two halves. Casbin policies (AllowTeam) give every principal of
// the team the actions of the share's role on dataset/<id>, so the one
// authorization path decides whether the team may touch the dataset at all. The
// share record limits what the team then sees: only its fields, only the rows
// its filter allows, and nothing after it expires. authorize refuses access
// through an expired or revoked share, so expiry needs no sweeper; readScope
// turns the record into the view every read path applies.

// shareActs are the actions each share role grants on the dataset.
var shareActs = map[model.ShareRole][]string{
	model.ShareViewer:  {auth.ActRead},
	model.SharePartner: {auth.ActRead},
	model.ShareEditor:  {auth.ActRead, auth.ActWrite},
}

// sharedActs are all the actions a share may grant (and earlier versions
// granted: revoking removes them all).
var sharedActs = []string{auth.ActRead, auth.ActWrite, auth.ActTrain, auth.ActAnnotate}

const maxShareFields = maxFields

// ShareDataset shares a dataset with another team (share on the dataset),
// replacing the team's earlier share.
func (s *Service) ShareDataset(ctx context.Context, in model.ShareDatasetInput) (*model.Share, error) {
	d, err := s.shareTarget(ctx, in.Dataset)
	if err != nil {
		return nil, err
	}
	sh := &model.Share{
		Dataset: d.ID, Team: in.Team, Role: in.Role, Fields: in.Fields, ExpiresAt: in.ExpiresAt,
		CreatedBy: model.PrincipalFromContext(ctx).ID, CreatedAt: s.now(),
	}
	var verr error
	if !sh.Role.Valid() {
		verr = model.Errorf(model.EINVALID, "unknown share role %q (use VIEWER, PARTNER or EDITOR)", sh.Role)
	} else if verr = checkShareFields(d, sh.Fields); verr == nil {
		sh.RowFilter, verr = shareRowFilter(d, in.RowFilter)
	}
	if verr == nil && sh.Role == model.ShareEditor && (sh.Fields != nil || len(sh.RowFilter) > 0) {
		verr = model.Errorf(model.EINVALID, "an EDITOR share writes the whole dataset: it cannot be limited to fields or rows (use VIEWER or PARTNER)")
	}
	if verr == nil && sh.ExpiresAt != nil && !sh.ExpiresAt.After(sh.CreatedAt) {
		verr = model.Errorf(model.EINVALID, "expiresAt %s is not in the future", sh.ExpiresAt.Format(time.RFC3339))
	}
	summary := fmt.Sprintf("share with team %s as %s", truncate(in.Team, 63), sh.Role)
	err = s.mutate(ctx, auth.ActShare, d.Team, "dataset/"+d.ID, summary, func() error {
		if verr != nil {
			return verr
		}
		if in.Team == d.Team {
			return model.Errorf(model.EINVALID, "team %q owns the dataset already", in.Team)
		}
		if _, err := s.Teams.Team(ctx, in.Team); err != nil {
			return err
		}
		// The record first: an access allowed by a policy but without a record is
		// refused, so a failure between the two steps never widens access.
		if err := s.Sharing.PutShare(ctx, sh); err != nil {
			return err
		}
		s.forgetShare(d.ID, in.Team)
		granted := shareActs[sh.Role]
		withdrawn := slices.DeleteFunc(slices.Clone(sharedActs), func(act string) bool { return slices.Contains(granted, act) })
		if err := s.Authz.AllowTeam(in.Team, d.Team, "dataset/"+d.ID, granted...); err != nil {
			return err
		}
		return s.Authz.DisallowTeam(in.Team, d.Team, "dataset/"+d.ID, withdrawn...)
	})
	if err != nil {
		return nil, err
	}
	return sh, nil
}

// RevokeShare takes a dataset share back (share on the dataset).
func (s *Service) RevokeShare(ctx context.Context, dataset, team string) (*model.Share, error) {
	d, err := s.shareTarget(ctx, dataset)
	if err != nil {
		return nil, err
	}
	var sh *model.Share
	err = s.mutate(ctx, auth.ActShare, d.Team, "dataset/"+d.ID, "revoke share with team "+truncate(team, 63), func() error {
		if err := s.Authz.DisallowTeam(team, d.Team, "dataset/"+d.ID, sharedActs...); err != nil {
			return err
		}
		s.forgetShare(d.ID, team)
		var err error
		sh, err = s.Sharing.DeleteShare(ctx, d.ID, team)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sh, nil
}

// Shares lists a dataset's shares (share on the dataset).
func (s *Service) Shares(ctx context.Context, dataset string) ([]*model.Share, error) {
	d, err := s.shareTarget(ctx, dataset)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, auth.ActShare, d.Team, "dataset/"+d.ID); err != nil {
		return nil, err
	}
	return s.Sharing.Shares(ctx, d.ID, nil)
}

// shareTarget looks a dataset up for a share operation. An unknown dataset is
// NOT_FOUND only to callers who may share datasets at all (admins); the others
// are refused, and audited, as for an existing one.
func (s *Service) shareTarget(ctx context.Context, id string) (*model.Dataset, error) {
	nf := notFound("dataset", id)
	d, err := s.cachedDataset(ctx, id)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil, s.authorizeOr(ctx, auth.ActShare, auth.AllTeams, "dataset/"+id, nf)
	}
	if err != nil {
		return nil, err
	}
	if err := s.conceal(ctx, auth.ActShare, d.Team, "dataset/"+d.ID, nf); err != nil {
		return nil, err
	}
	return d, nil
}

func checkShareFields(d *model.Dataset, fields []string) error {
	if fields == nil {
		return nil
	}
	if len(fields) > maxShareFields {
		return model.Errorf(model.EINVALID, "a share lists at most %d fields", maxShareFields)
	}
	for _, f := range fields {
		if err := checkFieldName(f); err != nil {
			return err
		}
		if len(d.Fields) > 0 && fieldSpec(d, f) == nil {
			return model.Errorf(model.EINVALID, "dataset %q has no field %q to share", d.ID, f)
		}
	}
	return nil
}

// shareRowFilter validates and types a share's row conditions.
func shareRowFilter(d *model.Dataset, in []*model.FieldFilter) ([]model.FieldFilter, error) {
	for _, f := range in {
		// The store evaluates a share's row filter on every read path
		// (documents, by key, media, gazetteers, counts), with the meaning
		// model.FieldFilter.Match states.
		if op, ok := model.LookupFilterOp(f.Op); !ok || !op.Allowed(model.UseShareRows) {
			return nil, model.Errorf(model.EINVALID, "row filter on %q: op %q is not allowed in a share (use %s)", f.Field, f.Op, model.FilterOpNames(model.UseShareRows))
		}
		if strings.Contains(f.Field, ".") {
			return nil, model.Errorf(model.EINVALID, "row filter on %q: a share filters on top-level fields", f.Field)
		}
		if spec := fieldSpec(d, f.Field); spec != nil && spec.Sensitive {
			return nil, model.Errorf(model.EINVALID, "row filter on %q: the field is sensitive, and a share keeps its conditions in plain text", f.Field)
		}
	}
	out, err := typedFilters(d, in)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []model.FieldFilter{}
	}
	return out, nil
}

// cachedShare is a share record kept briefly: authorize consults one for
// every access through a share.
type cachedShare struct {
	sh      *model.Share // nil: no share
	expires time.Time
}

// shareTTL bounds how long another instance's revocation or change takes to
// reach this one (the Casbin policy half is reloaded within MMS_POLICY_REFRESH).
const shareTTL = time.Second

func (s *Service) share(ctx context.Context, dataset, team string) (*model.Share, error) {
	k := dataset + "/" + team
	now := time.Now()
	if c, ok := s.shares.Get(k); ok && now.Before(c.expires) {
		return c.sh, nil
	}
	sh, err := s.Sharing.Share(ctx, dataset, team)
	if err != nil && model.ErrorCode(err) != model.ENOTFOUND {
		return nil, err
	}
	s.shares.Put(k, cachedShare{sh: sh, expires: now.Add(shareTTL)}, maxCachedDatasets)
	return sh, nil
}

func (s *Service) forgetShare(dataset, team string) {
	s.shares.Delete(dataset + "/" + team)
}

// memberOf reports whether principal p holds a role in team (admins in every team).
func (s *Service) memberOf(p *model.Principal, team string) bool {
	for _, t := range s.Authz.Teams(p) {
		if t == team || t == auth.AllTeams {
			return true
		}
	}
	return false
}

// activeShare returns the share through which principal p reaches a dataset
// of another team: the first unexpired share made to one of p's teams. It
// returns nil and a reason when there is none.
func (s *Service) activeShare(ctx context.Context, p *model.Principal, dataset string) (*model.Share, string, error) {
	reason := "no share of dataset " + dataset + " with the caller's teams"
	for _, t := range s.Authz.Teams(p) {
		sh, err := s.share(ctx, dataset, t)
		if err != nil {
			return nil, "", err
		}
		if sh == nil {
			continue
		}
		if sh.Expired(s.now()) {
			reason = fmt.Sprintf("the share of dataset %s with team %s expired at %s", dataset, t, sh.ExpiresAt.Format(time.RFC3339))
			continue
		}
		return sh, "", nil
	}
	return nil, reason, nil
}

// scope is what a caller sees of one dataset.
type scope struct {
	// share is the share the caller reads through; nil for members of the
	// dataset's team and admins.
	share *model.Share
	// visible lists the fields a share shows; nil: every field.
	visible map[string]bool
	// rows are conditions every visible document meets.
	rows []model.FieldFilter
	// masked are the sensitive fields whose values the caller may not read.
	masked map[string]bool
}

// readDataset returns a dataset the caller may read (Dataset) and the
// caller's view of it: every read path applies that view.
func (s *Service) readDataset(ctx context.Context, id string) (*model.Dataset, *scope, error) {
	d, err := s.Dataset(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	sc, err := s.readScope(ctx, d)
	if err != nil {
		return nil, nil, err
	}
	return d, sc, nil
}

// readScope returns the caller's view of dataset d, which the caller was
// already allowed to read (Dataset).
func (s *Service) readScope(ctx context.Context, d *model.Dataset) (*scope, error) {
	p := model.PrincipalFromContext(ctx)
	sc := &scope{}
	if !s.memberOf(p, d.Team) {
		sh, reason, err := s.activeShare(ctx, p, d.ID)
		if err != nil {
			return nil, err
		}
		if sh == nil { // authorize refuses this already; be safe anyway
			return nil, model.Errorf(model.EFORBIDDEN, "%s", reason)
		}
		sc.share, sc.rows = sh, sh.RowFilter
		if sh.Fields != nil {
			sc.visible = map[string]bool{}
			for _, f := range sh.Fields {
				sc.visible[f] = true
			}
			if d.KeyField != "" {
				sc.visible[d.KeyField] = true
			}
		}
	}
	ok, err := s.Authz.Allowed(p, d.Team, "dataset/"+d.ID, auth.ActReadSensitive)
	if err != nil {
		return nil, err
	}
	if !ok {
		for _, f := range d.Fields {
			if f.Sensitive {
				if sc.masked == nil {
					sc.masked = map[string]bool{}
				}
				sc.masked[f.Name] = true
			}
		}
	}
	return sc, nil
}

// full reports whether the scope shows everything.
func (sc *scope) full() bool { return sc.visible == nil && len(sc.rows) == 0 && len(sc.masked) == 0 }

// hidden reports whether a field (the first segment of a path) is not visible.
func (sc *scope) hidden(path string) bool {
	top, _, _ := strings.Cut(path, ".")
	return sc.visible != nil && !sc.visible[top]
}

// Masked is what a masked sensitive value reads as.
const Masked = "***"

// document returns what the scope shows of doc: a copy without hidden fields
// and with masked values, or doc itself when nothing is limited. A view
// limited to some rows sees its sources without line numbers: the lines of
// the rows it sees would tell how many rows it does not see.
func (sc *scope) document(doc *model.Document) *model.Document {
	if sc.visible == nil && len(sc.masked) == 0 && len(sc.rows) == 0 {
		return doc
	}
	cp := *doc
	if len(sc.rows) > 0 {
		cp.Sources = make(map[string]model.SourceRef, len(doc.Sources))
		for name, ref := range doc.Sources {
			ref.Line = 0
			cp.Sources[name] = ref
		}
	}
	if sc.visible == nil && len(sc.masked) == 0 {
		return &cp
	}
	cp.Fields = make(map[string]any, len(doc.Fields))
	for k, v := range doc.Fields {
		switch {
		case sc.visible != nil && !sc.visible[k]:
		case sc.masked[k] && v != nil:
			cp.Fields[k] = Masked
		default:
			cp.Fields[k] = v
		}
	}
	return &cp
}

// dataset returns what the scope shows of d's description: hidden fields are
// left out of the schema.
func (sc *scope) dataset(d *model.Dataset) *model.Dataset {
	if sc.visible == nil {
		return d
	}
	cp := *d
	cp.Fields = nil
	for _, f := range d.Fields {
		if sc.visible[f.Name] {
			cp.Fields = append(cp.Fields, f)
		}
	}
	return &cp
}

// checkFields refuses (FORBIDDEN, audited) filters and orderings that name a
// hidden or masked field: filtering on a field the caller cannot see would
// reveal its values one question at a time.
func (s *Service) checkFields(ctx context.Context, d *model.Dataset, sc *scope, what string, paths []string) error {
	for _, path := range paths {
		top, _, _ := strings.Cut(path, ".")
		var why string
		switch {
		case sc.hidden(path):
			why = "is not shared with the caller"
		case sc.masked[top]:
			why = "is sensitive and masked for the caller"
		default:
			continue
		}
		return s.deny(ctx, auth.ActRead, d.Team, "dataset/"+d.ID+"/field/"+top,
			fmt.Sprintf("%s on field %q: the field %s", what, top, why))
	}
	return nil
}

// ingestion returns what the scope shows of an ingestion. A caller limited to
// some rows sees no report (it aggregates rows it may not see); hidden fields
// and the masked fields' statistics are left out; the spec (rules, mapping) is
// for the dataset's team only.
func (sc *scope) ingestion(ing *model.Ingestion) *model.Ingestion {
	if sc.full() {
		return ing
	}
	cp := *ing
	cp.Spec = nil
	if sc.share != nil && len(sc.rows) > 0 {
		cp.Report = nil
		return &cp
	}
	rep, ok := ing.Report.(map[string]any)
	if !ok {
		return &cp
	}
	out := make(map[string]any, len(rep))
	for k, v := range rep {
		out[k] = v
	}
	keep := func(name string) bool { return !sc.hidden(name) }
	if list, ok := rep["fields"].([]any); ok {
		var fields []any
		for _, f := range list {
			m, ok := f.(map[string]any)
			name, _ := m["name"].(string)
			if !ok || !keep(name) {
				continue
			}
			if sc.masked[name] {
				m = map[string]any{"name": name, "type": m["type"], "count": m["count"], "nulls": m["nulls"], "nullRatio": m["nullRatio"]}
			}
			fields = append(fields, m)
		}
		out["fields"] = fields
	}
	if list, ok := rep["rejectsByField"].([]any); ok {
		var counts []any
		for _, f := range list {
			if m, ok := f.(map[string]any); ok {
				if name, _ := m["field"].(string); keep(name) {
					counts = append(counts, m)
				}
			}
		}
		out["rejectsByField"] = counts
	}
	cp.Report = out
	return &cp
}

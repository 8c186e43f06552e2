package service

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/auth/authtest"
	"github.com/mms-platform/mms/model"
)

// Fakes of the stores and the audit chain, in the manner of benbjohnson/wtf's
// mock package: each method calls its function field, and a test sets only
// the fields the path under test reaches, so a call to an unset one panics
// and names a dependency the test did not expect. Authorization is never
// faked: tests decide with a real auth.Authorizer (authtest) over the default
// role policies.

var (
	_ DatasetStore  = (*fakeDatasets)(nil)
	_ ShareStore    = (*fakeShares)(nil)
	_ TeamStore     = (*fakeTeams)(nil)
	_ DocumentStore = (*fakeDocs)(nil)
	_ AuditChain    = (*fakeChain)(nil)
)

type fakeDatasets struct {
	CreateDatasetFn func(ctx context.Context, d *model.Dataset) error
	DatasetFn       func(ctx context.Context, id string) (*model.Dataset, error)
	ListDatasetsFn  func(ctx context.Context, teams, ids []string, after string, limit int) ([]*model.Dataset, int, error)
}

func (f *fakeDatasets) CreateDataset(ctx context.Context, d *model.Dataset) error {
	return f.CreateDatasetFn(ctx, d)
}

func (f *fakeDatasets) Dataset(ctx context.Context, id string) (*model.Dataset, error) {
	return f.DatasetFn(ctx, id)
}

func (f *fakeDatasets) ListDatasets(ctx context.Context, teams, ids []string, after string, limit int) ([]*model.Dataset, int, error) {
	return f.ListDatasetsFn(ctx, teams, ids, after, limit)
}

type fakeShares struct {
	PutShareFn    func(ctx context.Context, s *model.Share) error
	ShareFn       func(ctx context.Context, dataset, team string) (*model.Share, error)
	DeleteShareFn func(ctx context.Context, dataset, team string) (*model.Share, error)
	SharesFn      func(ctx context.Context, dataset string, teams []string) ([]*model.Share, error)
}

func (f *fakeShares) PutShare(ctx context.Context, s *model.Share) error { return f.PutShareFn(ctx, s) }

func (f *fakeShares) Share(ctx context.Context, dataset, team string) (*model.Share, error) {
	return f.ShareFn(ctx, dataset, team)
}

func (f *fakeShares) DeleteShare(ctx context.Context, dataset, team string) (*model.Share, error) {
	return f.DeleteShareFn(ctx, dataset, team)
}

func (f *fakeShares) Shares(ctx context.Context, dataset string, teams []string) ([]*model.Share, error) {
	return f.SharesFn(ctx, dataset, teams)
}

type fakeTeams struct {
	CreateTeamFn func(ctx context.Context, t *model.Team) error
	TeamFn       func(ctx context.Context, id string) (*model.Team, error)
	TeamsFn      func(ctx context.Context, ids []string) ([]*model.Team, error)
}

func (f *fakeTeams) CreateTeam(ctx context.Context, t *model.Team) error {
	return f.CreateTeamFn(ctx, t)
}

func (f *fakeTeams) Team(ctx context.Context, id string) (*model.Team, error) {
	return f.TeamFn(ctx, id)
}

func (f *fakeTeams) Teams(ctx context.Context, ids []string) ([]*model.Team, error) {
	return f.TeamsFn(ctx, ids)
}

// fakeDocs fakes the read paths of a DocumentStore that take a share's row
// filter; the embedded nil interface makes any teamOther method panic.
type fakeDocs struct {
	DocumentStore
	DocumentWhereFn       func(ctx context.Context, dataset, key string, where []model.FieldFilter) (*model.Document, error)
	FindDocumentsFn       func(ctx context.Context, dataset string, q model.DocumentQuery) ([]*model.Document, int, error)
	CountDocumentsWhereFn func(ctx context.Context, dataset string, where []model.FieldFilter) (int, error)
}

func (f *fakeDocs) DocumentWhere(ctx context.Context, dataset, key string, where []model.FieldFilter) (*model.Document, error) {
	return f.DocumentWhereFn(ctx, dataset, key, where)
}

func (f *fakeDocs) FindDocuments(ctx context.Context, dataset string, q model.DocumentQuery) ([]*model.Document, int, error) {
	return f.FindDocumentsFn(ctx, dataset, q)
}

func (f *fakeDocs) CountDocumentsWhere(ctx context.Context, dataset string, where []model.FieldFilter) (int, error) {
	return f.CountDocumentsWhereFn(ctx, dataset, where)
}

// fakeChain is an audit chain that keeps what is appended, for tests to
// assert the record of every mutation and denial. With AppendErr set, Append
// fails and records nothing.
type fakeChain struct {
	AppendErr error
	VerifyFn  func(ctx context.Context) (model.AuditVerification, error)

	mu      sync.Mutex
	entries []auth.AuditEntry
}

func (c *fakeChain) Append(_ context.Context, e auth.AuditEntry) error {
	if c.AppendErr != nil {
		return c.AppendErr
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = append(c.entries, e)
	return nil
}

func (c *fakeChain) Verify(ctx context.Context) (model.AuditVerification, error) {
	return c.VerifyFn(ctx)
}

// Entries returns the records appended so far.
func (c *fakeChain) Entries() []auth.AuditEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]auth.AuditEntry(nil), c.entries...)
}

// The world of the tests: team lab owns the dataset patients, which it may
// share with team partner; team other has nothing to do with either.
const (
	teamLab     = "lab"
	teamPartner = "partner"
	teamOther   = "other"

	// patients has a key field, a sensitive field (ssn) and a field (site)
	// shares filter rows on.
	patients = "patients"
)

// Principals, one API key each, with the role their name says (granted by newWorld).
var (
	adminKey      = keyPrincipal("admin")
	labOwner      = keyPrincipal("lab-owner")
	labEditor     = keyPrincipal("lab-editor")
	labViewer     = keyPrincipal("lab-viewer")
	labAnnotator  = keyPrincipal("lab-annotator")
	labReviewer   = keyPrincipal("lab-reviewer")
	partnerViewer = keyPrincipal("partner-viewer")
	partnerEditor = keyPrincipal("partner-editor")
	otherOwner    = keyPrincipal("other-owner")
	stranger      = keyPrincipal("stranger") // no role anywhere
	anon          = model.Anonymous
	grants        = []struct {
		p    *model.Principal
		role model.Role
		team string
	}{
		{adminKey, model.RoleAdmin, auth.AllTeams},
		{labOwner, model.RoleOwner, teamLab},
		{labEditor, model.RoleEditor, teamLab},
		{labViewer, model.RoleViewer, teamLab},
		{labAnnotator, model.RoleAnnotator, teamLab},
		{labReviewer, model.RoleReviewer, teamLab},
		{partnerViewer, model.RoleViewer, teamPartner},
		{partnerEditor, model.RoleEditor, teamPartner},
		{otherOwner, model.RoleOwner, teamOther},
	}
)

func keyPrincipal(name string) *model.Principal { return &model.Principal{ID: "key:" + name} }

// jwtPrincipal is a JWT caller holding role in team by its token's claims only.
func jwtPrincipal(sub, team string, role model.Role) *model.Principal {
	return &model.Principal{ID: auth.JWTSubjectPrefix + sub, Team: team, Role: &role}
}

// testNow is the service's clock in every test.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// testRequest is the request every test call comes in.
var testRequest = model.RequestInfo{ID: "req-1", RemoteAddr: "192.0.2.7:40000"}

// ctxAs returns a context of a request by p.
func ctxAs(p *model.Principal) context.Context {
	ctx := model.NewContextWithRequest(context.Background(), testRequest)
	return model.NewContextWithPrincipal(ctx, p)
}

// patientsDataset returns a new description of teamLab's dataset patients.
func patientsDataset() *model.Dataset {
	return &model.Dataset{
		ID: patients, Name: "Patients", Team: teamLab, KeyField: "id", DocumentCount: 40,
		Fields: []model.FieldSpec{
			{Name: "id", Type: model.FieldString},
			{Name: "age", Type: model.FieldInt},
			{Name: "site", Type: model.FieldString},
			{Name: "diagnosis", Type: model.FieldString},
			{Name: "ssn", Type: model.FieldString, Sensitive: true},
		},
	}
}

// world is a Service over fakes whose state the test shapes: datasets and
// share records in maps, grants in a real authorizer.
type world struct {
	svc      *Service
	authz    *auth.Authorizer
	chain    *fakeChain
	datasets map[string]*model.Dataset
	shares   map[string]*model.Share // by dataset + "/" + team
	teams    map[string]bool
}

// newWorld returns the world with every principal's grant, the dataset
// patients and no share, changed by the setups that are not nil.
func newWorld(t *testing.T, setups ...func(t *testing.T, w *world)) *world {
	t.Helper()
	w := &world{
		authz:    authtest.NewAuthorizer(t),
		chain:    &fakeChain{},
		datasets: map[string]*model.Dataset{patients: patientsDataset()},
		shares:   map[string]*model.Share{},
		teams:    map[string]bool{teamLab: true, teamPartner: true, teamOther: true},
	}
	for _, g := range grants {
		if err := w.authz.Grant(g.p.ID, g.role, g.team); err != nil {
			t.Fatal(err)
		}
	}
	w.svc = &Service{
		Authz:      w.authz,
		AuditChain: w.chain,
		Now:        func() time.Time { return testNow },
		Datasets: &fakeDatasets{DatasetFn: func(_ context.Context, id string) (*model.Dataset, error) {
			if d, ok := w.datasets[id]; ok {
				return d, nil
			}
			return nil, model.Errorf(model.ENOTFOUND, "no dataset %s", id)
		}},
		Sharing: &fakeShares{
			ShareFn: func(_ context.Context, dataset, team string) (*model.Share, error) {
				if sh, ok := w.shares[dataset+"/"+team]; ok {
					return sh, nil
				}
				return nil, model.Errorf(model.ENOTFOUND, "no share")
			},
			PutShareFn: func(_ context.Context, sh *model.Share) error {
				w.shares[sh.Dataset+"/"+sh.Team] = sh
				return nil
			},
		},
		Teams: &fakeTeams{TeamFn: func(_ context.Context, id string) (*model.Team, error) {
			if w.teams[id] {
				return &model.Team{ID: id, Name: id}, nil
			}
			return nil, model.Errorf(model.ENOTFOUND, "team %q not found", id)
		}},
	}
	for _, setup := range setups {
		if setup != nil {
			setup(t, w)
		}
	}
	return w
}

// datasetGone is a setup that deletes patients.
func datasetGone(_ *testing.T, w *world) { delete(w.datasets, patients) }

// markSensitive returns a setup that marks a field of patients sensitive.
func markSensitive(field string) func(t *testing.T, w *world) {
	return func(t *testing.T, w *world) {
		t.Helper()
		f := fieldSpec(w.datasets[patients], field)
		if f == nil {
			t.Fatalf("patients has no field %s", field)
		}
		f.Sensitive = true
	}
}

// share makes both halves of a share as ShareDataset does: the record, and
// the policies of its role for every principal of the team.
func (w *world) share(t *testing.T, sh model.Share) {
	t.Helper()
	w.shareRecord(sh)
	w.allowTeam(t, sh.Team, sh.Dataset, shareActs[sh.Role]...)
}

// shareRecord stores a share record without touching policies.
func (w *world) shareRecord(sh model.Share) {
	if sh.CreatedAt.IsZero() {
		sh.CreatedAt = testNow.Add(-time.Hour)
	}
	w.shares[sh.Dataset+"/"+sh.Team] = &sh
}

// allowTeam grants every principal of team acts on a dataset of teamLab, by
// policy only (as an earlier version's share, or a revocation half done).
func (w *world) allowTeam(t *testing.T, team, dataset string, acts ...string) {
	t.Helper()
	if err := w.authz.AllowTeam(team, teamLab, "dataset/"+dataset, acts...); err != nil {
		t.Fatal(err)
	}
}

// denyRecord is the audit record of a refusal of act on obj in team to p.
func denyRecord(p *model.Principal, act, team, obj, summary string) auth.AuditEntry {
	return auditEntry(p, act, team, obj, model.DecisionDeny, summary)
}

// allowRecord is the audit record of a mutation by p.
func allowRecord(p *model.Principal, act, team, obj, summary string) auth.AuditEntry {
	return auditEntry(p, act, team, obj, model.DecisionAllow, summary)
}

func auditEntry(p *model.Principal, act, team, obj, decision, summary string) auth.AuditEntry {
	actor := p.ID
	if p.Anonymous {
		actor = "anonymous"
	}
	return auth.AuditEntry{
		Actor: actor, Team: team, Action: act, Resource: obj, Decision: decision,
		RequestID: testRequest.ID, ClientAddr: testRequest.RemoteAddr, Summary: summary,
	}
}

// checkErr fails t unless err has the code want ("" for nil) and, when msg is
// given, exactly that message.
func checkErr(t *testing.T, err error, want string, msg ...string) {
	t.Helper()
	if got := model.ErrorCode(err); got != want {
		t.Fatalf("error code %q (%v), want %q", got, err, want)
	}
	if len(msg) > 0 && model.ErrorMessage(err) != msg[0] {
		t.Fatalf("error message:\n got %q\nwant %q", model.ErrorMessage(err), msg[0])
	}
}

// checkAudit fails t unless the chain holds exactly want, in order.
func checkAudit(t *testing.T, c *fakeChain, want ...auth.AuditEntry) {
	t.Helper()
	if diff := cmp.Diff(want, c.Entries(), cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("audit records (-want +got):\n%s", diff)
	}
}

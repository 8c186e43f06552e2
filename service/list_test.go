package service

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// TestListDatasetsSelection: the datasets a caller lists are those of the
// teams in which it may read datasets and those shared, unexpired, with its
// teams (every dataset for admins); a shared one is described as the share
// shows it.
func TestListDatasetsSelection(t *testing.T) {
	t.Parallel()
	past, soon := testNow.Add(-time.Second), testNow.Add(time.Hour)
	cases := []struct {
		name       string
		p          *model.Principal
		shares     []model.Share
		teams, ids []string // the selection asked of the store
		asked      bool
		fields     []string // the schema listed for patients
		code       string
		audit      []auth.AuditEntry
	}{
		{name: "admin: every dataset", p: adminKey, asked: true, fields: []string{"id", "age", "site", "diagnosis", "ssn"}},
		{name: "member", p: labViewer, teams: []string{teamLab}, asked: true, fields: []string{"id", "age", "site", "diagnosis", "ssn"}},
		{name: "JWT member", p: jwtPrincipal("ann", teamLab, model.RoleViewer), teams: []string{teamLab}, asked: true,
			fields: []string{"id", "age", "site", "diagnosis", "ssn"}},
		{name: "annotator: no dataset of its team", p: labAnnotator},
		{name: "no role: nothing", p: stranger},
		{name: "share's team: the shared fields", p: partnerViewer, teams: []string{teamPartner}, ids: []string{patients}, asked: true,
			shares: []model.Share{partnerShare()}, fields: []string{"id", "age", "ssn"}},
		{name: "share expiring later", p: partnerViewer, teams: []string{teamPartner}, ids: []string{patients}, asked: true,
			shares: []model.Share{{Dataset: patients, Team: teamPartner, Role: model.ShareViewer, ExpiresAt: &soon}},
			fields: []string{"id", "age", "site", "diagnosis", "ssn"}},
		{name: "expired share: not listed", p: partnerViewer, teams: []string{teamPartner}, asked: true,
			shares: []model.Share{{Dataset: patients, Team: teamPartner, Role: model.ShareViewer, ExpiresAt: &past}}},
		{name: "anonymous", p: anon, code: model.EUNAUTHENTICATED,
			audit: []auth.AuditEntry{denyRecord(anon, auth.ActRead, auth.AllTeams, "dataset/*",
				"read on dataset/* needs a token: send Authorization: Bearer <API key or JWT>")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			for _, sh := range tc.shares {
				w.share(t, sh)
			}
			w.svc.Sharing.(*fakeShares).SharesFn = func(_ context.Context, dataset string, teams []string) ([]*model.Share, error) {
				var out []*model.Share
				for _, sh := range w.shares {
					for _, t := range teams {
						if sh.Team == t && dataset == "" {
							out = append(out, sh)
						}
					}
				}
				return out, nil
			}
			asked := false
			var teams, ids []string
			w.svc.Datasets.(*fakeDatasets).ListDatasetsFn = func(_ context.Context, tm, is []string, after string, limit int) ([]*model.Dataset, int, error) {
				asked, teams, ids = true, tm, is
				d := w.datasets[patients]
				if tm == nil || slices.Contains(tm, d.Team) || slices.Contains(is, d.ID) {
					return []*model.Dataset{d}, 1, nil
				}
				return nil, 0, nil
			}
			conn, err := w.svc.ListDatasets(ctxAs(tc.p), nil, nil)
			checkErr(t, err, tc.code)
			checkAudit(t, w.chain, tc.audit...)
			if err != nil {
				return
			}
			if asked != tc.asked {
				t.Fatalf("store asked: %v, want %v", asked, tc.asked)
			}
			if diff := cmp.Diff(tc.teams, teams); diff != "" {
				t.Errorf("teams selected (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.ids, ids); diff != "" {
				t.Errorf("shared datasets selected (-want +got):\n%s", diff)
			}
			var fields []string
			for _, e := range conn.Edges {
				for _, f := range e.Node.Fields {
					fields = append(fields, f.Name)
				}
			}
			if diff := cmp.Diff(tc.fields, fields); diff != "" {
				t.Errorf("fields listed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRevokeShare: revoking withdraws every act a share granted, then the
// record, audited as the owner's mutation; only an owner revokes.
func TestRevokeShare(t *testing.T) {
	t.Parallel()
	ds := "dataset/" + patients
	cases := []struct {
		name    string
		p       *model.Principal
		team    string
		code    string
		revoked bool
		audit   []auth.AuditEntry
	}{
		{name: "owner", p: labOwner, team: teamPartner, revoked: true,
			audit: []auth.AuditEntry{allowRecord(labOwner, auth.ActShare, teamLab, ds, "revoke share with team partner")}},
		{name: "no such share", p: labOwner, team: teamOther, code: model.ENOTFOUND,
			audit: []auth.AuditEntry{allowRecord(labOwner, auth.ActShare, teamLab, ds, "revoke share with team other failed: NOT_FOUND")}},
		{name: "the share's own team", p: partnerEditor, team: teamPartner, code: model.EFORBIDDEN,
			audit: []auth.AuditEntry{denyRecord(partnerEditor, auth.ActShare, teamLab, ds, "key:partner-editor may not share dataset/patients")}},
		{name: "editor", p: labEditor, team: teamPartner, code: model.EFORBIDDEN,
			audit: []auth.AuditEntry{denyRecord(labEditor, auth.ActShare, teamLab, ds, "key:lab-editor may not share dataset/patients")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.share(t, model.Share{Dataset: patients, Team: teamPartner, Role: model.ShareEditor})
			w.allowTeam(t, teamPartner, patients, auth.ActTrain) // an earlier version's grant
			w.svc.Sharing.(*fakeShares).DeleteShareFn = func(_ context.Context, dataset, team string) (*model.Share, error) {
				sh, ok := w.shares[dataset+"/"+team]
				if !ok {
					return nil, model.Errorf(model.ENOTFOUND, "no share of %s with %s", dataset, team)
				}
				delete(w.shares, dataset+"/"+team)
				return sh, nil
			}
			sh, err := w.svc.RevokeShare(ctxAs(tc.p), patients, tc.team)
			checkErr(t, err, tc.code)
			checkAudit(t, w.chain, tc.audit...)
			if tc.revoked && (sh == nil || sh.Team != tc.team) {
				t.Errorf("RevokeShare returned %+v, want the share with %s", sh, tc.team)
			}
			_, kept := w.shares[patients+"/"+teamPartner]
			if kept == tc.revoked {
				t.Errorf("share record kept: %v", kept)
			}
			for _, act := range sharedActs {
				want := !tc.revoked && act != auth.ActAnnotate // what the setup granted
				if ok, _ := w.authz.Allowed(partnerEditor, teamLab, ds, act); ok != want {
					t.Errorf("partner team allowed %s: %v, want %v", act, ok, want)
				}
			}
		})
	}
}

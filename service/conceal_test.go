package service

import (
	"errors"
	"testing"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// TestCanSee: a caller sees a resource when a policy grants it read, predict
// or annotate on the resource's kind/id in its team; share records play no
// part (a team whose share expired still sees the dataset).
func TestCanSee(t *testing.T) {
	t.Parallel()
	ds := "dataset/" + patients
	expired := testNow.Add(-time.Hour)
	cases := []struct {
		name      string
		p         *model.Principal
		team, obj string
		setup     func(t *testing.T, w *world)
		want      bool
	}{
		{name: "member reads", p: labViewer, team: teamLab, obj: ds, want: true},
		{name: "member reads below the resource", p: labViewer, team: teamLab, obj: ds + "/field/ssn", want: true},
		{name: "annotator sees a task it annotates", p: labAnnotator, team: teamLab, obj: "task/t1/items", want: true},
		{name: "annotator does not see datasets", p: labAnnotator, team: teamLab, obj: ds},
		{name: "reviewer sees a task", p: labReviewer, team: teamLab, obj: "task/t1", want: true},
		{name: "another team sees nothing", p: otherOwner, team: teamLab, obj: ds},
		{name: "no role sees nothing", p: stranger, team: teamLab, obj: ds},
		{name: "anonymous sees nothing", p: anon, team: teamLab, obj: ds},
		{name: "a missing resource: only admins", p: labOwner, team: auth.AllTeams, obj: "dataset/ghost"},
		{name: "a missing resource: admin", p: adminKey, team: auth.AllTeams, obj: "dataset/ghost", want: true},
		{name: "a share's team", p: partnerViewer, team: teamLab, obj: ds, want: true,
			setup: func(t *testing.T, w *world) {
				w.share(t, model.Share{Dataset: patients, Team: teamPartner, Role: model.ShareViewer})
			}},
		{name: "an expired share's team", p: partnerViewer, team: teamLab, obj: ds, want: true,
			setup: func(t *testing.T, w *world) {
				w.share(t, model.Share{Dataset: patients, Team: teamPartner, Role: model.ShareViewer, ExpiresAt: &expired})
			}},
		{name: "a revoked share's record alone", p: partnerViewer, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) {
				w.shareRecord(model.Share{Dataset: patients, Team: teamPartner, Role: model.ShareViewer})
			}},
		{name: "a team allowed only to annotate", p: partnerViewer, team: teamLab, obj: ds, want: true,
			setup: func(t *testing.T, w *world) { w.allowTeam(t, teamPartner, patients, auth.ActAnnotate) }},
		{name: "a team allowed only to write", p: partnerViewer, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) { w.allowTeam(t, teamPartner, patients, auth.ActWrite) }},
		{name: "a shared model's team", p: partnerViewer, team: teamLab, obj: "model/m1/versions/2", want: true,
			setup: func(t *testing.T, w *world) {
				if err := w.authz.AllowTeam(teamPartner, teamLab, "model/m1", auth.ActPredict); err != nil {
					t.Fatal(err)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, tc.setup)
			got, err := w.svc.canSee(ctxAs(tc.p), tc.team, tc.obj)
			if err != nil || got != tc.want {
				t.Fatalf("canSee = %v, %v; want %v", got, err, tc.want)
			}
			checkAudit(t, w.chain)
		})
	}
}

// TestConceal: a caller who may not see a resource gets the answer for a
// missing one, and the refusal is audited with its real reason.
func TestConceal(t *testing.T) {
	t.Parallel()
	ds := "dataset/" + patients
	nf := notFound("dataset", patients)
	cases := []struct {
		name  string
		p     *model.Principal
		code  string
		audit []auth.AuditEntry
	}{
		{name: "seen: decided later", p: labViewer},
		{name: "anonymous: decided later", p: anon},
		{name: "not seen", p: otherOwner, code: model.ENOTFOUND,
			audit: []auth.AuditEntry{denyRecord(otherOwner, auth.ActShare, teamLab, ds, "key:other-owner may not share dataset/patients")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			err := w.svc.conceal(ctxAs(tc.p), auth.ActShare, teamLab, ds, nf)
			checkErr(t, err, tc.code)
			if tc.code != "" && !errors.Is(err, nf) {
				t.Errorf("err %v, want the not-found answer given", err)
			}
			checkAudit(t, w.chain, tc.audit...)
		})
	}
}

// TestDatasetHiddenAnswersAsMissing: Dataset answers a dataset the caller may
// not see exactly as one that does not exist, so that existence is no
// oracle; only the audit log tells them apart. A caller who sees the dataset
// but may not read it (an expired share) is told why.
func TestDatasetHiddenAnswersAsMissing(t *testing.T) {
	t.Parallel()
	ds := "dataset/" + patients
	expired := testNow.Add(-time.Hour)
	const (
		missingPatients = `dataset "patients" not found`
		missingGhost    = `dataset "ghost" not found`
		tokenPatients   = "read on dataset/patients needs a token: send Authorization: Bearer <API key or JWT>"
		tokenGhost      = "read on dataset/ghost needs a token: send Authorization: Bearer <API key or JWT>"
	)
	cases := []struct {
		name  string
		p     *model.Principal
		id    string
		setup func(t *testing.T, w *world)
		code  string
		msg   string
		audit []auth.AuditEntry
	}{
		{name: "member", p: labViewer, id: patients},
		{name: "admin", p: adminKey, id: patients},
		{name: "another team: hidden", p: otherOwner, id: patients, code: model.ENOTFOUND, msg: missingPatients,
			audit: []auth.AuditEntry{denyRecord(otherOwner, auth.ActRead, teamLab, ds, "key:other-owner may not read dataset/patients")}},
		{name: "another team: missing", p: otherOwner, id: "ghost", code: model.ENOTFOUND, msg: missingGhost,
			audit: []auth.AuditEntry{denyRecord(otherOwner, auth.ActRead, auth.AllTeams, "dataset/ghost", "key:other-owner may not read dataset/ghost")}},
		{name: "member: missing", p: labOwner, id: "ghost", code: model.ENOTFOUND, msg: missingGhost,
			audit: []auth.AuditEntry{denyRecord(labOwner, auth.ActRead, auth.AllTeams, "dataset/ghost", "key:lab-owner may not read dataset/ghost")}},
		{name: "admin: missing, nothing refused", p: adminKey, id: "ghost", code: model.ENOTFOUND, msg: missingGhost},
		{name: "annotator: hidden", p: labAnnotator, id: patients, code: model.ENOTFOUND, msg: missingPatients,
			audit: []auth.AuditEntry{denyRecord(labAnnotator, auth.ActRead, teamLab, ds, "key:lab-annotator may not read dataset/patients")}},
		{name: "anonymous: existing", p: anon, id: patients, code: model.EUNAUTHENTICATED, msg: tokenPatients,
			audit: []auth.AuditEntry{denyRecord(anon, auth.ActRead, teamLab, ds, tokenPatients)}},
		{name: "anonymous: missing", p: anon, id: "ghost", code: model.EUNAUTHENTICATED, msg: tokenGhost,
			audit: []auth.AuditEntry{denyRecord(anon, auth.ActRead, auth.AllTeams, "dataset/ghost", tokenGhost)}},
		{name: "share's team", p: partnerViewer, id: patients,
			setup: func(t *testing.T, w *world) {
				w.share(t, model.Share{Dataset: patients, Team: teamPartner, Role: model.ShareViewer})
			}},
		{name: "expired share's team: told why", p: partnerViewer, id: patients, code: model.EFORBIDDEN,
			msg: "key:partner-viewer may not read dataset/patients: the share of dataset patients with team partner expired at 2026-03-01T11:00:00Z",
			setup: func(t *testing.T, w *world) {
				w.share(t, model.Share{Dataset: patients, Team: teamPartner, Role: model.ShareViewer, ExpiresAt: &expired})
			},
			audit: []auth.AuditEntry{denyRecord(partnerViewer, auth.ActRead, teamLab, ds,
				"key:partner-viewer may not read dataset/patients: the share of dataset patients with team partner expired at 2026-03-01T11:00:00Z")}},
		{name: "revoked share's team: hidden", p: partnerViewer, id: patients, code: model.ENOTFOUND, msg: missingPatients,
			setup: func(t *testing.T, w *world) {
				w.shareRecord(model.Share{Dataset: patients, Team: teamPartner, Role: model.ShareViewer})
			},
			audit: []auth.AuditEntry{denyRecord(partnerViewer, auth.ActRead, teamLab, ds, "key:partner-viewer may not read dataset/patients")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, tc.setup)
			d, err := w.svc.Dataset(ctxAs(tc.p), tc.id)
			checkErr(t, err, tc.code, tc.msg)
			if tc.code == "" && (d == nil || d.ID != tc.id) {
				t.Fatalf("Dataset = %+v, want %s", d, tc.id)
			}
			checkAudit(t, w.chain, tc.audit...)
		})
	}
}

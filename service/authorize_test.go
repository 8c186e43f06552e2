package service

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// TestAuthorize walks the one authorization decision through the default
// role policies, the team domains, JWT claims and dataset shares. A refusal
// is audited as one deny record whose summary is the message returned; an
// allowed check writes nothing.
func TestAuthorize(t *testing.T) {
	t.Parallel()
	ds := "dataset/" + patients
	soon, past := testNow.Add(time.Minute), testNow.Add(-time.Second)
	viewerShare := model.Share{Dataset: patients, Team: teamPartner, Role: model.ShareViewer}
	editorShare := model.Share{Dataset: patients, Team: teamPartner, Role: model.ShareEditor}
	expiring := func(sh model.Share, at time.Time) model.Share { sh.ExpiresAt = &at; return sh }

	cases := []struct {
		name           string
		p              *model.Principal
		act, team, obj string
		setup          func(t *testing.T, w *world)
		code           string // "" for allowed
		msg            string // the refusal's message, which the deny record repeats
	}{
		{name: "anonymous needs a token", p: anon, act: auth.ActRead, team: teamLab, obj: ds,
			code: model.EUNAUTHENTICATED, msg: "read on dataset/patients needs a token: send Authorization: Bearer <API key or JWT>"},
		{name: "no role: denied by default", p: stranger, act: auth.ActRead, team: teamLab, obj: ds,
			code: model.EFORBIDDEN, msg: "key:stranger may not read dataset/patients"},
		{name: "admin in a team", p: adminKey, act: auth.ActWrite, team: teamLab, obj: ds},
		{name: "admin on a global object", p: adminKey, act: auth.ActRead, team: auth.AllTeams, obj: "audit"},
		{name: "owner shares", p: labOwner, act: auth.ActShare, team: teamLab, obj: ds},
		{name: "owner reads sensitive", p: labOwner, act: auth.ActReadSensitive, team: teamLab, obj: ds},
		{name: "editor writes", p: labEditor, act: auth.ActWrite, team: teamLab, obj: ds},
		{name: "editor does not share", p: labEditor, act: auth.ActShare, team: teamLab, obj: ds,
			code: model.EFORBIDDEN, msg: "key:lab-editor may not share dataset/patients"},
		{name: "viewer reads", p: labViewer, act: auth.ActRead, team: teamLab, obj: ds},
		{name: "viewer reads a field", p: labViewer, act: auth.ActRead, team: teamLab, obj: ds + "/field/age"},
		{name: "viewer does not write", p: labViewer, act: auth.ActWrite, team: teamLab, obj: ds,
			code: model.EFORBIDDEN, msg: "key:lab-viewer may not write dataset/patients"},
		{name: "viewer does not read sensitive", p: labViewer, act: auth.ActReadSensitive, team: teamLab, obj: ds,
			code: model.EFORBIDDEN, msg: "key:lab-viewer may not read-sensitive dataset/patients"},
		{name: "annotator annotates a task", p: labAnnotator, act: auth.ActAnnotate, team: teamLab, obj: "task/t1"},
		{name: "annotator does not read datasets", p: labAnnotator, act: auth.ActRead, team: teamLab, obj: ds,
			code: model.EFORBIDDEN, msg: "key:lab-annotator may not read dataset/patients"},
		{name: "annotator does not review", p: labAnnotator, act: auth.ActReview, team: teamLab, obj: "task/t1",
			code: model.EFORBIDDEN, msg: "key:lab-annotator may not review task/t1"},
		{name: "reviewer reviews", p: labReviewer, act: auth.ActReview, team: teamLab, obj: "task/t1"},
		{name: "reviewer does not annotate", p: labReviewer, act: auth.ActAnnotate, team: teamLab, obj: "task/t1",
			code: model.EFORBIDDEN, msg: "key:lab-reviewer may not annotate task/t1"},
		{name: "owner of another team", p: otherOwner, act: auth.ActRead, team: teamLab, obj: ds,
			code: model.EFORBIDDEN, msg: "key:other-owner may not read dataset/patients"},
		{name: "owner outside its team", p: labOwner, act: auth.ActRead, team: teamOther, obj: "dataset/o1",
			code: model.EFORBIDDEN, msg: "key:lab-owner may not read dataset/o1"},
		{name: "owner on a global object", p: labOwner, act: auth.ActRead, team: auth.AllTeams, obj: "audit",
			code: model.EFORBIDDEN, msg: "key:lab-owner may not read audit"},
		{name: "JWT viewer claim reads", p: jwtPrincipal("ann", teamLab, model.RoleViewer), act: auth.ActRead, team: teamLab, obj: ds},
		{name: "JWT viewer claim does not write", p: jwtPrincipal("ann", teamLab, model.RoleViewer), act: auth.ActWrite, team: teamLab, obj: ds,
			code: model.EFORBIDDEN, msg: "user:ann may not write dataset/patients"},
		{name: "JWT claim holds in its team only", p: jwtPrincipal("ann", teamLab, model.RoleOwner), act: auth.ActRead, team: teamOther, obj: "dataset/o1",
			code: model.EFORBIDDEN, msg: "user:ann may not read dataset/o1"},
		{name: "JWT admin claim", p: jwtPrincipal("root", "", model.RoleAdmin), act: auth.ActShare, team: teamOther, obj: "dataset/o1"},

		// Shares: a policy and an unexpired record, both.
		{name: "share policy without a record", p: partnerViewer, act: auth.ActRead, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) { w.allowTeam(t, teamPartner, patients, auth.ActRead) },
			code:  model.EFORBIDDEN, msg: "key:partner-viewer may not read dataset/patients: no share of dataset patients with the caller's teams"},
		{name: "share record without a policy", p: partnerViewer, act: auth.ActRead, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) { w.shareRecord(viewerShare) },
			code:  model.EFORBIDDEN, msg: "key:partner-viewer may not read dataset/patients"},
		{name: "viewer share reads", p: partnerViewer, act: auth.ActRead, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) { w.share(t, viewerShare) }},
		{name: "share reaches one dataset only", p: partnerViewer, act: auth.ActRead, team: teamLab, obj: "dataset/visits",
			setup: func(t *testing.T, w *world) { w.share(t, viewerShare) },
			code:  model.EFORBIDDEN, msg: "key:partner-viewer may not read dataset/visits"},
		{name: "viewer share does not write", p: partnerEditor, act: auth.ActWrite, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) { w.share(t, viewerShare) },
			code:  model.EFORBIDDEN, msg: "key:partner-editor may not write dataset/patients"},
		{name: "viewer share never grants read-sensitive", p: partnerEditor, act: auth.ActReadSensitive, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) { w.share(t, viewerShare) },
			code:  model.EFORBIDDEN, msg: "key:partner-editor may not read-sensitive dataset/patients"},
		{name: "viewer share reads with a JWT claim of the team", p: jwtPrincipal("pia", teamPartner, model.RoleViewer), act: auth.ActRead, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) { w.share(t, viewerShare) }},
		{name: "share unexpired a minute before", p: partnerViewer, act: auth.ActRead, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) { w.share(t, expiring(viewerShare, soon)) }},
		{name: "share expired at its instant", p: partnerViewer, act: auth.ActRead, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) { w.share(t, expiring(viewerShare, testNow)) },
			code:  model.EFORBIDDEN, msg: "key:partner-viewer may not read dataset/patients: the share of dataset patients with team partner expired at 2026-03-01T12:00:00Z"},
		{name: "share expired a second ago", p: partnerViewer, act: auth.ActRead, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) { w.share(t, expiring(viewerShare, past)) },
			code:  model.EFORBIDDEN, msg: "key:partner-viewer may not read dataset/patients: the share of dataset patients with team partner expired at 2026-03-01T11:59:59Z"},
		{name: "editor share writes with the member's editor role", p: partnerEditor, act: auth.ActWrite, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) { w.share(t, editorShare) }},
		{name: "editor share does not let a viewer write", p: partnerViewer, act: auth.ActWrite, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) { w.share(t, editorShare) },
			code:  model.EFORBIDDEN, msg: "key:partner-viewer may not write dataset/patients: the caller's role in team partner does not allow write on datasets"},
		{name: "expired editor share does not write", p: partnerEditor, act: auth.ActWrite, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) { w.share(t, expiring(editorShare, past)) },
			code:  model.EFORBIDDEN, msg: "key:partner-editor may not write dataset/patients: the share of dataset patients with team partner expired at 2026-03-01T11:59:59Z"},
		{name: "an earlier version's write policy on a viewer share", p: partnerEditor, act: auth.ActWrite, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) {
				w.share(t, viewerShare)
				w.allowTeam(t, teamPartner, patients, auth.ActWrite)
			},
			code: model.EFORBIDDEN, msg: "key:partner-editor may not write dataset/patients: a VIEWER share of dataset patients does not grant write"},
		{name: "an earlier version's train policy on an editor share", p: partnerEditor, act: auth.ActTrain, team: teamLab, obj: ds,
			setup: func(t *testing.T, w *world) {
				w.share(t, editorShare)
				w.allowTeam(t, teamPartner, patients, auth.ActTrain, auth.ActAnnotate)
			},
			code: model.EFORBIDDEN, msg: "key:partner-editor may not train dataset/patients: a EDITOR share of dataset patients does not grant train"},
		{name: "a shared model needs no share record", p: partnerViewer, act: auth.ActPredict, team: teamLab, obj: "model/m1",
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
			err := w.svc.authorize(ctxAs(tc.p), tc.act, tc.team, tc.obj)
			checkErr(t, err, tc.code, tc.msg)
			if tc.code == "" {
				checkAudit(t, w.chain)
				return
			}
			checkAudit(t, w.chain, denyRecord(tc.p, tc.act, tc.team, tc.obj, tc.msg))
		})
	}
}

// TestAuthorizeAnonymousThrottle: with AnonymousDenials set, the first
// refusal of an address's window is audited and the next ones are only
// counted, but every one is refused.
func TestAuthorizeAnonymousThrottle(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.svc.AnonymousDenials = &auth.AuditThrottle{Window: time.Hour, Now: func() time.Time { return testNow }}
	msg := "read on dataset/patients needs a token: send Authorization: Bearer <API key or JWT>"
	for range 3 {
		checkErr(t, w.svc.authorize(ctxAs(anon), auth.ActRead, teamLab, "dataset/"+patients), model.EUNAUTHENTICATED, msg)
	}
	checkAudit(t, w.chain, denyRecord(anon, auth.ActRead, teamLab, "dataset/"+patients, msg))
}

// TestAuthorizeFailures: a refusal that cannot be audited is not answered
// as a refusal but as the audit's error, and a share record that cannot be
// read refuses nothing and allows nothing.
func TestAuthorizeFailures(t *testing.T) {
	t.Parallel()
	down := errors.New("store down")
	t.Run("audit fails", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		w.chain.AppendErr = down
		err := w.svc.authorize(ctxAs(stranger), auth.ActRead, teamLab, "dataset/"+patients)
		if !errors.Is(err, down) {
			t.Fatalf("err %v, want the audit's error", err)
		}
	})
	t.Run("share store fails", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		w.allowTeam(t, teamPartner, patients, auth.ActRead)
		w.svc.Sharing.(*fakeShares).ShareFn = func(context.Context, string, string) (*model.Share, error) { return nil, down }
		err := w.svc.authorize(ctxAs(partnerViewer), auth.ActRead, teamLab, "dataset/"+patients)
		if !errors.Is(err, down) {
			t.Fatalf("err %v, want the store's error", err)
		}
		checkAudit(t, w.chain)
	})
}

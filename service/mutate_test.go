package service

import (
	"errors"
	"testing"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// TestMutate: a mutation runs only when authorized, and every allowed one is
// audited with its outcome (the error code when it failed); a refusal is
// audited as a denial and the mutation does not run.
func TestMutate(t *testing.T) {
	t.Parallel()
	ds := "dataset/" + patients
	down := errors.New("disk full")
	cases := []struct {
		name      string
		p         *model.Principal
		summary   string
		fnErr     error // what the mutation returns
		appendErr error // what the audit chain returns
		code      string
		wantErr   error // the error returned, when it is not an *model.Error
		ran       bool
		audit     []auth.AuditEntry
	}{
		{name: "allowed and done", p: labEditor, summary: "update dataset", ran: true,
			audit: []auth.AuditEntry{allowRecord(labEditor, auth.ActWrite, teamLab, ds, "update dataset")}},
		{name: "allowed and refused by the use case", p: labEditor, summary: "update dataset",
			fnErr: model.Errorf(model.EINVALID, "no such field"), code: model.EINVALID, ran: true,
			audit: []auth.AuditEntry{allowRecord(labEditor, auth.ActWrite, teamLab, ds, "update dataset failed: BAD_USER_INPUT")}},
		{name: "allowed and failed inside", p: adminKey, summary: "update dataset",
			fnErr: down, code: model.EINTERNAL, wantErr: down, ran: true,
			audit: []auth.AuditEntry{allowRecord(adminKey, auth.ActWrite, teamLab, ds, "update dataset failed: INTERNAL")}},
		{name: "failure without a summary", p: labEditor,
			fnErr: model.Errorf(model.ENOTFOUND, "gone"), code: model.ENOTFOUND, ran: true,
			audit: []auth.AuditEntry{allowRecord(labEditor, auth.ActWrite, teamLab, ds, "failed: NOT_FOUND")}},
		{name: "refused: the mutation does not run", p: labViewer, summary: "update dataset", code: model.EFORBIDDEN,
			audit: []auth.AuditEntry{denyRecord(labViewer, auth.ActWrite, teamLab, ds, "key:lab-viewer may not write dataset/patients")}},
		{name: "anonymous: the mutation does not run", p: anon, summary: "update dataset", code: model.EUNAUTHENTICATED,
			audit: []auth.AuditEntry{denyRecord(anon, auth.ActWrite, teamLab, ds, "write on dataset/patients needs a token: send Authorization: Bearer <API key or JWT>")}},
		{name: "done but not audited: an error", p: labEditor, summary: "update dataset",
			appendErr: down, code: model.EINTERNAL, wantErr: down, ran: true},
		{name: "failed and not audited: the mutation's error", p: labEditor, summary: "update dataset",
			fnErr: model.Errorf(model.ECONFLICT, "changed meanwhile"), appendErr: down, code: model.ECONFLICT, ran: true},
		{name: "refused and not audited: the audit's error", p: labViewer, summary: "update dataset",
			appendErr: down, code: model.EINTERNAL, wantErr: down},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.chain.AppendErr = tc.appendErr
			ran := false
			err := w.svc.mutate(ctxAs(tc.p), auth.ActWrite, teamLab, ds, tc.summary, func() error {
				ran = true
				return tc.fnErr
			})
			checkErr(t, err, tc.code)
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("err %v, want %v", err, tc.wantErr)
			}
			if tc.fnErr != nil && !errors.Is(err, tc.fnErr) {
				t.Errorf("err %v, want the mutation's %v", err, tc.fnErr)
			}
			if ran != tc.ran {
				t.Errorf("mutation ran: %v, want %v", ran, tc.ran)
			}
			checkAudit(t, w.chain, tc.audit...)
		})
	}
}

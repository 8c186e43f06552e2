package service

import (
	"context"
	"testing"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// TestVerifyAudit: only admins verify the audit chain; anyone else is
// refused, audited, and the chain is not walked.
func TestVerifyAudit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		p     *model.Principal
		code  string
		audit []auth.AuditEntry
	}{
		{name: "admin", p: adminKey},
		{name: "JWT admin", p: jwtPrincipal("root", "", model.RoleAdmin)},
		{name: "team owner", p: labOwner, code: model.EFORBIDDEN,
			audit: []auth.AuditEntry{denyRecord(labOwner, auth.ActRead, auth.AllTeams, "audit", "key:lab-owner may not read audit")}},
		{name: "anonymous", p: anon, code: model.EUNAUTHENTICATED,
			audit: []auth.AuditEntry{denyRecord(anon, auth.ActRead, auth.AllTeams, "audit", "read on audit needs a token: send Authorization: Bearer <API key or JWT>")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			walked := false
			w.chain.VerifyFn = func(context.Context) (model.AuditVerification, error) {
				walked = true
				return model.AuditVerification{OK: true, Checked: 12}, nil
			}
			v, err := w.svc.VerifyAudit(ctxAs(tc.p))
			checkErr(t, err, tc.code)
			checkAudit(t, w.chain, tc.audit...)
			if walked != (tc.code == "") {
				t.Errorf("chain walked: %v", walked)
			}
			if tc.code == "" && (v == nil || !v.OK || v.Checked != 12) {
				t.Errorf("VerifyAudit = %+v, want the chain's answer", v)
			}
		})
	}
}

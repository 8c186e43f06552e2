package service

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// TestShareDatasetRefusals: a share is made whole or not at all. What it
// may not say (a field the dataset lacks, a row condition the store cannot
// keep to the share or that quotes a sensitive field, an EDITOR share limited
// to fields or rows, an expiry already past) is refused as bad input, audited
// as the owner's failed share; a caller who may not share is refused and
// audited; nothing is stored and no policy changes.
func TestShareDatasetRefusals(t *testing.T) {
	t.Parallel()
	ds := "dataset/" + patients
	now, past := testNow, testNow.Add(-time.Minute)
	filter := func(field, op string, v any) []*model.FieldFilter {
		return []*model.FieldFilter{{Field: field, Op: op, Value: v}}
	}
	viewer := func(mod func(in *model.ShareDatasetInput)) model.ShareDatasetInput {
		in := model.ShareDatasetInput{Dataset: patients, Team: teamPartner, Role: model.ShareViewer}
		if mod != nil {
			mod(&in)
		}
		return in
	}
	failed := func(role, code string) []auth.AuditEntry {
		return []auth.AuditEntry{allowRecord(labOwner, auth.ActShare, teamLab, ds, "share with team partner as "+role+" failed: "+code)}
	}
	cases := []struct {
		name  string
		p     *model.Principal
		in    model.ShareDatasetInput
		code  string
		audit []auth.AuditEntry
	}{
		{name: "a field the dataset lacks", p: labOwner, code: model.EINVALID, audit: failed("VIEWER", model.EINVALID),
			in: viewer(func(in *model.ShareDatasetInput) { in.Fields = []string{"age", "weight"} })},
		{name: "a field name that is no field name", p: labOwner, code: model.EINVALID, audit: failed("VIEWER", model.EINVALID),
			in: viewer(func(in *model.ShareDatasetInput) { in.Fields = []string{"a.b"} })},
		{name: "rows by a sensitive field", p: labOwner, code: model.EINVALID, audit: failed("VIEWER", model.EINVALID),
			in: viewer(func(in *model.ShareDatasetInput) { in.RowFilter = filter("ssn", "eq", "100-25-8246") })},
		{name: "rows by a regex", p: labOwner, code: model.EINVALID, audit: failed("VIEWER", model.EINVALID),
			in: viewer(func(in *model.ShareDatasetInput) { in.RowFilter = filter("site", "regex", "^n") })},
		{name: "rows by exists", p: labOwner, code: model.EINVALID, audit: failed("VIEWER", model.EINVALID),
			in: viewer(func(in *model.ShareDatasetInput) { in.RowFilter = filter("site", "exists", true) })},
		{name: "rows by a nested path", p: labOwner, code: model.EINVALID, audit: failed("VIEWER", model.EINVALID),
			in: viewer(func(in *model.ShareDatasetInput) { in.RowFilter = filter("site.name", "eq", "north") })},
		{name: "rows by a field the dataset lacks", p: labOwner, code: model.EINVALID, audit: failed("VIEWER", model.EINVALID),
			in: viewer(func(in *model.ShareDatasetInput) { in.RowFilter = filter("ward", "eq", "3") })},
		{name: "rows by a value of the wrong type", p: labOwner, code: model.EINVALID, audit: failed("VIEWER", model.EINVALID),
			in: viewer(func(in *model.ShareDatasetInput) { in.RowFilter = filter("age", "gt", "old") })},
		{name: "an editor share limited to fields", p: labOwner, code: model.EINVALID, audit: failed("EDITOR", model.EINVALID),
			in: viewer(func(in *model.ShareDatasetInput) { in.Role, in.Fields = model.ShareEditor, []string{"age"} })},
		{name: "an editor share limited to rows", p: labOwner, code: model.EINVALID, audit: failed("EDITOR", model.EINVALID),
			in: viewer(func(in *model.ShareDatasetInput) {
				in.Role, in.RowFilter = model.ShareEditor, filter("site", "eq", "north")
			})},
		{name: "expiring now", p: labOwner, code: model.EINVALID, audit: failed("VIEWER", model.EINVALID),
			in: viewer(func(in *model.ShareDatasetInput) { in.ExpiresAt = &now })},
		{name: "expired already", p: labOwner, code: model.EINVALID, audit: failed("VIEWER", model.EINVALID),
			in: viewer(func(in *model.ShareDatasetInput) { in.ExpiresAt = &past })},
		{name: "an unknown role", p: labOwner, code: model.EINVALID, audit: failed("OWNER", model.EINVALID),
			in: viewer(func(in *model.ShareDatasetInput) { in.Role = "OWNER" })},
		{name: "with its own team", p: labOwner, code: model.EINVALID,
			in:    viewer(func(in *model.ShareDatasetInput) { in.Team = teamLab }),
			audit: []auth.AuditEntry{allowRecord(labOwner, auth.ActShare, teamLab, ds, "share with team lab as VIEWER failed: BAD_USER_INPUT")}},
		{name: "with a team that does not exist", p: labOwner, code: model.ENOTFOUND,
			in:    viewer(func(in *model.ShareDatasetInput) { in.Team = "nobody" }),
			audit: []auth.AuditEntry{allowRecord(labOwner, auth.ActShare, teamLab, ds, "share with team nobody as VIEWER failed: NOT_FOUND")}},
		{name: "by an editor", p: labEditor, in: viewer(nil), code: model.EFORBIDDEN,
			audit: []auth.AuditEntry{denyRecord(labEditor, auth.ActShare, teamLab, ds, "key:lab-editor may not share dataset/patients")}},
		{name: "by another team: hidden", p: otherOwner, in: viewer(nil), code: model.ENOTFOUND,
			audit: []auth.AuditEntry{denyRecord(otherOwner, auth.ActShare, teamLab, ds, "key:other-owner may not share dataset/patients")}},
		{name: "a dataset that does not exist", p: labOwner, code: model.ENOTFOUND,
			in:    viewer(func(in *model.ShareDatasetInput) { in.Dataset = "ghost" }),
			audit: []auth.AuditEntry{denyRecord(labOwner, auth.ActShare, auth.AllTeams, "dataset/ghost", "key:lab-owner may not share dataset/ghost")}},
		{name: "anonymous", p: anon, in: viewer(nil), code: model.EUNAUTHENTICATED,
			audit: []auth.AuditEntry{denyRecord(anon, auth.ActShare, teamLab, ds, "share on dataset/patients needs a token: send Authorization: Bearer <API key or JWT>")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			sh, err := w.svc.ShareDataset(ctxAs(tc.p), tc.in)
			checkErr(t, err, tc.code)
			if sh != nil {
				t.Errorf("ShareDataset returned a share with its error: %+v", sh)
			}
			checkAudit(t, w.chain, tc.audit...)
			if len(w.shares) != 0 {
				t.Errorf("share records stored: %v", w.shares)
			}
			if ok, _ := w.authz.Allowed(partnerViewer, teamLab, "dataset/"+patients, auth.ActRead); ok {
				t.Error("the partner team was granted read")
			}
		})
	}
}

// TestShareDataset: an owner's share stores the record (its row conditions
// typed by the schema), grants the team its role's acts and withdraws any
// other act an earlier share granted; it is audited once.
func TestShareDataset(t *testing.T) {
	t.Parallel()
	ds := "dataset/" + patients
	soon := testNow.Add(24 * time.Hour)
	w := newWorld(t)
	w.share(t, model.Share{Dataset: patients, Team: teamPartner, Role: model.ShareEditor})
	w.allowTeam(t, teamPartner, patients, auth.ActTrain) // an earlier version's grant

	in := model.ShareDatasetInput{
		Dataset: patients, Team: teamPartner, Role: model.SharePartner, Fields: []string{"age", "ssn"},
		RowFilter: []*model.FieldFilter{{Field: "age", Op: "gte", Value: "18"}, {Field: "site", Op: "in", Value: []any{"north", "south"}}},
		ExpiresAt: &soon,
	}
	got, err := w.svc.ShareDataset(ctxAs(labOwner), in)
	if err != nil {
		t.Fatal(err)
	}
	want := &model.Share{
		Dataset: patients, Team: teamPartner, Role: model.SharePartner, Fields: []string{"age", "ssn"},
		RowFilter: []model.FieldFilter{{Field: "age", Op: "gte", Value: int64(18)}, {Field: "site", Op: "in", Value: []any{"north", "south"}}},
		ExpiresAt: &soon, CreatedBy: labOwner.ID, CreatedAt: testNow,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("share (-want +got):\n%s", diff)
	}
	if stored := w.shares[patients+"/"+teamPartner]; stored != got {
		t.Errorf("stored %+v, want the share returned", stored)
	}
	checkAudit(t, w.chain, allowRecord(labOwner, auth.ActShare, teamLab, ds, "share with team partner as PARTNER"))
	for act, want := range map[string]bool{auth.ActRead: true, auth.ActWrite: false, auth.ActTrain: false, auth.ActAnnotate: false} {
		if ok, _ := w.authz.Allowed(partnerEditor, teamLab, ds, act); ok != want {
			t.Errorf("partner team allowed %s: %v, want %v", act, ok, want)
		}
	}
}

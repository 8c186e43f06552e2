package service

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// northRows is the row condition of the partner's share in these tests.
var northRows = []model.FieldFilter{{Field: "site", Op: "eq", Value: "north"}}

// partnerShare is a PARTNER share of patients showing age and ssn (a
// sensitive field a share may list, and which stays masked) of the north rows.
func partnerShare() model.Share {
	return model.Share{Dataset: patients, Team: teamPartner, Role: model.SharePartner, Fields: []string{"age", "ssn"}, RowFilter: northRows}
}

// TestReadScope: what a caller sees of a dataset. Members and admins see
// every row and field; a share's team sees its fields (and the key) of its
// rows; sensitive values are masked for every caller without read-sensitive
// in the dataset's team, which a share never grants.
func TestReadScope(t *testing.T) {
	t.Parallel()
	ssn := map[string]bool{"ssn": true}
	past := testNow.Add(-time.Minute)
	cases := []struct {
		name    string
		p       *model.Principal
		share   *model.Share
		visible map[string]bool
		rows    []model.FieldFilter
		masked  map[string]bool
		code    string
	}{
		{name: "owner", p: labOwner},
		{name: "editor", p: labEditor},
		{name: "admin", p: adminKey},
		{name: "viewer: sensitive masked", p: labViewer, masked: ssn},
		{name: "JWT viewer: sensitive masked", p: jwtPrincipal("ann", teamLab, model.RoleViewer), masked: ssn},
		{name: "JWT editor", p: jwtPrincipal("ann", teamLab, model.RoleEditor)},
		{name: "partner: its fields and rows, sensitive masked", p: partnerViewer, share: ptr(partnerShare()),
			visible: map[string]bool{"id": true, "age": true, "ssn": true}, rows: northRows, masked: ssn},
		{name: "partner's editor: still masked", p: partnerEditor, share: ptr(partnerShare()),
			visible: map[string]bool{"id": true, "age": true, "ssn": true}, rows: northRows, masked: ssn},
		{name: "editor share: every field, sensitive masked", p: partnerEditor,
			share:  &model.Share{Dataset: patients, Team: teamPartner, Role: model.ShareEditor},
			masked: ssn},
		{name: "expired share: refused", p: partnerViewer, code: model.EFORBIDDEN,
			share: &model.Share{Dataset: patients, Team: teamPartner, Role: model.ShareViewer, ExpiresAt: &past}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			if tc.share != nil {
				w.share(t, *tc.share)
			}
			sc, err := w.svc.readScope(ctxAs(tc.p), w.datasets[patients])
			checkErr(t, err, tc.code)
			if err != nil {
				return
			}
			if diff := cmp.Diff(tc.visible, sc.visible); diff != "" {
				t.Errorf("visible fields (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.rows, sc.rows, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.masked, sc.masked, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("masked fields (-want +got):\n%s", diff)
			}
			if (sc.share != nil) != (tc.share != nil) {
				t.Errorf("read through a share: %v, want %v", sc.share != nil, tc.share != nil)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// rowScopedDocs is a document store holding patients p1 (north) and p2
// (south) that evaluates row conditions the way the tests need: site eq only.
func rowScopedDocs(calls *[][]model.FieldFilter) *fakeDocs {
	docs := map[string]*model.Document{
		"p1": {Key: "p1", Fields: map[string]any{"id": "p1", "age": int64(40), "site": "north", "diagnosis": "flu", "ssn": "100-25-8246"},
			Sources: map[string]model.SourceRef{"upload": {Line: 7}}},
		"p2": {Key: "p2", Fields: map[string]any{"id": "p2", "age": int64(51), "site": "south", "diagnosis": "cold", "ssn": "100-25-8247"}},
	}
	return &fakeDocs{DocumentWhereFn: func(_ context.Context, dataset, key string, where []model.FieldFilter) (*model.Document, error) {
		*calls = append(*calls, where)
		d, ok := docs[key]
		for _, c := range where {
			if ok && c.Field == "site" && c.Op == "eq" {
				ok = d.Fields["site"] == c.Value
			}
		}
		if dataset != patients || !ok {
			return nil, model.Errorf(model.ENOTFOUND, "no document %s", key)
		}
		return d, nil
	}}
}

// TestDocumentRowScope: a document is looked up with the caller's row
// conditions, so a row outside a share answers as a key that does not
// exist; what is found is shown in the caller's view.
func TestDocumentRowScope(t *testing.T) {
	t.Parallel()
	missing := func(key string) string { return `document "` + key + `" not found in dataset "patients"` }
	cases := []struct {
		name   string
		p      *model.Principal
		key    string
		where  []model.FieldFilter
		code   string
		msg    string
		fields map[string]any
		line   int
	}{
		{name: "owner: whole document", p: labOwner, key: "p1", line: 7,
			fields: map[string]any{"id": "p1", "age": int64(40), "site": "north", "diagnosis": "flu", "ssn": "100-25-8246"}},
		{name: "viewer: sensitive masked", p: labViewer, key: "p2",
			fields: map[string]any{"id": "p2", "age": int64(51), "site": "south", "diagnosis": "cold", "ssn": Masked}},
		{name: "owner: missing key", p: labOwner, key: "p9", code: model.ENOTFOUND, msg: missing("p9")},
		{name: "partner: a row of its share", p: partnerViewer, key: "p1", where: northRows,
			fields: map[string]any{"id": "p1", "age": int64(40), "ssn": Masked}},
		{name: "partner: a row outside its share", p: partnerViewer, key: "p2", where: northRows, code: model.ENOTFOUND, msg: missing("p2")},
		{name: "partner: missing key", p: partnerViewer, key: "p9", where: northRows, code: model.ENOTFOUND, msg: missing("p9")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.share(t, partnerShare())
			var calls [][]model.FieldFilter
			w.svc.Docs = rowScopedDocs(&calls)
			doc, err := w.svc.Document(ctxAs(tc.p), patients, tc.key)
			checkErr(t, err, tc.code, tc.msg)
			if diff := cmp.Diff([][]model.FieldFilter{tc.where}, calls, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("row conditions given to the store (-want +got):\n%s", diff)
			}
			checkAudit(t, w.chain)
			if err != nil {
				return
			}
			if diff := cmp.Diff(tc.fields, doc.Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if got := doc.Sources["upload"].Line; got != tc.line {
				t.Errorf("source line %d, want %d (hidden for a view limited to rows)", got, tc.line)
			}
		})
	}
}

// TestDocumentsScope: a query runs with the caller's row conditions added,
// and one that filters or orders on a field the caller cannot see or read is
// refused (FORBIDDEN, audited on the field) before the store is asked.
func TestDocumentsScope(t *testing.T) {
	t.Parallel()
	ds := "dataset/" + patients
	ageOver := []*model.FieldFilter{{Field: "age", Op: "gt", Value: 30}}
	ageOverTyped := model.FieldFilter{Field: "age", Op: "gt", Value: int64(30)}
	cases := []struct {
		name    string
		p       *model.Principal
		where   []*model.FieldFilter
		orderBy []*model.FieldOrder
		want    []model.FieldFilter // the conditions the store gets; nil: not asked
		code    string
		audit   []auth.AuditEntry
	}{
		{name: "member", p: labViewer, where: ageOver, want: []model.FieldFilter{ageOverTyped}},
		{name: "partner: its rows added", p: partnerViewer, where: ageOver, want: []model.FieldFilter{ageOverTyped, northRows[0]}},
		{name: "partner: no filter, its rows", p: partnerViewer, want: northRows},
		{name: "partner: a field not shared", p: partnerViewer, code: model.EFORBIDDEN,
			where: []*model.FieldFilter{{Field: "diagnosis", Op: "eq", Value: "flu"}},
			audit: []auth.AuditEntry{denyRecord(partnerViewer, auth.ActRead, teamLab, ds+"/field/diagnosis",
				`filter or order on field "diagnosis": the field is not shared with the caller`)}},
		{name: "partner: ordered by the row field it may not see", p: partnerViewer, code: model.EFORBIDDEN,
			orderBy: []*model.FieldOrder{{Field: "site"}},
			audit: []auth.AuditEntry{denyRecord(partnerViewer, auth.ActRead, teamLab, ds+"/field/site",
				`filter or order on field "site": the field is not shared with the caller`)}},
		{name: "partner: a shared sensitive field", p: partnerViewer, code: model.EFORBIDDEN,
			where: []*model.FieldFilter{{Field: "ssn", Op: "eq", Value: "100-25-8246"}},
			audit: []auth.AuditEntry{denyRecord(partnerViewer, auth.ActRead, teamLab, ds+"/field/ssn",
				`filter or order on field "ssn": the field is sensitive and masked for the caller`)}},
		{name: "viewer: ordered by a sensitive field", p: labViewer, code: model.EFORBIDDEN,
			orderBy: []*model.FieldOrder{{Field: "ssn"}},
			audit: []auth.AuditEntry{denyRecord(labViewer, auth.ActRead, teamLab, ds+"/field/ssn",
				`filter or order on field "ssn": the field is sensitive and masked for the caller`)}},
		{name: "editor: a sensitive field", p: labEditor, where: []*model.FieldFilter{{Field: "ssn", Op: "eq", Value: "100-25-8246"}},
			want: []model.FieldFilter{{Field: "ssn", Op: "eq", Value: "100-25-8246"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.share(t, partnerShare())
			var got []model.FieldFilter
			asked := false
			w.svc.Docs = &fakeDocs{FindDocumentsFn: func(_ context.Context, dataset string, q model.DocumentQuery) ([]*model.Document, int, error) {
				asked, got = true, q.Where
				return nil, 0, nil
			}}
			_, err := w.svc.Documents(ctxAs(tc.p), patients, tc.where, tc.orderBy, nil, nil, false)
			checkErr(t, err, tc.code)
			if asked != (tc.want != nil) {
				t.Fatalf("store asked: %v, want %v", asked, tc.want != nil)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("conditions given to the store (-want +got):\n%s", diff)
			}
			checkAudit(t, w.chain, tc.audit...)
		})
	}
}

// TestDocumentCount: a member is told the stored count; a share's team the
// count of its rows, counted by the store, never the whole dataset's.
func TestDocumentCount(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		p     *model.Principal
		share model.Share
		want  int
		where []model.FieldFilter // the conditions counted by the store; nil: not asked
	}{
		{name: "member", p: labViewer, share: partnerShare(), want: 40},
		{name: "partner limited to rows", p: partnerViewer, share: partnerShare(), want: 3, where: northRows},
		{name: "partner with every row", p: partnerViewer, want: 40,
			share: model.Share{Dataset: patients, Team: teamPartner, Role: model.ShareViewer, Fields: []string{"age"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.share(t, tc.share)
			var where []model.FieldFilter
			w.svc.Docs = &fakeDocs{CountDocumentsWhereFn: func(_ context.Context, dataset string, f []model.FieldFilter) (int, error) {
				where = f
				return 3, nil
			}}
			n, err := w.svc.DocumentCount(ctxAs(tc.p), w.datasets[patients])
			if err != nil || n != tc.want {
				t.Fatalf("DocumentCount = %d, %v; want %d", n, err, tc.want)
			}
			if diff := cmp.Diff(tc.where, where); diff != "" {
				t.Errorf("conditions counted (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScopeIngestion: what a caller sees of an ingestion's report. The spec
// is for the dataset's team only; a view limited to rows sees no report (it
// aggregates rows the caller may not see); hidden fields are left out and a
// masked field keeps only its counts.
func TestScopeIngestion(t *testing.T) {
	t.Parallel()
	report := func() map[string]any {
		return map[string]any{
			"rows": 40,
			"fields": []any{
				map[string]any{"name": "age", "type": "int", "count": 40, "nulls": 0, "nullRatio": 0.0, "min": 18, "max": 90},
				map[string]any{"name": "ssn", "type": "string", "count": 40, "nulls": 1, "nullRatio": 0.025, "top": []any{"100-25-8246"}},
				map[string]any{"name": "diagnosis", "type": "string", "count": 40, "nulls": 0, "nullRatio": 0.0, "top": []any{"flu"}},
			},
			"rejectsByField": []any{map[string]any{"field": "age", "count": 2}, map[string]any{"field": "diagnosis", "count": 1}},
		}
	}
	masked := map[string]any{"name": "ssn", "type": "string", "count": 40, "nulls": 1, "nullRatio": 0.025}
	cases := []struct {
		name   string
		sc     *scope
		spec   bool
		report any
	}{
		{name: "full view", sc: &scope{}, spec: true, report: report()},
		{name: "sensitive masked", sc: &scope{masked: map[string]bool{"ssn": true}}, report: func() any {
			r := report()
			r["fields"].([]any)[1] = masked
			return r
		}()},
		{name: "shared fields", sc: &scope{share: &model.Share{}, visible: map[string]bool{"id": true, "age": true, "ssn": true}, masked: map[string]bool{"ssn": true}},
			report: func() any {
				r := report()
				r["fields"] = []any{r["fields"].([]any)[0], masked}
				r["rejectsByField"] = []any{r["rejectsByField"].([]any)[0]}
				return r
			}()},
		{name: "shared rows: no report", sc: &scope{share: &model.Share{}, rows: northRows}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ing := &model.Ingestion{ID: "i1", Spec: map[string]any{"rules": []any{"age > 17"}}, Report: report()}
			got := tc.sc.ingestion(ing)
			if (got.Spec != nil) != tc.spec {
				t.Errorf("spec shown: %v, want %v", got.Spec != nil, tc.spec)
			}
			if diff := cmp.Diff(tc.report, got.Report); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(report(), ing.Report); diff != "" {
				t.Errorf("the stored ingestion was changed (-want +got):\n%s", diff)
			}
		})
	}
}

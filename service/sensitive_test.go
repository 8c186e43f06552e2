package service

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/ml"
	"github.com/mms-platform/mms/model"
)

// TestModelViewOf: what a caller may see of a model version trained on
// patients. The features and label withheld are those recorded sensitive at
// training and those the schema marks sensitive now; they are withheld from
// every caller without read-sensitive on the source dataset (in its team, or
// the version's team when the dataset is gone).
func TestModelViewOf(t *testing.T) {
	t.Parallel()
	version := func(mod func(mv *model.ModelVersion)) *model.ModelVersion {
		mv := &model.ModelVersion{Team: teamLab, Dataset: patients, Features: []string{"age", "site", "ssn"}, Label: "diagnosis"}
		if mod != nil {
			mod(mv)
		}
		return mv
	}
	cases := []struct {
		name  string
		p     *model.Principal
		mv    *model.ModelVersion
		setup func(t *testing.T, w *world) // a change since training
		hide  []string
		label bool
	}{
		{name: "owner", p: labOwner, mv: version(nil)},
		{name: "editor", p: labEditor, mv: version(nil)},
		{name: "viewer", p: labViewer, mv: version(nil), hide: []string{"ssn"}},
		{name: "anonymous", p: anon, mv: version(nil), hide: []string{"ssn"}},
		{name: "a shared model's team", p: partnerEditor, mv: version(nil), hide: []string{"ssn"}},
		{name: "no sensitive input", p: labViewer, mv: version(func(mv *model.ModelVersion) { mv.Features = []string{"age", "site"} })},
		{name: "a sensitive label", p: labViewer, label: true,
			mv: version(func(mv *model.ModelVersion) { mv.Features, mv.Label = []string{"age"}, "ssn" })},
		{name: "marked sensitive since training", p: labViewer, hide: []string{"site", "ssn"}, mv: version(nil),
			setup: markSensitive("site")},
		{name: "sensitive at training, not now", p: labViewer, hide: []string{"age", "ssn"},
			mv: version(func(mv *model.ModelVersion) { mv.SensitiveFeatures = []string{"age"} })},
		{name: "label sensitive at training", p: labViewer, label: true,
			mv: version(func(mv *model.ModelVersion) { mv.Features, mv.SensitiveLabel = []string{"age"}, true })},
		{name: "dataset gone: the record decides", p: labViewer, setup: datasetGone, hide: []string{"ssn"},
			mv: version(func(mv *model.ModelVersion) { mv.SensitiveFeatures = []string{"ssn"} })},
		{name: "dataset gone: nothing recorded", p: labViewer, setup: datasetGone, mv: version(nil)},
		{name: "dataset gone: read-sensitive in the version's team", p: labOwner, setup: datasetGone,
			mv: version(func(mv *model.ModelVersion) { mv.SensitiveFeatures = []string{"ssn"} })},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, tc.setup)
			v, err := w.svc.modelViewOf(ctxAs(tc.p), tc.mv)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.hide, sortedKeys(v.hide), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("features withheld (-want +got):\n%s", diff)
			}
			if v.label != tc.label {
				t.Errorf("label withheld: %v, want %v", v.label, tc.label)
			}
			checkAudit(t, w.chain)
		})
	}
}

// TestCheckTrainSensitive: training on a sensitive field, as a feature or
// the label, needs read-sensitive on the dataset; a refusal is audited on the
// field. Allowed, the job records which inputs were sensitive.
func TestCheckTrainSensitive(t *testing.T) {
	t.Parallel()
	ds := "dataset/" + patients
	cases := []struct {
		name     string
		p        *model.Principal
		features []string
		label    string
		code     string
		record   []string // the payload's SensitiveFeatures
		labelRec bool
		audit    []auth.AuditEntry
	}{
		{name: "no sensitive input", p: labViewer, features: []string{"age", "site"}, label: "diagnosis"},
		{name: "editor on a sensitive feature", p: labEditor, features: []string{"age", "ssn"}, label: "diagnosis", record: []string{"ssn"}},
		{name: "editor on a sensitive label", p: labEditor, features: []string{"age"}, label: "ssn", labelRec: true},
		{name: "viewer on a sensitive feature", p: labViewer, features: []string{"ssn", "age"}, label: "diagnosis", code: model.EFORBIDDEN, record: []string{"ssn"},
			audit: []auth.AuditEntry{denyRecord(labViewer, auth.ActReadSensitive, teamLab, ds+"/field/ssn",
				"training on sensitive fields (ssn) of dataset patients needs read-sensitive on it (an EDITOR or OWNER of its team); leave them out with exclude or features")}},
		{name: "viewer on a sensitive label", p: labViewer, features: []string{"age"}, label: "ssn", code: model.EFORBIDDEN, labelRec: true,
			audit: []auth.AuditEntry{denyRecord(labViewer, auth.ActReadSensitive, teamLab, ds+"/field/ssn",
				"training on sensitive fields (ssn) of dataset patients needs read-sensitive on it (an EDITOR or OWNER of its team); leave them out with exclude or features")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			p := &trainPayload{Label: tc.label}
			for _, f := range tc.features {
				p.Features = append(p.Features, ml.FeatureSpec{Name: f})
			}
			err := w.svc.checkTrainSensitive(ctxAs(tc.p), w.datasets[patients], p)
			checkErr(t, err, tc.code)
			if diff := cmp.Diff(tc.record, p.SensitiveFeatures, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("sensitive features recorded (-want +got):\n%s", diff)
			}
			if p.SensitiveLabel != tc.labelRec {
				t.Errorf("sensitive label recorded: %v, want %v", p.SensitiveLabel, tc.labelRec)
			}
			checkAudit(t, w.chain, tc.audit...)
		})
	}
}

// TestTaskTextAccess: the text of a task drawing from a sensitive field is
// read with read-sensitive on the dataset, or, for annotating only, by the
// annotators an owner allowed; anyone else is refused and audited.
func TestTaskTextAccess(t *testing.T) {
	t.Parallel()
	task := func(mod func(t *model.AnnotationTask)) *model.AnnotationTask {
		tk := &model.AnnotationTask{ID: "t1", Team: teamLab, Dataset: patients, TextField: "diagnosis",
			Annotators: []string{labAnnotator.ID}, SensitiveFields: []string{"ssn"}, AllowSensitiveText: true}
		if mod != nil {
			mod(tk)
		}
		return tk
	}
	refusal := func(p *model.Principal, fields string) []auth.AuditEntry {
		return []auth.AuditEntry{denyRecord(p, auth.ActRead, teamLab, "task/t1",
			"task t1 shows sensitive fields ("+fields+") of dataset patients: its text is for callers with read-sensitive on the dataset, and for annotating by the annotators an owner allowed")}
	}
	cases := []struct {
		name       string
		p          *model.Principal
		task       *model.AnnotationTask
		annotating bool
		setup      func(t *testing.T, w *world) // a change since the task was made
		code       string
		audit      []auth.AuditEntry
	}{
		{name: "no sensitive field", p: labViewer, task: task(func(t *model.AnnotationTask) { t.SensitiveFields = nil })},
		{name: "read-sensitive", p: labEditor, task: task(nil)},
		{name: "admin", p: adminKey, task: task(nil)},
		{name: "listed annotator annotating", p: labAnnotator, task: task(nil), annotating: true},
		{name: "listed annotator exporting", p: labAnnotator, task: task(nil), code: model.EFORBIDDEN, audit: refusal(labAnnotator, "ssn")},
		{name: "unlisted annotator annotating", p: labReviewer, task: task(nil), annotating: true, code: model.EFORBIDDEN, audit: refusal(labReviewer, "ssn")},
		{name: "listed annotator without the owner's decision", p: labAnnotator, annotating: true, code: model.EFORBIDDEN, audit: refusal(labAnnotator, "ssn"),
			task: task(func(t *model.AnnotationTask) { t.AllowSensitiveText = false })},
		{name: "viewer", p: labViewer, task: task(nil), code: model.EFORBIDDEN, audit: refusal(labViewer, "ssn")},
		{name: "anonymous annotating", p: anon, task: task(nil), annotating: true, code: model.EFORBIDDEN, audit: refusal(anon, "ssn")},
		{name: "text field marked sensitive since", p: labViewer, code: model.EFORBIDDEN, audit: refusal(labViewer, "diagnosis"),
			task:  task(func(t *model.AnnotationTask) { t.SensitiveFields = nil }),
			setup: markSensitive("diagnosis")},
		{name: "dataset gone: the record decides", p: labViewer, setup: datasetGone, code: model.EFORBIDDEN, audit: refusal(labViewer, "ssn"), task: task(nil)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, tc.setup)
			err := w.svc.taskTextAccess(ctxAs(tc.p), tc.task, tc.annotating)
			checkErr(t, err, tc.code)
			checkAudit(t, w.chain, tc.audit...)
		})
	}
}

// TestAllowSensitiveText: letting a task's annotators read sensitive text is
// the decision of a caller with share and read-sensitive on the dataset
// (OWNER, ADMIN); anyone else asking is refused, audited as
// grant-sensitive-text.
func TestAllowSensitiveText(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	in := func(allow *bool) model.AnnotationTaskInput {
		return model.AnnotationTaskInput{ID: "t1", Dataset: patients, TextField: "ssn", Annotators: []string{labAnnotator.ID}, AllowSensitiveText: allow}
	}
	refusal := func(p *model.Principal) []auth.AuditEntry {
		return []auth.AuditEntry{denyRecord(p, ActGrantSensitiveText, teamLab, "task/t1",
			"allowSensitiveText on task t1: letting annotators read sensitive fields (ssn) of dataset patients is an owner's decision (OWNER or ADMIN with read-sensitive on the dataset)")}
	}
	cases := []struct {
		name  string
		p     *model.Principal
		in    model.AnnotationTaskInput
		sens  []string
		code  string
		audit []auth.AuditEntry
	}{
		{name: "owner", p: labOwner, in: in(&yes), sens: []string{"ssn"}},
		{name: "admin", p: adminKey, in: in(&yes), sens: []string{"ssn"}},
		{name: "editor: reads sensitive, does not share", p: labEditor, in: in(&yes), sens: []string{"ssn"}, code: model.EFORBIDDEN, audit: refusal(labEditor)},
		{name: "viewer", p: labViewer, in: in(&yes), sens: []string{"ssn"}, code: model.EFORBIDDEN, audit: refusal(labViewer)},
		{name: "partner", p: partnerEditor, in: in(&yes), sens: []string{"ssn"}, code: model.EFORBIDDEN, audit: refusal(partnerEditor)},
		{name: "not asked", p: labViewer, in: in(nil), sens: []string{"ssn"}},
		{name: "declined", p: labViewer, in: in(&no), sens: []string{"ssn"}},
		{name: "nothing sensitive", p: labViewer, in: in(&yes)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			err := w.svc.allowSensitiveText(ctxAs(tc.p), w.datasets[patients], tc.in, tc.sens)
			checkErr(t, err, tc.code)
			checkAudit(t, w.chain, tc.audit...)
		})
	}
}

// TestNeedSensitiveDecision: a task drawing from sensitive fields needs the
// owner's decision and the annotators it names.
func TestNeedSensitiveDecision(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	d := patientsDataset()
	cases := []struct {
		name       string
		allow      *bool
		annotators []string
		sens       []string
		code       string
	}{
		{name: "nothing sensitive", sens: nil},
		{name: "no decision", sens: []string{"ssn"}, code: model.EINVALID},
		{name: "declined", allow: &no, annotators: []string{"key:a"}, sens: []string{"ssn"}, code: model.EINVALID},
		{name: "no annotators named", allow: &yes, sens: []string{"ssn"}, code: model.EINVALID},
		{name: "decided for named annotators", allow: &yes, annotators: []string{"key:a"}, sens: []string{"ssn"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := model.AnnotationTaskInput{ID: "t1", Dataset: patients, AllowSensitiveText: tc.allow, Annotators: tc.annotators}
			checkErr(t, needSensitiveDecision(d, in, tc.sens), tc.code)
		})
	}
}

// TestTaskSensitiveFields: the sensitive fields a new task draws from: its
// text field, its where filters' fields and its gazetteers' fields (another
// dataset's as "<dataset>.<field>"). A gazetteer field the caller may not see
// refuses the task.
func TestTaskSensitiveFields(t *testing.T) {
	t.Parallel()
	registry := &model.Dataset{ID: "registry", Team: teamLab, Fields: []model.FieldSpec{
		{Name: "name", Type: model.FieldString, Sensitive: true}, {Name: "town", Type: model.FieldString},
	}}
	secret := &model.Dataset{ID: "secret", Team: teamOther, Fields: []model.FieldSpec{{Name: "word", Type: model.FieldString}}}
	gaz := func(dataset, field string) *model.GazetteerInput {
		return &model.GazetteerInput{Label: "PERSON", Dataset: &dataset, Field: &field}
	}
	cases := []struct {
		name  string
		p     *model.Principal
		in    model.AnnotationTaskInput
		want  []string
		code  string
		audit []auth.AuditEntry
	}{
		{name: "nothing sensitive", p: labOwner, in: model.AnnotationTaskInput{TextField: "diagnosis"}},
		{name: "text field", p: labOwner, in: model.AnnotationTaskInput{TextField: "ssn"}, want: []string{"ssn"}},
		{name: "a path into the text field", p: labOwner, in: model.AnnotationTaskInput{TextField: "ssn.raw"}, want: []string{"ssn"}},
		{name: "where filter", p: labOwner, want: []string{"ssn"},
			in: model.AnnotationTaskInput{TextField: "diagnosis", Where: []*model.FieldFilter{{Field: "ssn", Op: "exists", Value: true}}}},
		{name: "gazetteers, sorted, once each", p: labOwner, want: []string{"registry.name", "ssn"},
			in: model.AnnotationTaskInput{TextField: "ssn", Gazetteer: []*model.GazetteerInput{
				gaz("registry", "name"), gaz(patients, "ssn"), gaz("registry", "town"), {Label: "X", Terms: []string{"a"}},
			}}},
		{name: "a gazetteer field masked for the caller", p: labViewer, code: model.EFORBIDDEN,
			in: model.AnnotationTaskInput{TextField: "diagnosis", Gazetteer: []*model.GazetteerInput{gaz("registry", "name")}},
			audit: []auth.AuditEntry{denyRecord(labViewer, auth.ActRead, teamLab, "dataset/registry/field/name",
				`gazetteer on field "name": the field is sensitive and masked for the caller`)}},
		{name: "a gazetteer dataset the caller may not see", p: labOwner, code: model.ENOTFOUND,
			in:    model.AnnotationTaskInput{TextField: "diagnosis", Gazetteer: []*model.GazetteerInput{gaz("secret", "word")}},
			audit: []auth.AuditEntry{denyRecord(labOwner, auth.ActRead, teamOther, "dataset/secret", "key:lab-owner may not read dataset/secret")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.datasets[registry.ID], w.datasets[secret.ID] = registry, secret
			got, err := w.svc.taskSensitiveFields(ctxAs(tc.p), w.datasets[patients], tc.in)
			checkErr(t, err, tc.code)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("sensitive fields (-want +got):\n%s", diff)
			}
			checkAudit(t, w.chain, tc.audit...)
		})
	}
}

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mms-platform/mms/graph"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/resolvers"
)

// The permission matrix: every root query, mutation and subscription field ×
// every role × the caller's own resource, a resource shared with the caller's
// team, and an unshared one, from the one table permTable below.
//
// The caller always holds a key in team a. Team b shares its dataset with team a
// (share role VIEWER) and its model for predict (shareModel); team c shares
// nothing. Team d only receives shares made by the cells themselves, so that no
// cell changes what team a may reach. The expectations follow auth.DefaultPolicies
// and the sharing rules:
//
//   - A share is made to a team, so every principal of team a reaches b's dataset
//     (read) and b's model (predict only), whatever its role in team a: that is
//     how a PARTNER key, which has no grant on its own team's data, reads what a
//     partner shared with its team.
//   - A dataset share gives nothing on b's tasks, label schemas, models, keys or
//     webhooks: for those, the shared column is team b's resource and is denied.
//   - ADMIN is global and may do everything everywhere.
//
// A refused cell must answer FORBIDDEN, or, when the caller may not see the
// resource at all, exactly as for a missing one (NOT_FOUND, or null from a
// nullable lookup); an allowed one must succeed (no error but those its rule
// tolerates, and a non-null result). List fields (teams,
// datasets, models, annotationTasks) refuse nothing: for them a cell is allowed
// when the column's resource is listed. TestPermissionMatrixCoversSchema fails
// on a root field without a rule.

// permRoles are the roles in the order of a rule's want string.
var permRoles = []string{"ADMIN", "OWNER", "EDITOR", "ANNOTATOR", "REVIEWER", "VIEWER", "PARTNER"}

// permColumns are the resources of a cell, in the order of each role's triple.
var permColumns = []string{"own", "shared", "unshared"}

// Expected decisions: one triple per role (ADMIN OWNER EDITOR ANNOTATOR REVIEWER
// VIEWER PARTNER), each own/shared/unshared. y: allowed, n: FORBIDDEN, -: the field
// touches no team resource, so only the first column is tried.
const (
	// read on dataset/*: owners, editors, viewers of team a; every principal of
	// team a through b's VIEWER share.
	wantReadDataset = "yyy yyn yyn nyn nyn yyn nyn"
	// write (or train, or share) on a team's dataset, models, tasks, schemas: a
	// VIEWER share grants none of it.
	wantWrite = "yyy ynn ynn nnn nnn nnn nnn"
	// admin on team/<id> (keys, webhooks) and share on a dataset or model: owners.
	wantOwner = "yyy ynn nnn nnn nnn nnn nnn"
	// read on model/*; a model shared for predict is not readable.
	wantReadModel = "yyy ynn ynn nnn nnn ynn nnn"
	// predict on model/*, and on b's model through shareModel for every principal of a.
	wantPredict = "yyy yyn yyn nyn nyn yyn nyn"
	// read on task/*.
	wantReadTask = "yyy ynn ynn ynn ynn ynn nnn"
	// annotate on task/*.
	wantAnnotate = "yyy ynn ynn ynn nnn nnn nnn"
	// review on task/* (reviewItem, saveGold, decisions on the gold version):
	// owners, editors and reviewers, none of them needing an annotator key.
	wantReview = "yyy ynn ynn nnn ynn nnn nnn"
	// read on schema/* (label schemas): viewers have no grant on schemas.
	wantReadSchema = "yyy ynn ynn ynn ynn nnn nnn"
	// Fields without a team resource.
	wantAnyone    = "y-- y-- y-- y-- y-- y-- y--"
	wantAdminOnly = "y-- n-- n-- n-- n-- n-- n--"
)

// permRule is how one root field is tried and what each cell must decide.
type permRule struct {
	op   string
	vars func(c *permCell) map[string]any
	want string
	// ok lists error codes an allowed call may still return (they arise after
	// authorization); without them an allowed call must have no error at all.
	ok []string
	// visible, for fields that list what the caller may see rather than refuse:
	// the cell is allowed when the column's resource is listed.
	visible func(r gqlResponse, c *permCell) bool
	// upload is sent as the variable f of a multipart request.
	upload func(c *permCell) []byte
	// sse runs the operation as a subscription over server-sent events.
	sse bool
}

// permTable has one entry per root field, keyed Type.field. A key may carry a
// #variant suffix for a second way of reaching the same field.
var permTable = map[string]permRule{
	// Queries.
	"Query.me":          {op: `{ me { id } }`, want: wantAnyone},                                                      // the caller itself
	"Query.inferSchema": {op: `{ inferSchema(input: {format: JSON, records: [{x: 1}]}) { rows } }`, want: wantAnyone}, // reads only its input
	"Query.auditLog":    {op: `{ auditLog(first: 1) { totalCount } }`, want: wantAdminOnly},                           // global object "audit"
	"Query.verifyAudit": {op: `{ verifyAudit { ok } }`, want: wantAdminOnly},                                          // global object "audit"
	"Query.teams": {op: `{ teams { id } }`, want: "yyy ynn ynn ynn ynn ynn ynn",
		visible: listed("teams", "id", func(c *permCell) string { return c.res.team })},
	"Query.apiKeys": {op: `query($t: ID!) { apiKeys(team: $t) { id } }`, want: wantOwner, vars: teamVar},
	"Query.datasets": {op: `{ datasets(first: 100) { edges { node { id } } } }`, want: wantReadDataset,
		visible: listed("datasets", "edges.node.id", func(c *permCell) string { return c.res.dataset })},
	"Query.dataset":   {op: `query($d: ID!) { dataset(id: $d) { id } }`, want: wantReadDataset, vars: datasetVar},
	"Query.documents": {op: `query($d: ID!) { documents(dataset: $d) { totalCount } }`, want: wantReadDataset, vars: datasetVar},
	"Query.document":  {op: `query($d: ID!) { document(dataset: $d, key: "d1") { key } }`, want: wantReadDataset, vars: datasetVar},
	// Summaries of the column's dataset (its snapshot), within the caller's view.
	"Query.aggregate": {op: `query($d: ID!) { aggregate(dataset: $d, metrics: [{op: COUNT}]) { version } }`, want: wantReadDataset, vars: datasetVar},
	"Query.ingestion": {op: `query($id: ID!) { ingestion(id: $id) { id } }`, want: wantReadDataset,
		vars: func(c *permCell) map[string]any { return map[string]any{"id": c.res.ingestion} }},
	// The ingestion job of the column's dataset: read on the job's resource, the dataset.
	"Query.job": {op: `query($id: ID!) { job(id: $id) { id } }`, want: wantReadDataset, vars: jobVar},
	// The training job of the column's model: read on the model (not given by shareModel).
	"Query.job#training": {op: `query($id: ID!) { job(id: $id) { id } }`, want: wantReadModel,
		vars: func(c *permCell) map[string]any { return map[string]any{"id": c.res.trainJob} }},
	"Query.models": {op: `{ models(first: 100) { edges { node { id } } } }`, want: wantReadModel,
		visible: listed("models", "edges.node.id", func(c *permCell) string { return c.res.model })},
	"Query.model":        {op: `query($m: ID!) { model(id: $m) { id } }`, want: wantReadModel, vars: modelVar},
	"Query.modelVersion": {op: `query($m: ID!) { modelVersion(model: $m) { version } }`, want: wantReadModel, vars: modelVar},
	"Query.predict": {op: `query($m: ID!) { predict(model: $m, inputs: [{x: 3}]) { probability error } }`, want: wantPredict,
		vars: modelVar},
	// The column's batch prediction collection, read through the dataset it was written from.
	"Query.predictions": {op: `query($d: ID!, $c: String!) { predictions(dataset: $d, collection: $c) { totalCount } }`,
		want: wantReadDataset, vars: func(c *permCell) map[string]any { return map[string]any{"d": c.res.dataset, "c": c.res.preds} },
		visible: func(r gqlResponse, c *permCell) bool { return num(r.get("predictions", "totalCount")) > 0 }},
	// The column's collection named through the caller's own dataset: a
	// collection is reached only through the dataset it was written from.
	"Query.predictions#through-own-dataset": {op: `query($d: ID!, $c: String!) { predictions(dataset: $d, collection: $c) { totalCount } }`,
		want: "ynn ynn ynn nnn nnn ynn nnn", vars: func(c *permCell) map[string]any { return map[string]any{"d": c.own.dataset, "c": c.res.preds} },
		visible: func(r gqlResponse, c *permCell) bool { return num(r.get("predictions", "totalCount")) > 0 }},
	"Query.webhooks":    {op: `query($t: ID!) { webhooks(team: $t) { id } }`, want: wantOwner, vars: teamVar},
	"Query.labelSchema": {op: `query($id: ID!) { labelSchema(id: $id) { id } }`, want: wantReadSchema, vars: func(c *permCell) map[string]any { return map[string]any{"id": c.res.schema} }},
	"Query.labelSchemas": {op: `{ labelSchemas(first: 100) { edges { node { id } } } }`, want: wantReadSchema,
		visible: listed("labelSchemas", "edges.node.id", func(c *permCell) string { return c.res.schema })},
	"Query.annotationTasks": {op: `{ annotationTasks(first: 100) { edges { node { id } } } }`, want: wantReadTask,
		visible: listed("annotationTasks", "edges.node.id", func(c *permCell) string { return c.res.task })},
	"Query.annotationTask":     {op: `query($t: ID!) { annotationTask(id: $t) { id } }`, want: wantReadTask, vars: taskVar},
	"Query.nextAnnotationItem": {op: `query($t: ID!) { nextAnnotationItem(task: $t) { document } }`, want: wantAnnotate, vars: taskVar},
	"Query.reviewItem":         {op: `query($t: ID!) { reviewItem(task: $t, document: "d1") { document } }`, want: wantReview, vars: taskVar},
	"Query.reviewQueue":        {op: `query($t: ID!) { reviewQueue(task: $t) { totalCount } }`, want: wantReview, vars: taskVar},
	"Query.agreement":          {op: `query($t: ID!) { agreement(task: $t) { items } }`, want: wantReadTask, vars: taskVar},
	"Query.shares":             {op: `query($d: ID!) { shares(dataset: $d) { team } }`, want: wantOwner, vars: datasetVar},
	"Query.connections":        {op: `{ connections { name } }`, want: wantAdminOnly}, // global objects connection/<name>

	// Mutations. Anything a cell creates is named after the cell (c.uniq).
	"Mutation.createTeam": {op: `mutation($id: ID!) { createTeam(input: {id: $id, name: "T"}) { id } }`, want: wantAdminOnly, // global: a new team
		vars: func(c *permCell) map[string]any { return map[string]any{"id": c.uniq} }},
	"Mutation.createApiKey": {op: `mutation($t: ID!) { createApiKey(input: {team: $t, role: VIEWER, name: "pm"}) { key { id } } }`,
		want: wantOwner, vars: teamVar},
	"Mutation.revokeApiKey": {op: `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, want: wantOwner, vars: throwawayKey},
	"Mutation.rotateApiKey": {op: `mutation($id: ID!) { rotateApiKey(id: $id) { key { id } } }`, want: wantOwner, vars: throwawayKey},
	// A revoked key cannot be rotated (CONFLICT), but only its team's owners may learn that.
	"Mutation.rotateApiKey#revoked-key": {op: `mutation($id: ID!) { rotateApiKey(id: $id) { key { id } } }`, want: wantOwner, ok: []string{"CONFLICT"},
		vars: func(c *permCell) map[string]any {
			v := throwawayKey(c)
			c.admin(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, v)
			return v
		}},
	"Mutation.createDataset": {op: `mutation($id: ID!, $t: ID!) { createDataset(input: {id: $id, name: "N", team: $t}) { id } }`,
		want: wantWrite, vars: func(c *permCell) map[string]any { return map[string]any{"id": c.uniq, "t": c.res.team} }},
	// Connections (external databases) are registered and removed by admins only;
	// ingesting through one needs write on the dataset and use on the connection.
	"Mutation.createConnection": {op: `mutation($n: ID!) { createConnection(input: {name: $n, kind: POSTGRESQL, uri: "postgres://u:p@127.0.0.1:1/db"}) { name } }`,
		want: wantAdminOnly, vars: func(c *permCell) map[string]any { return map[string]any{"n": c.uniq} }},
	"Mutation.deleteConnection": {op: `mutation($n: ID!) { deleteConnection(name: $n) { name } }`, want: wantAdminOnly, vars: permConnection},
	"Mutation.ingest#connection": {op: `mutation($d: ID!, $n: String!) { ingest(input: {dataset: $d, source: "pm", format: NDJSON,
		sql: {connection: $n, query: "SELECT 1"}}) { id } }`, want: wantWrite,
		vars: func(c *permCell) map[string]any {
			return map[string]any{"d": c.res.dataset, "n": permConnection(c)["n"]}
		}},
	"Mutation.ingest": {op: `mutation($d: ID!) { ingest(input: {dataset: $d, source: "pm", format: NDJSON, mode: UPSERT, key: {from: "id"},
		records: [{id: "d1", text: "a widget, number 1", x: 1, y: 1}]}) { id } }`, want: wantWrite, vars: datasetVar},
	// The column's finished ingestion job: an allowed caller gets CONFLICT (already
	// final) from inside the authorized mutation, so no cell cancels anything.
	"Mutation.cancelJob": {op: `mutation($id: ID!) { cancelJob(id: $id) { id } }`, want: wantWrite, vars: jobVar, ok: []string{"CONFLICT"}},
	"Mutation.cancelJob#training": {op: `mutation($id: ID!) { cancelJob(id: $id) { id } }`, want: wantWrite, ok: []string{"CONFLICT"},
		vars: func(c *permCell) map[string]any { return map[string]any{"id": c.res.trainJob} }},
	"Mutation.train": {op: `mutation($m: ID!, $d: ID!) { train(input: {model: $m, dataset: $d, label: "y", features: ["x"], testFraction: 0}) { id } }`,
		want: wantWrite, vars: func(c *permCell) map[string]any { return map[string]any{"m": c.uniq, "d": c.res.dataset} }},
	// A new version of the column's model, trained on the caller's own dataset:
	// write on the model in the model's team decides, not the dataset's team.
	"Mutation.train#existing-model": {op: `mutation($m: ID!, $d: ID!) { train(input: {model: $m, dataset: $d, label: "y", features: ["x"], testFraction: 0}) { id } }`,
		want: wantWrite, ok: []string{"CONFLICT"}, // admins: the model belongs to another team
		vars: func(c *permCell) map[string]any { return map[string]any{"m": c.res.model, "d": c.own.dataset} }},
	"Mutation.setModelAlias": {op: `mutation($m: ID!, $a: String!) { setModelAlias(model: $m, alias: $a, version: 1) { version } }`,
		want: wantWrite, vars: func(c *permCell) map[string]any { return map[string]any{"m": c.res.model, "a": c.uniq} }},
	// An alias the cell sets first (as an admin) on the column's model.
	"Mutation.removeModelAlias": {op: `mutation($m: ID!, $a: String!) { removeModelAlias(model: $m, alias: $a) { id } }`,
		want: wantWrite, vars: func(c *permCell) map[string]any {
			v := map[string]any{"m": c.res.model, "a": c.uniq}
			c.admin(`mutation($m: ID!, $a: String!) { setModelAlias(model: $m, alias: $a, version: 1) { version } }`, v)
			return v
		}},
	"Mutation.shareModel": {op: `mutation($m: ID!) { shareModel(model: $m, team: "d") { id } }`, want: wantOwner, vars: modelVar},
	"Mutation.unshareModel": {op: `mutation($m: ID!) { unshareModel(model: $m, team: "d") { id } }`, want: wantOwner,
		vars: func(c *permCell) map[string]any {
			c.admin(`mutation($m: ID!) { shareModel(model: $m, team: "d") { id } }`, modelVar(c))
			return modelVar(c)
		}},
	// The column's model scoring the caller's own dataset: predict on the model
	// (b's through shareModel) and write on the dataset.
	"Mutation.batchPredict": {op: `mutation($m: ID!, $d: ID!, $c: String!) { batchPredict(model: $m, dataset: $d, output: {collection: $c}) { id } }`,
		want: "yyy yyn yyn nnn nnn nnn nnn",
		vars: func(c *permCell) map[string]any {
			return map[string]any{"m": c.res.model, "d": c.own.dataset, "c": c.uniq}
		}},
	"Mutation.createWebhook": {op: `mutation($t: ID!, $u: String!) { createWebhook(input: {team: $t, url: $u, events: ["training.finished"]}) { webhook { id } } }`,
		want: wantOwner, vars: func(c *permCell) map[string]any { return map[string]any{"t": c.res.team, "u": c.hook} }},
	"Mutation.deleteWebhook": {op: `mutation($id: ID!) { deleteWebhook(id: $id) { id } }`, want: wantOwner,
		vars: func(c *permCell) map[string]any {
			r := c.admin(`mutation($t: ID!, $u: String!) { createWebhook(input: {team: $t, url: $u, events: ["training.finished"]}) { webhook { id } } }`,
				map[string]any{"t": c.res.team, "u": c.hook})
			return map[string]any{"id": r.str("createWebhook", "webhook", "id")}
		}},
	// A delivery that failed for good, written straight to the store (a real
	// one takes eight attempts; TestRedeliverWebhook makes one).
	"Mutation.redeliverWebhook": {op: `mutation($id: ID!, $d: ID!) { redeliverWebhook(webhook: $id, delivery: $d) { id } }`, want: wantOwner,
		vars: func(c *permCell) map[string]any {
			r := c.admin(`mutation($t: ID!, $u: String!) { createWebhook(input: {team: $t, url: $u, events: ["training.finished"]}) { webhook { id } } }`,
				map[string]any{"t": c.res.team, "u": c.hook})
			id := r.str("createWebhook", "webhook", "id")
			d := &model.WebhookDelivery{ID: c.uniq + "-" + id, Webhook: id, Event: "training.finished", Status: "failed", Attempts: 8,
				Payload: map[string]any{"event": "training.finished"}, CreatedAt: time.Now().UTC()}
			if err := c.s.app.Store.CreateDeliveries(context.Background(), []*model.WebhookDelivery{d}); err != nil {
				c.t.Fatal(err)
			}
			return map[string]any{"id": id, "d": d.ID}
		}},
	"Mutation.createLabelSchema": {op: `mutation($id: ID!, $t: ID!) { createLabelSchema(input: {id: $id, team: $t, entities: ["Thing"]}) { id } }`,
		want: wantWrite, vars: func(c *permCell) map[string]any { return map[string]any{"id": c.uniq, "t": c.res.team} }},
	// On b's shared dataset, reading it is allowed but creating a task in team b is not.
	"Mutation.createAnnotationTask": {op: `mutation($id: ID!, $d: ID!, $s: ID!) { createAnnotationTask(input: {id: $id, dataset: $d, textField: "text", schema: $s}) { id } }`,
		want: wantWrite, vars: func(c *permCell) map[string]any {
			return map[string]any{"id": c.uniq, "d": c.res.dataset, "s": c.res.schema}
		}},
	// The item the caller holds (taken with nextAnnotationItem as the caller).
	"Mutation.saveAnnotation": {op: `mutation($t: ID!, $d: ID!, $v: Int) { saveAnnotation(input: {task: $t, document: $d, version: $v, labels: ["pos"]}) { version } }`,
		want: wantAnnotate, vars: func(c *permCell) map[string]any {
			doc, version := c.claim()
			return map[string]any{"t": c.res.task, "d": doc, "v": version}
		}},
	// Without review: an annotator decides on its own annotation of the item it
	// holds; a caller who holds none decides on the gold version if it may
	// review (here the REVIEWER, on its docUnclaimed item), else is refused.
	"Mutation.decideSuggestion": {op: `mutation($t: ID!, $d: ID!) { decideSuggestion(task: $t, document: $d, suggestion: "g1", accept: false) { document } }`,
		want: "yyy ynn ynn ynn ynn nnn nnn", vars: func(c *permCell) map[string]any {
			doc, _ := c.claim()
			return map[string]any{"t": c.res.task, "d": doc}
		}},
	// review: false: the caller's own annotation only, so annotate decides.
	"Mutation.decideSuggestion#annotation": {op: `mutation($t: ID!, $d: ID!) { decideSuggestion(task: $t, document: $d, suggestion: "g1", accept: false, review: false) { document } }`,
		want: wantAnnotate, vars: func(c *permCell) map[string]any {
			doc, _ := c.claim()
			return map[string]any{"t": c.res.task, "d": doc}
		}},
	// review: true: the item's gold version, by a reviewer who holds nothing.
	"Mutation.decideSuggestion#review": {op: `mutation($t: ID!, $d: ID!) { decideSuggestion(task: $t, document: $d, suggestion: "g1", accept: true, review: true) { document } }`,
		want: wantReview, vars: func(c *permCell) map[string]any { return map[string]any{"t": c.res.task, "d": c.doc(docReview)} }},
	// Skip gives back the item the caller holds (taken as the caller, as above).
	"Mutation.skipAnnotationItem": {op: `mutation($t: ID!, $d: ID!) { skipAnnotationItem(task: $t, document: $d) }`,
		want: wantAnnotate, vars: func(c *permCell) map[string]any {
			doc, _ := c.claim()
			return map[string]any{"t": c.res.task, "d": doc}
		}},
	"Mutation.saveGold": {op: `mutation($t: ID!, $d: ID!) { saveGold(input: {task: $t, document: $d, labels: ["pos"]}) { version } }`,
		want: wantReview, vars: func(c *permCell) map[string]any { return map[string]any{"t": c.res.task, "d": c.doc(docSaveGold)} }},
	"Mutation.writeGoldLabels": {op: `mutation($t: ID!, $f: String!) { writeGoldLabels(task: $t, field: $f) { id } }`,
		want: wantWrite, vars: func(c *permCell) map[string]any { return map[string]any{"t": c.res.task, "f": "gold_" + c.uniq} }},
	"Mutation.importAnnotations": {op: `mutation($t: ID!, $f: Upload!) { importAnnotations(task: $t, format: DOCCANO, file: $f) }`,
		want: wantWrite, vars: taskVar,
		upload: func(c *permCell) []byte {
			doc := c.doc(docImport)
			b, _ := json.Marshal(map[string]any{"id": doc, "text": permText(doc), "label": []string{"neg"}})
			return append(b, '\n')
		}},
	"Mutation.shareDataset": {op: `mutation($d: ID!) { shareDataset(input: {dataset: $d, team: "d", role: VIEWER}) { team } }`,
		want: wantOwner, vars: datasetVar},
	"Mutation.revokeShare": {op: `mutation($d: ID!) { revokeShare(dataset: $d, team: "d") { team } }`, want: wantOwner,
		vars: func(c *permCell) map[string]any {
			c.admin(`mutation($d: ID!) { shareDataset(input: {dataset: $d, team: "d", role: VIEWER}) { team } }`, datasetVar(c))
			return datasetVar(c)
		}},

	// Subscriptions, over server-sent events: the column's finished ingestion job.
	"Subscription.jobUpdated": {op: `subscription($id: ID!) { jobUpdated(id: $id) { id status } }`, want: wantReadDataset, vars: jobVar, sse: true},
}

func teamVar(c *permCell) map[string]any    { return map[string]any{"t": c.res.team} }
func datasetVar(c *permCell) map[string]any { return map[string]any{"d": c.res.dataset} }
func modelVar(c *permCell) map[string]any   { return map[string]any{"m": c.res.model} }
func taskVar(c *permCell) map[string]any    { return map[string]any{"t": c.res.task} }
func jobVar(c *permCell) map[string]any     { return map[string]any{"id": c.res.job} }

// permConnection registers a connection (to a closed port) for the cell.
func permConnection(c *permCell) map[string]any {
	c.admin(`mutation($n: ID!) { createConnection(input: {name: $n, kind: POSTGRESQL, uri: "postgres://u:p@127.0.0.1:1/db"}) { name } }`,
		map[string]any{"n": c.uniq})
	return map[string]any{"n": c.uniq}
}

// throwawayKey makes a key of the column's team for the cell to revoke or rotate.
func throwawayKey(c *permCell) map[string]any {
	r := c.admin(`mutation($t: ID!) { createApiKey(input: {team: $t, role: VIEWER, name: "throwaway"}) { key { id } } }`, teamVar(c))
	return map[string]any{"id": r.str("createApiKey", "key", "id")}
}

// listed reports whether a list field holds the column's resource id at path
// (dot-separated, through lists).
func listed(field, path string, id func(c *permCell) string) func(gqlResponse, *permCell) bool {
	return func(r gqlResponse, c *permCell) bool {
		var walk func(v any, keys []string) bool
		walk = func(v any, keys []string) bool {
			switch x := v.(type) {
			case []any:
				for _, e := range x {
					if walk(e, keys) {
						return true
					}
				}
			case map[string]any:
				if len(keys) > 0 {
					return walk(x[keys[0]], keys[1:])
				}
			case string:
				return len(keys) == 0 && x == id(c)
			}
			return false
		}
		return walk(r.get(field), strings.Split(path, "."))
	}
}

// permRes names one team's resources.
type permRes struct {
	team, dataset, model, task, schema, ingestion, job, trainJob, preds string
}

// permCell is one call: a role, a column and the resources it names.
type permCell struct {
	t           *testing.T
	s           *testServer
	role, token string
	res, own    permRes // the column's resources; the caller's team's
	hook        string  // a webhook receiver
	uniq        string  // a name for what the cell creates
}

func (c *permCell) admin(q string, vars map[string]any) gqlResponse {
	c.t.Helper()
	return c.s.mustGQL(c.t, testAdminKey, q, vars)
}

// The fixture documents (and task items) come in blocks of one document per
// role, one block per use (docSaveGold...), so that no two cells of different
// rules or roles write the same version of an item: saveGold, for one, sends
// no version, which is a CONFLICT once the gold version exists. The items
// callers hold come from nextAnnotationItem and may be any of them; that is
// harmless, since these cells write the gold version or the caller's own.
const (
	docSaveGold  = iota // saveGold: the gold version
	docImport           // importAnnotations: the caller's annotation
	docUnclaimed        // claim, for a caller who holds no item: decideSuggestion falls back to the gold version for reviewers
	docReview           // decideSuggestion#review: the gold version
	docBlocks
)

// permDocs is the number of documents of each fixture dataset.
var permDocs = docBlocks * len(permRoles)

// doc returns the cell's role's document of a block (docSaveGold...).
func (c *permCell) doc(block int) string {
	i := slices.Index(permRoles, c.role)
	if i < 0 {
		c.t.Fatalf("role %s is not in permRoles", c.role)
	}
	return fmt.Sprintf("d%d", block*len(permRoles)+i+1)
}

// claim takes (or finds) the item the caller holds in the column's task and
// returns it with the version of the caller's annotation of it, if any. For a
// caller who may not annotate the task it returns the role's docUnclaimed
// document.
func (c *permCell) claim() (string, any) {
	r := c.s.gql(c.t, c.token, `query($t: ID!) { nextAnnotationItem(task: $t) { document annotation { version } } }`, taskVar(c))
	if d := r.str("nextAnnotationItem", "document"); d != "" {
		return d, r.get("nextAnnotationItem", "annotation", "version")
	}
	return c.doc(docUnclaimed), nil
}

func permText(doc string) string { return "a widget, number " + strings.TrimPrefix(doc, "d") }

// permFixtures builds teams a, b, c (and d) with a dataset, a trained model, a
// batch prediction collection, a label schema, an annotation task and a webhook
// each, and b's shares with a.
func permFixtures(t *testing.T, s *testServer, hook string) map[string]permRes {
	t.Helper()
	admin := func(q string, vars map[string]any) gqlResponse {
		t.Helper()
		return s.mustGQL(t, testAdminKey, q, vars)
	}
	var records []map[string]any
	for i := range permDocs {
		doc := fmt.Sprintf("d%d", i+1)
		records = append(records, map[string]any{"id": doc, "text": permText(doc), "x": i, "y": i % 2})
	}
	out := map[string]permRes{}
	jobs := map[string]string{}
	for _, team := range []string{"a", "b", "c"} {
		res := permRes{team: team, dataset: team + "-ds", model: team + "-m", task: team + "-task", schema: team + "-ls", preds: team + "-preds"}
		admin(`mutation($t: ID!, $n: String!) { createTeam(input: {id: $t, name: $n}) { id } }`, map[string]any{"t": team, "n": team})
		admin(`mutation($d: ID!, $t: ID!) { createDataset(input: {id: $d, name: "D", team: $t, keyField: "id"}) { id } }`,
			map[string]any{"d": res.dataset, "t": team})
		r := admin(`mutation($d: ID!, $r: [JSON!]) { ingest(input: {dataset: $d, source: "s", format: NDJSON, key: {from: "id"}, records: $r}) { id } }`,
			map[string]any{"d": res.dataset, "r": records})
		res.job = r.str("ingest", "id")
		admin(`mutation($s: ID!, $t: ID!) { createLabelSchema(input: {id: $s, team: $t, entities: ["Thing"], classes: ["pos", "neg"]}) { id } }`,
			map[string]any{"s": res.schema, "t": team})
		admin(`mutation($t: ID!, $u: String!) { createWebhook(input: {team: $t, url: $u, events: ["training.finished"]}) { webhook { id } } }`,
			map[string]any{"t": team, "u": hook})
		out[team] = res
	}
	admin(`mutation { createTeam(input: {id: "d", name: "d"}) { id } }`, nil)
	for team, res := range out {
		job := s.waitJob(t, testAdminKey, res.job)
		if job["status"] != "SUCCEEDED" {
			t.Fatalf("ingest into %s: %v", res.dataset, job)
		}
		res.ingestion, _ = job["result"].(map[string]any)["ingestion"].(string)
		out[team] = res
		r := admin(`mutation($m: ID!, $d: ID!) { train(input: {model: $m, dataset: $d, label: "y", features: ["x"], testFraction: 0}) { id } }`,
			map[string]any{"m": res.model, "d": res.dataset})
		jobs[team] = r.str("train", "id")
		admin(`mutation($id: ID!, $d: ID!, $s: ID!) { createAnnotationTask(input: {id: $id, dataset: $d, textField: "text", schema: $s,
			patterns: [{label: "Thing", pattern: "widget"}]}) { id } }`, map[string]any{"id": res.task, "d": res.dataset, "s": res.schema})
	}
	for team, res := range out {
		if job := s.waitJob(t, testAdminKey, jobs[team]); job["status"] != "SUCCEEDED" {
			t.Fatalf("train %s: %v", res.model, job)
		}
		res.trainJob = jobs[team]
		out[team] = res
		r := admin(`mutation($m: ID!, $d: ID!, $c: String!) { batchPredict(model: $m, dataset: $d, output: {collection: $c}) { id } }`,
			map[string]any{"m": res.model, "d": res.dataset, "c": res.preds})
		jobs[team] = r.str("batchPredict", "id")
	}
	for team := range out {
		if job := s.waitJob(t, testAdminKey, jobs[team]); job["status"] != "SUCCEEDED" {
			t.Fatalf("batch predict for %s: %v", team, job)
		}
	}
	admin(`mutation { shareDataset(input: {dataset: "b-ds", team: "a", role: VIEWER}) { team } shareModel(model: "b-m", team: "a") { id } }`, nil)
	return out
}

// permDecision runs one cell and says whether it was allowed. It fails the cell
// on answers that are neither a clean success nor a refusal.
func permDecision(t *testing.T, c *permCell, key string, rule permRule) (allowed bool) {
	t.Helper()
	var vars map[string]any
	if rule.vars != nil {
		vars = rule.vars(c)
	}
	var r gqlResponse
	switch {
	case rule.upload != nil:
		vars["f"] = nil
		r = c.s.upload(t, c.token, rule.op, vars, "f", "pm.jsonl", rule.upload(c))
	case rule.sse:
		r = c.s.subscribeSSE(t, c.token, rule.op, vars)
	default:
		r = c.s.gql(t, c.token, rule.op, vars)
	}
	if r.hasCode("UNAUTHENTICATED") {
		t.Fatalf("signed-in caller got UNAUTHENTICATED: %+v", r.Errors)
	}
	if r.hasCode("FORBIDDEN") {
		t.Logf("refused: %+v", r.Errors)
		return false
	}
	// A resource the caller may not see at all answers as a missing one: NOT_FOUND,
	// or null from a nullable lookup (the fixtures exist; security_rows_test.go
	// checks that both answers are the ones for a missing id).
	field, _, _ := strings.Cut(key, "#")
	_, field, _ = strings.Cut(field, ".")
	if r.hasCode("NOT_FOUND") || rule.visible == nil && len(r.Errors) == 0 && r.get(field) == nil {
		t.Logf("refused as missing: %+v", r.Errors)
		return false
	}
	for _, code := range r.codes() {
		if !slices.Contains(rule.ok, code) {
			t.Errorf("allowed call failed (vars %v): %+v", vars, r.Errors)
			break
		}
	}
	if rule.visible != nil {
		return rule.visible(r, c)
	}
	return true
}

// subscribeSSE runs a subscription over server-sent events and returns its first
// message (data or errors).
func (s *testServer) subscribeSSE(t *testing.T, token, query string, vars map[string]any) gqlResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := gqlResponse{Status: resp.StatusCode}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatalf("status %d, not an event stream nor JSON: %v", resp.StatusCode, err)
		}
		return out
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			if err := json.Unmarshal([]byte(data), &out); err != nil {
				t.Fatalf("event data %q: %v", data, err)
			}
			return out
		}
	}
	t.Fatalf("subscription stream ended without a message (%v)", sc.Err())
	return out
}

// permRootFields lists every root field of the schema as Type.field.
func permRootFields() []string {
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &resolvers.Resolver{}}).Schema()
	var out []string
	for _, root := range []*ast.Definition{schema.Query, schema.Mutation, schema.Subscription} {
		if root == nil {
			continue
		}
		for _, f := range root.Fields {
			if !strings.HasPrefix(f.Name, "__") {
				out = append(out, root.Name+"."+f.Name)
			}
		}
	}
	return out
}

// Every root field has a rule, and every rule names a root field.
func TestPermissionMatrixCoversSchema(t *testing.T) {
	t.Parallel()
	fields := permRootFields()
	covered := map[string]bool{}
	for key, rule := range permTable {
		field, _, _ := strings.Cut(key, "#")
		if !slices.Contains(fields, field) {
			t.Errorf("permTable entry %q names no root field of the schema", key)
		}
		covered[field] = true
		if err := checkPermWant(rule.want); err != nil {
			t.Errorf("permTable entry %q: %v", key, err)
		}
	}
	for _, f := range fields {
		if !covered[f] {
			t.Errorf("root field %s has no entry in permTable (permissions_test.go): add its rule for every role × own/shared/unshared", f)
		}
	}
}

// checkPermWant validates a want string: one triple of y, n or - per role.
func checkPermWant(want string) error {
	triples := strings.Fields(want)
	if len(triples) != len(permRoles) {
		return fmt.Errorf("want %q: %d triples for %d roles", want, len(triples), len(permRoles))
	}
	for _, tr := range triples {
		if len(tr) != len(permColumns) || strings.Trim(tr, "yn-") != "" {
			return fmt.Errorf("want %q: triple %q is not three of y, n, -", want, tr)
		}
	}
	return nil
}

// The matrix itself: every rule × role × column, each a subtest.
func TestPermissionMatrix(t *testing.T) {
	t.Parallel() // its own server and database
	// The webhook receiver below is on loopback, which createWebhook refuses otherwise.
	s := newTestServer(t, map[string]string{"MMS_ALLOW_PRIVATE_URLS": "true"})
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(hook.Close)
	res := permFixtures(t, s, hook.URL)
	tokens := map[string]string{}
	for _, role := range permRoles {
		tokens[role], _ = s.createKey(t, "a", role)
	}
	keys := make([]string, 0, len(permTable))
	for k := range permTable {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	columns := map[string]permRes{"own": res["a"], "shared": res["b"], "unshared": res["c"]}
	n, denied := 0, 0
	for _, key := range keys {
		rule := permTable[key]
		if err := checkPermWant(rule.want); err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		want := strings.Fields(rule.want)
		for ri, role := range permRoles {
			for ci, col := range permColumns {
				w := want[ri][ci]
				if w == '-' {
					continue
				}
				n++
				c := &permCell{s: s, role: role, token: tokens[role], res: columns[col], own: res["a"], hook: hook.URL, uniq: fmt.Sprintf("pm%d", n)}
				t.Run(key+"/"+role+"/"+col, func(t *testing.T) {
					c.t = t
					got := permDecision(t, c, key, rule)
					if got != (w == 'y') {
						t.Errorf("%s by %s on %s resource: allowed=%v, want %v (rule %q)", key, role, col, got, w == 'y', rule.want)
					}
					if w == 'n' && rule.visible == nil {
						denied++
					}
				})
			}
		}
	}
	// Every refusal is audited (decision deny).
	r := s.mustGQL(t, testAdminKey, `{ auditLog(where: {decision: "deny"}, first: 1) { totalCount } }`, nil)
	if got := num(r.get("auditLog", "totalCount")); got < denied {
		t.Errorf("%d denials audited, want at least the %d refused cells", got, denied)
	}
	t.Logf("%d cells, %d refused", n, denied)
}

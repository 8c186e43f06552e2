package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestRemoveModelAlias: an owner sets, moves and removes an alias; predict by a
// removed alias fails NOT_FOUND; removing an alias the model lacks fails
// NOT_FOUND and changes nothing; a viewer may not remove one; each change is audited.
func TestRemoveModelAlias(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	trainedClinic(t, s) // diabetes v1 and v2
	owner, _ := s.createKey(t, "clinic", "OWNER")
	viewer, _ := s.createKey(t, "clinic", "VIEWER")
	set := `mutation($a: String!, $v: Int!) { setModelAlias(model: "diabetes", alias: $a, version: $v) { version aliases } }`
	remove := `mutation($a: String!) { removeModelAlias(model: "diabetes", alias: $a) { id aliases { alias version } } }`
	s.mustGQL(t, owner, set, map[string]any{"a": "production", "v": 1})
	s.mustGQL(t, owner, set, map[string]any{"a": "staging", "v": 1})
	if r := s.mustGQL(t, owner, set, map[string]any{"a": "staging", "v": 2}); r.str("setModelAlias", "aliases", 0) != "staging" {
		t.Errorf("moved staging: %v", r.Data)
	}
	predict := `{ predict(model: "diabetes", alias: "staging", inputs: [{glucose: 148, bmi: 33.6, age: 50, sex: "F"}]) { probability } }`
	s.mustGQL(t, owner, predict, nil)

	if r := s.gql(t, viewer, remove, map[string]any{"a": "staging"}); !r.hasCode("FORBIDDEN") {
		t.Errorf("a viewer removes an alias: %+v", r.Errors)
	}
	r := s.mustGQL(t, owner, remove, map[string]any{"a": "staging"})
	if got := r.get("removeModelAlias", "aliases"); len(got.([]any)) != 1 || r.str("removeModelAlias", "aliases", 0, "alias") != "production" {
		t.Errorf("aliases after the removal: %v", got)
	}
	if m := s.mustGQL(t, owner, `{ model(id: "diabetes") { aliases { alias version } } }`, nil); len(m.get("model", "aliases").([]any)) != 1 {
		t.Errorf("model(diabetes).aliases: %v", m.Data)
	}
	if r := s.gql(t, owner, predict, nil); !r.hasCode("NOT_FOUND") {
		t.Errorf("predict by a removed alias: %+v", r.Errors)
	}
	if r := s.gql(t, owner, remove, map[string]any{"a": "staging"}); !r.hasCode("NOT_FOUND") || !strings.Contains(r.Errors[0].Message, "staging") {
		t.Errorf("removing it again: %+v", r.Errors)
	}
	if r := s.gql(t, owner, `mutation { removeModelAlias(model: "nope", alias: "production") { id } }`, nil); !r.hasCode("NOT_FOUND") {
		t.Errorf("an unknown model: %+v", r.Errors)
	}
	if v := s.mustGQL(t, owner, `{ modelVersion(model: "diabetes", alias: "production") { version } }`, nil); num(v.get("modelVersion", "version")) != 1 {
		t.Errorf("production moved: %v", v.Data)
	}
	audit := s.mustGQL(t, testAdminKey, `{ auditLog(where: {resource: "model/diabetes"}, first: 100) { edges { node { summary decision } } } }`, nil)
	if !strings.Contains(fmt.Sprint(audit.get("auditLog", "edges")), "remove alias staging") {
		t.Errorf("no audit record of the removal: %v", audit.Data)
	}
}

package e2e

import (
	"strings"
	"testing"
)

// examples/clinic/load.sh reads the server's answers as GraphQL: a team that
// exists (CONFLICT) is reported as existing (its grep matched the error's
// path and printed "created team clinic"), and any other error stops it.
func TestClinicLoadScriptReadsAnswers(t *testing.T) {
	t.Parallel() // its own server and database
	s := newTestServer(t, nil)
	s.mustGQL(t, testAdminKey, `mutation { createTeam(input: {id: "clinic", name: "Clinic"}) { id } }`, nil)
	out, err := runLoadScript(s)
	if err != nil {
		t.Fatalf("load.sh: %v\n%s", err, out)
	}
	for _, want := range []string{"team clinic exists", "created dataset clinic", `"totalCount":768`} {
		if !strings.Contains(out, want) {
			t.Errorf("load.sh output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "created team") {
		t.Errorf("load.sh says it created the existing team:\n%s", out)
	}

	// A refused token: it stops at once, saying why.
	b, err := repoCommand("bash", "examples/clinic/load.sh", s.URL, "mms_wrong0123456789abcdef0123456789abcdef").CombinedOutput()
	if out := string(b); err == nil || !strings.Contains(out, "load.sh: createTeam:") || !strings.Contains(out, "UNAUTHENTICATED") || strings.Contains(out, "exists") {
		t.Errorf("load.sh with a wrong token: %v\n%s", err, out)
	}
}

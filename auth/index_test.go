package auth_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/auth/authtest"
)

// TestIndexMatchesCasbin checks that Allowed, which decides through the rule
// index, gives Casbin's Enforce answer for random requests over a policy with
// role grants, per-object grants, per-principal grants, team subjects (shares)
// and admins.
func TestIndexMatchesCasbin(t *testing.T) {
	const teams = 12
	st := authtest.NewPolicyStore()
	rules := benchPolicyRulesN(teams)
	for i := 0; i < teams; i++ {
		// team i's datasets shared with team i+1; its members linked to their team subject
		o := (i + 1) % teams
		rules = append(rules,
			[]string{"p", auth.TeamSubject(benchTeam(o)), benchTeam(i), benchDataset(i, 1), auth.ActRead},
			[]string{"p", auth.TeamSubject(benchTeam(o)), benchTeam(i), "model/*", auth.ActPredict},
			[]string{"g", benchMember(o, 30), auth.TeamSubject(benchTeam(o)), auth.AllTeams},
		)
	}
	if err := st.AddRules(context.Background(), rules); err != nil {
		t.Fatal(err)
	}
	a, err := auth.NewAuthorizer(context.Background(), st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 9))
	acts := []string{auth.ActRead, auth.ActReadSensitive, auth.ActWrite, auth.ActAnnotate, auth.ActTrain, auth.ActPredict, auth.ActShare, auth.ActAdmin, "*"}
	pick := func(l []string) string { return l[rng.IntN(len(l))] }
	allowed := 0
	const n = 20000
	for i := 0; i < n; i++ {
		t1, t2 := rng.IntN(teams), rng.IntN(teams)
		sub := pick([]string{benchMember(t1, rng.IntN(benchMembers)), benchAdminPrincipal(), "key:stranger", auth.TeamSubject(benchTeam(t1)), benchRole(benchMemberRole(rng.IntN(50)))})
		dom := pick([]string{benchTeam(t2), benchTeam(t1), auth.AllTeams, ""})
		obj := pick([]string{
			benchDataset(t2, rng.IntN(benchDatasets)), benchTeamFieldObj(t2, rng.IntN(benchDatasets)), benchModelObj(t2, 1),
			benchTaskObj(t2, rng.IntN(benchDatasets)), "team/" + benchTeam(t2), "audit", "dataset/*", "schema/x", "job/j1", "",
		})
		act := pick(acts)
		want, err := a.CasbinEnforce(sub, dom, obj, act)
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.AllowedSubject(sub, dom, obj, act)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("Allowed(%q, %q, %q, %q) = %v, Casbin says %v", sub, dom, obj, act, got, want)
		}
		if got, want := a.SubjectTeams(sub), a.ScanTeams(sub); !slices.Equal(got, want) {
			t.Fatalf("Teams(%q) = %v, the grouping rules say %v", sub, got, want)
		}
		if want {
			allowed++
		}
	}
	// Both outcomes must be well represented for the comparison to mean anything.
	if allowed < n/20 || allowed > n-n/20 {
		t.Fatalf("%d of %d requests allowed: the mix does not test both outcomes", allowed, n)
	}
	t.Logf("%d of %d allowed", allowed, n)
	// Changes reach the index: a grant, then its removal.
	sub := fmt.Sprintf("key:late-%d", rng.IntN(1000))
	if ok, _ := a.AllowedSubject(sub, benchTeam(0), benchDataset(0, 0), auth.ActWrite); ok {
		t.Fatal("allowed before the grant")
	}
	if err := a.AllowTeam("late", benchTeam(0), benchDataset(0, 0), auth.ActWrite); err != nil {
		t.Fatal(err)
	}
	if err := a.Grant(sub, "VIEWER", "late"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := a.AllowedSubject(sub, benchTeam(0), benchDataset(0, 0), auth.ActWrite); !ok {
		t.Fatal("not allowed after the share and the grant")
	}
	if got := a.SubjectTeams(sub); !slices.Equal(got, []string{"late"}) || !slices.Equal(got, a.ScanTeams(sub)) {
		t.Fatalf("Teams after the grant: %v (scan %v)", got, a.ScanTeams(sub))
	}
	if err := a.DisallowTeam("late", benchTeam(0), benchDataset(0, 0), auth.ActWrite); err != nil {
		t.Fatal(err)
	}
	if ok, _ := a.AllowedSubject(sub, benchTeam(0), benchDataset(0, 0), auth.ActWrite); ok {
		t.Fatal("still allowed after the share was taken back")
	}
}

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
	"github.com/mms-platform/mms/model"
)

// TestJWTPrincipalDecidesLikeAStoredGrant checks that a JWT principal, whose
// team and role come from its token, is allowed exactly what a key granted the
// same role in the same team is allowed (shares to the team included), that
// nothing is stored for it, and that changing its claims changes the answer at
// once, cached decisions notwithstanding.
func TestJWTPrincipalDecidesLikeAStoredGrant(t *testing.T) {
	const teams = 6
	ctx := context.Background()
	st := authtest.NewPolicyStore()
	rules := benchPolicyRulesN(teams)
	for i := 0; i < teams; i++ {
		o := (i + 1) % teams // team i shares a dataset and its models with team o
		rules = append(rules,
			[]string{"p", auth.TeamSubject(benchTeam(o)), benchTeam(i), benchDataset(i, 1), auth.ActRead},
			[]string{"p", auth.TeamSubject(benchTeam(o)), benchTeam(i), "model/*", auth.ActPredict})
	}
	if err := st.AddRules(ctx, rules); err != nil {
		t.Fatal(err)
	}
	a, err := auth.NewAuthorizer(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	roles := []model.Role{model.RoleAdmin, model.RoleOwner, model.RoleEditor, model.RoleAnnotator, model.RoleViewer, model.RolePartner}
	mirror := func(team string, r model.Role) string { return fmt.Sprintf("key:mirror-%s-%s", team, r) }
	for i := 0; i < teams; i++ {
		for _, r := range roles {
			if err := a.Grant(mirror(benchTeam(i), r), r, benchTeam(i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	before, _ := st.LoadRules(ctx)
	rng := rand.New(rand.NewPCG(3, 5))
	acts := []string{auth.ActRead, auth.ActReadSensitive, auth.ActWrite, auth.ActAnnotate, auth.ActTrain, auth.ActPredict, auth.ActShare, auth.ActAdmin}
	pick := func(l []string) string { return l[rng.IntN(len(l))] }
	allowed := 0
	const n = 20000
	for i := 0; i < n; i++ {
		t1, t2 := rng.IntN(teams), rng.IntN(teams)
		role := roles[rng.IntN(len(roles))]
		// One subject whose claims change from request to request.
		p := &model.Principal{ID: "user:alice", Team: benchTeam(t1), Role: &role}
		dom := pick([]string{benchTeam(t2), benchTeam(t1), auth.AllTeams})
		obj := pick([]string{benchDataset(t2, rng.IntN(benchDatasets)), benchDataset(t2, 1), benchModelObj(t2, 1),
			benchTaskObj(t2, 0), "team/" + benchTeam(t2), "audit", "dataset/*"})
		act := pick(acts)
		want, err := a.AllowedSubject(mirror(benchTeam(t1), role), dom, obj, act)
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.Allowed(p, dom, obj, act)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("JWT {team %s, role %s}: Allowed(%s, %s, %s) = %v, a key with that grant gets %v", p.Team, role, dom, obj, act, got, want)
		}
		if gotT, wantT := a.Teams(p), a.SubjectTeams(mirror(benchTeam(t1), role)); !slices.Equal(gotT, wantT) {
			t.Fatalf("Teams of JWT {team %s, role %s} = %v, want %v", p.Team, role, gotT, wantT)
		}
		if a.IsAdmin(p) != (role == model.RoleAdmin) {
			t.Fatalf("IsAdmin of JWT role %s", role)
		}
		if want {
			allowed++
		}
	}
	if allowed < n/20 || allowed > n-n/20 {
		t.Fatalf("%d of %d allowed: the mix does not test both outcomes", allowed, n)
	}
	// Without a role claim, or without a principal, nothing.
	bare := &model.Principal{ID: "user:alice", Team: benchTeam(0)}
	if ok, _ := a.Allowed(bare, benchTeam(0), benchDataset(0, 0), auth.ActRead); ok || len(a.Teams(bare)) != 0 || a.IsAdmin(bare) {
		t.Fatal("a JWT without a role claim is allowed something")
	}
	if ok, _ := a.Allowed(model.Anonymous, benchTeam(0), benchDataset(0, 0), auth.ActRead); ok {
		t.Fatal("anonymous allowed")
	}
	after, _ := st.LoadRules(ctx)
	if len(after) != len(before) {
		t.Fatalf("deciding for JWT principals changed the stored rules: %d then %d", len(before), len(after))
	}
	if err := a.Grant("user:alice", model.RoleOwner, benchTeam(0)); err == nil {
		t.Fatal("Grant stored a role for a JWT principal")
	}
}

// BenchmarkAuthorizeJWT measures Allowed for JWT principals, whose roles come
// from their claims, over the benchmark policy (10k rules): uncached (a fresh
// decision cache each time, as after a policy change) and cached.
func BenchmarkAuthorizeJWT(b *testing.B) {
	a := benchNewAuthorizer(b)
	rng := rand.New(rand.NewPCG(1, 2))
	roles := []model.Role{model.RoleOwner, model.RoleEditor, model.RoleViewer, model.RoleAnnotator}
	type req struct {
		p             *model.Principal
		dom, obj, act string
	}
	reqs := make([]req, 4096)
	for i := range reqs {
		t := rng.IntN(benchTeams)
		role := roles[rng.IntN(len(roles))]
		reqs[i] = req{&model.Principal{ID: fmt.Sprintf("user:u%d", rng.IntN(500)), Team: benchTeam(t), Role: &role},
			benchTeam(t), benchDataset(t, rng.IntN(benchDatasets)), auth.ActRead}
	}
	b.Run("uncached", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			r := reqs[i%len(reqs)]
			if i%len(reqs) == 0 {
				a.FlushDecisions()
			}
			_, _ = a.Allowed(r.p, r.dom, r.obj, r.act)
		}
	})
	b.Run("cached", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			r := reqs[i%len(reqs)]
			_, _ = a.Allowed(r.p, r.dom, r.obj, r.act)
		}
	})
}

// TestSystemPrincipalIsAdmin: the principal a command-line tool acts as is
// allowed what an admin is, in every team, with no rule stored for it, and its
// id names the command; a key granted nothing is refused the same.
func TestSystemPrincipalIsAdmin(t *testing.T) {
	ctx := context.Background()
	a, err := auth.NewAuthorizer(ctx, authtest.NewPolicyStore(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	p := auth.SystemPrincipal("mms keys rotate")
	if p.ID != "system:mms keys rotate" {
		t.Fatalf("id %q", p.ID)
	}
	nobody := &model.Principal{ID: "key:nobody"}
	for _, c := range []struct{ dom, obj, act string }{
		{auth.AllTeams, "keyring", auth.ActAdmin},
		{auth.AllTeams, "audit", auth.ActRead},
		{"acme", "dataset/x", auth.ActWrite},
		{"acme", "model/m", auth.ActPredict},
	} {
		if ok, err := a.Allowed(p, c.dom, c.obj, c.act); !ok || err != nil {
			t.Errorf("system %v: %v, %v", c, ok, err)
		}
		if ok, err := a.Allowed(nobody, c.dom, c.obj, c.act); ok || err != nil {
			t.Errorf("key without grants %v: %v, %v", c, ok, err)
		}
	}
	if !a.IsAdmin(p) || !slices.Equal(a.Teams(p), []string{auth.AllTeams}) {
		t.Errorf("IsAdmin %v, Teams %v", a.IsAdmin(p), a.Teams(p))
	}
}

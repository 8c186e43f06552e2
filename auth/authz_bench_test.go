package auth_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/auth/authtest"
	"github.com/mms-platform/mms/model"
)

// Shape of the benchmark policy: benchTeams teams, each with benchMembers
// principals (grouping rules) and benchGrants per-object policies, so that
// benchTeams*(benchMembers+benchGrants) = 10,000 rules on top of DefaultPolicies.
const (
	benchTeams    = 100 // BenchmarkAuthorize/rules=10k; rules=100k uses 1,000
	benchMembers  = 50
	benchGrants   = 50
	benchDatasets = 10 // per team
)

func benchTeam(t int) string            { return fmt.Sprintf("team-%03d", t) }
func benchMember(t, m int) string       { return fmt.Sprintf("key:t%03d-p%02d", t, m) }
func benchDataset(t, d int) string      { return fmt.Sprintf("dataset/ds-%03d-%02d", t, d) }
func benchModelObj(t, d int) string     { return fmt.Sprintf("model/m-%03d-%02d", t, d) }
func benchTaskObj(t, d int) string      { return fmt.Sprintf("task/task-%03d-%02d", t, d) }
func benchRole(r model.Role) string     { return auth.RoleSubject(r) }
func benchAdminPrincipal() string       { return "key:admin-0" }
func benchTeamFieldObj(t, d int) string { return benchDataset(t, d) + "/field/glucose" }

// benchMemberRole spreads the 50 members of a team over the roles:
// 5 owners, 10 editors, 10 annotators, 20 viewers, 5 partners.
func benchMemberRole(m int) model.Role {
	switch {
	case m < 5:
		return model.RoleOwner
	case m < 15:
		return model.RoleEditor
	case m < 25:
		return model.RoleAnnotator
	case m < 45:
		return model.RoleViewer
	default:
		return model.RolePartner
	}
}

// benchPolicyRulesN returns the store content of a deployment of teams teams that
// has run for a while: the default role definitions first (ensured at first
// start), the global admin, then per team its memberships and its per-object
// grants (datasets shared with partners and annotators, models partners may
// predict with, tasks assigned to individual viewers, datasets editors may
// share), interleaved as teams are created over time.
func benchPolicyRulesN(teams int) [][]string {
	rules := make([][]string, 0, len(auth.DefaultPolicies)+1+teams*(benchMembers+benchGrants))
	for _, p := range auth.DefaultPolicies {
		rules = append(rules, append([]string{"p"}, p...))
	}
	rules = append(rules, []string{"g", benchAdminPrincipal(), benchRole(model.RoleAdmin), auth.AllTeams})
	for t := 0; t < teams; t++ {
		team := benchTeam(t)
		for m := 0; m < benchMembers; m++ {
			rules = append(rules, []string{"g", benchMember(t, m), benchRole(benchMemberRole(m)), team})
		}
		for d := 0; d < benchDatasets; d++ {
			rules = append(rules,
				[]string{"p", benchRole(model.RolePartner), team, benchDataset(t, d), auth.ActRead},
				[]string{"p", benchRole(model.RolePartner), team, benchModelObj(t, d), auth.ActPredict},
				[]string{"p", benchRole(model.RoleAnnotator), team, benchDataset(t, d), auth.ActRead},
				[]string{"p", benchMember(t, 25+d), team, benchTaskObj(t, d), auth.ActWrite},
				[]string{"p", benchRole(model.RoleEditor), team, benchDataset(t, d), auth.ActShare},
			)
		}
	}
	return rules
}

// benchRequest is one authorization question and the answer it must get.
type benchRequest struct {
	sub, dom, obj, act string
	want               bool
}

// benchRequestMix returns n requests over all teams, about 60% allowed and 40%
// denied, covering the cheap cases (role grants matched by the first policies)
// and the expensive ones (per-object grants deep in the list, and denials,
// which must look at every policy).
func benchRequestMix(n int) []benchRequest { return benchRequestMixN(n, benchTeams) }

// benchRequestMixN is benchRequestMix over the given number of teams.
func benchRequestMixN(n, benchTeams int) []benchRequest {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]benchRequest, n)
	for i := range out {
		t := rng.IntN(benchTeams)
		d := rng.IntN(benchDatasets)
		team := benchTeam(t)
		var r benchRequest
		switch k := rng.IntN(20); {
		case k < 4: // a viewer reads a dataset of its team (role grant)
			r = benchRequest{benchMember(t, 25+rng.IntN(20)), team, benchDataset(t, d), auth.ActRead, true}
		case k < 6: // an editor writes a dataset field
			r = benchRequest{benchMember(t, 5+rng.IntN(10)), team, benchTeamFieldObj(t, d), auth.ActWrite, true}
		case k < 7: // an owner administers the team
			r = benchRequest{benchMember(t, rng.IntN(5)), team, "team/" + team, auth.ActAdmin, true}
		case k < 8: // an admin reads the audit log
			r = benchRequest{benchAdminPrincipal(), auth.AllTeams, "audit", auth.ActRead, true}
		case k < 10: // a partner reads a dataset shared with partners (per-object grant)
			r = benchRequest{benchMember(t, 45+rng.IntN(5)), team, benchDataset(t, d), auth.ActRead, true}
		case k < 11: // a viewer writes its assigned task (per-principal grant)
			r = benchRequest{benchMember(t, 25+d), team, benchTaskObj(t, d), auth.ActWrite, true}
		case k < 12: // an editor shares a dataset (per-object grant)
			r = benchRequest{benchMember(t, 5+rng.IntN(10)), team, benchDataset(t, d), auth.ActShare, true}
		case k < 15: // a member of another team reads this team's dataset
			o := (t + 1 + rng.IntN(benchTeams-1)) % benchTeams
			r = benchRequest{benchMember(o, 25+rng.IntN(20)), team, benchDataset(t, d), auth.ActRead, false}
		case k < 17: // a viewer tries to write
			r = benchRequest{benchMember(t, 25+rng.IntN(20)), team, benchDataset(t, d), auth.ActWrite, false}
		case k < 18: // a partner reads a dataset that was not shared
			r = benchRequest{benchMember(t, 45+rng.IntN(5)), team, fmt.Sprintf("dataset/ds-%03d-private", t), auth.ActRead, false}
		case k < 19: // an annotator trains a model
			r = benchRequest{benchMember(t, 15+rng.IntN(10)), team, benchModelObj(t, d), auth.ActTrain, false}
		default: // an unknown principal
			r = benchRequest{fmt.Sprintf("key:unknown-%d", rng.IntN(1000)), team, benchDataset(t, d), auth.ActRead, false}
		}
		out[i] = r
	}
	return out
}

func benchNewAuthorizer(b *testing.B) *auth.Authorizer { return benchNewAuthorizerN(b, benchTeams) }

func benchNewAuthorizerN(b *testing.B, teams int) *auth.Authorizer {
	b.Helper()
	st := authtest.NewPolicyStore()
	if err := st.AddRules(context.Background(), benchPolicyRulesN(teams)); err != nil {
		b.Fatal(err)
	}
	a, err := auth.NewAuthorizer(context.Background(), st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// benchReportPercentiles sorts the per-call durations and reports p50 and p99 in µs.
func benchReportPercentiles(b *testing.B, durs []time.Duration) {
	if len(durs) == 0 {
		return
	}
	slices.Sort(durs)
	at := func(q float64) float64 {
		i := int(q * float64(len(durs)-1))
		return float64(durs[i].Nanoseconds()) / 1e3
	}
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}

// BenchmarkAuthorize measures one Casbin decision (Authorizer.Allowed) with
// 10,000 rules over 100 teams plus the default role definitions, over a mix of
// allowed and denied requests in all teams. Target: p50 <= 20 µs.
func BenchmarkAuthorize(b *testing.B) {
	a := benchNewAuthorizer(b)
	reqs := benchRequestMix(4096)
	// Check the answers once (correctness, not timing), which also warms Casbin's
	// per-matcher memo of role links the way a running server has.
	allowed := 0
	for _, r := range reqs {
		got, err := a.AllowedSubject(r.sub, r.dom, r.obj, r.act)
		if err != nil {
			b.Fatal(err)
		}
		if got != r.want {
			b.Fatalf("Allowed(%s, %s, %s, %s) = %v, want %v", r.sub, r.dom, r.obj, r.act, got, r.want)
		}
		if got {
			allowed++
		}
	}

	b.Run("mixed", func(b *testing.B) {
		durs := make([]time.Duration, 0, b.N)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			r := &reqs[i%len(reqs)]
			start := time.Now()
			_, _ = a.AllowedSubject(r.sub, r.dom, r.obj, r.act)
			durs = append(durs, time.Since(start))
		}
		b.StopTimer()
		benchReportPercentiles(b, durs)
		b.ReportMetric(float64(allowed)/float64(len(reqs)), "allowed-frac")
	})

	// The same mix split by outcome: a denial scans every policy.
	for _, want := range []bool{true, false} {
		name := "denied"
		if want {
			name = "allowed"
		}
		var sub []benchRequest
		for _, r := range reqs {
			if r.want == want {
				sub = append(sub, r)
			}
		}
		b.Run(name, func(b *testing.B) {
			durs := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r := &sub[i%len(sub)]
				start := time.Now()
				_, _ = a.AllowedSubject(r.sub, r.dom, r.obj, r.act)
				durs = append(durs, time.Since(start))
			}
			b.StopTimer()
			benchReportPercentiles(b, durs)
		})
	}

	// Every request distinct (a never-seen principal, so denied after looking at
	// every policy): the cost of a decision no cache has seen, the worst case.
	b.Run("unique", func(b *testing.B) {
		subs := make([]string, b.N)
		for i := range subs {
			subs[i] = fmt.Sprintf("key:new-%d", i)
		}
		durs := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			r := &reqs[i%len(reqs)]
			start := time.Now()
			_, _ = a.AllowedSubject(subs[i], r.dom, r.obj, r.act)
			durs = append(durs, time.Since(start))
		}
		b.StopTimer()
		benchReportPercentiles(b, durs)
	})
}

// BenchmarkAuthorize100k measures permission checks with 100,000 rules
// (1,000 teams of 50 members and 50 per-object grants) plus the default role
// definitions. Target: p99 under 1 ms.
//   - cached: Allowed over the request mix, as a running server sees it;
//   - uncached: the rule index alone (every decision computed), allowed and
//     denied requests of the mix;
//   - casbin: Casbin's own Enforce, which scans every rule: the baseline.
func BenchmarkAuthorize100k(b *testing.B) {
	const teams = 1000
	a := benchNewAuthorizerN(b, teams)
	reqs := benchRequestMixN(4096, teams)
	for _, r := range reqs {
		if got, err := a.AllowedSubject(r.sub, r.dom, r.obj, r.act); err != nil || got != r.want {
			b.Fatalf("Allowed(%s, %s, %s, %s) = %v, %v, want %v", r.sub, r.dom, r.obj, r.act, got, err, r.want)
		}
	}
	run := func(name string, check func(sub, dom, obj, act string) (bool, error)) {
		b.Run(name, func(b *testing.B) {
			durs := make([]time.Duration, 0, b.N)
			for i := 0; b.Loop(); i++ {
				r := &reqs[i%len(reqs)]
				start := time.Now()
				if got, err := check(r.sub, r.dom, r.obj, r.act); err != nil || got != r.want {
					b.Fatalf("%s %s %s %s: %v %v", r.sub, r.dom, r.obj, r.act, got, err)
				}
				durs = append(durs, time.Since(start))
			}
			benchReportPercentiles(b, durs)
		})
	}
	run("cached", a.AllowedSubject)
	run("uncached", a.Decide)
	run("casbin", a.CasbinEnforce)
	// A policy change (a share's AllowTeam) rebuilds the index from the
	// enforcer's 100,000 rules.
	b.Run("change", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			obj := fmt.Sprintf("dataset/ds-000-x%d", i)
			if err := a.AllowTeam(benchTeam(1), benchTeam(0), obj, auth.ActRead); err != nil {
				b.Fatal(err)
			}
		}
	})
}

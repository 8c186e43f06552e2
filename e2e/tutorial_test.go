package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The README's tutorial is examples/tutorial.sh: TestTutorial runs the script
// against a fresh server, and TestTutorialREADMEMatchesScript checks that every
// ```sh block of the README's tutorial is in the script verbatim, so neither
// can drift from the other.

const (
	tutorialScript = "examples/tutorial.sh"
	tutorialBegin  = "<!-- tutorial:begin -->"
	tutorialEnd    = "<!-- tutorial:end -->"
)

// readmeTutorialBlocks returns the ```sh blocks between the README's tutorial
// markers.
func readmeTutorialBlocks(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(repoPath("README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, tutorialBegin), strings.Index(readme, tutorialEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %s ... %s section", tutorialBegin, tutorialEnd)
	}
	var blocks []string
	rest := readme[i:j]
	for {
		k := strings.Index(rest, "\n```sh\n")
		if k < 0 {
			break
		}
		rest = rest[k+len("\n```sh\n"):]
		e := strings.Index(rest, "\n```\n")
		if e < 0 {
			t.Fatalf("README.md: unterminated ```sh block in the tutorial:\n%s", rest)
		}
		blocks = append(blocks, rest[:e+1])
		rest = rest[e+len("\n```\n"):]
	}
	return blocks
}

func TestTutorialREADMEMatchesScript(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(repoPath(tutorialScript))
	if err != nil {
		t.Fatal(err)
	}
	script := string(b)
	blocks := readmeTutorialBlocks(t)
	if len(blocks) < 9 {
		t.Fatalf("the README's tutorial has %d ```sh blocks, want at least 9 (one per step)", len(blocks))
	}
	for _, bl := range blocks {
		if !strings.Contains(script, bl) {
			t.Errorf("this ```sh block of the README's tutorial is not in %s verbatim (copy it there, or fix the README):\n%s", tutorialScript, bl)
		}
	}
	// The other way round: every command of the script is shown in the README.
	// Lines of the script outside the README's blocks may only be its own
	// preamble: comments, set, the arguments, cd and step headings.
	shown := strings.Join(blocks, "")
	for _, line := range strings.Split(script, "\n") {
		l := strings.TrimSpace(line)
		switch {
		case l == "", strings.HasPrefix(l, "#"), strings.HasPrefix(l, "step "), strings.HasPrefix(l, "step()"),
			strings.HasPrefix(l, "set -"), strings.HasPrefix(l, "MMS="), strings.HasPrefix(l, "ADMIN="),
			strings.HasPrefix(l, "cd "), l == "echo":
			continue
		}
		if !strings.Contains(shown, line) {
			t.Errorf("%s runs a line the README's tutorial does not show: %q", tutorialScript, line)
		}
	}
}

func TestTutorial(t *testing.T) {
	t.Parallel() // its own server and database
	for _, tool := range []string{"bash", "curl", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the tutorial script needs bash, curl and python3: %s not found", tool)
		}
	}
	s := newTestServer(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", tutorialScript, s.URL, testAdminKey)
	cmd.Dir = repoRoot()
	b, err := cmd.CombinedOutput()
	out := string(b)
	if err != nil {
		t.Fatalf("%s: %v\n%s", tutorialScript, err, out)
	}
	// answer returns the JSON line of the script's output whose top-level
	// key is key (the n-th such line, from 0).
	answer := func(key string, n int) map[string]any {
		t.Helper()
		for _, line := range strings.Split(out, "\n") {
			if !strings.HasPrefix(line, `{"`+key+`":`) {
				continue
			}
			if n > 0 {
				n--
				continue
			}
			var v map[string]any
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatalf("%s line %q: %v", key, line, err)
			}
			return v
		}
		t.Fatalf("the tutorial printed no %q answer:\n%s", key, out)
		return nil
	}

	// A served prediction, over GraphQL and /v2, through alias production.
	preds := answer("predict", 0)["predict"].([]any)
	if p, ok := preds[0].(map[string]any)["probability"].(float64); !ok || p <= 0 || p >= 1 {
		t.Errorf("first prediction's probability: %v", preds[0])
	}
	if e, _ := preds[1].(map[string]any)["error"].(string); !strings.Contains(e, `"very high"`) {
		t.Errorf("second prediction should be an input error: %v", preds[1])
	}
	v2 := answer("model_name", 0)
	if outs, _ := v2["outputs"].([]any); len(outs) == 0 || outs[0].(map[string]any)["name"] != "probability" {
		t.Errorf("/v2 infer: %v", v2)
	}

	// Submitted annotations, a gold version and the export.
	for n, doc := range []string{"c001", "c002", "c001"} {
		a := answer("saveAnnotation", n)["saveAnnotation"].(map[string]any)
		if a["document"] != doc || a["status"] != "submitted" {
			t.Errorf("saveAnnotation %d: %v", n, a)
		}
	}
	if g := answer("saveGold", 0)["saveGold"].(map[string]any); g["document"] != "c001" {
		t.Errorf("saveGold: %v", g)
	}
	if !strings.Contains(out, `{"id":"c001","text":"P0464说打完新冠疫苗以后一切正常，没有口渴。","entities":[`) {
		t.Errorf("the doccano export lacks c001:\n%s", out)
	}

	// The partner reads the shared rows: only age, glucose and bmi, only outcome 1.
	docs := answer("documents", 0)["documents"].(map[string]any)
	if n, _ := docs["totalCount"].(float64); n <= 0 || n >= 768 {
		t.Errorf("partner's totalCount %v: want the rows with outcome 1 only", docs["totalCount"])
	}
	edges, _ := docs["edges"].([]any)
	if len(edges) == 0 {
		t.Fatalf("the partner read no rows: %v", docs)
	}
	for _, e := range edges {
		fields := e.(map[string]any)["node"].(map[string]any)["fields"].(map[string]any)
		for f := range fields {
			if f != "age" && f != "glucose" && f != "bmi" {
				t.Errorf("the partner sees field %q, which the share hides: %v", f, fields)
			}
		}
		if len(fields) != 3 {
			t.Errorf("the partner's row: %v", fields)
		}
	}
	if !strings.HasSuffix(strings.TrimSpace(out), "== done") {
		t.Errorf("the tutorial did not reach its end:\n%s", out)
	}
}

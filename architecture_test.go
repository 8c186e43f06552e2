package main

import (
	"bufio"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const modulePath = "github.com/mms-platform/mms"

// TestArchitectureMap keeps docs/architecture.md true: every package of the
// module has a row, every row names a package, and each package imports only
// the project packages its row allows; the MongoDB driver, Casbin and
// parquet-go stay in the packages that own them.
func TestArchitectureMap(t *testing.T) {
	t.Parallel()
	allowed := readArchitectureMap(t, "docs/architecture.md")

	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	owners := map[string][]string{ // import path prefix -> packages that may import it
		"go.mongodb.org/mongo-driver":                 {"mongodb"},
		"github.com/FerretDB/FerretDB":                {"mongodb", "cmd/ferretdb-pg"},
		"github.com/casbin/casbin":                    {"auth"},
		"github.com/parquet-go/parquet-go":            {"snapshot"},
		"github.com/99designs/gqlgen/graphql/handler": {"httpapi"},
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg := shortPkg(f[0])
		seen[pkg] = true
		may, ok := allowed[pkg]
		if !ok {
			t.Errorf("package %s has no row in docs/architecture.md", pkg)
			continue
		}
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, modulePath) {
				dep := shortPkg(imp)
				if may != nil && !slices.Contains(may, dep) {
					t.Errorf("%s imports %s, which its row in docs/architecture.md does not allow", pkg, dep)
				}
				continue
			}
			for prefix, pkgs := range owners {
				if strings.HasPrefix(imp, prefix) && !slices.Contains(pkgs, pkg) {
					t.Errorf("%s imports %s; only %v may", pkg, imp, pkgs)
				}
			}
		}
	}
	for pkg := range allowed {
		if !seen[pkg] {
			t.Errorf("docs/architecture.md has a row for %s, which is not a package of the module", pkg)
		}
	}
}

// shortPkg names a package of the module by its directory ("." for the root).
func shortPkg(importPath string) string {
	if importPath == modulePath {
		return "."
	}
	return strings.TrimPrefix(importPath, modulePath+"/")
}

// readArchitectureMap reads the package table: package -> the project
// packages it may import (nil: every package).
func readArchitectureMap(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cells := strings.Split(sc.Text(), "|")
		if len(cells) != 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		name := strings.Trim(strings.Fields(strings.TrimSpace(cells[1]))[0], "`")
		may := strings.TrimSpace(cells[3])
		switch may {
		case "every package":
			rows[name] = nil
		case "—":
			rows[name] = []string{}
		default:
			var deps []string
			for _, d := range strings.Split(may, ",") {
				deps = append(deps, strings.TrimSpace(d))
			}
			rows[name] = deps
		}
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no package table found", path)
	}
	return rows
}

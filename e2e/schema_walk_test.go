package e2e

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mms-platform/mms/graph"
	"github.com/mms-platform/mms/resolvers"
)

// publicRootFields are the only root fields an anonymous caller may use.
var publicRootFields = map[string]bool{"me": true}

// Deny by default: every root query, mutation and subscription field, found by
// walking the schema (so a new field is covered the day it is added), refuses an
// anonymous caller with UNAUTHENTICATED, except the public ones above.
func TestEveryRootFieldNeedsAuthentication(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, nil)
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &resolvers.Resolver{}}).Schema()
	for _, root := range []*ast.Definition{schema.Query, schema.Mutation} {
		for _, f := range root.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			t.Run(root.Name+"."+f.Name, func(t *testing.T) {
				op := "query"
				if root == schema.Mutation {
					op = "mutation"
				}
				args, vars, varDefs, ok := dummyArgs(schema, f.Arguments)
				if !ok {
					t.Skip("takes a required upload: covered by its own tests")
				}
				sel := ""
				if len(schema.Types[f.Type.Name()].Fields) > 0 {
					sel = "{ __typename }"
				}
				q := fmt.Sprintf("%s%s { %s%s %s }", op, varDefs, f.Name, args, sel)
				r := s.gql(t, "", q, vars)
				if publicRootFields[f.Name] {
					if len(r.Errors) > 0 {
						t.Errorf("public field refused: %+v", r.Errors)
					}
					return
				}
				if !r.hasCode("UNAUTHENTICATED") {
					t.Errorf("%s: anonymous got %v %+v, want UNAUTHENTICATED", q, r.Data, r.Errors)
				}
			})
		}
	}
	for _, f := range schema.Subscription.Fields {
		if !strings.HasPrefix(f.Name, "__") && !publicRootFields[f.Name] {
			// Subscriptions resolve through the same service checks; jobUpdated is
			// exercised anonymously over WebSocket in TestSourceJobUpdatedWebSocket.
			if f.Name != "jobUpdated" {
				t.Errorf("subscription %s has no anonymous-access test", f.Name)
			}
		}
	}
}

// dummyArgs builds arguments with a value for every required one, as variables.
func dummyArgs(schema *ast.Schema, defs ast.ArgumentDefinitionList) (args string, vars map[string]any, varDefs string, ok bool) {
	vars = map[string]any{}
	var a, d []string
	for _, def := range defs {
		if !def.Type.NonNull {
			continue
		}
		v, ok := dummyValue(schema, def.Type)
		if !ok {
			return "", nil, "", false
		}
		vars[def.Name] = v
		a = append(a, fmt.Sprintf("%s: $%s", def.Name, def.Name))
		d = append(d, fmt.Sprintf("$%s: %s", def.Name, def.Type.String()))
	}
	if len(a) == 0 {
		return "", vars, "", true
	}
	return "(" + strings.Join(a, ", ") + ")", vars, "(" + strings.Join(d, ", ") + ")", true
}

func dummyValue(schema *ast.Schema, t *ast.Type) (any, bool) {
	if t.Elem != nil {
		v, ok := dummyValue(schema, t.Elem)
		return []any{v}, ok
	}
	def := schema.Types[t.NamedType]
	switch {
	case t.NamedType == "Upload":
		return nil, false
	case t.NamedType == "Int":
		return 1, true
	case t.NamedType == "Float":
		return 1.0, true
	case t.NamedType == "Boolean":
		return true, true
	case t.NamedType == "JSON":
		return map[string]any{}, true
	case t.NamedType == "Time":
		return "2030-01-01T00:00:00Z", true
	case def != nil && def.Kind == ast.Enum:
		return def.EnumValues[0].Name, true
	case def != nil && def.Kind == ast.InputObject:
		obj := map[string]any{}
		for _, f := range def.Fields {
			if f.Type.NonNull {
				v, ok := dummyValue(schema, f.Type)
				if !ok {
					return nil, false
				}
				obj[f.Name] = v
			}
		}
		return obj, true
	}
	return "x", true
}

// Every type, field, argument, enum value and input field of the schema has a
// description, so introspection, GraphiQL and the served SDL document the API.
// Elements are found by walking the schema: one added without a description
// fails here, named.
func TestSchemaDescriptions(t *testing.T) {
	t.Parallel()
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &resolvers.Resolver{}}).Schema()
	var missing []string
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	for name, def := range schema.Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		if blank(def.Description) {
			missing = append(missing, fmt.Sprintf("%s %s", strings.ToLower(string(def.Kind)), name))
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if blank(f.Description) {
				missing = append(missing, fmt.Sprintf("field %s.%s", name, f.Name))
			}
			for _, a := range f.Arguments {
				if blank(a.Description) {
					missing = append(missing, fmt.Sprintf("argument %s.%s(%s)", name, f.Name, a.Name))
				}
			}
		}
		for _, v := range def.EnumValues {
			if blank(v.Description) {
				missing = append(missing, fmt.Sprintf("enum value %s.%s", name, v.Name))
			}
		}
	}
	for _, d := range schema.Directives {
		if d.Position != nil && d.Position.Src != nil && d.Position.Src.BuiltIn {
			continue
		}
		if blank(d.Description) {
			missing = append(missing, "directive @"+d.Name)
		}
		for _, a := range d.Arguments {
			if blank(a.Description) {
				missing = append(missing, fmt.Sprintf("argument @%s(%s)", d.Name, a.Name))
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("%s has no description", m)
	}
	if len(missing) > 0 {
		t.Logf("%d schema elements without a description: describe them in graph/*.graphqls", len(missing))
	}
}

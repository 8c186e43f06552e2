package annotate

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/mms-platform/mms/model"
)

// MaxSuggestions bounds the suggestions Suggest (and Gazetteer.Find) returns for one
// document: when more are found, the first MaxSuggestions in the result order are
// kept.
const MaxSuggestions = 1000

// TermList is a dictionary of terms that suggest one label: for example the dataset
// keys P0001...P0768 as Patient, or drug names as Drug.
type TermList struct {
	Label string   `json:"label"`
	Terms []string `json:"terms"`
}

// RegexRule is a regular expression (Go RE2 syntax) that suggests a label. The whole
// match is the span, or submatch Group when Group > 0. Name, when set, is reported as
// the suggestion's Rule (the pattern otherwise). Use (?i) for case-insensitive
// matching and \b for word boundaries: the rule is matched as written.
type RegexRule struct {
	Name    string `json:"name,omitempty"`
	Label   string `json:"label"`
	Pattern string `json:"pattern"`
	Group   int    `json:"group,omitempty"`
}

// Gazetteer finds dictionary terms in text. It is a trie over folded code points:
// matching is case-insensitive (every cased script, Latin included, via
// unicode.ToLower, which maps one code point to one, so offsets are kept), full-width
// ASCII forms (Ｐ０００１) match their ASCII terms, and U+3000 matches a space. There is
// no other normalization and no word-boundary test: Chinese has no spaces and keys
// run into dates in real posts ("P03782026年"), so "ill" matches inside "will" too.
//
// Per label, matches are leftmost-longest and do not overlap: scanning from the
// start, the longest term of the label beginning at the first possible position is
// taken, and the scan resumes after it. Matches of different labels may overlap. The
// same term under two labels suggests both. A Gazetteer is immutable and safe for
// concurrent use.
type Gazetteer struct {
	labels []string
	terms  []string // as listed, for Suggestion.Rule
	edges  map[trieEdge]int32
	out    [][]trieOut // per node: the (label, term) entries ending there
}

type trieEdge struct {
	node int32
	r    rune
}

type trieOut struct {
	label, term int32
}

// NewGazetteer builds a Gazetteer from term lists. Lists with the same label merge;
// terms that fold to the same key under one label count once (the first is kept as
// the Rule). An empty label or term is model.EINVALID.
func NewGazetteer(lists ...TermList) (*Gazetteer, error) {
	g := &Gazetteer{edges: make(map[trieEdge]int32), out: make([][]trieOut, 1)}
	labelIdx := make(map[string]int32)
	var ps problems
	for i, l := range lists {
		path := pathOf("terms", i, l.Label)
		if l.Label == "" {
			ps.add(path, "label is empty")
			continue
		}
		li, ok := labelIdx[l.Label]
		if !ok {
			li = int32(len(g.labels))
			labelIdx[l.Label] = li
			g.labels = append(g.labels, l.Label)
		}
	terms:
		for k, t := range l.Terms {
			if t == "" {
				ps.add(path, "term %d is empty", k)
				continue
			}
			node := int32(0)
			for _, r := range t {
				e := trieEdge{node, fold(r)}
				next, ok := g.edges[e]
				if !ok {
					next = int32(len(g.out))
					g.out = append(g.out, nil)
					g.edges[e] = next
				}
				node = next
			}
			for _, o := range g.out[node] {
				if o.label == li {
					continue terms
				}
			}
			g.out[node] = append(g.out[node], trieOut{li, int32(len(g.terms))})
			g.terms = append(g.terms, t)
		}
	}
	if len(ps) > 0 {
		return nil, model.Errorf(model.EINVALID, "invalid gazetteer: %s", joinProblems(ps))
	}
	return g, nil
}

// Len returns the number of distinct (label, term) entries.
func (g *Gazetteer) Len() int { return len(g.terms) }

// fold maps a code point to its matching key, one code point to one.
func fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII forms
		r -= 0xFEE0
	case r == 0x3000: // ideographic space
		r = ' '
	}
	return unicode.ToLower(r)
}

// Find returns the gazetteer's matches in text as suggestions (Source
// SourceGazetteer, Rule the term as listed), with code point offsets and Text filled,
// in Suggest's order, at most MaxSuggestions. Span ids are left empty.
func (g *Gazetteer) Find(text string) []model.Suggestion {
	out := g.find(newRuneIndex(text))
	sortSuggestions(out)
	if len(out) > MaxSuggestions {
		out = out[:MaxSuggestions]
	}
	return out
}

func (g *Gazetteer) find(idx runeIndex) []model.Suggestion {
	if g == nil || len(g.terms) == 0 || idx.n == 0 {
		return nil
	}
	folded := make([]rune, 0, idx.n)
	for _, r := range idx.s {
		folded = append(folded, fold(r))
	}
	nl := len(g.labels)
	nextFree := make([]int, nl) // per label: first position a new match may start at
	bestEnd := make([]int, nl)  // per label: end of the longest match at this start, 0 if none
	bestTerm := make([]int32, nl)
	count := make([]int, nl)
	var touched []int32
	var out []model.Suggestion
	for i := range folded {
		node := int32(0)
		touched = touched[:0]
		for j := i; j < len(folded); j++ {
			next, ok := g.edges[trieEdge{node, folded[j]}]
			if !ok {
				break
			}
			node = next
			for _, o := range g.out[node] {
				if nextFree[o.label] > i || count[o.label] >= MaxSuggestions {
					continue
				}
				if bestEnd[o.label] == 0 {
					touched = append(touched, o.label)
				}
				bestEnd[o.label], bestTerm[o.label] = j+1, o.term
			}
		}
		for _, l := range touched {
			end := bestEnd[l]
			sub, _ := idx.slice(i, end)
			out = append(out, model.Suggestion{
				Span:   model.Span{Start: i, End: end, Label: g.labels[l], Text: sub},
				Source: SourceGazetteer,
				Rule:   g.terms[bestTerm[l]],
			})
			nextFree[l], bestEnd[l] = end, 0
			count[l]++
		}
	}
	return out
}

// Preannotator suggests spans from a Gazetteer and regex rules, all compiled once. It
// is immutable and safe for concurrent use.
type Preannotator struct {
	gaz   *Gazetteer
	rules []compiledRule
}

type compiledRule struct {
	RegexRule
	re *regexp.Regexp
}

// NewPreannotator compiles term lists (see NewGazetteer) and regex rules. It reports
// every bad list or rule in one model.EINVALID error: an empty label, an empty term, a
// pattern that does not compile, one that matches the empty string (it would suggest
// empty spans), or a Group beyond the pattern's submatches.
func NewPreannotator(lists []TermList, rules []RegexRule) (*Preannotator, error) {
	var ps problems
	g, err := NewGazetteer(lists...)
	if err != nil {
		ps = append(ps, model.ErrorMessage(err))
	}
	p := &Preannotator{gaz: g}
	for i, r := range rules {
		path := pathOf("rules", i, r.Name)
		if r.Label == "" {
			ps.add(path, "label is empty")
		}
		if r.Pattern == "" {
			ps.add(path, "pattern is empty")
			continue
		}
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			ps.add(path, "bad pattern: %v", err)
			continue
		}
		if re.MatchString("") {
			ps.add(path, "pattern %q matches the empty string", r.Pattern)
		}
		if r.Group < 0 || r.Group > re.NumSubexp() {
			ps.add(path, "group %d is not a submatch of %q (it has %d)", r.Group, r.Pattern, re.NumSubexp())
		}
		p.rules = append(p.rules, compiledRule{r, re})
	}
	if len(ps) > 0 {
		return nil, model.Errorf(model.EINVALID, "invalid pre-annotation rules: %s", joinProblems(ps))
	}
	return p, nil
}

// Suggest returns the spans the gazetteer and the regex rules find in text, with code
// point offsets and Text filled. The order is deterministic: by Start, then longer
// spans first, then Label, Source and Rule. A (Start, End, Label) found by several
// rules is suggested once, the gazetteer's first. At most MaxSuggestions are
// returned (the first in that order); their span ids are "p1", "p2", ... in order.
// Zero-length regex matches are skipped.
func (p *Preannotator) Suggest(text string) []model.Suggestion {
	if p == nil {
		return nil
	}
	idx := newRuneIndex(text)
	out := p.gaz.find(idx)
	for _, r := range p.rules {
		for _, m := range r.re.FindAllStringSubmatchIndex(text, MaxSuggestions+1) {
			bs, be := m[2*r.Group], m[2*r.Group+1]
			if bs < 0 || be <= bs {
				continue
			}
			s, e := idx.runeOff(bs), idx.runeOff(be)
			rule := r.Name
			if rule == "" {
				rule = r.Pattern
			}
			out = append(out, model.Suggestion{
				Span:   model.Span{Start: s, End: e, Label: r.Label, Text: text[bs:be]},
				Source: SourceRegex,
				Rule:   rule,
			})
		}
	}
	sortSuggestions(out)
	kept := out[:0]
	for i, s := range out {
		if i > 0 {
			prev := kept[len(kept)-1].Span
			if prev.Start == s.Span.Start && prev.End == s.Span.End && prev.Label == s.Span.Label {
				continue
			}
		}
		kept = append(kept, s)
		if len(kept) == MaxSuggestions {
			break
		}
	}
	for i := range kept {
		kept[i].Span.ID = fmt.Sprintf("p%d", i+1)
	}
	return kept
}

func sortSuggestions(s []model.Suggestion) {
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		switch {
		case a.Span.Start != b.Span.Start:
			return a.Span.Start < b.Span.Start
		case a.Span.End != b.Span.End:
			return a.Span.End > b.Span.End
		case a.Span.Label != b.Span.Label:
			return a.Span.Label < b.Span.Label
		case a.Source != b.Source:
			return a.Source < b.Source // "gazetteer" before "regex"
		}
		return a.Rule < b.Rule
	})
}

func joinProblems(ps []string) string { return strings.Join(ps, "; ") }

package annotate_test

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/mms-platform/mms/annotate"

	"github.com/mms-platform/mms/model"
)

// clinicLists are the pre-annotation dictionaries of the clinic posts: the dataset's
// keys as Patient, and drug, hospital, vaccine and symptom names.
func clinicLists() []annotate.TermList {
	keys := make([]string, 768)
	for i := range keys {
		keys[i] = fmt.Sprintf("P%04d", i+1)
	}
	return []annotate.TermList{
		{Label: "Patient", Terms: keys},
		{Label: "Drug", Terms: []string{"胰岛素", "二甲双胍", "阿卡波糖", "格列美脲", "Insulin", "metformin"}},
		{Label: "Hospital", Terms: []string{"协和医院", "北京协和医院", "华西医院", "市第一人民医院", "社区卫生服务中心"}},
		{Label: "Vaccine", Terms: []string{"新冠疫苗", "乙肝疫苗", "流感疫苗"}},
		{Label: "Symptom", Terms: []string{"口渴", "多尿", "乏力", "发烧", "头痛", "视力模糊", "手脚麻木", "thirst", "fatigue", "headache", "blurred vision"}},
	}
}

func clinicRules() []annotate.RegexRule {
	return []annotate.RegexRule{
		{Name: "date-zh", Label: "Date", Pattern: `\d{4}年\d{1,2}月\d{1,2}日`},
		{Name: "date-zh-words", Label: "Date", Pattern: `[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日`},
		{Name: "date-en", Label: "Date", Pattern: `\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b`},
		{Name: "date-relative", Label: "Date", Pattern: `昨天|今天上午|两周前|上周|last week|yesterday`},
	}
}

func mustPreannotator(t testing.TB, lists []annotate.TermList, rules []annotate.RegexRule) *annotate.Preannotator {
	t.Helper()
	p, err := annotate.NewPreannotator(lists, rules)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// brief renders suggestions as "start-end Label text source" for comparisons.
func brief(ss []model.Suggestion) []string {
	var out []string
	for _, s := range ss {
		out = append(out, fmt.Sprintf("%d-%d %s %s %s", s.Span.Start, s.Span.End, s.Span.Label, s.Span.Text, s.Source))
	}
	return out
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		name  string
		lists []annotate.TermList
		rules []annotate.RegexRule
		text  string
		want  []string
	}{
		{"longest match wins", []annotate.TermList{{Label: "Hospital", Terms: []string{"协和医院", "北京协和医院"}}}, nil,
			"在北京协和医院复查", []string{"1-7 Hospital 北京协和医院 gazetteer"}},
		{"longest of terms sharing a prefix", []annotate.TermList{{Label: "Drug", Terms: []string{"二甲", "二甲双胍", "二甲双"}}}, nil,
			"服用二甲双胍片", []string{"2-6 Drug 二甲双胍 gazetteer"}},
		{"non-overlapping within a label", []annotate.TermList{{Label: "X", Terms: []string{"aa"}}}, nil,
			"aaaaa", []string{"0-2 X aa gazetteer", "2-4 X aa gazetteer"}},
		{"overlapping across labels", []annotate.TermList{
			{Label: "Vaccine", Terms: []string{"新冠疫苗"}}, {Label: "Disease", Terms: []string{"新冠"}}}, nil,
			"打了新冠疫苗", []string{"2-6 Vaccine 新冠疫苗 gazetteer", "2-4 Disease 新冠 gazetteer"}},
		{"case-insensitive Latin, text as written", []annotate.TermList{{Label: "Drug", Terms: []string{"insulin"}}}, nil,
			"Insulin, then INSULIN.", []string{"0-7 Drug Insulin gazetteer", "14-21 Drug INSULIN gazetteer"}},
		{"full-width forms match", []annotate.TermList{{Label: "Patient", Terms: []string{"P0001"}}}, nil,
			"病人Ｐ０００１到", []string{"2-7 Patient Ｐ０００１ gazetteer"}},
		{"a key running into a date", clinicLists(), clinicRules(),
			"随访记录：P03782026年10月12日在社区卫生服务中心复查",
			[]string{"5-10 Patient P0378 gazetteer", "10-21 Date 2026年10月12日 regex", "22-30 Hospital 社区卫生服务中心 gazetteer"}},
		{"offsets after emoji and a ZWJ sequence", clinicLists(), nil,
			"😷👨\u200d⚕️ P0001 口渴🥤多尿", []string{"6-11 Patient P0001 gazetteer", "12-14 Symptom 口渴 gazetteer", "15-17 Symptom 多尿 gazetteer"}},
		{"regex group", nil, []annotate.RegexRule{{Label: "Patient", Pattern: `patient (P\d{4})`, Group: 1}},
			"Follow-up: patient P0298 reported", []string{"19-24 Patient P0298 regex"}},
		{"regex after emoji", nil, []annotate.RegexRule{{Label: "Date", Pattern: `\d{4}年`}},
			"😀😀2026年", []string{"2-7 Date 2026年 regex"}},
		{"same span from both sources once", []annotate.TermList{{Label: "Patient", Terms: []string{"P0001"}}},
			[]annotate.RegexRule{{Label: "Patient", Pattern: `P\d{4}`}},
			"P0001 P0002", []string{"0-5 Patient P0001 gazetteer", "6-11 Patient P0002 regex"}},
		{"no rules, nothing suggested", nil, nil, "P0001", nil},
		{"empty text", clinicLists(), clinicRules(), "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustPreannotator(t, tt.lists, tt.rules).Suggest(tt.text)
			if b := brief(got); !reflect.DeepEqual(b, tt.want) {
				t.Errorf("Suggest(%q) =\n  %q\nwant\n  %q", tt.text, b, tt.want)
			}
			for i, s := range got {
				if want := fmt.Sprintf("p%d", i+1); s.Span.ID != want {
					t.Errorf("suggestion %d id = %q, want %q", i, s.Span.ID, want)
				}
				if txt, ok := annotate.Slice(tt.text, s.Span.Start, s.Span.End); !ok || txt != s.Span.Text {
					t.Errorf("suggestion %d text %q is not the text's %q", i, s.Span.Text, txt)
				}
			}
		})
	}
}

func TestSuggest_Rule(t *testing.T) {
	p := mustPreannotator(t, []annotate.TermList{{Label: "Drug", Terms: []string{"Insulin"}}},
		[]annotate.RegexRule{{Label: "Date", Pattern: `\d{4}`}, {Name: "key", Label: "Patient", Pattern: `P\d{4}`}})
	got := p.Suggest("P0001 insulin 2026")
	want := []model.Suggestion{
		{Span: model.Span{ID: "p1", Start: 0, End: 5, Label: "Patient", Text: "P0001"}, Source: annotate.SourceRegex, Rule: "key"},
		{Span: model.Span{ID: "p2", Start: 1, End: 5, Label: "Date", Text: "0001"}, Source: annotate.SourceRegex, Rule: `\d{4}`},
		{Span: model.Span{ID: "p3", Start: 6, End: 13, Label: "Drug", Text: "insulin"}, Source: annotate.SourceGazetteer, Rule: "Insulin"},
		{Span: model.Span{ID: "p4", Start: 14, End: 18, Label: "Date", Text: "2026"}, Source: annotate.SourceRegex, Rule: `\d{4}`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Suggest =\n  %+v\nwant\n  %+v", got, want)
	}
}

func TestSuggest_ClinicPosts(t *testing.T) {
	p := mustPreannotator(t, clinicLists(), clinicRules())
	key := regexp.MustCompile(`P\d{4}`)
	t.Run("every post's key is a Patient suggestion", func(t *testing.T) {
		for _, d := range comments(t) {
			want := key.FindString(d.Text)
			found := false
			for _, s := range p.Suggest(d.Text) {
				if s.Span.Label == "Patient" && s.Span.Text == want {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: no Patient suggestion %s in %q", d.ID, want, d.Text)
			}
		}
	})
	t.Run("gold spans are suggested", func(t *testing.T) {
		for _, d := range goldDocs(t) {
			got := map[string]bool{}
			for _, s := range p.Suggest(d.Text) {
				got[fmt.Sprintf("%d-%d %s", s.Span.Start, s.Span.End, s.Span.Label)] = true
			}
			for _, s := range d.Annotation.Spans {
				if s.Label == "Vaccinate" { // triggers are left to annotators
					continue
				}
				if k := fmt.Sprintf("%d-%d %s", s.Start, s.End, s.Label); !got[k] {
					t.Errorf("%s: gold span %s %q not suggested", d.ID, k, s.Text)
				}
			}
		}
	})
	t.Run("suggestions validate against the schema", func(t *testing.T) {
		for _, d := range append(comments(t), goldDocs(t)...) {
			var a model.Annotation
			for _, s := range p.Suggest(d.Text) {
				a.Spans = append(a.Spans, s.Span)
			}
			if err := annotate.ValidateAnnotation(clinicSchema(), d.Text, a); err != nil {
				t.Errorf("%s: %v", d.ID, err)
			}
		}
	})
	t.Run("deterministic", func(t *testing.T) {
		for _, d := range comments(t) {
			if a, b := p.Suggest(d.Text), p.Suggest(d.Text); !reflect.DeepEqual(a, b) {
				t.Fatalf("%s: two runs differ", d.ID)
			}
		}
	})
}

func TestSuggest_Bounded(t *testing.T) {
	text := strings.Repeat("P0001 2026年 ", 1500)
	p := mustPreannotator(t, clinicLists(), []annotate.RegexRule{{Label: "Date", Pattern: `\d{4}年`}})
	got := p.Suggest(text)
	if len(got) != annotate.MaxSuggestions {
		t.Fatalf("got %d suggestions, want %d", len(got), annotate.MaxSuggestions)
	}
	// The first 1000 in order: 500 keys and 500 dates, alternating.
	last := got[len(got)-1].Span
	if last.Label != "Date" || last.Start != 499*12+6 {
		t.Errorf("last suggestion = %+v, want the 500th date at %d", last, 499*12+6)
	}
	g, err := annotate.NewGazetteer(clinicLists()...)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(g.Find(text)); n != annotate.MaxSuggestions {
		t.Errorf("Gazetteer.Find: %d matches, want %d", n, annotate.MaxSuggestions)
	}
	if g.Len() != 768+6+5+3+11 {
		t.Errorf("Gazetteer.Len() = %d, want %d", g.Len(), 768+6+5+3+11)
	}
}

func TestNewPreannotator_Invalid(t *testing.T) {
	tests := []struct {
		name  string
		lists []annotate.TermList
		rules []annotate.RegexRule
		wants []string
	}{
		{"empty label", []annotate.TermList{{Terms: []string{"x"}}}, nil, []string{"terms[0]: label is empty"}},
		{"empty term", []annotate.TermList{{Label: "Drug", Terms: []string{"a", ""}}}, nil, []string{"terms[0] (Drug): term 1 is empty"}},
		{"bad pattern", nil, []annotate.RegexRule{{Label: "Date", Pattern: `(\d`}}, []string{"rules[0]: bad pattern"}},
		{"empty pattern", nil, []annotate.RegexRule{{Label: "Date"}}, []string{"rules[0]: pattern is empty"}},
		{"pattern matching nothing", nil, []annotate.RegexRule{{Name: "digits", Label: "Date", Pattern: `\d*`}},
			[]string{`rules[0] (digits): pattern "\\d*" matches the empty string`}},
		{"rule without label", nil, []annotate.RegexRule{{Pattern: `\d+`}}, []string{"rules[0]: label is empty"}},
		{"group out of range", nil, []annotate.RegexRule{{Label: "X", Pattern: `a(b)`, Group: 2}},
			[]string{"rules[0]: group 2 is not a submatch"}},
		{"every problem", []annotate.TermList{{Terms: []string{"x"}}},
			[]annotate.RegexRule{{Label: "Date", Pattern: `(`}, {Label: "X", Pattern: `a`, Group: 1}},
			[]string{"terms[0]: label is empty", "rules[0]: bad pattern", "rules[1]: group 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := annotate.NewPreannotator(tt.lists, tt.rules)
			wantInvalid(t, err, tt.wants...)
		})
	}
}

func BenchmarkSuggest(b *testing.B) {
	p := mustPreannotator(b, clinicLists(), clinicRules())
	docs := comments(b)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		p.Suggest(docs[n%len(docs)].Text)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "docs/s")
}

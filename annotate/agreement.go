package annotate

import (
	"sort"

	"github.com/mms-platform/mms/model"
)

// chanceEps is how close to 1 chance agreement must be to count as 1 (rounding).
const chanceEps = 1e-12

// kappa returns (observed - chance) / (1 - chance), with the degenerate case of a
// chance agreement of 1 defined as 1 when observed agreement is also 1 (everyone
// always used the same single category: perfect agreement) and 0 otherwise.
func kappa(observed, chance float64) float64 {
	if 1-chance < chanceEps {
		if 1-observed < chanceEps {
			return 1
		}
		return 0
	}
	return (observed - chance) / (1 - chance)
}

// CohenKappa returns Cohen's kappa for two annotators who each gave one label to the
// same items: a[i] and b[i] are their labels of item i. Labels are compared as exact
// strings; "" is a category like any other (callers decide what "no label" means, and
// join a multi-label item's sorted classes into one string if they want them
// compared as a set).
//
// kappa = (po - pe) / (1 - pe), where po is the share of items with equal labels and
// pe = sum over categories of pa(c)*pb(c), each annotator's share of items labelled c.
// When pe is 1 (both used one and the same category for every item) the formula is
// 0/0; CohenKappa then returns 1, since the annotators agree on every item.
//
// It returns model.EINVALID when the lists are empty or of different lengths.
func CohenKappa(a, b []string) (float64, error) {
	if len(a) != len(b) {
		return 0, model.Errorf(model.EINVALID, "cohen's kappa needs the same items from both annotators, got %d and %d labels", len(a), len(b))
	}
	if len(a) == 0 {
		return 0, model.Errorf(model.EINVALID, "cohen's kappa needs at least one item")
	}
	agree := 0
	ca := make(map[string]int)
	cb := make(map[string]int)
	for i := range a {
		if a[i] == b[i] {
			agree++
		}
		ca[a[i]]++
		cb[b[i]]++
	}
	n := float64(len(a))
	// Sum in sorted category order so the result does not depend on map order.
	cats := make([]string, 0, len(ca))
	for c := range ca {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	pe := 0.0
	for _, c := range cats {
		pe += float64(ca[c]) / n * float64(cb[c]) / n
	}
	return kappa(float64(agree)/n, pe), nil
}

// FleissKappa returns Fleiss' kappa for items each labelled by several raters:
// ratings[i] holds the labels item i received (one per rater; which rater gave which
// label does not matter, and raters may differ from item to item).
//
// categories lists the allowed labels; a rating outside it is model.EINVALID. With
// nil categories, the set of labels seen is used. Items with fewer than two ratings
// carry no agreement information and are skipped; if no item has two, or a category
// list repeats a name, the error is model.EINVALID.
//
// Items may have different numbers of raters. Fleiss (1971) assumes a constant n; this
// function uses the usual generalization that keeps every item rather than only those
// with the most common n: each item's agreement is computed with its own n_i,
//
//	P_i = sum_j n_ij (n_ij - 1) / (n_i (n_i - 1)),   P = mean of P_i over items,
//	p_j = sum_i n_ij / sum_i n_i,                     Pe = sum_j p_j^2,
//	kappa = (P - Pe) / (1 - Pe),
//
// which is exactly Fleiss' formula when every item has the same n (so the 1971 /
// Wikipedia example gives 0.210). When Pe is 1 (every rating is the same category)
// the result is 1, as all raters agree on every item.
func FleissKappa(ratings [][]string, categories []string) (float64, error) {
	index := make(map[string]int, len(categories))
	for _, c := range categories {
		if _, dup := index[c]; dup {
			return 0, model.Errorf(model.EINVALID, "fleiss' kappa: category %q repeats", c)
		}
		index[c] = len(index)
	}
	fixed := categories != nil
	var totals []float64 // per category, over used items
	items, allRatings := 0, 0
	sumP := 0.0
	counts := make(map[int]int)
	for i, item := range ratings {
		if len(item) < 2 {
			continue
		}
		clear(counts)
		for _, l := range item {
			j, ok := index[l]
			if !ok {
				if fixed {
					return 0, model.Errorf(model.EINVALID, "fleiss' kappa: item %d: %q is not a category", i, l)
				}
				j = len(index)
				index[l] = j
			}
			counts[j]++
		}
		for len(totals) < len(index) {
			totals = append(totals, 0)
		}
		n := len(item)
		agree := 0
		for j, c := range counts {
			agree += c * (c - 1)
			totals[j] += float64(c)
		}
		sumP += float64(agree) / float64(n*(n-1))
		items++
		allRatings += n
	}
	if items == 0 {
		return 0, model.Errorf(model.EINVALID, "fleiss' kappa needs at least one item with two or more ratings")
	}
	pe := 0.0
	for _, t := range totals { // category order: first appearance, deterministic
		p := t / float64(allRatings)
		pe += p * p
	}
	return kappa(sumP/float64(items), pe), nil
}

// SpanF1 compares span list b with reference list a by exact match of (Start, End,
// Label); ids and texts are ignored. Lists are multisets: a span listed twice must be
// matched twice. Precision is TP/len(b), recall TP/len(a), F1 their harmonic mean.
// perLabel has an entry for every label found in a or b; micro pools the counts over
// labels.
//
// Conventions for empty lists: a precision or recall of 0/0 is 1 (nothing claimed,
// nothing wrong; nothing to find, nothing missed), and F1 is 0 when precision and
// recall are both 0. So two empty lists score 1, and an empty list against a
// non-empty one scores F1 0. F1 is symmetric in a and b; precision and recall swap.
func SpanF1(a, b []model.Span) (perLabel map[string]PRF, micro PRF) {
	type key struct {
		start, end int
		label      string
	}
	ref := make(map[key]int, len(a))
	perLabel = make(map[string]PRF)
	for _, s := range a {
		ref[key{s.Start, s.End, s.Label}]++
		p := perLabel[s.Label]
		p.FN++ // until matched
		perLabel[s.Label] = p
	}
	for _, s := range b {
		k := key{s.Start, s.End, s.Label}
		p := perLabel[s.Label]
		if ref[k] > 0 {
			ref[k]--
			p.TP++
			p.FN--
		} else {
			p.FP++
		}
		perLabel[s.Label] = p
	}
	for l, p := range perLabel {
		micro.TP += p.TP
		micro.FP += p.FP
		micro.FN += p.FN
		perLabel[l] = p.finish()
	}
	return perLabel, micro.finish()
}

// finish fills precision, recall and F1 from the counts.
func (p PRF) finish() PRF {
	p.Precision, p.Recall = 1, 1
	if p.TP+p.FP > 0 {
		p.Precision = float64(p.TP) / float64(p.TP+p.FP)
	}
	if p.TP+p.FN > 0 {
		p.Recall = float64(p.TP) / float64(p.TP+p.FN)
	}
	p.F1 = 0
	if p.Precision+p.Recall > 0 {
		p.F1 = 2 * p.Precision * p.Recall / (p.Precision + p.Recall)
	}
	return p
}

// CorpusSpanF1ByLabel is the span F1 of each label over many documents, with
// docs as for CorpusPairwiseSpanF1: the TP, FP and FN counts of the label (see
// SpanF1) are pooled over every unordered pair of annotators of every
// document, and F1 = 2 TP / (2 TP + FP + FN). A label appears when some pair
// has a span with it.
func CorpusSpanF1ByLabel(docs []map[string][]model.Span) map[string]float64 {
	type pooled struct{ agree, all int }
	sums := map[string]pooled{}
	for _, doc := range docs {
		eachAnnotatorPair(doc, func(a, b string) {
			perLabel, _ := SpanF1(doc[a], doc[b])
			for l, p := range perLabel {
				s := sums[l]
				sums[l] = pooled{s.agree + 2*p.TP, s.all + 2*p.TP + p.FP + p.FN}
			}
		})
	}
	out := make(map[string]float64, len(sums))
	for l, s := range sums {
		if s.all > 0 {
			out[l] = float64(s.agree) / float64(s.all)
		}
	}
	return out
}

// eachAnnotatorPair calls f for every unordered pair of annotators of one
// document, a < b, in sorted order.
func eachAnnotatorPair(doc map[string][]model.Span, f func(a, b string)) {
	names := make([]string, 0, len(doc))
	for n := range doc {
		names = append(names, n)
	}
	sort.Strings(names)
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			f(names[i], names[j])
		}
	}
}

// CorpusPairwiseSpanF1 returns the mean, over every unordered pair of annotators,
// of the micro F1 (see SpanF1) between their spans. docs[d] maps annotator ids to
// their spans of document d; an annotator who marked nothing in a document must
// still be present (with an empty list) to count. For each pair of annotators, the
// TP, FP and FN counts are pooled over the documents both annotated and give one
// micro F1; the result is the mean over the pairs that share at least one document. Pairs are
// visited in sorted order, so the result is deterministic. With no pair sharing a
// document the error is model.EINVALID.
func CorpusPairwiseSpanF1(docs []map[string][]model.Span) (float64, error) {
	type pair struct{ a, b string }
	pooled := make(map[pair]PRF)
	for _, doc := range docs {
		eachAnnotatorPair(doc, func(a, b string) {
			_, m := SpanF1(doc[a], doc[b])
			k := pair{a, b}
			p := pooled[k]
			p.TP += m.TP
			p.FP += m.FP
			p.FN += m.FN
			pooled[k] = p
		})
	}
	if len(pooled) == 0 {
		return 0, model.Errorf(model.EINVALID, "span F1 needs at least two annotators of the same document")
	}
	keys := make([]pair, 0, len(pooled))
	for k := range pooled {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].a != keys[j].a {
			return keys[i].a < keys[j].a
		}
		return keys[i].b < keys[j].b
	})
	sum := 0.0
	for _, k := range keys {
		sum += pooled[k].finish().F1
	}
	return sum / float64(len(keys)), nil
}

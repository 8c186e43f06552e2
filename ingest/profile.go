package ingest

import (
	"cmp"
	"encoding/json"
	"hash/fnv"
	"hash/maphash"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Profile defaults.
const (
	DefaultDistinctCap = 10000
	DefaultSampleSize  = 10000
	DefaultSeed        = 1
	TopValues          = 10
	HistogramBins      = 10
	// longString is the length above which a string is counted by hash only (it
	// still counts as distinct, but never shows in top values).
	longString = 256
)

// ProfileOptions configure a Profile. Zero values take the defaults.
type ProfileOptions struct {
	// Fields gives the report order; fields not listed follow, sorted by name.
	Fields []string
	// Unique lists fields whose duplicate values are counted exactly (a 64-bit hash
	// per distinct value: about 40 bytes each), for DataChecks.Unique.
	Unique []string
	// DistinctCap bounds the distinct values counted exactly per field.
	DistinctCap int
	// SampleSize bounds the reservoir of numeric values kept per field for the
	// median and the histogram.
	SampleSize int
	// Seed seeds the reservoir sampling, so a profile is reproducible.
	Seed uint64
}

// Profile is a streaming quality profile of accepted documents (and a count of
// rejects). Memory per field is bounded: DistinctCap values with their counts and a
// SampleSize reservoir, plus the exact hashes of Unique fields.
type Profile struct {
	opts     ProfileOptions
	rows     int64
	rejected int64
	fields   map[string]*Stats
	known    []string // opts.Fields, looked up directly (no map iteration)
	knownIdx map[string]bool
	stats    []*Stats // stats of known[i]
	unique   map[string]bool
	byField  map[string]int64
	seed     maphash.Seed
}

// NewProfile returns an empty profile.
func NewProfile(opts ProfileOptions) *Profile {
	if opts.DistinctCap <= 0 {
		opts.DistinctCap = DefaultDistinctCap
	}
	if opts.SampleSize <= 0 {
		opts.SampleSize = DefaultSampleSize
	}
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	p := &Profile{opts: opts, fields: map[string]*Stats{}, unique: map[string]bool{}, byField: map[string]int64{}, seed: maphash.MakeSeed()}
	for _, f := range opts.Unique {
		p.unique[f] = true
	}
	p.knownIdx = map[string]bool{}
	for _, f := range opts.Fields {
		if !p.knownIdx[f] {
			p.knownIdx[f] = true
			p.known = append(p.known, f)
		}
	}
	p.stats = make([]*Stats, len(p.known))
	return p
}

// NewProfile returns a profile for this pipeline's documents: schema fields first
// in the report, and the spec's Checks.Unique fields tracked exactly.
func (p *Pipeline) NewProfile() *Profile {
	var names []string
	for _, c := range p.checks {
		names = append(names, c.name)
	}
	return NewProfile(ProfileOptions{Fields: names, Unique: p.spec.Checks.Unique})
}

// Add profiles one accepted document.
func (p *Profile) Add(doc Doc) {
	p.rows++
	seen := 0
	for i, name := range p.known {
		v, ok := doc.Fields[name]
		if !ok {
			continue
		}
		seen++
		if v == nil {
			continue
		}
		s := p.stats[i]
		if s == nil {
			s = p.newStats(name)
			p.stats[i] = s
			p.fields[name] = s
		}
		s.Add(v)
	}
	if seen == len(doc.Fields) {
		return
	}
	for name, v := range doc.Fields {
		if v == nil || p.knownIdx[name] {
			continue
		}
		s := p.fields[name]
		if s == nil {
			s = p.newStats(name)
			p.fields[name] = s
		}
		s.Add(v)
	}
}

func (p *Profile) newStats(name string) *Stats {
	h := fnv.New64a()
	h.Write([]byte(name))
	s := NewStats(p.opts.SampleSize, p.opts.DistinctCap, p.opts.Seed^h.Sum64())
	if p.unique[name] {
		s.uniq = map[uint64]struct{}{}
		s.seed = p.seed
	}
	return s
}

// AddReject counts one rejected record; reasons are counted by the field they name
// (the text before ": "), or "(record)" for problems of the record as a whole.
func (p *Profile) AddReject(reasons []string) {
	p.rejected++
	for _, r := range reasons {
		f, _, ok := strings.Cut(r, ": ")
		if !ok || strings.ContainsAny(f, " \t") {
			f = "(record)"
		}
		p.byField[f]++
	}
}

// Rows returns the number of accepted documents profiled.
func (p *Profile) Rows() int64 { return p.rows }

// Rejected returns the number of rejects counted.
func (p *Profile) Rejected() int64 { return p.rejected }

// Stats returns the accumulator of a field, nil if no document had a value for it.
func (p *Profile) Stats(field string) *Stats { return p.fields[field] }

// ProfileReport is the JSON-friendly (and BSON-friendly: no NaN) quality report.
type ProfileReport struct {
	Rows           int64         `json:"rows"`
	Rejected       int64         `json:"rejected"`
	RejectsByField []FieldCount  `json:"rejectsByField,omitempty"`
	Fields         []FieldReport `json:"fields"`
}

// FieldCount is a count of rejects naming one field.
type FieldCount struct {
	Field string `json:"field"`
	Count int64  `json:"count"`
}

// FieldReport is the profile of one field over the accepted documents.
//
// Count is the number of non-null values; Nulls = rows - Count (null or absent).
// Distinct is exact while DistinctExact, otherwise a lower bound (DistinctCap was
// reached; values first seen after that are not counted, so Top is then
// approximate too). Min, Max, Mean and Std (sample, n-1) are exact over numeric
// values (Welford). Median and Histogram come from a seeded reservoir sample of
// SampleSize values: exact while Count <= SampleSize, estimates otherwise
// (Sampled is then true and bin counts are scaled to Count). Histogram has
// HistogramBins equal-width bins from Min to Max (the last one closed).
type FieldReport struct {
	Name          string       `json:"name"`
	Type          string       `json:"type"`
	Count         int64        `json:"count"`
	Nulls         int64        `json:"nulls"`
	NullRatio     float64      `json:"nullRatio"`
	Distinct      int64        `json:"distinct"`
	DistinctExact bool         `json:"distinctExact"`
	Duplicates    *int64       `json:"duplicates,omitempty"`
	Min           *float64     `json:"min,omitempty"`
	Max           *float64     `json:"max,omitempty"`
	Mean          *float64     `json:"mean,omitempty"`
	Std           *float64     `json:"std,omitempty"`
	Median        *float64     `json:"median,omitempty"`
	MinDate       *time.Time   `json:"minDate,omitempty"`
	MaxDate       *time.Time   `json:"maxDate,omitempty"`
	Top           []ValueCount `json:"top,omitempty"`
	Histogram     []Bin        `json:"histogram,omitempty"`
	Sampled       bool         `json:"sampled,omitempty"`
}

// ValueCount is a value and how many documents hold it.
type ValueCount struct {
	Value any   `json:"value"`
	Count int64 `json:"count"`
}

// Bin is a histogram bin [Lo, Hi).
type Bin struct {
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Count int64   `json:"count"`
}

// Report summarizes the profile.
func (p *Profile) Report() ProfileReport {
	rep := ProfileReport{Rows: p.rows, Rejected: p.rejected, Fields: []FieldReport{}}
	for _, f := range sortedKeys(p.byField) {
		rep.RejectsByField = append(rep.RejectsByField, FieldCount{Field: f, Count: p.byField[f]})
	}
	var names []string
	listed := map[string]bool{}
	for _, f := range p.opts.Fields {
		if !listed[f] {
			listed[f] = true
			names = append(names, f)
		}
	}
	for _, f := range sortedKeys(p.fields) {
		if !listed[f] {
			names = append(names, f)
		}
	}
	for _, name := range names {
		fr := FieldReport{Name: name, Type: "null", Nulls: p.rows, DistinctExact: true}
		if s := p.fields[name]; s != nil {
			fr = s.report(name, p.rows)
		}
		if p.rows > 0 {
			fr.NullRatio = float64(fr.Nulls) / float64(p.rows)
		}
		rep.Fields = append(rep.Fields, fr)
	}
	return rep
}

// Value kinds a Stats tells apart.
const (
	kindInt = iota
	kindFloat
	kindString
	kindBool
	kindDate
	kindJSON
	nKinds
)

var kindNames = [nKinds]string{"int", "float", "string", "bool", "date", "json"}

// Stats accumulates the values of one field in one pass with bounded memory: count,
// Welford mean and variance, min and max, exact distinct counts up to a cap, a
// seeded reservoir sample of numbers (Algorithm R), and optionally an exact
// duplicate count. Values are the typed values Apply produces (int64, float64,
// string, bool, time.Time, JSON maps and arrays); other numeric types and
// json.Number count as numbers.
type Stats struct {
	count int64
	kinds [nKinds]int64

	n         int64 // numeric values
	mean, m2  float64
	min, max  float64
	sample    []float64
	sampleCap int
	rng       *rand.Rand

	minT, maxT time.Time

	distinctCap int
	capped      bool
	nums        map[float64]int64
	strs        map[string]int64
	long        map[uint64]int64
	bools       [2]int64
	dates       map[int64]int64

	uniq map[uint64]struct{}
	dups int64
	seed maphash.Seed
}

// NewStats returns an empty accumulator keeping up to sampleSize numbers and
// counting up to distinctCap distinct values exactly.
func NewStats(sampleSize, distinctCap int, seed uint64) *Stats {
	if sampleSize <= 0 {
		sampleSize = DefaultSampleSize
	}
	if distinctCap <= 0 {
		distinctCap = DefaultDistinctCap
	}
	return &Stats{
		sampleCap:   sampleSize,
		distinctCap: distinctCap,
		rng:         rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)),
		seed:        maphash.MakeSeed(),
	}
}

// TrackDuplicates makes the accumulator count duplicate values exactly (a 64-bit
// hash per distinct value), for Duplicates. Call it before the first Add.
func (s *Stats) TrackDuplicates() {
	if s.uniq == nil {
		s.uniq = map[uint64]struct{}{}
	}
}

func (s *Stats) distinct() int {
	n := len(s.nums) + len(s.strs) + len(s.long) + len(s.dates)
	for _, b := range s.bools {
		if b > 0 {
			n++
		}
	}
	return n
}

// Add accumulates one value; nil is ignored.
func (s *Stats) Add(v any) {
	switch x := v.(type) {
	case nil:
		return
	case int64:
		s.addNum(float64(x), kindInt)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			s.count++
			s.kinds[kindFloat]++
			return
		}
		s.addNum(x, kindFloat)
	case string:
		s.count++
		s.kinds[kindString]++
		if len(x) > longString {
			h := maphash.String(s.seed, x)
			if _, ok := s.long[h]; ok || s.room() {
				if s.long == nil {
					s.long = map[uint64]int64{}
				}
				s.long[h]++
			}
		} else if _, ok := s.strs[x]; ok {
			s.strs[x]++
		} else if s.room() {
			if s.strs == nil {
				s.strs = map[string]int64{}
			}
			s.strs[strings.Clone(x)] = 1
		}
		if s.uniq != nil {
			s.track(kindString, x)
		}
	case bool:
		s.count++
		s.kinds[kindBool]++
		i := 0
		if x {
			i = 1
		}
		s.bools[i]++
		if s.uniq != nil {
			s.track(kindBool, strconv.Itoa(i))
		}
	case time.Time:
		s.count++
		s.kinds[kindDate]++
		if s.kinds[kindDate] == 1 || x.Before(s.minT) {
			s.minT = x
		}
		if s.kinds[kindDate] == 1 || x.After(s.maxT) {
			s.maxT = x
		}
		k := x.UnixNano()
		if _, ok := s.dates[k]; ok || s.room() {
			if s.dates == nil {
				s.dates = map[int64]int64{}
			}
			s.dates[k]++
		}
		if s.uniq != nil {
			s.track(kindDate, x.UTC().Format(time.RFC3339Nano))
		}
	case map[string]any, []any:
		s.count++
		s.kinds[kindJSON]++
		if s.uniq != nil {
			b, _ := json.Marshal(x)
			s.track(kindJSON, string(b))
		}
	default:
		if f, ok := number(v); ok {
			if f == math.Trunc(f) {
				s.addNum(f, kindInt)
			} else {
				s.addNum(f, kindFloat)
			}
			return
		}
		s.count++
		s.kinds[kindString]++
	}
}

func (s *Stats) room() bool {
	if s.capped {
		return false
	}
	if s.distinct() >= s.distinctCap {
		s.capped = true
		return false
	}
	return true
}

func (s *Stats) addNum(x float64, kind int) {
	s.count++
	s.kinds[kind]++
	s.n++
	if s.n == 1 {
		s.min, s.max = x, x
	} else if x < s.min {
		s.min = x
	} else if x > s.max {
		s.max = x
	}
	d := x - s.mean
	s.mean += d / float64(s.n)
	s.m2 += d * (x - s.mean)

	if len(s.sample) < s.sampleCap {
		s.sample = append(s.sample, x)
	} else if j := s.rng.Int64N(s.n); j < int64(s.sampleCap) {
		s.sample[j] = x
	}

	if !s.capped {
		// One map operation in the common case; undo an insert past the cap.
		if s.nums == nil {
			s.nums = map[float64]int64{}
		}
		s.nums[x]++
		if s.distinct() > s.distinctCap {
			delete(s.nums, x)
			s.capped = true
		}
	} else if c, ok := s.nums[x]; ok {
		s.nums[x] = c + 1
	}
	if s.uniq != nil {
		h := maphash.Comparable(s.seed, x)
		s.trackHash(h)
	}
}

func (s *Stats) track(kind int, canon string) {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.WriteByte(byte(kind))
	h.WriteString(canon)
	s.trackHash(h.Sum64())
}

func (s *Stats) trackHash(h uint64) {
	if _, dup := s.uniq[h]; dup {
		s.dups++
		return
	}
	s.uniq[h] = struct{}{}
}

// Count returns the number of non-null values.
func (s *Stats) Count() int64 { return s.count }

// Mean returns the mean of the numeric values; false when there are none.
func (s *Stats) Mean() (float64, bool) {
	if s.n == 0 {
		return 0, false
	}
	return s.mean, true
}

// Std returns the sample standard deviation (n-1) of the numeric values; false with
// fewer than two.
func (s *Stats) Std() (float64, bool) {
	if s.n < 2 {
		return 0, false
	}
	return math.Sqrt(s.m2 / float64(s.n-1)), true
}

// Min returns the smallest numeric value; false when there are none.
func (s *Stats) Min() (float64, bool) { return s.min, s.n > 0 }

// Max returns the largest numeric value; false when there are none.
func (s *Stats) Max() (float64, bool) { return s.max, s.n > 0 }

// Median returns the median of the numeric values (the mean of the two middle ones
// for an even count): exact while Count <= the sample size, an estimate from the
// uniform reservoir sample beyond. False when there are none.
func (s *Stats) Median() (float64, bool) {
	if len(s.sample) == 0 {
		return 0, false
	}
	x := slices.Clone(s.sample)
	slices.Sort(x)
	return medianSorted(x), true
}

func medianSorted(x []float64) float64 {
	m := len(x) / 2
	if len(x)%2 == 1 {
		return x[m]
	}
	return (x[m-1] + x[m]) / 2
}

// Distinct returns the number of distinct values and whether it is exact (false:
// the cap was reached and the number is a lower bound).
func (s *Stats) Distinct() (int64, bool) { return int64(s.distinct()), !s.capped }

// Duplicates returns how many values repeated an earlier one, and false when the
// accumulator does not track duplicates exactly.
func (s *Stats) Duplicates() (int64, bool) {
	if s.uniq == nil {
		if !s.capped {
			return s.count - int64(s.distinct()), s.kinds[kindJSON] == 0
		}
		return 0, false
	}
	return s.dups, true
}

// Mode returns the most frequent value (ties: the smallest), typed float64 for
// numbers, string, bool or time.Time; false when there is none.
func (s *Stats) Mode() (any, bool) {
	top := s.top(1)
	if len(top) == 0 {
		return nil, false
	}
	return top[0].Value, true
}

// top returns the k most frequent counted values, by count then value.
func (s *Stats) top(k int) []ValueCount {
	type entry struct {
		vc   ValueCount
		kind int
		num  float64
		str  string
	}
	var all []entry
	for v, c := range s.nums {
		all = append(all, entry{vc: ValueCount{v, c}, kind: 0, num: v})
	}
	for v, c := range s.strs {
		all = append(all, entry{vc: ValueCount{v, c}, kind: 1, str: v})
	}
	for i, c := range s.bools {
		if c > 0 {
			all = append(all, entry{vc: ValueCount{i == 1, c}, kind: 2, num: float64(i)})
		}
	}
	for v, c := range s.dates {
		all = append(all, entry{vc: ValueCount{time.Unix(0, v).UTC(), c}, kind: 3, num: float64(v)})
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.vc.Count != b.vc.Count {
			return a.vc.Count > b.vc.Count
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.kind == 1 {
			return a.str < b.str
		}
		return a.num < b.num
	})
	if len(all) > k {
		all = all[:k]
	}
	out := make([]ValueCount, len(all))
	for i, e := range all {
		out[i] = e.vc
	}
	return out
}

func (s *Stats) report(name string, rows int64) FieldReport {
	fr := FieldReport{Name: name, Count: s.count, Nulls: max(rows-s.count, 0)}
	kinds := 0
	for k, c := range s.kinds {
		if c > 0 {
			kinds++
			fr.Type = kindNames[k]
		}
	}
	if s.kinds[kindInt] > 0 && s.kinds[kindFloat] > 0 && kinds == 2 {
		fr.Type = "float"
	} else if kinds > 1 {
		fr.Type = "mixed"
	}
	d, exact := s.Distinct()
	fr.Distinct, fr.DistinctExact = d, exact
	if s.uniq != nil {
		dups := s.dups
		fr.Duplicates = &dups
	}
	if s.n > 0 {
		fr.Min, fr.Max = ptr(s.min), ptr(s.max)
		fr.Mean = ptr(s.mean)
		if sd, ok := s.Std(); ok {
			fr.Std = ptr(sd)
		}
		x := slices.Clone(s.sample)
		slices.Sort(x)
		fr.Median = ptr(medianSorted(x))
		fr.Sampled = s.n > int64(len(s.sample))
		fr.Histogram = histogram(x, s.min, s.max, s.n)
	}
	if s.kinds[kindDate] > 0 {
		minT, maxT := s.minT.UTC(), s.maxT.UTC()
		fr.MinDate, fr.MaxDate = &minT, &maxT
	}
	if s.kinds[kindJSON] < s.count {
		fr.Top = s.top(TopValues)
	}
	return fr
}

// histogram bins the sorted sample into HistogramBins equal-width bins over
// [lo, hi], scaling counts to n when the sample is smaller than n (largest
// remainders, so the counts sum to n).
func histogram(sorted []float64, lo, hi float64, n int64) []Bin {
	if len(sorted) == 0 {
		return nil
	}
	nb := HistogramBins
	if lo == hi {
		return []Bin{{Lo: lo, Hi: hi, Count: n}}
	}
	w := (hi - lo) / float64(nb)
	raw := make([]int64, nb)
	for _, x := range sorted {
		i := int((x - lo) / w)
		i = min(max(i, 0), nb-1)
		raw[i]++
	}
	bins := make([]Bin, nb)
	for i := range bins {
		bins[i] = Bin{Lo: lo + float64(i)*w, Hi: lo + float64(i+1)*w, Count: raw[i]}
	}
	bins[nb-1].Hi = hi
	if m := int64(len(sorted)); m < n {
		scale := float64(n) / float64(m)
		type rem struct {
			i int
			r float64
		}
		var rems []rem
		var total int64
		for i := range bins {
			f := float64(raw[i]) * scale
			bins[i].Count = int64(math.Floor(f))
			total += bins[i].Count
			rems = append(rems, rem{i, f - math.Floor(f)})
		}
		slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.r, a.r) })
		for k := 0; total < n && k < len(rems); k++ {
			bins[rems[k].i].Count++
			total++
		}
	}
	return bins
}

func ptr[T any](v T) *T { return &v }

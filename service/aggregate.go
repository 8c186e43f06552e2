package service

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/snapshot"
)

const (
	maxGroupBy       = 4
	maxMetrics       = 16
	defaultAggGroups = 1000
	maxAggGroups     = 10000
	// maxAggBuckets bounds the groups held while aggregating.
	maxAggBuckets = 1_000_000
)

// snapshotView is what a caller reads of one dataset version's snapshot: the
// version, and when the caller's view or filters limit the rows, the keys of
// the rows it sees.
type snapshotView struct {
	d    *model.Dataset
	sc   *scope
	dv   *model.DatasetVersion
	keys map[string]struct{} // nil: every row
}

// viewSnapshot resolves the version a caller reads (default: current) with a
// ready snapshot, and the rows it may see. Row conditions (a share's row
// filter and the caller's where) are evaluated by the store, the one
// semantics of filters on every path; the documents hold the current version
// only, so filtered reads are of the current version, checked unchanged
// (version and no ingestion writing) around the key scan.
func (s *Service) viewSnapshot(ctx context.Context, d *model.Dataset, sc *scope, version *int, where []model.FieldFilter) (*snapshotView, error) {
	if s.Snapshots == nil {
		return nil, model.Errorf(model.EUNAVAILABLE, "snapshots are not configured on this server")
	}
	v := d.Version
	if version != nil {
		v = *version
	}
	if v < 1 || v > d.Version {
		return nil, model.Errorf(model.EINVALID, "version must be between 1 and the dataset's current version %d, got %d", d.Version, v)
	}
	conds := slices.Concat(sc.rows, where)
	if len(conds) > 0 && v != d.Version {
		what := "filters (where)"
		if len(sc.rows) > 0 {
			what = "your share's row filter"
		}
		return nil, model.Errorf(model.EINVALID, "%s can only be applied to the current version %d of dataset %q, not version %d: ask for the current version", what, d.Version, d.ID, v)
	}
	var dv *model.DatasetVersion
	var err error
	if version == nil {
		var cur *model.Dataset
		if cur, dv, err = s.ensureCurrentSnapshot(ctx, d); err == nil {
			d, v = cur, cur.Version
		}
	} else {
		dv, err = s.ensureSnapshot(ctx, d.ID, v)
	}
	if err != nil {
		return nil, err
	}
	view := &snapshotView{d: d, sc: sc, dv: dv}
	if len(conds) == 0 {
		return view, nil
	}
	stable := func() error {
		holder, err := s.Ingestions.DatasetLockHolder(ctx, d.ID)
		if err != nil {
			return err
		}
		cur, err := s.Datasets.Dataset(ctx, d.ID)
		if err != nil {
			return err
		}
		if (holder != "" && !strings.HasPrefix(holder, "snapshot-")) || cur.Version != v {
			return model.Errorf(model.EUNAVAILABLE, "dataset %q is being written; retry when its ingestion has finished", d.ID)
		}
		return nil
	}
	if err := stable(); err != nil {
		return nil, err
	}
	view.keys = map[string]struct{}{}
	if err := s.Snapshots.KeysWhere(ctx, d.ID, conds, func(k string) error {
		view.keys[k] = struct{}{}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := stable(); err != nil {
		return nil, err
	}
	return view, nil
}

// aggMetric is one metric being computed for one group.
type aggState struct {
	n        int
	sum      float64
	mean, m2 float64 // Welford
	min, max float64
	distinct map[string]struct{}
}

type aggGroup struct {
	key    []any  // display values
	sealed []bool // key parts that are blind indexes still to open
	ref    []snapshot.Sealed
	refKey string // a document key of the group (to open sealed parts)
	count  int
	states []aggState
}

// Aggregate groups and summarizes a dataset version within the caller's
// view (read on the dataset): hidden fields and masked sensitive fields are
// refused in where and groupBy (FORBIDDEN, audited, as documents' filters);
// a share's row filter limits the rows; on sensitive (sealed) fields COUNT and
// COUNT_DISTINCT count blind indexes and numeric metrics are refused
// (BAD_USER_INPUT). It reads the version's Parquet snapshot.
func (s *Service) Aggregate(ctx context.Context, dataset string, version *int, where []*model.FieldFilter, groupBy []string, metrics []*model.MetricInput, first *int) (*model.AggregateResult, error) {
	d, sc, err := s.readDataset(ctx, dataset)
	if err != nil {
		return nil, err
	}
	limit := defaultAggGroups
	if first != nil {
		if *first < 0 || *first > maxAggGroups {
			return nil, model.Errorf(model.EINVALID, "first must be between 0 and %d, got %d", maxAggGroups, *first)
		}
		limit = *first
	}
	if len(groupBy) > maxGroupBy {
		return nil, model.Errorf(model.EINVALID, "at most %d groupBy fields", maxGroupBy)
	}
	if len(metrics) == 0 || len(metrics) > maxMetrics {
		return nil, model.Errorf(model.EINVALID, "metrics: ask for 1 to %d metrics", maxMetrics)
	}
	filters, err := typedFilters(d, where)
	if err != nil {
		return nil, err
	}
	field := func(what, name string) (*model.FieldSpec, error) {
		f := fieldSpec(d, name)
		if f == nil || sc.hidden(name) {
			if f != nil {
				return nil, s.checkFields(ctx, d, sc, what, []string{name})
			}
			return nil, model.Errorf(model.EINVALID, "%s: dataset %q has no field %q", what, d.ID, name)
		}
		return f, nil
	}
	paths := make([]string, 0, len(where)+len(groupBy))
	for _, w := range where {
		paths = append(paths, w.Field)
	}
	seen := map[string]bool{}
	for _, g := range groupBy {
		if seen[g] {
			return nil, model.Errorf(model.EINVALID, "groupBy lists %q twice", g)
		}
		seen[g] = true
		f, err := field("groupBy", g)
		if err != nil {
			return nil, err
		}
		if f.Type == model.FieldJSON {
			return nil, model.Errorf(model.EINVALID, "groupBy %q: a json field cannot be a group key", g)
		}
		paths = append(paths, g)
	}
	if err := s.checkFields(ctx, d, sc, "filter or group", paths); err != nil {
		return nil, err
	}
	for i, m := range metrics {
		if !m.Op.IsValid() {
			return nil, model.Errorf(model.EINVALID, "metric %d: unknown op %q", i+1, m.Op)
		}
		if m.Field == nil || *m.Field == "" {
			if m.Op != model.AggregateOpCount {
				return nil, model.Errorf(model.EINVALID, "metric %d: %s needs a field", i+1, m.Op)
			}
			continue
		}
		f, err := field("metric", *m.Field)
		if err != nil {
			return nil, err
		}
		switch m.Op {
		case model.AggregateOpCount, model.AggregateOpCountDistinct:
		default:
			if f.Sensitive {
				return nil, model.Errorf(model.EINVALID, "metric %d: %s of %q: the field is sensitive (sealed); only COUNT and COUNT_DISTINCT (on its blind index) work on it", i+1, m.Op, f.Name)
			}
			switch f.Type {
			case model.FieldInt, model.FieldFloat, model.FieldBool:
			case model.FieldDate:
				if m.Op != model.AggregateOpMin && m.Op != model.AggregateOpMax {
					return nil, model.Errorf(model.EINVALID, "metric %d: %s of date field %q: dates take MIN, MAX, COUNT and COUNT_DISTINCT", i+1, m.Op, f.Name)
				}
			default:
				return nil, model.Errorf(model.EINVALID, "metric %d: %s of %q: the field is %s, not numeric (use COUNT or COUNT_DISTINCT)", i+1, m.Op, f.Name, f.Type)
			}
		}
	}
	view, err := s.viewSnapshot(ctx, d, sc, version, filters)
	if err != nil {
		return nil, err
	}
	groups, err := s.aggregate(ctx, view, groupBy, metrics)
	if err != nil {
		return nil, err
	}
	res := &model.AggregateResult{Version: view.dv.Version, Groups: []*model.AggregateGroup{}}
	for _, g := range groups {
		if len(res.Groups) == limit {
			break
		}
		key := map[string]any{}
		for i, name := range groupBy {
			key[name] = g.key[i]
		}
		ag := &model.AggregateGroup{Key: key, Count: g.count, Values: make([]*float64, len(metrics))}
		for i, m := range metrics {
			ag.Values[i] = metricValue(m.Op, &g.states[i], g.count)
		}
		res.Groups = append(res.Groups, ag)
	}
	return res, nil
}

func metricValue(op model.AggregateOp, st *aggState, rows int) *float64 {
	f := func(x float64) *float64 { return &x }
	switch op {
	case model.AggregateOpCount:
		return f(float64(st.n))
	case model.AggregateOpCountDistinct:
		return f(float64(len(st.distinct)))
	case model.AggregateOpSum:
		return f(st.sum)
	}
	if st.n == 0 {
		return nil
	}
	switch op {
	case model.AggregateOpMean:
		return f(st.mean)
	case model.AggregateOpMin:
		return f(st.min)
	case model.AggregateOpMax:
		return f(st.max)
	case model.AggregateOpStddev:
		if st.n < 2 {
			return nil
		}
		return f(math.Sqrt(st.m2 / float64(st.n-1)))
	}
	return nil
}

// aggregate streams the snapshot's columns and returns the groups in key order.
func (s *Service) aggregate(ctx context.Context, view *snapshotView, groupBy []string, metrics []*model.MetricInput) ([]*aggGroup, error) {
	r, closer, err := s.openSnapshot(ctx, view.dv)
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	// Columns to read: group fields, then metric fields (each once). A field
	// added to the schema after the version was committed reads as null.
	var names []string
	idx := map[string]int{}
	need := func(n string) {
		if _, ok := idx[n]; ok {
			return
		}
		if _, ok := r.Column(n); !ok {
			idx[n] = -1
			return
		}
		idx[n] = len(names)
		names = append(names, n)
	}
	for _, g := range groupBy {
		need(g)
	}
	for _, m := range metrics {
		if m.Field != nil && *m.Field != "" {
			need(*m.Field)
		}
	}
	groups := map[string]*aggGroup{}
	var kb strings.Builder
	var parts []any
	newGroup := func(b *snapshot.Batch, i int) *aggGroup {
		g := &aggGroup{key: slices.Clone(parts), states: make([]aggState, len(metrics)), sealed: make([]bool, len(groupBy)), ref: make([]snapshot.Sealed, len(groupBy))}
		for j, gname := range groupBy {
			if c := idx[gname]; c >= 0 && b.Cols[c].Kind == snapshot.KindSealed && b.Cols[c].Valid[i] {
				g.sealed[j], g.ref[j] = true, snapshot.Sealed{Bytes: b.Cols[c].Bytes[i], Index: b.Cols[c].Index[i]}
				if b.Keys != nil {
					g.refKey = b.Keys[i]
				}
			}
		}
		for k := range g.states {
			g.states[k].min, g.states[k].max = math.Inf(1), math.Inf(-1)
			if metrics[k].Op == model.AggregateOpCountDistinct {
				g.states[k].distinct = map[string]struct{}{}
			}
		}
		return g
	}
	withKeys := view.keys != nil
	for _, gname := range groupBy {
		if c := idx[gname]; c >= 0 {
			if col, _ := r.Column(gname); col.Kind == snapshot.KindSealed {
				withKeys = true
			}
		}
	}
	err = r.Scan(names, withKeys, func(b *snapshot.Batch) error {
		for i := range b.Len() {
			if view.keys != nil {
				if _, ok := view.keys[b.Keys[i]]; !ok {
					continue
				}
			}
			kb.Reset()
			parts = parts[:0]
			for _, gname := range groupBy {
				c := idx[gname]
				if c < 0 || !b.Cols[c].Valid[i] {
					parts = append(parts, nil)
					kb.WriteString("\x00n")
					continue
				}
				v := b.Cols[c]
				switch v.Kind {
				case snapshot.KindSealed:
					parts = append(parts, nil) // opened once per group below
					kb.WriteString("\x00s" + v.Index[i])
				case snapshot.KindString:
					parts = append(parts, v.Str[i])
					kb.WriteString("\x00t" + v.Str[i])
				default:
					x := v.Value(i)
					if t, ok := x.(time.Time); ok {
						x = t.Format(time.RFC3339Nano)
					}
					parts = append(parts, x)
					fmt.Fprintf(&kb, "\x00v%v", x)
				}
			}
			gk := kb.String()
			g := groups[gk]
			if g == nil {
				if len(groups) >= maxAggBuckets {
					return model.Errorf(model.EINVALID, "more than %d groups: group by fewer or coarser fields", maxAggBuckets)
				}
				g = newGroup(b, i)
				groups[gk] = g
			}
			g.count++
			for k, m := range metrics {
				st := &g.states[k]
				if m.Field == nil || *m.Field == "" {
					st.n++
					continue
				}
				c := idx[*m.Field]
				if c < 0 || !b.Cols[c].Valid[i] {
					continue
				}
				v := b.Cols[c]
				switch m.Op {
				case model.AggregateOpCount:
					st.n++
				case model.AggregateOpCountDistinct:
					var dk string
					switch v.Kind {
					case snapshot.KindSealed:
						dk = v.Index[i]
					case snapshot.KindString, snapshot.KindJSON:
						dk = v.Str[i]
					default:
						dk = fmt.Sprint(v.Value(i))
					}
					st.distinct[dk] = struct{}{}
				default:
					x, ok := v.Number(i)
					if !ok {
						continue
					}
					st.n++
					st.sum += x
					d := x - st.mean
					st.mean += d / float64(st.n)
					st.m2 += d * (x - st.mean)
					st.min, st.max = math.Min(st.min, x), math.Max(st.max, x)
				}
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	out := make([]*aggGroup, 0, len(groups))
	for _, g := range groups {
		for j, sealed := range g.sealed {
			if !sealed {
				continue
			}
			// Grouping by a sealed field needs read-sensitive (checked:
			// masked fields are refused): open one value of the group.
			v, err := s.Snapshots.OpenSealedValue(view.d.ID, groupBy[j], g.refKey, g.ref[j].Bytes)
			if err != nil {
				return nil, err
			}
			g.key[j] = jsonShape(v)
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *aggGroup) int { return compareKeys(a.key, b.key) })
	if len(groupBy) > 0 {
		for _, g := range groupBy {
			if f := fieldSpec(view.d, g); f != nil && f.Sensitive {
				_ = s.record(ctx, auth.ActReadSensitive, view.d.Team, "dataset/"+view.d.ID+"/field/"+g, model.DecisionAllow,
					fmt.Sprintf("aggregate grouped by sensitive field %q (version %d)", g, view.dv.Version))
			}
		}
	}
	return out, nil
}

// compareKeys orders group keys: nulls first, then numbers, then the rest by
// their JSON text.
func compareKeys(a, b []any) int {
	for i := range a {
		x, y := a[i], b[i]
		switch {
		case x == nil && y == nil:
			continue
		case x == nil:
			return -1
		case y == nil:
			return 1
		}
		fx, xn := toFloat(x)
		fy, yn := toFloat(y)
		if xn && yn {
			if c := cmpFloat(fx, fy); c != 0 {
				return c
			}
			continue
		}
		if xn != yn {
			if xn {
				return -1
			}
			return 1
		}
		jx, _ := json.Marshal(x)
		jy, _ := json.Marshal(y)
		if c := strings.Compare(string(jx), string(jy)); c != 0 {
			return c
		}
	}
	return 0
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

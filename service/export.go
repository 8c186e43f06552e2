package service

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/snapshot"
)

// Export formats of ExportDataset.
const (
	ExportParquet = "parquet"
	ExportCSV     = "csv"
	ExportNDJSON  = "ndjson"
)

// exportColumn is one exported field: how to read it from the snapshot and
// what the caller gets.
type exportColumn struct {
	name   string
	in     snapshot.Kind // kind in the snapshot (-1: not in this version)
	out    snapshot.Kind // kind written
	masked bool          // sensitive and masked for the caller: "***"
	open   bool          // sensitive and readable: opened (decrypted)
}

// ExportPlan says what an export will contain, before any byte is written
// (so that refusals get their own HTTP status).
type ExportPlan struct {
	Dataset string
	Version int
	Format  string
	run     func(w io.Writer) (int, error)
}

// PlanExport checks an export of a dataset version (read on the dataset) in
// the caller's view: hidden fields are left out, a share's row filter
// applied, sensitive values "***" without read-sensitive and opened with it.
// The returned plan streams the rows from the version's snapshot, in key
// order, and audits the export.
func (s *Service) PlanExport(ctx context.Context, dataset, format string, version *int) (*ExportPlan, error) {
	switch format {
	case ExportParquet, ExportCSV, ExportNDJSON:
	default:
		return nil, model.Errorf(model.EINVALID, "format must be parquet, csv or ndjson, got %q", format)
	}
	d, sc, err := s.readDataset(ctx, dataset)
	if err != nil {
		return nil, err
	}
	view, err := s.viewSnapshot(ctx, d, sc, version, nil)
	if err != nil {
		return nil, err
	}
	plan := &ExportPlan{Dataset: d.ID, Version: view.dv.Version, Format: format}
	plan.run = func(w io.Writer) (int, error) { return s.runExport(ctx, view, format, w) }
	return plan, nil
}

// Write streams the export to w and audits it (rows written, or the failure).
func (p *ExportPlan) Write(w io.Writer) (int, error) { return p.run(w) }

func (s *Service) runExport(ctx context.Context, view *snapshotView, format string, w io.Writer) (rows int, err error) {
	d, sc := view.d, view.sc
	r, closer, err := s.openSnapshot(ctx, view.dv)
	if err != nil {
		return 0, err
	}
	defer closer.Close()
	var cols []exportColumn
	opened, masked := []string{}, []string{}
	for _, f := range d.Fields {
		if sc.hidden(f.Name) {
			continue
		}
		c := exportColumn{name: f.Name, in: -1}
		sn := snapshot.ColumnsOf([]model.FieldSpec{f})[0]
		if got, ok := r.Column(f.Name); ok {
			c.in = got.Kind
		}
		c.out = sn.Kind
		if f.Sensitive {
			plain := f
			plain.Sensitive = false
			c.out = snapshot.ColumnsOf([]model.FieldSpec{plain})[0].Kind
			if sc.masked[f.Name] {
				c.masked, c.out = true, snapshot.KindString
				masked = append(masked, f.Name)
			} else {
				c.open = true
				opened = append(opened, f.Name)
			}
		}
		cols = append(cols, c)
	}
	summary := fmt.Sprintf("export dataset %s version %d as %s", d.ID, view.dv.Version, format)
	if len(opened) > 0 {
		summary += "; sensitive fields opened: " + strings.Join(opened, ",")
	}
	if len(masked) > 0 {
		summary += "; masked: " + strings.Join(masked, ",")
	}
	defer func() {
		sum := fmt.Sprintf("%s: %d rows", summary, rows)
		if err != nil {
			sum += " failed: " + model.ErrorCode(err)
		}
		act := auth.ActRead
		if len(opened) > 0 {
			act = auth.ActReadSensitive
		}
		if aerr := s.record(context.WithoutCancel(ctx), act, d.Team, "dataset/"+d.ID, model.DecisionAllow, sum); aerr != nil && err == nil {
			err = aerr
		}
	}()
	if format == ExportParquet && passThrough(d, sc, view, r) {
		// Nothing to hide, mask or open: the snapshot's own bytes.
		f, _, err := s.Snapshots.OpenSnapshotFile(ctx, view.dv.Snapshot.File)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		if _, err := io.Copy(w, f); err != nil {
			return 0, err
		}
		return int(r.NumRows()), nil
	}
	var names []string
	pos := make([]int, len(cols))
	for i, c := range cols {
		pos[i] = -1
		if c.in >= 0 {
			pos[i] = len(names)
			names = append(names, c.name)
		}
	}
	var emit func(keys []string, vecs []*snapshot.Vec) error
	var finish func() error
	bw := bufio.NewWriterSize(w, 1<<16)
	switch format {
	case ExportParquet:
		outCols := make([]snapshot.Column, len(cols))
		for i, c := range cols {
			outCols[i] = snapshot.Column{Name: c.name, Kind: c.out}
		}
		sw := snapshot.NewStreamWriter(bw, outCols, d.ID, view.dv.Version)
		emit = func(keys []string, vecs []*snapshot.Vec) error { return sw.WriteBatch(keys, vecs) }
		finish = sw.Close
	case ExportCSV:
		cw := csv.NewWriter(bw)
		header := []string{snapshot.KeyColumn}
		for _, c := range cols {
			header = append(header, c.name)
		}
		if err := cw.Write(header); err != nil {
			return 0, err
		}
		rec := make([]string, len(header))
		emit = func(keys []string, vecs []*snapshot.Vec) error {
			for i, k := range keys {
				rec[0] = k
				for c, v := range vecs {
					rec[c+1] = csvValue(v, i)
				}
				if err := cw.Write(rec); err != nil {
					return err
				}
			}
			return nil
		}
		finish = func() error { cw.Flush(); return cw.Error() }
	default:
		var line []byte
		emit = func(keys []string, vecs []*snapshot.Vec) error {
			for i, k := range keys {
				line = append(line[:0], `{"_key":`...)
				line = appendJSONString(line, k)
				for c, v := range vecs {
					line = append(line, ',')
					line = appendJSONString(line, cols[c].name)
					line = append(line, ':')
					line = appendJSONValue(line, v, i)
				}
				line = append(line, '}', '\n')
				if _, err := bw.Write(line); err != nil {
					return err
				}
			}
			return nil
		}
		finish = func() error { return nil }
	}
	out := make([]*snapshot.Vec, len(cols))
	err = s.scanView(ctx, r, view, names, true, func(b *snapshot.Batch, keep []int) error {
		keys := make([]string, len(keep))
		for j, i := range keep {
			keys[j] = b.Keys[i]
		}
		for c, col := range cols {
			var in *snapshot.Vec
			if pos[c] >= 0 {
				in = b.Cols[pos[c]]
			}
			v, err := s.exportVec(d.ID, col, in, b.Keys, keep)
			if err != nil {
				return err
			}
			out[c] = v
		}
		rows += len(keep)
		return emit(keys, out)
	})
	if err != nil {
		return rows, err
	}
	if err := finish(); err != nil {
		return rows, err
	}
	return rows, bw.Flush()
}

// exportVec is the exported column of the kept rows of one batch: values
// copied, masked or opened.
func (s *Service) exportVec(dataset string, col exportColumn, in *snapshot.Vec, keys []string, keep []int) (*snapshot.Vec, error) {
	out := &snapshot.Vec{Kind: col.out, Valid: make([]bool, len(keep))}
	switch col.out {
	case snapshot.KindFloat:
		out.Float = make([]float64, len(keep))
	case snapshot.KindInt, snapshot.KindDate:
		out.Int = make([]int64, len(keep))
	case snapshot.KindBool:
		out.Bool = make([]bool, len(keep))
	default:
		out.Str = make([]string, len(keep))
	}
	if in == nil {
		return out, nil
	}
	for j, i := range keep {
		if !in.Valid[i] {
			continue
		}
		out.Valid[j] = true
		switch {
		case col.masked:
			out.Str[j] = Masked
		case col.open:
			if in.Kind != snapshot.KindSealed { // stored before the field became sensitive
				setExportValue(out, j, in.Value(i))
				continue
			}
			v, err := s.Snapshots.OpenSealedValue(dataset, col.name, keys[i], in.Bytes[i])
			if err != nil {
				return nil, err
			}
			setExportValue(out, j, v)
		case in.Kind == col.out:
			switch col.out {
			case snapshot.KindFloat:
				out.Float[j] = in.Float[i]
			case snapshot.KindInt, snapshot.KindDate:
				out.Int[j] = in.Int[i]
			case snapshot.KindBool:
				out.Bool[j] = in.Bool[i]
			default:
				out.Str[j] = in.Str[i]
			}
		default: // the schema changed since the version: carry the value over
			setExportValue(out, j, in.Value(i))
		}
	}
	return out, nil
}

// setExportValue stores v (a Go value) in row j of out, converting to its
// kind; a value that does not convert is null.
func setExportValue(out *snapshot.Vec, j int, v any) {
	ok := true
	switch out.Kind {
	case snapshot.KindFloat:
		f, isNum := toFloat(v)
		out.Float[j], ok = f, isNum
	case snapshot.KindInt:
		switch x := v.(type) {
		case int64:
			out.Int[j] = x
		case float64:
			out.Int[j] = int64(x)
		default:
			ok = false
		}
	case snapshot.KindDate:
		t, isTime := v.(time.Time)
		out.Int[j], ok = t.UnixMilli(), isTime
	case snapshot.KindBool:
		b, isBool := v.(bool)
		out.Bool[j], ok = b, isBool
	case snapshot.KindJSON:
		if s, isStr := v.(string); isStr && json.Valid([]byte(s)) {
			out.Str[j] = s
			break
		}
		b, err := json.Marshal(jsonShape(v))
		out.Str[j], ok = string(b), err == nil
	default:
		if s, isStr := v.(string); isStr {
			out.Str[j] = s
		} else {
			out.Str[j] = fmt.Sprint(v)
		}
	}
	if !ok {
		out.Valid[j] = false
	}
}

func csvValue(v *snapshot.Vec, i int) string {
	if !v.Valid[i] {
		return ""
	}
	switch v.Kind {
	case snapshot.KindFloat:
		return strconv.FormatFloat(v.Float[i], 'g', -1, 64)
	case snapshot.KindInt:
		return strconv.FormatInt(v.Int[i], 10)
	case snapshot.KindDate:
		return time.UnixMilli(v.Int[i]).UTC().Format(time.RFC3339Nano)
	case snapshot.KindBool:
		return strconv.FormatBool(v.Bool[i])
	}
	return v.Str[i]
}

func appendJSONValue(b []byte, v *snapshot.Vec, i int) []byte {
	if !v.Valid[i] {
		return append(b, "null"...)
	}
	switch v.Kind {
	case snapshot.KindFloat:
		x := v.Float[i]
		if x != x || x > 1.7976931348623157e308 || x < -1.7976931348623157e308 {
			return append(b, "null"...)
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	case snapshot.KindInt:
		return strconv.AppendInt(b, v.Int[i], 10)
	case snapshot.KindDate:
		return appendJSONString(b, time.UnixMilli(v.Int[i]).UTC().Format(time.RFC3339Nano))
	case snapshot.KindBool:
		return strconv.AppendBool(b, v.Bool[i])
	case snapshot.KindJSON:
		return append(b, v.Str[i]...)
	}
	return appendJSONString(b, v.Str[i])
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// passThrough reports whether a Parquet export in the caller's view is the
// snapshot file itself: every row, every field visible, no sensitive field,
// and the snapshot's columns those of the current schema.
func passThrough(d *model.Dataset, sc *scope, view *snapshotView, r *snapshot.Reader) bool {
	if view.keys != nil || sc.visible != nil || len(sc.masked) > 0 {
		return false
	}
	want := snapshot.ColumnsOf(d.Fields)
	got := r.Columns()
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if want[i] != got[i] || want[i].Kind == snapshot.KindSealed {
			return false
		}
	}
	return true
}

package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/mms-platform/mms/jobs"
	"github.com/mms-platform/mms/ml"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/snapshot"
)

// loadTrainingSnapshot builds the training matrix of a dataset version from
// its Parquet snapshot (built first when missing), column by column: numeric
// columns go straight into float64 slices (into the matrix's own buffer when
// every feature is numeric), no document or map per row. Rows
// come in key order, so the same spec, seed and version give the same model.
func (s *Service) loadTrainingSnapshot(ctx context.Context, p *trainPayload, prog *jobs.Progress) (td *trainingData, cached bool, err error) {
	d, err := s.Datasets.Dataset(ctx, p.Dataset)
	if err != nil {
		return nil, false, err
	}
	prog.Set(0.02, model.JobDetail{Phase: "preparing the dataset version's snapshot"})
	version := p.DatasetVersion
	var dv *model.DatasetVersion
	if version == 0 {
		d, dv, err = s.ensureCurrentSnapshot(ctx, d)
		if err == nil {
			version = d.Version
		}
	} else {
		dv, err = s.ensureSnapshot(ctx, d.ID, version)
	}
	if err != nil {
		return nil, false, err
	}
	sha := *dv.Snapshot.Sha256
	spec, _ := json.Marshal(struct {
		F   []ml.FeatureSpec
		L   string
		Pos any
	}{p.Features, p.Label, p.PositiveClass})
	sum := sha256.Sum256(spec)
	key := fmt.Sprintf("%s@%d/%s/%s", d.ID, version, sha[:16], hex.EncodeToString(sum[:8]))
	if td := s.features.get(key); td != nil {
		prog.Set(0.2, model.JobDetail{Phase: "features from cache", Rows: int64(len(td.y))})
		return td, true, nil
	}
	r, closer, err := s.openSnapshot(ctx, dv)
	if err != nil {
		return nil, false, err
	}
	defer closer.Close()
	if _, ok := r.Column(p.Label); !ok {
		return nil, false, model.Errorf(model.EINVALID, "no rows to train on: version %d of dataset %q has no field %q", version, d.ID, p.Label)
	}
	names := []string{p.Label}
	for _, f := range p.Features {
		if _, ok := r.Column(f.Name); ok && f.Name != p.Label {
			names = append(names, f.Name)
		}
	}
	total := int(r.NumRows())
	s.features.makeRoom(total * len(p.Features))
	fspec := ml.Spec{Features: p.Features}
	numeric := make([]bool, len(names))
	allNumeric := ml.NumericOnly(fspec)
	for i, n := range names[1:] {
		c, _ := r.Column(n)
		numeric[i+1] = c.Kind == snapshot.KindFloat || c.Kind == snapshot.KindInt
		allNumeric = allNumeric && numeric[i+1]
	}
	// Numeric features only (the common case) go straight into the matrix's
	// buffer, row-major, which FitTransformNumeric then scales in place: the
	// data is held once. Otherwise the columns are read, fitted, transformed.
	var nr *ml.NumericRows
	var t *ml.ColumnTable
	if allNumeric {
		nr = &ml.NumericRows{Names: names[1:], Data: make([]float64, total*(len(names)-1)), Missing: make([][]bool, len(names)-1)}
	} else {
		t = &ml.ColumnTable{Num: map[string]*ml.NumColumn{}, Values: map[string][]any{}}
		for i, n := range names[1:] {
			if numeric[i+1] {
				t.Num[n] = &ml.NumColumn{Values: make([]float64, 0, total), Valid: make([]bool, 0, total)}
			} else {
				t.Values[n] = make([]any, 0, total)
			}
		}
	}
	td = &trainingData{datasetVersion: version, snapshotSha256: sha, keys: make([]string, 0, total)}
	raw := make([]any, 0, total)
	prog.Set(0.05, model.JobDetail{Phase: "reading the snapshot"})
	err = r.Scan(names, true, func(b *snapshot.Batch) error {
		label := b.Cols[0]
		for i := range b.Len() {
			lv, err := s.snapshotValue(d.ID, p.Label, b.Keys[i], label, i)
			if err != nil {
				return err
			}
			if lv == nil {
				td.unlabeled++
				continue
			}
			row := len(raw)
			raw = append(raw, lv)
			td.keys = append(td.keys, b.Keys[i])
			if nr != nil {
				w := len(nr.Names)
				for c := 1; c < len(names); c++ {
					x, ok := b.Cols[c].Number(i)
					nr.Data[row*w+c-1] = x
					if !ok {
						if nr.Missing[c-1] == nil {
							nr.Missing[c-1] = make([]bool, total)
						}
						nr.Missing[c-1][row] = true
					}
				}
				continue
			}
			for c := 1; c < len(names); c++ {
				vec := b.Cols[c]
				if numeric[c] {
					nc := t.Num[names[c]]
					x, ok := vec.Number(i)
					nc.Values, nc.Valid = append(nc.Values, x), append(nc.Valid, ok)
					continue
				}
				v, err := s.snapshotValue(d.ID, names[c], b.Keys[i], vec, i)
				if err != nil {
					return err
				}
				t.Values[names[c]] = append(t.Values[names[c]], v)
			}
		}
		prog.Set(0.05+0.1*float64(b.Start+b.Len())/float64(max(total, 1)), model.JobDetail{Phase: "reading the snapshot", Rows: int64(b.Start + b.Len())})
		return ctx.Err()
	})
	if err != nil {
		return nil, false, err
	}
	rows := len(raw)
	if rows == 0 {
		return nil, false, model.Errorf(model.EINVALID, "no rows to train on: version %d of dataset %q has no document with a value for %q", version, d.ID, p.Label)
	}
	if td.y, td.labels, err = ml.EncodeLabels(raw, p.PositiveClass); err != nil {
		if p.SensitiveLabel && model.ErrorCode(err) == model.EINVALID {
			return nil, false, model.Errorf(model.EINVALID, "label %q: its values cannot make a binary model (details withheld: the label is a sensitive field; look at its values with read-sensitive, or name positiveClass)", p.Label)
		}
		return nil, false, err
	}
	raw = nil
	prog.Set(0.15, model.JobDetail{Phase: "preprocessing", Rows: int64(rows)})
	if nr != nil {
		nr.N = rows
		var X *ml.Dense
		if td.pre, X, err = ml.FitTransformNumeric(fspec, nr); err != nil {
			return nil, false, withheldTrainError(err, p)
		}
		td.X = X
	} else {
		t.N = rows
		if td.pre, err = ml.FitTable(fspec, t); err != nil {
			return nil, false, withheldTrainError(err, p)
		}
		t.Release = true // the matrix replaces the columns as it is filled
		if td.X, err = td.pre.TransformTable(t); err != nil {
			return nil, false, withheldTrainError(err, p)
		}
	}
	s.features.put(key, td)
	return td, false, nil
}

// snapshotValue is row i of a snapshot column as documents hold it: sealed
// values opened, JSON decoded, dates as time.Time.
func (s *Service) snapshotValue(dataset, field, key string, v *snapshot.Vec, i int) (any, error) {
	if !v.Valid[i] {
		return nil, nil
	}
	switch v.Kind {
	case snapshot.KindSealed:
		return s.Snapshots.OpenSealedValue(dataset, field, key, v.Bytes[i])
	case snapshot.KindJSON:
		var out any
		if err := json.Unmarshal([]byte(v.Str[i]), &out); err != nil {
			return nil, fmt.Errorf("snapshot of %s: field %q of %q: %w", dataset, field, key, err)
		}
		return normalizeValue(out), nil
	}
	return v.Value(i), nil
}

package service

import (
	"context"
	"strings"
	"time"

	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/snapshot"
)

// Readers of whole dataset versions (training, aggregate, export, batch
// predictions, annotation task selection) read the version's Parquet snapshot
// through viewSnapshot and scanView: one way to resolve the version and the
// rows a caller sees (row conditions evaluated by the store, KeysWhere), one
// way to stream them.

// currentView is viewSnapshot of the dataset's current version for work that
// may wait (a job, a task being created): while an ingestion is writing the
// dataset and filters need the documents to stay at that version, it waits
// for the ingestion to end (calling waiting, if set, each time) instead of
// failing, until ctx ends.
func (s *Service) currentView(ctx context.Context, dataset string, sc *scope, where []model.FieldFilter, waiting func()) (*snapshotView, error) {
	for {
		d, err := s.Datasets.Dataset(ctx, dataset)
		if err != nil {
			return nil, err
		}
		view, err := s.viewSnapshot(ctx, d, sc, nil, where)
		if model.ErrorCode(err) != model.EUNAVAILABLE {
			return view, err
		}
		holder, herr := s.Ingestions.DatasetLockHolder(ctx, d.ID)
		if herr != nil || holder == "" || strings.HasPrefix(holder, "snapshot-") {
			return nil, err // not an ingestion in the way: the error stands
		}
		if waiting != nil {
			waiting()
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// scanView calls fn for each row group of the view's snapshot r with the
// named columns (each must be a column of r) and the row numbers, within the
// group, of the rows the view holds; groups with none are skipped. Keys are
// read when withKeys or when the view limits the rows.
func (s *Service) scanView(ctx context.Context, r *snapshot.Reader, view *snapshotView, names []string, withKeys bool, fn func(b *snapshot.Batch, rows []int) error) error {
	var rows []int
	return r.Scan(names, withKeys || view.keys != nil, func(b *snapshot.Batch) error {
		rows = rows[:0]
		for i := range b.Len() {
			if view.keys != nil {
				if _, ok := view.keys[b.Keys[i]]; !ok {
					continue
				}
			}
			rows = append(rows, i)
		}
		if len(rows) > 0 {
			if err := fn(b, rows); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
}

// viewColumns returns those of names that are columns of r (a field added to
// the schema after the version was committed reads as missing).
func viewColumns(r *snapshot.Reader, names []string) []string {
	var out []string
	for _, n := range names {
		if _, ok := r.Column(n); ok {
			out = append(out, n)
		}
	}
	return out
}

// snapshotFields returns row i of a batch of the named columns as a
// document's fields: nulls left out, sealed values opened (the caller decides
// which sensitive columns it may read), JSON decoded (snapshotValue).
func (s *Service) snapshotFields(dataset string, names []string, b *snapshot.Batch, i int) (map[string]any, error) {
	out := make(map[string]any, len(names))
	for c, n := range names {
		v, err := s.snapshotValue(dataset, n, b.Keys[i], b.Cols[c], i)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out[n] = v
		}
	}
	return out, nil
}

// snapshotRows calls fn, in key order, with each row of the current version's
// snapshot within sc's rows and where, and the row's fields among names (see
// snapshotFields; the only columns read). It returns the version read.
func (s *Service) snapshotRows(ctx context.Context, dataset string, sc *scope, where []model.FieldFilter, names []string, fn func(key string, fields map[string]any) error) (int, error) {
	view, err := s.currentView(ctx, dataset, sc, where, nil)
	if err != nil {
		return 0, err
	}
	r, closer, err := s.openSnapshot(ctx, view.dv)
	if err != nil {
		return 0, err
	}
	defer closer.Close()
	names = viewColumns(r, names)
	return view.dv.Version, s.scanView(ctx, r, view, names, true, func(b *snapshot.Batch, rows []int) error {
		for _, i := range rows {
			fields, err := s.snapshotFields(dataset, names, b, i)
			if err != nil {
				return err
			}
			if err := fn(b.Keys[i], fields); err != nil {
				return err
			}
		}
		return nil
	})
}

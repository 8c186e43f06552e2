package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// KeyRotationStore brings the stored form of sensitive values in line with
// the store's keyring and the datasets' schemas (mms keys rotate).
type KeyRotationStore interface {
	// DatasetIDs returns every dataset's id, in order.
	DatasetIDs(ctx context.Context) ([]string, error)
	// RotateDataset re-seals one dataset's sensitive values with the current
	// key (seals those of fields that became sensitive, stores in plaintext
	// those of fields that no longer are, and brings the blind indexes in
	// line), holding the dataset's write lock as owner. wait is told who holds
	// the lock while it waits for it; progress is called every few thousand
	// documents. What is done is skipped when it runs again.
	RotateDataset(ctx context.Context, dataset, owner string, wait func(holder string), progress func(model.RotateStats)) (model.RotateStats, error)
	// RotateConnections re-seals with the current key every registered
	// connection's secret sealed with an older one, and returns how many.
	RotateConnections(ctx context.Context) (int, error)
}

// KeyRotation is a rotation to ask RotateKeys for, and how it reports as it
// goes (every callback may be nil).
type KeyRotation struct {
	// KeyID names the current key (the one values are sealed with), for the
	// audit records.
	KeyID string
	// Datasets are the datasets to rotate; none means every dataset and the
	// registered connections' secrets.
	Datasets []string
	// Waiting is called when a dataset's write lock is held by holder (once
	// per wait).
	Waiting func(dataset, holder string)
	// Progress is called every few thousand documents of a dataset.
	Progress func(dataset string, s model.RotateStats)
	// Rotated is called after each dataset (the i-th of n, from 1), with what
	// was done to it; after an error, with what was done before it.
	Rotated func(dataset string, i, n int, s model.RotateStats, err error)
}

// KeyRotationResult is what a rotation did.
type KeyRotationResult struct {
	// Datasets counts the datasets rotated; Total sums their counts.
	Datasets int
	Total    model.RotateStats
	// Connections counts the connection secrets re-sealed (all datasets only).
	Connections int
}

// RotateKeys re-seals the stored sensitive values of the datasets in r (all of
// them, and the connections' secrets, when r names none) with the keyring's
// current key (admin on every team). The rotation is audited twice on the
// keyring: when it starts, naming the key and the datasets, and when it ends,
// with the counts, or the error code and the counts done before it. A dataset
// that does not exist is ENOTFOUND before anything is rewritten. An
// interrupted rotation is resumed by running it again.
func (s *Service) RotateKeys(ctx context.Context, r KeyRotation) (*KeyRotationResult, error) {
	const obj = "keyring"
	if err := s.authorize(ctx, auth.ActAdmin, auth.AllTeams, obj); err != nil {
		return nil, err
	}
	all := len(r.Datasets) == 0
	scope := "every dataset and connection"
	if !all {
		scope = "datasets " + strings.Join(r.Datasets, ", ")
	}
	if err := s.record(ctx, auth.ActAdmin, auth.AllTeams, obj, model.DecisionAllow,
		fmt.Sprintf("key rotation to key %s started on %s", r.KeyID, scope)); err != nil {
		return nil, err
	}
	res := &KeyRotationResult{}
	err := s.rotateKeys(ctx, r, res)
	summary := fmt.Sprintf("key rotation to key %s done: %d datasets, %d documents scanned, %d rewritten (%d values re-sealed, %d sealed, %d unsealed, %d index changes), %d connections re-sealed",
		r.KeyID, res.Datasets, res.Total.Scanned, res.Total.Rewritten, res.Total.Resealed, res.Total.Sealed, res.Total.Unsealed, res.Total.Indexed, res.Connections)
	if err != nil {
		summary = strings.Replace(summary, " done: ", " failed: "+model.ErrorCode(err)+" after ", 1)
	}
	if aerr := s.record(context.WithoutCancel(ctx), auth.ActAdmin, auth.AllTeams, obj, model.DecisionAllow, summary); aerr != nil && err == nil {
		return nil, aerr
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// rotateKeys is RotateKeys' work, adding to res as it goes.
func (s *Service) rotateKeys(ctx context.Context, r KeyRotation, res *KeyRotationResult) error {
	datasets := r.Datasets
	if len(datasets) == 0 {
		var err error
		if datasets, err = s.KeyRotation.DatasetIDs(ctx); err != nil {
			return err
		}
	}
	for _, id := range r.Datasets {
		if _, err := s.Datasets.Dataset(ctx, id); err != nil {
			return err
		}
	}
	var nonce [6]byte
	_, _ = rand.Read(nonce[:])
	owner := "keys-rotate-" + hex.EncodeToString(nonce[:])
	for i, id := range datasets {
		waiting := false
		st, err := s.KeyRotation.RotateDataset(ctx, id, owner, func(holder string) {
			if !waiting && r.Waiting != nil {
				r.Waiting(id, holder)
			}
			waiting = true
		}, func(st model.RotateStats) {
			if r.Progress != nil {
				r.Progress(id, st)
			}
		})
		res.Total.Add(st)
		if err == nil {
			res.Datasets++
		}
		if r.Rotated != nil {
			r.Rotated(id, i+1, len(datasets), st, err)
		}
		if err != nil {
			return fmt.Errorf("dataset %s: %w", id, err)
		}
	}
	if len(r.Datasets) == 0 {
		n, err := s.KeyRotation.RotateConnections(ctx)
		res.Connections = n
		if err != nil {
			return fmt.Errorf("connections: %w", err)
		}
	}
	return nil
}

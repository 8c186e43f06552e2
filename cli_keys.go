package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mms-platform/mms/app"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/service"
)

// runKeys implements `mms keys rotate [--dataset ID]... [flags]`.
//
// With the new key as MMS_ENCRYPTION_KEY and the earlier ones in
// MMS_ENCRYPTION_OLD_KEYS, it re-seals every value of a sensitive field that is
// not sealed with the current key, seals plaintext values of fields that
// became sensitive after they were written, stores in plaintext the values of
// fields that are no longer sensitive, and brings the blind indexes in line,
// dataset by dataset (all of them, or those named by --dataset). It holds each
// dataset's write lock while it works on it (ingestions into that dataset wait),
// so no concurrent change is lost. It is idempotent: run it again after an
// interruption and it skips what is done.
//
// Give every server the new key (with the old ones in MMS_ENCRYPTION_OLD_KEYS)
// before rotating, so that no server seals with the old key any more; drop
// the old keys only after a rotation that reports nothing left to rewrite.
//
// It opens the store like mms audit verify (toolStore) and rotates through the
// service (Service.RotateKeys) as the system principal "system:mms keys
// rotate", which audits the rotation's start and end with its counts. A store
// that does not exist is an error, and an embedded store a running server
// holds is refused.
func runKeys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if err := cliGroup("keys", args, stdout, stderr); err != nil {
		return err
	}
	datasets, rest, err := datasetArgs(args[1:])
	if err != nil {
		return app.UsageErrorf("%v (see mms keys rotate --help)", err)
	}
	cfg, err := parseCommandConfig("mms keys rotate", rest, getenv, stdout, stderr)
	if err != nil {
		return err
	}
	if cfg.EncryptionKey == "" {
		return errors.New("no encryption key: set MMS_ENCRYPTION_KEY to the new key (ID:BASE64) and MMS_ENCRYPTION_OLD_KEYS to the earlier ones")
	}
	st, err := toolStore(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, sctx, closeSvc, err := toolService(ctx, cfg, st, "mms keys rotate", stderr)
	if err != nil {
		return err
	}
	defer closeSvc()
	keys := st.Keyring()
	scope := fmt.Sprintf("%d datasets", len(datasets))
	if len(datasets) == 0 {
		scope = "every dataset"
	}
	fmt.Fprintf(stdout, "rotating to key %s (keys known: %s) in %s\n", keys.CurrentID(), strings.Join(keys.IDs(), ", "), scope)
	res, err := svc.RotateKeys(sctx, service.KeyRotation{
		KeyID: keys.CurrentID(), Datasets: datasets,
		Waiting: func(id, holder string) {
			fmt.Fprintf(stdout, "dataset %s: waiting for its write lock (held by %s)\n", id, holder)
		},
		Progress: func(id string, s model.RotateStats) {
			fmt.Fprintf(stdout, "dataset %s: %d documents scanned, %d rewritten so far\n", id, s.Scanned, s.Rewritten)
		},
		Rotated: func(id string, i, n int, s model.RotateStats, err error) {
			if err != nil {
				fmt.Fprintf(stdout, "dataset %s: stopped after %d documents scanned, %d rewritten\n", id, s.Scanned, s.Rewritten)
				return
			}
			fmt.Fprintf(stdout, "dataset %s (%d/%d): %d documents scanned, %d rewritten (%d values re-sealed, %d sealed, %d unsealed, %d index changes)\n",
				id, i, n, s.Scanned, s.Rewritten, s.Resealed, s.Sealed, s.Unsealed, s.Indexed)
		},
	})
	if err != nil {
		return fmt.Errorf("%w (run the rotation again to resume: what is done is skipped)", err)
	}
	if len(datasets) == 0 {
		fmt.Fprintf(stdout, "connections: %d re-sealed\n", res.Connections)
	}
	t := res.Total
	fmt.Fprintf(stdout, "done: %d datasets, %d documents scanned, %d rewritten (%d values re-sealed with key %s, %d sealed, %d unsealed, %d index changes)\n",
		res.Datasets, t.Scanned, t.Rewritten, t.Resealed, keys.CurrentID(), t.Sealed, t.Unsealed, t.Indexed)
	return nil
}

// datasetArgs takes the --dataset flags (repeatable) out of args.
func datasetArgs(args []string) (datasets, rest []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "dataset" {
			rest = append(rest, a)
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return nil, nil, errors.New("--dataset needs a dataset id")
			}
			i++
			val = args[i]
		}
		datasets = append(datasets, val)
	}
	return datasets, rest, nil
}

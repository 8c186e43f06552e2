package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mms-platform/mms/mongodb"
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
// It opens the store like mms audit verify (toolStore): a store that does not
// exist is an error, and an embedded store a running server holds is refused.
func runKeys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if err := cliGroup("keys", args, stdout, stderr); err != nil {
		return err
	}
	datasets, rest, err := datasetArgs(args[1:])
	if err != nil {
		return usageErrorf("%v (see mms keys rotate --help)", err)
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
	defer st.close()
	all := len(datasets) == 0 // then connections are re-sealed too
	if all {
		if datasets, err = st.DatasetIDs(ctx); err != nil {
			return err
		}
	} else {
		for _, id := range datasets {
			if _, err := st.Dataset(ctx, id); err != nil {
				return err
			}
		}
	}
	keys := st.Keyring()
	fmt.Fprintf(stdout, "rotating to key %s (keys known: %s) in %d datasets\n", keys.CurrentID(), strings.Join(keys.IDs(), ", "), len(datasets))
	var nonce [6]byte
	_, _ = rand.Read(nonce[:])
	owner := "keys-rotate-" + hex.EncodeToString(nonce[:])
	var total mongodb.RotateStats
	for i, id := range datasets {
		waiting := false
		s, err := st.RotateDataset(ctx, id, owner, func(holder string) {
			if !waiting {
				fmt.Fprintf(stdout, "dataset %s: waiting for its write lock (held by %s)\n", id, holder)
				waiting = true
			}
		}, func(s mongodb.RotateStats) {
			fmt.Fprintf(stdout, "dataset %s: %d documents scanned, %d rewritten so far\n", id, s.Scanned, s.Rewritten)
		})
		total.Scanned += s.Scanned
		total.Rewritten += s.Rewritten
		total.Resealed += s.Resealed
		total.Sealed += s.Sealed
		total.Unsealed += s.Unsealed
		total.Indexed += s.Indexed
		if err != nil {
			fmt.Fprintf(stdout, "dataset %s: stopped after %d documents scanned, %d rewritten\n", id, s.Scanned, s.Rewritten)
			return fmt.Errorf("dataset %s: %w (run the rotation again to resume: what is done is skipped)", id, err)
		}
		fmt.Fprintf(stdout, "dataset %s (%d/%d): %d documents scanned, %d rewritten (%d values re-sealed, %d sealed, %d unsealed, %d index changes)\n",
			id, i+1, len(datasets), s.Scanned, s.Rewritten, s.Resealed, s.Sealed, s.Unsealed, s.Indexed)
	}
	if all {
		n, err := st.RotateConnections(ctx)
		if err != nil {
			return fmt.Errorf("connections: %w (run the rotation again to resume)", err)
		}
		fmt.Fprintf(stdout, "connections: %d re-sealed\n", n)
	}
	fmt.Fprintf(stdout, "done: %d datasets, %d documents scanned, %d rewritten (%d values re-sealed with key %s, %d sealed, %d unsealed, %d index changes)\n",
		len(datasets), total.Scanned, total.Rewritten, total.Resealed, keys.CurrentID(), total.Sealed, total.Unsealed, total.Indexed)
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

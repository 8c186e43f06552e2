package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"flag"
	"fmt"
	"io"

	"github.com/mms-platform/mms/auth"
)

// auditCheckpoints is the signed-checkpoint configuration from cfg: the signing
// key (none: no checkpoints are written), the interval and the public keys of
// earlier signing keys.
func auditCheckpoints(cfg *Config, st auth.CheckpointStore) (*auth.Checkpoints, error) {
	c := &auth.Checkpoints{Store: st, Every: int64(cfg.AuditCheckpointEvery)}
	if c.Every <= 0 {
		return nil, fmt.Errorf("MMS_AUDIT_CHECKPOINT_EVERY must be positive, not %d", c.Every)
	}
	if cfg.AuditSigningKey != "" {
		k, err := auth.ParseSigningKey(cfg.AuditSigningKey)
		if err != nil {
			return nil, err // never the key itself
		}
		c.Key = k
	}
	keys, err := auth.ParsePublicKeys(cfg.AuditVerifyKeys)
	if err != nil {
		return nil, err
	}
	c.Trusted = keys
	return c, nil
}

// runAudit implements `mms audit verify` and `mms audit public-key`.
//
// verify opens the store with the same configuration as the server, walks the
// audit chain and checks the signed checkpoints against the public keys of
// MMS_AUDIT_SIGNING_KEY and MMS_AUDIT_VERIFY_KEYS (either is enough: a verifier
// can hold only public keys). It exits non-zero when the chain is broken or a
// checkpoint is bad. With the embedded store, stop the server first (or point it
// at the same MONGODB_URI).
//
// public-key prints the public key and key id of MMS_AUDIT_SIGNING_KEY, to keep
// for MMS_AUDIT_VERIFY_KEYS when the key is rotated.
func runAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "public-key") {
		fmt.Fprintln(stderr, "usage: mms audit verify [flags]\n       mms audit public-key")
		return flag.ErrHelp
	}
	cfg, err := parseConfig("mms audit "+args[0], args[1:], getenv, stderr)
	if err != nil {
		return err
	}
	if args[0] == "public-key" {
		c, err := auditCheckpoints(cfg, nil)
		if err != nil {
			return err
		}
		if c.Key == nil {
			return fmt.Errorf("no audit signing key: set MMS_AUDIT_SIGNING_KEY")
		}
		fmt.Fprintf(stdout, "%s keyId=%s\n", base64.StdEncoding.EncodeToString(c.Key.Public().(ed25519.PublicKey)), c.KeyID())
		return nil
	}
	st, err := toolStore(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.close()
	c, err := auditCheckpoints(cfg, st)
	if err != nil {
		return err
	}
	v, err := auth.VerifyAuditSigned(ctx, st, c)
	if err != nil {
		return err
	}
	if !v.OK && v.FirstBrokenSeq != nil {
		fmt.Fprintf(stdout, "audit chain BROKEN at seq %d (%d records verified before it)\n", *v.FirstBrokenSeq, v.Checked)
	} else {
		fmt.Fprintf(stdout, "audit chain ok: %d records verified\n", v.Checked)
	}
	switch {
	case !v.Signed:
		fmt.Fprintln(stdout, "audit checkpoints not checked: no MMS_AUDIT_SIGNING_KEY or MMS_AUDIT_VERIFY_KEYS")
	case v.FirstBadCheckpoint != nil:
		fmt.Fprintf(stdout, "audit checkpoint BAD at seq %d: %s (%d checkpoints verified)\n", *v.FirstBadCheckpoint, *v.CheckpointProblem, v.Checkpoints)
	default:
		fmt.Fprintf(stdout, "audit checkpoints ok: %d signed checkpoints verified\n", v.Checkpoints)
	}
	switch {
	case v.FirstBrokenSeq != nil:
		return fmt.Errorf("audit chain broken at seq %d", *v.FirstBrokenSeq)
	case v.FirstBadCheckpoint != nil:
		return fmt.Errorf("audit checkpoint bad at seq %d", *v.FirstBadCheckpoint)
	}
	return nil
}

// toolStore opens the store for a command-line tool (mms audit, mms keys),
// logging only errors, to stderr.
func toolStore(ctx context.Context, cfg *Config, stderr io.Writer) (*store, error) {
	log, err := newLogger(stderr, "error")
	if err != nil {
		return nil, err
	}
	return openStore(ctx, cfg, log)
}

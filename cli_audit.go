package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mms-platform/mms/app"
	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/mongodb"
	"github.com/mms-platform/mms/service"
)

// runAudit implements `mms audit verify` and `mms audit public-key`.
//
// verify opens the store with the same configuration as the server and, as
// the system principal "system:mms audit verify" (Service.VerifyAudit), walks
// the audit chain and checks the signed checkpoints against the public keys of
// MMS_AUDIT_SIGNING_KEY and MMS_AUDIT_VERIFY_KEYS (either is enough: a verifier
// can hold only public keys). It exits non-zero when the chain is broken or a
// checkpoint is bad. A store that does not exist is an error, and an embedded
// store a running server holds is refused (see toolStore).
//
// public-key prints the public key and key id of MMS_AUDIT_SIGNING_KEY, to keep
// for MMS_AUDIT_VERIFY_KEYS when the key is rotated.
func runAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if err := cliGroup("audit", args, stdout, stderr); err != nil {
		return err
	}
	cfg, err := parseCommandConfig("mms audit "+args[0], args[1:], getenv, stdout, stderr)
	if err != nil {
		return err
	}
	if args[0] == "public-key" {
		c, err := app.AuditCheckpoints(cfg, nil)
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
	defer st.Close()
	svc, sctx, closeSvc, err := toolService(ctx, cfg, st, "mms audit verify", stderr)
	if err != nil {
		return err
	}
	defer closeSvc()
	v, err := svc.VerifyAudit(sctx)
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

// toolService is the service a command-line tool calls over st, and the
// context to call it with: that of the system principal named after command
// (auth.SystemPrincipal), so every audit record the tool causes names it. The
// service has the server's audit chain (signed checkpoints included, from
// cfg) and authorizer; close stops its audit writer once the records queued
// are written.
func toolService(ctx context.Context, cfg *app.Config, st *app.Store, command string, stderr io.Writer) (svc *service.Service, sctx context.Context, closeFn func(), err error) {
	log, err := app.NewLogger(stderr, "error")
	if err != nil {
		return nil, nil, nil, err
	}
	authz, err := auth.NewAuthorizer(ctx, st, log)
	if err != nil {
		return nil, nil, nil, err
	}
	cps, err := app.AuditCheckpoints(cfg, st)
	if err != nil {
		return nil, nil, nil, err
	}
	chain := auth.NewAuditLog(st, log, auth.WithCheckpoints(cps))
	svc = &service.Service{
		Teams: st, Keys: st, Datasets: st, Sharing: st, AuditRecords: st, AuditChain: chain, Authz: authz, Log: log,
		KeyRotation: st,
	}
	return svc, model.NewContextWithPrincipal(ctx, auth.SystemPrincipal(command)), chain.Close, nil
}

// toolStore opens the store for a command-line tool (mms audit, mms keys),
// logging only errors, to stderr. Unlike the server it creates nothing: an
// embedded store directory or a database that does not exist is an error
// naming it and how to point at the right one. And it never opens behind a
// running server's back the embedded store that server runs: the store's lock
// is refused with the server's pid and the URI to go through it instead.
func toolStore(ctx context.Context, cfg *app.Config, stderr io.Writer) (*app.Store, error) {
	log, err := app.NewLogger(stderr, "error")
	if err != nil {
		return nil, err
	}
	if cfg.MongoURI == "" {
		if err := mongodb.CheckEmbeddedStore(cfg.DataDir, cfg.DBName); err != nil {
			return nil, fmt.Errorf("%w; point at the server's store with --data-dir DIR (MMS_DATA_DIR; default ./data, relative to the current directory) or --mongodb-uri URI (MONGODB_URI), and at its database with --db NAME (MMS_DB; default mms)", err)
		}
	}
	st, err := app.OpenStore(ctx, cfg, log)
	var inUse *mongodb.StoreInUseError
	if errors.As(err, &inUse) {
		how := "stop the server first"
		if uri := inUse.URI(); uri != "" {
			how += ", or go through it with --mongodb-uri " + uri + " (valid while it runs)"
		}
		return nil, fmt.Errorf("%w; a tool does not open a store behind its server's back: %s", err, how)
	}
	if err != nil {
		return nil, err
	}
	if cfg.MongoURI != "" {
		ok, others, err := st.Exists(ctx)
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("open store: %w", err)
		}
		if !ok {
			st.Close()
			have := ""
			if len(others) > 0 {
				have = " (it has " + strings.Join(others, ", ") + ")"
			}
			return nil, fmt.Errorf("the store at --mongodb-uri (MONGODB_URI) has no database %q%s; set --db NAME (MMS_DB) to the server's database", cfg.DBName, have)
		}
	}
	return st, nil
}

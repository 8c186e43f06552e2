package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/mms-platform/mms/auth"
)

// runAudit implements `mms audit verify`: it opens the store with the same
// configuration as the server and walks the audit chain. It exits non-zero when
// the chain is broken. With the embedded store, stop the server first (or point
// it at the same MONGODB_URI).
func runAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "usage: mms audit verify [flags]")
		return flag.ErrHelp
	}
	cfg, err := parseConfig("mms audit verify", args[1:], getenv, stderr)
	if err != nil {
		return err
	}
	log, err := newLogger(stderr, "error")
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.close()
	v, err := auth.VerifyAudit(ctx, st)
	if err != nil {
		return err
	}
	if !v.OK {
		fmt.Fprintf(stdout, "audit chain BROKEN at seq %d (%d records verified before it)\n", *v.FirstBrokenSeq, v.Checked)
		return fmt.Errorf("audit chain broken at seq %d", *v.FirstBrokenSeq)
	}
	fmt.Fprintf(stdout, "audit chain ok: %d records verified\n", v.Checked)
	return nil
}

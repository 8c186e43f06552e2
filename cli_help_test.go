package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mms-platform/mms/mongodb"
	"github.com/mms-platform/mms/mongodb/mongodbtest"
)

// These tests are of the command line itself (cli, run): the end-to-end tests,
// the server's and the commands' against a server, are package e2e's.

// testEncryptionKey is a valid MMS_ENCRYPTION_KEY (32 bytes of "k").
const testEncryptionKey = "test1:a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s="

// cliRun runs a command line as main does and returns its exit status.
func cliRun(env map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = cli(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

// --help, for mms and for every command, prints that command's help on stdout
// and exits 0 (it printed on stderr and exited 1, so `go run . --help` ended
// with "exit status 1"); each help names its own command once.
func TestCLIHelp(t *testing.T) {
	secret := "c2lnbmluZy1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZjA="
	env := map[string]string{"MMS_AUDIT_SIGNING_KEY": secret, "MMS_ENCRYPTION_KEY": "k1:" + secret}
	for _, tc := range []struct {
		args  []string
		first string   // the help's first line
		has   []string // also in it
	}{
		{[]string{"--help"}, "Usage: mms [serve] [flags]", []string{"audit verify", "audit public-key", "keys rotate", "ingest", "-addr", "MMS_DATA_DIR"}},
		{[]string{"-h"}, "Usage: mms [serve] [flags]", nil},
		{[]string{"serve", "--help"}, "Usage: mms [serve] [flags]", nil},
		{[]string{"help"}, "Usage: mms [serve] [flags]", []string{"audit public-key"}},
		{[]string{"audit", "verify", "--help"}, "Usage: mms audit verify [flags]", []string{"-data-dir", "-mongodb-uri", "-audit-verify-keys", "MMS_AUDIT_SIGNING_KEY"}},
		{[]string{"audit", "verify", "-h"}, "Usage: mms audit verify [flags]", nil},
		{[]string{"help", "audit", "verify"}, "Usage: mms audit verify [flags]", nil},
		{[]string{"audit", "public-key", "--help"}, "Usage: mms audit public-key [flags]", []string{"-audit-signing-key"}},
		{[]string{"keys", "rotate", "--help"}, "Usage: mms keys rotate [--dataset ID]... [flags]", []string{"-dataset ID", "-encryption-key", "-data-dir"}},
		{[]string{"keys", "rotate", "--dataset", "x", "--help"}, "Usage: mms keys rotate [--dataset ID]... [flags]", nil},
		{[]string{"audit", "--help"}, "Usage: mms audit verify [flags]", []string{"mms audit public-key [flags]"}},
		{[]string{"keys", "-h"}, "Usage: mms keys rotate [--dataset ID]... [flags]", nil},
		{[]string{"ingest", "--help"}, "Usage: mms ingest --dataset D --source NAME", []string{"-delimiter"}},
		{[]string{"help", "ingest"}, "Usage: mms ingest --dataset D --source NAME", nil},
	} {
		code, out, errOut := cliRun(env, tc.args...)
		name := "mms " + strings.Join(tc.args, " ")
		if code != 0 || errOut != "" {
			t.Errorf("%s: exit %d, stderr %q; want 0 and nothing", name, code, errOut)
		}
		if first, _, _ := strings.Cut(out, "\n"); !strings.HasPrefix(first, tc.first) {
			t.Errorf("%s: first line %q, want %q", name, first, tc.first)
		}
		for _, want := range tc.has {
			if !strings.Contains(out, want) {
				t.Errorf("%s: help lacks %q:\n%s", name, want, out)
			}
		}
		// The garbled forms: the serve synopsis under another command, the
		// command named twice.
		for _, bad := range []string{"verify [serve]", "audit verify audit verify", "rotate [serve]", "rotate audit verify", secret} {
			if strings.Contains(out, bad) {
				t.Errorf("%s: help contains %q:\n%s", name, bad, out)
			}
		}
	}
	// Each command's help shows the flags it uses, not all of the server's.
	if _, out, _ := cliRun(nil, "audit", "public-key", "--help"); strings.Contains(out, "-addr") || strings.Contains(out, "-data-dir") {
		t.Errorf("audit public-key --help lists server flags:\n%s", out)
	}
}

// A wrong command line exits 2 with the error (and the usage) on stderr and
// nothing on stdout, the flag package's convention.
func TestCLIUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"serve", "extra"}, `unexpected arguments ["extra"]`},
		{[]string{"nope"}, `unknown command "nope"`},
		{[]string{"audit"}, "Usage: mms audit verify [flags]"},
		{[]string{"audit", "nope"}, `unknown command "nope"`},
		{[]string{"keys"}, "Usage: mms keys rotate"},
		{[]string{"audit", "verify", "--bogus"}, "Usage: mms audit verify [flags]"},
		{[]string{"audit", "verify", "extra"}, `unexpected arguments ["extra"]`},
		{[]string{"keys", "rotate", "--dataset"}, "--dataset needs a dataset id"},
		{[]string{"keys", "rotate", "--bogus"}, "Usage: mms keys rotate"},
		{[]string{"ingest", "--bogus"}, "Usage: mms ingest"},
		{[]string{"ingest", "--dataset", "d", "--source", "s"}, "missing FILE"},
		{[]string{"ingest", "--dataset", "d", "--source", "s", "--format", "xml", "f"}, `unknown format "xml"`},
		{[]string{"help", "nope"}, `unknown command "nope"`},
	} {
		code, out, errOut := cliRun(nil, tc.args...)
		name := "mms " + strings.Join(tc.args, " ")
		if code != 2 || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 2, nothing, and %q", name, code, out, errOut, tc.want)
		}
	}
	// A failure that is not the command line's exits 1.
	if code, _, errOut := cliRun(map[string]string{"MMS_MAX_DEPTH": "deep"}, "audit", "verify"); code != 1 || !strings.Contains(errOut, "MMS_MAX_DEPTH") {
		t.Errorf("bad env: exit %d, %q", code, errOut)
	}
}

// `mms audit verify` and `mms keys rotate` run from a directory without the
// store: an error naming it and how to point at the right one (they created
// ./data and reported "ok: 0 records verified"). Nor do they read a store its
// server is running behind the server's back.
func TestCLIToolStore(t *testing.T) {
	mongodbtest.SkipExternal(t, "the tools' checks are of an embedded store's directory")
	t.Chdir(t.TempDir())
	keys := map[string]string{"MMS_ENCRYPTION_KEY": testEncryptionKey}
	for _, args := range [][]string{{"audit", "verify"}, {"keys", "rotate"}} {
		code, out, errOut := cliRun(keys, args...)
		name := "mms " + strings.Join(args, " ")
		abs, _ := filepath.Abs("data")
		if code != 1 || !strings.Contains(errOut, abs+" does not exist") || !strings.Contains(errOut, "--data-dir") || strings.Contains(out, "ok") {
			t.Errorf("%s in an empty directory: exit %d, stdout %q, stderr %q", name, code, out, errOut)
		}
		if _, err := os.Stat("data"); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%s created ./data", name)
		}
	}

	// An embedded store a server runs (here: held by this process).
	dir := filepath.Join(t.TempDir(), "store")
	e, err := mongodb.StartEmbedded(dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db, err := mongodb.Open(e.URI, "mms")
	if err != nil {
		t.Fatal(err)
	}
	db.UseEmbedded(e)
	if err := db.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	_ = db.Close(context.Background())

	for _, args := range [][]string{{"audit", "verify"}, {"keys", "rotate"}} {
		name := "mms " + strings.Join(args, " ")
		code, out, errOut := cliRun(keys, append(args, "--data-dir", dir)...)
		for _, want := range []string{"in use by process " + fmt.Sprint(os.Getpid()), dir, "--mongodb-uri mongodb://" + e.Addr + "/"} {
			if code != 1 || !strings.Contains(errOut, want) {
				t.Errorf("%s on a running server's store: exit %d, stdout %q, stderr %q; want 1 and %q", name, code, out, errOut, want)
			}
		}
		// Through the running store, as the refusal says.
		code, out, errOut = cliRun(keys, append(args, "--mongodb-uri", "mongodb://"+e.Addr+"/")...)
		if code != 0 || !strings.Contains(out, map[string]string{"audit": "audit chain ok: 0 records", "keys": "done: 0 datasets"}[args[0]]) {
			t.Errorf("%s through the running store: exit %d, stdout %q, stderr %q", name, code, out, errOut)
		}
	}
	// A second server on the same directory is refused too, saying how to share.
	code, out, errOut := cliRun(nil, "serve", "--data-dir", dir, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errOut, "in use by process") || !strings.Contains(errOut, "another --data-dir") || !strings.Contains(errOut, "MONGODB_URI=mongodb://"+e.Addr+"/") {
		t.Errorf("second server on %s: exit %d, stdout %q, stderr %q", dir, code, out, errOut)
	}
	// A database the store does not have.
	code, out, errOut = cliRun(nil, "audit", "verify", "--mongodb-uri", "mongodb://"+e.Addr+"/", "--db", "typo")
	if code != 1 || !strings.Contains(errOut, `no database "typo" (it has mms)`) || !strings.Contains(errOut, "--db") {
		t.Errorf("misspelt database: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	e.Close()
	if _, err := os.Stat(filepath.Join(dir, "typo.sqlite")); err == nil {
		t.Error("verifying a missing database created it")
	}
	code, out, errOut = cliRun(nil, "audit", "verify", "--data-dir", dir, "--db", "typo")
	if code != 1 || !strings.Contains(errOut, `holds no database "typo" (it has mms)`) {
		t.Errorf("misspelt embedded database: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// Stopped: the tool opens it. The chain holds the rotation's two records
	// (its start and its end).
	code, out, errOut = cliRun(nil, "audit", "verify", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "audit chain ok: 2 records verified") {
		t.Errorf("stopped store: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

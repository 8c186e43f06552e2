package main

// Command-line plumbing shared by every mms command: one usage text per
// command, --help on stdout with exit status 0, and a wrong command line on
// stderr with exit status 2 (the flag package's convention).

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/mms-platform/mms/app"
)

// cliCommand describes one command for its help and the command list.
type cliCommand struct {
	name     string // as typed after mms: "audit verify"
	synopsis string // the Usage line
	summary  string // one line in the command list
	about    string // the help's text, after the Usage line
	// flags are the configuration flags (app.ParseConfig) the command uses; every
	// other one is accepted too, so a server's environment works unchanged.
	// nil: all of them (serve).
	flags []string
	// extra documents the flags the command parses itself, formatted like
	// flag.PrintDefaults.
	extra string
}

var cliCommands = []cliCommand{
	{
		name:     "serve",
		synopsis: "mms [serve] [flags]",
		summary:  "run the server (the default command)",
	},
	{
		name:     "ingest",
		synopsis: "mms ingest --dataset D --source NAME [--format csv|json|ndjson] [flags] FILE",
		summary:  "upload a CSV, JSON or NDJSON file into a dataset of a running server",
	},
	{
		name:     "audit verify",
		synopsis: "mms audit verify [flags]",
		summary:  "check the audit chain and its signed checkpoints",
		about: `Walks the audit chain in the store and checks the signed checkpoints against the
public keys of MMS_AUDIT_SIGNING_KEY and MMS_AUDIT_VERIFY_KEYS (either is enough:
a verifier can hold only public keys). Exits non-zero when the chain is broken or a
checkpoint is bad.

The store is the server's: MONGODB_URI, or else the embedded store in MMS_DATA_DIR
(./data by default, relative to the current directory), which must exist. While a
server runs the embedded store, read it through that server with the
--mongodb-uri the refusal names, or stop the server first.`,
		flags: []string{"mongodb-uri", "db", "data-dir", "embedded-addr", "audit-signing-key", "audit-verify-keys", "audit-checkpoint-every"},
	},
	{
		name:     "audit public-key",
		synopsis: "mms audit public-key [flags]",
		summary:  "print the public key of MMS_AUDIT_SIGNING_KEY (keep it for MMS_AUDIT_VERIFY_KEYS)",
		about: `Prints the public key and key id of MMS_AUDIT_SIGNING_KEY, to keep in
MMS_AUDIT_VERIFY_KEYS when the signing key is rotated, or to give a verifier
that must not hold the signing key.`,
		flags: []string{"audit-signing-key"},
	},
	{
		name:     "keys rotate",
		synopsis: "mms keys rotate [--dataset ID]... [flags]",
		summary:  "re-seal sensitive fields (and connection URIs) with a new MMS_ENCRYPTION_KEY",
		about: `With the new key in MMS_ENCRYPTION_KEY and the earlier ones in
MMS_ENCRYPTION_OLD_KEYS, re-seals every sensitive value (and, without --dataset,
every connection URI) not sealed with the new key and recomputes the blind
indexes, dataset by dataset, holding each dataset's write lock while it works on
it. Idempotent: run it again after an interruption and it skips what is done.

Give every server the new key (with the old ones in MMS_ENCRYPTION_OLD_KEYS)
before rotating; drop the old keys only after a rotation that reports nothing
left to rewrite.

The store is the server's: MONGODB_URI, or else the embedded store in MMS_DATA_DIR
(./data by default, relative to the current directory), which must exist. While a
server runs the embedded store, work through that server with the --mongodb-uri
the refusal names, or stop the server first.`,
		flags: []string{"mongodb-uri", "db", "data-dir", "embedded-addr", "encryption-key", "encryption-old-keys"},
		extra: "  -dataset ID\n    \trotate only this dataset (repeatable; default: every dataset and the connections)\n",
	},
	{
		name:     "help",
		synopsis: "mms help [COMMAND]",
		summary:  "show the help of mms or of one command",
	},
}

// cliCommandNamed returns the command called name ("serve", "audit verify").
func cliCommandNamed(name string) (cliCommand, bool) {
	for _, c := range cliCommands {
		if c.name == name {
			return c, true
		}
	}
	return cliCommand{}, false
}

// cliCommandList is the list of commands for usage texts.
func cliCommandList(w io.Writer) {
	fmt.Fprintln(w, "Commands:")
	for _, c := range cliCommands {
		fmt.Fprintf(w, "  %-18s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `mms COMMAND --help` (or `mms help COMMAND`) for a command's flags.")
}

// cliGroupUsage is the usage of a command group (audit, keys) typed without
// a valid subcommand.
func cliGroupUsage(w io.Writer, group string) {
	var cmds []cliCommand
	width := 0
	for _, c := range cliCommands {
		if strings.HasPrefix(c.name, group+" ") {
			cmds = append(cmds, c)
			width = max(width, len(c.synopsis))
		}
	}
	for i, c := range cmds {
		lead := "Usage:"
		if i > 0 {
			lead = "      "
		}
		fmt.Fprintf(w, "%s %-*s  %s\n", lead, width, c.synopsis, c.summary)
	}
	fmt.Fprintf(w, "\nRun `mms %s COMMAND --help` for a command's flags.\n", group)
}

// cliGroup checks that args start with a subcommand of group (audit, keys).
// Without one, --help prints the group's usage on stdout (flag.ErrHelp);
// anything else is a usage error, the group's usage on stderr.
func cliGroup(group string, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		if _, ok := cliCommandNamed(group + " " + args[0]); ok {
			return nil
		}
		switch args[0] {
		case "-h", "-help", "--help":
			cliGroupUsage(stdout, group)
			return flag.ErrHelp
		}
	}
	if len(args) == 0 {
		fmt.Fprintf(stderr, "mms %s: a command is missing\n", group)
	} else {
		fmt.Fprintf(stderr, "mms %s: unknown command %q\n", group, args[0])
	}
	cliGroupUsage(stderr, group)
	return &app.UsageError{Err: fmt.Errorf("mms %s needs a command", group), Shown: true}
}

// configUsage is fs's usage for the command name ("mms", "mms audit verify"),
// written to fs.Output().
func configUsage(fs *flag.FlagSet, name string) {
	w := fs.Output()
	cmdName := strings.TrimPrefix(name, "mms ")
	cmd, ok := cliCommandNamed(cmdName)
	if name == "mms" || !ok || cmd.flags == nil {
		fmt.Fprint(w, "Usage: mms [serve] [flags]\n       mms COMMAND [flags]\n\n")
		fmt.Fprint(w, "MMS is a GraphQL data-and-model server over MongoDB. With no command (or serve)\nit runs the server; with no MONGODB_URI it starts an embedded store in MMS_DATA_DIR.\n\n")
		cliCommandList(w)
		fmt.Fprint(w, "\nFlags of mms serve (defaults from the environment variables named):\n")
		fs.PrintDefaults()
		return
	}
	fmt.Fprintf(w, "Usage: %s\n\n", cmd.synopsis)
	if cmd.about != "" {
		fmt.Fprintf(w, "%s\n\n", cmd.about)
	}
	fmt.Fprint(w, "Flags (defaults from the environment variables named):\n")
	fmt.Fprint(w, cmd.extra)
	// A flag set of the command's flags alone, printed like PrintDefaults.
	// DefValue is copied, not taken from the value: a secret's current value
	// must not show.
	sub := flag.NewFlagSet(name, flag.ContinueOnError)
	sub.SetOutput(w)
	for _, n := range cmd.flags {
		if f := fs.Lookup(n); f != nil {
			sub.Var(f.Value, f.Name, f.Usage)
			sub.Lookup(n).DefValue = f.DefValue
		}
	}
	sub.PrintDefaults()
	fmt.Fprint(w, "\nEvery flag of mms serve is accepted too (see mms --help), so the server's\nenvironment works unchanged; those above are the ones this command uses.\n")
}

// routeFlagOutput writes what parsing printed into buf where it belongs: the
// help, asked for, on stdout; a flag error and the usage on stderr.
func routeFlagOutput(err error, buf *bytes.Buffer, stdout, stderr io.Writer) {
	if buf.Len() == 0 {
		return
	}
	if errors.Is(err, flag.ErrHelp) {
		_, _ = stdout.Write(buf.Bytes())
	} else {
		_, _ = stderr.Write(buf.Bytes())
	}
}

// parseCommandConfig is app.ParseConfig for the command name, with its usage
// text (configUsage), its help on stdout and its flag errors on stderr.
func parseCommandConfig(name string, args []string, getenv func(string) string, stdout, stderr io.Writer) (*app.Config, error) {
	var buf bytes.Buffer
	cfg, err := app.ParseConfig(name, args, getenv, &buf, func(fs *flag.FlagSet) { configUsage(fs, name) })
	routeFlagOutput(err, &buf, stdout, stderr)
	return cfg, err
}

// cli runs a command line and returns its exit status: 0 when the command
// succeeded or printed the help asked for (on stdout), 2 for a wrong command
// line (the error and the usage on stderr), 1 when the command failed.
func cli(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	err := run(ctx, args, getenv, stdout, stderr)
	var ue *app.UsageError
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		if !ue.Shown {
			fmt.Fprintln(stderr, "mms:", ue.Err)
		}
		return 2
	default:
		fmt.Fprintln(stderr, "mms:", err)
		return 1
	}
}

// runHelp implements `mms help [COMMAND]`: the help of mms or of a command, on
// stdout.
func runHelp(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return run(ctx, []string{"--help"}, getenv, stdout, stderr)
	}
	if args[0] == "help" {
		return app.UsageErrorf("usage: mms help [COMMAND] (commands: %s)", cliCommandNames())
	}
	return run(ctx, append(append([]string(nil), args...), "--help"), getenv, stdout, stderr)
}

// cliCommandNames lists the commands, for errors.
func cliCommandNames() string {
	names := make([]string, len(cliCommands))
	for i, c := range cliCommands {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

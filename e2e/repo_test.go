package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// repoRoot is the repository's root directory, where README.md, examples/,
// testdata/, scripts/, studio/ and docs/ are: go test runs these tests in e2e/.
func repoRoot() string { return ".." }

// repoPath is the path of the repository file rel (slash-separated, relative
// to the root).
func repoPath(rel string) string { return filepath.Join(repoRoot(), filepath.FromSlash(rel)) }

// repoCommand is exec.Command run in the repository's root, as the README's
// commands are: the paths it is given, and those its scripts use, are relative
// to the root.
func repoCommand(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = repoRoot()
	return cmd
}

// runMMS runs the mms binary (buildBinary) with args in exactly the environment
// env (nothing inherited), as a shell would: its output goes to stdout and
// stderr. Cancelling ctx interrupts it (SIGINT, as Ctrl-C). It answers nil when
// mms exits 0, else an *mmsExit with the error mms printed.
func runMMS(t testing.TB, ctx context.Context, args []string, env map[string]string, stdout, stderr io.Writer) error {
	t.Helper()
	cmd := exec.CommandContext(ctx, buildBinary(t), args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.Env = []string{} // not nil: nil would inherit this process's environment
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	sort.Strings(cmd.Env)
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, io.MultiWriter(stderr, &errOut)
	err := cmd.Run()
	if err == nil {
		return nil
	}
	code := -1
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		t.Fatalf("mms %s: %v", strings.Join(args, " "), err)
	}
	msg := fmt.Sprintf("exit status %d", code)
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if m, ok := strings.CutPrefix(lines[i], "mms: "); ok {
			msg = m
			break
		}
	}
	return &mmsExit{Code: code, Msg: msg}
}

// mmsExit is a run of mms that failed: its exit status (1: the command failed,
// 2: a wrong command line) and the error it printed ("mms: ..." on stderr).
type mmsExit struct {
	Code int
	Msg  string
}

func (e *mmsExit) Error() string { return fmt.Sprintf("%s (exit status %d)", e.Msg, e.Code) }

// Package mongodbtest lets the test suites run against an external MongoDB
// deployment instead of the embedded store: with MMS_TEST_MONGODB_URI set, every
// TestMain that would start the embedded FerretDB uses that deployment, each
// package and test in a database of its own (DBName), dropped when it is done.
//
//	MMS_TEST_MONGODB_URI=mongodb://host:27017/?replicaSet=rs0 go test -timeout 30m ./...
//
// It imports nothing of MMS, so the mongodb package's own tests use it too.
package mongodbtest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
)

// EnvURI names the variable that holds the external deployment's connection string.
const EnvURI = "MMS_TEST_MONGODB_URI"

// URI is the external deployment's connection string; "" when the tests use the
// embedded store.
func URI() string { return os.Getenv(EnvURI) }

// run tells this test process's databases from those of other runs sharing the
// deployment (another package's tests, another CI job).
var run = func() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}()

var seq atomic.Int64

// DBName returns a database name no other test or run uses: prefix, this
// process's random run id and a sequence number. Keep prefix short: MongoDB
// allows 63 bytes, and FerretDB over PostgreSQL makes it a schema name.
func DBName(prefix string) string { return fmt.Sprintf("%s_%s_%d", prefix, run, seq.Add(1)) }

// SkipExternal skips t when the suite runs against an external deployment; why
// says what the test needs of the embedded store.
func SkipExternal(t testing.TB, why string) {
	t.Helper()
	if URI() != "" {
		t.Skipf("%s is set: %s", EnvURI, why)
	}
}

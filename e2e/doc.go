// Package e2e holds MMS's end-to-end tests and benchmarks: each test server is
// the real app (package app) behind the real HTTP transport, on a database of
// its own in one store the package starts (TestMain: an embedded FerretDB, or
// the deployment MMS_TEST_MONGODB_URI names); the tests of the mms command
// run the built binary (runMMS). The files are split by area (security_*,
// snapshot_*, predict_*, annotate_*, ...). The tests run in e2e/; repository
// files are reached through repoRoot.
package e2e

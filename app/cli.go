package app

import (
	"fmt"

	"github.com/mms-platform/mms/auth"
)

// UsageError is a wrong command line: the mms command exits 2. Shown is set
// when the error and the usage are already on the output (the flag package
// prints them).
type UsageError struct {
	Err   error
	Shown bool
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// UsageErrorf is a wrong command line, not printed yet.
func UsageErrorf(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// AuditCheckpoints is the signed-checkpoint configuration from cfg: the signing
// key (none: no checkpoints are written), the interval and the public keys of
// earlier signing keys.
func AuditCheckpoints(cfg *Config, st auth.CheckpointStore) (*auth.Checkpoints, error) {
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

package app

import (
	"encoding/base64"
	"io"
	"strings"
	"testing"
)

func TestConfig(t *testing.T) {
	t.Parallel()
	var help strings.Builder
	_, err := ParseConfig("mms", []string{"--help"}, func(string) string { return "" }, &help, nil)
	if err == nil || !strings.Contains(help.String(), "MMS_ADDR") || !strings.Contains(help.String(), "MONGODB_URI") {
		t.Errorf("--help: %v %q", err, help.String())
	}
	if _, err := ParseConfig("mms", nil, func(k string) string {
		return map[string]string{"MMS_MAX_DEPTH": "deep"}[k]
	}, io.Discard, nil); err == nil || !strings.Contains(err.Error(), "MMS_MAX_DEPTH") {
		t.Errorf("bad env number: %v", err)
	}
	cfg, _ := ParseConfig("mms", []string{"--addr", ":9"}, func(k string) string {
		return map[string]string{"MMS_ADDR": ":1", "MMS_MAX_BODY": "10"}[k]
	}, io.Discard, nil)
	if cfg.Addr != ":9" || cfg.MaxBody != 10 {
		t.Errorf("flag over env: %+v", cfg)
	}
}

// TestHelpShowsNoSecrets: --help names every secret's variable but never prints
// a value set in the environment.
func TestHelpShowsNoSecrets(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"MMS_ADMIN_KEY":           "mms_secretadmin0123456789abcdef012345678",
		"MMS_JWT_SECRET":          "jwt-secret-0123456789abcdef0123456789abcdef",
		"MMS_AUDIT_SIGNING_KEY":   "c2lnbmluZy1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZjA=",
		"MMS_ENCRYPTION_KEY":      "k1:ZW5jcnlwdGlvbi1zZWNyZXQtMDEyMzQ1Njc4OWFiY2Q=",
		"MMS_ENCRYPTION_OLD_KEYS": "k0:b2xkLWVuY3J5cHRpb24tc2VjcmV0LTAxMjM0NTY3ODk=",
	}
	var help strings.Builder
	_, _ = ParseConfig("mms", []string{"--help"}, func(k string) string { return env[k] }, &help, nil)
	for name, value := range env {
		if !strings.Contains(help.String(), name) || strings.Contains(help.String(), value) {
			t.Errorf("--help with %s set: names it %v, prints its value %v", name, strings.Contains(help.String(), name), strings.Contains(help.String(), value))
		}
	}
	// The values still reach the configuration.
	cfg, err := ParseConfig("mms", nil, func(k string) string { return env[k] }, io.Discard, nil)
	if err != nil || cfg.AdminKey != env["MMS_ADMIN_KEY"] || cfg.JWTSecret != env["MMS_JWT_SECRET"] {
		t.Errorf("config: %v (secrets not applied)", err)
	}
}

func TestAuditCheckpointConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"MMS_AUDIT_SIGNING_KEY": "c2hvcnQ="}, "audit signing key"},
		{map[string]string{"MMS_AUDIT_CHECKPOINT_EVERY": "0"}, "MMS_AUDIT_CHECKPOINT_EVERY"},
		{map[string]string{"MMS_AUDIT_VERIFY_KEYS": "nope"}, "audit verify key"},
	} {
		cfg, err := ParseConfig("mms", nil, func(k string) string { return tc.env[k] }, io.Discard, nil)
		if err == nil {
			_, err = AuditCheckpoints(cfg, nil)
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error about %s", tc.env, err, tc.want)
		}
	}
	// The key never shows in --help.
	var help strings.Builder
	secret := base64.StdEncoding.EncodeToString(make([]byte, 32))
	_, _ = ParseConfig("mms", []string{"--help"}, func(k string) string {
		return map[string]string{"MMS_AUDIT_SIGNING_KEY": secret}[k]
	}, &help, nil)
	if !strings.Contains(help.String(), "MMS_AUDIT_SIGNING_KEY") || strings.Contains(help.String(), secret) {
		t.Errorf("--help: %q", help.String())
	}
}

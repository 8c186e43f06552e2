package e2e

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/mongodb"
)

const verifyAuditQuery = `{ verifyAudit { ok checked firstBrokenSeq signed checkpoints firstBadCheckpoint checkpointProblem } }`

func TestAuditCheckpointsSignedServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	seed := make([]byte, 32)
	if _, err := rand.Read(seed); err != nil {
		t.Fatal(err)
	}
	signing := base64.StdEncoding.EncodeToString(seed)
	env := map[string]string{"MMS_AUDIT_SIGNING_KEY": signing, "MMS_AUDIT_CHECKPOINT_EVERY": "4"}
	s := newTestServer(t, env)
	for i := range 10 {
		s.mustGQL(t, testAdminKey, `mutation($id: ID!) { createTeam(input: {id: $id, name: "T"}) { id } }`, map[string]any{"id": fmt.Sprintf("t%d", i)})
	}

	r := s.mustGQL(t, testAdminKey, verifyAuditQuery, nil)
	checked := int(r.get("verifyAudit", "checked").(float64))
	if r.get("verifyAudit", "ok") != true || r.get("verifyAudit", "signed") != true || checked < 10 ||
		r.get("verifyAudit", "checkpoints") != float64(checked/4) || r.get("verifyAudit", "firstBadCheckpoint") != nil {
		t.Fatalf("untouched signed chain: %v", r.Data)
	}
	cps := rawCollection(t, s.cfg.DBName, "audit_checkpoints")
	if n, err := cps.CountDocuments(ctx, bson.D{}); err != nil || n != int64(checked/4) {
		t.Fatalf("%d checkpoints stored (%v), want one per 4 of %d records", n, err, checked)
	}

	var out strings.Builder
	cli := func(args []string, env map[string]string) error {
		out.Reset()
		args = append(args, "--mongodb-uri", testStoreURI, "--db", s.cfg.DBName)
		return runMMS(t, ctx, append([]string{"audit"}, args...), env, &out, io.Discard)
	}
	if err := cli([]string{"verify"}, env); err != nil || !strings.Contains(out.String(), fmt.Sprintf("audit checkpoints ok: %d signed", checked/4)) {
		t.Errorf("mms audit verify: %v %q", err, out.String())
	}
	// A verifier holding only the public key.
	if err := cli([]string{"public-key"}, env); err != nil || !strings.Contains(out.String(), "keyId=") {
		t.Fatalf("mms audit public-key: %v %q", err, out.String())
	}
	pub := strings.Fields(out.String())[0]
	if err := cli([]string{"verify"}, map[string]string{"MMS_AUDIT_VERIFY_KEYS": pub}); err != nil || !strings.Contains(out.String(), "audit checkpoints ok") {
		t.Errorf("mms audit verify with the public key only: %v %q", err, out.String())
	}

	// A checkpoint whose signature was changed, then one signed with another key.
	badCheckpoint := func(seq int64, problem string) {
		t.Helper()
		r := s.mustGQL(t, testAdminKey, verifyAuditQuery, nil)
		if r.get("verifyAudit", "ok") != false || r.get("verifyAudit", "firstBadCheckpoint") != float64(seq) ||
			!strings.Contains(r.str("verifyAudit", "checkpointProblem"), problem) {
			t.Errorf("verifyAudit: %v, want checkpoint %d: %s", r.Data, seq, problem)
		}
	}
	var orig bson.M
	if err := cps.FindOne(ctx, bson.D{{Key: "_id", Value: int64(8)}}).Decode(&orig); err != nil {
		t.Fatal(err)
	}
	sig := append([]byte(nil), orig["signature"].(bson.Binary).Data...)
	sig[0] ^= 0x80
	if _, err := cps.UpdateOne(ctx, bson.D{{Key: "_id", Value: int64(8)}}, bson.D{{Key: "$set", Value: bson.D{{Key: "signature", Value: sig}}}}); err != nil {
		t.Fatal(err)
	}
	badCheckpoint(8, "invalid signature")
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	forged := auth.SignCheckpoint(other, 8, orig["hash"].(string), 4, time.Now())
	if _, err := cps.ReplaceOne(ctx, bson.D{{Key: "_id", Value: int64(8)}}, bson.D{
		{Key: "hash", Value: forged.Hash}, {Key: "at", Value: forged.At}, {Key: "every", Value: forged.Every},
		{Key: "keyId", Value: forged.KeyID}, {Key: "signature", Value: forged.Signature},
	}); err != nil {
		t.Fatal(err)
	}
	badCheckpoint(8, "unknown key")
	if _, err := cps.ReplaceOne(ctx, bson.D{{Key: "_id", Value: int64(8)}}, orig); err != nil {
		t.Fatal(err)
	}
	if r := s.mustGQL(t, testAdminKey, verifyAuditQuery, nil); r.get("verifyAudit", "ok") != true {
		t.Fatalf("checkpoint restored: %v", r.Data)
	}

	// Rewrite record 2 and recompute every hash after it, consistently.
	db, err := mongodb.Open(testStoreURI, s.cfg.DBName)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	var recs []model.AuditRecord
	if err := db.ScanAudit(ctx, func(r model.AuditRecord) error { recs = append(recs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	audit := rawCollection(t, s.cfg.DBName, "audit")
	for i := 1; i < len(recs); i++ {
		if i == 1 {
			recs[i].Decision, recs[i].Summary = model.DecisionDeny, "never happened"
		}
		recs[i].PrevHash = recs[i-1].Hash
		recs[i].Hash = auth.HashAuditRecord(recs[i])
		if _, err := audit.UpdateOne(ctx, bson.D{{Key: "_id", Value: recs[i].Seq}}, bson.D{{Key: "$set", Value: bson.D{
			{Key: "decision", Value: recs[i].Decision}, {Key: "summary", Value: recs[i].Summary},
			{Key: "prevHash", Value: recs[i].PrevHash}, {Key: "hash", Value: recs[i].Hash},
		}}}); err != nil {
			t.Fatal(err)
		}
	}
	// The hash walk alone finds nothing...
	if err := cli([]string{"verify"}, nil); err != nil || !strings.Contains(out.String(), "audit chain ok") || !strings.Contains(out.String(), "not checked") {
		t.Errorf("mms audit verify without keys on the rewritten chain: %v %q", err, out.String())
	}
	// ...the checkpoints do.
	r = s.mustGQL(t, testAdminKey, verifyAuditQuery, nil)
	if r.get("verifyAudit", "firstBrokenSeq") != nil || r.get("verifyAudit", "checked").(float64) < float64(checked) {
		t.Errorf("hash walk over the rewritten chain: %v", r.Data)
	}
	badCheckpoint(4, "differs from the signed hash")
	if err := cli([]string{"verify"}, env); err == nil || !strings.Contains(out.String(), "audit checkpoint BAD at seq 4") {
		t.Errorf("mms audit verify on the rewritten chain: %v %q", err, out.String())
	}
}

func TestAuditCheckpointsUnsignedServer(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, map[string]string{"MMS_AUDIT_CHECKPOINT_EVERY": "2"})
	for i := range 5 {
		s.mustGQL(t, testAdminKey, `mutation($id: ID!) { createTeam(input: {id: $id, name: "T"}) { id } }`, map[string]any{"id": fmt.Sprintf("t%d", i)})
	}
	r := s.mustGQL(t, testAdminKey, verifyAuditQuery, nil)
	if r.get("verifyAudit", "ok") != true || r.get("verifyAudit", "signed") != false || r.get("verifyAudit", "checkpoints") != float64(0) {
		t.Errorf("verifyAudit without a signing key: %v", r.Data)
	}
	if n, err := rawCollection(t, s.cfg.DBName, "audit_checkpoints").CountDocuments(context.Background(), bson.D{}); err != nil || n != 0 {
		t.Errorf("%d checkpoints without a signing key (%v)", n, err)
	}
}

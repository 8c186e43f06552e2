package mongodb

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/model"
)

// Signed audit checkpoints are stored with _id = seq, so that only one exists per
// seq however many instances write it (a plain insert: the unique _id decides),
// and every lookup is a lone _id equality, which the embedded store pushes down.
const colAuditCheckpoints = "audit_checkpoints"

type auditCheckpointDoc struct {
	Seq       int64     `bson:"_id"`
	Hash      string    `bson:"hash"`
	At        time.Time `bson:"at"`
	Every     int64     `bson:"every"`
	KeyID     string    `bson:"keyId"`
	Signature []byte    `bson:"signature"`
}

func (c *auditCheckpointDoc) toModel() *model.AuditCheckpoint {
	cp := model.AuditCheckpoint(*c)
	cp.At = cp.At.UTC()
	return &cp
}

// InsertCheckpoint stores cp; one at the same seq fails with model.ECONFLICT.
func (d *DB) InsertCheckpoint(ctx context.Context, cp model.AuditCheckpoint) error {
	_, err := d.db.Collection(colAuditCheckpoints).InsertOne(ctx, auditCheckpointDoc(cp))
	return translate(err)
}

// Checkpoint returns the checkpoint at seq, nil when there is none.
func (d *DB) Checkpoint(ctx context.Context, seq int64) (*model.AuditCheckpoint, error) {
	var doc auditCheckpointDoc
	err := d.db.Collection(colAuditCheckpoints).FindOne(ctx, bson.D{{Key: "_id", Value: seq}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	return doc.toModel(), nil
}

// ScanCheckpoints calls fn for every checkpoint in ascending seq order.
func (d *DB) ScanCheckpoints(ctx context.Context, fn func(model.AuditCheckpoint) error) error {
	cur, err := d.db.Collection(colAuditCheckpoints).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return translate(err)
	}
	return each(ctx, cur, func(doc *auditCheckpointDoc) error { return fn(*doc.toModel()) })
}

// AuditRecord returns the audit record at seq, nil when there is none.
func (d *DB) AuditRecord(ctx context.Context, seq int64) (*model.AuditRecord, error) {
	var doc auditDoc
	err := d.db.Collection(colAudit).FindOne(ctx, bson.D{{Key: "_id", Value: seq}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	return doc.toModel(), nil
}

package mongodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/fieldcrypt"
	"github.com/mms-platform/mms/model"
)

const (
	colIngestions = "ingestions"
	bucketSources = "sources"
)

func rejectsCollection(ingestion string) string { return "rejects_" + ingestion }

type ingestionDoc struct {
	ID             string     `bson:"_id"`
	Dataset        string     `bson:"dataset"`
	Source         string     `bson:"source"`
	Format         string     `bson:"format"`
	Mode           string     `bson:"mode"`
	Status         string     `bson:"status"`
	Job            string     `bson:"job"`
	Read           int        `bson:"read"`
	Inserted       int        `bson:"inserted"`
	Updated        int        `bson:"updated"`
	Unchanged      int        `bson:"unchanged"`
	Rejected       int        `bson:"rejected"`
	DatasetVersion *int       `bson:"datasetVersion,omitempty"`
	FailedChecks   []string   `bson:"failedChecks"`
	Report         any        `bson:"report,omitempty"`
	Spec           any        `bson:"spec,omitempty"`
	Error          *string    `bson:"error,omitempty"`
	CreatedBy      string     `bson:"createdBy"`
	CreatedAt      time.Time  `bson:"createdAt"`
	FinishedAt     *time.Time `bson:"finishedAt,omitempty"`
}

// SaveIngestion inserts or replaces an ingestion record.
func (d *DB) SaveIngestion(ctx context.Context, in *model.Ingestion) error {
	doc := ingestionDoc{
		ID: in.ID, Dataset: in.Dataset, Source: in.Source, Format: string(in.Format), Mode: string(in.Mode),
		Status: string(in.Status), Job: in.Job, Read: in.Read, Inserted: in.Inserted, Updated: in.Updated,
		Unchanged: in.Unchanged, Rejected: in.Rejected, DatasetVersion: in.DatasetVersion,
		FailedChecks: in.FailedChecks, Report: in.Report, Spec: in.Spec, Error: in.Error,
		CreatedBy: in.CreatedBy, CreatedAt: in.CreatedAt, FinishedAt: in.FinishedAt,
	}
	_, err := d.db.Collection(colIngestions).ReplaceOne(ctx, bson.D{{Key: "_id", Value: in.ID}}, doc, options.Replace().SetUpsert(true))
	return translate(err)
}

// Ingestion returns an ingestion; model.ENOTFOUND if none.
func (d *DB) Ingestion(ctx context.Context, id string) (*model.Ingestion, error) {
	var doc ingestionDoc
	if err := d.db.Collection(colIngestions).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc); err != nil {
		return nil, notFound(err, "ingestion %q", id)
	}
	return doc.model(), nil
}

// model converts a stored ingestion.
func (doc *ingestionDoc) model() *model.Ingestion {
	in := &model.Ingestion{
		ID: doc.ID, Dataset: doc.Dataset, Source: doc.Source, Format: model.Format(doc.Format), Mode: model.WriteMode(doc.Mode),
		Status: model.JobStatus(doc.Status), Job: doc.Job, Read: doc.Read, Inserted: doc.Inserted, Updated: doc.Updated,
		Unchanged: doc.Unchanged, Rejected: doc.Rejected, DatasetVersion: doc.DatasetVersion,
		FailedChecks: doc.FailedChecks, Report: plain(doc.Report), Spec: plain(doc.Spec), Error: doc.Error,
		CreatedBy: doc.CreatedBy, CreatedAt: doc.CreatedAt.UTC(), FinishedAt: doc.FinishedAt,
	}
	if in.FailedChecks == nil {
		in.FailedChecks = []string{}
	}
	return in
}

// DatasetIngestions returns up to limit ingestions into dataset, newest first
// (by createdAt, then id, both descending), and how many there are in all.
// With before set (an ingestion's createdAt and id, as returned), only those
// that come after it in that order.
func (d *DB) DatasetIngestions(ctx context.Context, dataset string, before *model.Ingestion, limit int) ([]*model.Ingestion, int, error) {
	col := d.db.Collection(colIngestions)
	scope := bson.D{{Key: "dataset", Value: dataset}}
	total, err := d.count(ctx, col, scope)
	if err != nil {
		return nil, 0, translate(err)
	}
	page := append(bson.D{}, scope...)
	if before != nil {
		page = append(page, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: before.CreatedAt}}}},
			bson.D{{Key: "createdAt", Value: before.CreatedAt}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: before.ID}}}},
		}})
	}
	cur, err := col.Find(ctx, page, options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, 0, translate(err)
	}
	var out []*model.Ingestion
	if err := each(ctx, cur, func(doc *ingestionDoc) error {
		out = append(out, doc.model())
		return nil
	}); err != nil {
		return nil, 0, err
	}
	return out, int(total), nil
}

type rejectDoc struct {
	Seq     int      `bson:"_id"`
	Line    int      `bson:"line"`
	Reasons []string `bson:"reasons"`
	Raw     string   `bson:"raw,omitempty"`
	// Sealed holds reasons and raw, encrypted, instead of the two fields above
	// when the dataset has sensitive fields: a rejected row is every field of
	// it in plain text, and a reason may quote a value.
	Sealed []byte `bson:"sealed,omitempty"`
}

// rejectPlace binds a sealed reject to its dataset, ingestion and seq.
func rejectPlace(dataset, ingestion string, seq int) fieldcrypt.Place {
	return fieldcrypt.Place{Dataset: dataset, Field: "_reject", Doc: ingestion + "/" + strconv.Itoa(seq)}
}

type sealedReject struct {
	Reasons []string `json:"reasons"`
	Raw     *string  `json:"raw"`
}

// InsertRejects stores rejected rows of an ingestion into dataset; seq numbers
// them in order. Re-inserting the same seq is ignored, so a retried batch is
// harmless. For a dataset with sensitive fields they are stored sealed with
// the encryption key (model.EUNAVAILABLE without one).
func (d *DB) InsertRejects(ctx context.Context, dataset, ingestion string, first int, rejects []*model.Reject) error {
	if len(rejects) == 0 {
		return nil
	}
	sensitive, err := d.SensitiveFields(ctx, dataset)
	if err != nil {
		return err
	}
	keys := d.Keyring()
	if len(sensitive) > 0 && keys == nil {
		return errNoKeyring(dataset)
	}
	docs := make([]any, len(rejects))
	for i, r := range rejects {
		doc := rejectDoc{Seq: first + i, Line: r.Line, Reasons: r.Reasons}
		if len(sensitive) > 0 {
			pt, err := json.Marshal(sealedReject{Reasons: r.Reasons, Raw: r.Raw})
			if err != nil {
				return err
			}
			if doc.Sealed, err = keys.Seal(rejectPlace(dataset, ingestion, doc.Seq), pt); err != nil {
				return err
			}
			doc.Reasons = nil
		} else if r.Raw != nil {
			doc.Raw = *r.Raw
		}
		docs[i] = doc
	}
	_, err = d.db.Collection(rejectsCollection(ingestion)).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) {
		for _, we := range bwe.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return translate(err)
			}
		}
		return nil
	}
	return translate(err)
}

// Rejects returns up to limit rejects of an ingestion into dataset with seq >
// after, and the total. Sealed rejects are opened.
func (d *DB) Rejects(ctx context.Context, dataset, ingestion string, after, limit int) ([]*model.Reject, []int, int, error) {
	col := d.db.Collection(rejectsCollection(ingestion))
	total, err := d.count(ctx, col, bson.D{})
	if err != nil {
		return nil, nil, 0, translate(err)
	}
	cur, err := col.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, nil, 0, translate(err)
	}
	var docs []rejectDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, nil, 0, translate(err)
	}
	out := make([]*model.Reject, len(docs))
	seqs := make([]int, len(docs))
	for i, r := range docs {
		raw := r.Raw
		out[i] = &model.Reject{Line: r.Line, Reasons: r.Reasons, Raw: &raw}
		seqs[i] = r.Seq
		if r.Sealed == nil {
			continue
		}
		pt, err := openBytes(d.Keyring(), dataset, "_reject", ingestion+"/"+strconv.Itoa(r.Seq), r.Sealed)
		if err != nil {
			return nil, nil, 0, err
		}
		var sr sealedReject
		if err := json.Unmarshal(pt, &sr); err != nil {
			return nil, nil, 0, fmt.Errorf("ingestion %q: sealed reject %d: %w", ingestion, r.Seq, err)
		}
		out[i].Reasons, out[i].Raw = sr.Reasons, sr.Raw
	}
	return out, seqs, int(total), nil
}

// DropRejects deletes an ingestion's rejects (before a re-run of pass 1).
func (d *DB) DropRejects(ctx context.Context, ingestion string) error {
	return translate(d.db.Collection(rejectsCollection(ingestion)).Drop(ctx))
}

// LockDataset takes the dataset's write lock for owner until until, if it is
// free, expired or already owner's. Every writer of a dataset's documents holds
// it, which is what makes read-merge-write safe without transactions.
//
// Taking a free lock first completes an ingestion into the dataset that
// committed but did not finish (its server died while applying it, see
// staging.go), so every writer finds the dataset whole; an error there is
// returned with the lock released.
func (d *DB) LockDataset(ctx context.Context, id, owner string, now, until time.Time) (bool, error) {
	ok, fresh, err := d.lockFresh(ctx, "dataset:"+id, owner, now, until)
	if !ok || !fresh || err != nil {
		return ok, err
	}
	if err := d.settle(ctx, id); err != nil {
		_ = d.UnlockDataset(context.WithoutCancel(ctx), id, owner)
		return false, err
	}
	return true, nil
}

// UnlockDataset releases owner's lock.
func (d *DB) UnlockDataset(ctx context.Context, id, owner string) error {
	_, err := d.db.Collection(colLocks).DeleteOne(ctx, bson.D{{Key: "_id", Value: "dataset:" + id}, {Key: "owner", Value: owner}})
	return translate(err)
}

// DatasetLockHolder returns the owner of a dataset's write lock ("" if free).
func (d *DB) DatasetLockHolder(ctx context.Context, id string) (string, error) {
	var held struct {
		Owner string `bson:"owner"`
	}
	err := d.db.Collection(colLocks).FindOne(ctx, bson.D{{Key: "_id", Value: "dataset:" + id}}).Decode(&held)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	return held.Owner, translate(err)
}

// lock is a lease on a name, taken by inserting a document with that _id (the
// one atomic primitive on both MongoDB and FerretDB). An expired lease is
// removed (only if it is still the one seen) and the insert retried; the holder
// renews by moving its own expiry.
func (d *DB) lock(ctx context.Context, name, owner string, now, until time.Time) (bool, error) {
	ok, _, err := d.lockFresh(ctx, name, owner, now, until)
	return ok, err
}

// lockFresh is lock, also reporting whether the lease was newly taken (not
// renewed).
func (d *DB) lockFresh(ctx context.Context, name, owner string, now, until time.Time) (ok, fresh bool, err error) {
	col := d.db.Collection(colLocks)
	for range 3 {
		_, err := col.InsertOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "owner", Value: owner}, {Key: "until", Value: until}})
		if err == nil {
			return true, true, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return false, false, translate(err)
		}
		var held struct {
			Owner string    `bson:"owner"`
			Until time.Time `bson:"until"`
		}
		err = col.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&held)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue // released meanwhile
		}
		if err != nil {
			return false, false, translate(err)
		}
		switch {
		case held.Owner == owner:
			_, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "owner", Value: owner}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "until", Value: until}}}})
			return err == nil, false, translate(err)
		case held.Until.Before(now):
			_, err := col.DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "owner", Value: held.Owner}, {Key: "until", Value: held.Until}})
			if err != nil {
				return false, false, translate(err)
			}
		default:
			return false, false, nil
		}
	}
	return false, false, nil
}

// FinishDatasetIngest records a completed ingestion on the dataset: the new
// version (only if the dataset is still at version-1), its schema when it had
// none, and its document count.
func (d *DB) FinishDatasetIngest(ctx context.Context, id string, version int, fields []model.FieldSpec, count int, at time.Time) error {
	set := bson.D{{Key: "version", Value: version}, {Key: "documentCount", Value: count}, {Key: "updatedAt", Value: at}}
	if fields != nil {
		set = append(set, bson.E{Key: "fields", Value: fields})
	}
	res, err := d.db.Collection(colDatasets).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version - 1}},
		bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return model.Errorf(model.ECONFLICT, "dataset %q changed version during the ingestion", id)
	}
	return nil
}

// SetDatasetFields sets a dataset's schema if it has none yet.
func (d *DB) SetDatasetFields(ctx context.Context, id string, fields []model.FieldSpec) error {
	_, err := d.db.Collection(colDatasets).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "fields", Value: bson.D{{Key: "$size", Value: 0}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "fields", Value: fields}}}})
	return translate(err)
}

// PutSource stores a source's bytes where whichever instance runs the job can
// read them, and returns an id and the size: GridFS on MongoDB; on the embedded
// store a file in its data directory, since FerretDB can neither push down the
// chunk lookups of GridFS nor bound the size of their replies.
func (d *DB) PutSource(ctx context.Context, name string, r io.Reader) (string, int64, error) {
	id := bson.NewObjectID().Hex()
	if d.embedded != nil {
		n, err := d.embedded.putFile("sources", id, r)
		return id, n, err
	}
	b := d.db.GridFSBucket(options.GridFSBucket().SetName(bucketSources))
	up, err := b.OpenUploadStreamWithID(ctx, id, name)
	if err != nil {
		return "", 0, translate(err)
	}
	n, err := io.Copy(up, r)
	if err != nil {
		_ = up.Abort()
		return "", 0, err
	}
	if err := up.Close(); err != nil {
		return "", 0, translate(err)
	}
	return id, n, nil
}

// OpenSource streams a stored source.
func (d *DB) OpenSource(ctx context.Context, id string) (io.ReadCloser, error) {
	if d.embedded != nil {
		f, _, err := d.embedded.openFile("sources", id)
		return f, err
	}
	s, _, err := d.openGridFile(ctx, bucketSources, id)
	if errors.Is(err, mongo.ErrFileNotFound) {
		return nil, model.Errorf(model.ENOTFOUND, "source %q not found", id)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// DeleteSource removes a stored source (missing ones are ignored).
func (d *DB) DeleteSource(ctx context.Context, id string) error {
	if d.embedded != nil {
		return d.embedded.removeFile("sources", id)
	}
	err := d.db.GridFSBucket(options.GridFSBucket().SetName(bucketSources)).Delete(ctx, id)
	if errors.Is(err, mongo.ErrFileNotFound) {
		return nil
	}
	return translate(err)
}

const bucketMedia = "media"

// PutBlob stores a media file's bytes under id (content-addressed by the caller,
// e.g. "sha256:<hex>"); bytes already stored under id are kept. Like sources,
// blobs live in GridFS on MongoDB and in files on the embedded store.
func (d *DB) PutBlob(ctx context.Context, id, name string, r io.Reader) error {
	if d.embedded != nil {
		if _, _, err := d.embedded.openFile("media", blobFile(id)); err == nil {
			return nil
		}
		_, err := d.embedded.putFile("media", blobFile(id), r)
		return err
	}
	b := d.db.GridFSBucket(options.GridFSBucket().SetName(bucketMedia))
	err := d.db.Collection(bucketMedia+".files").FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err()
	if err == nil {
		return nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return translate(err)
	}
	up, err := b.OpenUploadStreamWithID(ctx, id, name)
	if err != nil {
		return translate(err)
	}
	if _, err := io.Copy(up, r); err != nil {
		_ = up.Abort()
		return err
	}
	if err := up.Close(); err != nil && !mongo.IsDuplicateKeyError(err) {
		return translate(err)
	}
	return nil
}

// OpenBlob streams a stored media file; model.ENOTFOUND if there is none.
func (d *DB) OpenBlob(ctx context.Context, id string) (io.ReadCloser, int64, error) {
	if d.embedded != nil {
		return d.embedded.openFile("media", blobFile(id))
	}
	s, n, err := d.openGridFile(ctx, bucketMedia, id)
	if errors.Is(err, mongo.ErrFileNotFound) {
		return nil, 0, model.Errorf(model.ENOTFOUND, "media %q not found", id)
	}
	if err != nil {
		return nil, 0, err
	}
	return s, n, nil
}

// blobFile turns a blob id ("sha256:<hex>") into a file name.
func blobFile(id string) string { return strings.ReplaceAll(id, ":", "-") }

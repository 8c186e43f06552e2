package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/model"
)

// An ingestion's write pass goes to a staging collection, stage_<datasetId>,
// never straight into the dataset: the staged documents are complete (merged,
// versioned, sealed as they will be stored), and nothing reads them but the
// ingestion itself. When the pass has ended, a commit record (ingest_commits,
// one per dataset) says the staging is final; the staged documents are then
// copied into the dataset (idempotently: a replace by _id), the dataset's
// version and count are moved on, and the record and the staging are dropped.
//
// So a failure before the commit record leaves the dataset as it was (the
// staging is dropped: roll back), and a failure after it is completed by the
// next writer of the dataset, which finds the record when it takes the
// dataset's lock (roll forward). FerretDB has no transactions; this needs only
// single-document atomicity (the record's insert and delete).
//
// While the copy runs (after the commit record, before the dataset's version
// moves) readers of documents see some documents at the new version and
// others at the old one; the copy is a plain replace of stored bytes, so that
// window is short, and a crash inside it is completed on the next lock.

const colCommits = "ingest_commits"

func stageCollection(dataset string) string { return "stage_" + dataset }

// commitDoc is the commit record of an ingestion into a dataset.
type commitDoc struct {
	Dataset   string            `bson:"_id"`
	Ingestion string            `bson:"ingestion"`
	Version   int               `bson:"version"`
	Fields    []model.FieldSpec `bson:"fields,omitempty"`
	Count     int               `bson:"count"`
	At        time.Time         `bson:"at"`
}

// StageDocuments writes an ingestion's documents into the dataset's staging
// collection: new keys are inserted (a key staged already comes back as a
// conflict, to be re-read and merged), other writes replace or create the
// staged document. Values of sensitive fields are sealed for the dataset.
func (d *DB) StageDocuments(ctx context.Context, dataset string, writes []model.DocumentWrite) (conflicts []string, err error) {
	col := d.db.Collection(stageCollection(dataset))
	sealer, err := d.sealerFor(ctx, dataset)
	if err != nil {
		return nil, err
	}
	var newRaws, putRaws []bson.Raw
	var newKeys, putKeys []string
	for _, w := range writes {
		raw, err := encodeDoc(w.Doc, sealer)
		if err != nil {
			return nil, err
		}
		if w.Expect == 0 {
			newRaws, newKeys = append(newRaws, raw), append(newKeys, w.Doc.Key)
		} else {
			putRaws, putKeys = append(putRaws, raw), append(putKeys, w.Doc.Key)
		}
	}
	dups, err := insertRaw(ctx, col, newRaws)
	if err != nil {
		return nil, err
	}
	for _, i := range dups {
		conflicts = append(conflicts, newKeys[i])
	}
	return conflicts, d.putRaw(ctx, col, putKeys, putRaws, true)
}

// insertRaw inserts documents unordered and returns the indexes of those
// whose _id exists already.
func insertRaw(ctx context.Context, col *mongo.Collection, raws []bson.Raw) ([]int, error) {
	if len(raws) == 0 {
		return nil, nil
	}
	docs := make([]any, len(raws))
	for i, r := range raws {
		docs[i] = r
	}
	_, err := col.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
		var dups []int
		for _, we := range bwe.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return nil, translate(err)
			}
			dups = append(dups, we.Index)
		}
		return dups, nil
	}
	return nil, translate(err)
}

// putRaw stores documents by _id whether they exist or not. It uses no
// upserts: FerretDB does not push an upsert's _id filter down, so each would
// scan the collection. insertFirst inserts and replaces the duplicates (for
// mostly new keys); otherwise it replaces and inserts what matched nothing.
func (d *DB) putRaw(ctx context.Context, col *mongo.Collection, keys []string, raws []bson.Raw, insertFirst bool) error {
	replace := func(idx []int) (int, error) {
		models := make([]mongo.WriteModel, len(idx))
		for i, j := range idx {
			models[i] = mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: keys[j]}}).SetReplacement(raws[j])
		}
		matched, _, err := d.bulkUpdate(ctx, col, models)
		return matched, err
	}
	all := make([]int, len(raws))
	for i := range all {
		all[i] = i
	}
	if insertFirst {
		dups, err := insertRaw(ctx, col, raws)
		if err != nil {
			return err
		}
		_, err = replace(dups)
		return err
	}
	matched, err := replace(all)
	if err != nil || matched == len(raws) {
		return err
	}
	_, err = insertRaw(ctx, col, raws) // the ones replaced come back as duplicates
	return err
}

// StagedDocuments returns the staged documents among keys, by key.
func (d *DB) StagedDocuments(ctx context.Context, dataset string, keys []string) (map[string]*model.Document, error) {
	return d.docsByKey(ctx, dataset, stageCollection(dataset), keys)
}

// ResetStaging drops what a dataset's staging holds and creates it empty
// (with the _id index the embedded store needs for lookups by key).
func (d *DB) ResetStaging(ctx context.Context, dataset string) error {
	if err := d.DropStaged(ctx, dataset); err != nil {
		return err
	}
	if err := d.EnsureCollection(ctx, stageCollection(dataset)); err != nil {
		return err
	}
	return d.indexIDs(ctx)
}

// DropStaged drops a dataset's staging collection (missing is fine).
func (d *DB) DropStaged(ctx context.Context, dataset string) error {
	return translate(d.db.Collection(stageCollection(dataset)).Drop(ctx))
}

// CommitStaged records that the dataset's staging is final: from now on the
// ingestion is completed, by this writer or the next. It fails with
// model.ECONFLICT when the dataset is no longer at version c.Version-1 or
// another commit is pending.
func (d *DB) CommitStaged(ctx context.Context, c model.IngestCommit) error {
	ds, err := d.Dataset(ctx, c.Dataset)
	if err != nil {
		return err
	}
	if ds.Version != c.Version-1 {
		return model.Errorf(model.ECONFLICT, "dataset %q changed version during the ingestion", c.Dataset)
	}
	_, err = d.db.Collection(colCommits).InsertOne(ctx, commitDoc{
		Dataset: c.Dataset, Ingestion: c.Ingestion, Version: c.Version, Fields: c.Fields, Count: c.Count, At: c.At,
	})
	if mongo.IsDuplicateKeyError(err) {
		return model.Errorf(model.ECONFLICT, "dataset %q has another ingestion to complete first", c.Dataset)
	}
	return translate(err)
}

// PendingCommit returns the dataset's commit record, nil when none.
func (d *DB) PendingCommit(ctx context.Context, dataset string) (*model.IngestCommit, error) {
	var c commitDoc
	err := d.db.Collection(colCommits).FindOne(ctx, bson.D{{Key: "_id", Value: dataset}}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	return &model.IngestCommit{Dataset: c.Dataset, Ingestion: c.Ingestion, Version: c.Version, Fields: c.Fields, Count: c.Count, At: c.At.UTC()}, nil
}

// ApplyCommit completes a committed ingestion: it copies the staged documents
// into the dataset, moves the dataset to the commit's version (with its
// schema and count), marks the ingestion succeeded if nothing recorded its
// end, and drops the record and the staging. Every step can run again, so a
// crash anywhere inside is completed by the next call.
func (d *DB) ApplyCommit(ctx context.Context, c *model.IngestCommit) error {
	if err := d.applyStaged(ctx, c.Dataset); err != nil {
		return err
	}
	err := d.FinishDatasetIngest(ctx, c.Dataset, c.Version, c.Fields, c.Count, c.At)
	if model.ErrorCode(err) == model.ECONFLICT {
		// Finished before a crash: the dataset is at the version already.
		ds, derr := d.Dataset(ctx, c.Dataset)
		if derr != nil {
			return derr
		}
		if ds.Version < c.Version {
			return err
		}
	} else if err != nil {
		return err
	}
	if _, err := d.db.Collection(colIngestions).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: c.Ingestion}, {Key: "status", Value: bson.D{{Key: "$ne", Value: string(model.JobSucceeded)}}}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "status", Value: string(model.JobSucceeded)}, {Key: "datasetVersion", Value: c.Version}, {Key: "finishedAt", Value: time.Now().UTC()}}},
			{Key: "$unset", Value: bson.D{{Key: "error", Value: ""}}},
		}); err != nil {
		return translate(err)
	}
	if _, err := d.db.Collection(colCommits).DeleteOne(ctx, bson.D{{Key: "_id", Value: c.Dataset}}); err != nil {
		return translate(err)
	}
	return d.DropStaged(ctx, c.Dataset)
}

// applyStaged copies every staged document into the dataset by _id, as
// stored (sealed values stay sealed: both collections seal for the dataset).
// Documents at version 1 were new to the dataset when staged and are
// inserted first; the others replaced first.
func (d *DB) applyStaged(ctx context.Context, dataset string) error {
	// The move is a shortcut: when it fails (FerretDB's DDL can lose to
	// concurrent writers under load) the staging is still there, and the
	// copy below does the same work.
	if moved, err := d.moveStaged(ctx, dataset); err == nil && moved {
		return nil
	} else if err != nil {
		if ctx.Err() != nil {
			return err
		}
		// The empty collection may be dropped already: give it back its indexes.
		if err := d.EnsureDatasetCollection(ctx, dataset); err != nil {
			return err
		}
	}
	cur, err := d.db.Collection(stageCollection(dataset)).Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(applyBatch))
	if err != nil {
		return translate(err)
	}
	defer cur.Close(ctx)
	col := d.db.Collection(dsCollection(dataset))
	var newKeys, oldKeys []string
	var newRaws, oldRaws []bson.Raw
	flush := func() error {
		if err := d.putRaw(ctx, col, newKeys, newRaws, true); err != nil {
			return err
		}
		if err := d.putRaw(ctx, col, oldKeys, oldRaws, false); err != nil {
			return err
		}
		newKeys, oldKeys, newRaws, oldRaws = newKeys[:0], oldKeys[:0], newRaws[:0], oldRaws[:0]
		return nil
	}
	for cur.Next(ctx) {
		raw := make(bson.Raw, len(cur.Current))
		copy(raw, cur.Current)
		id, ok := raw.Lookup("_id").StringValueOK()
		if !ok {
			return fmt.Errorf("staged document of %s without a string _id", dataset)
		}
		if v, ok := raw.Lookup("version").AsInt64OK(); ok && v == 1 {
			newKeys, newRaws = append(newKeys, id), append(newRaws, raw)
		} else {
			oldKeys, oldRaws = append(oldKeys, id), append(oldRaws, raw)
		}
		if len(newKeys)+len(oldKeys) == applyBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := cur.Err(); err != nil {
		return translate(err)
	}
	return flush()
}

// moveStaged makes the staging the dataset's collection when the dataset has
// no documents: a rename, where a copy would write every document again. The
// empty collection is dropped first (FerretDB cannot rename over it); a crash
// in between leaves no collection, which reads as the same empty dataset, and
// the next apply renames again.
func (d *DB) moveStaged(ctx context.Context, dataset string) (bool, error) {
	n, err := d.count(ctx, d.db.Collection(dsCollection(dataset)), bson.D{})
	if err != nil {
		return false, translate(err)
	}
	if n > 0 {
		return false, nil
	}
	if err := d.db.Collection(dsCollection(dataset)).Drop(ctx); err != nil {
		return false, translate(err)
	}
	name := d.db.Name()
	err = d.client.Database("admin").RunCommand(ctx, bson.D{
		{Key: "renameCollection", Value: name + "." + stageCollection(dataset)},
		{Key: "to", Value: name + "." + dsCollection(dataset)},
	}).Err()
	var ce mongo.CommandError
	if errors.As(err, &ce) && (ce.Code == 26 || ce.Name == "NamespaceNotFound") {
		err = nil // nothing was staged
	}
	if err != nil {
		return false, fmt.Errorf("move the staging of %s: %w", dataset, translate(err))
	}
	return true, d.EnsureDatasetCollection(ctx, dataset)
}

// applyBatch is how many staged documents are applied at once.
const applyBatch = 1000

// SettlePending completes every committed ingestion whose server died while
// applying it, each under its dataset's write lock (taking a free lock
// settles it, see LockDataset). A dataset whose lock another writer holds is
// left to that writer, which settled it when it took the lock. It returns how
// many datasets it settled.
func (d *DB) SettlePending(ctx context.Context, owner string, lease time.Duration) (int, error) {
	cur, err := d.db.Collection(colCommits).Find(ctx, bson.D{})
	if err != nil {
		return 0, translate(err)
	}
	var pending []commitDoc
	if err := cur.All(ctx, &pending); err != nil {
		return 0, translate(err)
	}
	n := 0
	for _, c := range pending {
		now := time.Now().UTC()
		ok, err := d.LockDataset(ctx, c.Dataset, owner, now, now.Add(lease))
		if err != nil {
			return n, err
		}
		if ok {
			n++
			if err := d.UnlockDataset(ctx, c.Dataset, owner); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// settle completes a committed ingestion into dataset, if one is pending.
// LockDataset calls it whenever it takes a free lock, so every writer of a
// dataset finds the dataset whole.
func (d *DB) settle(ctx context.Context, dataset string) error {
	c, err := d.PendingCommit(ctx, dataset)
	if err != nil || c == nil {
		return err
	}
	return d.ApplyCommit(ctx, c)
}

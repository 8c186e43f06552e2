package mongodb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/mms-platform/mms/model"
)

// Dataset versions and their snapshots. A version record is keyed
// "<dataset>@<version>"; a snapshot's bytes are stored under its file name
// (content-addressed by the caller): files in <data dir>/files/snapshots on
// the embedded store, the GridFS bucket "snapshots" on MongoDB, so that every
// instance reads the same bytes.

const (
	colVersions     = "dataset_versions"
	bucketSnapshots = "snapshots"
)

type dsVersionDoc struct {
	ID        string       `bson:"_id"`
	Dataset   string       `bson:"dataset"`
	Version   int          `bson:"version"`
	CreatedAt time.Time    `bson:"createdAt"`
	Rows      int          `bson:"rows"`
	Ingestion string       `bson:"ingestion,omitempty"`
	Snapshot  *snapshotDoc `bson:"snapshot,omitempty"`
}

type snapshotDoc struct {
	Status  string    `bson:"status"`
	Bytes   int64     `bson:"bytes,omitempty"`
	Sha256  string    `bson:"sha256,omitempty"`
	File    string    `bson:"file,omitempty"`
	Error   string    `bson:"error,omitempty"`
	Rows    int       `bson:"rows,omitempty"`
	BuiltAt time.Time `bson:"builtAt,omitempty"`
}

func dsVersionID(dataset string, version int) string { return fmt.Sprintf("%s@%d", dataset, version) }

func (v *dsVersionDoc) toModel() *model.DatasetVersion {
	out := &model.DatasetVersion{Dataset: v.Dataset, Version: v.Version, CreatedAt: v.CreatedAt.UTC(), Rows: v.Rows}
	if v.Ingestion != "" {
		ing := v.Ingestion
		out.Ingestion = &ing
	}
	if s := v.Snapshot; s != nil {
		out.Snapshot = &model.SnapshotInfo{Status: s.Status, File: s.File, Error: s.Error, Rows: s.Rows, BuiltAt: s.BuiltAt.UTC()}
		if s.Status == model.SnapshotReady {
			n, sum := int(s.Bytes), s.Sha256
			out.Snapshot.Bytes, out.Snapshot.Sha256 = &n, &sum
		}
	}
	return out
}

// RecordDatasetVersion stores a version record unless one exists (a version
// is recorded once; a later call changes nothing).
func (d *DB) RecordDatasetVersion(ctx context.Context, v *model.DatasetVersion) error {
	doc := dsVersionDoc{ID: dsVersionID(v.Dataset, v.Version), Dataset: v.Dataset, Version: v.Version, CreatedAt: v.CreatedAt, Rows: v.Rows}
	if v.Ingestion != nil {
		doc.Ingestion = *v.Ingestion
	}
	if v.Snapshot != nil {
		doc.Snapshot = &snapshotDoc{Status: v.Snapshot.Status}
	}
	_, err := d.db.Collection(colVersions).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		return nil
	}
	return translate(err)
}

// DatasetVersion returns a version record; model.ENOTFOUND if none.
func (d *DB) DatasetVersion(ctx context.Context, dataset string, version int) (*model.DatasetVersion, error) {
	var doc dsVersionDoc
	err := d.db.Collection(colVersions).FindOne(ctx, bson.D{{Key: "_id", Value: dsVersionID(dataset, version)}}).Decode(&doc)
	if err != nil {
		return nil, notFound(err, "version %d of dataset %q", version, dataset)
	}
	return doc.toModel(), nil
}

// ListDatasetVersions returns a dataset's version records, newest first.
func (d *DB) ListDatasetVersions(ctx context.Context, dataset string) ([]*model.DatasetVersion, error) {
	cur, err := d.db.Collection(colVersions).Find(ctx, bson.D{{Key: "dataset", Value: dataset}},
		options.Find().SetSort(bson.D{{Key: "version", Value: -1}}))
	if err != nil {
		return nil, translate(err)
	}
	var out []*model.DatasetVersion
	err = each(ctx, cur, func(v *dsVersionDoc) error {
		out = append(out, v.toModel())
		return nil
	})
	return out, err
}

// SetSnapshotInfo sets a version's snapshot state.
func (d *DB) SetSnapshotInfo(ctx context.Context, dataset string, version int, s *model.SnapshotInfo) error {
	doc := &snapshotDoc{Status: s.Status, File: s.File, Error: s.Error, Rows: s.Rows, BuiltAt: s.BuiltAt}
	if s.Bytes != nil {
		doc.Bytes = int64(*s.Bytes)
	}
	if s.Sha256 != nil {
		doc.Sha256 = *s.Sha256
	}
	_, err := d.db.Collection(colVersions).UpdateOne(ctx, bson.D{{Key: "_id", Value: dsVersionID(dataset, version)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "snapshot", Value: doc}}}})
	return translate(err)
}

// DeleteDatasetVersion removes a version record (tests simulate data from
// before snapshots with it).
func (d *DB) DeleteDatasetVersion(ctx context.Context, dataset string, version int) error {
	_, err := d.db.Collection(colVersions).DeleteOne(ctx, bson.D{{Key: "_id", Value: dsVersionID(dataset, version)}})
	return translate(err)
}

// LockSnapshot takes (or renews) the lease on building a version's snapshot.
func (d *DB) LockSnapshot(ctx context.Context, dataset string, version int, owner string, now, until time.Time) (bool, error) {
	return d.lock(ctx, "snapshot:"+dsVersionID(dataset, version), owner, now, until)
}

// UnlockSnapshot releases owner's lease on building a snapshot.
func (d *DB) UnlockSnapshot(ctx context.Context, dataset string, version int, owner string) error {
	_, err := d.db.Collection(colLocks).DeleteOne(ctx, bson.D{{Key: "_id", Value: "snapshot:" + dsVersionID(dataset, version)}, {Key: "owner", Value: owner}})
	return translate(err)
}

// PutSnapshotFile stores a snapshot's bytes under name (kept when already
// stored: names are content-addressed).
func (d *DB) PutSnapshotFile(ctx context.Context, name string, r io.Reader) error {
	if d.embedded != nil {
		if f, _, err := d.embedded.openFile(bucketSnapshots, name); err == nil {
			f.Close()
			return nil
		}
		_, err := d.embedded.putFile(bucketSnapshots, name, r)
		return err
	}
	err := d.db.Collection(bucketSnapshots+".files").FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Err()
	if err == nil {
		return nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return translate(err)
	}
	up, err := d.db.GridFSBucket(options.GridFSBucket().SetName(bucketSnapshots)).OpenUploadStreamWithID(ctx, name, name)
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

// OpenSnapshotFile opens stored snapshot bytes for random access, with their
// size. On MongoDB the GridFS file is first copied to a local cache file
// (os.TempDir()/mms-snapshots/<name>, checked against the SHA-256 the name
// carries), since Parquet readers seek.
func (d *DB) OpenSnapshotFile(ctx context.Context, name string) (*os.File, int64, error) {
	if d.embedded != nil {
		rc, n, err := d.embedded.openFile(bucketSnapshots, name)
		if err != nil {
			return nil, 0, err
		}
		return rc.(*os.File), n, nil
	}
	if name == "" || filepath.Base(name) != name {
		return nil, 0, model.Errorf(model.EINVALID, "bad snapshot name %q", name)
	}
	dir := filepath.Join(os.TempDir(), "mms-snapshots")
	p := filepath.Join(dir, name)
	if f, err := os.Open(p); err == nil {
		st, err := f.Stat()
		if err == nil {
			return f, st.Size(), nil
		}
		f.Close()
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, 0, err
	}
	s, _, err := d.openGridFile(ctx, bucketSnapshots, name)
	if errors.Is(err, mongo.ErrFileNotFound) {
		return nil, 0, model.Errorf(model.ENOTFOUND, "snapshot %q not found", name)
	}
	if err != nil {
		return nil, 0, err
	}
	defer s.Close()
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return nil, 0, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), s)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil && len(name) >= 64 && hex.EncodeToString(h.Sum(nil)) != name[:64] {
		err = fmt.Errorf("snapshot %q: stored bytes do not match their SHA-256", name)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return nil, 0, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, 0, err
	}
	return f, n, nil
}

// DeleteSnapshotFile removes stored snapshot bytes (missing ones are ignored).
func (d *DB) DeleteSnapshotFile(ctx context.Context, name string) error {
	if d.embedded != nil {
		return d.embedded.removeFile(bucketSnapshots, name)
	}
	os.Remove(filepath.Join(os.TempDir(), "mms-snapshots", filepath.Base(name)))
	err := d.db.GridFSBucket(options.GridFSBucket().SetName(bucketSnapshots)).Delete(ctx, name)
	if errors.Is(err, mongo.ErrFileNotFound) {
		return nil
	}
	return translate(err)
}

// ScanSnapshotRows calls fn for every document of a dataset in store order
// (no sort: the embedded store would sort the whole collection in memory),
// with a getter of its top-level field values as stored: sealed values stay
// sealed (model.SealedValue with the blind index kept beside them), numbers
// int64 or float64, dates time.Time, nested values plain Go maps and slices.
func (d *DB) ScanSnapshotRows(ctx context.Context, dataset string, fn func(key string, get func(name string) any) error) error {
	cur, err := d.db.Collection(dsCollection(dataset)).Find(ctx, bson.D{},
		options.Find().SetBatchSize(2000).SetProjection(bson.D{{Key: "fields", Value: 1}, {Key: bidxField, Value: 1}}))
	if err != nil {
		return translate(err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		raw := cur.Current
		var key string
		idv, err := raw.LookupErr("_id")
		if err != nil {
			return fmt.Errorf("dataset %q: a document without _id", dataset)
		}
		key, ok := idv.StringValueOK()
		if !ok {
			key = idv.String()
		}
		fields, _ := raw.Lookup("fields").DocumentOK()
		bidx, _ := raw.Lookup(bidxField).DocumentOK()
		var ferr error
		get := func(name string) any {
			if fields == nil {
				return nil
			}
			rv, err := fields.LookupErr(name)
			if err != nil {
				return nil
			}
			v, err := rawValue(rv)
			if err != nil && ferr == nil {
				ferr = fmt.Errorf("document %q field %q: %w", key, name, err)
			}
			if sv, ok := v.(model.SealedValue); ok && bidx != nil {
				if s, ok := bidx.Lookup(name).StringValueOK(); ok {
					sv.Index = s
				}
				return sv
			}
			return v
		}
		if err := fn(key, get); err != nil {
			return err
		}
		if ferr != nil {
			return ferr
		}
	}
	return translate(cur.Err())
}

// rawValue turns one stored BSON value into the Go value a snapshot takes.
func rawValue(rv bson.RawValue) (any, error) {
	switch rv.Type {
	case bson.TypeNull, bson.TypeUndefined:
		return nil, nil
	case bson.TypeDouble:
		return rv.Double(), nil
	case bson.TypeInt32:
		return int64(rv.Int32()), nil
	case bson.TypeInt64:
		return rv.Int64(), nil
	case bson.TypeBoolean:
		return rv.Boolean(), nil
	case bson.TypeString:
		return rv.StringValue(), nil
	case bson.TypeDateTime:
		return time.UnixMilli(rv.DateTime()).UTC(), nil
	case bson.TypeBinary:
		sub, data := rv.Binary()
		if sub == sealedSubtype {
			return model.SealedValue{Bytes: append([]byte(nil), data...)}, nil
		}
	}
	var v any
	if err := rv.Unmarshal(&v); err != nil {
		return nil, err
	}
	return plain(v), nil
}

// OpenSealedValue opens a sealed value of field in document key of dataset
// (for callers allowed to read it).
func (d *DB) OpenSealedValue(dataset, field, key string, sealed []byte) (any, error) {
	return openValue(d.Keyring(), dataset, field, key, sealed)
}

// SnapshotsInUse returns the snapshot SHA-256s that model versions trained on
// dataset reference.
func (d *DB) SnapshotsInUse(ctx context.Context, dataset string) (map[string]bool, error) {
	cur, err := d.db.Collection(colModelVersions).Find(ctx, bson.D{{Key: "dataset", Value: dataset}},
		options.Find().SetProjection(bson.D{{Key: "snapshotSha256", Value: 1}}))
	if err != nil {
		return nil, translate(err)
	}
	out := map[string]bool{}
	err = each(ctx, cur, func(v *struct {
		Sha string `bson:"snapshotSha256"`
	}) error {
		if v.Sha != "" {
			out[v.Sha] = true
		}
		return nil
	})
	return out, err
}

// KeysWhere calls fn with the key of every document of dataset that matches
// where, evaluated by the store exactly as documents' filters and share row
// filters are (sensitive fields by blind index), in store order.
func (d *DB) KeysWhere(ctx context.Context, dataset string, where []model.FieldFilter, fn func(key string) error) error {
	filter, err := d.docFilter(ctx, dataset, where)
	if err != nil {
		return err
	}
	cur, err := d.db.Collection(dsCollection(dataset)).Find(ctx, filter,
		options.Find().SetBatchSize(5000).SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return translate(err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		id := cur.Current.Lookup("_id")
		k, ok := id.StringValueOK()
		if !ok {
			k = id.String()
		}
		if err := fn(k); err != nil {
			return err
		}
	}
	return translate(cur.Err())
}

// SealSnapshotValue seals a sensitive field's value of document key as the
// store would (same key, same blind index), for a snapshot built from an
// ingestion's writes rather than read back from the store.
func (d *DB) SealSnapshotValue(dataset, field, key string, v any) (model.SealedValue, error) {
	keys := d.Keyring()
	if keys == nil {
		return model.SealedValue{}, errNoKeyring(dataset)
	}
	t, data, err := bson.MarshalValue(v)
	if err != nil {
		return model.SealedValue{}, err
	}
	s := &docSealer{keys: keys, dataset: dataset}
	sealed, index, err := s.sealValue(key, field, bsoncore.Type(t), data, v)
	if err != nil {
		return model.SealedValue{}, err
	}
	return model.SealedValue{Bytes: sealed, Index: index}, nil
}

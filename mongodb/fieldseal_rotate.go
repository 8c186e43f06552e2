package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/mms-platform/mms/fieldcrypt"
	"github.com/mms-platform/mms/model"
)

// rotateLockTTL is the lease of the dataset lock a rotation holds; it renews
// it at a quarter of that.
const rotateLockTTL = 2 * time.Minute

// rotateProgressEvery is how many documents a rotation scans between progress
// reports.
var rotateProgressEvery = 5000

// DatasetIDs returns every dataset's id, in order.
func (d *DB) DatasetIDs(ctx context.Context) ([]string, error) {
	cur, err := d.db.Collection(colDatasets).Find(ctx, bson.D{},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}).SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err)
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err)
	}
	ids := make([]string, len(docs))
	for i, doc := range docs {
		ids[i] = doc.ID
	}
	return ids, nil
}

// RotateDataset brings the stored form of a dataset's documents in line with
// the keyring and the schema: values sealed with an older key are sealed with
// the current one, plaintext values of sensitive fields (written before the
// field became sensitive) are sealed, sealed values of fields no longer
// sensitive are stored in plaintext, and blind indexes follow. Values already
// sealed with the current key are left alone, so running it again (after an
// interruption, say) only reads.
//
// It holds the dataset's write lock (as every writer of documents does, see
// LockDataset) while it works, waiting for it while another writer has it
// (wait is told who), so no concurrent change is lost; the updates are by _id
// and touch only the fields concerned. Documents' versions do not change: their
// content does not. progress is called every few thousand documents.
func (d *DB) RotateDataset(ctx context.Context, dataset, owner string, wait func(holder string), progress func(model.RotateStats)) (model.RotateStats, error) {
	var st model.RotateStats
	keys := d.Keyring()
	if keys == nil {
		return st, errors.New("no encryption key: set MMS_ENCRYPTION_KEY (the new key) and MMS_ENCRYPTION_OLD_KEYS (the older ones)")
	}
	lockedAt, err := d.lockForRotation(ctx, dataset, owner, wait)
	if err != nil {
		return st, err
	}
	defer func() { _ = d.UnlockDataset(context.WithoutCancel(ctx), dataset, owner) }()
	d.seal.mu.Lock()
	delete(d.seal.cache, dataset) // read the schema as it is now
	d.seal.mu.Unlock()
	sensitive, err := d.SensitiveFields(ctx, dataset)
	if err != nil {
		return st, err
	}
	col := d.db.Collection(dsCollection(dataset))
	cur, err := col.Find(ctx, bson.D{}, options.Find().
		SetProjection(bson.D{{Key: "fields", Value: 1}, {Key: bidxField, Value: 1}}).
		SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(1000))
	if err != nil {
		return st, translate(err)
	}
	defer cur.Close(ctx)
	var pending []mongo.WriteModel
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if time.Since(lockedAt) > rotateLockTTL/4 {
			now := time.Now()
			ok, err := d.LockDataset(ctx, dataset, owner, now, now.Add(rotateLockTTL))
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("dataset %q: lost the dataset lock during the rotation", dataset)
			}
			lockedAt = now
		}
		if _, _, err := d.bulkUpdate(ctx, col, pending); err != nil {
			return err
		}
		pending = pending[:0]
		return nil
	}
	for cur.Next(ctx) {
		st.Scanned++
		up, err := rotateDoc(keys, dataset, sensitive, cur.Current, &st)
		if err != nil {
			return st, err
		}
		if up != nil {
			st.Rewritten++
			pending = append(pending, up)
			if len(pending) == maxUpdatesPerCommand {
				if err := flush(); err != nil {
					return st, err
				}
			}
		}
		if progress != nil && st.Scanned%rotateProgressEvery == 0 {
			progress(st)
		}
	}
	if err := cur.Err(); err != nil {
		return st, translate(err)
	}
	if err := flush(); err != nil {
		return st, err
	}
	return st, nil
}

// lockForRotation takes the dataset's write lock, waiting while another writer
// holds it.
func (d *DB) lockForRotation(ctx context.Context, dataset, owner string, wait func(string)) (time.Time, error) {
	for {
		now := time.Now()
		ok, err := d.LockDataset(ctx, dataset, owner, now, now.Add(rotateLockTTL))
		if err != nil || ok {
			return now, err
		}
		if wait != nil {
			holder, _ := d.DatasetLockHolder(ctx, dataset)
			wait(holder)
		}
		select {
		case <-ctx.Done():
			return now, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// rotateDoc returns the update that brings one stored document in line (nil:
// none needed).
func rotateDoc(keys *fieldcrypt.Keyring, dataset string, sensitive map[string]bool, raw bson.Raw, st *model.RotateStats) (mongo.WriteModel, error) {
	id, ok := raw.Lookup("_id").StringValueOK()
	if !ok {
		return nil, fmt.Errorf("dataset %q: a document without a string _id", dataset)
	}
	fields, _ := raw.Lookup("fields").DocumentOK()
	indexes, _ := raw.Lookup(bidxField).DocumentOK()
	set, unset := bson.D{}, bson.D{}
	var elems []bson.RawElement
	if fields != nil {
		var err error
		if elems, err = fields.Elements(); err != nil {
			return nil, err
		}
	}
	for _, e := range elems {
		name, v := e.Key(), e.Value()
		var sealedData []byte
		sub, data, sealed := v.BinaryOK()
		if sealed = sealed && sub == sealedSubtype; sealed {
			sealedData = data
		}
		hasIndex := false
		if indexes != nil {
			_, hasIndex = indexes.Lookup(name).StringValueOK()
		}
		switch {
		case !sensitive[name] && sealed:
			pt, err := openBytes(keys, dataset, name, id, sealedData)
			if err != nil {
				return nil, err
			}
			set = append(set, bson.E{Key: "fields." + name, Value: bson.RawValue{Type: bson.Type(pt[0]), Value: pt[1:]}})
			st.Unsealed++
		case !sensitive[name]:
			// plaintext of a plain field: nothing to do
		case v.Type == bson.TypeNull:
			// nulls are not sealed
		case sealed && keys.Current(sealedData) && hasIndex:
			// done already
		default:
			var t bsoncore.Type
			var data []byte
			if sealed {
				pt, err := openBytes(keys, dataset, name, id, sealedData)
				if err != nil {
					return nil, err
				}
				t, data = bsoncore.Type(pt[0]), pt[1:]
			} else {
				t, data = bsoncore.Type(v.Type), v.Value
			}
			s := &docSealer{keys: keys, dataset: dataset, fields: sensitive}
			if sealed && keys.Current(sealedData) {
				idx, err := blindIndex(keys, dataset, name, nil, t, data)
				if err != nil {
					return nil, err
				}
				set = append(set, bson.E{Key: bidxField + "." + name, Value: idx})
				st.Indexed++
				continue
			}
			out, idx, err := s.sealValue(id, name, t, data, nil)
			if err != nil {
				return nil, err
			}
			set = append(set,
				bson.E{Key: "fields." + name, Value: bson.Binary{Subtype: sealedSubtype, Data: out}},
				bson.E{Key: bidxField + "." + name, Value: idx})
			if sealed {
				st.Resealed++
			} else {
				st.Sealed++
			}
		}
	}
	// Indexes of fields no longer sensitive, or whose value is now null or gone.
	if indexes != nil {
		ielems, err := indexes.Elements()
		if err != nil {
			return nil, err
		}
		for _, e := range ielems {
			name := e.Key()
			fv, err := fields.LookupErr(name)
			if !sensitive[name] || err != nil || fv.Type == bson.TypeNull {
				unset = append(unset, bson.E{Key: bidxField + "." + name, Value: ""})
				st.Indexed++
			}
		}
	}
	if len(set) == 0 && len(unset) == 0 {
		return nil, nil
	}
	update := bson.D{}
	if len(set) > 0 {
		update = append(update, bson.E{Key: "$set", Value: set})
	}
	if len(unset) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	return mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: id}}).SetUpdate(update), nil
}

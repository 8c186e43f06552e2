package mongodb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/mms-platform/mms/fieldcrypt"
	"github.com/mms-platform/mms/model"
)

// Sensitive fields at rest. The store itself learns which fields of a dataset
// are sensitive (from the dataset's schema, cached for sensitiveTTL so that
// another instance's schema change is seen within that time), so no writer can
// forget to seal them:
//
//   - a non-null value of a sensitive top-level field is stored as BSON binary
//     of subtype sealedSubtype holding fieldcrypt's sealed form of the value's
//     BSON type byte and bytes, bound to dataset, field and document key;
//   - its blind index (fieldcrypt.Keyring.BlindIndex, hex) is stored at
//     bidx.<field>, outside fields, so that eq/ne/in/nin filters can match it;
//   - null and missing values stay as they are: whether a value is present is
//     not secret, and exists filters keep working.
//
// Reads open every sealed value they meet, whatever the schema says now, with
// the key its header names. With no keyring configured, writing a dataset
// with sensitive fields fails with EUNAVAILABLE rather than storing plaintext.

// sealedSubtype is the BSON binary subtype of a sealed value (the user-defined
// range starts at 0x80).
const sealedSubtype byte = 0x80

// sensitiveTTL is how long a dataset's sensitive-field set is reused.
const sensitiveTTL = time.Second

// bidxField is the top-level subdocument holding blind indexes.
const bidxField = "bidx"

// fieldSeal is a connection's field-encryption state.
type fieldSeal struct {
	keys  atomic.Pointer[fieldcrypt.Keyring]
	mu    sync.Mutex
	cache map[string]sensitiveEntry
}

type sensitiveEntry struct {
	fields map[string]bool // nil: none
	at     time.Time
}

// SetKeyring sets the keys that seal sensitive fields (nil: none configured).
func (d *DB) SetKeyring(r *fieldcrypt.Keyring) { d.seal.keys.Store(r) }

// Keyring returns the configured keys (nil when none).
func (d *DB) Keyring() *fieldcrypt.Keyring { return d.seal.keys.Load() }

// SensitiveFields returns the names of dataset's sensitive fields (nil when it
// has none or does not exist), from its stored schema, reused for up to
// sensitiveTTL.
func (d *DB) SensitiveFields(ctx context.Context, dataset string) (map[string]bool, error) {
	now := time.Now()
	d.seal.mu.Lock()
	e, ok := d.seal.cache[dataset]
	d.seal.mu.Unlock()
	if ok && now.Sub(e.at) < sensitiveTTL {
		return e.fields, nil
	}
	var doc struct {
		Fields []model.FieldSpec `bson:"fields"`
	}
	err := d.db.Collection(colDatasets).FindOne(ctx, bson.D{{Key: "_id", Value: dataset}},
		options.FindOne().SetProjection(bson.D{{Key: "fields", Value: 1}})).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil // not cached: a dataset created a moment later must be seen
	}
	if err != nil {
		return nil, translate(err)
	}
	var fields map[string]bool
	for _, f := range doc.Fields {
		if f.Sensitive {
			if fields == nil {
				fields = map[string]bool{}
			}
			fields[f.Name] = true
		}
	}
	d.seal.mu.Lock()
	if d.seal.cache == nil {
		d.seal.cache = map[string]sensitiveEntry{}
	}
	d.seal.cache[dataset] = sensitiveEntry{fields: fields, at: now}
	d.seal.mu.Unlock()
	return fields, nil
}

// errNoKeyring is the error of a write or filter that needs keys the server
// does not have.
func errNoKeyring(dataset string) error {
	return model.Errorf(model.EUNAVAILABLE, "dataset %q has sensitive fields, which are stored encrypted, and this server has no encryption key: set MMS_ENCRYPTION_KEY", dataset)
}

// docSealer seals the sensitive fields of one dataset's documents.
type docSealer struct {
	keys    *fieldcrypt.Keyring
	dataset string
	fields  map[string]bool
}

// sealerFor returns the sealer for writes to dataset: nil when it has no
// sensitive fields; EUNAVAILABLE when it has some and no keyring is set.
func (d *DB) sealerFor(ctx context.Context, dataset string) (*docSealer, error) {
	fields, err := d.SensitiveFields(ctx, dataset)
	if err != nil || len(fields) == 0 {
		return nil, err
	}
	keys := d.Keyring()
	if keys == nil {
		return nil, errNoKeyring(dataset)
	}
	return &docSealer{keys: keys, dataset: dataset, fields: fields}, nil
}

// sealValue returns the sealed bytes of a value given as its BSON type and
// bytes, and its blind index, for field of document doc.
func (s *docSealer) sealValue(doc, field string, t bsoncore.Type, data []byte, v any) (sealed []byte, index string, err error) {
	pt := make([]byte, 0, 1+len(data))
	pt = append(append(pt, byte(t)), data...)
	if sealed, err = s.keys.Seal(fieldcrypt.Place{Dataset: s.dataset, Field: field, Doc: doc}, pt); err != nil {
		return nil, "", err
	}
	index, err = blindIndex(s.keys, s.dataset, field, v, t, data)
	return sealed, index, err
}

// blindIndex is the current key's index of a value, v in Go form when known
// (nil: decode it from t and data).
func blindIndex(keys *fieldcrypt.Keyring, dataset, field string, v any, t bsoncore.Type, data []byte) (string, error) {
	if v == nil {
		if err := (bson.RawValue{Type: bson.Type(t), Value: data}).Unmarshal(&v); err != nil {
			return "", err
		}
	}
	idx, err := keys.BlindIndex(dataset, field, plain(v))
	if err != nil { // a type without a canonical form: its BSON bytes
		idx, err = keys.BlindIndex(dataset, field, fieldcrypt.RawValue{Type: byte(t), Data: data})
	}
	return idx, err
}

// blindIndexes is every key's index of a filter value (typed by the service).
func blindIndexes(keys *fieldcrypt.Keyring, dataset, field string, v any) ([]string, error) {
	idx, err := keys.BlindIndexes(dataset, field, plain(v))
	if err != nil {
		t, data, merr := bson.MarshalValue(v)
		if merr != nil {
			return nil, model.Errorf(model.EINVALID, "filter on %q: unsupported value", field)
		}
		idx, err = keys.BlindIndexes(dataset, field, fieldcrypt.RawValue{Type: byte(t), Data: data})
	}
	return idx, err
}

// openValue decodes a sealed field value of document doc.
func openValue(keys *fieldcrypt.Keyring, dataset, field, doc string, sealed []byte) (any, error) {
	pt, err := openBytes(keys, dataset, field, doc, sealed)
	if err != nil {
		return nil, err
	}
	var v any
	if err := (bson.RawValue{Type: bson.Type(pt[0]), Value: pt[1:]}).Unmarshal(&v); err != nil {
		return nil, fmt.Errorf("document %q field %q: sealed value: %w", doc, field, err)
	}
	return plain(v), nil
}

// openBytes opens a sealed value to its type byte and BSON bytes. A key the
// server lacks is EUNAVAILABLE (a configuration to fix); a value that does not
// authenticate is an internal error (never shown to clients, as it is logged).
func openBytes(keys *fieldcrypt.Keyring, dataset, field, doc string, sealed []byte) ([]byte, error) {
	pt, err := keys.Open(fieldcrypt.Place{Dataset: dataset, Field: field, Doc: doc}, sealed)
	switch {
	case errors.Is(err, fieldcrypt.ErrNoKey), errors.Is(err, fieldcrypt.ErrUnknownKey):
		id, _ := fieldcrypt.KeyID(sealed)
		return nil, model.Errorf(model.EUNAVAILABLE, "dataset %q: field %q of document %q is encrypted with key %q, which this server does not have: configure it in MMS_ENCRYPTION_KEY or MMS_ENCRYPTION_OLD_KEYS", dataset, field, doc, id)
	case err != nil:
		return nil, fmt.Errorf("dataset %q: field %q of document %q: %w", dataset, field, doc, err)
	case len(pt) == 0:
		return nil, fmt.Errorf("dataset %q: field %q of document %q: empty sealed value", dataset, field, doc)
	}
	return pt, nil
}

// sealedBytes returns the sealed bytes of a stored field value, if it is one.
func sealedBytes(v any) ([]byte, bool) {
	switch b := v.(type) {
	case bson.Binary:
		if b.Subtype == sealedSubtype {
			return b.Data, true
		}
	case *bson.Binary:
		if b != nil && b.Subtype == sealedSubtype {
			return b.Data, true
		}
	}
	return nil, false
}

// openFields replaces the sealed values among a stored document's fields by
// their plaintext.
func (d *DB) openFields(dataset, doc string, fields bson.M) error {
	for k, v := range fields {
		sealed, ok := sealedBytes(v)
		if !ok {
			continue
		}
		pv, err := openValue(d.Keyring(), dataset, k, doc, sealed)
		if err != nil {
			return err
		}
		fields[k] = pv
	}
	return nil
}

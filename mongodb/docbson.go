package mongodb

import (
	"math"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/mms-platform/mms/model"
)

// encodeDoc builds the stored form of a dataset document directly as BSON,
// with _id first. It writes the same bytes the driver's reflection codecs
// would produce for fromModelDoc(m) (up to the order of map keys), but without
// reflection: ingestion writes millions of these and the struct and map codecs
// were the largest share of the write pass's own CPU. Values of types other
// than the common scalars go through bson.MarshalValue.
//
// With a sealer (the dataset has sensitive fields), the non-null values of
// sensitive fields are sealed and their blind indexes written under bidx (see
// fieldseal.go).
func encodeDoc(m *model.Document, s *docSealer) (bson.Raw, error) {
	idx, b := bsoncore.AppendDocumentStart(make([]byte, 0, 256))
	b = bsoncore.AppendStringElement(b, "_id", m.Key)
	var err error
	if s == nil {
		b, err = appendMap(b, "fields", m.Fields)
	} else {
		b, err = appendSealedFields(b, m, s)
	}
	if err != nil {
		return nil, err
	}
	b = appendInt(b, "version", int64(m.Version))
	b = appendInt(b, "datasetVersion", int64(m.DatasetVersion))
	if m.Sources == nil {
		b = bsoncore.AppendNullElement(b, "sources")
	} else {
		sidx, sb := bsoncore.AppendDocumentElementStart(b, "sources")
		for name, ref := range m.Sources {
			ridx, rb := bsoncore.AppendDocumentElementStart(sb, name)
			rb = bsoncore.AppendStringElement(rb, "ingestion", ref.Ingestion)
			rb = appendInt(rb, "line", int64(ref.Line))
			rb = appendTime(rb, "at", ref.At)
			sb, _ = bsoncore.AppendDocumentEnd(rb, ridx)
		}
		b, _ = bsoncore.AppendDocumentEnd(sb, sidx)
	}
	b = appendTime(b, "updatedAt", m.UpdatedAt)
	b, _ = bsoncore.AppendDocumentEnd(b, idx)
	return bson.Raw(b), nil
}

// appendSealedFields appends m's fields with the sensitive ones sealed, then
// the bidx subdocument of their blind indexes (none when all are null).
func appendSealedFields(b []byte, m *model.Document, s *docSealer) ([]byte, error) {
	if m.Fields == nil {
		return bsoncore.AppendNullElement(b, "fields"), nil
	}
	var indexes [][2]string
	var scratch []byte
	idx, b := bsoncore.AppendDocumentElementStart(b, "fields")
	for k, v := range m.Fields {
		var err error
		if v == nil || !s.fields[k] {
			if b, err = appendValue(b, k, v); err != nil {
				return nil, err
			}
			continue
		}
		// The value as an element with an empty key: type, 0x00, bytes.
		if scratch, err = appendValue(scratch[:0], "", v); err != nil {
			return nil, err
		}
		sealed, index, err := s.sealValue(m.Key, k, bsoncore.Type(scratch[0]), scratch[2:], v)
		if err != nil {
			return nil, err
		}
		b = bsoncore.AppendBinaryElement(b, k, sealedSubtype, sealed)
		indexes = append(indexes, [2]string{k, index})
	}
	b, _ = bsoncore.AppendDocumentEnd(b, idx)
	if len(indexes) > 0 {
		idx, b = bsoncore.AppendDocumentElementStart(b, bidxField)
		for _, e := range indexes {
			b = bsoncore.AppendStringElement(b, e[0], e[1])
		}
		b, _ = bsoncore.AppendDocumentEnd(b, idx)
	}
	return b, nil
}

// appendMap appends a map as an embedded document; a nil map is null, as the
// map codec writes it.
func appendMap(b []byte, key string, m map[string]any) ([]byte, error) {
	if m == nil {
		return bsoncore.AppendNullElement(b, key), nil
	}
	idx, b := bsoncore.AppendDocumentElementStart(b, key)
	for k, v := range m {
		var err error
		if b, err = appendValue(b, k, v); err != nil {
			return nil, err
		}
	}
	b, _ = bsoncore.AppendDocumentEnd(b, idx)
	return b, nil
}

// appendValue appends one field value. int encodes as int32 when it fits, as
// the driver's default codec does; int64 stays int64.
func appendValue(b []byte, key string, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return bsoncore.AppendNullElement(b, key), nil
	case string:
		return bsoncore.AppendStringElement(b, key, x), nil
	case float64:
		return bsoncore.AppendDoubleElement(b, key, x), nil
	case int64:
		return bsoncore.AppendInt64Element(b, key, x), nil
	case int:
		return appendInt(b, key, int64(x)), nil
	case int32:
		return bsoncore.AppendInt32Element(b, key, x), nil
	case bool:
		return bsoncore.AppendBooleanElement(b, key, x), nil
	case time.Time:
		return appendTime(b, key, x), nil
	case map[string]any:
		return appendMap(b, key, x)
	}
	t, data, err := bson.MarshalValue(v)
	if err != nil {
		return nil, err
	}
	return bsoncore.AppendValueElement(b, key, bsoncore.Value{Type: bsoncore.Type(t), Data: data}), nil
}

func appendInt(b []byte, key string, n int64) []byte {
	if n >= math.MinInt32 && n <= math.MaxInt32 {
		return bsoncore.AppendInt32Element(b, key, int32(n))
	}
	return bsoncore.AppendInt64Element(b, key, n)
}

// appendTime writes a BSON datetime (milliseconds since the epoch), as the
// time codec does.
func appendTime(b []byte, key string, t time.Time) []byte {
	return bsoncore.AppendDateTimeElement(b, key, int64(bson.NewDateTimeFromTime(t)))
}

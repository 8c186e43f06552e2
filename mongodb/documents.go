package mongodb

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
	"golang.org/x/sync/errgroup"

	"github.com/mms-platform/mms/fieldcrypt"
	"github.com/mms-platform/mms/model"
)

// Each dataset keeps its documents in its own collection, ds_<datasetId>, with
// the normalized key as _id: lookups and merges by key are _id lookups on every
// store, and a scan of one dataset never reads another's documents.

func dsCollection(id string) string { return "ds_" + id }

type docDoc struct {
	Key            string                     `bson:"_id"`
	Fields         bson.M                     `bson:"fields"`
	Version        int                        `bson:"version"`
	DatasetVersion int                        `bson:"datasetVersion"`
	Sources        map[string]model.SourceRef `bson:"sources"`
	UpdatedAt      time.Time                  `bson:"updatedAt"`
}

// toModel converts a stored document, opening its sealed values (see
// fieldseal.go) whatever the dataset's schema says now.
func (d *docDoc) toModel(db *DB, dataset string) (*model.Document, error) {
	if err := db.openFields(dataset, d.Key, d.Fields); err != nil {
		return nil, err
	}
	f, _ := plain(d.Fields).(map[string]any)
	if f == nil {
		f = map[string]any{}
	}
	for k, v := range d.Sources {
		v.At = v.At.UTC()
		d.Sources[k] = v
	}
	return &model.Document{
		Key: d.Key, Fields: f, Version: d.Version, DatasetVersion: d.DatasetVersion,
		Sources: d.Sources, UpdatedAt: d.UpdatedAt.UTC(),
	}, nil
}

// DocumentsByKey returns the stored documents among keys, by key. MongoDB
// answers an $in on _id from its index. FerretDB pushes down only a lone _id
// equality and answers an $in by reading the whole collection, so there the keys
// are looked up one by one, a few at a time — unless the dataset is small beside
// the batch, when one read of the collection is cheaper than a round trip per
// key (a 768-row merge: one scan instead of 768 finds).
func (d *DB) DocumentsByKey(ctx context.Context, dataset string, keys []string) (map[string]*model.Document, error) {
	col := dsCollection(dataset)
	if d.ferret && len(keys) >= scanMinKeys {
		if ds, err := d.Dataset(ctx, dataset); err == nil && ds.DocumentCount <= scanPerKey*len(keys) {
			return d.docsByKeyIn(ctx, dataset, col, keys)
		}
	}
	return d.docsByKey(ctx, dataset, col, keys)
}

// On FerretDB, DocumentsByKey reads the whole collection for a batch of at least
// scanMinKeys keys when the dataset's committed documents number at most
// scanPerKey per key asked. A lookup costs about two documents read by a scan
// (BenchmarkDocumentsByKey: 0.3 s for 1,000 lookups, 0.15 ms a document
// scanned), so up to 2 per key the scan costs at most as much, and at 1 per
// key (a file merged into the dataset it came with) about half.
const (
	scanMinKeys = 64
	scanPerKey  = 2
)

// docsByKey is DocumentsByKey on the collection colName of dataset's documents,
// with a lookup per key on FerretDB.
func (d *DB) docsByKey(ctx context.Context, dataset, colName string, keys []string) (map[string]*model.Document, error) {
	if !d.ferret {
		return d.docsByKeyIn(ctx, dataset, colName, keys)
	}
	out := make(map[string]*model.Document, len(keys))
	col := d.db.Collection(colName)
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, k := range keys {
		g.Go(func() error {
			var doc docDoc
			err := col.FindOne(gctx, bson.D{{Key: "_id", Value: k}}).Decode(&doc)
			if errors.Is(err, mongo.ErrNoDocuments) {
				return nil
			}
			if err != nil {
				return translate(err)
			}
			m, err := doc.toModel(d, dataset)
			if err != nil {
				return err
			}
			mu.Lock()
			out[doc.Key] = m
			mu.Unlock()
			return nil
		})
	}
	return out, g.Wait()
}

// docsByKeyIn is docsByKey as one query with $in on _id.
func (d *DB) docsByKeyIn(ctx context.Context, dataset, colName string, keys []string) (map[string]*model.Document, error) {
	out := make(map[string]*model.Document, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	cur, err := d.db.Collection(colName).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}})
	if err != nil {
		return nil, translate(err)
	}
	err = each(ctx, cur, func(doc *docDoc) error {
		m, err := doc.toModel(d, dataset)
		if err != nil {
			return err
		}
		out[doc.Key] = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Document returns one document; model.ENOTFOUND if none.
func (d *DB) Document(ctx context.Context, dataset, key string) (*model.Document, error) {
	var doc docDoc
	if err := d.db.Collection(dsCollection(dataset)).FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&doc); err != nil {
		return nil, notFound(err, "document %q", key)
	}
	return doc.toModel(d, dataset)
}

// DocumentWhere returns the document with key if it also matches where (a
// share's row filter), evaluated by the store exactly as FindDocuments does, so
// that a row scope means the same on every path; model.ENOTFOUND otherwise.
//
// The lookup is an aggregation whose first stage matches the _id alone: FerretDB
// pushes that stage down as an _id lookup (a find with more in its filter would
// scan the collection) and filters the one document it finds with the second.
func (d *DB) DocumentWhere(ctx context.Context, dataset, key string, where []model.FieldFilter) (*model.Document, error) {
	if len(where) == 0 {
		return d.Document(ctx, dataset, key)
	}
	filter, err := d.docFilter(ctx, dataset, where)
	if err != nil {
		return nil, err
	}
	cur, err := d.db.Collection(dsCollection(dataset)).Aggregate(ctx, mongo.Pipeline{
		{{Key: "$match", Value: bson.D{{Key: "_id", Value: key}}}},
		{{Key: "$match", Value: filter}},
		{{Key: "$limit", Value: 1}},
	})
	if err != nil {
		return nil, translate(err)
	}
	var docs []docDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err)
	}
	if len(docs) == 0 {
		return nil, model.Errorf(model.ENOTFOUND, "document %q not found", key)
	}
	return docs[0].toModel(d, dataset)
}

// docFilter translates filters on a dataset's documents, those on its
// sensitive fields to the blind index.
func (d *DB) docFilter(ctx context.Context, dataset string, where []model.FieldFilter) (bson.D, error) {
	sensitive, err := d.SensitiveFields(ctx, dataset)
	if err != nil {
		return nil, err
	}
	return filterDocs(where, &sensitiveFilter{keys: d.Keyring(), dataset: dataset, fields: sensitive})
}

// CountDocumentsWhere counts a dataset's documents that match where.
func (d *DB) CountDocumentsWhere(ctx context.Context, dataset string, where []model.FieldFilter) (int, error) {
	filter, err := d.docFilter(ctx, dataset, where)
	if err != nil {
		return 0, err
	}
	n, err := d.count(ctx, d.db.Collection(dsCollection(dataset)), filter)
	return int(n), translate(err)
}

// insertUnordered inserts docs in one unordered command and returns the
// indexes of those whose _id was already there (left as they were).
func insertUnordered(ctx context.Context, col *mongo.Collection, docs []any) (dups []int, err error) {
	_, err = col.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	switch {
	case errors.As(err, &bwe) && bwe.WriteConcernError == nil:
		for _, we := range bwe.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return nil, translate(err)
			}
			dups = append(dups, we.Index)
		}
	case err != nil:
		return nil, translate(err)
	}
	return dups, nil
}

// maxUpdatesPerCommand bounds the replacements sent in one update command.
// FerretDB keeps one pooled connection open per statement of an update command
// until the command ends; with more statements than its pool the command
// deadlocks (bulk.go bounds them on FerretDB). Small batches cost MongoDB
// nothing noticeable.
const maxUpdatesPerCommand = 50

// WriteDocuments applies writes unordered: inserts in one command, replacements
// (by _id) in small batches. The caller must hold the dataset's write lock
// (LockDataset), which is what makes read-merge-write safe without transactions.
// It returns the keys whose write did not apply because the document changed
// since it was read (an existing key on insert, a replaced document gone or at
// another version): the caller re-reads and retries those.
//
// Values of the dataset's sensitive fields are sealed here, for every writer
// (fieldseal.go); without an encryption key such a dataset cannot be written
// (EUNAVAILABLE).
func (d *DB) WriteDocuments(ctx context.Context, dataset string, writes []model.DocumentWrite) (conflicts []string, err error) {
	col := d.db.Collection(dsCollection(dataset))
	sealer, err := d.sealerFor(ctx, dataset)
	if err != nil {
		return nil, err
	}
	var inserts []any
	var insertKeys []string
	var replaces []model.DocumentWrite
	for _, w := range writes {
		if w.Expect == 0 {
			raw, err := encodeDoc(w.Doc, sealer)
			if err != nil {
				return nil, err
			}
			inserts = append(inserts, raw)
			insertKeys = append(insertKeys, w.Doc.Key)
		} else {
			replaces = append(replaces, w)
		}
	}
	if len(inserts) > 0 {
		dups, err := insertUnordered(ctx, col, inserts)
		if err != nil {
			return nil, err
		}
		for _, i := range dups {
			conflicts = append(conflicts, insertKeys[i])
		}
	}
	for start := 0; start < len(replaces); start += maxUpdatesPerCommand {
		chunk := replaces[start:min(start+maxUpdatesPerCommand, len(replaces))]
		models := make([]mongo.WriteModel, len(chunk))
		for i, w := range chunk {
			raw, err := encodeDoc(w.Doc, sealer)
			if err != nil {
				return nil, err
			}
			// Only an _id-only filter is pushed down by FerretDB (anything more
			// scans the collection per statement), so the version is not matched
			// here: writers hold the dataset's write lock instead.
			models[i] = mongo.NewReplaceOneModel().
				SetFilter(bson.D{{Key: "_id", Value: w.Doc.Key}}).
				SetReplacement(raw)
		}
		matched, _, err := d.bulkUpdate(ctx, col, models)
		if err != nil {
			return nil, err
		}
		if matched == len(chunk) {
			continue
		}
		// Some replacements matched nothing: find which by re-reading versions.
		keys := make([]string, len(chunk))
		for i, w := range chunk {
			keys[i] = w.Doc.Key
		}
		now, err := d.DocumentsByKey(ctx, dataset, keys)
		if err != nil {
			return nil, err
		}
		for _, w := range chunk {
			if cur, ok := now[w.Doc.Key]; !ok || cur.Version != w.Doc.Version {
				conflicts = append(conflicts, w.Doc.Key)
			}
		}
	}
	return conflicts, nil
}

// CountDocuments counts a dataset's documents.
func (d *DB) CountDocuments(ctx context.Context, dataset string) (int, error) {
	n, err := d.count(ctx, d.db.Collection(dsCollection(dataset)), bson.D{})
	return int(n), translate(err)
}

// count counts col's documents matching filter. The driver's CountDocuments is
// an aggregate ($match, then $group) and FerretDB v1's $group holds every
// matching document in memory at once (about 6 KB per dataset document); its
// count command streams them instead. Use it for every count on the store.
func (d *DB) count(ctx context.Context, col *mongo.Collection, filter bson.D) (int64, error) {
	if !d.ferret {
		return col.CountDocuments(ctx, filter)
	}
	var res struct {
		N int64 `bson:"n"`
	}
	err := col.Database().RunCommand(ctx, bson.D{{Key: "count", Value: col.Name()}, {Key: "query", Value: filter}}).Decode(&res)
	return res.N, err
}

// FindDocuments returns a page of documents matching q and the count of all matches.
//
// On the dataset's sensitive fields only equality works (eq, ne, in, nin, on
// the blind index) and exists; other filters and orderBy are BAD_USER_INPUT.
func (d *DB) FindDocuments(ctx context.Context, dataset string, q model.DocumentQuery) ([]*model.Document, int, error) {
	sensitive, err := d.SensitiveFields(ctx, dataset)
	if err != nil {
		return nil, 0, err
	}
	filter, err := filterDocs(q.Where, &sensitiveFilter{keys: d.Keyring(), dataset: dataset, fields: sensitive})
	if err != nil {
		return nil, 0, err
	}
	for _, o := range q.OrderBy {
		if sensitive[topField(o.Field)] {
			return nil, 0, model.Errorf(model.EINVALID, "cannot order by sensitive field %q: its values are stored encrypted (only equality filters work on sensitive fields)", o.Field)
		}
	}
	col := d.db.Collection(dsCollection(dataset))
	total := int64(-1)
	if !q.SkipCount {
		if total, err = d.count(ctx, col, filter); err != nil {
			return nil, 0, translate(err)
		}
	}
	opts := options.Find().SetLimit(int64(q.Limit))
	sort := bson.D{}
	for _, o := range q.OrderBy {
		dir := 1
		if o.Desc != nil && *o.Desc {
			dir = -1
		}
		sort = append(sort, bson.E{Key: "fields." + o.Field, Value: dir})
	}
	sort = append(sort, bson.E{Key: "_id", Value: 1})
	opts.SetSort(sort)
	page := filter
	if len(q.OrderBy) > 0 {
		opts.SetSkip(int64(q.AfterOffset))
	} else if q.AfterKey != "" {
		page = append(bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: q.AfterKey}}}}, filter...)
	}
	cur, err := col.Find(ctx, page, opts)
	if err != nil {
		return nil, 0, translate(err)
	}
	var docs []docDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, 0, translate(err)
	}
	out := make([]*model.Document, len(docs))
	for i := range docs {
		if out[i], err = docs[i].toModel(d, dataset); err != nil {
			return nil, 0, err
		}
	}
	return out, int(total), nil
}

// ScanDocuments calls fn for every document of a dataset, in _id order.
func (d *DB) ScanDocuments(ctx context.Context, dataset string, fn func(*model.Document) error) error {
	return d.ScanDocumentsWhere(ctx, dataset, nil, fn)
}

// ScanDocumentsWhere calls fn for every document of a dataset that matches
// where (evaluated by the store, as in FindDocuments), in _id order.
func (d *DB) ScanDocumentsWhere(ctx context.Context, dataset string, where []model.FieldFilter, fn func(*model.Document) error) error {
	filter := bson.D{}
	if len(where) > 0 {
		var err error
		if filter, err = d.docFilter(ctx, dataset, where); err != nil {
			return err
		}
	}
	cur, err := d.db.Collection(dsCollection(dataset)).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(2000))
	if err != nil {
		return translate(err)
	}
	return each(ctx, cur, func(doc *docDoc) error {
		m, err := doc.toModel(d, dataset)
		if err != nil {
			return err
		}
		return fn(m)
	})
}

// SetNullFields sets field to value in every document of dataset where it is null
// or missing, bumping the documents' versions; it returns how many changed. On
// a sensitive field each document gets the value sealed for it.
func (d *DB) SetNullFields(ctx context.Context, dataset, field string, value any, datasetVersion int) (int, error) {
	sealer, err := d.sealerFor(ctx, dataset)
	if err != nil {
		return 0, err
	}
	if sealer != nil && sealer.fields[topField(field)] && value != nil {
		return d.setNullSealed(ctx, sealer, field, value, datasetVersion)
	}
	res, err := d.db.Collection(dsCollection(dataset)).UpdateMany(ctx,
		bson.D{{Key: "fields." + field, Value: nil}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "fields." + field, Value: value}, {Key: "datasetVersion", Value: datasetVersion}, {Key: "updatedAt", Value: time.Now().UTC()}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
		})
	if err != nil {
		return 0, translate(err)
	}
	return int(res.ModifiedCount), nil
}

// setNullSealed is SetNullFields on a sensitive field: the value is sealed
// for each document (the document key is part of what it is bound to), so the
// documents are found first and updated one by one (by _id, which every store
// looks up from its index), in small batches.
func (d *DB) setNullSealed(ctx context.Context, s *docSealer, field string, value any, datasetVersion int) (int, error) {
	if field != topField(field) {
		return 0, model.Errorf(model.EINVALID, "field %q is sensitive: its values are stored encrypted, so no part of one can be set alone", topField(field))
	}
	col := d.db.Collection(dsCollection(s.dataset))
	cur, err := col.Find(ctx, bson.D{{Key: "fields." + field, Value: nil}}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return 0, translate(err)
	}
	var ids []struct {
		Key string `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return 0, translate(err)
	}
	elem, err := appendValue(nil, "", value)
	if err != nil {
		return 0, err
	}
	now := time.Now().UTC()
	changed := 0
	for start := 0; start < len(ids); start += maxUpdatesPerCommand {
		chunk := ids[start:min(start+maxUpdatesPerCommand, len(ids))]
		models := make([]mongo.WriteModel, len(chunk))
		for i, id := range chunk {
			sealed, index, err := s.sealValue(id.Key, field, bsoncore.Type(elem[0]), elem[2:], value)
			if err != nil {
				return changed, err
			}
			models[i] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: id.Key}}).SetUpdate(bson.D{
				{Key: "$set", Value: bson.D{
					{Key: "fields." + field, Value: bson.Binary{Subtype: sealedSubtype, Data: sealed}},
					{Key: bidxField + "." + field, Value: index},
					{Key: "datasetVersion", Value: datasetVersion}, {Key: "updatedAt", Value: now},
				}},
				{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
			})
		}
		_, modified, err := d.bulkUpdate(ctx, col, models)
		if err != nil {
			return changed, err
		}
		changed += modified
	}
	return changed, nil
}

// topField is the schema field a field path starts with.
func topField(path string) string {
	name, _, _ := strings.Cut(path, ".")
	return name
}

// sensitiveFilter is what filters on sensitive fields need.
type sensitiveFilter struct {
	keys    *fieldcrypt.Keyring
	dataset string
	fields  map[string]bool
}

// filterDocs translates filters; those on fields of sf go to the blind index.
func filterDocs(where []model.FieldFilter, sf *sensitiveFilter) (bson.D, error) {
	f := bson.D{}
	for _, w := range where {
		if sf != nil && sf.fields[topField(w.Field)] {
			conds, err := sf.conds(w)
			if err != nil {
				return nil, err
			}
			f = append(f, conds...)
			continue
		}
		cond, err := opCond(w)
		if err != nil {
			return nil, err
		}
		f = append(f, bson.E{Key: "fields." + w.Field, Value: cond})
	}
	if len(f) > 1 {
		// Several conditions on one path must not overwrite each other.
		and := bson.A{}
		for _, e := range f {
			and = append(and, bson.D{e})
		}
		return bson.D{{Key: "$and", Value: and}}, nil
	}
	return f, nil
}

// opCond translates one filter of model's operator table to the store's
// condition on the field's path, with the meaning model.FieldFilter.Match
// states (TestFilterOpsAgree holds the store to it).
func opCond(w model.FieldFilter) (bson.D, error) {
	switch op := model.FilterOp(w.Op); op {
	case model.OpEq, model.OpNe, model.OpGt, model.OpGte, model.OpLt, model.OpLte, model.OpIn, model.OpNin:
		return bson.D{{Key: "$" + w.Op, Value: w.Value}}, nil
	case model.OpExists:
		b, ok := w.Value.(bool)
		if !ok {
			return nil, model.Errorf(model.EINVALID, "exists on %q needs true or false", w.Field)
		}
		if b {
			return bson.D{{Key: "$exists", Value: true}, {Key: "$ne", Value: nil}}, nil
		}
		return bson.D{{Key: "$eq", Value: nil}}, nil
	case model.OpRegex, model.OpContains:
		s, ok := w.Value.(string)
		if !ok {
			return nil, model.Errorf(model.EINVALID, "%s on %q needs a string", w.Op, w.Field)
		}
		if op == model.OpContains {
			s = regexp.QuoteMeta(s)
		}
		return bson.D{{Key: "$regex", Value: s}}, nil
	}
	return nil, model.Errorf(model.EINVALID, "unknown filter op %q", w.Op)
}

// conds translates a filter on a sensitive field: equality on the blind index
// (indexes under every key, so that values not yet rotated still match), null
// and exists on the stored value (nulls are not sealed).
func (sf *sensitiveFilter) conds(w model.FieldFilter) (bson.D, error) {
	name := topField(w.Field)
	if w.Field != name {
		return nil, model.Errorf(model.EINVALID, "field %q is sensitive: its values are stored encrypted, so filters cannot look inside them (only equality on the whole value works)", name)
	}
	path, bidx := "fields."+name, bidxField+"."+name
	indexes := func(vals []any) (h bson.A, hasNull bool, err error) {
		h = bson.A{}
		for _, v := range vals {
			if v == nil {
				hasNull = true
				continue
			}
			if sf.keys == nil {
				return nil, false, errNoKeyring(sf.dataset)
			}
			idx, err := blindIndexes(sf.keys, sf.dataset, name, v)
			if err != nil {
				return nil, false, err
			}
			for _, s := range idx {
				h = append(h, s)
			}
		}
		return h, hasNull, nil
	}
	if op, ok := model.LookupFilterOp(w.Op); !ok || !op.Allowed(model.UseSealed) {
		return nil, model.Errorf(model.EINVALID, "filter %s on sensitive field %q: its values are stored encrypted, so only equality works on sensitive fields (%s)", w.Op, w.Field, model.FilterOpNames(model.UseSealed))
	}
	switch model.FilterOp(w.Op) {
	case model.OpEq, model.OpNe, model.OpIn, model.OpNin:
		vals := []any{w.Value}
		if w.Op == string(model.OpIn) || w.Op == string(model.OpNin) {
			l, ok := w.Value.([]any)
			if !ok {
				return nil, model.Errorf(model.EINVALID, "%s on %q needs a list", w.Op, w.Field)
			}
			vals = l
		}
		h, hasNull, err := indexes(vals)
		if err != nil {
			return nil, err
		}
		if w.Op == string(model.OpEq) || w.Op == string(model.OpIn) {
			in := bson.D{{Key: bidx, Value: bson.D{{Key: "$in", Value: h}}}}
			if !hasNull {
				return in, nil
			}
			null := bson.D{{Key: path, Value: bson.D{{Key: "$eq", Value: nil}}}}
			if len(h) == 0 {
				return null, nil
			}
			return bson.D{{Key: "$or", Value: bson.A{in, null}}}, nil
		}
		var out bson.D
		if len(h) > 0 || !hasNull {
			out = append(out, bson.E{Key: bidx, Value: bson.D{{Key: "$nin", Value: h}}})
		}
		if hasNull {
			out = append(out, bson.E{Key: path, Value: bson.D{{Key: "$ne", Value: nil}}})
		}
		return out, nil
	}
	cond, err := opCond(w) // exists: on the stored value (nulls are not sealed)
	if err != nil {
		return nil, err
	}
	return bson.D{{Key: path, Value: cond}}, nil
}

// EnsureDatasetCollection creates a dataset's collection (idempotent).
func (d *DB) EnsureDatasetCollection(ctx context.Context, dataset string) error {
	if err := d.EnsureCollection(ctx, dsCollection(dataset)); err != nil {
		return err
	}
	if !d.ferret {
		// MongoDB answers equality filters on a sensitive field from an index on
		// its blind index; FerretDB would not use one (it pushes down only _id).
		sensitive, err := d.SensitiveFields(ctx, dataset)
		if err != nil {
			return err
		}
		for f := range sensitive {
			m := mongo.IndexModel{Keys: bson.D{{Key: "bidx." + f, Value: 1}}}
			if _, err := d.db.Collection(dsCollection(dataset)).Indexes().CreateOne(ctx, m); err != nil {
				return fmt.Errorf("index the blind index of %s.%s: %w", dataset, f, translate(err))
			}
		}
	}
	return d.indexIDs(ctx)
}

// EnsureCollection creates a collection if it does not exist.
func (d *DB) EnsureCollection(ctx context.Context, name string) error {
	err := d.db.CreateCollection(ctx, name)
	var ce mongo.CommandError
	if errors.As(err, &ce) && (ce.Code == 48 || ce.Name == "NamespaceExists") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create collection %s: %w", name, translate(err))
	}
	return nil
}

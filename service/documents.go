package service

import (
	"context"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/ingest"
	"github.com/mms-platform/mms/model"
)

// Query limits.
const (
	maxFilters   = 20
	maxOrderBy   = 5
	maxInValues  = 1000
	maxRegexLen  = 256
	maxPathDepth = 8
)

// Documents queries a dataset's documents (read on the dataset): filters on
// field paths, ordering, Relay cursors and, when withTotal, the total count of
// matches (0 otherwise: counting reads every match).
func (s *Service) Documents(ctx context.Context, dataset string, where []*model.FieldFilter, orderBy []*model.FieldOrder, first *int, after *string, withTotal bool) (*model.DocumentConnection, error) {
	d, sc, err := s.readDataset(ctx, dataset)
	if err != nil {
		return nil, err
	}
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	q := model.DocumentQuery{Limit: n + 1, SkipCount: !withTotal}
	if q.Where, err = typedFilters(d, where); err != nil {
		return nil, err
	}
	if len(orderBy) > maxOrderBy {
		return nil, model.Errorf(model.EINVALID, "at most %d orderBy fields", maxOrderBy)
	}
	paths := make([]string, 0, len(where)+len(orderBy))
	for _, w := range where {
		paths = append(paths, w.Field)
	}
	for _, o := range orderBy {
		if err := checkPath(d, o.Field); err != nil {
			return nil, err
		}
		q.OrderBy = append(q.OrderBy, *o)
		paths = append(paths, o.Field)
	}
	if err := s.checkFields(ctx, d, sc, "filter or order", paths); err != nil {
		return nil, err
	}
	q.Where = append(q.Where, sc.rows...)
	pos, err := decodeCursor("doc", after)
	if err != nil {
		return nil, err
	}
	offset := 0
	if pos != "" {
		if len(q.OrderBy) > 0 {
			if offset, err = strconv.Atoi(pos); err != nil || offset < 0 {
				return nil, model.Errorf(model.EINVALID, "invalid cursor for an ordered query: pass an endCursor of the same query")
			}
			q.AfterOffset = offset
		} else {
			q.AfterKey = pos
		}
	}
	docs, total, err := s.Docs.FindDocuments(ctx, d.ID, q)
	if err != nil {
		return nil, err
	}
	conn := &model.DocumentConnection{Edges: []*model.DocumentEdge{}, PageInfo: &model.PageInfo{}, TotalCount: max(total, 0)}
	if len(docs) > n {
		docs, conn.PageInfo.HasNextPage = docs[:n], true
	}
	for i, doc := range docs {
		c := doc.Key
		if len(q.OrderBy) > 0 {
			c = strconv.Itoa(offset + i + 1)
		}
		conn.Edges = append(conn.Edges, &model.DocumentEdge{Cursor: encodeCursor("doc", c), Node: sc.document(doc)})
	}
	setPageInfo(conn.PageInfo, len(conn.Edges), func(i int) string { return conn.Edges[i].Cursor }, pos != "")
	return conn, nil
}

// Document returns one document by key (read on the dataset). A share's row
// filter is evaluated by the store with the lookup, as for Documents, so the
// rows a caller sees are the same on every path (arrays included: ne means no
// element equals).
func (s *Service) Document(ctx context.Context, dataset, key string) (*model.Document, error) {
	d, sc, err := s.readDataset(ctx, dataset)
	if err != nil {
		return nil, err
	}
	doc, err := s.Docs.DocumentWhere(ctx, d.ID, key, sc.rows)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			// One answer for a key that does not exist and one outside the rows.
			return nil, model.Errorf(model.ENOTFOUND, "document %q not found in dataset %q", key, d.ID)
		}
		return nil, err
	}
	return sc.document(doc), nil
}

// checkPath validates a field path: a schema field (when the dataset has a
// schema), optionally followed by keys into a json field.
func checkPath(d *model.Dataset, path string) error {
	parts := strings.Split(path, ".")
	if len(parts) > maxPathDepth {
		return model.Errorf(model.EINVALID, "field path %q is too deep", path)
	}
	for _, p := range parts {
		if err := checkFieldName(p); err != nil {
			return err
		}
	}
	if len(d.Fields) == 0 {
		return nil
	}
	f := fieldSpec(d, parts[0])
	if f == nil {
		return model.Errorf(model.EINVALID, "dataset %q has no field %q", d.ID, parts[0])
	}
	if len(parts) > 1 && f.Type != model.FieldJSON {
		return model.Errorf(model.EINVALID, "field %q is %s, not json: it has no %q", parts[0], f.Type, strings.Join(parts[1:], "."))
	}
	return nil
}

func fieldSpec(d *model.Dataset, name string) *model.FieldSpec {
	for i := range d.Fields {
		if d.Fields[i].Name == name {
			return &d.Fields[i]
		}
	}
	return nil
}

// typedFilters validates filters and types their values by the schema, so that
// `glucose gt "140"` compares numbers and a date filter compares dates.
func typedFilters(d *model.Dataset, where []*model.FieldFilter) ([]model.FieldFilter, error) {
	if len(where) > maxFilters {
		return nil, model.Errorf(model.EINVALID, "at most %d filters", maxFilters)
	}
	out := make([]model.FieldFilter, 0, len(where))
	for _, w := range where {
		if err := checkPath(d, w.Field); err != nil {
			return nil, err
		}
		op, ok := model.LookupFilterOp(w.Op)
		if !ok {
			return nil, model.Errorf(model.EINVALID, "filter on %q: unknown op %q (use %s)", w.Field, w.Op, model.FilterOpNames(model.UseDocuments))
		}
		v := normalizeValue(w.Value)
		var typ model.FieldType
		if f := fieldSpec(d, w.Field); f != nil {
			typ = f.Type
		}
		var err error
		switch op.Value {
		case model.ValueBool:
			if _, ok := v.(bool); !ok {
				return nil, model.Errorf(model.EINVALID, "filter on %q: %s needs true or false", w.Field, w.Op)
			}
		case model.ValueString:
			s, ok := v.(string)
			if !ok || len(s) > maxRegexLen {
				return nil, model.Errorf(model.EINVALID, "filter on %q: %s needs a string of at most %d characters", w.Field, w.Op, maxRegexLen)
			}
			if op.Op == model.OpRegex {
				if _, err := regexp.Compile(s); err != nil {
					return nil, model.Errorf(model.EINVALID, "filter on %q: bad regex: %v", w.Field, err)
				}
			}
		case model.ValueList:
			list, ok := v.([]any)
			if !ok || len(list) > maxInValues {
				return nil, model.Errorf(model.EINVALID, "filter on %q: %s needs a list of at most %d values", w.Field, w.Op, maxInValues)
			}
			for i := range list {
				if list[i], err = typedValue(w.Field, list[i], typ); err != nil {
					return nil, err
				}
			}
		case model.ValueScalar:
			switch v.(type) {
			case []any, map[string]any:
				return nil, model.Errorf(model.EINVALID, "filter on %q: %s compares with one value, not a list or an object", w.Field, w.Op)
			}
			fallthrough
		default:
			if v, err = typedValue(w.Field, v, typ); err != nil {
				return nil, err
			}
		}
		out = append(out, model.FieldFilter{Field: w.Field, Op: w.Op, Value: v})
	}
	return out, nil
}

func typedValue(field string, v any, t model.FieldType) (any, error) {
	if v == nil || t == "" || t == model.FieldJSON {
		return v, nil
	}
	cv, err := ingest.Coerce(v, t)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "filter on %q: %v", field, err)
	}
	return normalizeValue(cv), nil
}

// InferSchema proposes a schema from a sample of a source. It needs a signed-in
// caller and touches no dataset.
func (s *Service) InferSchema(ctx context.Context, in model.InferSchemaInput) (*model.InferredSchema, error) {
	if err := s.signedIn(ctx, "schema"); err != nil {
		return nil, err
	}
	n := sampleRows
	if in.Sample != nil {
		if *in.Sample < 1 || *in.Sample > 100_000 {
			return nil, model.Errorf(model.EINVALID, "sample must be between 1 and 100000")
		}
		n = *in.Sample
	}
	p := &ingestPayload{Read: ingest.ReadOptions{Format: ingest.Format(in.Format)}}
	if err := applyIngestOverrides(p, model.IngestInput{CSV: in.CSV, JSONPath: in.JSONPath}); err != nil {
		return nil, err
	}
	var src *source
	var err error
	switch {
	case in.File != nil && in.URL == nil && in.Records == nil:
		src = &source{size: in.File.Size, cleanup: func() {}, open: func(context.Context) (io.ReadCloser, error) {
			return nopCloser{in.File.File}, nil
		}}
	case in.URL != nil && in.File == nil && in.Records == nil:
		if err := checkSourceURL(*in.URL, s.AllowPrivateURLs); err != nil {
			return nil, err
		}
		p.URL = *in.URL
		if src, err = s.openSource(ctx, p); err != nil {
			return nil, err
		}
	case in.Records != nil && in.File == nil && in.URL == nil:
		rows := make([]map[string]any, 0, len(in.Records))
		for i, r := range in.Records {
			m, ok := r.(map[string]any)
			if !ok {
				return nil, model.Errorf(model.EINVALID, "records[%d] is not an object", i)
			}
			rows = append(rows, normalizeFields(m))
			if len(rows) == n {
				break
			}
		}
		return &model.InferredSchema{Fields: ingest.InferSchema(rows, ingest.InferOptions{}), Rows: len(rows)}, nil
	default:
		return nil, model.Errorf(model.EINVALID, "give exactly one source: file, url or records")
	}
	defer src.cleanup()
	rc, err := src.open(ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	rd, err := ingest.NewReader(rc, p.Read)
	if err != nil {
		return nil, err
	}
	rd.KeepOrder()
	var rows []map[string]any
	var order ingest.FieldOrder
	order.Add(rd.Fields()...)
	read := 0
	for read < n {
		row, err := rd.Next()
		if err != nil {
			break
		}
		read++
		if row.Err == nil {
			rows = append(rows, row.Values)
			order.Add(row.Order...)
		}
	}
	return &model.InferredSchema{Fields: ingest.InferSchema(rows, ingest.InferOptions{Order: order.Names()}), Rows: read}, nil
}

// signedIn refuses (and audits) anonymous callers of operations that need only
// an identity.
func (s *Service) signedIn(ctx context.Context, what string) error {
	if model.PrincipalFromContext(ctx).Anonymous {
		return s.authorize(ctx, auth.ActRead, auth.AllTeams, what)
	}
	return nil
}

package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/ingest"
	"github.com/mms-platform/mms/jobs"
	"github.com/mms-platform/mms/model"
)

// DocumentStore persists a dataset's documents (one collection per dataset).
type DocumentStore interface {
	EnsureDatasetCollection(ctx context.Context, dataset string) error
	// DocumentsByKey returns the stored documents among keys.
	DocumentsByKey(ctx context.Context, dataset string, keys []string) (map[string]*model.Document, error)
	// Document returns one document; model.ENOTFOUND if none.
	Document(ctx context.Context, dataset, key string) (*model.Document, error)
	// DocumentWhere returns the document with key if it matches where (a
	// share's row filter, evaluated by the store as in FindDocuments);
	// model.ENOTFOUND otherwise.
	DocumentWhere(ctx context.Context, dataset, key string, where []model.FieldFilter) (*model.Document, error)
	// CountDocumentsWhere counts the documents that match where.
	CountDocumentsWhere(ctx context.Context, dataset string, where []model.FieldFilter) (int, error)
	// ScanDocumentsWhere streams the documents that match where, by key.
	ScanDocumentsWhere(ctx context.Context, dataset string, where []model.FieldFilter, fn func(*model.Document) error) error
	// WriteDocuments applies writes and returns the keys another writer changed first.
	WriteDocuments(ctx context.Context, dataset string, writes []model.DocumentWrite) ([]string, error)
	CountDocuments(ctx context.Context, dataset string) (int, error)
	DocumentScanner
	FindDocuments(ctx context.Context, dataset string, q model.DocumentQuery) ([]*model.Document, int, error)
	// SetNullFields fills a field where it is null or missing; returns how many changed.
	SetNullFields(ctx context.Context, dataset, field string, value any, datasetVersion int) (int, error)
}

// IngestionStore persists ingestions, their rejects and sources, and the
// dataset-level state an ingestion changes.
type IngestionStore interface {
	SaveIngestion(ctx context.Context, in *model.Ingestion) error
	Ingestion(ctx context.Context, id string) (*model.Ingestion, error)
	// DatasetIngestions returns up to limit of a dataset's ingestions, newest
	// first (createdAt, then id), after the position before (nil: from the
	// newest), and the total.
	DatasetIngestions(ctx context.Context, dataset string, before *model.Ingestion, limit int) ([]*model.Ingestion, int, error)
	InsertRejects(ctx context.Context, dataset, ingestion string, first int, rejects []*model.Reject) error
	Rejects(ctx context.Context, dataset, ingestion string, after, limit int) ([]*model.Reject, []int, int, error)
	DropRejects(ctx context.Context, ingestion string) error
	LockDataset(ctx context.Context, id, owner string, now, until time.Time) (bool, error)
	UnlockDataset(ctx context.Context, id, owner string) error
	// DatasetLockHolder returns the owner of the dataset's write lock ("" if free).
	DatasetLockHolder(ctx context.Context, id string) (string, error)
	FinishDatasetIngest(ctx context.Context, id string, version int, fields []model.FieldSpec, count int, at time.Time) error

	// The write pass stages its documents apart from the dataset, then
	// commits and applies them (see mongodb/staging.go): a failure before
	// the commit leaves the dataset as it was, one after it is completed by
	// the next writer of the dataset (LockDataset settles pending commits).

	// StageDocuments writes documents to the dataset's staging; it returns
	// the new keys already staged (to re-read and merge).
	StageDocuments(ctx context.Context, dataset string, writes []model.DocumentWrite) ([]string, error)
	// StagedDocuments returns the staged documents among keys.
	StagedDocuments(ctx context.Context, dataset string, keys []string) (map[string]*model.Document, error)
	// ResetStaging empties the dataset's staging before a write pass.
	ResetStaging(ctx context.Context, dataset string) error
	// DropStaged drops the dataset's staging (roll back).
	DropStaged(ctx context.Context, dataset string) error
	// CommitStaged records that the staging is final; ECONFLICT when the
	// dataset moved on or another commit is pending.
	CommitStaged(ctx context.Context, c model.IngestCommit) error
	// ApplyCommit applies a committed staging to the dataset (idempotent).
	ApplyCommit(ctx context.Context, c *model.IngestCommit) error
	PutSource(ctx context.Context, name string, r io.Reader) (string, int64, error)
	OpenSource(ctx context.Context, id string) (io.ReadCloser, error)
	// DeleteSource removes a stored source once its ingestion has ended.
	DeleteSource(ctx context.Context, id string) error
}

// JobKindIngest is the job kind of ingestions.
const JobKindIngest = "ingest"

// ingestPayload is what an ingestion job needs to run, stored with the job.
type ingestPayload struct {
	Ingestion string               `json:"ingestion"`
	Dataset   string               `json:"dataset"`
	Source    string               `json:"source"`
	Read      ingest.ReadOptions   `json:"read"`
	Spec      ingest.Spec          `json:"spec"`
	Mode      model.WriteMode      `json:"mode"`
	Conflict  model.ConflictPolicy `json:"conflict"`
	OnError   model.OnError        `json:"onError"`
	// Exactly one of these says where the bytes are.
	Stored      string                  `json:"stored,omitempty"` // GridFS id
	StoredSize  int64                   `json:"storedSize,omitempty"`
	StoredFiles []storedFile            `json:"storedFiles,omitempty"` // MEDIA: several uploads
	URL         string                  `json:"url,omitempty"`
	Mongo       *model.MongoSourceInput `json:"mongo,omitempty"`
	SQL         *model.SQLSourceInput   `json:"sql,omitempty"`
	// By is who submitted the ingestion (audited on each use of a connection).
	By string `json:"by,omitempty"`
}

// Limits on ingestion inputs.
const (
	maxInlineRecords = 10000
	maxRules         = 500
	maxSourceName    = 100
)

// Ingest validates an ingestion, stores its source where any instance can read
// it, and queues the job (write on the dataset). The job's result names the
// Ingestion; bad specs are refused here, before anything is queued.
func (s *Service) Ingest(ctx context.Context, in model.IngestInput) (*model.Job, error) {
	nf := notFound("dataset", in.Dataset)
	d, err := s.Datasets.Dataset(ctx, in.Dataset)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActWrite, auth.AllTeams, "dataset/"+in.Dataset, nf)
		}
		return nil, err
	}
	if err := s.conceal(ctx, auth.ActWrite, d.Team, "dataset/"+d.ID, nf); err != nil {
		return nil, err
	}
	var job *model.Job
	err = s.mutate(ctx, auth.ActWrite, d.Team, "dataset/"+d.ID, "ingest source "+truncate(in.Source, 100), func() error {
		p, err := s.ingestPayload(d, in)
		if err != nil {
			return err
		}
		if err := s.checkDBSource(ctx, d, dbSourceOf(in.Mongo, in.SQL)); err != nil {
			return err
		}
		if err := s.spoolSource(ctx, p, in); err != nil {
			return err
		}
		job, err = s.queueIngestion(ctx, d, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return job, nil
}

// ingestPayload checks the input and builds the job payload.
func (s *Service) ingestPayload(d *model.Dataset, in model.IngestInput) (*ingestPayload, error) {
	src := strings.TrimSpace(in.Source)
	if src == "" || utf8.RuneCountInString(src) > maxSourceName || strings.ContainsAny(src, ".$\x00") {
		return nil, model.Errorf(model.EINVALID, "source must be 1-%d characters without '.', '$'", maxSourceName)
	}
	n := 0
	for _, set := range []bool{in.File != nil, in.Files != nil, in.URL != nil, in.Records != nil, in.Mongo != nil, in.SQL != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, model.Errorf(model.EINVALID, "give exactly one source: file, files, url, records, mongo or sql (got %d)", n)
	}
	media := in.Format == model.FormatMedia
	if media && in.File == nil && in.Files == nil && in.URL == nil {
		return nil, model.Errorf(model.EINVALID, "format MEDIA takes a file (a zip archive or one file), files, or a url")
	}
	if in.Files != nil && !media {
		return nil, model.Errorf(model.EINVALID, "files is for format MEDIA; give one file for %s", in.Format)
	}
	p := &ingestPayload{
		Dataset: d.ID, Source: src, Mode: model.WriteModeUpsert, Conflict: model.ConflictPolicyReject,
		OnError: model.OnErrorSkip, Read: ingest.ReadOptions{Format: ingest.Format(in.Format)},
	}
	if in.Mode != nil {
		p.Mode = *in.Mode
	}
	if in.Conflict != nil {
		p.Conflict = *in.Conflict
	}
	if in.OnError != nil {
		p.OnError = *in.OnError
	}
	if in.Spec != nil {
		b, err := json.Marshal(in.Spec)
		if err != nil {
			return nil, model.Errorf(model.EINVALID, "spec: %v", err)
		}
		if p.Spec, err = ingest.ParseSpec(b); err != nil {
			return nil, err
		}
	}
	if err := applyIngestOverrides(p, in); err != nil {
		return nil, err
	}
	if p.Spec.Key == nil && d.KeyField != "" && !media {
		p.Spec.Key = defaultKey(d.KeyField, p.Spec.Mapping)
	}
	if len(in.Records) > maxInlineRecords {
		return nil, model.Errorf(model.EINVALID, "at most %d inline records; upload a file for more", maxInlineRecords)
	}
	if in.Records != nil || in.Mongo != nil || in.SQL != nil {
		// These sources are spooled as NDJSON whatever format says.
		p.Read = ingest.ReadOptions{Format: ingest.FormatNDJSON}
	}
	if len(p.Spec.Rules) > maxRules {
		return nil, model.Errorf(model.EINVALID, "at most %d rules", maxRules)
	}
	if err := checkMappingTargets(d, p.Spec); err != nil {
		return nil, err
	}
	// Validate the spec now (without the source's field names) so that a bad rule
	// is an immediate error rather than a failed job.
	spec := p.Spec
	spec.Fields = nil
	if len(spec.Mapping) > 0 {
		produced := map[string]bool{}
		for _, m := range spec.Mapping {
			produced[m.To] = true
		}
		for _, f := range d.Fields {
			if produced[f.Name] {
				spec.Fields = append(spec.Fields, f)
			}
		}
	}
	if _, err := ingest.Compile(spec, nil); err != nil {
		return nil, err
	}
	return p, nil
}

// applyIngestOverrides lays the typed input fields over the spec.
func applyIngestOverrides(p *ingestPayload, in model.IngestInput) error {
	if c := in.CSV; c != nil {
		if c.Delimiter != nil {
			p.Read.Delimiter = *c.Delimiter
		}
		if c.Encoding != nil {
			p.Read.Encoding = *c.Encoding
		}
		p.Read.Columns = c.Columns
		if c.Header != nil && *c.Header && len(c.Columns) > 0 {
			p.Read.SkipHeader = true
		}
		if c.Header != nil && !*c.Header && len(c.Columns) == 0 {
			return model.Errorf(model.EINVALID, "csv.header false needs csv.columns")
		}
	}
	if in.JSONPath != nil {
		p.Read.Path = *in.JSONPath
	}
	if in.Mapping != nil {
		p.Spec.Mapping = nil
		for _, m := range in.Mapping {
			p.Spec.Mapping = append(p.Spec.Mapping, ingest.Mapping{From: m.From, To: m.To})
		}
	}
	if k := in.Key; k != nil {
		ks := &ingest.KeySpec{From: k.From}
		if k.Prefix != nil {
			ks.Prefix = *k.Prefix
		}
		if k.Digits != nil {
			ks.Digits = *k.Digits
		}
		if k.Case != nil {
			ks.Case = *k.Case
		}
		p.Spec.Key = ks
	}
	if in.Rules != nil {
		b, _ := json.Marshal(map[string]any{"rules": in.Rules})
		s, err := ingest.ParseSpec(b)
		if err != nil {
			return err
		}
		p.Spec.Rules = s.Rules
	}
	if c := in.Checks; c != nil {
		if c.MinRows != nil {
			p.Spec.Checks.MinRows = *c.MinRows
		}
		if c.Unique != nil {
			p.Spec.Checks.Unique = c.Unique
		}
		if c.MaxRejectRatio != nil {
			p.Spec.Checks.MaxRejectRatio = *c.MaxRejectRatio
		}
		if c.MaxNullRatio != nil {
			b, _ := json.Marshal(map[string]any{"checks": map[string]any{"maxNullRatio": c.MaxNullRatio}})
			s, err := ingest.ParseSpec(b)
			if err != nil {
				return err
			}
			p.Spec.Checks.MaxNullRatio = s.Checks.MaxNullRatio
		}
	}
	return nil
}

// defaultKey is the key of an ingestion that gives none into a dataset with a
// key field: the value of that field, read from the source column mapped to it
// (or of the same name). A record without it is rejected ("key: id is missing");
// it is never keyed by its line.
func defaultKey(keyField string, mapping []ingest.Mapping) *ingest.KeySpec {
	from := keyField
	for _, m := range mapping {
		if m.To == keyField {
			from = m.From
			break
		}
	}
	return &ingest.KeySpec{From: from, Default: true}
}

// checkMappingTargets refuses mappings into fields the dataset's schema lacks.
func checkMappingTargets(d *model.Dataset, spec ingest.Spec) error {
	if len(d.Fields) == 0 {
		return nil
	}
	known := map[string]bool{}
	for _, f := range d.Fields {
		known[f.Name] = true
	}
	for _, r := range spec.Rules {
		if r.Op == ingest.OpDerive {
			known[r.Field] = true
		}
	}
	for _, m := range spec.Mapping {
		if !known[m.To] {
			return model.Errorf(model.EINVALID, "mapping %s -> %s: dataset %q has no field %q; add it to the schema or fix the mapping", m.From, m.To, d.ID, m.To)
		}
	}
	return nil
}

// spoolSource stores uploaded and inline bytes in the store; URL, MongoDB and SQL
// sources are read by the job itself.
func (s *Service) spoolSource(ctx context.Context, p *ingestPayload, in model.IngestInput) error {
	switch {
	case in.Files != nil:
		if len(in.Files) == 0 || len(in.Files) > maxInlineRecords {
			return model.Errorf(model.EINVALID, "files: give 1 to %d files", maxInlineRecords)
		}
		for _, f := range in.Files {
			id, n, err := s.Ingestions.PutSource(ctx, f.Filename, f.File)
			if err != nil {
				return err
			}
			p.StoredFiles = append(p.StoredFiles, storedFile{ID: id, Name: f.Filename, Size: n})
		}
	case in.File != nil:
		id, n, err := s.Ingestions.PutSource(ctx, in.File.Filename, in.File.File)
		if err != nil {
			return err
		}
		p.Stored, p.StoredSize = id, n
	case in.Records != nil:
		var buf bytes.Buffer
		for _, r := range in.Records {
			b, err := json.Marshal(r)
			if err != nil {
				return model.Errorf(model.EINVALID, "records: %v", err)
			}
			buf.Write(b)
			buf.WriteByte('\n')
		}
		id, n, err := s.Ingestions.PutSource(ctx, p.Source+".ndjson", &buf)
		if err != nil {
			return err
		}
		p.Stored, p.StoredSize = id, n
	case in.URL != nil:
		if err := checkSourceURL(*in.URL, s.AllowPrivateURLs); err != nil {
			return err
		}
		p.URL = *in.URL
	case in.Mongo != nil:
		p.Mongo = in.Mongo
	case in.SQL != nil:
		if strings.TrimSpace(in.SQL.Query) == "" {
			return model.Errorf(model.EINVALID, "sql.query is empty")
		}
		p.SQL = in.SQL
	}
	return nil
}

// queueIngestion records the ingestion and queues its job.
func (s *Service) queueIngestion(ctx context.Context, d *model.Dataset, p *ingestPayload) (*model.Job, error) {
	now := s.now()
	caller := model.PrincipalFromContext(ctx).ID
	ing := &model.Ingestion{
		ID: jobs.NewID(), Dataset: d.ID, Source: p.Source, Format: model.Format(strings.ToUpper(string(p.Read.Format))),
		Mode: p.Mode, Status: model.JobQueued, FailedChecks: []string{}, Spec: jsonShape(p.Spec),
		CreatedBy: caller, CreatedAt: now,
	}
	p.Ingestion, p.By = ing.ID, caller
	payload, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode ingest payload: %w", err)
	}
	job := &model.Job{
		ID: jobs.NewID(), Kind: JobKindIngest, Status: model.JobQueued, Team: d.Team, Resource: "dataset/" + d.ID,
		CreatedBy: caller, Payload: payload, CreatedAt: now, UpdatedAt: now,
		Result: map[string]any{"ingestion": ing.ID},
	}
	ing.Job = job.ID
	if err := s.Ingestions.SaveIngestion(ctx, ing); err != nil {
		return nil, err
	}
	if err := s.Jobs.CreateJob(ctx, job); err != nil {
		return nil, err
	}
	if s.Runner != nil {
		s.Runner.Wake()
	}
	return job, nil
}

// jsonShape turns a value into plain JSON maps and slices (for storing as a document).
func jsonShape(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// IngestionByID returns an ingestion (read on its dataset).
func (s *Service) IngestionByID(ctx context.Context, id string) (*model.Ingestion, error) {
	nf := notFound("ingestion", id)
	ing, err := s.Ingestions.Ingestion(ctx, id)
	var d *model.Dataset
	if err == nil {
		d, err = s.cachedDataset(ctx, ing.Dataset)
	}
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActRead, auth.AllTeams, "ingestion/"+id, nf)
		}
		return nil, err
	}
	if err := s.authorizeOr(ctx, auth.ActRead, d.Team, "dataset/"+d.ID, nf); err != nil {
		return nil, err
	}
	sc, err := s.readScope(ctx, d)
	if err != nil {
		return nil, err
	}
	if err := s.ingestionsVisible(ctx, d, sc); err != nil {
		return nil, err
	}
	return sc.ingestion(ing), nil
}

// ingestionsVisible refuses a caller whose share of d is limited to some
// rows: an ingestion's totals, checks and report cover every row. Other
// limited views see each ingestion as sc.ingestion redacts it.
func (s *Service) ingestionsVisible(ctx context.Context, d *model.Dataset, sc *scope) error {
	if sc.share != nil && len(sc.rows) > 0 {
		return s.deny(ctx, auth.ActRead, d.Team, "dataset/"+d.ID+"/ingestions",
			fmt.Sprintf("an ingestion's totals, checks and report cover every row of dataset %q; the caller's share is limited to some rows", d.ID))
	}
	return nil
}

// DatasetIngestions lists a dataset's ingestions, newest first (by creation
// time, then id), failed ones included (read on the dataset; hidden datasets
// are ENOTFOUND). Each is shown and refused exactly as IngestionByID shows it.
func (s *Service) DatasetIngestions(ctx context.Context, dataset string, first *int, after *string) (*model.IngestionConnection, error) {
	d, sc, err := s.readDataset(ctx, dataset)
	if err != nil {
		return nil, err
	}
	if err := s.ingestionsVisible(ctx, d, sc); err != nil {
		return nil, err
	}
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	before, err := decodeIngestionCursor(after)
	if err != nil {
		return nil, err
	}
	list, total, err := s.Ingestions.DatasetIngestions(ctx, d.ID, before, n+1)
	if err != nil {
		return nil, err
	}
	conn := &model.IngestionConnection{Edges: []*model.IngestionEdge{}, PageInfo: &model.PageInfo{}, TotalCount: total}
	if len(list) > n {
		list, conn.PageInfo.HasNextPage = list[:n], true
	}
	for _, ing := range list {
		cur := encodeCursor("ing", strconv.FormatInt(ing.CreatedAt.UnixMilli(), 10)+"/"+ing.ID)
		conn.Edges = append(conn.Edges, &model.IngestionEdge{Cursor: cur, Node: sc.ingestion(ing)})
	}
	setPageInfo(conn.PageInfo, len(conn.Edges), func(i int) string { return conn.Edges[i].Cursor }, before != nil)
	return conn, nil
}

// decodeIngestionCursor returns the position (createdAt, id) an ingestion
// cursor names; nil when after is nil or empty.
func decodeIngestionCursor(after *string) (*model.Ingestion, error) {
	pos, err := decodeCursor("ing", after)
	if err != nil || pos == "" {
		return nil, err
	}
	ms, id, ok := strings.Cut(pos, "/")
	t, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || id == "" {
		return nil, badCursor(*after)
	}
	return &model.Ingestion{ID: id, CreatedAt: time.UnixMilli(t).UTC()}, nil
}

// IngestionRejects pages through an ingestion's rejected rows (read on its dataset).
// A caller whose view of the dataset is limited may not read them: a reject
// holds the raw row, every field of it.
func (s *Service) IngestionRejects(ctx context.Context, ing *model.Ingestion, first *int, after *string) (*model.RejectConnection, error) {
	d, sc, err := s.readDataset(ctx, ing.Dataset)
	if err != nil {
		return nil, err
	}
	if !sc.full() {
		return nil, s.deny(ctx, auth.ActRead, d.Team, "dataset/"+d.ID+"/rejects",
			fmt.Sprintf("rejects hold whole raw rows; the caller's view of dataset %q is limited to some fields or rows", d.ID))
	}
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	from, paged, err := decodeIntCursor("rej", after, 0)
	if err != nil {
		return nil, err
	}
	rejects, seqs, total, err := s.Ingestions.Rejects(ctx, ing.Dataset, ing.ID, from, n+1)
	if err != nil {
		return nil, err
	}
	conn := &model.RejectConnection{Edges: []*model.RejectEdge{}, PageInfo: &model.PageInfo{}, TotalCount: total}
	if len(rejects) > n {
		rejects, conn.PageInfo.HasNextPage = rejects[:n], true
	}
	for i, r := range rejects {
		conn.Edges = append(conn.Edges, &model.RejectEdge{Cursor: encodeCursor("rej", fmt.Sprint(seqs[i])), Node: r})
	}
	setPageInfo(conn.PageInfo, len(conn.Edges), func(i int) string { return conn.Edges[i].Cursor }, paged)
	return conn, nil
}

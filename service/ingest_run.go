package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"time"

	"github.com/mms-platform/mms/ingest"
	"github.com/mms-platform/mms/jobs"
	"github.com/mms-platform/mms/model"
)

// Ingestion tuning.
const (
	writeBatch      = 1000
	sampleRows      = 1000
	maxStoredReject = 100_000
	datasetLockTTL  = 2 * time.Minute
)

// RegisterJobs registers the service's job handlers with a runner.
func (s *Service) RegisterJobs(r *jobs.Runner) {
	s.Runner = r
	r.Register(JobKindIngest, s.runIngest)
	r.Register(JobKindTrain, s.runTrain)
	r.Register(JobKindBatchPredict, s.runBatchPredict)
	r.Register(JobKindGoldLabels, s.runGoldLabels)
	r.OnFinish = s.jobFinished
	if s.deliverNow == nil {
		s.deliverNow = make(chan struct{}, 1)
	}
}

// runIngest is the ingestion job: it runs the ingestion and records its outcome
// on the Ingestion, whatever happens.
func (s *Service) runIngest(ctx context.Context, j *model.Job, prog *jobs.Progress) (map[string]any, error) {
	var p ingestPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return nil, fmt.Errorf("decode ingest payload: %w", err)
	}
	prog.SetResult("ingestion", p.Ingestion)
	ing, err := s.Ingestions.Ingestion(ctx, p.Ingestion)
	if err != nil {
		return nil, err
	}
	ing.Status = model.JobRunning
	ing.Read, ing.Inserted, ing.Updated, ing.Unchanged, ing.Rejected = 0, 0, 0, 0, 0
	ing.FailedChecks, ing.Error, ing.Report = []string{}, nil, nil
	if err := s.Ingestions.SaveIngestion(ctx, ing); err != nil {
		return nil, err
	}
	r := &ingestRun{s: s, p: &p, ing: ing, prog: prog, owner: j.ID}
	runErr := r.run(ctx)
	// The stored source served this run; a re-run uploads it again.
	for _, id := range append([]string{p.Stored}, storedIDs(p.StoredFiles)...) {
		if id != "" {
			if err := s.Ingestions.DeleteSource(context.WithoutCancel(ctx), id); err != nil {
				s.Log.Warn("delete ingestion source", "ingestion", ing.ID, "err", err)
			}
		}
	}

	now := s.now()
	ing.FinishedAt = &now
	switch {
	case runErr == nil:
		ing.Status = model.JobSucceeded
	case ctx.Err() != nil:
		ing.Status = model.JobCancelled
		msg := "cancelled; nothing was written to the dataset"
		ing.Error = &msg
	default:
		ing.Status = model.JobFailed
		msg := model.ErrorMessage(runErr)
		ing.Error = &msg
	}
	if err := s.Ingestions.SaveIngestion(context.WithoutCancel(ctx), ing); err != nil {
		return nil, err
	}
	result := map[string]any{
		"ingestion": ing.ID, "read": ing.Read, "inserted": ing.Inserted, "updated": ing.Updated,
		"unchanged": ing.Unchanged, "rejected": ing.Rejected,
	}
	if ing.DatasetVersion != nil {
		result["datasetVersion"] = *ing.DatasetVersion
	}
	return result, runErr
}

// ingestRun is one execution of an ingestion job.
type ingestRun struct {
	s     *Service
	p     *ingestPayload
	ing   *model.Ingestion
	prog  *jobs.Progress
	owner string

	d        *model.Dataset
	src      *source
	pipe     *ingest.Pipeline
	inferred []model.FieldSpec
	// delta collects the written documents for the new version's snapshot.
	delta      *snapshotDelta
	lockedAt   time.Time
	rejects    []*model.Reject
	rejectSeq  int
	empty      bool
	before     int // documents in the dataset when the write pass began
	target     int
	changedAny bool
	// insertFirst: try inserting a batch before reading which keys exist.
	insertFirst bool
	// staged holds the keys staged so far: only those are looked up in the
	// staging (a false "maybe" costs one lookup for nothing).
	staged    *stagedKeys
	committed bool
}

func (r *ingestRun) run(ctx context.Context) error {
	if err := r.lock(ctx); err != nil {
		return err
	}
	defer func() { _ = r.s.Ingestions.UnlockDataset(context.WithoutCancel(ctx), r.p.Dataset, r.owner) }()
	// Taking the lock completed any committed ingestion (LockDataset); a
	// staging left now is one that never committed: drop it (roll back), and
	// drop ours unless it commits.
	if err := r.s.Ingestions.ResetStaging(ctx, r.p.Dataset); err != nil {
		return err
	}
	defer func() {
		r.delta.close() // unless handed to the snapshot build (finish)
		if !r.committed {
			if err := r.s.Ingestions.DropStaged(context.WithoutCancel(ctx), r.p.Dataset); err != nil {
				r.s.Log.Warn("drop ingestion staging", "dataset", r.p.Dataset, "err", err)
			}
		}
	}()
	r.staged = newStagedKeys()
	r.s.ForgetDataset(r.p.Dataset)
	d, err := r.s.Datasets.Dataset(ctx, r.p.Dataset)
	if err != nil {
		return err
	}
	r.d = d
	r.prog.Set(0, model.JobDetail{Phase: "fetching source"})
	if r.src, err = r.s.openSource(ctx, r.p); err != nil {
		return err
	}
	defer r.src.cleanup()
	if err := r.s.Ingestions.DropRejects(ctx, r.ing.ID); err != nil {
		return err
	}
	if r.ing.Format == model.FormatMedia {
		return r.media(ctx)
	}
	if err := r.compile(ctx); err != nil {
		return err
	}
	prof, err := r.check(ctx)
	if err != nil {
		return err
	}
	imputes, err := r.pipe.ImputeValues(prof)
	if err != nil {
		return err
	}
	if err := r.write(ctx, imputes); err != nil {
		return err
	}
	return r.finish(ctx)
}

// lock takes the dataset's ingestion lock, waiting while another ingestion holds it.
func (r *ingestRun) lock(ctx context.Context) error {
	for {
		now := time.Now()
		ok, err := r.s.Ingestions.LockDataset(ctx, r.p.Dataset, r.owner, now, now.Add(datasetLockTTL))
		if err != nil {
			return err
		}
		if ok {
			r.lockedAt = now
			return nil
		}
		// The holder is a job; one that ended without releasing the lock (its
		// server died) holds it no more.
		if holder, err := r.s.Ingestions.DatasetLockHolder(ctx, r.p.Dataset); err == nil && holder != "" {
			if j, err := r.s.Jobs.Job(ctx, holder); err == nil && j.Status.Final() {
				if err := r.s.Ingestions.UnlockDataset(ctx, r.p.Dataset, holder); err != nil {
					return err
				}
				continue
			}
		}
		r.prog.Set(0, model.JobDetail{Phase: "waiting for another ingestion into this dataset"})
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// renewLock extends the dataset lock while the ingestion works.
func (r *ingestRun) renewLock(ctx context.Context) error {
	if time.Since(r.lockedAt) < datasetLockTTL/4 {
		return nil
	}
	now := time.Now()
	ok, err := r.s.Ingestions.LockDataset(ctx, r.p.Dataset, r.owner, now, now.Add(datasetLockTTL))
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("lost the dataset's ingestion lock")
	}
	r.lockedAt = now
	return nil
}

// reader opens the source and a record reader over it.
func (r *ingestRun) reader(ctx context.Context) (*ingest.Reader, io.Closer, error) {
	rc, err := r.src.open(ctx)
	if err != nil {
		return nil, nil, r.sourceErr(err)
	}
	rd, err := ingest.NewReader(rc, r.p.Read)
	if err != nil {
		rc.Close()
		return nil, nil, r.sourceErr(err)
	}
	return rd, rc, nil
}

// compile reads a sample to learn the source's fields (and, for a dataset without
// a schema, to infer one), then compiles the spec against them.
func (r *ingestRun) compile(ctx context.Context) error {
	rd, c, err := r.reader(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	rd.KeepOrder()
	loose := r.p.Spec
	loose.Fields = nil
	loose.Checks = ingest.DataChecks{}
	probe, err := ingest.Compile(loose, rd.Fields())
	if err != nil {
		return err
	}
	var sample []map[string]any
	// The schema keeps the source's field order: the CSV header, a JSON record's
	// keys as written (first seen across the sample), or the mapping's order;
	// fields that rules derive follow, by name.
	var order ingest.FieldOrder
	var mapped []string
	for _, m := range r.p.Spec.Mapping {
		mapped = append(mapped, m.To)
	}
	for len(sample) < sampleRows {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return r.sourceErr(err)
		}
		doc, reasons := probe.Apply(row)
		if len(reasons) > 0 {
			continue
		}
		names := row.Order
		if len(mapped) > 0 {
			names = mapped
		}
		for _, k := range names {
			if _, ok := doc.Fields[k]; ok {
				order.Add(k)
			}
		}
		order.AddSorted(doc.Fields)
		sample = append(sample, doc.Fields)
	}
	order.Add(mapped...)
	schema := r.d.Fields
	if len(schema) == 0 {
		// The dataset takes the types of its first ingestion; required flags and
		// enums are only proposals (see inferSchema), so they are not imposed.
		for _, f := range ingest.InferSchema(sample, ingest.InferOptions{Order: order.Names()}) {
			r.inferred = append(r.inferred, model.FieldSpec{Name: f.Name, Type: f.Type})
		}
		schema = r.inferred
	}
	spec := r.p.Spec
	spec.Fields = nil
	for _, f := range schema {
		if order.Has(f.Name) {
			spec.Fields = append(spec.Fields, f)
		}
	}
	r.pipe, err = ingest.Compile(spec, rd.Fields())
	return err
}

// check is pass 1: read every record, clean and check it, profile what is
// accepted and store what is rejected; then evaluate the dataset-level checks.
// Nothing is written to the dataset here.
func (r *ingestRun) check(ctx context.Context) (*ingest.Profile, error) {
	rd, c, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	prof := r.pipe.NewProfile()
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, r.sourceErr(err)
		}
		r.ing.Read++
		doc, reasons := r.pipe.Apply(row)
		if len(reasons) > 0 {
			prof.AddReject(reasons)
			if err := r.reject(ctx, row.Line, reasons, row.Raw); err != nil {
				return nil, err
			}
			if r.p.OnError == model.OnErrorStop {
				_ = r.flushRejects(ctx)
				return nil, model.Errorf(model.EINVALID, "line %d rejected (onError STOP): %s", row.Line, strings.Join(reasons, "; "))
			}
			continue
		}
		prof.Add(doc)
		if r.ing.Read%writeBatch == 0 {
			if err := r.progress(ctx, 0, rd, "checking"); err != nil {
				return nil, err
			}
		}
	}
	if err := r.flushRejects(ctx); err != nil {
		return nil, err
	}
	rep := prof.Report()
	redactSensitive(&rep, r.d)
	r.ing.Report = jsonShape(rep)
	if fails := r.pipe.Spec().Checks.Evaluate(prof); len(fails) > 0 {
		r.ing.FailedChecks = fails
		return nil, model.Errorf(model.EINVALID, "dataset checks failed, nothing was written: %s", strings.Join(fails, "; "))
	}
	return prof, nil
}

// sourceErr turns a failure to read the source (not bad data, which the
// reader reports as BAD_USER_INPUT: a connection cut, a stored upload gone)
// into UNAVAILABLE with one generic message; the detail goes to the log.
// INTERNAL stays for bugs.
func (r *ingestRun) sourceErr(err error) error {
	if model.ErrorCode(err) != model.EINTERNAL || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	r.s.Log.Warn("read ingestion source", "ingestion", r.ing.ID, "err", err)
	return model.Errorf(model.EUNAVAILABLE, "the source could not be read to the end; nothing was written, run the ingestion again")
}

// progress reports the job's progress; pass is 0 (checking) or 1 (writing).
func (r *ingestRun) progress(ctx context.Context, pass int, rd *ingest.Reader, phase string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	frac := 0.0
	if r.src.size > 0 {
		frac = float64(rd.BytesRead()) / float64(r.src.size)
	}
	rows := int64(r.ing.Read)
	if pass == 1 {
		rows = int64(r.ing.Inserted + r.ing.Updated + r.ing.Unchanged)
	}
	r.prog.Set((float64(pass)+min(frac, 1))/2, model.JobDetail{
		Phase: phase, Rows: rows, Bytes: rd.BytesRead(), TotalBytes: r.src.size,
	})
	return r.renewLock(ctx)
}

// reject records a rejected row (stored up to maxStoredReject, counted always).
func (r *ingestRun) reject(ctx context.Context, line int, reasons []string, raw string) error {
	r.ing.Rejected++
	if r.rejectSeq+len(r.rejects) >= maxStoredReject {
		return nil
	}
	rc := raw
	r.rejects = append(r.rejects, &model.Reject{Line: line, Reasons: reasons, Raw: &rc})
	if len(r.rejects) >= writeBatch {
		return r.flushRejects(ctx)
	}
	return nil
}

func (r *ingestRun) flushRejects(ctx context.Context) error {
	if len(r.rejects) == 0 {
		return nil
	}
	err := r.s.Ingestions.InsertRejects(ctx, r.d.ID, r.ing.ID, r.rejectSeq+1, r.rejects)
	r.rejectSeq += len(r.rejects)
	r.rejects = r.rejects[:0]
	return err
}

// write is pass 2: read and clean again, impute, and stage documents in
// batches according to the write mode (finish commits and applies them).
func (r *ingestRun) write(ctx context.Context, imputes map[string]any) error {
	n, err := r.s.Docs.CountDocuments(ctx, r.d.ID)
	if err != nil {
		return err
	}
	r.empty, r.before = n == 0, n
	r.insertFirst = r.empty
	fields := r.d.Fields
	if r.inferred != nil {
		fields = r.inferred
	}
	r.delta = r.s.newSnapshotDelta(r.d, fields, r.empty)
	r.target = r.d.Version + 1
	if err := r.s.Docs.EnsureDatasetCollection(ctx, r.d.ID); err != nil {
		return err
	}
	rd, c, err := r.reader(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	r.pipe.Reset()
	batch := make([]ingest.Doc, 0, writeBatch)
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return r.sourceErr(err)
		}
		doc, reasons := r.pipe.Apply(row)
		if len(reasons) > 0 {
			continue // counted and stored in pass 1
		}
		r.pipe.Impute(&doc, imputes)
		if doc.Key == "" {
			doc.Key = ingest.RowKey(r.p.Source, doc.Line)
		}
		batch = append(batch, doc)
		if len(batch) == writeBatch {
			if err := r.flush(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
			if err := r.progress(ctx, 1, rd, "writing"); err != nil {
				return err
			}
		}
	}
	if err := r.flush(ctx, batch); err != nil {
		return err
	}
	return r.flushRejects(ctx)
}

// flush writes one batch. Documents that another writer changed in between are
// re-read and merged again, a few times at most.
func (r *ingestRun) flush(ctx context.Context, batch []ingest.Doc) error {
	pending := batch
	for attempt := 0; len(pending) > 0; attempt++ {
		if attempt == 4 {
			return model.Errorf(model.ECONFLICT, "documents keep changing under this ingestion; try again")
		}
		existing := map[string]*model.Document{}
		// Into an empty dataset, insert first when most keys are new (the last
		// batch mostly inserted): keys staged already come back as conflicts
		// and are read and merged on the next attempt. Look keys up first
		// otherwise: the staging cannot tell that a key exists in the dataset.
		if !r.empty || !r.insertFirst || attempt > 0 {
			var err error
			if existing, err = r.lookup(ctx, pending); err != nil {
				return err
			}
		}
		writes, err := r.plan(ctx, pending, existing)
		if err != nil {
			return err
		}
		conflicts, err := r.s.Ingestions.StageDocuments(ctx, r.d.ID, writes)
		if err != nil {
			return err
		}
		for _, w := range writes {
			r.staged.add(w.Doc.Key)
		}
		retry := map[string]bool{}
		for _, k := range conflicts {
			retry[k] = true
		}
		for _, w := range writes {
			if retry[w.Doc.Key] {
				continue
			}
			if w.Expect == 0 {
				r.ing.Inserted++
			} else {
				r.ing.Updated++
			}
			r.changedAny = true
			r.s.addToDelta(r.delta, w.Doc)
		}
		var again []ingest.Doc
		for _, d := range pending {
			if retry[d.Key] {
				again = append(again, d)
			}
		}
		if attempt == 0 {
			r.insertFirst = len(again)*2 < len(pending)
		}
		pending = again
	}
	return nil
}

// lookup returns the current documents of keys: the staged one when this run
// staged the key already, the dataset's otherwise.
func (r *ingestRun) lookup(ctx context.Context, docs []ingest.Doc) (map[string]*model.Document, error) {
	var staged, stored []string
	for _, d := range docs {
		if r.staged.maybe(d.Key) {
			staged = append(staged, d.Key)
		} else {
			stored = append(stored, d.Key)
		}
	}
	out, err := r.s.Ingestions.StagedDocuments(ctx, r.d.ID, staged)
	if err != nil {
		return nil, err
	}
	for _, k := range staged {
		if _, ok := out[k]; !ok {
			stored = append(stored, k) // a false "maybe staged"
		}
	}
	if r.empty || len(stored) == 0 {
		return out, nil
	}
	found, err := r.s.Docs.DocumentsByKey(ctx, r.d.ID, stored)
	if err != nil {
		return nil, err
	}
	maps.Copy(out, found)
	return out, nil
}

// plan turns incoming documents into writes against the stored ones, counting
// unchanged documents and rejecting rows the mode refuses. Repeated keys within
// the batch apply in order onto one write.
func (r *ingestRun) plan(ctx context.Context, incoming []ingest.Doc, existing map[string]*model.Document) ([]model.DocumentWrite, error) {
	now := r.s.now()
	var writes []model.DocumentWrite
	byKey := map[string]int{} // key -> index in writes
	for _, in := range incoming {
		var cur *model.Document
		expect := 0
		if i, ok := byKey[in.Key]; ok {
			cur, expect = writes[i].Doc, writes[i].Expect
		} else if e, ok := existing[in.Key]; ok {
			cur, expect = e, e.Version
		}
		fields, reason := mergeFields(cur, in.Fields, r.p.Mode, r.p.Conflict)
		if reason == "" && cur != nil && r.p.Mode == model.WriteModeMerge {
			// Pass 1 bounded the record; merged with what is stored it may
			// still outgrow what the store holds.
			if n := ingest.DocumentSize(fields); n > ingest.MaxDocumentBytes {
				reason = fmt.Sprintf("record: merged with the stored document %s it would be about %d bytes, more than the limit of %d", cur.Key, n, ingest.MaxDocumentBytes)
			}
		}
		if reason != "" {
			if err := r.reject(ctx, in.Line, []string{reason}, ""); err != nil {
				return nil, err
			}
			continue
		}
		if cur != nil && sameFields(cur.Fields, fields) && hasSource(cur, r.p.Source) {
			if _, pendingWrite := byKey[in.Key]; !pendingWrite {
				r.ing.Unchanged++
			}
			continue
		}
		doc := &model.Document{Key: in.Key, Fields: fields, Version: 1, DatasetVersion: r.target, UpdatedAt: now,
			Sources: map[string]model.SourceRef{}}
		if cur != nil {
			doc.Version = cur.Version + 1
			maps.Copy(doc.Sources, cur.Sources)
		}
		doc.Sources[r.p.Source] = model.SourceRef{Ingestion: r.ing.ID, Line: in.Line, At: now}
		if i, ok := byKey[in.Key]; ok {
			doc.Version = writes[i].Doc.Version
			writes[i].Doc = doc
			continue
		}
		byKey[in.Key] = len(writes)
		writes = append(writes, model.DocumentWrite{Doc: doc, Expect: expect})
	}
	return writes, nil
}

func storedIDs(fs []storedFile) []string {
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	return ids
}

// hasSource reports whether d records data from source.
func hasSource(d *model.Document, source string) bool {
	_, ok := d.Sources[source]
	return ok
}

// mergeFields computes a document's new fields under a write mode, or the reason
// the row is refused.
func mergeFields(cur *model.Document, in map[string]any, mode model.WriteMode, conflict model.ConflictPolicy) (map[string]any, string) {
	in = normalizeFields(in)
	if cur == nil {
		return in, ""
	}
	switch mode {
	case model.WriteModeInsert:
		if sameFields(cur.Fields, in) {
			return in, ""
		}
		return nil, fmt.Sprintf("key: %s already exists (mode INSERT)", cur.Key)
	case model.WriteModeUpsert:
		return in, ""
	}
	out := maps.Clone(cur.Fields)
	for k, v := range in {
		old, has := out[k]
		switch {
		case v == nil && has:
			// a missing value in one source does not erase another's
		case !has || old == nil || sameValue(old, v):
			out[k] = v
		case conflict == model.ConflictPolicyOverwrite:
			out[k] = v
		case conflict == model.ConflictPolicyReject:
			return nil, fmt.Sprintf("%s: conflict: stored %v, source has %v (conflict REJECT)", k, old, v)
		}
	}
	return out, ""
}

// finish commits and applies the staged documents with the new dataset
// version (when anything changed), the inferred schema and the document count.
// Once committed, the ingestion is completed even if ctx ends meanwhile; a
// failure while applying leaves the commit for the next writer of the dataset
// to complete (see mongodb/staging.go).
func (r *ingestRun) finish(ctx context.Context) error {
	// Only ingestions insert documents, under the dataset's lock, and nothing
	// deletes them: the count is the count before plus this run's inserts.
	// (Counting again would read the whole collection back: on the embedded
	// store that costs as much as the write pass and holds every document in
	// memory at once.)
	count := r.before + r.ing.Inserted
	version := r.d.Version
	if r.changedAny || r.inferred != nil {
		version = r.target
	}
	if version == r.d.Version {
		// Nothing staged: only the count may need recording.
		if err := r.s.Ingestions.FinishDatasetIngest(ctx, r.d.ID, version, r.inferred, count, r.s.now()); err != nil &&
			model.ErrorCode(err) != model.ECONFLICT {
			return err
		}
	} else if err := r.commit(ctx, model.IngestCommit{
		Dataset: r.d.ID, Ingestion: r.ing.ID, Version: version, Fields: r.inferred, Count: count, At: r.s.now(),
	}); err != nil {
		return err
	}
	r.s.ForgetDataset(r.d.ID)
	if version != r.d.Version {
		r.s.versionCommitted(ctx, r.d.ID, version, count, r.ing.ID, r.delta)
		r.delta = nil // the build owns it now
	}
	r.ing.DatasetVersion = &version
	r.prog.Set(1, model.JobDetail{Phase: "done", Rows: int64(r.ing.Read)})
	return nil
}

// commit records the staging as final and applies it. The ingestion's counts
// are saved first, so that whoever completes the commit after a crash marks
// it succeeded with them.
func (r *ingestRun) commit(ctx context.Context, c model.IngestCommit) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := r.s.Ingestions.SaveIngestion(ctx, r.ing); err != nil {
		return err
	}
	if err := r.s.Ingestions.CommitStaged(ctx, c); err != nil {
		return err
	}
	r.committed = true
	r.prog.Set(0.99, model.JobDetail{Phase: "applying", Rows: int64(r.ing.Inserted + r.ing.Updated)})
	actx := context.WithoutCancel(ctx)
	var err error
	for attempt := range 3 {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 500 * time.Millisecond)
		}
		if err = r.s.Ingestions.ApplyCommit(actx, &c); err == nil {
			return nil
		}
		r.s.Log.Warn("apply committed ingestion", "dataset", c.Dataset, "ingestion", c.Ingestion, "attempt", attempt+1, "err", err)
	}
	return model.Errorf(model.EUNAVAILABLE, "the ingestion is complete and committed, but applying it to dataset %q failed (%s); "+
		"the next ingestion into the dataset completes it first", c.Dataset, model.ErrorMessage(err))
}

// cancelQueuedIngestion records on its Ingestion that an ingest job was
// cancelled before it ran, and drops the source it stored.
func (s *Service) cancelQueuedIngestion(ctx context.Context, j *model.Job) error {
	var p ingestPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return fmt.Errorf("decode ingest payload: %w", err)
	}
	for _, id := range append([]string{p.Stored}, storedIDs(p.StoredFiles)...) {
		if id != "" {
			if err := s.Ingestions.DeleteSource(ctx, id); err != nil {
				s.Log.Warn("delete ingestion source", "ingestion", p.Ingestion, "err", err)
			}
		}
	}
	ing, err := s.Ingestions.Ingestion(ctx, p.Ingestion)
	if err != nil || ing.Status != model.JobQueued {
		return err
	}
	now := s.now()
	msg := "cancelled before it ran; nothing was written"
	ing.Status, ing.FinishedAt, ing.Error = model.JobCancelled, &now, &msg
	return s.Ingestions.SaveIngestion(ctx, ing)
}

// redactSensitive keeps only counts in the report of a dataset's sensitive
// fields: their top values, extremes, mean and histogram would store the
// values in plain text next to documents that hold them sealed.
func redactSensitive(rep *ingest.ProfileReport, d *model.Dataset) {
	for i := range rep.Fields {
		f := &rep.Fields[i]
		if spec := fieldSpec(d, f.Name); spec != nil && spec.Sensitive {
			*f = ingest.FieldReport{Name: f.Name, Type: f.Type, Count: f.Count, Nulls: f.Nulls, NullRatio: f.NullRatio,
				Distinct: f.Distinct, DistinctExact: f.DistinctExact, Duplicates: f.Duplicates}
		}
	}
}

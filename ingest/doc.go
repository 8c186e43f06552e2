// Package ingest turns heterogeneous sources (CSV, JSON, NDJSON) into clean, typed,
// checked documents, one per entity key. Its readers, rules, checks and profiles
// are pure: no database, no network, no goroutines. The one exception is
// ExportSQL (sql.go), which reads a PostgreSQL source into NDJSON for those
// readers and so opens a connection. Everything streams, so memory stays bounded
// whatever the source size.
//
// The service layer runs a source through the package twice:
//
//	PASS 1 (validate, nothing is written):
//	    rd, _ := ingest.NewReader(spool, opts)     // header read here (CSV)
//	    p, _ := ingest.Compile(spec, rd.Fields())  // EINVALID: bad spec
//	    prof := p.NewProfile()
//	    for row, err := rd.Next(); err != io.EOF; row, err = rd.Next() {
//	        if err != nil { abort }                // unrecoverable: EINVALID
//	        doc, reasons := p.Apply(row)
//	        if reasons != nil { prof.AddReject(reasons); keep (doc.Line, reasons, row.Raw) }
//	        else { prof.Add(doc) }
//	    }
//	    if fails := spec.Checks.Evaluate(prof); len(fails) > 0 { abort }
//	    fill, _ := p.ImputeValues(prof)            // only when the spec imputes
//	PASS 2 (write):
//	    rewind the spool; rd, _ = ingest.NewReader(spool, opts); p.Reset()
//	    for each row: doc, reasons := p.Apply(row); if reasons == nil {
//	        p.Impute(&doc, fill); write doc (key doc.Key, or RowKey(source, doc.Line)) }
//
// The same bytes, options and spec give the same rows, keys, rejects and values in
// both passes: readers and pipelines are deterministic (the profile's sampling uses
// a fixed seed).
//
// Values: CSV cells are strings (an empty cell is nil); JSON numbers arrive as
// json.Number (exact, so an INT beyond 2^53 survives); Apply converts every value to
// its FieldSpec type (int64, float64, bool, time.Time, string, or any JSON value for
// JSON fields, with json.Number turned into int64 or float64 everywhere).
package ingest

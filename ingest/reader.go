package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/mms-platform/mms/model"
)

// Format names a source format.
type Format string

// The source formats a Reader understands.
const (
	FormatCSV    Format = "CSV"
	FormatJSON   Format = "JSON"
	FormatNDJSON Format = "NDJSON"
)

// Encodings a Reader accepts in ReadOptions.Encoding (case-insensitive).
const (
	EncodingUTF8    = "utf-8"   // also "" and "utf8"
	EncodingGBK     = "gbk"     // also "gb2312"
	EncodingGB18030 = "gb18030" //
	EncodingAuto    = "auto"    // UTF-8 unless the first 64 KiB are not valid UTF-8, then GB18030
)

// Defaults and fixed limits of a Reader.
const (
	DefaultMaxRecordBytes = 1 << 20 // 1 MiB
	DefaultMaxFields      = 10000
	// MaxRawBytes bounds Row.Raw: longer records are cut at a rune boundary.
	MaxRawBytes = 1024
	// autoDetectBytes is how much of the source EncodingAuto looks at.
	autoDetectBytes = 64 << 10
	bufSize         = 64 << 10
)

// ReadOptions say how to read a source. The JSON tags let the service decode them
// straight from an API input or a rules file.
type ReadOptions struct {
	// Format is CSV, JSON or NDJSON (case-insensitive). Required.
	Format Format `json:"format"`
	// Delimiter separates CSV cells: one character, "," when empty ("\t" for TSV,
	// ";", "|", "；"...). Not '"', '\r' or '\n'.
	Delimiter string `json:"delimiter,omitempty"`
	// Columns names the CSV columns. When empty, the first non-blank record is the
	// header. When set, every record is data unless SkipHeader is set too.
	Columns []string `json:"columns,omitempty"`
	// SkipHeader, with Columns, drops the file's own header record.
	SkipHeader bool `json:"skipHeader,omitempty"`
	// Encoding of the bytes: "" or "utf-8" (default), "gbk", "gb18030" or "auto".
	// A leading UTF-8 byte order mark is always dropped.
	Encoding string `json:"encoding,omitempty"`
	// Path is, for JSON, the dotted path to the array of records inside the
	// top-level object ("data.patients"); empty means the top level is the array.
	Path string `json:"path,omitempty"`
	// MaxRecordBytes bounds one record (a CSV record, an NDJSON line, a JSON array
	// element); 0 means DefaultMaxRecordBytes.
	MaxRecordBytes int `json:"maxRecordBytes,omitempty"`
	// MaxFields bounds the cells of a CSV record or the top-level keys of a JSON
	// record; 0 means DefaultMaxFields.
	MaxFields int `json:"maxFields,omitempty"`
}

// Row is one record read from a source.
//
// Line locates the record for people: for CSV it is the 1-based physical line where
// the record starts (the header is line 1, so the first data row of a file with a
// header is line 2; blank lines count); for NDJSON it is the 1-based physical line;
// for JSON it is the 1-based index of the element in the array.
//
// When Err is set the record could not be read (bad quoting, wrong cell count,
// invalid UTF-8, invalid or truncated JSON, not an object, over a limit): Values is
// nil, and the row is a reject whose reason is Err.Error(). Raw is the record's
// source text, cut to at most MaxRawBytes and made valid UTF-8.
type Row struct {
	Line   int
	Values map[string]any
	Raw    string
	Err    error
	// Order is the record's field names in source order (the CSV header; a JSON
	// object's keys as written), set only when the Reader was told KeepOrder:
	// a map has no order, and Go's JSON decoder drops it. Do not modify it.
	Order []string
}

// Reader streams the records of one source. It reads each byte once and holds at
// most one record (bounded by MaxRecordBytes) plus fixed buffers, so memory does not
// grow with the source. A Reader is not safe for concurrent use, except BytesRead.
type Reader struct {
	opts     ReadOptions
	format   Format
	count    *countingReader
	br       *bufio.Reader
	validate bool // check records for invalid UTF-8 (false after a GB decoder)
	max      int
	maxF     int
	err      error // sticky unrecoverable error

	// CSV and NDJSON
	line     int // physical lines consumed
	delim    []byte
	header   []string
	lineBuf  []byte
	fieldBuf []byte
	ends     []int
	raw      []byte
	comb     []byte

	keepOrder bool

	// JSON
	src  *jsonSource
	dec  *json.Decoder
	rec  int
	done bool
}

// NewReader prepares to read r. For CSV it reads the header now (so Fields knows the
// column names before the first row); for JSON it walks to the array at opts.Path.
// A bad option, a bad header or a missing path is an EINVALID error.
func NewReader(r io.Reader, opts ReadOptions) (*Reader, error) {
	rd := &Reader{opts: opts, count: &countingReader{r: r}, validate: true}
	rd.format = Format(strings.ToUpper(string(opts.Format)))
	switch rd.format {
	case FormatCSV, FormatJSON, FormatNDJSON:
	case "":
		return nil, model.Errorf(model.EINVALID, "read: format is required (CSV, JSON or NDJSON)")
	default:
		return nil, model.Errorf(model.EINVALID, "read: unknown format %q (want CSV, JSON or NDJSON)", opts.Format)
	}
	rd.max = opts.MaxRecordBytes
	if rd.max <= 0 {
		rd.max = DefaultMaxRecordBytes
	}
	rd.maxF = opts.MaxFields
	if rd.maxF <= 0 {
		rd.maxF = DefaultMaxFields
	}
	if rd.format != FormatJSON && opts.Path != "" {
		return nil, model.Errorf(model.EINVALID, "read: path applies to JSON only")
	}
	if rd.format != FormatCSV && (opts.Delimiter != "" || len(opts.Columns) > 0 || opts.SkipHeader) {
		return nil, model.Errorf(model.EINVALID, "read: delimiter, columns and skipHeader apply to CSV only")
	}

	raw := bufio.NewReaderSize(rd.count, bufSize)
	// A UTF-8 byte order mark is dropped before any decoding: through a GBK
	// decoder its bytes would become text ("锘") glued to the first field.
	if p, err := raw.Peek(3); err == nil && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
		_, _ = raw.Discard(3)
	}
	enc := strings.ToLower(strings.TrimSpace(opts.Encoding))
	if enc == EncodingAuto {
		enc = detectEncoding(raw)
	}
	switch enc {
	case "", EncodingUTF8, "utf8":
		rd.br = raw
	case EncodingGBK, "gb2312":
		rd.br = bufio.NewReaderSize(transform.NewReader(raw, simplifiedchinese.GBK.NewDecoder()), bufSize)
		rd.validate = false
	case EncodingGB18030:
		rd.br = bufio.NewReaderSize(transform.NewReader(raw, simplifiedchinese.GB18030.NewDecoder()), bufSize)
		rd.validate = false
	default:
		return nil, model.Errorf(model.EINVALID, "read: unknown encoding %q (want utf-8, gbk, gb18030 or auto)", opts.Encoding)
	}
	if p, err := rd.br.Peek(3); err == nil && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
		_, _ = rd.br.Discard(3)
	}

	var err error
	switch rd.format {
	case FormatCSV:
		err = rd.openCSV()
	case FormatJSON:
		err = rd.openJSON()
	}
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// Fields returns the CSV column names in file order (nil for JSON and NDJSON, whose
// records name their own fields). Pass it to Compile to check a spec against the
// source.
func (rd *Reader) Fields() []string {
	if rd.header == nil {
		return nil
	}
	return append([]string(nil), rd.header...)
}

// KeepOrder makes every later Row carry Order, its field names in source order.
// It costs a second scan of each JSON record, so callers ask for it only where the
// order matters (sampling the source to infer a schema).
func (rd *Reader) KeepOrder() { rd.keepOrder = true }

// BytesRead returns how many bytes have been read from the underlying reader so far
// (before decoding; it runs ahead of the rows returned by up to a buffer). Compare it
// with the source size for progress. Safe to call from another goroutine.
func (rd *Reader) BytesRead() int64 { return rd.count.n.Load() }

// Next returns the next record, or io.EOF after the last one. A problem with one
// record comes back as a Row with Err set, and reading goes on with the next record.
// An error from Next is unrecoverable (a read error, or JSON too broken to find the
// next element): it is an EINVALID *model.Error for bad input, and every later call
// returns it again.
func (rd *Reader) Next() (Row, error) {
	if rd.err != nil {
		return Row{}, rd.err
	}
	var row Row
	var err error
	switch rd.format {
	case FormatCSV:
		row, err = rd.nextCSV()
	case FormatNDJSON:
		row, err = rd.nextNDJSON()
	default:
		row, err = rd.nextJSON()
	}
	if err != nil {
		rd.err = err
	}
	return row, err
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// detectEncoding peeks at the start of the source: valid UTF-8 (a rune cut by the
// peek window does not count) means UTF-8, anything else GB18030.
func detectEncoding(br *bufio.Reader) string {
	p, _ := br.Peek(autoDetectBytes)
	if len(p) == autoDetectBytes {
		for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
			if utf8.RuneStart(p[i]) {
				if !utf8.FullRune(p[i:]) {
					p = p[:i]
				}
				break
			}
		}
	}
	if utf8.Valid(p) {
		return EncodingUTF8
	}
	return EncodingGB18030
}

// readError wraps an I/O error from the source.
func readError(err error) error {
	return fmt.Errorf("read source: %w", err)
}

// readLine reads the next physical line without its terminator ("\n" or "\r\n").
// The slice is valid until the next call. A line longer than rd.max is consumed
// whole but only its first MaxRawBytes are kept, and tooLong is set. io.EOF means
// no more lines.
func (rd *Reader) readLine() (line []byte, tooLong bool, err error) {
	rd.lineBuf = rd.lineBuf[:0]
	total := 0
	for {
		chunk, e := rd.br.ReadSlice('\n')
		total += len(chunk)
		if e == bufio.ErrBufferFull {
			if total > rd.max+2 {
				tooLong = true
			}
			if !tooLong {
				rd.lineBuf = append(rd.lineBuf, chunk...)
			} else if len(rd.lineBuf) < MaxRawBytes {
				rd.lineBuf = append(rd.lineBuf, chunk[:min(len(chunk), MaxRawBytes-len(rd.lineBuf))]...)
			}
			continue
		}
		if e != nil && e != io.EOF {
			return nil, false, readError(e)
		}
		if e == io.EOF && total == 0 {
			return nil, false, io.EOF
		}
		switch {
		case tooLong:
			line = rd.lineBuf
		case len(rd.lineBuf) == 0:
			line = chunk // no copy in the common case
		default:
			rd.lineBuf = append(rd.lineBuf, chunk...)
			line = rd.lineBuf
		}
		break
	}
	rd.line++
	if !tooLong {
		if n := len(line); n > 0 && line[n-1] == '\n' {
			line = line[:n-1]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
		}
		if len(line) > rd.max {
			tooLong = true
			line = line[:min(len(line), MaxRawBytes)]
		}
	}
	return line, tooLong, nil
}

// rawString cuts b to MaxRawBytes at a rune boundary and makes it valid UTF-8.
func rawString(b []byte) string {
	if len(b) > MaxRawBytes {
		n := MaxRawBytes
		for n > MaxRawBytes-utf8.UTFMax && n > 0 && !utf8.RuneStart(b[n]) {
			n--
		}
		b = b[:n]
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// ---- CSV ----

func (rd *Reader) openCSV() error {
	d := rd.opts.Delimiter
	if d == "" {
		d = ","
	}
	r, size := utf8.DecodeRuneInString(d)
	if size != len(d) || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
		return model.Errorf(model.EINVALID, "read: invalid CSV delimiter %q (want one character, not a quote or line break)", d)
	}
	rd.delim = []byte(d)

	if len(rd.opts.Columns) > 0 {
		if err := rd.setHeader(rd.opts.Columns); err != nil {
			return err
		}
		if !rd.opts.SkipHeader {
			return nil
		}
	} else if rd.opts.SkipHeader {
		return model.Errorf(model.EINVALID, "read: skipHeader needs columns")
	}
	for {
		line, tooLong, err := rd.readLine()
		if err == io.EOF {
			if rd.header == nil {
				return model.Errorf(model.EINVALID, "read: CSV has no header row")
			}
			return nil
		}
		if err != nil {
			return err
		}
		if tooLong {
			return model.Errorf(model.EINVALID, "read: CSV header (line %d) is longer than %d bytes", rd.line, rd.max)
		}
		if len(line) == 0 {
			continue
		}
		start := rd.line
		n, perr := rd.parseRecord(line)
		if perr != nil {
			return model.Errorf(model.EINVALID, "read: CSV header (line %d): %v", start, perr)
		}
		if rd.header != nil { // SkipHeader: drop it
			return nil
		}
		if rd.validate && !utf8.Valid(rd.fieldBuf) {
			return model.Errorf(model.EINVALID, "read: CSV header (line %d) is not valid UTF-8 (set the encoding)", start)
		}
		names := make([]string, n)
		prev := 0
		for i := range n {
			names[i] = string(rd.fieldBuf[prev:rd.ends[i]])
			prev = rd.ends[i]
		}
		if n == 1 {
			if d := guessDelimiter(rd.oneCell(), rd.peekLine(), rd.delim, 0); d != 0 {
				return model.Errorf(model.EINVALID, "read: the CSV header (line %d) is a single column %q: the file seems to use %q as its delimiter, not %q (set the CSV delimiter to %q)",
					start, cut(string(rd.oneCell()), 120), string(d), string(rd.delim), string(d))
			}
		}
		return rd.setHeader(names)
	}
}

// csvDelimiters are the delimiters CSV files commonly use. When the header,
// read with the delimiter asked for, is a single column that one of them
// splits into named columns, the file most likely uses that one.
var csvDelimiters = []byte{',', ';', '\t', '|'}

// guessDelimiter returns a common delimiter other than chosen that splits
// header into at least two columns, two of them named, and sample (the next
// record's line, when known) into as many cells; with want > 0, into want
// cells. 0 when there is none.
func guessDelimiter(header, sample, chosen []byte, want int) byte {
	var best byte
	bestN := 1
	for _, d := range csvDelimiters {
		if len(chosen) == 1 && chosen[0] == d {
			continue
		}
		cells := splitCSVLine(header, d)
		named := 0
		for _, c := range cells {
			if strings.TrimSpace(c) != "" {
				named++
			}
		}
		switch {
		case want > 0 && len(cells) != want,
			want == 0 && named < 2,
			len(sample) > 0 && len(splitCSVLine(sample, d)) != len(cells):
			continue
		}
		if len(cells) > bestN {
			best, bestN = d, len(cells)
		}
	}
	return best
}

// splitCSVLine splits one line at d outside double quotes: the cells roughly,
// enough to guess a delimiter.
func splitCSVLine(line []byte, d byte) []string {
	var cells []string
	quoted, start := false, 0
	for i, b := range line {
		switch {
		case b == '"':
			quoted = !quoted
		case b == d && !quoted:
			cells = append(cells, string(line[start:i]))
			start = i + 1
		}
	}
	return append(cells, string(line[start:]))
}

// oneCell is the text of the record just parsed into a single cell: its
// source text, with its quotes, unless that was cut at MaxRawBytes; then the
// cell itself (the same bytes when it had no quotes).
func (rd *Reader) oneCell() []byte {
	if len(rd.raw) < MaxRawBytes || bytes.IndexByte(rd.raw, '"') >= 0 {
		return rd.raw
	}
	return rd.fieldBuf
}

// peekLine returns the next non-blank line without consuming it (as much of
// it as the buffer holds), or nil.
func (rd *Reader) peekLine() []byte {
	b, _ := rd.br.Peek(bufSize)
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if line = bytes.TrimSuffix(line, []byte("\r")); len(line) > 0 {
			return line
		}
	}
	return nil
}

// cut shortens s to about n bytes for a message.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

func (rd *Reader) setHeader(names []string) error {
	if len(names) > rd.maxF {
		return model.Errorf(model.EINVALID, "read: CSV has %d columns, more than the limit of %d", len(names), rd.maxF)
	}
	seen := make(map[string]int, len(names))
	h := make([]string, len(names))
	for i, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			n = fmt.Sprintf("column%d", i+1)
		}
		if j, dup := seen[n]; dup {
			return model.Errorf(model.EINVALID, "read: CSV column %q appears twice (columns %d and %d)", n, j+1, i+1)
		}
		seen[n] = i
		h[i] = n
	}
	rd.header = h
	return nil
}

func (rd *Reader) nextCSV() (Row, error) {
	for {
		line, tooLong, err := rd.readLine()
		if err != nil {
			return Row{}, err
		}
		start := rd.line
		if tooLong {
			return Row{Line: start, Raw: rawString(line), Err: fmt.Errorf("line is longer than %d bytes", rd.max)}, nil
		}
		if len(line) == 0 {
			continue
		}
		n, perr := rd.parseRecord(line)
		if perr != nil {
			if errors.Is(perr, errSourceRead) {
				return Row{}, perr
			}
			return Row{Line: start, Raw: rawString(rd.raw), Err: perr}, nil
		}
		if n != len(rd.header) {
			err := fmt.Errorf("has %d fields, the header has %d", n, len(rd.header))
			if n == 1 {
				if d := guessDelimiter(rd.oneCell(), nil, rd.delim, len(rd.header)); d != 0 {
					err = fmt.Errorf("%w (the file seems to use %q as its delimiter, not %q)", err, string(d), string(rd.delim))
				}
			}
			return Row{Line: start, Raw: rawString(rd.raw), Err: err}, nil
		}
		if rd.validate && !utf8.Valid(rd.fieldBuf) {
			return Row{Line: start, Raw: rawString(rd.raw), Err: errors.New("invalid UTF-8 (is the file GBK? set the encoding)")}, nil
		}
		// One allocation holds the raw text and every cell.
		rawLen := min(len(rd.raw), MaxRawBytes)
		if rawLen < len(rd.raw) {
			for rawLen > 0 && !utf8.RuneStart(rd.raw[rawLen]) {
				rawLen--
			}
		}
		rd.comb = append(append(rd.comb[:0], rd.raw[:rawLen]...), rd.fieldBuf...)
		s := string(rd.comb)
		vals := make(map[string]any, n)
		prev := 0
		for i, name := range rd.header {
			end := rd.ends[i]
			if end == prev {
				vals[name] = nil
			} else {
				vals[name] = s[rawLen+prev : rawLen+end]
			}
			prev = end
		}
		row := Row{Line: start, Values: vals, Raw: s[:rawLen]}
		if rd.keepOrder {
			row.Order = rd.header
		}
		return row, nil
	}
}

var (
	errEOFInQuotes = errors.New("bad quoting: quoted field not closed before the end of the file")
	errSourceRead  = errors.New("read source")
)

// parseRecord parses the CSV record starting with line (RFC 4180: a quoted cell may
// hold delimiters, doubled quotes and line breaks). It leaves the cells' bytes in
// rd.fieldBuf with their end offsets in rd.ends, the record's raw text (up to
// MaxRawBytes) in rd.raw, and returns the cell count. After an error the rest of
// the current physical line is dropped, and the next record starts on the next line.
func (rd *Reader) parseRecord(line []byte) (int, error) {
	rd.fieldBuf = rd.fieldBuf[:0]
	rd.ends = rd.ends[:0]
	rd.raw = append(rd.raw[:0], line[:min(len(line), MaxRawBytes)]...)
	size := len(line)
	delim := rd.delim
	d0 := delim[0]
	pos := 0
	for {
		if len(rd.ends) >= rd.maxF {
			return 0, fmt.Errorf("has more than %d fields", rd.maxF)
		}
		if pos < len(line) && line[pos] == '"' {
			pos++
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					// The quoted cell goes on to the next line.
					rd.fieldBuf = append(rd.fieldBuf, line[pos:]...)
					rd.fieldBuf = append(rd.fieldBuf, '\n')
					next, tooLong, err := rd.readLine()
					if err == io.EOF {
						return 0, errEOFInQuotes
					}
					if err != nil {
						return 0, fmt.Errorf("%w: %w", errSourceRead, err)
					}
					size += len(next) + 1
					if tooLong || size > rd.max {
						return 0, fmt.Errorf("record is longer than %d bytes (an unclosed quote?)", rd.max)
					}
					if len(rd.raw) < MaxRawBytes {
						rd.raw = append(rd.raw, '\n')
						rd.raw = append(rd.raw, next[:min(len(next), MaxRawBytes-len(rd.raw))]...)
					}
					line, pos = next, 0
					continue
				}
				rd.fieldBuf = append(rd.fieldBuf, line[pos:pos+i]...)
				pos += i + 1
				if pos < len(line) && line[pos] == '"' {
					rd.fieldBuf = append(rd.fieldBuf, '"')
					pos++
					continue
				}
				break
			}
			rd.ends = append(rd.ends, len(rd.fieldBuf))
			if pos == len(line) {
				return len(rd.ends), nil
			}
			if line[pos] == d0 && bytes.HasPrefix(line[pos:], delim) {
				pos += len(delim)
				continue
			}
			r, _ := utf8.DecodeRune(line[pos:])
			return 0, fmt.Errorf("bad quoting: %q after the closing quote of field %d", r, len(rd.ends))
		}
		var i int
		if len(delim) == 1 {
			i = bytes.IndexByte(line[pos:], d0)
		} else {
			i = bytes.Index(line[pos:], delim)
		}
		f := line[pos:]
		if i >= 0 {
			f = line[pos : pos+i]
		}
		if bytes.IndexByte(f, '"') >= 0 {
			return 0, fmt.Errorf("bad quoting: stray quote in field %d", len(rd.ends)+1)
		}
		rd.fieldBuf = append(rd.fieldBuf, f...)
		rd.ends = append(rd.ends, len(rd.fieldBuf))
		if i < 0 {
			return len(rd.ends), nil
		}
		pos += i + len(delim)
	}
}

// ---- NDJSON ----

func (rd *Reader) nextNDJSON() (Row, error) {
	for {
		line, tooLong, err := rd.readLine()
		if err != nil {
			return Row{}, err
		}
		if tooLong {
			return Row{Line: rd.line, Raw: rawString(line), Err: fmt.Errorf("line is longer than %d bytes", rd.max)}, nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		return rd.jsonRow(rd.line, line, true), nil
	}
}

// jsonRow decodes one JSON record. Numbers become json.Number.
func (rd *Reader) jsonRow(n int, b []byte, single bool) Row {
	row := Row{Line: n, Raw: rawString(b)}
	if len(b) > rd.max {
		row.Err = fmt.Errorf("record is longer than %d bytes", rd.max)
		return row
	}
	if rd.validate && !utf8.Valid(b) {
		row.Err = errors.New("invalid UTF-8")
		return row
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		row.Err = jsonError(err)
		return row
	}
	if single {
		if _, err := dec.Token(); err != io.EOF {
			row.Err = errors.New("invalid JSON: more data after the value")
			return row
		}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		row.Err = fmt.Errorf("not a JSON object: %s", jsonKind(v))
		return row
	}
	if len(obj) > rd.maxF {
		row.Err = fmt.Errorf("has %d fields, more than the limit of %d", len(obj), rd.maxF)
		return row
	}
	row.Values = obj
	if rd.keepOrder {
		row.Order = objectKeys(b, len(obj))
	}
	return row
}

// objectKeys returns the top-level keys of the JSON object b in the order they
// are written, each once (a repeated key keeps its first place, as the decoder
// keeps its last value). b has already decoded as an object.
func objectKeys(b []byte, n int) []string {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // '{'
		return nil
	}
	keys := make([]string, 0, n)
	seen := make(map[string]bool, n)
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := t.(string)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return keys
		}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

func jsonError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errors.New("invalid JSON: truncated (unexpected end of record)")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, se)
	}
	return fmt.Errorf("invalid JSON: %v", err)
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

// ---- JSON ----

// jsonSource feeds the decoder at most 32 KiB per read and stops with
// errRecordTooLarge once the decoder has pulled more than limit bytes since mark
// (the start of the current value): a huge element then ends the read with an error
// instead of filling memory.
type jsonSource struct {
	r     io.Reader
	n     int64
	mark  int64
	limit int64
}

var errRecordTooLarge = errors.New("record too large")

func (s *jsonSource) Read(p []byte) (int, error) {
	if s.n-s.mark > s.limit {
		return 0, errRecordTooLarge
	}
	if len(p) > 32<<10 {
		p = p[:32<<10]
	}
	n, err := s.r.Read(p)
	s.n += int64(n)
	return n, err
}

func (rd *Reader) openJSON() error {
	rd.src = &jsonSource{r: rd.br, limit: int64(rd.max) + 64<<10}
	rd.dec = json.NewDecoder(rd.src)
	rd.dec.UseNumber()
	where := "the top level"
	if rd.opts.Path != "" {
		for seg := range strings.SplitSeq(rd.opts.Path, ".") {
			tok, err := rd.token()
			if err != nil {
				return err
			}
			if d, ok := tok.(json.Delim); !ok || d != '{' {
				return model.Errorf(model.EINVALID, "read: JSON path %q: %s is not an object", rd.opts.Path, where)
			}
			found := false
			for rd.dec.More() {
				kt, err := rd.token()
				if err != nil {
					return err
				}
				if k, _ := kt.(string); k == seg {
					found = true
					break
				}
				if err := rd.skipValue(); err != nil {
					return err
				}
			}
			if !found {
				return model.Errorf(model.EINVALID, "read: JSON path %q: key %q not found in %s", rd.opts.Path, seg, where)
			}
			where = fmt.Sprintf("%q", seg)
		}
	}
	tok, err := rd.token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		hint := ""
		if d, ok := tok.(json.Delim); ok && d == '{' && rd.opts.Path == "" {
			hint = " (set path to the array inside the object, like \"data.items\")"
		}
		return model.Errorf(model.EINVALID, "read: JSON: %s is not an array%s", where, hint)
	}
	return nil
}

func (rd *Reader) token() (json.Token, error) {
	rd.src.mark = rd.dec.InputOffset()
	tok, err := rd.dec.Token()
	if err != nil {
		return nil, rd.jsonFatal(err)
	}
	return tok, nil
}

func (rd *Reader) skipValue() error {
	depth := 0
	for {
		tok, err := rd.token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

func (rd *Reader) jsonFatal(err error) error {
	var rec string
	if rd.rec > 0 {
		rec = fmt.Sprintf(" in record %d", rd.rec)
	}
	switch {
	case errors.Is(err, errRecordTooLarge):
		return model.Errorf(model.EINVALID, "read: JSON value%s is longer than %d bytes", rec, rd.max)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return model.Errorf(model.EINVALID, "read: JSON ends early%s (truncated file?)", rec)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return model.Errorf(model.EINVALID, "read: JSON syntax error at byte %d%s: %v", se.Offset, rec, se)
	}
	var ue *json.UnmarshalTypeError
	if errors.As(err, &ue) {
		return model.Errorf(model.EINVALID, "read: JSON%s: %v", rec, err)
	}
	return readError(err)
}

func (rd *Reader) nextJSON() (Row, error) {
	if rd.done {
		return Row{}, io.EOF
	}
	if !rd.dec.More() {
		if _, err := rd.token(); err != nil { // the closing ']'
			return Row{}, err
		}
		rd.done = true
		return Row{}, io.EOF
	}
	rd.rec++
	rd.src.mark = rd.dec.InputOffset()
	var raw json.RawMessage
	if err := rd.dec.Decode(&raw); err != nil {
		return Row{}, rd.jsonFatal(err)
	}
	return rd.jsonRow(rd.rec, raw, false), nil
}

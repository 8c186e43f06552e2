package ingest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/mms-platform/mms/model"
)

// Limits on what one document may hold, so that everything pass 1 accepts
// can be stored (MongoDB and FerretDB refuse more) and read back.
const (
	// MaxFieldNameChars bounds a field name (and a key inside a json value).
	MaxFieldNameChars = 128
	// MaxDepth bounds how deep objects and arrays nest inside a document
	// (MongoDB allows 100 levels in all, and the stored document wraps the
	// fields in two of them).
	MaxDepth = 90
	// MaxDocumentBytes bounds a document's stored size: MongoDB's 16 MiB
	// limit less room for the key, the sources, the sealing of sensitive
	// values and the update command around it.
	MaxDocumentBytes = 15 << 20
)

// FieldName returns name in Unicode NFC form if it can name a field, or an
// EINVALID error saying why not. It is the one definition of a field name,
// used wherever a name enters: ingested records (top-level keys), mappings,
// dataset schemas, and every field a request names. A field name:
//
//   - is 1 to MaxFieldNameChars characters, once in NFC (so "é" typed as e +
//     combining accent and as one character name the same field);
//   - has no '.', no '$' and no NUL (they would change its meaning as a
//     MongoDB path), and no leading or trailing space;
//   - has no control, format, private-use, unassigned or invisible characters
//     (zero-width spaces and joiners, bidirectional controls, variation
//     selectors, fillers), and no white space but the ASCII space;
//   - does not mix letters of the scripts that look alike (Latin, Greek,
//     Cyrillic, Armenian, Cherokee...): "аge" with a Cyrillic "а" is refused,
//     as is any other homoglyph of a Latin name, while "возраст" is fine.
func FieldName(name string) (string, error) {
	n, reason := fieldName(name, true)
	if reason != "" {
		return "", model.Errorf(model.EINVALID, "field name %s: %s", quoteName(name), reason)
	}
	return n, nil
}

// fieldName normalizes and checks a name; top is false for keys inside a json
// value, which may hold any printable characters but '.' and a leading '$'.
func fieldName(name string, top bool) (string, string) {
	if !utf8.ValidString(name) {
		return "", "is not valid UTF-8"
	}
	if !norm.NFC.IsNormalString(name) {
		name = norm.NFC.String(name)
	}
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return "", "is empty"
	case n > MaxFieldNameChars:
		return "", fmt.Sprintf("has %d characters, more than %d", n, MaxFieldNameChars)
	case strings.ContainsRune(name, 0):
		return "", "contains a NUL character"
	case strings.ContainsRune(name, '.'):
		return "", "contains '.' (a path separator)"
	case top && strings.ContainsRune(name, '$'), name[0] == '$':
		return "", "contains '$' (an operator prefix)"
	case top && (name[0] == ' ' || name[len(name)-1] == ' '):
		return "", "starts or ends with a space"
	}
	scripts := 0
	for _, r := range name {
		if why := badRune(r); why != "" {
			return "", fmt.Sprintf("contains %s (U+%04X)", why, r)
		}
		if top {
			for i, t := range confusable {
				if unicode.Is(t.table, r) {
					scripts |= 1 << i
				}
			}
		}
	}
	if scripts&(scripts-1) != 0 {
		var names []string
		for i, t := range confusable {
			if scripts&(1<<i) != 0 {
				names = append(names, t.name)
			}
		}
		return "", "mixes letters of scripts that look alike (" + strings.Join(names, " and ") + ")"
	}
	return name, ""
}

// confusable lists the scripts with letters that look like Latin ones (or like
// each other's); a name may use letters of one of them only.
var confusable = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Latin", unicode.Latin}, {"Greek", unicode.Greek}, {"Cyrillic", unicode.Cyrillic},
	{"Armenian", unicode.Armenian}, {"Cherokee", unicode.Cherokee}, {"Coptic", unicode.Coptic},
}

// badRune says why r cannot be part of a name ("" if it can).
func badRune(r rune) string {
	switch {
	case r == utf8.RuneError:
		return "an invalid character"
	case unicode.Is(unicode.Bidi_Control, r):
		return "a bidirectional control character"
	case unicode.Is(unicode.Variation_Selector, r):
		return "a variation selector"
	case unicode.Is(unicode.Cf, r), r == '\u034f', r == '\u115f', r == '\u1160', r == '\u3164',
		r == '\uffa0', r == '\u2800', r == '\u17b4', r == '\u17b5', r == '\u180e':
		return "an invisible character"
	case unicode.IsControl(r), unicode.Is(unicode.Zl, r), unicode.Is(unicode.Zp, r):
		return "a control character"
	case unicode.IsSpace(r) && r != ' ', unicode.Is(unicode.Zs, r) && r != ' ':
		return "white space other than a plain space"
	case unicode.Is(unicode.Co, r), unicode.Is(unicode.Cs, r):
		return "a private-use character"
	case r >= 0xFDD0 && r <= 0xFDEF, r&0xFFFE == 0xFFFE:
		return "a noncharacter"
	case !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs):
		return "an unassigned character"
	}
	return ""
}

// quoteName quotes a name for a message, cut to a readable length.
func quoteName(name string) string {
	if len(name) > 60 {
		cut := 60
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		return fmt.Sprintf("%+q… (%d bytes)", name[:cut], len(name))
	}
	return fmt.Sprintf("%+q", name)
}

// maxNameCache bounds the field names a Pipeline remembers as checked.
const maxNameCache = 10000

// fieldName is the package's fieldName for top-level names, remembering the
// answers (a source has few distinct field names, and every row repeats them).
func (p *Pipeline) fieldName(k string) (string, string) {
	if n, ok := p.names[k]; ok {
		return n, ""
	}
	n, why := fieldName(k, true)
	if why == "" && len(p.names) < maxNameCache {
		if p.names == nil {
			p.names = map[string]string{}
		}
		p.names[k] = n
	}
	return n, why
}

// normalizeNames renames the record's top-level keys to their NFC form
// before anything looks them up; invalid names are left to storable.
func (p *Pipeline) normalizeNames(values map[string]any) {
	for k, v := range values {
		if n, why := p.fieldName(k); why == "" && n != k {
			if _, dup := values[n]; !dup {
				delete(values, k)
				values[n] = v
			}
		}
	}
}

// storable checks that a cleaned document can be stored: field names (top
// level, normalized in place to NFC) and keys inside json values, nesting
// depth and size. It returns the reasons it cannot, like Apply.
func (p *Pipeline) storable(fields map[string]any) []string {
	var reasons []string
	for k, v := range fields {
		n, why := p.fieldName(k)
		if why != "" {
			reasons = append(reasons, "field name "+quoteName(k)+": "+why)
			continue
		}
		if n != k {
			if _, dup := fields[n]; dup {
				reasons = append(reasons, fmt.Sprintf("field name %s: is %s in NFC form, which the record has too", quoteName(k), quoteName(n)))
				continue
			}
			delete(fields, k)
			fields[n] = v
		}
	}
	if reasons != nil {
		return reasons
	}
	w := sizeWalk{}
	for k, v := range fields {
		w.size += len(k) + 2
		if why := w.value(k, v, 1); why != "" {
			return []string{why}
		}
	}
	if w.size > MaxDocumentBytes {
		return []string{fmt.Sprintf("record: about %d bytes once stored, more than the limit of %d", w.size, MaxDocumentBytes)}
	}
	return nil
}

// DocumentSize is about how many bytes fields take once stored (it stops
// counting a little past MaxDocumentBytes).
func DocumentSize(fields map[string]any) int {
	w := sizeWalk{}
	for k, v := range fields {
		w.size += len(k) + 2
		w.value(k, v, 1)
	}
	return w.size
}

// sizeWalk measures a document's approximate BSON size while checking the
// keys and depth of json values.
type sizeWalk struct{ size int }

func (w *sizeWalk) value(path string, v any, depth int) string {
	if depth > MaxDepth {
		return fmt.Sprintf("%s: nests deeper than %d levels", topSegment(path), MaxDepth)
	}
	if w.size > MaxDocumentBytes {
		return fmt.Sprintf("record: more than %d bytes once stored", MaxDocumentBytes)
	}
	switch x := v.(type) {
	case map[string]any:
		w.size += 5
		for k, e := range x {
			n, why := fieldName(k, false)
			if why != "" {
				return fmt.Sprintf("%s: key %s: %s", topSegment(path), quoteName(k), why)
			}
			if n != k {
				if _, dup := x[n]; dup {
					return fmt.Sprintf("%s: key %s: is %s in NFC form, which the object has too", topSegment(path), quoteName(k), quoteName(n))
				}
				delete(x, k)
				x[n] = e
				k = n
			}
			w.size += len(k) + 2
			if why := w.value(path, e, depth+1); why != "" {
				return why
			}
		}
	case []any:
		w.size += 5
		for i, e := range x {
			w.size += 2 + digits(i)
			if why := w.value(path, e, depth+1); why != "" {
				return why
			}
		}
	case string:
		w.size += len(x) + 5
	case json.Number:
		w.size += 8
	case time.Time, float64, int64, int, int32:
		w.size += 8
	default:
		w.size += 8
	}
	return ""
}

// MaxKeyBytes bounds a document key (the stored _id).
const MaxKeyBytes = 512

// checkKey refuses a normalized key the store could not hold or that would
// be unreadable: too long, not UTF-8, or with control characters.
func checkKey(k string) error {
	switch {
	case len(k) > MaxKeyBytes:
		return fmt.Errorf("%d bytes long, more than %d", len(k), MaxKeyBytes)
	case !utf8.ValidString(k):
		return fmt.Errorf("%s is not valid UTF-8", quoteName(k))
	}
	for _, r := range k {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return fmt.Errorf("%s contains a control character (U+%04X)", quoteName(k), r)
		}
	}
	return nil
}

func digits(i int) int {
	n := 1
	for i >= 10 {
		i /= 10
		n++
	}
	return n
}

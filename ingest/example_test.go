package ingest_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/mms-platform/mms/ingest"
)

// Example shows the two passes the service makes over one spooled source.
func Example() {
	const source = "patient_id,glucose,sex\nP0001,148 mg/dL, F \np-2,0,female\n3,abc,女\nP0001,90,M\n"
	spec, err := ingest.ParseSpec([]byte(`{
		"key": {"from": "patient_id", "prefix": "P", "digits": 4},
		"mapping": [{"from": "glucose", "to": "glucose"}, {"from": "sex", "to": "sex"}],
		"rules": [
			{"op": "number", "field": "glucose", "units": ["mg/dL"]},
			{"op": "missing", "field": "glucose", "values": [0]},
			{"op": "impute", "field": "glucose", "method": "median"},
			{"op": "map", "field": "sex", "fold": true, "map": {"F": "F", "female": "F", "女": "F", "M": "M"}},
			{"op": "dedupe"}
		],
		"fields": [{"name": "glucose", "type": "INT", "max": 600}, {"name": "sex", "type": "CATEGORY", "enum": ["F", "M"]}],
		"checks": {"maxRejectRatio": 0.5}
	}`))
	if err != nil {
		panic(err)
	}
	opts := ingest.ReadOptions{Format: ingest.FormatCSV}

	// Pass 1: validate and profile; nothing is written.
	rd, _ := ingest.NewReader(strings.NewReader(source), opts)
	p, err := ingest.Compile(spec, rd.Fields())
	if err != nil {
		panic(err)
	}
	prof := p.NewProfile()
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		doc, reasons := p.Apply(row)
		if reasons != nil {
			prof.AddReject(reasons)
			fmt.Printf("reject line %d: %s\n", doc.Line, strings.Join(reasons, "; "))
			continue
		}
		prof.Add(doc)
	}
	if fails := spec.Checks.Evaluate(prof); fails != nil {
		fmt.Println("abort:", fails)
		return
	}
	fill, _ := p.ImputeValues(prof)

	// Pass 2: the same bytes again; write what is accepted.
	rd, _ = ingest.NewReader(strings.NewReader(source), opts)
	p.Reset()
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		doc, reasons := p.Apply(row)
		if reasons != nil {
			continue
		}
		p.Impute(&doc, fill)
		fmt.Println("write", doc.Key, doc.Fields["glucose"], doc.Fields["sex"])
	}
	// Output:
	// reject line 4: glucose: "abc" is not a number
	// reject line 5: key: duplicate P0001 (first at line 2)
	// write P0001 148 F
	// write P0002 148 F
}

// Package annotate is the pure core of MMS's text annotation: label schemas and their
// validation, annotation validation against a document's text, inter-annotator
// agreement (Cohen's and Fleiss' kappa, span F1), dictionary and regex pre-annotation,
// and the exchange formats of the common annotation tools (doccano, Label Studio,
// brat standoff, CoNLL IOB2).
//
// It does no I/O of its own (the format encoders and decoders work on the io.Writer or
// io.Reader they are given, one document at a time), touches no database and no
// network, and imports only the standard library and package model. Bad input is
// reported as a *model.Error with code model.EINVALID and a message that names what to
// fix; any other error (a failing reader or writer) is passed through unchanged.
//
// It works on model's annotation types (model.LabelSchema, model.Annotation,
// model.Span, model.Suggestion...), the ones GraphQL serves and the store keeps,
// so the service hands them over as they are; only Document (the unit of the
// formats) and PRF are its own.
//
// # Offsets
//
// Every offset in this package counts Unicode code points (runes) of the document's
// text, 0-based, end exclusive, the way Python's str indexes text: "P0001说😀" has 7
// code points, the emoji counting one; a combining sequence such as "e\u0301" counts
// two, and a ZWJ emoji sequence such as "👨‍👩‍👧" counts five. Byte offsets (Go's string
// indexes) and UTF-16 code units (JavaScript's) are never used at the API; Slice
// converts. Bytes that are not valid UTF-8 count one code point each, as Go's range
// loop decodes them (Python would refuse such text).
//
// # Formats
//
// Encoders write one document per call, in one Write, to the io.Writer they wrap;
// decoders read one document per call and return io.EOF after the last, so exports
// and imports stream whatever their size:
//
//	doccano JSONL     NewDoccanoEncoder / NewDoccanoDecoder        spans, relations, classes
//	Label Studio JSON NewLabelStudioEncoder / NewLabelStudioDecoder spans, relations, classes, suggestions
//	brat standoff     EncodeBrat / DecodeBrat (.txt + .ann)        spans, relations, events
//	CoNLL IOB2        NewCoNLLEncoder (export only)                 non-overlapping spans
//
// Encoders refuse a structurally broken document (model.EINVALID, nothing written);
// decoders check structure only and leave schema checks to ValidateAnnotation.
//
// # Typical use
//
//	if err := annotate.ValidateSchema(schema); err != nil { ... } // on createLabelSchema
//	if err := annotate.ValidateAnnotation(schema, text, a); err != nil { ... } // on saveAnnotation
//	p, err := annotate.NewPreannotator(lists, rules)               // once per task
//	suggestions := p.Suggest(text)                                  // per document
//	k, err := annotate.CohenKappa(labelsA, labelsB)                 // agreement(task)
//	enc := annotate.NewDoccanoEncoder(w); enc.Encode(doc)           // exports, streaming
package annotate

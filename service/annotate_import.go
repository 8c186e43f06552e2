package service

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/mms-platform/mms/annotate"
	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// Export sources: which annotation of each item is exported.
const (
	ExportGold      = "gold"      // the reviewed version (items without one are skipped)
	ExportSubmitted = "submitted" // every submitted annotation, one record each (id document#annotator)
)

// ExportAnnotations streams a task's annotations in a standard format to w, one
// document at a time (read on the task and on its dataset, whose texts it
// contains). brat is a zip of .txt and .ann files. Memory does not grow with the
// task. A record that a format cannot hold fails with its document id.
func (s *Service) ExportAnnotations(ctx context.Context, taskID string, format model.AnnotationFormat, which string, w io.Writer) error {
	t, err := s.taskForText(ctx, taskID, auth.ActRead)
	if err != nil {
		return err
	}
	if _, err := s.Dataset(ctx, t.Dataset); err != nil {
		return err
	}
	if which == "" {
		which = ExportGold
	}
	if which != ExportGold && which != ExportSubmitted {
		return model.Errorf(model.EINVALID, "which must be gold or submitted, got %q", which)
	}
	var encode func(annotate.Document) error
	var finish func() error
	switch format {
	case model.AnnotationFormatDoccano:
		e := annotate.NewDoccanoEncoder(w)
		encode, finish = e.Encode, func() error { return nil }
	case model.AnnotationFormatLabelStudio:
		e := annotate.NewLabelStudioEncoder(w)
		encode, finish = e.Encode, e.Close
	case model.AnnotationFormatConll:
		e := annotate.NewCoNLLEncoder(w)
		encode, finish = e.Encode, func() error { return nil }
	case model.AnnotationFormatBrat:
		e := annotate.NewBratZipEncoder(w, s.now())
		encode, finish = e.Encode, e.Close
	default:
		return model.Errorf(model.EINVALID, "unknown format %q", format)
	}
	err = s.Annotations.TaskItems(ctx, t.ID, func(it model.TaskItem) error {
		text, err := s.itemText(ctx, t, it.Document)
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil // the document was removed since the task was made
		}
		if err != nil {
			return err
		}
		var as []*model.Annotation
		if which == ExportGold {
			a, err := s.Annotations.Annotation(ctx, t.ID, it.Document, model.GoldAnnotator)
			if model.ErrorCode(err) == model.ENOTFOUND {
				return nil
			}
			if err != nil {
				return err
			}
			as = []*model.Annotation{a}
		} else {
			all, err := s.Annotations.ItemAnnotations(ctx, t.ID, it.Document)
			if err != nil {
				return err
			}
			for _, a := range all {
				if a.Annotator != model.GoldAnnotator && a.Status == model.AnnotationSubmitted {
					as = append(as, a)
				}
			}
		}
		for _, a := range as {
			id := it.Document
			if which == ExportSubmitted {
				id += "#" + a.Annotator
			}
			d := annotate.Document{ID: id, Text: text, Annotation: *a}
			if format == model.AnnotationFormatLabelStudio {
				d.Suggestions = it.Suggestions
			}
			if err := encode(d); err != nil {
				return fmt.Errorf("export %s: %w", id, err)
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	return finish()
}

// ImportAnnotations reads annotations in doccano JSONL, Label Studio JSON or brat
// (a zip of .txt/.ann pairs) and saves each, validated, as the caller's submitted
// annotation of the task item with the same document id and text (write on the
// task). It stops at the first bad record, naming it; records before it stay.
func (s *Service) ImportAnnotations(ctx context.Context, taskID string, format model.AnnotationFormat, r io.Reader) (int, error) {
	t, err := s.taskForText(ctx, taskID, auth.ActWrite)
	if err != nil {
		return 0, err
	}
	who := model.PrincipalFromContext(ctx).ID
	n := 0
	save := func(d annotate.Document) error {
		id := strings.SplitN(d.ID, "#", 2)[0]
		if _, err := s.Annotations.TaskItem(ctx, t.ID, id); err != nil {
			return model.Errorf(model.EINVALID, "record %d: document %q is not an item of task %s", n+1, id, t.ID)
		}
		text, err := s.itemText(ctx, t, id)
		if err != nil {
			return err
		}
		if d.Text != "" && d.Text != text {
			return model.Errorf(model.EINVALID, "record %d: the text of %q differs from the dataset's", n+1, id)
		}
		in := model.SaveAnnotationInput{Task: t.ID, Document: id, Labels: d.Annotation.Labels}
		for _, sp := range d.Annotation.Spans {
			in.Spans = append(in.Spans, &model.SpanInput{ID: sp.ID, Start: sp.Start, End: sp.End, Label: sp.Label, Text: sp.Text})
		}
		for _, rl := range d.Annotation.Relations {
			in.Relations = append(in.Relations, &model.RelationInput{Type: rl.Type, Head: rl.Head, Tail: rl.Tail})
		}
		for _, ev := range d.Annotation.Events {
			e := &model.EventInput{Type: ev.Type, Trigger: ev.Trigger, Arguments: []*model.EventArgInput{}}
			for _, a := range ev.Arguments {
				e.Arguments = append(e.Arguments, &model.EventArgInput{Role: a.Role, Span: a.Span})
			}
			in.Events = append(in.Events, e)
		}
		status := model.AnnotationSubmitted
		in.Status = &status
		if prev, err := s.Annotations.Annotation(ctx, t.ID, id, who); err == nil {
			in.Version = &prev.Version
		}
		if _, err := s.saveAs(ctx, t, in, who, auth.ActWrite); err != nil {
			return fmt.Errorf("record %d (%s): %w", n+1, id, err)
		}
		n++
		return nil
	}
	switch format {
	case model.AnnotationFormatDoccano, model.AnnotationFormatLabelStudio:
		next := annotate.NewDoccanoDecoder(r).Decode
		if format == model.AnnotationFormatLabelStudio {
			next = annotate.NewLabelStudioDecoder(r).Decode
		}
		for {
			d, err := next()
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			if err != nil {
				return n, err
			}
			if err := save(d); err != nil {
				return n, err
			}
		}
	case model.AnnotationFormatBrat:
		return n, s.importBrat(r, save)
	}
	return 0, model.Errorf(model.EINVALID, "format %s cannot be imported (CoNLL is export only)", format)
}

// importBrat reads a zip of brat .txt/.ann pairs (named by document id).
func (s *Service) importBrat(r io.Reader, save func(annotate.Document) error) error {
	buf, err := io.ReadAll(io.LimitReader(r, s.MaxSourceBytes+1))
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(strings.NewReader(string(buf)), int64(len(buf)))
	if err != nil {
		return model.Errorf(model.EINVALID, "brat import needs a zip of .txt and .ann files: %v", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	for _, f := range zr.File {
		if path.Ext(f.Name) != ".ann" {
			continue
		}
		base := strings.TrimSuffix(f.Name, ".ann")
		tf, ok := files[base+".txt"]
		if !ok {
			return model.Errorf(model.EINVALID, "%s has no %s.txt", f.Name, base)
		}
		txt, err := tf.Open()
		if err != nil {
			return err
		}
		ann, err := f.Open()
		if err != nil {
			txt.Close()
			return err
		}
		d, err := annotate.DecodeBrat(txt, ann)
		txt.Close()
		ann.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		d.ID = path.Base(base)
		if err := save(d); err != nil {
			return err
		}
	}
	return nil
}

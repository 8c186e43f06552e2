package ml

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// PlotSize is the width and height of the SVG plots.
const PlotSize = 5 * vg.Inch

// ROCSeries is one named ROC curve of a plot ("test", "train", ...).
type ROCSeries struct {
	Name string
	ROC  ROC
}

// PRSeries is one named precision-recall curve of a plot.
type PRSeries struct {
	Name string
	PR   PR
}

// CalibrationSeries is one named reliability diagram of a plot.
type CalibrationSeries struct {
	Name string
	Bins []CalibrationBin
}

// PlotROC renders ROC curves as SVG, each named in the legend with its AUC, over the
// chance diagonal. It returns EINVALID when there is no series or a series is empty
// or malformed.
func PlotROC(title string, series ...ROCSeries) ([]byte, error) {
	if len(series) == 0 {
		return nil, invalidf("no ROC curve to plot")
	}
	p := newPlot(title, "False positive rate", "True positive rate")
	if err := addDiagonal(p, "chance"); err != nil {
		return nil, err
	}
	for k, s := range series {
		if len(s.ROC.FPR) == 0 || len(s.ROC.FPR) != len(s.ROC.TPR) {
			return nil, invalidf("ROC curve %q is empty or malformed", s.Name)
		}
		if err := addLine(p, k, thinPoints(ROCPlotPoints(s.ROC)), plotter.NoStep, fmt.Sprintf("%s (AUC = %.3f)", s.Name, s.ROC.AUC())); err != nil {
			return nil, err
		}
	}
	placeLegend(p, false, false)
	return renderSVG(p)
}

// PlotPR renders precision-recall curves as SVG steps (as scikit-learn draws them),
// each named in the legend with its average precision. It returns EINVALID when there
// is no series or a series is empty or malformed.
func PlotPR(title string, series ...PRSeries) ([]byte, error) {
	if len(series) == 0 {
		return nil, invalidf("no precision-recall curve to plot")
	}
	p := newPlot(title, "Recall", "Precision")
	for k, s := range series {
		n := len(s.PR.Recall)
		if n == 0 || n != len(s.PR.Precision) {
			return nil, invalidf("precision-recall curve %q is empty or malformed", s.Name)
		}
		if err := addLine(p, k, thinPoints(PRPlotPoints(s.PR)), plotter.PreStep, fmt.Sprintf("%s (AP = %.3f)", s.Name, s.PR.AP())); err != nil {
			return nil, err
		}
	}
	placeLegend(p, true, false)
	return renderSVG(p)
}

// PlotCalibration renders reliability diagrams as SVG: the fraction of positives
// against the mean predicted probability of each bin, over the perfectly calibrated
// diagonal. It returns EINVALID when there is no series or a series has no bin.
func PlotCalibration(title string, series ...CalibrationSeries) ([]byte, error) {
	if len(series) == 0 {
		return nil, invalidf("no calibration curve to plot")
	}
	p := newPlot(title, "Mean predicted probability", "Fraction of positives")
	if err := addDiagonal(p, "perfectly calibrated"); err != nil {
		return nil, err
	}
	for k, s := range series {
		if len(s.Bins) == 0 {
			return nil, invalidf("calibration curve %q has no bin", s.Name)
		}
		pts := make(plotter.XYs, len(s.Bins))
		n := 0
		for i, b := range s.Bins {
			pts[i] = plotter.XY{X: b.MeanPredicted, Y: b.FractionPositive}
			n += b.Count
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, invalidf("calibration curve %q: %v", s.Name, err)
		}
		line.Color = plotutil.Color(k)
		line.Width = vg.Points(1.5)
		points.Color = plotutil.Color(k)
		points.Shape = draw.CircleGlyph{}
		p.Add(line, points)
		p.Legend.Add(fmt.Sprintf("%s (%d rows, %d bins)", s.Name, n, len(s.Bins)), line, points)
	}
	placeLegend(p, true, true)
	return renderSVG(p)
}

// ROCPlotPoints returns the points PlotROC joins with straight lines (less those
// closer than the plot's resolution, see thinPoints): the curve as
// scikit-learn's RocCurveDisplay draws it, roc_curve(drop_intermediate=True), from
// (0, 0) to (1, 1).
func ROCPlotPoints(r ROC) plotter.XYs {
	d := r.DropIntermediate()
	return xys(d.FPR, d.TPR)
}

// PRPlotPoints returns the points PlotPR joins with steps (thinned as ROC's; vertical, then
// horizontal), in increasing recall: precision_recall_curve's points in reverse,
// from (recall 0, precision 1) to recall 1. The steps are those of scikit-learn's
// PrecisionRecallDisplay (drawstyle steps-post over decreasing recall): the
// horizontal step between two recalls has the precision of the higher one, whose
// area is the average precision. When the highest-scored row is a negative, the
// curve has the point (recall 0, precision 0) and so a vertical segment at recall 0
// from 0 to 1, in scikit-learn's plot as here.
func PRPlotPoints(c PR) plotter.XYs {
	n := len(c.Recall)
	pts := make(plotter.XYs, n)
	for i := range pts {
		pts[i] = plotter.XY{X: c.Recall[n-1-i], Y: c.Precision[n-1-i]}
	}
	return pts
}

// plotResolution is the smallest move, in axis units (both axes span about
// 1), that a plotted curve draws: 1/2000 of PlotSize is 0.18 pt, well under
// the 1.5 pt line.
const plotResolution = 1.0 / 2000

// thinPoints drops the points of a curve that lie within plotResolution, on
// both axes, of the last point kept (the first and the last always stay):
// the drawing moves by less than that, while a curve over a million rows
// (one point per distinct score) no longer makes a 30 MB SVG.
func thinPoints(pts plotter.XYs) plotter.XYs {
	if len(pts) <= 2 {
		return pts
	}
	out := plotter.XYs{pts[0]}
	for _, q := range pts[1 : len(pts)-1] {
		last := out[len(out)-1]
		if math.Abs(q.X-last.X) >= plotResolution || math.Abs(q.Y-last.Y) >= plotResolution {
			out = append(out, q)
		}
	}
	return append(out, pts[len(pts)-1])
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1.02
	p.Add(plotter.NewGrid())
	return p
}

func xys(x, y []float64) plotter.XYs {
	pts := make(plotter.XYs, len(x))
	for i := range pts {
		pts[i] = plotter.XY{X: x[i], Y: y[i]}
	}
	return pts
}

func addLine(p *plot.Plot, k int, pts plotter.XYs, step plotter.StepKind, label string) error {
	l, err := plotter.NewLine(pts)
	if err != nil {
		return invalidf("curve %q: %v", label, err)
	}
	l.StepStyle = step
	l.Color = plotutil.Color(k)
	l.Width = vg.Points(1.5)
	p.Add(l)
	p.Legend.Add(label, l)
	return nil
}

func addDiagonal(p *plot.Plot, label string) error {
	d, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return err
	}
	d.Color = color.Gray{Y: 128}
	d.Dashes = []vg.Length{vg.Points(4), vg.Points(4)}
	p.Add(d)
	p.Legend.Add(label, d)
	return nil
}

// placeLegend puts the legend in a corner, inset from the axes.
func placeLegend(p *plot.Plot, left, top bool) {
	p.Legend.Left, p.Legend.Top = left, top
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(8), vg.Points(8)
	if left {
		p.Legend.XOffs = vg.Points(8)
	}
	if top {
		p.Legend.YOffs = -vg.Points(8)
	}
}

func renderSVG(p *plot.Plot) ([]byte, error) {
	c := vgsvg.New(PlotSize, PlotSize)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("render svg: %w", err)
	}
	return buf.Bytes(), nil
}

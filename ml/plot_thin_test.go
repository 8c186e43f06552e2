package ml

import (
	"math"
	"testing"

	"gonum.org/v1/plot/plotter"
)

// TestThinPoints: a curve of a million points is drawn with a few thousand;
// the first and last stay and every dropped point is within the plot's
// resolution of the last point kept before it.
func TestThinPoints(t *testing.T) {
	n := 1_000_000
	pts := make(plotter.XYs, n)
	for i := range pts {
		x := float64(i) / float64(n-1)
		pts[i] = plotter.XY{X: x, Y: math.Sqrt(x)}
	}
	out := thinPoints(pts)
	if len(out) > 5000 || out[0] != pts[0] || out[len(out)-1] != pts[n-1] {
		t.Fatalf("%d points kept, ends %v %v", len(out), out[0], out[len(out)-1])
	}
	k := 0
	for _, p := range pts {
		if k+1 < len(out) && p == out[k+1] {
			k++
			continue
		}
		if p != out[k] && (math.Abs(p.X-out[k].X) >= plotResolution || math.Abs(p.Y-out[k].Y) >= plotResolution) {
			t.Fatalf("dropped %v, %v from the last kept %v", p, plotResolution, out[k])
		}
	}
	if short := (plotter.XYs{{X: 0, Y: 0}, {X: 1e-9, Y: 0}}); len(thinPoints(short)) != 2 {
		t.Fatal("a two-point curve lost a point")
	}
}

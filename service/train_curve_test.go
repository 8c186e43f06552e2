package service

import "testing"

// TestCurveKeepsEnds: a stored curve longer than maxCurvePoints is thinned but
// keeps its first and last points, even when the last step is a long jump (many
// rows tied at the lowest score: the curve's end was dropped before, so a ROC
// curve stopped at FPR 0.85).
func TestCurveKeepsEnds(t *testing.T) {
	for _, n := range []int{2, 499, 500, 501, 502, 1001, 1234, 5000} {
		x := make([]float64, n)
		for i := range x {
			x[i] = 0.85 * float64(i) / float64(n-1)
		}
		x[n-1] = 1
		got := curve(x, x, x[:n-1])
		if len(got) > maxCurvePoints {
			t.Errorf("n=%d: %d points stored, want at most %d", n, len(got), maxCurvePoints)
		}
		if got[0].X != 0 || got[len(got)-1].X != 1 {
			t.Errorf("n=%d: stored curve runs from %v to %v, want 0 to 1", n, got[0].X, got[len(got)-1].X)
		}
	}
}

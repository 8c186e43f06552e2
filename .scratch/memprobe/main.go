package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mms-platform/mms/ml"
)

func hwm() string {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM") || strings.HasPrefix(l, "VmRSS") {
			fmt.Print(l, "  ")
		}
	}
	return ""
}

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	var peak atomic.Uint64
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	stage := func(name string) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("%-12s peak heap objects %4d MB, heap alloc %4d MB, ", name, peak.Load()>>20, ms.HeapAlloc>>20)
		hwm()
		fmt.Println()
	}
	w := 20
	r := rand.New(rand.NewPCG(1, 2))
	names := make([]string, w)
	var feats []ml.FeatureSpec
	for j := range names {
		names[j] = fmt.Sprintf("x%02d", j)
		feats = append(feats, ml.FeatureSpec{Name: names[j], Type: ml.TypeNumeric})
	}
	nr := &ml.NumericRows{Names: names, N: n, Data: make([]float64, n*w), Missing: make([][]bool, w)}
	y := make([]float64, n)
	keys := make([]string, n)
	for i := range n {
		z := 0.25
		for j := range w {
			x := r.NormFloat64()*float64(j+1) + float64(j)
			nr.Data[i*w+j] = x
			z += (x - float64(j)) * float64((j%5)-2) / 2 / float64(j+1)
		}
		if r.Float64() < 1/(1+math.Exp(-z)) {
			y[i] = 1
		}
		keys[i] = fmt.Sprintf("r%07d", i)
	}
	stage("loaded")
	_, X, err := ml.FitTransformNumeric(ml.Spec{Features: feats}, nr)
	if err != nil {
		panic(err)
	}
	stage("transformed")
	t0 := time.Now()
	res, err := ml.Train(context.Background(), X, y, ml.TrainSpec{TestFraction: 0.25, Seed: 42, Stratify: true, Metric: ml.MetricROCAUC, Threshold: ml.ThresholdFixed})
	if err != nil {
		panic(err)
	}
	stage("trained")
	fmt.Println("train", time.Since(t0), res.Model.Iterations, len(res.ROC.FPR), len(res.PR.Recall), len(keys))
}

#!/usr/bin/python3
"""Time scikit-learn's lbfgs LogisticRegression on the data of Go's BenchmarkFit1Mx20.

Both sides generate the same 1,000,000 x 20 data from this formula (no file is
exchanged), documented also in ml/bench_test.go:

  mix(k)  = the SplitMix64 finalizer of k * 0x9E3779B97F4A7C15 (mod 2^64), i.e. the
            k-th output of SplitMix64 started at state 0
  u(k)    = (mix(k) >> 11) * 2^-53                      uniform in [0, 1)
  x[i][j] = (2*u(i*d + j + 1) - 1) * sqrt(3)             uniform, unit variance
  beta[j] = ((j mod 5) - 2) / 2                          -1, -0.5, 0, 0.5, 1, ...
  z[i]    = 0.25 + beta[0]*x[i][0] + ... + beta[d-1]*x[i][d-1]   (left to right)
  y[i]    = 1 if u(n*d + i + 1) < 1/(1+exp(-z[i])) else 0

It fits LogisticRegression(solver="lbfgs", C=1) twice: with the default tol=1e-4, and
with tol=1e-4*n, which in scikit-learn < 1.4 (whose objective is a sum over rows, not a
mean) is the same stopping rule as tol=1e-4 in scikit-learn >= 1.4 and in the Go
package. It writes the timings, the coefficients of the default fit and checksums of
the data to a JSON file that the Go benchmark reads to check that the data are the same
and to report the coefficient agreement.

How to run (from the repository root; system Python with Debian's scikit-learn):

  apt-get install -y python3-sklearn
  /usr/bin/python3 scripts/sklearn_bench.py          # sklearn only
  /usr/bin/python3 scripts/sklearn_bench.py --go     # then the Go benchmark, same run

Options: --out PATH (default /tmp/mms_sklearn_bench.json), --repeat N (default 3).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N, D = 1_000_000, 20
GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def unit(k):
    """u(k) for a uint64 array k (wrap-around arithmetic, as in Go)."""
    z = k * GOLDEN
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-53


def synthetic(n=N, d=D):
    k = np.arange(1, n * d + 1, dtype=np.uint64)
    X = ((2 * unit(k) - 1) * np.sqrt(3.0)).reshape(n, d)
    beta = np.array([((j % 5) - 2) / 2 for j in range(d)])
    z = np.full(n, 0.25)
    for j in range(d):  # left to right, each product and sum rounded, as in Go
        z = z + beta[j] * X[:, j]
    u = unit(np.arange(n * d + 1, n * d + n + 1, dtype=np.uint64))
    y = (u < 1 / (1 + np.exp(-z))).astype(np.float64)
    return X, y


def time_fit(X, y, tol, repeat):
    times, model = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        model = LogisticRegression(solver="lbfgs", C=1.0, tol=tol, max_iter=100).fit(X, y)
        times.append(time.perf_counter() - t0)
    return times, model


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="/tmp/mms_sklearn_bench.json")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--go", action="store_true", help="run the Go benchmark afterwards")
    args = ap.parse_args()

    t0 = time.perf_counter()
    X, y = synthetic()
    gen = time.perf_counter() - t0

    t_def, m_def = time_fit(X, y, 1e-4, args.repeat)
    t_scaled, m_scaled = time_fit(X, y, 1e-4 * N, args.repeat)

    out = {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "rows": N,
        "cols": D,
        "first_row": X[0].tolist(),
        "last_row": X[-1].tolist(),
        "y_sum": float(y.sum()),
        "x_sum": float(X.sum()),
        "generate_seconds": gen,
        "seconds": min(t_def),
        "times": t_def,
        "n_iter": int(m_def.n_iter_[0]),
        "intercept": float(m_def.intercept_[0]),
        "coef": m_def.coef_[0].tolist(),
        "scaled_tol_seconds": min(t_scaled),
        "scaled_tol_times": t_scaled,
        "scaled_tol_n_iter": int(m_scaled.n_iter_[0]),
        "scaled_tol_intercept": float(m_scaled.intercept_[0]),
        "scaled_tol_coef": m_scaled.coef_[0].tolist(),
    }
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    print(f"data: {N} x {D}, {int(out['y_sum'])} positives, generated in {gen:.2f} s")
    print(f"sklearn {sklearn.__version__} lbfgs tol=1e-4:        best {min(t_def):.3f} s "
          f"of {args.repeat}, {out['n_iter']} iterations")
    print(f"sklearn {sklearn.__version__} lbfgs tol=1e-4*n (=100): best {min(t_scaled):.3f} s "
          f"of {args.repeat}, {out['scaled_tol_n_iter']} iterations")
    print("wrote", args.out)
    if args.go:
        env = dict(os.environ, MMS_SKLEARN_BENCH=args.out)
        cmd = ["go", "test", "-run", "^$", "-bench", "Fit1Mx20", "-benchtime", "3x", "-v", "./ml/"]
        print("$", " ".join(cmd))
        sys.exit(subprocess.call(cmd, cwd=ROOT, env=env))


if __name__ == "__main__":
    main()

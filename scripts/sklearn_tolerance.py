#!/usr/bin/python3
"""scikit-learn's side of the default-tolerance comparison (BENCHMARKS.md).

For each case of ml/tolerance_test.go (Pima and breast cancer, standardized or
one-hot quantile bins, C=1 and C=100), fits LogisticRegression(solver="lbfgs") at
scikit-learn's defaults (tol=1e-4, max_iter=100) and the exact optimum
(solver="newton-cg", tol=1e-14), and writes both to testdata/ml/sklearn_tolerance.json.
TestFitLogistic_ToleranceTable reads the file and prints, in the same run, the
distances of MMS's default fit and of scikit-learn's to the optimum.

  apt-get install -y python3-sklearn
  /usr/bin/python3 scripts/sklearn_tolerance.py
  go test -count=1 -run TestFitLogistic_ToleranceTable -v ./ml/
"""

import csv
import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import KBinsDiscretizer, StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "testdata", "ml", "sklearn_tolerance.json")


def load(name, label):
    with open(os.path.join(ROOT, "testdata", "ml", name), newline="") as f:
        rows = list(csv.DictReader(f))
    feats = [c for c in rows[0] if c != label]
    X = np.array([[float(r[c]) for c in feats] for r in rows])
    y = np.array([int(float(r[label])) for r in rows])
    return X, y


def main():
    cases = []
    for data, file, label in [("pima", "pima-diabetes.csv", "outcome"), ("breast cancer", "breast-cancer.csv", "malignant")]:
        X, y = load(file, label)
        for prep in ["standardized", "one-hot bins"]:
            if prep == "standardized":
                Xp = StandardScaler().fit_transform(X)
            else:
                Xp = KBinsDiscretizer(n_bins=5, encode="onehot-dense", strategy="quantile").fit_transform(X)
            for C in [1.0, 100.0]:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", ConvergenceWarning)
                    d = LogisticRegression(solver="lbfgs", C=C).fit(Xp, y)
                converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    o = LogisticRegression(solver="newton-cg", C=C, tol=1e-14, max_iter=100000).fit(Xp, y)
                opt = np.r_[o.coef_[0], o.intercept_]
                got = np.r_[d.coef_[0], d.intercept_]
                cases.append({
                    "name": f"{data} {prep} C={C:g}",
                    "columns": int(Xp.shape[1]),
                    "sklearn_default": [float(v) for v in got],
                    "sklearn_n_iter": int(d.n_iter_[0]),
                    "sklearn_converged": converged,
                    "optimum": [float(v) for v in opt],
                    "sklearn_rel": float(np.abs(got - opt).max() / np.abs(opt).max()),
                })
                print(f"{cases[-1]['name']:40s} sklearn default rel {cases[-1]['sklearn_rel']:.2e} ({d.n_iter_[0]} iterations{'' if converged else ', ConvergenceWarning'})")
    with open(OUT, "w") as f:
        json.dump({"generated_by": "scripts/sklearn_tolerance.py", "sklearn": sklearn.__version__, "python": sys.version.split()[0], "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

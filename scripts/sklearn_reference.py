#!/usr/bin/python3
"""Reference values from scikit-learn for the tests of the Go package ml/.

Writes testdata/ml/sklearn_reference.json, which ml/sklearn_test.go reads:

  (a) LogisticRegression(solver="lbfgs", tol=1e-10, max_iter=100000) on the Pima
      diabetes data (testdata/ml/pima-diabetes.csv, all 8 features, label "outcome"),
      standardized with StandardScaler (population std): intercept and coef for
      C=1, C=0.01, and C=1 with class_weight="balanced"; plus the scaler's mean and
      scale so the Go standardization is checked on its own. scikit-learn 1.2's lbfgs
      stops on scipy's default ftol (2.2e-9 relative decrease) long before tol=1e-10,
      so each fit also records the optimum found by solver="newton-cg" (tol=1e-14,
      gradient checked below 1e-10) and the largest gradient component, in
      scikit-learn >= 1.4's scaled objective, at the lbfgs solution.
  (b) For fixed (y_true, y_score) fixtures (ties, scores exactly 0.5, probabilities 0
      and 1, all scores tied, nothing predicted positive, a 200-row seeded one with
      many ties): accuracy, precision, recall, f1 (y_pred = y_score >= 0.5,
      zero_division=0), log_loss, brier_score_loss, roc_auc_score,
      average_precision_score, roc_curve(drop_intermediate=False) and (True, the
      default, which RocCurveDisplay draws),
      precision_recall_curve, confusion_matrix(labels=[0, 1]) and
      calibration_curve(n_bins=5, strategy="uniform").

How to run (from the repository root, with Debian's scikit-learn; use the system
Python, not a pyenv shim):

  apt-get install -y python3-sklearn
  /usr/bin/python3 scripts/sklearn_reference.py

The output is deterministic: there is no unseeded randomness, and floats are written
with repr (shortest round-trip form). A threshold that is not finite (scikit-learn >=
1.3 starts roc_curve's thresholds at +inf; 1.2 at max+1) is written as null.
"""

import csv
import json
import math
import os
import sys
import warnings

import numpy as np
import scipy
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "testdata", "ml", "pima-diabetes.csv")
OUT = os.path.join(ROOT, "testdata", "ml", "sklearn_reference.json")

FEATURES = [
    "pregnancies",
    "glucose",
    "blood_pressure",
    "skin_thickness",
    "insulin",
    "bmi",
    "pedigree",
    "age",
]
LABEL = "outcome"


def floats(a):
    """A list of Python floats; non-finite values become None (JSON null)."""
    return [float(v) if math.isfinite(v) else None for v in np.asarray(a, dtype=float)]


def load_pima():
    with open(DATA, newline="") as f:
        rows = list(csv.DictReader(f))
    X = np.array([[float(r[c]) for c in FEATURES] for r in rows])
    y = np.array([int(r[LABEL]) for r in rows])
    return X, y


def scaled_gradient(X, y, sw, C, w, b):
    """Gradient of (1/n) sum sw_i logloss_i + ||w||^2 / (2 C n) at (w, b)."""
    z = X @ w + b
    r = sw * (1 / (1 + np.exp(-z)) - y)
    n = len(y)
    return np.r_[(X.T @ r + w / C) / n, r.sum() / n]


def logistic_reference():
    X, y = load_pima()
    scaler = StandardScaler().fit(X)
    Xs = scaler.transform(X)
    fits = []
    for name, C, cw in [
        ("C=1", 1.0, None),
        ("C=0.01", 0.01, None),
        ("C=1 balanced", 1.0, "balanced"),
    ]:
        m = LogisticRegression(
            solver="lbfgs", C=C, class_weight=cw, tol=1e-10, max_iter=100000
        ).fit(Xs, y)
        with warnings.catch_warnings():
            # newton-cg warns when rounding errors end its line search at the optimum.
            warnings.simplefilter("ignore")
            opt = LogisticRegression(
                solver="newton-cg", C=C, class_weight=cw, tol=1e-14, max_iter=100000
            ).fit(Xs, y)
        sw = np.ones(len(y))
        if cw == "balanced":
            sw = (len(y) / (2 * np.bincount(y)))[y]
        g_opt = scaled_gradient(Xs, y, sw, C, opt.coef_[0], opt.intercept_[0])
        assert np.abs(g_opt).max() < 1e-10, g_opt
        g_lbfgs = scaled_gradient(Xs, y, sw, C, m.coef_[0], m.intercept_[0])
        fits.append(
            {
                "name": name,
                "C": C,
                "class_weight": cw or "none",
                "intercept": float(m.intercept_[0]),
                "coef": floats(m.coef_[0]),
                "n_iter": int(m.n_iter_[0]),
                "grad_max": float(np.abs(g_lbfgs).max()),
                "optimum_intercept": float(opt.intercept_[0]),
                "optimum_coef": floats(opt.coef_[0]),
            }
        )
    return {
        "features": FEATURES,
        "label": LABEL,
        "rows": int(len(y)),
        "scaler_mean": floats(scaler.mean_),
        "scaler_scale": floats(scaler.scale_),
        "fits": fits,
    }


def fixtures():
    rng = np.random.RandomState(0)
    y200 = rng.randint(0, 2, size=200)
    # Noisy scores rounded to 2 decimals: informative, with many ties.
    s200 = np.round(np.clip(0.35 * y200 + rng.uniform(0, 0.65, size=200), 0, 1), 2)
    return [
        (
            "basic",
            [0, 0, 1, 1, 0, 1, 0, 1, 1, 0],
            [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.65, 0.55, 0.3, 0.05],
        ),
        (
            "ties_and_half",
            [1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0],
            [0.5, 0.5, 0.7, 0.7, 0.2, 0.9, 0.2, 0.1, 0.5, 0.3, 0.7, 0.5],
        ),
        (
            "extreme_probabilities",
            [1, 0, 1, 0, 1, 0],
            [1.0, 0.0, 0.0, 1.0, 0.999, 0.001],
        ),
        (
            "all_tied",
            [0, 1, 0, 1, 1, 0, 0],
            [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
        ),
        (
            "none_predicted_positive",
            [0, 1, 0, 1, 0, 0],
            [0.1, 0.3, 0.2, 0.4, 0.05, 0.45],
        ),
        ("seeded_200", y200.tolist(), s200.tolist()),
    ]


def metrics_reference():
    out = []
    for name, y, s in fixtures():
        y = np.asarray(y)
        s = np.asarray(s, dtype=float)
        pred = (s >= 0.5).astype(int)
        fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
        dfpr, dtpr, _ = roc_curve(y, s)  # drop_intermediate=True: what RocCurveDisplay draws
        prec, rec, pthr = precision_recall_curve(y, s)
        prob_true, prob_pred = calibration_curve(y, s, n_bins=5, strategy="uniform")
        out.append(
            {
                "name": name,
                "y_true": [int(v) for v in y],
                "y_score": floats(s),
                "threshold": 0.5,
                "accuracy": float(accuracy_score(y, pred)),
                "precision": float(precision_score(y, pred, zero_division=0)),
                "recall": float(recall_score(y, pred, zero_division=0)),
                "f1": float(f1_score(y, pred, zero_division=0)),
                "log_loss": float(log_loss(y, s)),
                "brier_score_loss": float(brier_score_loss(y, s)),
                "roc_auc": float(roc_auc_score(y, s)),
                "average_precision": float(average_precision_score(y, s)),
                "roc_curve": {"fpr": floats(fpr), "tpr": floats(tpr), "thresholds": floats(thr)},
                "roc_curve_drop_intermediate": {"fpr": floats(dfpr), "tpr": floats(dtpr)},
                "pr_curve": {"precision": floats(prec), "recall": floats(rec), "thresholds": floats(pthr)},
                "confusion_matrix": confusion_matrix(y, pred, labels=[0, 1]).tolist(),
                "calibration_5": {"prob_true": floats(prob_true), "prob_pred": floats(prob_pred)},
            }
        )
    return out


def main():
    ref = {
        "generated_by": "scripts/sklearn_reference.py",
        "versions": {
            "python": sys.version.split()[0],
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "logistic": logistic_reference(),
        "metrics": metrics_reference(),
    }
    with open(OUT, "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()

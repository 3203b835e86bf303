#!/usr/bin/env python3
"""Train the predictor's model and export it as a plain-weights artifact.

The model is a logistic regression on standardised features, trained on the
Wisconsin breast-cancer data set bundled with scikit-learn. The artifact
(model/model.json) holds everything the service needs to predict without
scikit-learn: feature names and order, class names, the standardisation
parameters, the coefficients and the intercept, plus metadata (name, version,
sha256 checksum of the weights, held-out accuracy, training parameters).

Usage (from backend/):
    /usr/bin/python3 train.py                 # writes model/model.json
    /usr/bin/python3 train.py --out FILE      # somewhere else
The run is deterministic: fixed split and solver seed.
"""

import argparse
import json
import os
import sys

MODEL_NAME = "breast-cancer-logreg"
MODEL_VERSION = "1.0.0"
SEED = 42
TEST_SIZE = 0.25
C = 1.0

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "model", "model.json")

sys.path.insert(0, HERE)
from app.services.model import weights_checksum  # noqa: E402  (pure Python, no framework)


def feature_name(raw):
    """Turn scikit-learn's 'mean radius' into the API's 'mean_radius'."""
    return raw.strip().replace(" ", "_")


def load_split():
    """Return (feature_names, class_names, X_train, X_test, y_train, y_test), always the same split."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    data = load_breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=TEST_SIZE, random_state=SEED, stratify=data.target
    )
    features = [feature_name(n) for n in data.feature_names]
    classes = [str(c) for c in data.target_names]
    return features, classes, X_train, X_test, y_train, y_test


def fit(X_train, y_train):
    """Fit the scikit-learn pipeline the artifact is exported from."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipe = make_pipeline(
        StandardScaler(),
        LogisticRegression(C=C, max_iter=5000, random_state=SEED),
    )
    pipe.fit(X_train, y_train)
    return pipe


def export(pipe, features, classes, accuracy, n_train, n_test):
    """Build the artifact dictionary from a fitted pipeline."""
    import sklearn

    scaler, clf = pipe[0], pipe[-1]
    weights = {
        "kind": "logistic_regression",
        "mean": [float(v) for v in scaler.mean_],
        "scale": [float(v) for v in scaler.scale_],
        "coef": [float(v) for v in clf.coef_[0]],
        "intercept": float(clf.intercept_[0]),
    }
    return {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "features": features,
        "classes": classes,
        "weights": weights,
        "checksum": "sha256:" + weights_checksum(weights),
        "metrics": {"heldout_accuracy": round(float(accuracy), 4), "n_train": n_train, "n_test": n_test},
        "training": {
            "dataset": "sklearn.datasets.load_breast_cancer",
            "estimator": f"StandardScaler + LogisticRegression(C={C}, lbfgs)",
            "seed": SEED,
            "test_size": TEST_SIZE,
            "sklearn_version": sklearn.__version__,
        },
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="artifact path (default: model/model.json)")
    args = ap.parse_args(argv)

    features, classes, X_train, X_test, y_train, y_test = load_split()
    pipe = fit(X_train, y_train)
    accuracy = float((pipe.predict(X_test) == y_test).mean())
    artifact = export(pipe, features, classes, accuracy, len(y_train), len(y_test))

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(artifact, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, args.out)
    print(
        "wrote %s: %s %s, held-out accuracy %.4f (%d test rows), %s"
        % (args.out, MODEL_NAME, MODEL_VERSION, accuracy, len(y_test), artifact["checksum"])
    )


if __name__ == "__main__":
    main()

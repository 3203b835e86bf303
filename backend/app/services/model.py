"""The served model: loads the plain-weights artifact written by train.py and predicts in pure Python.

No numpy, no scikit-learn: a logistic regression over 30 standardised features is
a few hundred float operations per record.
"""

import hashlib
import json
import math
import os
from collections.abc import Mapping, Sequence
from operator import mul, sub, truediv
from typing import Any

DEFAULT_MODEL_PATH = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "model", "model.json"
)


class ModelError(Exception):
    """The artifact is missing, malformed or fails its checksum."""


class ScoreError(ValueError):
    """A row's score is not a number (finite inputs so large that +inf and -inf meet); index is the row."""

    def __init__(self, index: int):
        super().__init__(f"row {index}: score is not a number")
        self.index = index


def weights_checksum(weights: Mapping[str, Any]) -> str:
    """Return the hex sha256 of the weights in canonical JSON (sorted keys, no spaces)."""
    blob = json.dumps(weights, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def _sigmoid(z: float) -> float:
    # Numerically stable in both directions, same formula as scipy's expit.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class Model:
    """A binary logistic regression with standardisation folded into the weights."""

    def __init__(self, artifact: Mapping[str, Any]):
        try:
            self.name = str(artifact["name"])
            self.version = str(artifact["version"])
            self.features = [str(f) for f in artifact["features"]]
            self.classes = [str(c) for c in artifact["classes"]]
            self.checksum = str(artifact["checksum"])
            self.metrics: dict[str, float] = dict(artifact.get("metrics", {}))
            w = artifact["weights"]
            kind = w["kind"]
            mean, scale, coef = list(w["mean"]), list(w["scale"]), list(w["coef"])
            intercept = float(w["intercept"])
        except (KeyError, TypeError, ValueError) as e:
            raise ModelError(f"malformed model artifact: {e}") from e
        if kind != "logistic_regression":
            raise ModelError(f"unsupported model kind {kind!r}")
        n = len(self.features)
        if not (len(mean) == len(scale) == len(coef) == n) or len(self.classes) != 2:
            raise ModelError(
                f"malformed model artifact: {n} features but {len(mean)}/{len(scale)}/{len(coef)} weights, "
                f"{len(self.classes)} classes"
            )
        want = "sha256:" + weights_checksum(w)
        if self.checksum != want:
            raise ModelError(f"model checksum mismatch: artifact says {self.checksum}, weights hash to {want}")
        self._mean = [float(v) for v in mean]
        self._scale = [float(v) for v in scale]
        self._coef = [float(v) for v in coef]
        self._intercept = intercept
        self.feature_set = frozenset(self.features)
        c0, c1 = (json.dumps(c) for c in self.classes)
        self._json_head = '{"model":' + json.dumps(self.info(), separators=(",", ":")) + ',"predictions":['
        self._json_item = '{"label":%s,"probabilities":{' + c0 + ":%r," + c1 + ":%r}}"
        self._json_labels = (c0, c1)

    @classmethod
    def load(cls, path: str = DEFAULT_MODEL_PATH) -> "Model":
        try:
            with open(path, encoding="utf-8") as f:
                artifact = json.load(f)
        except OSError as e:
            raise ModelError(f"cannot read model artifact {path}: {e}") from e
        except ValueError as e:
            raise ModelError(f"model artifact {path} is not JSON: {e}") from e
        return cls(artifact)

    def info(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version, "checksum": self.checksum}

    def proba_row(self, row: Sequence[float]) -> float:
        """Probability of classes[1] for one row given in feature order.

        Standardise then dot, exactly as StandardScaler + LogisticRegression do.
        """
        return _sigmoid(sum(map(mul, map(truediv, map(sub, row, self._mean), self._scale), self._coef)) + self._intercept)

    def predict_json(self, rows: Sequence[Sequence[float]]) -> bytes:
        """The /predict answer for rows, serialised directly: the same bytes json.dumps would
        write for {"model": info, "predictions": predict_rows(rows)}, without building them first.
        Raises ScoreError for a row whose score is NaN (never written as invalid JSON)."""
        c0, c1 = self._json_labels
        item, proba, isnan = self._json_item, self.proba_row, math.isnan
        parts = []
        for i, row in enumerate(rows):
            p1 = proba(row)
            if isnan(p1):
                raise ScoreError(i)
            parts.append(item % (c1 if p1 > 0.5 else c0, 1.0 - p1, p1))
        return (self._json_head + ",".join(parts) + "]}").encode("utf-8")

    def predict_rows(self, rows: Sequence[Sequence[float]]) -> list[dict[str, Any]]:
        """Label and per-class probabilities for rows given in feature order (ScoreError for a NaN score)."""
        c0, c1 = self.classes
        isnan = math.isnan
        out = []
        for i, row in enumerate(rows):
            p1 = self.proba_row(row)
            if isnan(p1):
                raise ScoreError(i)
            out.append({"label": c1 if p1 > 0.5 else c0, "probabilities": {c0: 1.0 - p1, c1: p1}})
        return out

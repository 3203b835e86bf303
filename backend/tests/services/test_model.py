"""The served model equals scikit-learn's on the held-out split, and the artifact is what train.py makes."""

import copy
import json
import os
import re

import pytest

from app.services.model import DEFAULT_MODEL_PATH, Model, ModelError
from tests.conftest import BACKEND


@pytest.fixture(scope="module")
def trained():
    import train

    features, classes, X_train, X_test, y_train, y_test = train.load_split()
    pipe = train.fit(X_train, y_train)
    return train, pipe, features, classes, X_test, y_test


def test_served_predictions_equal_sklearn_on_heldout(model, trained):
    _, pipe, features, classes, X_test, y_test = trained
    assert model.features == features and model.classes == classes
    rows = [[float(v) for v in r] for r in X_test]
    served = model.predict_rows(rows)
    want_labels = [classes[i] for i in pipe.predict(X_test)]
    want_proba = pipe.predict_proba(X_test)
    assert [p["label"] for p in served] == want_labels
    for p, w in zip(served, want_proba):
        for c, wp in zip(classes, w):
            assert abs(p["probabilities"][c] - wp) < 1e-12
    accuracy = sum(p["label"] == classes[y] for p, y in zip(served, y_test)) / len(y_test)
    assert round(accuracy, 4) == model.metrics["heldout_accuracy"]


def test_artifact_is_reproducible(tmp_path, trained):
    train = trained[0]
    out = tmp_path / "model.json"
    train.main(["--out", str(out)])
    fresh, committed = json.loads(out.read_text()), json.load(open(DEFAULT_MODEL_PATH))
    for k in ("name", "version", "features", "classes", "metrics"):
        assert fresh[k] == committed[k], k
    for k in ("mean", "scale", "coef"):
        assert fresh["weights"][k] == pytest.approx(committed["weights"][k], rel=1e-9, abs=1e-12), k
    assert fresh["weights"]["intercept"] == pytest.approx(committed["weights"]["intercept"], rel=1e-9)


def test_readme_records_heldout_accuracy(model):
    readme = open(os.path.join(BACKEND, "README.md")).read()
    acc = model.metrics["heldout_accuracy"]
    assert re.search(rf"held-out accuracy[^\n]*{acc:.4f}", readme, re.I), f"README.md must state the held-out accuracy {acc:.4f}"


def test_tampered_weights_fail_checksum():
    artifact = json.load(open(DEFAULT_MODEL_PATH))
    bad = copy.deepcopy(artifact)
    bad["weights"]["coef"][0] += 1e-6
    with pytest.raises(ModelError, match="checksum mismatch"):
        Model(bad)
    Model(artifact)  # the committed one verifies


@pytest.mark.parametrize(
    "mutate, msg",
    [
        (lambda a: a.pop("features"), "malformed"),
        (lambda a: a["weights"].update(kind="tree"), "unsupported model kind"),
        (lambda a: a["weights"]["mean"].pop(), "malformed"),
    ],
)
def test_malformed_artifact(mutate, msg):
    a = json.load(open(DEFAULT_MODEL_PATH))
    mutate(a)
    with pytest.raises(ModelError, match=msg):
        Model(a)


def test_missing_artifact(tmp_path):
    with pytest.raises(ModelError, match="cannot read model artifact"):
        Model.load(str(tmp_path / "nope.json"))
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ModelError, match="not JSON"):
        Model.load(str(tmp_path / "bad.json"))


def test_extreme_inputs_stay_finite(model):
    big = [1e300] * len(model.features)
    for row in (big, [-x for x in big]):
        p = model.predict_rows([row])[0]["probabilities"]
        assert all(0.0 <= v <= 1.0 for v in p.values())


def test_predict_json_is_the_json_of_predict_rows(model, records):
    from starlette.responses import JSONResponse

    rows = [[r[f] for f in model.features] for r in records[:40]]
    want = JSONResponse({"model": model.info(), "predictions": model.predict_rows(rows)}).body
    assert model.predict_json(rows) == want
    assert json.loads(model.predict_json(rows[:1]))["predictions"] == model.predict_rows(rows[:1])

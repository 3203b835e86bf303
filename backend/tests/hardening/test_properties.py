"""Property-based tests (hypothesis) over the CSV and JSON parsing: any input gets an answer or a named refusal."""

import contextlib
import csv
import io
import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services import csvfile
from app.services.model import Model

MODEL = Model.load()
# What a spreadsheet may run as a formula (OWASP CSV injection), incl. tab and CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FEATURES = MODEL.features
# Few, fast examples per property: these run in every `make test`.
FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

finite = st.floats(allow_nan=False, allow_infinity=False)
cell_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
id_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)  # NUL: "binary"


@FAST
@given(st.binary(max_size=2000))
def test_parse_any_bytes_refuses_with_csv_error_only(data):
    try:
        ids, rows = csvfile.parse(data, FEATURES, 100)
    except csvfile.CsvError as e:
        assert str(e)
    else:
        assert len(ids) == len(rows) and all(len(r) == len(FEATURES) and all(map(math.isfinite, r)) for r in rows)


@FAST
@given(st.lists(st.lists(cell_text, min_size=1, max_size=4), min_size=1, max_size=6), st.sampled_from(["\n", "\r\n"]))
def test_parse_csv_shaped_text_refuses_with_csv_error_only(cells, eol):
    """Near-miss files: the real header, then rows of arbitrary (quoted) text cells."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator=eol)
    w.writerow(["id", *FEATURES])
    w.writerows(cells)
    with contextlib.suppress(csvfile.CsvError):
        csvfile.parse(buf.getvalue().encode(), FEATURES, 100)


@FAST
@given(
    st.lists(st.tuples(id_text, st.lists(finite, min_size=len(FEATURES), max_size=len(FEATURES))), min_size=1, max_size=5),
    st.permutations(list(range(len(FEATURES)))),
)
def test_parse_round_trips_any_finite_values_in_any_column_order(rows, order):
    header = ["id"] + [FEATURES[i] for i in order]
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for rid, values in rows:
        w.writerow([rid] + [repr(values[i]) for i in order])
    ids, parsed = csvfile.parse(buf.getvalue().encode(), FEATURES, 100)
    assert parsed == [values for _, values in rows]
    assert ids == [rid.strip() for rid, _ in rows]


@FAST
@given(st.lists(cell_text, min_size=1, max_size=8))
def test_results_never_start_a_cell_like_a_formula(ids):
    preds = [{"label": "benign", "probabilities": {"malignant": 0.25, "benign": 0.75}}] * len(ids)
    out = csvfile.results(ids, preds, ["malignant", "benign"]).decode()
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert len(rows) == len(ids) + 1
    for (cell, *rest), original in zip(rows[1:], ids):
        assert not cell.startswith(FORMULA_STARTS)
        assert cell == original or (cell == "'" + original and original.startswith(FORMULA_STARTS))
        assert rest == ["benign", "0.25", "0.75"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | finite | st.floats() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


def record_like(draw_values):
    """Records with every feature, values from any JSON: the shape that reaches the numeric checks."""
    return st.fixed_dictionaries(dict.fromkeys(FEATURES, draw_values))


@FAST
@given(
    st.one_of(
        json_values,
        st.fixed_dictionaries({"record": json_values}),
        st.fixed_dictionaries({"records": st.lists(json_values, max_size=3)}),
        st.fixed_dictionaries({"record": record_like(json_values | finite | st.integers())}),
        st.fixed_dictionaries(
            {
                "records": st.lists(
                    record_like(finite | st.integers(min_value=-(10**400), max_value=10**400)), min_size=1, max_size=3
                )
            }
        ),
    )
)
def test_predict_answers_any_json_with_200_or_422(app_client, body):
    r = app_client.post("/predict", content=json.dumps(body).encode(), headers={"content-type": "application/json"})
    assert r.status_code in (200, 422), (r.status_code, r.text[:300])
    answer = json.loads(r.content)  # strict: no NaN/Infinity in the answer
    if r.status_code == 200:
        for p in answer["predictions"]:
            assert all(0.0 <= v <= 1.0 for v in p["probabilities"].values())
    else:
        assert answer["detail"][0]["loc"][0] == "body"


@FAST
@given(st.binary(max_size=300))
def test_predict_answers_any_bytes_with_200_or_422(app_client, raw):
    r = app_client.post("/predict", content=raw, headers={"content-type": "application/json"})
    assert r.status_code in (200, 422), (r.status_code, r.text[:300])


@FAST
@given(json_values)
def test_jobs_answers_any_json_with_4xx(app_client, body):
    r = app_client.post("/jobs", content=json.dumps(body).encode(), headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])

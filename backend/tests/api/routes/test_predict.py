import json

import pytest


def test_single_record(client, model, records):
    r = client.post("/predict", json={"record": records[0]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"] == model.info()
    (p,) = body["predictions"]
    want = model.predict_rows([[records[0][f] for f in model.features]])[0]
    assert p == want
    assert abs(sum(p["probabilities"].values()) - 1) < 1e-12


def test_batch_keeps_order(client, model, records):
    batch = records[:50]
    r = client.post("/predict", json={"records": batch})
    assert r.status_code == 200, r.text
    want = model.predict_rows([[rec[f] for f in model.features] for rec in batch])
    assert r.json()["predictions"] == want


def test_batch_at_limit_and_over(client, records):
    full = (records * 8)[:1000]
    assert client.post("/predict", json={"records": full}).status_code == 200
    r = client.post("/predict", json={"records": full + records[:1]})
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == ["body", "records"] and "at most 1000" in err["msg"]


def test_integers_and_numeric_values_accepted(client, model, records):
    rec = {f: int(v) for f, v in records[0].items()}
    assert client.post("/predict", json={"record": rec}).status_code == 200


def _err(r):
    assert r.status_code == 422, r.text
    (err,) = r.json()["detail"]
    return err["loc"], err["msg"]


@pytest.mark.parametrize(
    "make, loc, msg",
    [
        (lambda rs: {}, ["body"], "exactly one of"),
        (lambda rs: {"record": rs[0], "records": rs[:1]}, ["body"], "exactly one of"),
        (lambda rs: {"records": []}, ["body", "records"], "must not be empty"),
        (lambda rs: {"records": rs[0]}, ["body", "records"], "not a valid list"),
        (lambda rs: {"record": [1, 2]}, ["body", "record"], "not a valid dict"),
        (lambda rs: {"records": [rs[0], "x"]}, ["body", "records", 1], "not a valid dict"),
        (
            lambda rs: {"record": {k: v for k, v in rs[0].items() if k != "worst_area"}},
            ["body", "record", "worst_area"],
            "field required",
        ),
        (lambda rs: {"records": [rs[0], dict(rs[1], colour=1)]}, ["body", "records", 1, "colour"], "unknown feature"),
        (lambda rs: {"record": dict(rs[0], mean_texture="high")}, ["body", "record", "mean_texture"], "finite number"),
        (lambda rs: {"record": dict(rs[0], mean_texture=None)}, ["body", "record", "mean_texture"], "finite number"),
        (lambda rs: {"record": dict(rs[0], mean_texture=True)}, ["body", "record", "mean_texture"], "finite number"),
        (
            lambda rs: {"records": [rs[0], rs[1], dict(rs[2], area_error=float("nan"))]},
            ["body", "records", 2, "area_error"],
            "finite number",
        ),
        (lambda rs: {"record": dict(rs[0], area_error=float("inf"))}, ["body", "record", "area_error"], "finite number"),
        (lambda rs: {"rec": rs[0]}, ["body", "rec"], "unknown field"),
        (lambda rs: [rs[0]], ["body"], "JSON object"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, records, make, loc, msg):
    # json.dumps writes NaN/Infinity, which Python's parser (and ours) reads back.
    r = client.post("/predict", content=json.dumps(make(records)), headers={"content-type": "application/json"})
    got_loc, got_msg = _err(r)
    assert got_loc == loc and msg in got_msg


def test_invalid_json(client):
    r = client.post("/predict", content=b'{"record": ', headers={"content-type": "application/json"})
    loc, msg = _err(r)
    assert loc[0] == "body" and "not valid JSON" in msg


def test_oversized_body_is_413(client, records):
    big = json.dumps({"records": records * 40}).encode()  # > 1 MiB
    assert len(big) > 1024 * 1024
    r = client.post("/predict", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "larger than the limit" in r.json()["detail"]


def test_oversized_chunked_body_is_413(client, records):
    chunk = json.dumps({"records": records * 40}).encode()

    def gen():
        for i in range(0, len(chunk), 65536):
            yield chunk[i : i + 65536]

    r = client.post("/predict", content=gen(), headers={"content-type": "application/json"})
    assert r.status_code == 413

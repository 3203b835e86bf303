"""Hostile inputs get a 4xx naming the problem, never a 5xx.

Deep nesting, huge numbers, lone surrogates, odd keys, job IDs and file names: one test each.
"""

import json

import pytest

from tests.conftest import csv_bytes

DEEP = 100_000  # far past Python's recursion limit, well under the 1 MiB body limit


def post_raw(client, path, body: bytes):
    return client.post(path, content=body, headers={"content-type": "application/json"})


@pytest.mark.parametrize("path", ["/predict", "/jobs"])
@pytest.mark.parametrize("opener, closer", [(b"[", b"]"), (b'{"a":', b"}")])
def test_deeply_nested_json_is_4xx(client, path, opener, closer):
    r = post_raw(client, path, opener * DEEP + b"1" + closer * DEEP)
    assert 400 <= r.status_code < 500, r.text[:300]


@pytest.mark.parametrize("path", ["/predict", "/jobs"])
def test_deeply_nested_json_inside_a_field_is_422(client, records, path):
    inner = b"[" * DEEP + b"]" * DEEP
    body = b'{"record": {"mean_radius": ' + inner + b"}}" if path == "/predict" else b'{"file_key": ' + inner + b"}"
    r = post_raw(client, path, body)
    assert 400 <= r.status_code < 500, r.text[:300]


@pytest.mark.parametrize("value", [10**400, -(10**400), 10**4000], ids=["1e400", "-1e400", "1e4000"])
def test_very_large_integer_is_422_naming_the_field(client, records, value):
    rec = json.dumps(dict(records[0], mean_radius=0)).replace('"mean_radius": 0', '"mean_radius": %d' % value)
    r = post_raw(client, "/predict", (f'{{"record": {rec}}}').encode())
    assert r.status_code == 422, r.text[:300]
    loc = r.json()["detail"][0]["loc"]
    # Up to 4300 digits the field is named; beyond, Python's JSON parser refuses the body itself.
    assert loc[:3] == ["body", "record", "mean_radius"] if len(str(value)) < 4300 else loc[0] == "body", loc


@pytest.mark.parametrize("value", [1e308, -1e308, 1.7976931348623157e308, 5e-324])
def test_extreme_finite_numbers_never_give_5xx_or_nan(client, model, value):
    # Alternating signs make +inf and -inf meet inside the score: NaN unless guarded.
    rec = {f: (value if i % 2 else -value) for i, f in enumerate(model.features)}
    r = client.post("/predict", json={"record": rec})
    assert r.status_code in (200, 422), r.text[:300]
    assert b"NaN" not in r.content and b"Infinity" not in r.content
    if r.status_code == 200:
        assert all(0.0 <= p <= 1.0 for p in r.json()["predictions"][0]["probabilities"].values())


@pytest.mark.parametrize(
    "key",
    [
        "uploads/\u0000.csv",
        "uploads/\ud800.csv",
        "x" * 1024,
        "uploads/" + "a" * 2000 + ".csv",
        "..//..",
    ],
)
def test_hostile_file_keys_are_4xx(client, key):
    body = json.dumps({"file_key": key}).encode()
    r = post_raw(client, "/jobs", body)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


@pytest.mark.parametrize(
    "body",
    [
        b'{"\\ud800": 1}',
        b'{"record": {"\\ud800": 1}}',
        b'{"records": [{"\\udfff\\ud800": "\\ud800"}]}',
    ],
)
def test_lone_surrogates_in_json_are_422(client, body):
    """JSON may escape a lone surrogate; echoing it back in an error must not break the answer's encoding."""
    for path in ("/predict", "/jobs"):
        r = post_raw(client, path, body)
        assert r.status_code == 422, (path, r.status_code, r.text[:300])
        r.json()


@pytest.mark.parametrize("job_id", ["%00", "%ud800", "a" * 5000, "%ED%A0%80"])
def test_hostile_job_ids_are_404(client, job_id):
    r = client.get("/jobs/" + job_id)
    assert r.status_code == 404, r.text[:300]


@pytest.mark.parametrize(
    "name", [b"\x00.csv", b"\xed\xa0\x80.csv", b"\xff\xfe.csv", "é".encode() * 300 + b".csv", b"a\\..\\..\\x.csv"]
)
def test_hostile_upload_names_are_not_5xx(client, model, records, name):
    """Raw bytes in the multipart filename (a surrogate's UTF-8 form, invalid UTF-8, NUL): what a hostile client sends."""
    data = csv_bytes(model.features, records[:2])
    body = (
        b'--b0\r\nContent-Disposition: form-data; name="file"; filename="' + name + b'"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + data + b"\r\n--b0--\r\n"
    )
    r = client.post("/files", content=body, headers={"content-type": "multipart/form-data; boundary=b0"})
    assert r.status_code < 500, r.text[:300]

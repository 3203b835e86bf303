import dataclasses
import hashlib

import pytest

from tests.conftest import csv_bytes, free_port, make_client


def upload(client, data, name="input.csv", ctype="text/csv"):
    return client.post("/files", files={"file": (name, data, ctype)})


def test_upload_stores_the_file(client, s3, settings, model, records):
    data = csv_bytes(model.features, records[:20])
    r = upload(client, data)
    assert r.status_code == 201, r.text
    body = r.json()
    digest = hashlib.sha256(data).hexdigest()
    assert body["key"] == f"uploads/{digest}.csv" and body["sha256"] == digest
    assert (body["size"], body["rows"]) == (len(data), 20)
    assert set(body) == {"key", "etag", "size", "rows", "sha256"}, "no bucket name in the answer"
    obj = s3.get_object(Bucket=settings.s3_files_bucket, Key=body["key"])
    assert obj["Body"].read() == data
    assert obj["ContentType"] == "text/csv" and obj["Metadata"]["rows"] == "20"
    assert obj["ETag"].strip('"') == body["etag"]


def test_same_file_same_key(client, model, records):
    data = csv_bytes(model.features, records[:3])
    a, b = upload(client, data, "a.csv").json(), upload(client, data, "b.CSV").json()
    assert a["key"] == b["key"] and a["etag"] == b["etag"]


def _no_uploads(s3, settings):
    return s3.list_objects_v2(Bucket=settings.s3_files_bucket).get("KeyCount", 0) == 0


@pytest.mark.parametrize(
    "make, msg",
    [
        (lambda f, r: b"", "empty"),
        (lambda f, r: b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (lambda f, r: csv_bytes(f[:-1], r), "missing column 'worst_fractal_dimension'"),
        (lambda f, r: csv_bytes(f, r).replace(b"r1,", b"r1,oops", 1), "line 3: column mean_radius"),
        (lambda f, r: csv_bytes(f, r) + b"r9,1,2\n", "line 4: 3 fields"),
    ],
)
def test_bad_content_is_422_naming_the_file_field(client, s3, settings, model, records, make, msg):
    r = upload(client, make(model.features, records[:2]))
    assert r.status_code == 422, r.text
    (err,) = r.json()["detail"]
    assert err["loc"] == ["body", "file"] and msg in err["msg"]
    assert _no_uploads(s3, settings)


def test_file_name_must_be_csv(client, model, records):
    r = upload(client, csv_bytes(model.features, records[:2]), name="input.xlsx")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "file"]


def test_wrong_content_type_is_415(client, model, records):
    r = upload(client, csv_bytes(model.features, records[:2]), ctype="image/png")
    assert r.status_code == 415 and "text/csv" in r.json()["detail"]


def test_missing_file_field_is_422(client):
    r = client.post("/files", files={"other": ("a.csv", b"x", "text/csv")})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "file"]


def test_too_many_rows_is_422(settings, model, records):
    with make_client(dataclasses.replace(settings, max_file_rows=5)) as c:
        r = upload(c, csv_bytes(model.features, records[:6]))
    assert r.status_code == 422 and "more than 5 data rows" in r.json()["detail"][0]["msg"]


def test_oversize_upload_is_413(s3, settings, model, records):
    small = dataclasses.replace(settings, max_upload_bytes=4096)
    data = csv_bytes(model.features, records[:20])
    assert len(data) > 4096
    with make_client(small) as c:
        r = upload(c, data)
        assert r.status_code == 413, r.text
        assert "larger than the limit of 4096 bytes" in r.json()["detail"]
        # Over the whole-body limit too: refused from Content-Length before reading.
        r = upload(c, data * 30)
        assert r.status_code == 413
    assert _no_uploads(s3, settings)


def test_oversize_chunked_upload_is_413(settings, model, records):
    small = dataclasses.replace(settings, max_upload_bytes=4096)
    boundary = b"xyzzy"
    payload = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + csv_bytes(model.features, records) + b"\r\n--" + boundary + b"--\r\n"
    )

    def gen():
        for i in range(0, len(payload), 8192):
            yield payload[i : i + 8192]

    with make_client(small) as c:
        r = c.post("/files", content=gen(), headers={"content-type": "multipart/form-data; boundary=xyzzy"})
    assert r.status_code == 413


def test_missing_bucket_is_502(settings, model, records):
    with make_client(dataclasses.replace(settings, s3_files_bucket="no-such-bucket-x")) as c:
        r = upload(c, csv_bytes(model.features, records[:2]))
    assert r.status_code == 502
    assert "NoSuchBucket" in r.json()["detail"] and "files bucket" in r.json()["detail"]
    assert "no-such-bucket-x" not in r.text


def test_unreachable_s3_is_503(settings, model, records):
    down = dataclasses.replace(settings, aws_endpoint_url="http://127.0.0.1:%d" % free_port())
    with make_client(down) as c:
        r = upload(c, csv_bytes(model.features, records[:2]))
    assert r.status_code == 503
    assert r.json()["detail"].startswith("storage unavailable: PutObject")

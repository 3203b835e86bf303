"""No bucket name or account ID in any answer; /jobs reads only what POST /files stored; CSV injection neutralized."""

import csv
import dataclasses
import hashlib
import io
import re
import uuid

import pytest

from tests.conftest import csv_bytes, free_port, make_client

ACCOUNT = "123456789012"


def upload_key(digest):
    return "uploads/%s.csv" % digest


@pytest.fixture()
def named(s3, settings):
    """Buckets named the way infra names them: with the account ID in the name."""
    suffix = uuid.uuid4().hex[:8]
    files, data = "predictor-model-dev-files-%s-%s" % (ACCOUNT, suffix), "predictor-model-dev-data-%s-%s" % (ACCOUNT, suffix)
    s3.create_bucket(Bucket=files)
    s3.create_bucket(Bucket=data)
    return dataclasses.replace(settings, s3_files_bucket=files, s3_data_bucket=data)


def _clean(r, *names):
    for secret in (ACCOUNT, *names):
        assert secret not in r.text, "%s %s shows %r: %s" % (r.request.method, r.request.url.path, secret, r.text[:300])


def test_no_bucket_name_or_account_id_in_any_answer(named, s3, model, records):
    names = (named.s3_files_bucket, named.s3_data_bucket)
    with make_client(named) as c:
        for path in ("/health", "/model", "/openapi.json", "/jobs/" + "0" * 32):
            _clean(c.get(path), *names)
        f = c.post("/files", files={"file": ("a.csv", csv_bytes(model.features, records[:3]), "text/csv")})
        assert f.status_code == 201
        _clean(f, *names)
        job = c.post("/jobs", json={"file_key": f.json()["key"]})
        assert job.status_code == 201
        _clean(job, *names)
        _clean(c.post("/jobs", json={"file_key": f.json()["key"]}), *names)  # the stored record, read back
        _clean(c.get("/jobs/" + job.json()["id"]), *names)
        _clean(c.post("/jobs", json={"file_key": upload_key("0" * 64)}), *names)  # 404 names the key only
    # S3 errors: a missing bucket (502) and an unreachable endpoint (503) name the bucket's role, not its name.
    for broken in (
        dataclasses.replace(named, s3_files_bucket="gone-" + ACCOUNT),
        dataclasses.replace(named, aws_endpoint_url="http://127.0.0.1:%d" % free_port()),
    ):
        with make_client(broken) as c:
            r = c.post("/files", files={"file": ("a.csv", csv_bytes(model.features, records[:3]), "text/csv")})
            assert r.status_code in (502, 503)
            assert "files bucket" in r.json()["detail"]
            _clean(r, broken.s3_files_bucket, *names)
            r = c.get("/jobs/" + "a" * 32)
            assert r.status_code == 404 or "data bucket" in r.json()["detail"]
            _clean(r, *names)


def test_jobs_reads_only_files_the_api_stored(client, s3, settings, model, records):
    data = csv_bytes(model.features, records[:3])
    digest = hashlib.sha256(data).hexdigest()
    # Any other key in the files bucket: refused before S3 is asked.
    for key in ("secrets/db.csv", "uploads/other.csv", "jobs/x.json", "uploads/%s.csv.bak" % digest):
        s3.put_object(Bucket=settings.s3_files_bucket, Key=key, Body=data)
        r = client.post("/jobs", json={"file_key": key})
        assert r.status_code == 422, (key, r.text)
    # The API's key format, written by someone else (no sha256 metadata): not found.
    s3.put_object(Bucket=settings.s3_files_bucket, Key=upload_key(digest), Body=data)
    r = client.post("/jobs", json={"file_key": upload_key(digest)})
    assert r.status_code == 404 and "file not found" in r.json()["detail"]
    # Metadata forged, content not matching the key: refused.
    other = csv_bytes(model.features, records[3:6])
    s3.put_object(Bucket=settings.s3_files_bucket, Key=upload_key(digest), Body=other, Metadata={"sha256": digest})
    r = client.post("/jobs", json={"file_key": upload_key(digest)})
    assert r.status_code == 422 and "does not hash to its key" in r.text
    # Nothing was written to the data bucket by any of these.
    assert s3.list_objects_v2(Bucket=settings.s3_data_bucket).get("KeyCount", 0) == 0
    # What POST /files stored runs.
    f = client.post("/files", files={"file": ("a.csv", data, "text/csv")}).json()
    assert client.post("/jobs", json={"file_key": f["key"]}).status_code == 201


# (Ids are stripped on input, so a leading tab or CR never reaches the output; neutralize() covers them anyway.)
HOSTILE_IDS = ["=cmd|' /C calc'!A0", "+SUM(1,1)", "-2+3", "@SUM(A1)", '=HYPERLINK("x")', "=1+2;@x"]


def test_csv_injection_is_neutralized_in_results(client, s3, settings, model, records):
    lines = [",".join(["id", *model.features])]
    ids = [*HOSTILE_IDS, "plain", "12"]
    for i, rid in enumerate(ids):
        cell = '"%s"' % rid.replace('"', '""')
        lines.append(",".join([cell] + [repr(records[i][f]) for f in model.features]))
    f = client.post("/files", files={"file": ("evil.csv", ("\n".join(lines) + "\n").encode(), "text/csv")})
    assert f.status_code == 201, f.text
    job = client.post("/jobs", json={"file_key": f.json()["key"]}).json()
    out = s3.get_object(Bucket=settings.s3_data_bucket, Key=job["result_key"])["Body"].read().decode()
    got = [row["id"] for row in csv.DictReader(io.StringIO(out, newline=""))]
    assert got == ["'" + i for i in HOSTILE_IDS] + ["plain", "12"]
    for row in csv.reader(io.StringIO(out, newline="")):
        for cell in row:
            assert not re.match(r"[=+\-@\t\r]", cell), cell

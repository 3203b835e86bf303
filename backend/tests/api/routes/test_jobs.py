import csv
import dataclasses
import io
import json

import pytest

from app.services import jobs
from app.services.s3 import Storage, StorageError
from tests.conftest import csv_bytes, free_port, make_client


def uploaded(client, model, records, n=25):
    r = client.post("/files", files={"file": ("in.csv", csv_bytes(model.features, records[:n]), "text/csv")})
    assert r.status_code == 201, r.text
    return r.json()


def data_keys(s3, settings):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=settings.s3_data_bucket).get("Contents", []))


def test_job_writes_results_and_record(client, s3, settings, model, records):
    f = uploaded(client, model, records)
    r = client.post("/jobs", json={"file_key": f["key"]})
    assert r.status_code == 201, r.text
    job = r.json()
    assert job["id"] == jobs.job_id(settings.s3_files_bucket, f["key"], f["etag"], model.checksum)
    assert job["status"] == "succeeded" and job["rows"] == 25 and job["model"] == model.info()
    assert job["result_bucket"] == settings.s3_data_bucket and job["result_key"] == "results/%s.csv" % job["id"]
    assert data_keys(s3, settings) == ["jobs/%s.json" % job["id"], job["result_key"]]

    out = s3.get_object(Bucket=settings.s3_data_bucket, Key=job["result_key"])["Body"].read().decode()
    rows = list(csv.DictReader(io.StringIO(out)))
    want = model.predict_rows([[rec[f] for f in model.features] for rec in records[:25]])
    assert [r["id"] for r in rows] == ["r%d" % i for i in range(25)]
    assert [r["label"] for r in rows] == [w["label"] for w in want]
    assert [float(r["p_benign"]) for r in rows] == [w["probabilities"]["benign"] for w in want]
    assert sum(job["counts"].values()) == 25

    got = client.get("/jobs/%s" % job["id"])
    assert got.status_code == 200 and got.json() == job


def test_retry_is_idempotent(client, s3, settings, model, records):
    f = uploaded(client, model, records)
    first = client.post("/jobs", json={"file_key": f["key"]}).json()
    before = {k: s3.head_object(Bucket=settings.s3_data_bucket, Key=k)["ETag"] for k in data_keys(s3, settings)}
    again = client.post("/jobs", json={"file_key": f["key"]})
    assert again.status_code == 200 and again.json() == first
    after = {k: s3.head_object(Bucket=settings.s3_data_bucket, Key=k)["ETag"] for k in data_keys(s3, settings)}
    assert before == after


def test_changed_file_or_model_is_a_new_job(client, s3, settings, model, records):
    f = uploaded(client, model, records)
    a = client.post("/jobs", json={"file_key": f["key"]}).json()
    # Same key, new content (new ETag): a different job.
    s3.put_object(Bucket=settings.s3_files_bucket, Key=f["key"], Body=csv_bytes(model.features, records[:5]))
    b = client.post("/jobs", json={"file_key": f["key"]})
    assert b.status_code == 201 and b.json()["id"] != a["id"] and b.json()["rows"] == 5
    assert jobs.job_id("b", "k", "e", "sha256:1") != jobs.job_id("b", "k", "e", "sha256:2")


def test_interrupted_job_reruns(client, s3, settings, model, records):
    """Results written, record not (SIGTERM between the two writes): the retry completes the job."""
    f = uploaded(client, model, records)
    jid = jobs.job_id(settings.s3_files_bucket, f["key"], f["etag"], model.checksum)
    s3.put_object(Bucket=settings.s3_data_bucket, Key=jobs.result_key(jid), Body=b"partial garbage")
    assert client.get("/jobs/%s" % jid).status_code == 404
    r = client.post("/jobs", json={"file_key": f["key"]})
    assert r.status_code == 201 and r.json()["id"] == jid
    out = s3.get_object(Bucket=settings.s3_data_bucket, Key=jobs.result_key(jid))["Body"].read()
    assert out.startswith(b"id,label,p_malignant,p_benign\n") and out.count(b"\n") == 26


def test_failure_between_writes_leaves_no_record(settings, s3, model, records):
    """An S3 failure on the commit write: 503, no job record, and the next POST succeeds."""
    with make_client(settings) as c:
        f = uploaded(c, model, records)
        storage = c.app.state.storage
        real_put = Storage.put

        def flaky_put(self, bucket, key, *a, **kw):
            if key.startswith("jobs/"):
                raise StorageError(503, "storage unavailable: PutObject s3://%s/%s: SlowDown" % (bucket, key))
            return real_put(self, bucket, key, *a, **kw)

        storage.put = flaky_put.__get__(storage)
        r = c.post("/jobs", json={"file_key": f["key"]})
        assert r.status_code == 503 and "SlowDown" in r.json()["detail"]
        assert not [k for k in data_keys(s3, settings) if k.startswith("jobs/")]
        del storage.put
        r = c.post("/jobs", json={"file_key": f["key"]})
        assert r.status_code == 201
        assert c.get("/jobs/%s" % r.json()["id"]).status_code == 200


def test_unknown_job_is_404(client):
    for jid in ("0" * 32, "not-a-job", "A" * 32, "%2E%2E"):
        r = client.get("/jobs/%s" % jid)
        assert r.status_code == 404 and "job not found" in r.json()["detail"]
    assert client.get("/jobs/../../etc/passwd").status_code == 404


def test_missing_file_is_404(client, s3, settings):
    r = client.post("/jobs", json={"file_key": "uploads/nope.csv"})
    assert r.status_code == 404 and "file not found" in r.json()["detail"]
    assert data_keys(s3, settings) == []


@pytest.mark.parametrize("body, loc", [
    ({}, ["body", "file_key"]),
    ({"file_key": ""}, ["body", "file_key"]),
    ({"file_key": "/abs"}, ["body", "file_key"]),
])
def test_bad_job_request_is_422(client, body, loc):
    r = client.post("/jobs", json=body)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == loc


def test_invalid_file_content_is_422_and_writes_nothing(client, s3, settings):
    s3.put_object(Bucket=settings.s3_files_bucket, Key="uploads/bad.csv", Body=b"a,b\n1,2\n")
    r = client.post("/jobs", json={"file_key": "uploads/bad.csv"})
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == ["body", "file_key"] and "unknown column 'a'" in err["msg"]
    assert data_keys(s3, settings) == []


def test_missing_data_bucket_is_502(settings, model, records):
    with make_client(dataclasses.replace(settings, s3_data_bucket="no-such-data-bucket")) as c:
        f = uploaded(c, model, records)
        r = c.post("/jobs", json={"file_key": f["key"]})
    assert r.status_code == 502 and "NoSuchBucket" in r.json()["detail"]


def test_unreachable_s3_is_503(settings):
    down = dataclasses.replace(settings, aws_endpoint_url="http://127.0.0.1:%d" % free_port())
    with make_client(down) as c:
        assert c.post("/jobs", json={"file_key": "uploads/x.csv"}).status_code == 503
        r = c.get("/jobs/%s" % ("a" * 32))
    assert r.status_code == 503 and r.json()["detail"].startswith("storage unavailable: GetObject")


def test_corrupt_job_record_is_502(client, s3, settings):
    jid = "b" * 32
    s3.put_object(Bucket=settings.s3_data_bucket, Key=jobs.record_key(jid), Body=b"{not json")
    r = client.get("/jobs/%s" % jid)
    assert r.status_code == 502 and "not valid JSON" in r.json()["detail"]

import csv
import dataclasses
import hashlib
import io

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
    assert job["result_key"] == "results/{}.csv".format(job["id"])
    assert settings.s3_files_bucket not in r.text and settings.s3_data_bucket not in r.text
    assert data_keys(s3, settings) == ["jobs/{}.json".format(job["id"]), job["result_key"]]

    out = s3.get_object(Bucket=settings.s3_data_bucket, Key=job["result_key"])["Body"].read().decode()
    rows = list(csv.DictReader(io.StringIO(out)))
    want = model.predict_rows([[rec[f] for f in model.features] for rec in records[:25]])
    assert [r["id"] for r in rows] == ["r%d" % i for i in range(25)]
    assert [r["label"] for r in rows] == [w["label"] for w in want]
    assert [float(r["p_benign"]) for r in rows] == [w["probabilities"]["benign"] for w in want]
    assert sum(job["counts"].values()) == 25

    got = client.get("/jobs/{}".format(job["id"]))
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
    assert a["status"] == "succeeded"
    # Same key, content replaced behind the API's back (with the API's metadata): refused, never read.
    s3.put_object(
        Bucket=settings.s3_files_bucket,
        Key=f["key"],
        Body=csv_bytes(model.features, records[:5]),
        Metadata={"sha256": f["sha256"]},
    )
    b = client.post("/jobs", json={"file_key": f["key"]})
    assert b.status_code == 422 and "does not hash to its key" in b.json()["detail"][0]["msg"]
    # A new ETag or a new model is a new job.
    assert jobs.job_id("b", "k", "e1", "sha256:1") != jobs.job_id("b", "k", "e2", "sha256:1")
    assert jobs.job_id("b", "k", "e", "sha256:1") != jobs.job_id("b", "k", "e", "sha256:2")


def test_interrupted_job_reruns(client, s3, settings, model, records):
    """Results written, record not (SIGTERM between the two writes): the retry completes the job."""
    f = uploaded(client, model, records)
    jid = jobs.job_id(settings.s3_files_bucket, f["key"], f["etag"], model.checksum)
    s3.put_object(Bucket=settings.s3_data_bucket, Key=jobs.result_key(jid), Body=b"partial garbage")
    assert client.get(f"/jobs/{jid}").status_code == 404
    r = client.post("/jobs", json={"file_key": f["key"]})
    assert r.status_code == 201 and r.json()["id"] == jid
    out = s3.get_object(Bucket=settings.s3_data_bucket, Key=jobs.result_key(jid))["Body"].read()
    assert out.startswith(b"id,label,p_malignant,p_benign\r\n") and out.count(b"\r\n") == 26


def test_failure_between_writes_leaves_no_record(settings, s3, model, records):
    """An S3 failure on the commit write: 503, no job record, and the next POST succeeds."""
    with make_client(settings) as c:
        f = uploaded(c, model, records)
        storage = c.app.state.storage
        real_put = Storage.put

        def flaky_put(self, bucket, key, *a, **kw):
            if key.startswith("jobs/"):
                raise StorageError(503, f"storage unavailable: PutObject s3://{bucket}/{key}: SlowDown")
            return real_put(self, bucket, key, *a, **kw)

        storage.put = flaky_put.__get__(storage)
        r = c.post("/jobs", json={"file_key": f["key"]})
        assert r.status_code == 503 and "SlowDown" in r.json()["detail"]
        assert not [k for k in data_keys(s3, settings) if k.startswith("jobs/")]
        del storage.put
        r = c.post("/jobs", json={"file_key": f["key"]})
        assert r.status_code == 201
        assert c.get("/jobs/{}".format(r.json()["id"])).status_code == 200


def test_unknown_job_is_404(client):
    for jid in ("0" * 32, "not-a-job", "A" * 32, "%2E%2E"):
        r = client.get(f"/jobs/{jid}")
        assert r.status_code == 404 and "job not found" in r.json()["detail"]
    assert client.get("/jobs/../../etc/passwd").status_code == 404


def test_missing_file_is_404(client, s3, settings):
    r = client.post("/jobs", json={"file_key": jobs.upload_key("0" * 64)})
    assert r.status_code == 404 and "file not found" in r.json()["detail"]
    assert data_keys(s3, settings) == []


@pytest.mark.parametrize(
    "body, loc",
    [
        ({}, ["body", "file_key"]),
        ({"file_key": ""}, ["body", "file_key"]),
        ({"file_key": "/abs"}, ["body", "file_key"]),
        ({"file_key": "uploads/nope.csv"}, ["body", "file_key"]),
        ({"file_key": "jobs/" + "a" * 32 + ".json"}, ["body", "file_key"]),
        ({"file_key": "uploads/" + "a" * 64 + ".csv/../../x"}, ["body", "file_key"]),
        ({"file_key": 7}, ["body", "file_key"]),
    ],
)
def test_bad_job_request_is_422(client, body, loc):
    r = client.post("/jobs", json=body)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == loc


def test_invalid_file_content_is_422_and_writes_nothing(client, s3, settings):
    # Stored the API's way (content-addressed key, sha256 metadata), but content POST /files would refuse.
    body = b"a,b\n1,2\n"
    digest = hashlib.sha256(body).hexdigest()
    s3.put_object(Bucket=settings.s3_files_bucket, Key=jobs.upload_key(digest), Body=body, Metadata={"sha256": digest})
    r = client.post("/jobs", json={"file_key": jobs.upload_key(digest)})
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == ["body", "file_key"] and "unknown column 'a'" in err["msg"]
    assert data_keys(s3, settings) == []


def test_missing_data_bucket_is_502(settings, model, records):
    with make_client(dataclasses.replace(settings, s3_data_bucket="no-such-data-bucket")) as c:
        f = uploaded(c, model, records)
        r = c.post("/jobs", json={"file_key": f["key"]})
    assert r.status_code == 502 and "NoSuchBucket" in r.json()["detail"] and "no-such-data-bucket" not in r.text


def test_unreachable_s3_is_503(settings):
    down = dataclasses.replace(settings, aws_endpoint_url="http://127.0.0.1:%d" % free_port())
    with make_client(down) as c:
        assert c.post("/jobs", json={"file_key": jobs.upload_key("a" * 64)}).status_code == 503
        r = c.get("/jobs/%s" % ("a" * 32))
    assert r.status_code == 503 and r.json()["detail"].startswith("storage unavailable: GetObject")


def test_corrupt_job_record_is_502(client, s3, settings):
    jid = "b" * 32
    s3.put_object(Bucket=settings.s3_data_bucket, Key=jobs.record_key(jid), Body=b"{not json")
    r = client.get(f"/jobs/{jid}")
    assert r.status_code == 502 and "not valid JSON" in r.json()["detail"]

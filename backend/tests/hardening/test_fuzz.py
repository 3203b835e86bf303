"""OpenAPI-driven fuzzing (schemathesis) of the running app: uvicorn on loopback, S3 on the emulator; zero 5xx."""

import os
import re
import subprocess
import sys
import uuid

import boto3

# Examples per operation: enough to find the classic 500s (nesting, big numbers, bad encodings) in ~a minute.
MAX_EXAMPLES = os.environ.get("FUZZ_MAX_EXAMPLES", "40")


def test_schemathesis_finds_no_server_error(server, moto_url, tmp_path):
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    files, data = "fuzz-files-" + uuid.uuid4().hex[:8], "fuzz-data-" + uuid.uuid4().hex[:8]
    s3.create_bucket(Bucket=files)
    s3.create_bucket(Bucket=data)
    _, port = server(S3_FILES_BUCKET=files, S3_DATA_BUCKET=data, AWS_ENDPOINT_URL=moto_url)
    st = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    cmd = [
        st,
        "run",
        "http://127.0.0.1:%d/openapi.json" % port,
        "--checks",
        "not_a_server_error",
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        "1312",
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-color",
        "--generation-database",
        "none",
        "--suppress-health-check",
        "all",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
    ]
    env = dict(os.environ, NO_COLOR="1")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, cwd=str(tmp_path))
    out = p.stdout + p.stderr
    assert p.returncode == 0, "schemathesis found server errors:\n" + out[-6000:]
    m = re.search(r"(\d+) generated, (\d+) passed", out)
    assert m and int(m.group(1)) >= 100 and m.group(1) == m.group(2), "schemathesis ran too little:\n" + out[-3000:]
    assert re.search(r"Tested: 6\b", out), "not every operation was fuzzed:\n" + out[-3000:]

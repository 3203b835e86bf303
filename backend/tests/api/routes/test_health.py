from tests.conftest import make_client


def test_health_reports_version_and_model(client, model):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {
        "status": "ok",
        "version": "1.2.3-test",
        "model": {"name": model.name, "version": model.version, "checksum": model.checksum},
    }
    assert model.checksum.startswith("sha256:") and len(model.checksum) == 71


def test_model_details(client, model):
    r = client.get("/model")
    assert r.status_code == 200
    body = r.json()
    assert body["features"] == model.features and body["classes"] == ["malignant", "benign"]
    assert body["max_batch"] == 1000 and 0.9 < body["metrics"]["heldout_accuracy"] <= 1


def test_docs_and_openapi(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/health", "/model", "/predict", "/files", "/jobs", "/jobs/{job_id}"} <= set(spec["paths"])
    assert not any(p.startswith("/_debug") for p in spec["paths"])
    body = spec["paths"]["/predict"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"record", "records"} <= set(body["properties"])


def test_debug_routes_absent_by_default(client):
    assert client.get("/_debug/constant").status_code == 404
    assert client.get("/_debug/sleep").status_code == 404


def test_debug_routes_when_enabled(settings):
    import dataclasses

    with make_client(dataclasses.replace(settings, debug_routes=True)) as c:
        assert c.get("/_debug/constant").json() == {"status": "ok"}
        assert c.get("/_debug/sleep", params={"seconds": 0}).status_code == 200


def test_unknown_path_and_method(client):
    assert client.get("/nope").status_code == 404
    assert client.get("/predict").status_code == 405

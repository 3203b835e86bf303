"""Through a real socket (uvicorn, not the test client): limits answer 413 instead of resetting the connection."""

import httpx


def test_oversized_bodies_get_413_over_real_http(server):
    _, port = server()
    base = "http://127.0.0.1:%d" % port
    with httpx.Client(base_url=base, timeout=30) as c:
        r = c.post("/files", files={"file": ("a.csv", b"a" * 6_000_000, "text/csv")})
        assert r.status_code == 413 and "5242880" in r.json()["detail"]

        def chunks():
            for _ in range(40):
                yield b"x" * 65536

        r = c.post("/predict", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413
        # The server is still fine afterwards.
        assert c.get("/health").json()["status"] == "ok"

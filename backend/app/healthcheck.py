"""`python -m app.healthcheck`: exit 0 when GET http://127.0.0.1:$PORT/health answers 200 "ok".

For an ECS container health check (the slim image has no curl):
  ["CMD", "python", "-m", "app.healthcheck"]
Standard library only, so it starts in a few tens of milliseconds.
"""
import json
import os
import sys
import urllib.request


def main() -> int:
    url = "http://127.0.0.1:%s/health" % os.environ.get("PORT", "8000")
    try:
        with urllib.request.urlopen(url, timeout=float(os.environ.get("HEALTHCHECK_TIMEOUT", "3"))) as r:
            ok = r.status == 200 and json.loads(r.read()).get("status") == "ok"
    except Exception as e:  # noqa: BLE001 - any failure is unhealthy
        print("unhealthy: %s: %s" % (url, e), file=sys.stderr)
        return 1
    if not ok:
        print("unhealthy: %s" % url, file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

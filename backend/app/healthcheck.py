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
    url = "http://127.0.0.1:{}/health".format(os.environ.get("PORT", "8000"))
    try:
        # The scheme is fixed above (http to loopback): no file: or custom scheme can reach urlopen.
        with urllib.request.urlopen(url, timeout=float(os.environ.get("HEALTHCHECK_TIMEOUT", "3"))) as r:  # noqa: S310
            ok = r.status == 200 and json.loads(r.read()).get("status") == "ok"
    except Exception as e:  # noqa: BLE001 - any failure is unhealthy
        print(f"unhealthy: {url}: {e}", file=sys.stderr)
        return 1
    if not ok:
        print(f"unhealthy: {url}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""`python -m app`: run uvicorn with one worker on PORT, shutting down gracefully on SIGTERM.

On SIGTERM (Fargate Spot interruption, ECS stop) uvicorn closes the listening
socket, lets in-flight requests finish for up to GRACEFUL_TIMEOUT seconds
(keep it under the task's stopTimeout) and the process exits 0.
"""

import signal
from types import FrameType

# Installed first: a stop signal that arrives while the app is still importing
# or starting is remembered and acted on as soon as the server is up (below).
# It also makes the re-raise harmless that uvicorn >= 0.29 does after a
# graceful shutdown: with the default disposition that would end the process
# "killed by SIGTERM" (exit 143) instead of 0.
_early: list[int] = []


def _remember(sig: int, frame: FrameType | None) -> None:
    _early.append(sig)


for _sig in (signal.SIGTERM, signal.SIGINT):
    signal.signal(_sig, _remember)

import asyncio  # noqa: E402
import logging  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402

import uvicorn  # noqa: E402

from app.core.config import ConfigError, get_settings  # noqa: E402


class _Server(uvicorn.Server):
    """uvicorn's server plus the replay of a stop signal that arrived during startup."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if _early and not self.should_exit:
            logging.getLogger("uvicorn.error").info("stop signal received during startup, shutting down")
            # Once the main loop runs, so that uvicorn goes through its normal graceful shutdown.
            asyncio.get_running_loop().call_soon(self.handle_exit, _early[0], None)


def _app_logging() -> None:
    """The service's own log lines ("app.*") on stderr, in uvicorn's format, without touching the root logger."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
    logger = logging.getLogger("app")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def main() -> int:
    _app_logging()
    try:
        settings = get_settings()
    except ConfigError as e:
        print(f"config error: {e}", file=sys.stderr)
        return 2
    config = uvicorn.Config(
        "app.main:app",
        host="0.0.0.0",  # noqa: S104 - the container's port; API Gateway's VPC link reaches it
        port=settings.port,
        workers=1,
        proxy_headers=True,
        forwarded_allow_ips="*",
        server_header=False,
        access_log=settings.access_log,
        log_level="info",
        timeout_keep_alive=75,  # longer than API Gateway VPC-link idle reuse
        timeout_graceful_shutdown=int(settings.graceful_timeout),
    )
    server = _Server(config)
    server.run()
    return 0 if server.started else 1


if __name__ == "__main__":
    sys.exit(main())

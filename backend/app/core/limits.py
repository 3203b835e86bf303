"""Request body size limits, enforced while the body streams in (413, never a buffered overrun)."""

import json

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Room for the multipart envelope around an upload of exactly the file limit.
MULTIPART_OVERHEAD = 64 * 1024
# An oversized body is read and dropped up to this much before the 413 goes out: a client or
# proxy (API Gateway) still sending would otherwise see a connection reset instead of the 413.
DRAIN_MAX = 32 * 1024 * 1024


class BodyLimitMiddleware:
    """Plain ASGI middleware: /files may carry MAX_UPLOAD_BYTES, everything else MAX_BODY_BYTES.

    A declared Content-Length over the limit is refused without parsing; a body
    that grows past it (chunked, or lying about its length) is cut off by
    raising 413 from receive(), which FastAPI re-raises from body parsing.
    Either way the rest of the body is drained (bounded) before answering.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            return await self.app(scope, receive, send)
        settings = scope["app"].state.settings  # resolved at startup
        is_upload = scope["path"].rstrip("/") == "/files"
        limit = settings.max_upload_bytes + MULTIPART_OVERHEAD if is_upload else settings.max_body_bytes
        what = "upload" if is_upload else "request body"
        message = f"{what} is larger than the limit of {settings.max_upload_bytes if is_upload else limit} bytes"
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await _drain(receive, 0)
                    return await _send_413(send, message)
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            msg = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > limit:
                    if msg.get("more_body", False):
                        await _drain(receive, received)
                    raise HTTPException(413, message)
            return msg

        await self.app(scope, limited_receive, send)


async def _drain(receive: Receive, already: int) -> None:
    total = already
    while total <= DRAIN_MAX:
        msg = await receive()
        if msg["type"] != "http.request":
            return  # http.disconnect
        total += len(msg.get("body", b""))
        if not msg.get("more_body", False):
            return


async def _send_413(send: Send, message: str) -> None:
    body = json.dumps({"detail": message}).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

"""Request body size limits, enforced while the body streams in (413, never a buffered overrun)."""
import json

from fastapi import HTTPException

# Room for the multipart envelope around an upload of exactly the file limit.
MULTIPART_OVERHEAD = 64 * 1024


class BodyLimitMiddleware:
    """Plain ASGI middleware: /files may carry MAX_UPLOAD_BYTES, everything else MAX_BODY_BYTES.

    A declared Content-Length over the limit is refused before reading; a body
    that grows past it (chunked, or lying about its length) is cut off by
    raising 413 from receive(), which FastAPI re-raises from body parsing.
    """

    def __init__(self, app, settings_for):
        self.app = app
        self.settings_for = settings_for

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            return await self.app(scope, receive, send)
        settings = self.settings_for(scope["app"])
        is_upload = scope["path"].rstrip("/") == "/files"
        limit = settings.max_upload_bytes + MULTIPART_OVERHEAD if is_upload else settings.max_body_bytes
        what = "upload" if is_upload else "request body"
        message = "%s is larger than the limit of %d bytes" % (what, settings.max_upload_bytes if is_upload else limit)
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    return await _send_413(send, message)
        received = 0

        async def limited_receive():
            nonlocal received
            msg = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > limit:
                    raise HTTPException(413, message)
            return msg

        await self.app(scope, limited_receive, send)


async def _send_413(send, message):
    body = json.dumps({"detail": message}).encode("utf-8")
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})

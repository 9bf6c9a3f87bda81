"""Request bodies have a size limit, answered `413` before anything parses them.

A GraphQL request is a few kilobytes; the largest real ones are a batch of `_entities`
representations or a batch of tax confirmations, far below 1 MiB. A multipart request carries
one uploaded roster: 20 MiB holds a 400,000-row CSV, twice the 200,000 rows of
bench/roster_import.py, and far more than any department's or village's list.

The middleware refuses a declared `Content-Length` over the limit without reading a byte, and
counts the bytes that do arrive (a chunked body has no length, and a length may lie): once the
count passes the limit the request is answered 413 and its body is never parsed.
"""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yibao.core.imports.background import MAX_UPLOAD_BYTES, MiB

MAX_JSON_BODY = 1 * MiB
MAX_MULTIPART_BODY = MAX_UPLOAD_BYTES + 1 * MiB  # the file, its part headers, operations and map


class BodyTooLarge(Exception):
    """Raised from `receive` once a body passes its limit (not a ValueError: the GraphQL view
    turns those into 400s)."""


def body_limit(scope: Scope) -> int:
    content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
    return MAX_MULTIPART_BODY if content_type.startswith(b"multipart/") else MAX_JSON_BODY


def _declared_length(scope: Scope) -> int | None:
    value = dict(scope.get("headers", [])).get(b"content-length", b"")
    return int(value) if value.isdigit() else None


class BodyLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope)
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:  # cannot happen for our routes: each reads its body before answering
                raise
            await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    size = f"{limit / MiB:g} MiB"
    error = {
        "message": f"请求体超过 {size}",
        "extensions": {"code": "PAYLOAD_TOO_LARGE", "limit": limit},
    }
    body = json.dumps({"errors": [error]}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    # Closing the connection: the rest of an oversized body is not worth reading.
    headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})

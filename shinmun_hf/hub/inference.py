"""The Inference Providers router: ``POST /v1/chat/completions``, OpenAI-compatible.

Replies are deterministic (they quote the last user message) and stream word by word as
server-sent events, ending with ``data: [DONE]``, like router.huggingface.co. These model names
make it fail the ways the real router does, for tests of the widget:

=========================  =====================================================================
``test/unauthorized``      401 (token invalid, expired or the app was revoked)
``test/no-credits``        402 ``{"error": "You have exceeded your monthly included credits..."}``
``test/rate-limited``      429 ``{"message": ...}`` with ``Retry-After: 0``
``test/unavailable``       503 ``{"error": {"message": ...}}`` with ``Retry-After: 0``
``test/flaky``             503 for the first two requests of each token, then a normal reply
``test/mid-stream-error``  three tokens, then a chunk with an ``error`` key
``test/truncated``         three tokens, then the stream ends without ``data: [DONE]``
``test/slow``              a normal reply, streamed slowly (a quarter second a word)
=========================  =====================================================================
A ``:provider`` suffix (``model:fastest``) is accepted and ignored.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .settings import HubSettings
from .state import HubState

__all__ = ["inference_routes"]

CREDITS = (
    "You have exceeded your monthly included credits for Inference Providers. "
    "Subscribe to PRO to get 20x more monthly included credits."
)


def _reply(model: str, messages: list[dict[str, Any]]) -> list[str]:
    question = next(
        (str(m.get("content", "")) for m in reversed(messages) if m.get("role") == "user"), ""
    )
    text = f"You asked: “{question.strip()}”. This is the local test hub answering as {model}."
    words = text.split(" ")
    return [word + (" " if index < len(words) - 1 else "") for index, word in enumerate(words)]


def inference_routes(settings: HubSettings, state: HubState) -> list[Route]:
    async def chat_completions(request: Request) -> Response:
        request_id = secrets.token_hex(8)
        headers = {"x-request-id": request_id}

        def error(status: int, body: dict[str, Any], **extra: str) -> JSONResponse:
            return JSONResponse(body, status_code=status, headers={**headers, **extra})

        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        record = state.valid_token(token) if scheme.lower() == "bearer" else None
        if record is None:
            return error(401, {"error": "Invalid credentials in Authorization header"})
        if "inference-api" not in record.scope:
            return error(403, {"error": "This token lacks the inference-api scope"})
        try:
            body = await request.json()
            model = str(body["model"]).split(":", 1)[0]
            messages = body["messages"]
            if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
                raise TypeError("messages must be a list of objects")
        except (ValueError, KeyError, TypeError):
            return error(
                400,
                {
                    "error": {
                        "message": "A JSON body with model and messages (a list of objects)"
                        " is required"
                    }
                },
            )
        with state.lock:
            state.requests[model] += 1
            state.requests[(model, token)] += 1
            attempts = state.requests[(model, token)]
        if model == "test/unauthorized":
            return error(401, {"error": {"message": "Invalid or expired token"}})
        if model == "test/no-credits":
            return error(402, {"error": CREDITS})
        if model == "test/rate-limited":
            return error(
                429, {"message": "Rate limit reached, try again later"}, **{"Retry-After": "0"}
            )
        if model == "test/unavailable" or (model == "test/flaky" and attempts <= 2):
            return error(
                503,
                {"error": {"message": "The model provider is unavailable"}},
                **{"Retry-After": "0"},
            )
        words = _reply(model, messages)
        if not body.get("stream"):
            return JSONResponse(_completion(request_id, model, "".join(words)), headers=headers)
        delay = 0.25 if model == "test/slow" else settings.stream_delay
        stop_after = 3 if model in ("test/mid-stream-error", "test/truncated") else None
        return StreamingResponse(
            _stream(request_id, model, words, delay, stop_after, model == "test/truncated"),
            media_type="text/event-stream",
            headers={**headers, "Cache-Control": "no-cache"},
        )

    return [Route("/v1/chat/completions", chat_completions, methods=["POST"])]


async def _stream(
    request_id: str,
    model: str,
    words: list[str],
    delay: float,
    stop_after: int | None,
    silently: bool = False,
) -> AsyncIterator[bytes]:
    """The reply as events; after ``stop_after`` words an error chunk, or (``silently``) just the
    end of the stream, with neither a finish reason nor ``[DONE]``."""
    created = int(time.time())

    def chunk(delta: dict[str, str], finish: str | None = None) -> bytes:
        payload = {
            "id": request_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()

    yield b": keep-alive\n\n"  # comment lines, as proxies and the router send: to be skipped
    yield chunk({"role": "assistant", "content": ""})
    for index, word in enumerate(words):
        if index == stop_after:
            if not silently:
                error = {"error": {"message": "The model provider failed mid-stream"}}
                yield f"data: {json.dumps(error)}\n\n".encode()
            return
        await asyncio.sleep(delay)
        yield chunk({"content": word})
    yield chunk({}, "stop")
    usage = {"prompt_tokens": 8, "completion_tokens": len(words), "total_tokens": 8 + len(words)}
    final = {
        "id": request_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [],
        "usage": usage,
    }
    yield f"data: {json.dumps(final)}\n\n".encode()  # usage last, with no choice (OpenAI's)
    yield b"data: [DONE]\n\n"


def _completion(request_id: str, model: str, text: str) -> dict[str, Any]:
    return {
        "id": request_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
    }

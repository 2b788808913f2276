"""The Inference Providers router: ``POST /v1/chat/completions``, OpenAI-compatible.

Replies are deterministic and stream word by word as server-sent events, ending with
``data: [DONE]``, like router.huggingface.co. They are Markdown (a list, inline and fenced code, a
link) so that the widget's rendering is exercised, quote the last user message and say how many
messages the request carried (so tests see the conversation). An ``X-HF-Bill-To`` header must
name one of the test user's organisations (403 otherwise), and the reply says who pays.

``test/reasoning`` thinks first, as gpt-oss does on the real router: ``delta.reasoning`` chunks
before the answer's ``delta.content``. These model names make it fail the ways the real router
does, for tests of the widget:

=========================  =====================================================================
``test/unauthorized``      401 (token invalid, expired or the app was revoked)
``test/no-credits``        402 ``{"error": "You have exceeded your monthly included credits..."}``
``test/rate-limited``      429 ``{"message": ...}`` with ``Retry-After: 0``
``test/unavailable``       503 ``{"error": {"message": ...}}`` with ``Retry-After: 0``
``test/flaky``             503 for the first two requests of each token, then a normal reply
``test/mid-stream-error``  three tokens, then a chunk with an ``error`` key
``test/truncated``         three tokens, then the stream ends without ``data: [DONE]``
``test/slow``              a normal reply, streamed slowly (a quarter second a word)
``test/not-served``        400 naming the model: no provider serves it for chat
=========================  =====================================================================
A ``:provider`` suffix (``model:fastest``) is accepted and ignored.
"""

from __future__ import annotations

import asyncio
import json
import re
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


REASONING = "The visitor wants a short answer. A list, some code and a link will do."


def _reply(model: str, messages: list[dict[str, Any]], bill_to: str | None) -> str:
    question = next(
        (str(m.get("content", "")) for m in reversed(messages) if m.get("role") == "user"), ""
    )
    count = f"{len(messages)} message{'s' if len(messages) != 1 else ''}"
    payer = f"billed to {bill_to}" if bill_to else "billed to you"
    return (
        f"You asked: “{question.strip()}”. I received {count}; this is the local test hub "
        f"answering as `{model}`, {payer}.\n\n"
        "- a **list** item\n"
        "- another, with *emphasis*\n\n"
        '```python\nprint("Hello from the test hub")\n```\n\n'
        "More about [Inference Providers](https://huggingface.co/docs/inference-providers)."
    )


def _words(text: str) -> list[str]:
    """Each word with the whitespace after it: the pieces the reply streams in."""
    return re.findall(r"\S+\s*", text)


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
        if model == "test/not-served":
            message = f"The requested model '{model}' is not supported by any provider you have"
            return error(
                400, {"error": {"message": message + " enabled.", "code": "model_not_supported"}}
            )
        bill_to = request.headers.get("x-hf-bill-to")
        if bill_to is not None and bill_to not in {
            o["preferred_username"] for o in settings.user.orgs
        }:
            return error(403, {"error": f"You cannot bill {bill_to}: not an organization of yours"})
        if model == "test/unavailable" or (model == "test/flaky" and attempts <= 2):
            return error(
                503,
                {"error": {"message": "The model provider is unavailable"}},
                **{"Retry-After": "0"},
            )
        reply = _reply(model, messages, bill_to)
        thoughts = REASONING if model == "test/reasoning" else ""
        if not body.get("stream"):
            return JSONResponse(_completion(request_id, model, reply, thoughts), headers=headers)
        delay = 0.25 if model == "test/slow" else settings.stream_delay
        stop_after = 3 if model in ("test/mid-stream-error", "test/truncated") else None
        deltas = [{"reasoning": w} for w in _words(thoughts)] + [
            {"content": w} for w in _words(reply)
        ]
        if stop_after is not None:
            deltas = deltas[:stop_after]
        return StreamingResponse(
            _stream(request_id, model, deltas, delay, stop_after, model == "test/truncated"),
            media_type="text/event-stream",
            headers={**headers, "Cache-Control": "no-cache"},
        )

    return [Route("/v1/chat/completions", chat_completions, methods=["POST"])]


async def _stream(
    request_id: str,
    model: str,
    deltas: list[dict[str, str]],
    delay: float,
    stop_after: int | None,
    silently: bool = False,
) -> AsyncIterator[bytes]:
    """The reply as events, a delta each; with ``stop_after`` set, after that many deltas an
    error chunk, or (``silently``) just the end of the stream, with neither a finish reason nor
    ``[DONE]``."""
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
    for delta in deltas:
        await asyncio.sleep(delay)
        yield chunk(delta)
    if stop_after is not None:
        if not silently:
            error = {"error": {"message": "The model provider failed mid-stream"}}
            yield f"data: {json.dumps(error)}\n\n".encode()
        return
    yield chunk({}, "stop")
    tokens = len(deltas)
    usage = {"prompt_tokens": 8, "completion_tokens": tokens, "total_tokens": 8 + tokens}
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


def _completion(request_id: str, model: str, text: str, reasoning: str) -> dict[str, Any]:
    message = {
        "role": "assistant",
        "content": text,
        **({"reasoning": reasoning} if reasoning else {}),
    }
    return {
        "id": request_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
    }

"""A real OpenAI-compatible HTTP server on 127.0.0.1, for tests and demos.

It speaks enough of the API for `OpenAICompatBackend` and the embedders:
`POST /v1/chat/completions` (n choices, usage counts), `GET /v1/models` and
`POST /v1/embeddings` (deterministic unit vectors from a hash of the text).

Replies come from a queue (one entry per choice, in order), or from a function of the
request body returning a string or a list of strings; with neither, a deterministic
text derived from the prompt. Failures are injected per request with `fail_next`:

    with FakeServer(replies=["```cpp\\nint f();\\n```"]) as server:
        server.fail_next("rate_limit", retry_after=1)
        backend = OpenAICompatBackend(model="fake-model", base_url=server.url)

Failure kinds: rate_limit (429), quota (429 `insufficient_quota`), server_error (500),
unavailable (503), unauthorized (401), unknown_model (404), bad_request (400), slow
(sleep `seconds`, then answer normally; `seconds` given to another kind delays that
failure), malformed (200 with a body cut off mid-JSON), drop (close the connection
unanswered). `retry_after` adds a Retry-After header to any failing status.

Like a real server, a reply longer than the request's `max_tokens` (whitespace-separated
words stand in for tokens) is cut there with finish_reason "length"; with
`context_tokens`, a request whose prompt plus `max_tokens` exceed it is refused with
HTTP 400, as vLLM does.

Run `python -m parcodegen.llm.fake_server --port 8011` to serve one for a demo.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import re
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAILURE_KINDS = (
    "rate_limit",
    "quota",
    "server_error",
    "unavailable",
    "unauthorized",
    "unknown_model",
    "bad_request",
    "slow",
    "malformed",
    "drop",
)

ReplyFn = Callable[[dict[str, Any]], "str | list[str]"]


@dataclass
class Failure:
    kind: str
    retry_after: float | None = None  # the Retry-After header (seconds) of a failing status
    seconds: float = 0.0  # how long to wait before answering (slow) or failing (the others)
    paths: tuple[str, ...] = ("/v1/chat/completions",)  # which endpoints it applies to


@dataclass
class ReceivedRequest:
    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    time: float = 0.0


def count_tokens(text: str) -> int:
    """A stand-in tokenizer: whitespace-separated words."""
    return len(text.split())


def cut_to_tokens(text: str, limit: int | None) -> tuple[str, bool]:
    """(`text` up to its `limit`-th token, whether it was cut), spacing kept."""
    if limit is None or count_tokens(text) <= limit:
        return text, False
    end = 0
    for i, match in enumerate(re.finditer(r"\S+", text)):
        if i == limit:
            break
        end = match.end()
    return text[:end], True


def hash_embedding(text: str, dim: int) -> list[float]:
    """A deterministic unit vector of `dim` floats derived from sha256 of the text."""
    values: list[float] = []
    counter = 0
    while len(values) < dim:
        digest = hashlib.sha256(f"{counter}:{text}".encode()).digest()
        for (word,) in struct.iter_unpack("<I", digest):
            values.append(word / 2**32 - 0.5)
        counter += 1
    values = values[:dim]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [v / norm for v in values]


class _QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout) makes the late write fail: not worth a traceback."""


class FakeServer:
    """An OpenAI-compatible server in a background thread; a context manager."""

    def __init__(
        self,
        replies: list[str] | None = None,
        reply_fn: ReplyFn | None = None,
        *,
        models: tuple[str, ...] = ("fake-model",),
        api_key: str | None = None,
        embedding_dim: int = 16,
        n_mode: str = "honour",
        context_tokens: int | None = None,
        port: int = 0,
    ):
        if n_mode not in ("honour", "ignore", "reject"):
            raise ValueError("n_mode must be 'honour', 'ignore' (one choice) or 'reject' (400)")
        self.models = tuple(models)
        self.api_key = api_key
        self.embedding_dim = embedding_dim
        self.n_mode = n_mode
        self.context_tokens = context_tokens
        self.reply_fn = reply_fn
        self.requests: list[ReceivedRequest] = []
        self._replies: deque[str] = deque(replies or [])
        self._failures: deque[Failure] = deque()
        self._lock = threading.Lock()
        self._httpd = _QuietHTTPServer(("127.0.0.1", port), _make_handler(self))
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ control
    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """The base URL to give a client (ends in /v1)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:  # noqa: PYI034
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def add_replies(self, *texts: str) -> None:
        with self._lock:
            self._replies.extend(texts)

    def fail_next(self, kind: str, count: int = 1, **params: Any) -> None:
        """Make the next `count` matching requests fail with `kind` (see FAILURE_KINDS)."""
        if kind not in FAILURE_KINDS:
            raise ValueError(f"unknown failure kind {kind!r}; known: {', '.join(FAILURE_KINDS)}")
        with self._lock:
            for _ in range(count):
                self._failures.append(Failure(kind, **params))

    def chat_requests(self) -> list[ReceivedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == "/v1/chat/completions"]

    # ------------------------------------------------------------------ behaviour
    def _record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _take_failure(self, path: str) -> Failure | None:
        with self._lock:
            if self._failures and path in self._failures[0].paths:
                return self._failures.popleft()
        return None

    def _texts(self, body: dict[str, Any], n: int) -> list[str]:
        if self.reply_fn is not None:
            out = self.reply_fn(body)
            texts = [out] if isinstance(out, str) else list(out)
            return (texts * n)[:n] if len(texts) < n else texts[:n]
        texts = []
        with self._lock:
            for i in range(n):
                texts.append(self._replies.popleft() if self._replies else _default_reply(body, i))
        return texts

    def chat(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        model = body.get("model", "")
        if model not in self.models:
            return 404, _error(f"The model `{model}` does not exist.", "model_not_found")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return 400, _error("'messages' must be a non-empty list", "invalid_request_error")
        n = int(body.get("n") or 1)
        if n > 1 and self.n_mode == "reject":
            return 400, _error("n > 1 is not supported by this server", "invalid_request_error")
        if self.n_mode == "ignore":
            n = 1
        prompt = sum(count_tokens(str(m.get("content", ""))) for m in messages)
        limit = int(body.get("max_tokens") or body.get("max_completion_tokens") or 0) or None
        if self.context_tokens is not None and prompt + (limit or 0) > self.context_tokens:
            return 400, _error(
                f"This model's maximum context length is {self.context_tokens} tokens. However, "
                f"you requested {prompt + (limit or 0)} tokens ({prompt} in the messages, "
                f"{limit} in the completion). Please reduce the length of the messages or "
                "completion.",
                "invalid_request_error",
            )
        cut = [cut_to_tokens(t, limit) for t in self._texts(body, n)]
        texts = [t for t, _ in cut]
        completion = sum(count_tokens(t) for t in texts)
        return 200, {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": i,
                    "message": {"role": "assistant", "content": t},
                    "finish_reason": "length" if was_cut else "stop",
                }
                for i, (t, was_cut) in enumerate(cut)
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }

    def embeddings(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        inputs = body.get("input", [])
        if isinstance(inputs, str):
            inputs = [inputs]
        dim = int(body.get("dimensions") or self.embedding_dim)
        as_base64 = body.get("encoding_format") == "base64"  # what the openai SDK asks
        data = []
        for i, text in enumerate(inputs):
            vector: Any = hash_embedding(str(text), dim)
            if as_base64:
                vector = base64.b64encode(struct.pack(f"<{dim}f", *vector)).decode()
            data.append({"object": "embedding", "index": i, "embedding": vector})
        tokens = sum(count_tokens(str(t)) for t in inputs)
        return 200, {
            "object": "list",
            "data": data,
            "model": body.get("model", ""),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }

    def model_list(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.models
            ],
        }


def _default_reply(body: dict[str, Any], index: int) -> str:
    last = str(body["messages"][-1].get("content", ""))
    digest = hashlib.sha256(f"{index}:{last}".encode()).hexdigest()[:8]
    return f"fake reply {digest}"


def _error(message: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": code, "code": code}}


def _make_handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            blob = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(blob)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(blob)

        def _handle(self, method: str) -> None:
            path = self.path.split("?", 1)[0].rstrip("/")
            body: dict[str, Any] = {}
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                try:
                    body = json.loads(self.rfile.read(length))
                except ValueError:
                    self._send(400, _error("request body is not JSON", "invalid_request_error"))
                    return
            headers = {k.lower(): v for k, v in self.headers.items()}
            server._record(ReceivedRequest(method, path, body, headers, time.time()))
            authorization = headers.get("authorization")
            if server.api_key is not None and authorization != f"Bearer {server.api_key}":
                self._send(401, _error("Incorrect API key provided.", "invalid_api_key"))
                return
            failure = server._take_failure(path)
            if failure is not None and self._fail(failure):
                return
            if method == "GET" and path == "/v1/models":
                self._send(200, server.model_list())
            elif method == "POST" and path == "/v1/chat/completions":
                self._send(*server.chat(body))
            elif method == "POST" and path == "/v1/embeddings":
                self._send(*server.embeddings(body))
            else:
                self._send(404, _error(f"no route {method} {path}", "not_found"))

        def _fail(self, failure: Failure) -> bool:
            """Act out a failure; False when the request should then be answered normally."""
            kind = failure.kind
            time.sleep(failure.seconds)  # slow: then answer; any other kind: a late failure
            if kind == "slow":
                return False
            if kind == "drop":
                self.close_connection = True
                return True
            if kind == "malformed":
                self._send(200, b'{"id": "chatcmpl-x", "choices": [{"index": 0, "mess')
                return True
            headers = {}
            if failure.retry_after is not None:
                headers["Retry-After"] = f"{failure.retry_after:g}"
            if kind == "rate_limit":
                self._send(429, _error("Rate limit reached.", "rate_limit_exceeded"), headers)
                return True
            if kind == "quota":
                message = "You exceeded your current quota, please check your plan and billing."
                self._send(429, _error(message, "insufficient_quota"), headers)
                return True
            status, code = {
                "server_error": (500, "server_error"),
                "unavailable": (503, "service_unavailable"),
                "unauthorized": (401, "invalid_api_key"),
                "unknown_model": (404, "model_not_found"),
                "bad_request": (400, "invalid_request_error"),
            }[kind]
            self._send(status, _error(f"injected failure: {kind}", code), headers)
            return True

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a fake OpenAI-compatible API locally.")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument("--model", action="append", help="model name to serve (repeatable)")
    parser.add_argument(
        "--reply", action="append", default=[], help="a reply (repeatable, in order)"
    )
    parser.add_argument("--replies-file", help="a JSON list of replies, served in order")
    parser.add_argument("--dim", type=int, default=16, help="embedding dimension")
    args = parser.parse_args(argv)
    replies = list(args.reply)
    if args.replies_file:
        with open(args.replies_file, encoding="utf-8") as fh:
            replies.extend(str(r) for r in json.load(fh))
    server = FakeServer(
        replies, models=tuple(args.model or ["fake-model"]), embedding_dim=args.dim, port=args.port
    )
    print(f"fake OpenAI-compatible server at {server.url} (models: {', '.join(server.models)})")
    print("point a backend at it with base_url above and any API key; Ctrl-C stops it", flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

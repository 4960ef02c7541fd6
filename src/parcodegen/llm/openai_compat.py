"""A backend for any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp...).

A batch fans out over a thread pool (`concurrency` requests in flight). Retries are
ours alone (the SDK's are switched off): exponential backoff with jitter on 429 (the
server's Retry-After honoured), 5xx, timeouts and connection errors. A server that
ignores `n > 1` (fewer choices than asked) gets further calls until n texts are
collected; one that rejects it (HTTP 400) gets n = 1 calls from then on.
Every failure is a `BackendError` saying what to fix.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, TypeVar

import openai

from parcodegen.errors import BackendError
from parcodegen.llm.accounting import PriceTable, cost_usd
from parcodegen.llm.base import LLMRequest, LLMResponse, Usage, collect
from parcodegen.llm.retry import RetryPolicy, retry_after_seconds

DEFAULT_KEY_ENVS = ("PARCODEGEN_API_KEY", "OPENAI_API_KEY")
DEFAULT_URL_ENVS = ("PARCODEGEN_BASE_URL", "OPENAI_BASE_URL")
OPENAI_URL = "https://api.openai.com/v1"
T = TypeVar("T")


class _NRejected(Exception):
    """The server answered HTTP 400 to a request with n > 1."""


def find_api_key(api_key: str | None, api_key_env: str | None) -> tuple[str | None, str]:
    """(key, where to set it): the explicit key, else the first environment variable set."""
    names = (api_key_env,) if api_key_env else DEFAULT_KEY_ENVS
    if api_key:
        return api_key, names[0]
    for name in names:
        value = os.environ.get(name)
        if value:
            return value, name
    return None, names[0]


class OpenAICompatBackend:
    """Chat completions over HTTP with the `openai` SDK.

    `temperature`, `n` and `max_tokens`, when given, override the request's fields;
    `model` is used when a request names none. `prices` maps a model to USD per 1M
    input / output tokens (`Price` or a pair); models not in it cost 0.
    """

    name = "openai"
    cluster = "shared"  # how it generates on a Dask cluster (llm/cluster.py)

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        api_key_env: str | None = None,
        temperature: float | None = None,
        n: int | None = None,
        max_tokens: int | None = None,
        timeout_s: float = 300.0,
        concurrency: int = 8,
        max_retries: int = 4,
        backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
        prices: PriceTable | None = None,
        extra_body: dict[str, Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not model:
            raise BackendError("the openai backend needs a model name (option 'model')")
        if concurrency < 1:
            raise BackendError("concurrency must be at least 1")
        url = base_url
        for env in DEFAULT_URL_ENVS:
            url = url or os.environ.get(env)
        self.base_url = (url or OPENAI_URL).rstrip("/")
        key, self.key_env = find_api_key(api_key, api_key_env)
        if key is None:
            if self.base_url == OPENAI_URL:
                raise BackendError(
                    f"no API key for {self.base_url}: set ${self.key_env} "
                    f"(or {' / '.join(DEFAULT_KEY_ENVS)})"
                )
            key = "no-key"  # local servers (vLLM, Ollama, llama.cpp) accept anything
        self.model = model
        self.temperature, self.n, self.max_tokens = temperature, n, max_tokens
        self.timeout_s = timeout_s
        self.concurrency = concurrency
        self.policy = RetryPolicy(max_retries=max_retries, base_s=backoff_s, max_s=max_backoff_s)
        self.prices = prices
        self.extra_body = dict(extra_body or {})
        self._sleep = sleep
        self._n_supported = True
        self._lock = threading.Lock()
        self._client = openai.OpenAI(
            api_key=key, base_url=self.base_url, max_retries=0, timeout=timeout_s
        )

    # ------------------------------------------------------------------ interface
    def resolve(self, request: LLMRequest) -> LLMRequest:
        """The request as sent: default model filled in, configured overrides applied."""
        changes: dict[str, Any] = {}
        if not request.model:
            changes["model"] = self.model
        for field in ("temperature", "n", "max_tokens"):
            value = getattr(self, field)
            if value is not None and value != getattr(request, field):
                changes[field] = value
        return dataclasses.replace(request, **changes) if changes else request

    def generate(self, requests: list[LLMRequest]) -> list[LLMResponse]:
        return collect(self.generate_iter(requests), len(requests))

    def generate_iter(self, requests: list[LLMRequest]) -> Iterator[tuple[int, LLMResponse]]:
        """Replies as they complete (`concurrency` requests in flight). On a failure the
        requests not yet started are dropped, those in flight are finished and handed
        back, then the first error is raised."""
        if len(requests) <= 1 or self.concurrency == 1:
            for i, r in enumerate(requests):
                yield i, self._complete(r)
            return
        error: BaseException | None = None
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(requests))) as pool:
            futures = {pool.submit(self._complete, r): i for i, r in enumerate(requests)}
            try:
                for f in as_completed(futures):
                    if f.cancelled():
                        continue
                    exc = f.exception()
                    if exc is None:
                        yield futures[f], f.result()
                    elif error is None:
                        error = exc
                        for other in futures:
                            other.cancel()
            finally:
                for other in futures:
                    other.cancel()
        if error is not None:
            raise error

    def close(self) -> None:
        self._client.close()

    # ------------------------------------------------------------------ one request
    def _complete(self, request: LLMRequest) -> LLMResponse:
        req = self.resolve(request)
        where = f"[problem {req.tag('problem')}] " if req.tag("problem") else ""
        start = time.monotonic()
        texts: list[str] = []
        finish: list[str | None] = []
        prompt_tokens = completion_tokens = calls = 0
        while len(texts) < req.n:
            want = req.n - len(texts) if self._n_supported else 1
            seed = None if req.seed is None else req.seed + calls
            try:
                call = functools.partial(self._create, req, want, seed)
                reply = self._with_retries(call, req, want, where)
            except _NRejected:
                with self._lock:
                    self._n_supported = False
                continue
            calls += 1
            choices = getattr(reply, "choices", None)
            if not isinstance(choices, list) or not choices:
                raise BackendError(
                    f"{where}malformed reply from {self.base_url}: no choices in the response"
                )
            for choice in choices[: req.n - len(texts)]:
                message = getattr(choice, "message", None)
                texts.append((getattr(message, "content", None) or "") if message else "")
                finish.append(getattr(choice, "finish_reason", None))
            usage = getattr(reply, "usage", None)
            if usage is not None:
                prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
                completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)
        cost = cost_usd(self.prices, req.model, prompt_tokens, completion_tokens)
        return LLMResponse(
            texts=tuple(texts),
            usage=Usage(prompt_tokens, completion_tokens, cost),
            model=req.model,
            latency_s=time.monotonic() - start,
            raw={"calls": calls, "finish_reasons": finish},
        )

    def _create(self, req: LLMRequest, n: int, seed: int | None) -> Any:
        kwargs: dict[str, Any] = {
            "model": req.model,
            "messages": [{"role": m.role, "content": m.content} for m in req.messages],
            "temperature": req.temperature,
            "max_tokens": req.max_tokens,
        }
        if n != 1:
            kwargs["n"] = n
        if seed is not None:
            kwargs["seed"] = seed
        if self.extra_body:
            kwargs["extra_body"] = self.extra_body
        return self._client.chat.completions.create(**kwargs)

    def _with_retries(self, call: Callable[[], T], req: LLMRequest, n: int, where: str) -> T:
        last = ""
        attempts = self.policy.max_retries + 1
        for attempt in range(attempts):
            retry_after: float | None = None
            try:
                return call()
            except openai.RateLimitError as exc:
                last = f"rate limited (HTTP 429): {_message(exc)}"
                retry_after = retry_after_seconds(exc.response.headers)
            except openai.APITimeoutError:
                last = f"no reply within {self.timeout_s:g} s (timeout)"
            except openai.APIConnectionError as exc:
                cause = exc.__cause__ or exc
                last = (
                    f"cannot reach the server ({type(cause).__name__}: {cause}); "
                    "is it running, and is the base URL right?"
                )
            except openai.APIStatusError as exc:
                status = exc.status_code
                if status >= 500 or status == 408:
                    last = f"server error (HTTP {status}): {_message(exc)}"
                else:
                    raise self._fatal(exc, req, n, where) from None
            except openai.APIResponseValidationError as exc:
                raise self._malformed(where, exc) from None
            except ValueError as exc:  # the body claimed JSON but did not parse
                raise self._malformed(where, exc) from None
            if attempt + 1 < attempts:
                self._sleep(self.policy.delay(attempt, retry_after))
        raise BackendError(
            f"{where}{self.base_url}: gave up after {attempts} attempts; last error: {last}",
            retryable=True,
        )

    # ------------------------------------------------------------------ error messages
    def _fatal(self, exc: openai.APIStatusError, req: LLMRequest, n: int, where: str) -> Exception:
        status = exc.status_code
        if status in (401, 403):
            return BackendError(
                f"{where}{self.base_url} rejected the API key (HTTP {status}): {_message(exc)}. "
                f"Set ${self.key_env} to a valid key for this server."
            )
        if status == 404:
            models = self.available_models()
            offer = f"; the server offers: {', '.join(models)}" if models else ""
            return BackendError(
                f"{where}model '{req.model}' not found at {self.base_url} (HTTP 404){offer}"
            )
        if status == 400 and n > 1:
            return _NRejected()
        return BackendError(
            f"{where}{self.base_url} refused the request (HTTP {status}): {_message(exc)}"
        )

    def _malformed(self, where: str, exc: Exception) -> BackendError:
        return BackendError(
            f"{where}malformed JSON reply from {self.base_url}: {type(exc).__name__}: {exc}"
        )

    def available_models(self) -> list[str]:
        """The model ids the server lists at /v1/models ([] when it cannot say)."""
        try:
            return sorted(m.id for m in self._client.models.list())
        except Exception:  # noqa: BLE001 - only a hint for an error message
            return []


def _message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return str(getattr(exc, "message", exc))

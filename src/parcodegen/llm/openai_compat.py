"""A backend for any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp...).

A batch fans out over a thread pool (`concurrency` requests in flight). Retries are
ours alone (the SDK's are switched off): exponential backoff with jitter on 429, 5xx,
408, timeouts, dropped connections and cut-off (unparseable) 200 replies, the server's
Retry-After honoured on every status. A circuit breaker stops the backend after a run of
identical failures. Before every HTTP request (retries and continuations included) the
run's guard (llm/guard.py) books its worst-case cost and may refuse it; every wait is
bounded by the wall-time budget. A reply stopped by the per-reply length limit
(finish_reason "length") is continued (`continuations` times at most) and the user is
told. A server that ignores `n > 1` (fewer choices than asked) gets further calls until
n texts are collected; one that rejects it (HTTP 400) gets n = 1 calls from then on.
Every failure is a `BackendError` (or `BudgetExhausted`) saying what to fix.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any
from urllib.parse import urlsplit

import openai

from parcodegen.errors import BackendError, ConfigError
from parcodegen.llm.accounting import PriceTable, cost_usd
from parcodegen.llm.base import LLMRequest, LLMResponse, Message, Usage, collect
from parcodegen.llm.guard import RunGuard, estimate_prompt_tokens
from parcodegen.llm.retry import CircuitBreaker, RetryPolicy, retry_after_seconds
from parcodegen.llm.waiting import WaitWatch

DEFAULT_KEY_ENVS = ("PARCODEGEN_API_KEY", "OPENAI_API_KEY")
DEFAULT_URL_ENVS = ("PARCODEGEN_BASE_URL", "OPENAI_BASE_URL")
OPENAI_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT_S = 300.0
CONNECT_TIMEOUT_S = 10.0
HEARTBEAT_S = 15.0  # how often a wait for a reply is reported
CONTINUE_PROMPT = (
    "Your reply was cut off by the length limit. Continue exactly where it stopped: no "
    "repetition, no preamble, and close any code block you were writing."
)


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


def check_base_url(url: str) -> str:
    """`url` without a trailing slash, or a ConfigError when it is not http(s)://HOST[...]."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ConfigError(f"base URL '{url}': {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        hint = f" (did you mean 'http://{text}'?)" if "://" not in text else ""
        raise ConfigError(
            f"base URL '{url}' is not an http(s) URL with a host, like "
            f"http://localhost:8000/v1{hint}"
        )
    return text.rstrip("/")


class OpenAICompatBackend:
    """Chat completions over HTTP with the `openai` SDK.

    `temperature`, `n` and `max_tokens` (the per-reply length limit), when given, override
    the request's fields; `model` is used when a request names none. `prices` maps a
    model to USD per 1M input / output tokens (`Price` or a pair); models not in it cost 0.
    `timeout_s` bounds one HTTP request (connecting: at most 10 s of it); `max_retries`
    further attempts follow a retryable failure; `breaker_after` identical failures in a
    row stop the backend (0: never); `continuations` follow-ups ask for the rest of a reply
    cut off by the length limit; `say` receives progress lines, `heartbeat_s` apart while
    a reply is awaited.
    """

    name = "openai"

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
        timeout_s: float = DEFAULT_TIMEOUT_S,
        concurrency: int = 8,
        max_retries: int = 3,
        backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
        max_retry_after_s: float = 600.0,
        breaker_after: int = 6,
        continuations: int = 2,
        prices: PriceTable | None = None,
        extra_body: dict[str, Any] | None = None,
        say: Callable[[str], None] | None = None,
        heartbeat_s: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not model:
            raise BackendError("the openai backend needs a model name (option 'model')")
        if concurrency < 1:
            raise BackendError("concurrency must be at least 1")
        if not timeout_s > 0:
            raise ConfigError(f"request timeout must be positive (got {timeout_s})")
        if max_retries < 0 or breaker_after < 0 or continuations < 0:
            raise ConfigError("retries, breaker and continuation counts cannot be negative")
        url = base_url
        for env in DEFAULT_URL_ENVS:
            url = url or os.environ.get(env)
        self.base_url = check_base_url(url or OPENAI_URL)
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
        self.policy = RetryPolicy(
            max_retries=max_retries,
            base_s=backoff_s,
            max_s=max_backoff_s,
            max_retry_after_s=max_retry_after_s,
        )
        self.breaker = CircuitBreaker(breaker_after)
        self.continuations = continuations
        self.prices = prices
        self.extra_body = dict(extra_body or {})
        self.guard: RunGuard | None = None
        self._say = say
        self._watch = WaitWatch(self.say, HEARTBEAT_S if heartbeat_s is None else heartbeat_s)
        self._sleep = sleep
        self._n_supported = True
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self._client = openai.OpenAI(
            api_key=key, base_url=self.base_url, max_retries=0, timeout=timeout_s
        )

    # ------------------------------------------------------------------ interface
    def use_guard(self, guard: RunGuard) -> None:
        """Check `guard` before every request from now on (and report through its `say`)."""
        self.guard = guard

    def say(self, message: str) -> None:
        target = self._say or (self.guard.say if self.guard is not None else None)
        if target is not None:
            target(message)

    def identity(self) -> dict[str, Any]:
        """What, besides the request, decides a reply: the endpoint and the model."""
        return {"base_url": self.base_url, "model": self.model}

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
        self._watch.close()
        self._client.close()

    # ------------------------------------------------------------------ one request
    def _label(self, req: LLMRequest) -> str:
        number = next(self._numbers)
        parts = [
            req.tag("episode") or req.tag("problem"),
            req.tag("turn") and f"turn {req.tag('turn')}",
        ]
        what = ", ".join(p for p in parts if p)
        return f"request {number}" + (f" ({what})" if what else "")

    def _complete(self, request: LLMRequest) -> LLMResponse:
        req = self.resolve(request)
        label = self._label(req)
        where = f"[problem {req.tag('problem')}] " if req.tag("problem") else ""
        start = time.monotonic()
        texts: list[str] = []
        finish: list[str | None] = []
        usage = Usage()
        calls = continued = 0
        messages = [{"role": m.role, "content": m.content} for m in req.messages]
        while len(texts) < req.n:
            want = req.n - len(texts) if self._n_supported else 1
            seed = None if req.seed is None else req.seed + calls
            try:
                reply, used = self._call(req, messages, want, seed, label, where)
            except _NRejected:
                with self._lock:
                    self._n_supported = False
                continue
            calls += 1
            usage = usage + used
            for choice in _choices(reply, self.base_url, where)[: req.n - len(texts)]:
                text, reason = choice
                text, reason, extra, more = self._continue(
                    req, messages, text, reason, label, where
                )
                usage, calls, continued = usage + extra, calls + more, continued + more
                texts.append(text)
                finish.append(reason)
        return LLMResponse(
            texts=tuple(texts),
            usage=usage,
            model=req.model,
            latency_s=time.monotonic() - start,
            raw={"calls": calls, "finish_reasons": finish, "continuations": continued},
        )

    def _continue(
        self,
        req: LLMRequest,
        messages: list[dict[str, str]],
        text: str,
        reason: str | None,
        label: str,
        where: str,
    ) -> tuple[str, str | None, Usage, int]:
        """(whole text, last finish reason, usage, calls) after asking for the rest of a
        reply the length limit cut off; the user is told either way."""
        usage, calls = Usage(), 0
        while reason == "length" and calls < self.continuations:
            calls += 1
            self.say(
                f"{label}: reply cut off at the {req.max_tokens}-token reply limit "
                f"(finish_reason=length); asking the model to continue ({calls}/{self.continuations})"
            )
            follow = [
                *messages,
                {"role": "assistant", "content": text},
                {"role": "user", "content": CONTINUE_PROMPT},
            ]
            reply, used = self._call(req, follow, 1, req.seed, label, where)
            usage = usage + used
            more, reason = _choices(reply, self.base_url, where)[0]
            text += more
        if reason == "length":
            self.say(
                f"{label}: reply still cut off at the {req.max_tokens}-token limit after "
                f"{calls} continuation(s); raise --reply-tokens if replies need more room"
            )
        return text, reason, usage, calls

    def worst_usage(self, request: LLMRequest) -> Usage:
        """The most `request` can use in one sending (its prompt, every reply at the limit)."""
        req = self.resolve(request)
        messages = [{"role": m.role, "content": m.content} for m in req.messages]
        return self._worst(req, messages, req.n)

    def _worst(self, req: LLMRequest, messages: list[dict[str, str]], n: int) -> Usage:
        prompt = estimate_prompt_tokens(
            dataclasses.replace(
                req, messages=tuple(Message(m["role"], m["content"]) for m in messages)
            )
        )
        completion = n * req.max_tokens
        return Usage(prompt, completion, cost_usd(self.prices, req.model, prompt, completion))

    def _call(
        self,
        req: LLMRequest,
        messages: list[dict[str, str]],
        n: int,
        seed: int | None,
        label: str,
        where: str,
    ) -> tuple[Any, Usage]:
        """One chat completion with our retries: (the reply, its usage)."""
        attempts = self.policy.max_retries + 1
        last = ""
        for attempt in range(attempts):
            self.breaker.check()
            timeout = self.timeout_s
            booking = None
            if self.guard is not None:
                booking = self.guard.reserve(self._worst(req, messages, n))
                left = self.guard.remaining_s()
                if left is not None and left < timeout:
                    timeout = max(left, 0.01)
            used = Usage()
            retry_after: float | None = None
            kind = ""
            token = self._watch.start(label, attempt, timeout)
            try:
                reply = self._create(req, messages, n, seed, timeout)
                used = _usage(reply, self.prices, req.model)
                self.breaker.success()
                return reply, used
            except openai.APITimeoutError:
                if self.guard is not None:
                    self.guard.check_time()  # the wall-time budget ran out while waiting
                kind, last = "timeout", f"no reply within {timeout:g} s (timeout)"
            except openai.APIConnectionError as exc:
                cause = exc.__cause__ or exc
                kind = "connection"
                last = (
                    f"cannot reach the server ({type(cause).__name__}: {cause}); "
                    "is it running, and is the base URL right?"
                )
            except openai.APIStatusError as exc:
                status = exc.status_code
                retry_after = retry_after_seconds(exc.response.headers)
                if _quota_exhausted(exc):
                    raise BackendError(
                        f"{where}{self.base_url}: the account's quota is exhausted (HTTP "
                        f"{status}): {_message(exc)}"
                    ) from None
                if status in (408, 409, 429) or status >= 500:
                    name = "rate limited" if status == 429 else "server error"
                    kind, last = f"HTTP {status}", f"{name} (HTTP {status}): {_message(exc)}"
                else:
                    raise self._fatal(exc, req, n, where) from None
            except (openai.APIResponseValidationError, ValueError) as exc:
                kind = "malformed"
                last = (
                    f"malformed JSON reply from {self.base_url} (cut off?): "
                    f"{type(exc).__name__}: {str(exc)[:200]}"
                )
            finally:
                self._watch.stop(token)
                if booking is not None and self.guard is not None:
                    self.guard.settle(booking, used)
            self.breaker.failure(kind, last, self.base_url)
            if attempt + 1 >= attempts:
                break
            self.breaker.check()
            if retry_after is not None and retry_after > self.policy.max_retry_after_s:
                raise BackendError(
                    f"{where}{self.base_url}: {last}; the server asks to wait {retry_after:.0f} s "
                    f"(Retry-After), longer than {self.policy.max_retry_after_s:.0f} s",
                    retryable=True,
                )
            wait = self.policy.delay(attempt, retry_after)
            if self.guard is not None:
                self.guard.bound_wait(wait, "waiting before a retry")
            told = (
                " (the server's Retry-After)"
                if retry_after is not None and wait >= retry_after
                else ""
            )
            self.say(f"{label}: {last}; retry {attempt + 1}/{attempts - 1} in {wait:.1f} s{told}")
            self._sleep(wait)
        raise BackendError(
            f"{where}{self.base_url}: gave up after {attempts} attempts; last error: {last}",
            retryable=True,
        )

    def _create(
        self,
        req: LLMRequest,
        messages: list[dict[str, str]],
        n: int,
        seed: int | None,
        timeout: float,
    ) -> Any:
        kwargs: dict[str, Any] = {
            "model": req.model,
            "messages": messages,
            "temperature": req.temperature,
            "max_tokens": req.max_tokens,
            "timeout": openai.Timeout(timeout, connect=min(CONNECT_TIMEOUT_S, timeout)),
        }
        if n != 1:
            kwargs["n"] = n
        if seed is not None:
            kwargs["seed"] = seed
        if self.extra_body:
            kwargs["extra_body"] = self.extra_body
        return self._client.chat.completions.create(**kwargs)

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
        hint = ""
        text = _message(exc).lower()
        if status == 400 and any(w in text for w in ("context", "max_tokens", "maximum")):
            hint = (
                f". The server's context looks too small for a {req.max_tokens}-token reply "
                "limit: lower it with --reply-tokens (or serve the model with a longer context)"
            )
        return BackendError(
            f"{where}{self.base_url} refused the request (HTTP {status}): {_message(exc)}{hint}"
        )

    def available_models(self) -> list[str]:
        """The model ids the server lists at /v1/models ([] when it cannot say)."""
        try:
            return sorted(m.id for m in self._client.models.list())
        except Exception:  # noqa: BLE001 - only a hint for an error message
            return []


def _choices(reply: Any, base_url: str, where: str) -> list[tuple[str, str | None]]:
    """(text, finish reason) of each choice; a BackendError when there is none."""
    choices = getattr(reply, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise BackendError(f"{where}malformed reply from {base_url}: no choices in the response")
    out = []
    for choice in choices:
        message = getattr(choice, "message", None)
        text = (getattr(message, "content", None) or "") if message else ""
        out.append((text, getattr(choice, "finish_reason", None)))
    return out


def _usage(reply: Any, prices: PriceTable | None, model: str) -> Usage:
    usage = getattr(reply, "usage", None)
    if usage is None:
        return Usage()
    prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
    completion = int(getattr(usage, "completion_tokens", 0) or 0)
    return Usage(prompt, completion, cost_usd(prices, model, prompt, completion))


def _quota_exhausted(exc: openai.APIStatusError) -> bool:
    """OpenAI's 429 `insufficient_quota`: waiting does not help."""
    body = exc.body
    inner = body.get("error", body) if isinstance(body, dict) else None
    return isinstance(inner, dict) and inner.get("code") == "insufficient_quota"


def _message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return str(getattr(exc, "message", exc))

"""Shared fixtures: a real fake OpenAI server on 127.0.0.1 and backends pointed at it."""

from __future__ import annotations

import pytest

from parcodegen.llm.base import LLMRequest, Message
from parcodegen.llm.fake_server import FakeServer
from parcodegen.llm.openai_compat import OpenAICompatBackend


@pytest.fixture
def server():
    with FakeServer(models=("fake-model", "other-model")) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _no_real_keys(monkeypatch):
    """Tests never see a developer's real key or endpoint."""
    for name in ("PARCODEGEN_API_KEY", "OPENAI_API_KEY", "PARCODEGEN_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def backend_for(srv: FakeServer, **options) -> OpenAICompatBackend:
    options.setdefault("model", "fake-model")
    options.setdefault("backoff_s", 0.01)
    options.setdefault("max_backoff_s", 0.05)
    options.setdefault("timeout_s", 10.0)
    return OpenAICompatBackend(base_url=srv.url, **options)


def request(text: str = "parallelize this", n: int = 1, problem: str = "", **kw) -> LLMRequest:
    tags = (("problem", problem),) if problem else ()
    return LLMRequest(messages=(Message("user", text),), n=n, tags=tags, **kw)

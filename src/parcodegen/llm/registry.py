"""Backends by name: `make_backend("openai", model=..., base_url=...)`.

Built in: `openai` (any OpenAI-compatible endpoint), `scripted`, `replay`, `vllm`
(in-process, optional). Another package adds its own with `BACKENDS.add(name, factory)`
or, to keep its import lazy, `register_lazy(name, "package.module:Factory")`.
A typo gets a did-you-mean; an option the backend does not take is a ConfigError.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from parcodegen.errors import ConfigError
from parcodegen.llm.base import Backend
from parcodegen.registry import Registry

BackendFactory = Callable[..., Backend]
BACKENDS: Registry[BackendFactory] = Registry("backend")


class _Lazy:
    """A factory imported on first use (keeps vllm and friends out of startup)."""

    def __init__(self, target: str):
        self.target = target

    def load(self) -> BackendFactory:
        module, _, attr = self.target.partition(":")
        return getattr(importlib.import_module(module), attr)

    def __call__(self, **options: Any) -> Backend:
        return self.load()(**options)


def register_lazy(name: str, target: str) -> None:
    """Register `name` as the factory `target` ("package.module:Name"), imported when used."""
    BACKENDS.add(name, _Lazy(target))


register_lazy("openai", "parcodegen.llm.openai_compat:OpenAICompatBackend")
register_lazy("scripted", "parcodegen.llm.scripted:ScriptedBackend")
register_lazy("replay", "parcodegen.llm.replay:ReplayBackend")
register_lazy("vllm", "parcodegen.llm.vllm_batch:VLLMBatchBackend")
register_lazy("autopar", "parcodegen.llm.autopar_backend:AutoparBackend")


def make_backend(
    name: str,
    *,
    cache_dir: str | Path | None = None,
    record_path: str | Path | None = None,
    **options: Any,
) -> Backend:
    """Build backend `name` with `options`; optionally cached and/or recorded.

    The cache sits inside the recorder, so a recording also holds the cache hits and a
    replay of it needs neither the cache nor the model.
    """
    target = backend_class(name)
    _check_options(name, target, options)
    return wrap_backend(target(**options), cache_dir=cache_dir, record_path=record_path)


def backend_class(name: str) -> BackendFactory:
    """The factory (usually the class) registered as `name`; imports a lazy one."""
    factory = BACKENDS.get(name)
    return factory.load() if isinstance(factory, _Lazy) else factory


def wrap_backend(
    backend: Backend,
    *,
    cache_dir: str | Path | None = None,
    record_path: str | Path | None = None,
) -> Backend:
    """`backend` behind the on-disk response cache and/or a recorder, as asked."""
    if cache_dir is not None:
        from parcodegen.llm.cache import CachedBackend

        backend = CachedBackend(backend, cache_dir)
    if record_path is not None:
        from parcodegen.llm.replay import RecordingBackend

        backend = RecordingBackend(backend, record_path)
    return backend


def _check_options(name: str, factory: Callable[..., Any], options: dict[str, Any]) -> None:
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):
        return
    params = signature.parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        known = None
    else:
        known = [p for p in params if params[p].kind is not inspect.Parameter.VAR_POSITIONAL]
    if known is not None:
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise ConfigError(
                f"backend '{name}' has no option {', '.join(map(repr, unknown))} "
                f"(options: {', '.join(known)})"
            )
    try:
        signature.bind(**options)
    except TypeError as exc:
        raise ConfigError(f"backend '{name}': {exc}") from None

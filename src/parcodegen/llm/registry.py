"""Backends described by data, and the one resolver that builds them.

Each backend is declared ONCE, as a `BackendInfo`: its factory (or "module:Name", imported
on first use), which user settings it takes and which it needs, whether its replies go to
the on-disk cache, how it generates on a Dask cluster, and whether it is picked when no
backend is named. Nothing else in the package, the CLI included, names a backend or
branches on one: `resolve_backend(name, settings)` reads the declaration.

Built in: `openai` (any OpenAI-compatible endpoint), `scripted`, `replay`, `vllm`
(in-process, optional) and `autopar` (the built-in non-LLM parallelizer). Another
package adds its own with `register_backend(BackendInfo(...))`; see CONTRIBUTING.md and
tests/llm/test_backend_registry.py. A typo gets a did-you-mean; an option the backend
does not take is a ConfigError.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from parcodegen.errors import ConfigError
from parcodegen.llm.base import Backend
from parcodegen.registry import Registry

BackendFactory = Callable[..., Backend]
ClusterMode = Literal["shared", "per_task"]
CACHE_ENV = "PARCODEGEN_LLM_CACHE"
BASE_URL_ENV = "PARCODEGEN_BASE_URL"
MODEL_ENV = "PARCODEGEN_MODEL"


@dataclass(frozen=True)
class BackendSettings:
    """What the user gave that a backend may need (each field is one command-line option).

    `base_url` falls back to $PARCODEGEN_BASE_URL (see `from_env`); a backend takes only
    the settings its declaration lists.
    """

    model: str = ""
    base_url: str | None = None
    script: str | None = None  # a JSON file of replies (scripted)
    recording: str | None = None  # a JSONL recording to serve (replay)
    no_cache: bool = False
    record: str | None = None  # append every call to this JSONL
    request_timeout: float | None = None  # seconds one request may take
    retries: int | None = None  # further attempts after a retryable failure
    breaker_after: int | None = None  # identical failures in a row that stop the backend
    price_in: float | None = None  # USD per million input tokens (overrides the table)
    price_out: float | None = None  # USD per million output tokens
    refresh_cache: bool = False  # ask the model anew (a --fresh run): write the cache, not read

    def with_env(self) -> BackendSettings:
        """These settings with the endpoint taken from the environment when not given."""
        from dataclasses import replace

        return replace(self, base_url=self.base_url or os.environ.get(BASE_URL_ENV) or None)

    def given(self, name: str) -> bool:
        return _given(getattr(self, name))


def _given(value: Any) -> bool:
    """A setting counts as given unless unset or empty (0 retries is given)."""
    return value is not None and value is not False and value != ""


# How each setting is asked for, in messages ("the openai backend needs --model").
SETTING_HINTS = {
    "model": f"--model (or ${MODEL_ENV})",
    "base_url": f"--base-url (or ${BASE_URL_ENV})",
    "script": "--script FILE.json",
    "recording": "--recording FILE.jsonl",
}
SETTING_NAMES = tuple(f.name for f in fields(BackendSettings))


def _json_file(text: str) -> Any:
    path = Path(text)
    try:
        return json.loads(path.read_text())
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ConfigError(f"{path}: not JSON ({exc})") from None


def _base_url(text: str) -> str:
    from parcodegen.llm.openai_compat import check_base_url

    return check_base_url(text)


def _absolute(text: str) -> str:
    return str(Path(text).resolve())


@dataclass(frozen=True)
class Takes:
    """One factory option filled from one setting (`convert`ed), required or not."""

    setting: str  # a BackendSettings field
    option: str = ""  # the factory's keyword ("" = same as the setting)
    required: bool = False
    convert: Callable[[Any], Any] | None = None

    def __post_init__(self) -> None:
        if self.setting not in SETTING_NAMES:
            raise ValueError(f"unknown backend setting '{self.setting}' (known: {SETTING_NAMES})")

    @property
    def keyword(self) -> str:
        return self.option or self.setting


@dataclass(frozen=True)
class BackendInfo:
    """Everything about one backend, declared once."""

    name: str
    factory: BackendFactory | str  # a callable, or "package.module:Name" imported when used
    takes: tuple[Takes, ...] = ()
    cacheable: bool = False  # replies cached on disk (model calls that cost something)
    cluster: ClusterMode | None = None  # how it generates on a Dask cluster (llm/cluster.py)
    keep_improving: bool = False  # default for `--keep-improving` (every variant worth timing)
    default_rank: int | None = None  # picked when no backend is named (lowest rank first) ...
    default_if: tuple[str, ...] = ()  # ... if these settings are given
    paid: bool = False  # charges per token: priced (llm/pricing.py), --max-cost needs a price
    summary: str = ""

    def load(self) -> BackendFactory:
        if not isinstance(self.factory, str):
            return self.factory
        module, _, attr = self.factory.partition(":")
        loaded: BackendFactory = getattr(importlib.import_module(module), attr)
        return loaded

    def options(self, settings: BackendSettings) -> dict[str, Any]:
        """The factory options these settings give; a ConfigError when a required one is missing."""
        out: dict[str, Any] = {}
        for t in self.takes:
            value = getattr(settings, t.setting)
            if not _given(value):
                if t.required:
                    hint = SETTING_HINTS.get(t.setting, t.setting)
                    raise ConfigError(f"the {self.name} backend needs {hint}")
                continue
            out[t.keyword] = t.convert(value) if t.convert else value
        return out


BACKENDS: Registry[BackendInfo] = Registry("backend")


def register_backend(info: BackendInfo) -> BackendInfo:
    """Add a backend; its name must be new."""
    BACKENDS.add(info.name, info)
    return info


register_backend(BackendInfo(
    "openai", "parcodegen.llm.openai_compat:OpenAICompatBackend",
    takes=(Takes("model", required=True), Takes("base_url", convert=_base_url),
           Takes("request_timeout", "timeout_s"), Takes("retries", "max_retries"),
           Takes("breaker_after")),
    cacheable=True, cluster="shared", default_rank=0, default_if=("base_url",), paid=True,
    summary="any OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, hosted APIs)",
))  # fmt: skip
register_backend(BackendInfo(
    "scripted", "parcodegen.llm.scripted:ScriptedBackend",
    takes=(Takes("script", required=True, convert=_json_file),),
    summary="canned replies from a JSON file (tests, demos)",
))  # fmt: skip
register_backend(BackendInfo(
    "replay", "parcodegen.llm.replay:ReplayBackend",
    takes=(Takes("recording", "path", required=True, convert=_absolute),),
    cluster="per_task", summary="serves a recording made with --record",
))  # fmt: skip
register_backend(BackendInfo(
    "vllm", "parcodegen.llm.vllm_batch:VLLMBatchBackend",
    takes=(Takes("model", required=True),), cacheable=True,
    summary="an in-process vLLM engine (optional extra)",
))  # fmt: skip
register_backend(BackendInfo(
    "autopar", "parcodegen.llm.autopar_backend:AutoparBackend",
    cluster="shared", keep_improving=True, default_rank=100,
    summary="the built-in non-LLM OpenMP parallelizer",
))  # fmt: skip


def backend_info(name: str) -> BackendInfo:
    """The declaration of backend `name` (a did-you-mean on a typo)."""
    return BACKENDS.get(name)


def default_backend(settings: BackendSettings) -> str:
    """The backend used when none is named: the lowest-ranked one whose settings are given."""
    ranked = sorted(
        (i for i in (BACKENDS.get(n) for n in BACKENDS.names()) if i.default_rank is not None),
        key=lambda i: (i.default_rank, i.name),
    )
    for info in ranked:
        if all(settings.given(s) for s in info.default_if):
            return info.name
    raise ConfigError("no backend is configured: pass --backend NAME (or --base-url and --model)")


def backend_help() -> str:
    """The --backend help, from the declarations: the names and how the default is picked."""
    ranked = sorted(
        (i for i in (BACKENDS.get(n) for n in BACKENDS.names()) if i.default_rank is not None),
        key=lambda i: (i.default_rank, i.name),
    )
    rules = [
        f"{i.name} when {' and '.join(SETTING_HINTS.get(s, s).split()[0] for s in i.default_if)} "
        "is given" if i.default_if else i.name
        for i in ranked
    ]  # fmt: skip
    return f"backend name ({', '.join(BACKENDS.names())}); default: {', else '.join(rules)}"


@dataclass(frozen=True)
class ResolvedBackend:
    """A backend ready to build: its declaration, options and wrappers."""

    info: BackendInfo
    options: dict[str, Any] = field(default_factory=dict)
    cache_dir: Path | None = None
    record_path: str | None = None
    refresh_cache: bool = False

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def endpoint(self) -> str:
        """The base URL it talks to ("" for a local backend): part of a run's identity."""
        return str(self.options.get("base_url") or "")

    def build(self, *, wrapped: bool = True) -> Backend:
        """The backend; `wrapped` puts it behind the response cache and the recorder."""
        backend = make_backend(self.name, **self.options)
        if not wrapped:
            return backend
        return self.wrap(backend)

    def wrap(self, backend: Backend) -> Backend:
        return wrap_backend(backend, cache_dir=self.cache_dir, record_path=self.record_path,
                            refresh_cache=self.refresh_cache)  # fmt: skip

    def manifest(self) -> dict[str, Any]:
        """What the run manifest says about the backend (no secrets: keys never get here)."""
        shown: dict[str, Any] = {
            k: v for k, v in self.options.items() if isinstance(v, str | int | float)
        }
        prices = self.options.get("prices") or {}
        if prices:
            shown["prices_per_m"] = {m: [p.input_per_m, p.output_per_m] for m, p in prices.items()}
        return {"name": self.name, **shown}


def response_cache_dir() -> Path:
    """Where model replies are cached: $PARCODEGEN_LLM_CACHE or the user cache."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    from parcodegen.paths import cache_dir

    return cache_dir("llm")


def resolve_backend(name: str | None, settings: BackendSettings) -> ResolvedBackend:
    """THE resolver: backend `name` (None: the default one) with what `settings` give it.

    Model replies of a cacheable backend are cached on disk (keyed by the request, never
    the key or URL), so a re-run costs nothing; `settings.no_cache` turns that off.
    """
    settings = settings.with_env()
    info = backend_info(name or default_backend(settings))
    options = info.options(settings)
    if info.paid:
        from parcodegen.llm.pricing import Pricing

        table = Pricing.load(settings.price_in, settings.price_out).table([settings.model])
        if table:
            options["prices"] = table
    _check_options(info.name, info.load(), options)
    cache = response_cache_dir() if info.cacheable and not settings.no_cache else None
    return ResolvedBackend(info, options, cache, settings.record, settings.refresh_cache)


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
    factory = backend_class(name)
    _check_options(name, factory, options)
    return wrap_backend(factory(**options), cache_dir=cache_dir, record_path=record_path)


def backend_class(name: str) -> BackendFactory:
    """The factory (usually the class) registered as `name`; imports a lazy one."""
    return backend_info(name).load()


def wrap_backend(
    backend: Backend,
    *,
    cache_dir: str | Path | None = None,
    record_path: str | Path | None = None,
    refresh_cache: bool = False,
) -> Backend:
    """`backend` behind the on-disk response cache and/or a recorder, as asked."""
    if cache_dir is not None:
        from parcodegen.llm.cache import CachedBackend

        backend = CachedBackend(backend, cache_dir, refresh=refresh_cache)
    if record_path is not None:
        from parcodegen.llm.replay import RecordingBackend

        backend = RecordingBackend(backend, record_path)
    return backend


def _check_options(name: str, factory: Callable[..., Any], options: Mapping[str, Any]) -> None:
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

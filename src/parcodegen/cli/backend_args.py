"""The `--backend` option of `bench run` and `synth`: one backend, or several entries.

An entry is `NAME` or `NAME:MODEL`. The model is everything after the FIRST colon, since
real model names hold colons themselves (Ollama: `qwen2.5-coder:7b`,
`hf.co/Qwen/Qwen2.5-Coder-7B-Instruct-GGUF:Q4_K_M`) while backend names never do:
`openai:qwen2.5-coder:7b` is the openai backend with the model `qwen2.5-coder:7b`. A
model given this way overrides `--model` for that entry; an entry without one uses
`--model`.

A command whose parser sets the default `several_backends=True` (synth) collects every
entry, repeated and/or comma-separated, into `args.backends`; any other (bench run) takes
exactly one NAME in `args.backend` and rejects several with a usage error.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from parcodegen.errors import ConfigError


def backend_option_help() -> str:
    from parcodegen.llm.registry import backend_help

    return (f"{backend_help()}; synth: repeat or separate with commas for several, "
            "each NAME or NAME:MODEL")  # fmt: skip


@dataclass(frozen=True)
class BackendEntry:
    name: str
    model: str | None = None  # None: the command's --model

    def resolved(self, default_model: str) -> tuple[str, str]:
        """(name, model) with the command's --model filled in where the entry has none."""
        return self.name, self.model if self.model is not None else default_model


def parse_entries(texts: Iterable[str]) -> list[BackendEntry]:
    """Entries from --backend values, each comma-separated; a ConfigError on an empty
    name or an empty model (`openai:`)."""
    out = []
    for text in texts:
        for raw in text.split(","):
            item = raw.strip()
            name, colon, model = item.partition(":")
            name, model = name.strip(), model.strip()
            if not name:
                raise ConfigError(f"--backend: empty backend name in '{text}' (NAME or NAME:MODEL)")
            if colon and not model:
                raise ConfigError(f"--backend: empty model after '{name}:' (NAME or NAME:MODEL)")
            out.append(BackendEntry(name, model if colon else None))
    return out


def resolve(entries: Sequence[BackendEntry], default_model: str) -> list[tuple[str, str]]:
    """Distinct (name, model) pairs in command-line order (a repeat adds nothing)."""
    seen: list[tuple[str, str]] = []
    for entry in entries:
        pair = entry.resolved(default_model)
        if pair not in seen:
            seen.append(pair)
    return seen


class BackendOption(argparse.Action):
    """--backend: see the module docstring."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:  # fmt: skip
        text = str(values)
        if parser.get_default("several_backends"):
            try:
                entries = parse_entries([text])
            except ConfigError as exc:
                parser.error(str(exc))
            namespace.backends = [*(getattr(namespace, "backends", None) or []), *entries]
            return
        several = "," in text or getattr(namespace, self.dest, None) is not None
        if several:
            parser.error("one --backend per run (a run is one strategy x model): run once per "
                         "backend and combine the runs with `bench report RUN...`")  # fmt: skip
        if ":" in text:
            parser.error(f"--backend takes a NAME here; give the model with --model (got '{text}')")
        setattr(namespace, self.dest, text)

"""Run directories and run opening: one place for every job that stores a run.

A run is found by its identity (agent/config.py: an explicit list of fields); a new run
gets the full manifest (store/manifest.py: resolved configuration, tool versions and the
machine that measures), so a later reader (kb add-run, synth exports) knows where and
with what its timings were taken.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parcodegen.store import RunStore
from parcodegen.store.manifest import make_manifest
from parcodegen.store.run_states import RunChoice, choose_run
from parcodegen.types import Problem

RUN_DIR_ENV = "PARCODEGEN_RUN_DIR"


def run_dir(path: str | Path | None = None) -> Path:
    """The run store directory: `path`, else $PARCODEGEN_RUN_DIR, else the user cache."""
    if path:
        return Path(path)
    env = os.environ.get(RUN_DIR_ENV)
    if env:
        return Path(env)
    from parcodegen.paths import cache_dir

    return cache_dir("runs")


def open_store(path: str | Path | None = None) -> RunStore:
    return RunStore(run_dir(path))


def open_run(
    store: RunStore,
    identity: str,
    run_id: str,
    config: dict[str, Any],
    problems: Sequence[Problem],
    *,
    fresh: bool = False,
    resume: str | None = None,
) -> RunChoice:
    """The stored run with this identity (or `resume`, which must match it), or a new one
    named `run_id` (with `fresh`, even beside a stored one) with a full manifest of
    `config`. The problems are recorded either way. `.how` says which happened."""
    choice = choose_run(store, identity, run_id, fresh=fresh, resume=resume,
                        config_now=config.get("loop"))  # fmt: skip
    if choice.how != "resumed":
        store.create_run(make_manifest(choice.run_id, config), identity)
    elif "samples" in config.get("loop", {}):  # a larger --samples extends the run
        store.extend_samples(choice.run_id, int(config["loop"]["samples"]))
    for p in problems:
        store.add_problem(choice.run_id, p)
    return choice


def slug(text: str) -> str:
    """A run-id part: letters, digits, '-' and '.', at most 40 characters."""
    out = "".join(c if c.isalnum() or c in "-." else "-" for c in text)
    return out.strip("-")[:40] or "x"

"""The loop's configuration and budget, and the identity that names a run.

A run's identity is the hash of an EXPLICIT list of fields: those that decide what the
model is asked and how answers are judged (`IDENTITY_FIELDS`), plus the problems. Budgets
and the worker count are not part of it: re-running the same command with a larger
budget continues the same run. A new option is left out of the identity unless it is
listed; one that changes what is asked goes in `IDENTITY_FIELDS_IF_SET`, hashed only when
it differs from its default, so runs stored before it existed keep their identity. The
endpoint (base URL) of a remote backend is one: another server is another run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from parcodegen.errors import ConfigError

FEEDBACK_POLICIES = ("feedback", "regenerate")

# What names a run. Changing this list (or a default below) changes stored runs' ids:
# append new fields to IDENTITY_FIELDS_IF_SET instead.
IDENTITY_FIELDS = (
    "strategy", "samples", "feedback", "self_check", "min_speedup", "continue_after_pass",
    "reset_after", "backend", "model", "temperature", "reply_tokens", "feedback_chars",
    "rag_k", "kb", "timing", "race", "timing_reps", "threads",
)  # fmt: skip
LEGACY_DEFAULT_TIMING_REPS = 5  # what the default timing was hashed as before adaptive timing
IDENTITY_FIELDS_IF_SET: tuple[str, ...] = (
    "endpoint",
    "allow_unchecked",
)  # hashed only when not default


@dataclass(frozen=True)
class Budget:
    """Limits; None means unlimited. Exhausting one stops the loop cleanly with a reason."""

    max_iters: int = 4  # attempts per episode (self-check revisions count)
    max_tokens: int | None = None  # prompt + completion tokens over the whole run
    max_cost: float | None = None  # USD over the whole run
    max_wall_s: float | None = None  # seconds of this execution

    def __post_init__(self) -> None:
        if self.max_iters < 1:
            raise ConfigError("budget: max_iters must be at least 1")


@dataclass(frozen=True)
class LoopConfig:
    strategy: str = "parallel"
    samples: int = 1  # episodes per problem
    feedback: str = "feedback"  # "feedback" (errors shown) | "regenerate" (plain retry)
    self_check: bool = False  # ask the model to review each draft for equivalence
    min_speedup: float = 1.05  # a result must be at least this fast (spread considered)
    continue_after_pass: bool = False  # keep improving after an accepted candidate
    reset_after: int = 3  # consecutive failures before going back to original / best
    backend: str = ""
    endpoint: str = ""  # the base URL of a remote backend ("" for local ones)
    model: str = ""
    temperature: float = 0.2
    reply_tokens: int = 4096  # max_tokens per reply
    feedback_chars: int = 2500  # feedback details are cut to this length, with a note
    rag_k: int = 2  # retrieved example pairs for rag strategies
    kb: str = ""  # knowledge-base path for rag strategies ("" = default)
    timing: bool = True
    race: bool = True
    allow_unchecked: bool = False  # accept a pass with a check that could not run
    timing_reps: int | None = None  # fixed timed pairs; None: until the interval is narrow
    threads: int | None = None
    scaling: bool = False  # time passing candidates at 1 .. cores threads too (not identity)
    workers: int = 2  # parallel correctness checks
    budget: Budget = field(default_factory=Budget)

    def __post_init__(self) -> None:
        if self.feedback not in FEEDBACK_POLICIES:
            raise ConfigError(
                f"feedback policy '{self.feedback}' unknown (known: {', '.join(FEEDBACK_POLICIES)})"
            )
        if self.samples < 1:
            raise ConfigError("samples must be at least 1")
        if self.reply_tokens < 1:
            raise ConfigError(f"--reply-tokens: at least 1 (got {self.reply_tokens})")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def identity_fields(self) -> dict[str, Any]:
        """The fields that name the run, with their values (see the module docstring)."""
        out = {name: getattr(self, name) for name in IDENTITY_FIELDS}
        if out["timing_reps"] is None:  # the default timing (adaptive now, 5 pairs before)
            out["timing_reps"] = LEGACY_DEFAULT_TIMING_REPS  # keeps its runs' identity
        defaults = {f.name: f.default for f in fields(self)}
        for name in IDENTITY_FIELDS_IF_SET:
            if name in defaults and getattr(self, name) != defaults[name]:
                out[name] = getattr(self, name)
        return out

    def identity(self, problem_keys: list[str]) -> str:
        """Hash naming the run: the identity fields plus the problems."""
        blob = json.dumps(
            {"config": self.identity_fields(), "problems": sorted(problem_keys)}, sort_keys=True
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

"""Feedback a model can act on, built from a Verdict (never from a harness error).

The details are the verdict's model-facing message (the failing step's compiler errors,
interface diff, failing input with expected vs actual, race report), with absolute paths
reduced to file names and long output cut to fit with a note saying so.
"""

from __future__ import annotations

import re

from parcodegen.prompts import render
from parcodegen.types import Problem, Status, Verdict

HEADLINES = {
    Status.NO_CODE: "no ```cpp code block defining the function was found in your answer",
    Status.COMPILE_ERROR: "it does not compile",
    Status.INTERFACE_MISMATCH: "the function it defines does not match the required signature",
    Status.WRONG_OUTPUT: "it gives a different result from the original",
    Status.RACE: "the race detector found a data race",
    Status.TIMEOUT: "it did not finish within the time limit (too slow, or it never ends)",
    Status.CRASH: "it crashed",
    Status.SUSPECT: "its result cannot be trusted (it depends on the compiler or sanitizer, "
    "or its timing is implausible)",
}

_PATH = re.compile(r"(?<![\w.])(?:/[\w.+@-]+)+/([\w.+@-]+)")
_TIMING = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s|sec|seconds)\b")


def strip_paths(text: str) -> str:
    """`/tmp/pcg-x1/work/candidate.cpp:3:5` -> `candidate.cpp:3:5`."""
    return _PATH.sub(r"\1", text)


def cut(text: str, limit: int) -> tuple[str, bool]:
    """At most `limit` characters, cut at a line boundary when one is near."""
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    nl = head.rfind("\n")
    if nl > limit // 2:
        head = head[:nl]
    return head.rstrip(), True


def details(verdict: Verdict, limit: int) -> tuple[str, bool]:
    text = strip_paths(verdict.message).strip()
    return cut(text, limit)


def feedback_message(problem: Problem, verdict: Verdict, limit: int = 2500) -> str:
    """The user message that tells the model why its candidate was rejected."""
    if not verdict.status.is_candidate_fault:
        raise ValueError(f"no feedback for status {verdict.status.value}")
    text, truncated = details(verdict, limit)
    return render(
        "feedback",
        headline=HEADLINES.get(verdict.status, verdict.status.value),
        details=text,
        truncated=truncated,
        signature=problem.signature,
    )


def improve_message(problem: Problem, code: str, speedup: float | None) -> str:
    """The user message that asks for a faster version of a verified candidate."""
    return render("improve", code=code.rstrip(), speedup=speedup, signature=problem.signature)


def self_check_message(problem: Problem) -> str:
    """The user message asking the model to review its draft for equivalence."""
    return render(
        "self_check", original=problem.reference_code.rstrip(), signature=problem.signature
    )

"""Everything that can be checked before the first paid request, checked first.

- each problem's reference compiles and passes its own problem check (the build and
  check phases of verification, the reference as the candidate: the harness builds, the
  reference runs on every test input without crashing or timing out, and agrees with
  itself at every thread count). The objects and reference outputs it produces are
  cached, so the later checks reuse them;
- the knowledge base a rag strategy reads exists (a mistyped `--kb` path is refused
  rather than silently creating an empty knowledge base), unless `--kb-create`;
- the base URL is well formed and a `--max-cost` can be counted (llm/registry.py and
  llm/endpoint.py, when the backend is resolved).

A failure is a ConfigError naming what to fix; nothing has been sent or stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from parcodegen.errors import ConfigError
from parcodegen.types import Candidate, Problem

Say = Callable[[str], None]


def check_references(
    problems: Sequence[Problem], workers: int = 2, say: Say = lambda _m: None
) -> None:
    """Every reference passes its own problem check; a ConfigError listing those that do not."""
    from parcodegen.verify.pipeline import VerifyOptions, check_candidate

    options = VerifyOptions(timing=False, race=False)

    def one(problem: Problem) -> str:
        verdict = check_candidate(
            problem, Candidate(problem.reference_code, origin="reference"), options
        )
        if verdict.passed:
            return ""
        first = (verdict.message or "").strip().splitlines()
        return f"{problem.id}: {verdict.status.value}: {first[0] if first else ''}"

    if len(problems) > 1:
        say(f"checking the {len(problems)} references before any model is asked")
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        failures = [f for f in pool.map(one, problems) if f]
    if failures:
        shown = "; ".join(failures[:5]) + (
            f"; and {len(failures) - 5} more" if len(failures) > 5 else ""
        )
        raise ConfigError(
            f"the reference does not pass its own problem check, so no candidate could ({shown}); "
            "fix the problem (nothing was sent to the model)"
        )


def check_kb(path: str, needed: bool, create: bool) -> None:
    """A knowledge base given with --kb exists (or `create`); only when a strategy reads one."""
    from parcodegen.memory.kb import DB_FILE

    if not path:
        return
    kb = Path(path).expanduser()
    if kb.exists() and not kb.is_dir():
        raise ConfigError(
            f"--kb: '{path}' is a file; a knowledge base is a directory (holding {DB_FILE})"
        )
    if not needed or create:
        return
    if not (kb / DB_FILE).is_file():
        where = "does not exist" if not kb.exists() else f"holds no knowledge base ({DB_FILE})"
        raise ConfigError(
            f"--kb: '{path}' {where}; check the path, or give --kb-create to start an empty "
            "knowledge base there (a rag strategy then has no examples to show)"
        )

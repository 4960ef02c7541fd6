"""The built-in benchmark suite as data: find it, list its problems and their solutions.

A suite is a directory of problem directories, usually `<category>/<name>/`; every
directory holding a `problem.toml` is a problem (see docs/problem-format.md). A problem's
`solutions/` holds `expert.cpp` (must pass) and mutants, each declaring on its first line
the status it must get:

    // expect: race                 one status
    // expect: wrong_output|race    alternatives, the first is the primary

The built-in suite lives in the repository's `problems/builtin`; the environment variable
PARCODEGEN_SUITE_DIR points elsewhere, and a suite name that is an existing directory is
used as is.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from parcodegen.errors import ConfigError, ProblemError, UnknownNameError
from parcodegen.problems.load import load_problem
from parcodegen.types import Problem, Status

SUITE_ENV = "PARCODEGEN_SUITE_DIR"
EXPERT_FILE = "expert.cpp"
SOLUTION_SUFFIXES = (".cpp", ".cc", ".cxx", ".c")
_EXPECT = re.compile(r"^\s*//\s*expect:\s*(?P<statuses>\S.*?)\s*$")


@dataclass(frozen=True)
class Solution:
    """One file in a problem's solutions/: the expert or a mutant with its expected statuses."""

    name: str  # file name, e.g. "mutant_race.cpp"
    path: Path
    expected: tuple[Status, ...]  # accepted statuses, primary first
    is_expert: bool

    @property
    def primary(self) -> Status:
        return self.expected[0]

    def accepts(self, status: Status) -> bool:
        return status in self.expected


@dataclass(frozen=True)
class SuiteProblem:
    """A loaded problem of a suite with its solutions."""

    problem: Problem
    solutions: tuple[Solution, ...]

    @property
    def id(self) -> str:
        return self.problem.id

    @property
    def category(self) -> str:
        return self.problem.category

    @property
    def expert(self) -> Solution | None:
        return next((s for s in self.solutions if s.is_expert), None)

    @property
    def mutants(self) -> tuple[Solution, ...]:
        return tuple(s for s in self.solutions if not s.is_expert)


def parse_expect(text: str, where: str = "solution") -> tuple[Status, ...] | None:
    """The statuses declared by the first line (`// expect: a|b`), or None when absent.

    Raises ProblemError for an unknown status name (with the close name when there is one).
    """
    first = text.splitlines()[0] if text else ""
    m = _EXPECT.match(first)
    if m is None:
        return None
    known = [s.value for s in Status if s is not Status.INFRA_ERROR]
    statuses: list[Status] = []
    for raw in m.group("statuses").split("|"):
        name = raw.strip()
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ProblemError(where, f"unknown status '{name}' in '// expect:'{hint} "
                               f"(known: {', '.join(known)})")  # fmt: skip
        status = Status(name)
        if status not in statuses:
            statuses.append(status)
    if not statuses:
        raise ProblemError(where, "'// expect:' names no status")
    return tuple(statuses)


def load_solutions(problem_dir: Path) -> tuple[Solution, ...]:
    """The expert (first) and the mutants (sorted by name) of one problem directory."""
    sol_dir = problem_dir / "solutions"
    if not sol_dir.is_dir():
        return ()
    out: list[Solution] = []
    for path in sorted(sol_dir.iterdir()):
        if not path.is_file() or path.suffix not in SOLUTION_SUFFIXES:
            continue
        where = f"{problem_dir.name}/solutions/{path.name}"
        declared = parse_expect(path.read_text(errors="replace"), where)
        is_expert = path.name == EXPERT_FILE
        if is_expert:
            if declared is not None and declared != (Status.PASS,):
                raise ProblemError(where, "the expert solution must expect 'pass'")
            declared = (Status.PASS,)
        elif declared is None:
            raise ProblemError(where, "a mutant must declare its status on its first line, "
                               "e.g. '// expect: race'")  # fmt: skip
        elif Status.PASS in declared:
            raise ProblemError(where, "a mutant cannot expect 'pass' (only the expert passes)")
        out.append(Solution(path.name, path, declared, is_expert))
    out.sort(key=lambda s: (not s.is_expert, s.name))
    return tuple(out)


def repo_root() -> Path:
    """The source checkout holding this package (src layout: <root>/src/parcodegen)."""
    return Path(__file__).resolve().parents[3]


def suite_dir(suite: str = "builtin") -> Path:
    """Resolve a suite name (or directory) to its directory."""
    candidate = Path(suite).expanduser()
    if suite != "builtin" and candidate.is_dir():
        return candidate.resolve()
    if suite == "builtin":
        env = os.environ.get(SUITE_ENV)
        path = Path(env).expanduser() if env else repo_root() / "problems" / "builtin"
        if not path.is_dir():
            where = f"${SUITE_ENV}" if env else "the repository's problems/builtin"
            raise ConfigError(f"built-in suite directory not found: {path} (from {where})")
        return path.resolve()
    raise ConfigError(f"unknown suite '{suite}': neither 'builtin' nor an existing directory")


def problem_dirs(root: Path) -> list[Path]:
    """Every directory under `root` holding a problem.toml, in path order."""
    return sorted(p.parent for p in root.rglob("problem.toml") if "solutions" not in p.parts)


def _pick(kind: str, wanted: str, known: list[str]) -> None:
    if wanted not in known:
        close = difflib.get_close_matches(wanted, known, n=1, cutoff=0.5)
        raise UnknownNameError(kind, wanted, close[0] if close else None, known)


def _select(loaded: list[Problem], wanted: str) -> Problem:
    exact = [p for p in loaded if p.id == wanted]
    if exact:
        return exact[0]
    by_name = [p for p in loaded if p.name == wanted]
    if len(by_name) > 1:
        ambiguous = ", ".join(p.id for p in by_name)
        raise ConfigError(f"problem name '{wanted}' is ambiguous: {ambiguous}")
    if not by_name:
        ids = sorted(p.id for p in loaded)
        names = {p.name: p.id for p in loaded}
        close = difflib.get_close_matches(wanted, ids + sorted(names), n=1, cutoff=0.5)
        hint = names.get(close[0], close[0]) if close else None
        if hint is None:
            hint = next((i for i in ids if wanted in i), None)
        raise UnknownNameError("problem", wanted, hint, ids)
    return by_name[0]


def load_suite(
    suite: str = "builtin",
    *,
    category: str | None = None,
    problem: str | Sequence[str] | None = None,
) -> list[SuiteProblem]:
    """Load a suite's problems (optionally one category, or some problems) with solutions.

    `problem` holds full ids ("graph/bfs_levels") or bare names ("bfs_levels") when
    unambiguous; the result keeps the suite's order.
    """
    root = suite_dir(suite)
    loaded = [load_problem(d) for d in problem_dirs(root)]
    if category is not None:
        _pick("category", category, sorted({p.category for p in loaded}))
        loaded = [p for p in loaded if p.category == category]
    if problem is not None:
        wanted = [problem] if isinstance(problem, str) else list(problem)
        chosen = {_select(loaded, w).id for w in wanted}
        loaded = [p for p in loaded if p.id in chosen]
    return [SuiteProblem(p, load_solutions(p.directory)) for p in loaded]


def suite_problems(suite: str = "builtin", only: Sequence[str] | None = None) -> list[Problem]:
    """The problems of a suite (name or directory, or one problem directory), all or `only`
    these ids (or unambiguous names) in the order given: THE suite discovery of `bench`,
    `synth` and `suite`."""
    loaded = [load_problem(d) for d in problem_dirs(suite_dir(suite))]
    if not loaded:
        raise ConfigError(f"no problem.toml under {suite_dir(suite)}")
    if not only:
        return loaded
    chosen: list[Problem] = []
    for wanted in only:
        p = _select(loaded, wanted)
        if all(c.id != p.id for c in chosen):
            chosen.append(p)
    return chosen


def describe(sp: SuiteProblem) -> dict:
    """A JSON-ready summary of one problem: id, category, sizes, solutions."""
    p = sp.problem
    return {
        "id": p.id,
        "category": p.category,
        "function": p.function,
        "directory": str(p.directory),
        "test_sizes": list(p.test_sizes),
        "bench_size": p.bench_size,
        "solutions": [
            {"name": s.name, "expert": s.is_expert, "expected": [x.value for x in s.expected]}
            for s in sp.solutions
        ],
    }

"""Import a ParEval checkout: one problem directory and one report line per C++ problem.

    import_checkout(PAREVAL_DIR, OUT_DIR) -> [ImportResult]

Reads, at run time, the user's checkout:
    prompts/generation-prompts.json        (or prompts/raw/<category>/<name>/serial)
    drivers/cpp/benchmarks/<category>/<name>/{baseline.hpp, cpu.cc}
    drivers/problem-sizes.json             the timing size of each problem
A result is `imported`, `approximated` (imported; what differs from ParEval is listed) or
`not_imported` (why). With `check=True` each imported reference is built and run through
the harness at every test size against itself (compile, hooks, the driver's set-up code).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from parcodegen.errors import ParcodegenError, ProblemError
from parcodegen.importers.pareval.driver import parse_driver
from parcodegen.importers.pareval.prompt import parse_prompt
from parcodegen.importers.pareval.writer import Plan, write_problem

TEST_SIZES = (2, 3, 7, 16, 33, 128, 257)
POW2_TEST_SIZES = (2, 4, 8, 16, 64, 256)
DEFAULT_BENCH = 1 << 12


@dataclass(frozen=True)
class ImportResult:
    problem: str  # "<category>/<name>"
    status: str  # imported | approximated | not_imported
    reasons: tuple[str, ...] = ()
    directory: str | None = None
    check: str = ""  # with check=True: "ok" or what failed

    def line(self) -> str:
        why = "; ".join(self.reasons)
        check = f" [check: {self.check}]" if self.check else ""
        return f"{self.problem}: {self.status}{' (' + why + ')' if why else ''}{check}"


@dataclass
class Checkout:
    root: Path
    prompts: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> entry
    sizes: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def benchmarks(self) -> Path:
        return self.root / "drivers" / "cpp" / "benchmarks"


def open_checkout(root: str | Path) -> Checkout:
    """The checkout's prompt and size tables; ProblemError when it is not a ParEval tree."""
    root = Path(root)
    co = Checkout(root)
    if not co.benchmarks.is_dir():
        raise ProblemError(
            str(root), "not a ParEval checkout (no drivers/cpp/benchmarks directory)"
        )
    table = root / "prompts" / "generation-prompts.json"
    if table.is_file():
        try:
            entries = json.loads(table.read_text())
        except ValueError as exc:
            raise ProblemError(str(table), f"not valid JSON: {exc}") from None
        for e in entries if isinstance(entries, list) else []:
            if isinstance(e, dict) and e.get("parallelism_model") == "serial":
                co.prompts[str(e.get("name"))] = e
    sizes = root / "drivers" / "problem-sizes.json"
    if sizes.is_file():
        try:
            co.sizes = json.loads(sizes.read_text())
        except ValueError:
            co.sizes = {}
    return co


def _serial_prompt(co: Checkout, category: str, name: str) -> str | None:
    if name in co.prompts:
        return str(co.prompts[name].get("prompt", ""))
    raw = co.root / "prompts" / "raw" / category / name / "serial"
    return raw.read_text() if raw.is_file() else None


def size_value(expr: str) -> int | None:
    """A problem-sizes.json entry such as "(1<<18)" or "4096"; None when it is not one."""
    text = str(expr).strip()
    if not re.fullmatch(r"[\d\s()<>*+\-]+", text):
        return None
    try:
        value = eval(text, {"__builtins__": {}}, {})  # noqa: S307 - digits and operators only
    except (SyntaxError, TypeError, ValueError, ZeroDivisionError):
        return None
    return int(value) if isinstance(value, int) and value > 0 else None


def _needs_pow2(category: str, baseline: str, doc: str) -> bool:
    text = (baseline + doc).lower()
    return category == "fft" or "power of 2" in text or "power of two" in text


def plan_problem(co: Checkout, category: str, name: str) -> Plan:
    d = co.benchmarks / category / name
    for f in ("baseline.hpp", "cpu.cc"):
        if not (d / f).is_file():
            raise ProblemError(f"{category}/{name}", f"no {f} (no C++ CPU driver)")
    prompt_text = _serial_prompt(co, category, name)
    if not prompt_text:
        raise ProblemError(f"{category}/{name}", "no serial prompt in the checkout")
    prompt = parse_prompt(prompt_text)
    baseline = (d / "baseline.hpp").read_text()
    driver = parse_driver((d / "cpu.cc").read_text(), prompt.function)
    if len(driver.call_fields) != len(prompt.params):
        raise ProblemError(
            f"{category}/{name}",
            f"compute() passes {len(driver.call_fields)} arguments, the prompt's "
            f"{prompt.function} takes {len(prompt.params)}",
        )
    approx = list(driver.notes)
    entry = co.sizes.get(name, {})
    bench = size_value(entry.get("omp", entry.get("serial", ""))) if entry else None
    if bench is None:
        bench = DEFAULT_BENCH
        approx.append(f"no size in drivers/problem-sizes.json: timing size {bench}")
    pow2 = _needs_pow2(category, baseline, prompt.doc)
    sizes = tuple(s for s in (POW2_TEST_SIZES if pow2 else TEST_SIZES) if s <= bench)
    if driver.tolerance is not None:
        approx.append(f"tolerance: the driver's absolute {driver.tolerance:g} plus a relative 1e-9")
    return Plan(
        category=category, name=name, prompt=prompt, driver=driver, baseline_code=baseline,
        test_sizes=sizes or (bench,), bench_size=bench, approximations=tuple(approx),
    )  # fmt: skip


def find_problems(co: Checkout) -> list[tuple[str, str]]:
    return sorted(
        (d.parent.name, d.name)
        for d in co.benchmarks.glob("*/*")
        if d.is_dir() and (d / "baseline.hpp").is_file()
    )


def check_reference(directory: Path) -> str:
    """`problem check` (the reference under AddressSanitizer and UBSan at every test input),
    then the reference verified against itself through the harness (hooks, prelude, -O3)."""
    from parcodegen.problems.check import check_problem
    from parcodegen.problems.load import load_problem
    from parcodegen.types import Candidate
    from parcodegen.verify.context import VerifyOptions
    from parcodegen.verify.pipeline import verify

    problem = load_problem(directory)
    sanitized = check_problem(problem)
    if not sanitized.ok:
        return f"problem check: {sanitized.message}"[:400]
    verdict = verify(
        problem, Candidate(problem.reference_code, origin="reference"),
        VerifyOptions(timing=False, race=False),
    )  # fmt: skip
    if verdict.status.value == "pass":
        return "ok"
    failed = next((s for s in verdict.steps if not s.ok), None)
    detail = ((failed.message or failed.log) if failed else "").strip().splitlines()
    return f"{verdict.status.value}: {detail[0] if detail else ''}"[:300]


_FAILS_AT = re.compile(r"(?:the reference itself fails on|input) n=(\d+)[^:)]*[:)]\s*(.*)")


def _checked(plan: Plan, out: Path) -> tuple[Plan, str]:
    """Check the written problem; a size at which the driver's own set-up fails is dropped
    with the sizes below it (recorded as an approximation) and the check repeated (in a
    fresh directory each time: builds are cached by directory within a process)."""
    where = out
    with tempfile.TemporaryDirectory(prefix="pareval-check-") as tmp:
        for attempt in range(5):
            try:
                verdict = check_reference(where / plan.category / plan.name)
            except ParcodegenError as exc:
                verdict = f"error: {exc}"
            m = _FAILS_AT.search(verdict)
            if verdict == "ok" or not m:
                break
            bad = int(m.group(1))
            kept = tuple(s for s in plan.test_sizes if s > bad)
            if not kept:
                break
            why = m.group(2).strip() or verdict.split("(input")[0].split(": ", 1)[-1].strip()
            note = f"test sizes <= {bad} dropped: the reference fails there ({why[:100]})"
            kept_notes = tuple(a for a in plan.approximations if not a.startswith("test sizes <="))
            plan = replace(plan, test_sizes=kept, approximations=(*kept_notes, note))
            where = Path(tmp) / str(attempt)
            write_problem(plan, where)
    if where != out:
        write_problem(plan, out)
    return plan, verdict


def import_checkout(
    root: str | Path,
    out_dir: str | Path,
    only: list[str] | None = None,
    check: bool = False,
    say: Callable[[str], None] | None = None,
) -> list[ImportResult]:
    co = open_checkout(root)
    out = Path(out_dir)
    results = []
    for category, name in find_problems(co):
        pid = f"{category}/{name}"
        if only and pid not in only and name not in only:
            continue
        try:
            plan = plan_problem(co, category, name)
            directory = write_problem(plan, out)
        except ParcodegenError as exc:
            stale = out / category / name
            if stale.is_dir():
                shutil.rmtree(stale)
            results.append(ImportResult(pid, "not_imported", (str(exc),)))
            if say:
                say(results[-1].line())
            continue
        if check:
            plan, verdict = _checked(plan, out)
            if verdict != "ok":
                shutil.rmtree(out / category / name, ignore_errors=True)
                result = ImportResult(pid, "not_imported", (f"reference check failed: {verdict}",))
            else:
                status = "approximated" if plan.approximations else "imported"
                result = ImportResult(pid, status, plan.approximations, str(directory), "ok")
        else:
            status = "approximated" if plan.approximations else "imported"
            result = ImportResult(pid, status, plan.approximations, str(directory))
        results.append(result)
        if say:
            say(result.line())
    return results

"""Interface check: the candidate object must define the target function with the
reference's exact signature.

Two parts, cheap first: the demangled external symbols (`nm -C`) of the candidate object
against the reference's, then, only when those agree, a compile-only check that the
function has the declared C++ type (`signature.py`): demangled names carry no return type
and `extern "C"` names no parameters.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from parcodegen.errors import InfraError
from parcodegen.tools.build import ProblemBuild
from parcodegen.tools.nm import nm_lines
from parcodegen.tools.signature import SignatureCheck, check_signature
from parcodegen.types import Status, StepResult

DEFINED = set("TDBRVWiu")  # text, data, bss, read-only, weak, indirect, unique


def defined_symbols(obj: Path) -> set[str]:
    """Demangled names of the external symbols an object file defines."""
    names = set()
    for line in nm_lines(obj, "--defined-only", "--extern-only"):
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[1] in DEFINED:
            names.add(parts[2].strip())
    return names


def _is_target(symbol: str, function: str) -> bool:
    return re.match(rf"^(?:[\w:]+::)?{re.escape(function)}(?:\(|$)", symbol) is not None


def check_symbols(reference_obj: Path, candidate_obj: Path, function: str) -> StepResult:
    """Compare the external symbols of the two objects (names and parameter types)."""
    start = time.monotonic()
    ref = defined_symbols(reference_obj)
    cand = defined_symbols(candidate_obj)
    targets = {s for s in ref if _is_target(s, function)}
    if not targets:
        raise InfraError(f"the reference object defines no external symbol for '{function}'")
    cand_targets = {s for s in cand if _is_target(s, function)}
    added = sorted(cand - ref)
    removed = sorted(ref - cand)
    log = "reference: " + "; ".join(sorted(ref)) + "\ncandidate: " + "; ".join(sorted(cand))
    data = {"added": added, "removed": removed, "target": sorted(targets)}
    problems = []
    for t in sorted(targets - cand):
        if cand_targets - targets:
            now = ", ".join(sorted(cand_targets - targets))
            problems.append(f"signature changed: expected `{t}`, found `{now}`")
        else:
            problems.append(f"missing: `{t}` is not defined (is it static, inline or renamed?)")
    if any(s == "main" or s.startswith("main(") for s in cand):
        problems.append("the candidate defines `main`; define only the function (and helpers)")
    seconds = time.monotonic() - start
    if problems:
        msg = "interface mismatch: " + "; ".join(problems)
        if added:
            msg += f" (other symbols added: {', '.join(added[:5])})"
        return StepResult(
            "interface", False, Status.INTERFACE_MISMATCH, msg, log, seconds, data=data
        )
    note = "interface matches"
    if added:
        note += f"; extra symbols: {', '.join(added[:5])}"
    return StepResult("interface", True, None, note, log, seconds, data=data)


def check_interface(build: ProblemBuild, candidate_obj: Path, code: str) -> StepResult:
    """The symbol comparison, then (when it passed) the return-type check on `code`."""
    problem = build.problem
    symbols = check_symbols(build.reference_obj, candidate_obj, problem.function)
    if not symbols.ok:
        return symbols

    def signature_of(source: str) -> SignatureCheck:
        return check_signature(problem, source, headers=build.headers, flags=build.flags,
                               compiler=build.compiler)  # fmt: skip

    sig = signature_of(code)
    seconds = symbols.seconds + sig.seconds
    log = f"{symbols.log}\nsignature check ({sig.verdict}): {sig.message}\n{sig.log}".rstrip()
    data = dict(symbols.data, signature=sig.verdict, signature_cached=sig.cached)
    if sig.verdict == "mismatch":
        # confirm the problem's declared signature against the reference, so a problem
        # whose problem.toml disagrees with its reference never blames a candidate
        ref = signature_of(problem.reference_code)
        seconds += ref.seconds
        if ref.verdict == "match":
            msg = f"interface mismatch: {sig.message}"
            return StepResult(
                "interface", False, Status.INTERFACE_MISMATCH, msg, log, seconds, data=data
            )
        data["signature"] = "unchecked"
        log += f"\nthe reference fails the same check ({ref.verdict}): {ref.message}\n{ref.log}".rstrip()
    return StepResult("interface", True, None, symbols.message, log, seconds, data=data)

"""ParEval's per-output verdicts beside this tool's: agreement, and a class per disagreement.

Classes (each names why the two verdicts differ):
    race            ParEval passed it; the race detector found a data race here
    unseen_input    ParEval passed it; wrong output on an input ParEval never tries
                    (another size, another seed, a repeated call), and the candidate does
                    not follow the serial code it was asked to translate either
    serial          the candidate is serial code: ParEval's `#pragma omp` substring test and
                    this tool's live-directive test disagree with the other verdict
    timeout         one side ran out of time (or crashed) where the other finished
    compile         one side compiled it and the other did not (compiler, headers)
    specification   the candidate follows the serial code it was asked to translate where
                    the baseline (the reference here) or ParEval's driver expects something
                    else: ParEval rejected output this tool accepts, or this tool rejects
                    output that matches the translated serial code on every input
    other           anything else (printed in full)
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from parcodegen.importers.pareval.outputs import ParEvalVerdict

CLASSES = ("race", "unseen_input", "serial", "timeout", "compile", "specification", "other")


def is_parallel_source(code: str) -> bool:
    """OpenMP directives or `omp_` calls in live code (not in comments or `#if 0` blocks)."""
    text = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"#\s*if\s+0\b.*?#\s*endif", "", text, flags=re.S)
    return bool(re.search(r"#\s*pragma\s+omp\b|\bomp_\w+\s*\(", text))


@dataclass(frozen=True)
class Pair:
    problem_id: str
    sample: int
    ours: str  # this tool's status
    theirs: ParEvalVerdict
    parallel: bool  # live OpenMP in the candidate
    message: str = ""
    follows_source: bool = False  # passes against the serial code the prompt gave instead

    @property
    def ours_pass(self) -> bool:
        return self.ours == "pass"

    @property
    def agree(self) -> bool:
        return self.ours_pass == self.theirs.passed


def classify(pair: Pair) -> str | None:
    """The disagreement class, or None when both verdicts agree."""
    if pair.agree:
        return None
    t, ours = pair.theirs, pair.ours
    if t.passed:  # ParEval passed it, this tool did not
        if ours == "race":
            return "race"
        if ours == "wrong_output":
            return "specification" if pair.follows_source else "unseen_input"
        if ours in ("timeout", "crash"):
            return "timeout"
        if ours in ("compile_error", "interface_mismatch", "no_code"):
            return "compile"
        if not pair.parallel:
            return "serial"
        return "other"
    # this tool passed it, ParEval did not
    if not t.source_valid or not pair.parallel:
        return "serial"
    if not t.built:
        return "compile"
    if not t.all_ran:
        return "timeout"
    if not t.all_valid:
        return "specification"
    return "other"


@dataclass
class Comparison:
    pairs: list[Pair] = field(default_factory=list)
    unlabelled: int = 0  # our attempts with no ParEval verdict

    def counts(self) -> dict[str, int]:
        c = Counter(
            ("both pass" if p.ours_pass else "both fail")
            if p.agree
            else ("only ours pass" if p.ours_pass else "only ParEval passes")
            for p in self.pairs
        )
        return {
            k: c.get(k, 0)
            for k in ("both pass", "both fail", "only ParEval passes", "only ours pass")
        }

    def classes(self) -> dict[str, list[Pair]]:
        out: dict[str, list[Pair]] = {k: [] for k in CLASSES}
        for p in self.pairs:
            cls = classify(p)
            if cls:
                out[cls].append(p)
        return out

    def pass_rates(self) -> tuple[float, float]:
        """(ours, ParEval's) share of passing outputs: pass@1 over these outputs."""
        n = len(self.pairs) or 1
        return (
            sum(p.ours_pass for p in self.pairs) / n,
            sum(p.theirs.passed for p in self.pairs) / n,
        )


def follows_source(problem_dir: Path, source: str, code: str) -> bool:
    """Does `code` pass when the reference is `source` (the serial code the prompt gave)?"""
    from parcodegen.errors import ParcodegenError
    from parcodegen.importers.pareval.support import STD_INCLUDES
    from parcodegen.problems.load import load_problem
    from parcodegen.types import Candidate
    from parcodegen.verify.context import VerifyOptions
    from parcodegen.verify.pipeline import verify

    with tempfile.TemporaryDirectory(prefix="pareval-source-") as tmp:
        d = Path(tmp) / problem_dir.name
        shutil.copytree(problem_dir, d)
        (d / "reference.cpp").write_text(STD_INCLUDES + "\n" + source + "\n")
        try:
            verdict = verify(
                load_problem(d), Candidate(code), VerifyOptions(timing=False, race=False)
            )
        except ParcodegenError:
            return False
    return verdict.status.value == "pass"


def compare(
    store: Any,
    run_id: str,
    verdicts: dict[tuple[str, int], ParEvalVerdict],
    sources: dict[str, str] | None = None,
    problem_dirs: dict[str, Path] | None = None,
) -> Comparison:
    """Pairs of verdicts; with `sources` (problem id -> the serial code a translation prompt
    gave) and `problem_dirs`, an output ParEval passed and this tool found wrong is checked
    against that serial code too (specification vs unseen input)."""
    result = Comparison()
    for a in store.attempts(run_id, kind="edit"):
        theirs = verdicts.get((a.problem_id, a.sample))
        if theirs is None:
            result.unlabelled += 1
            continue
        code = store.candidate_code(a.problem_id, a.candidate_id) if a.candidate_id else None
        pair = Pair(a.problem_id, a.sample, a.status.value, theirs,
                    is_parallel_source(code or ""), a.message)  # fmt: skip
        source = (sources or {}).get(a.problem_id)
        pdir = (problem_dirs or {}).get(a.problem_id)
        if pair.ours == "wrong_output" and theirs.passed and source and pdir and code:
            pair = replace(pair, follows_source=follows_source(pdir, source, code))
        result.pairs.append(pair)
    return result


def render(cmp: Comparison, examples: int = 3) -> str:
    ours, theirs = cmp.pass_rates()
    lines = [
        f"outputs compared: {len(cmp.pairs)} (pass rate: ours {ours:.3f}, ParEval {theirs:.3f})",
        "",
        "| agreement | outputs |",
        "| --- | ---: |",
    ]
    lines += [f"| {k} | {v} |" for k, v in cmp.counts().items()]
    lines += ["", "| disagreement class | outputs | examples (problem #output: our verdict / ParEval's) |",
              "| --- | ---: | --- |"]  # fmt: skip
    for cls, pairs in cmp.classes().items():
        ex = "; ".join(
            f"{p.problem_id} #{p.sample}: {p.ours} / {p.theirs.reason}" for p in pairs[:examples]
        )
        lines.append(f"| {cls} | {len(pairs)} | {ex} |")
    if cmp.unlabelled:
        lines.append(f"\n{cmp.unlabelled} stored attempt(s) had no ParEval verdict")
    return "\n".join(lines)

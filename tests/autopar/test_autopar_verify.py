"""autopar against the real verifier on the built-in suite.

No variant autopar proposes may pass verification while being wrong: no variant of a
mutant (wrong w.r.t. the reference) may be accepted unless the mutant itself is. Every
variant of a reference must pass, except that a floating-point reduction may round
differently (reassociation) and then fail the problem's tolerance as wrong_output, and a
variant may be too slow for the verifier's time limit (a parallel region per iteration
of a long serial loop, oversubscribed); a race, crash or compile error in a reference's
variant is always a failure.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from parcodegen.autopar import optimize_source
from parcodegen.types import Candidate, Status

pytestmark = pytest.mark.skipif(
    shutil.which("g++") is None or shutil.which("clang++") is None,
    reason="needs g++ and clang++ (race check)",
)

FAST_OPTIONS = dict(timing=False)


LOOPNESTS = str(Path(__file__).resolve().parents[2] / "benchmarks" / "loopnests")
BANDS = str(Path(__file__).resolve().parents[1] / "fixtures" / "autopar_bands")


def _suite(suite: str = "builtin"):
    from parcodegen.problems.suite import load_suite

    try:
        return {sp.id: sp for sp in load_suite(suite)}
    except Exception as exc:  # suite not written yet
        pytest.skip(f"built-in suite not available: {exc}")


def _verify(problem, code):
    from parcodegen.verify.pipeline import VerifyOptions, verify

    return verify(problem, Candidate(code, origin="autopar"), options=VerifyOptions(**FAST_OPTIONS))


def _serial_mutant(code: str) -> str | None:
    """A plausible wrong serial version: the first `+=` becomes `-=`."""
    return code.replace("+=", "-=", 1) if "+=" in code else None


def test_spmv_variant_passes_and_a_wrong_source_never_does():
    sps = _suite()
    if "sparse_la/spmv" not in sps:
        pytest.skip("sparse_la/spmv not in the suite")
    problem = sps["sparse_la/spmv"].problem
    result = optimize_source(problem.reference_code, problem.function)
    assert result.variants
    verdict = _verify(problem, dict(result.variants)["outer"])
    assert verdict.status is Status.PASS, verdict.message
    wrong = _serial_mutant(problem.reference_code)
    assert wrong is not None
    mutant_variants = optimize_source(wrong, problem.function).variants
    assert mutant_variants, "the mutant is as parallelizable as the reference"
    verdict = _verify(problem, mutant_variants[0][1])
    assert verdict.status is Status.WRONG_OUTPUT, verdict.message


@pytest.mark.slow
@pytest.mark.parametrize(
    "suite", ["builtin", LOOPNESTS, BANDS], ids=["builtin", "loopnests", "bands"]
)
def test_no_wrong_variant_passes_on_the_suite(suite):
    """Every variant (interchanges, band permutations and tiles, array reductions,
    collapses included) of every reference passes; no variant of a wrong mutant does."""
    n = 5 if suite != BANDS else 3
    _check_sound(_suite(suite), refs=n, mutants=n)


@pytest.mark.slow
@pytest.mark.parametrize(
    "pid",
    ["dense/matmul_kij", "dense/matmul_ijk", "stencil/heat_3d", "stencil/jacobi_1d",
     "stencil/summed_area", "stencil/fdtd_2d", "stencil/jacobi_2d_pair", "dense/trmm_upper"],
)  # fmt: skip
def test_band_variants_of_the_loop_nest_kernels_are_sound(pid):
    """The kernels whose variants reorder or tile a band, sink an accumulator or hoist a
    region (run alone: -k band)."""
    sps = _suite(LOOPNESTS)
    variants = optimize_source(sps[pid].problem.reference_code, sps[pid].problem.function)
    assert {"tile-band", "sink-permute", "region"} & {label for label, _ in variants.variants}
    _check_sound({pid: sps[pid]}, refs=2, mutants=0)  # heat_3d has no `+=` to mutate


def _check_sound(sps: dict, refs: int, mutants: int) -> None:
    checked_refs = checked_mutants = 0
    failures = []
    for pid, sp in sorted(sps.items()):
        problem = sp.problem
        for label, code in optimize_source(problem.reference_code, problem.function).variants:
            checked_refs += 1
            v = _verify(problem, code)
            rounding = v.status is Status.WRONG_OUTPUT and "reduction(" in code
            too_slow = v.status is Status.TIMEOUT  # a performance failure, not a wrong answer
            if v.status is not Status.PASS and not rounding and not too_slow:
                failures.append(f"{pid} reference variant {label}: {v.status.value} {v.message}")
        sources = [(m.name, m.path.read_text()) for m in sp.mutants]
        serial = _serial_mutant(problem.reference_code)
        if serial is not None:
            sources.append(("serial -=", serial))
        for name, src in sources:
            variants = optimize_source(src, problem.function).variants
            if not variants:
                continue
            if _verify(problem, src).status is Status.PASS:
                continue  # an equivalent mutant: its variants may pass too
            for label, code in variants:
                checked_mutants += 1
                v = _verify(problem, code)
                if v.status is Status.PASS:
                    failures.append(f"{pid} mutant {name} variant {label} passed")
    assert checked_refs >= refs and checked_mutants >= mutants, (checked_refs, checked_mutants)
    assert not failures, "\n".join(failures)

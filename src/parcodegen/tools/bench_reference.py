"""The reference's run at the benchmark size, kept per problem (seeded sampled outputs).

Used where a check (not the timing step, which makes its own inputs per pair) needs the
reference at the size users run: the bench_size step compares a candidate's outputs with
it, the parallel_size step sizes its probe's time limit by it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from parcodegen.tools.build import HarnessRun, ProblemBuild, run_harness
from parcodegen.tools.timing import TIMING_SAMPLES

BENCH_SEED = 11
REFERENCE_WALL_S = 300.0
KEPT = 8  # reference runs kept (one per problem)

_refs: OrderedDict[tuple[str, int, str], HarnessRun] = OrderedDict()
_refs_lock = threading.Lock()


def bench_reference(build: ProblemBuild) -> HarnessRun:
    """The reference's run at the benchmark size (BENCH_SEED, the first pattern, sampled
    outputs); a failed run is returned, not kept."""
    problem = build.problem
    key = (build.reference_bin.name, problem.bench_size, problem.patterns[0])
    with _refs_lock:
        if key in _refs:
            _refs.move_to_end(key)
            return _refs[key]
    ref = run_harness(build.reference_bin, seed=BENCH_SEED, n=problem.bench_size,
                      pattern=problem.patterns[0], threads=1, wall_s=REFERENCE_WALL_S,
                      samples=TIMING_SAMPLES)  # fmt: skip
    if ref.ok:
        with _refs_lock:
            _refs[key] = ref
            while len(_refs) > KEPT:
                _refs.popitem(last=False)
    return ref

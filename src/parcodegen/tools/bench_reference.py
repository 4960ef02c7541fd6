"""The reference's run at the benchmark size, kept per problem (seeded sampled outputs),
and that run's inputs, stored (tools/stored_inputs.py) and kept for the candidates' runs.

Used where a check (not the timing step, which makes its own inputs per pair) needs the
reference at the size users run: the bench_size step compares a candidate's outputs with
it, the parallel_size step sizes its probe's time limit by it, and its path probe runs the
candidate on the same stored inputs (making them cost more than the call for most
problems: 3 of spmv's 3.9 s at n = 6e6).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from parcodegen.exprs import arg_values, eval_size_expr
from parcodegen.tools.build import HarnessRun, ProblemBuild, run_harness
from parcodegen.types import Problem
from parcodegen.tools.stored_inputs import StoredInputs, store_inputs

BENCH_SEED = 11
# elements written of each output array at the benchmark size: an array up to this long
# in full (a wrong element anywhere is seen: 2 wrong pixels of 1.96M passed a 65536-element
# sample), a longer one sampled (the first, the last, one per stratum)
BENCH_SAMPLES = 1 << 21
REFERENCE_WALL_S = 300.0
KEPT = 8  # reference runs kept (one per problem)

INPUTS_KEPT = 2  # stored benchmark-size inputs kept (in memory)
INPUTS_KEPT_MB = 512  # larger inputs are not stored (writing blur_3x3's 1.6 GB took 6 s)

_refs: OrderedDict[tuple[str, int, str], HarnessRun] = OrderedDict()
_refs_lock = threading.Lock()
_inputs: OrderedDict[tuple[str, int, str], StoredInputs | None] = OrderedDict()
_inputs_lock = threading.Lock()


def input_bytes(problem: Problem, n: int) -> int | None:
    """About how many bytes the arguments' arrays hold at n (8 per element); None when a
    size is not plain arithmetic or an argument is of a hook's type."""
    scalars = arg_values(problem.args, n)
    total = 0.0
    for arg in problem.args:
        if arg.hook:
            return None
        if arg.size:
            try:
                total += 8 * eval_size_expr(arg.size, n, scalars)
            except ValueError:
                return None
    return int(total)


def _kept_inputs(build: ProblemBuild) -> StoredInputs | None:
    """The kept inputs of `build`'s benchmark size, made when they are not (call with
    _inputs_lock held)."""
    problem = build.problem
    key = (build.reference_bin.name, problem.bench_size, problem.patterns[0])
    size = input_bytes(problem, problem.bench_size)
    if size is not None and size > INPUTS_KEPT_MB << 20:
        return None
    if key in _inputs:
        _inputs.move_to_end(key)
        return _inputs[key]
    # a hook's type: stored when it fits, which only the save run tells (over the limit it
    # fails, and that is kept: not tried again)
    made = store_inputs(build.reference_bin, seed=BENCH_SEED, n=problem.bench_size,
                        pattern=problem.patterns[0], wall_s=REFERENCE_WALL_S,
                        file_mb=INPUTS_KEPT_MB)  # fmt: skip
    if made.error is not None and size is not None:
        return None  # not kept: the reference's own run names the failure
    _inputs[key] = made.inputs
    while len(_inputs) > INPUTS_KEPT:
        old = _inputs.popitem(last=False)[1]
        if old is not None:
            old.close()
    return made.inputs


@contextmanager
def bench_inputs(build: ProblemBuild) -> Iterator[int | None]:
    """A descriptor of the benchmark size's inputs (BENCH_SEED, the first pattern) in a
    sealed file, made once by the reference's binary, or None when they cannot be stored
    (the runs make them). The descriptor is the caller's own (a duplicate, closed on
    exit): another thread may drop the kept file meanwhile."""
    with _inputs_lock:
        kept = _kept_inputs(build)
        fd = os.dup(kept.fd) if kept is not None else None
    try:
        yield fd
    finally:
        if fd is not None:
            os.close(fd)


def bench_reference(build: ProblemBuild) -> HarnessRun:
    """The reference's run at the benchmark size (BENCH_SEED, the first pattern, sampled
    outputs); a failed run is returned, not kept."""
    problem = build.problem
    key = (build.reference_bin.name, problem.bench_size, problem.patterns[0])
    with _refs_lock:
        if key in _refs:
            _refs.move_to_end(key)
            return _refs[key]
    with bench_inputs(build) as inputs_fd:
        ref = run_harness(build.reference_bin, seed=BENCH_SEED, n=problem.bench_size,
                          pattern=problem.patterns[0], threads=1, wall_s=REFERENCE_WALL_S,
                          samples=BENCH_SAMPLES, inputs_fd=inputs_fd)  # fmt: skip
    if ref.ok:
        with _refs_lock:
            _refs[key] = ref
            while len(_refs) > KEPT:
                _refs.popitem(last=False)
    return ref

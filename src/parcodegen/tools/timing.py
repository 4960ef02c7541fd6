"""Sound timing: reference and candidate interleaved at the benchmark size.

Warm-up runs first, then repetitions alternating the order (ref, cand / cand, ref).
Every repetition uses fresh inputs (a new seed; the problem's first input pattern) and the
candidate's outputs are compared with the reference's, so a candidate cannot cache or skip
work. Only the function call is timed (inside the harness). One timing at a time per
machine: a process-wide lock and a file lock shared by every parcodegen process.

The first run (the warm-up) compares every output element at the benchmark size: it
catches what only shows at large n (a 32-bit index overflowing, a chunking bug). The
other runs compare a sample (`samples` elements of each longer output array, scalars and
shorter arrays in full): the first and last element and one random position in each of
samples - 2 equal strata, drawn from the run's seed, so the positions change every
repetition and the reference and candidate of a repetition are compared at the same
ones. Writing, reading and comparing whole outputs of ~1 GB dominated the wall time of a
timing; a sample costs ~1 MB. A candidate that skips or caches work is wrong at almost
every element of a fresh input, so it fails a sampled check with near certainty (missing
a fraction f of wrong elements has probability (1 - f)^samples per run; a wrong block of
two strata or more is always hit); `samples=0` compares everything on every run.
"""

from __future__ import annotations

import fcntl
import math
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from parcodegen.paths import cache_dir
from parcodegen.tools.build import ProblemBuild, cores, run_harness
from parcodegen.tools.outputs import compare_outputs
from parcodegen.types import Measurement, Status, StepResult

_process_lock = threading.Lock()
TIMING_WALL_FACTOR = 10.0
MIN_TIMING_WALL_S = 10.0
REFERENCE_TIMING_WALL_S = 600.0
TIMING_SAMPLES = 65536  # elements compared per output array after the first run; 0: all


@contextmanager
def exclusive_timing():
    """Hold the machine-wide timing lock (threads in this process and other processes)."""
    with _process_lock:
        path = cache_dir() / "timing.lock"
        with open(path, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def trimmed_mean(samples: list[float], trim: float = 0.2) -> tuple[float, list[float]]:
    """Mean after dropping the `trim` fraction at each end (at least one each end when n >= 5)."""
    xs = sorted(samples)
    k = int(len(xs) * trim)
    if len(xs) >= 5:
        k = max(k, 1)
    kept = xs[k : len(xs) - k] if len(xs) > 2 * k else xs
    return sum(kept) / len(kept), kept


def spread(kept: list[float], mean: float) -> float:
    return (max(kept) - min(kept)) / mean if kept and mean > 0 else 0.0


def measure(
    build: ProblemBuild,
    candidate_bin: Path,
    *,
    threads: int | None = None,
    reps: int = 5,
    warmup: int = 1,
    seed: int | None = None,
    samples: int = TIMING_SAMPLES,
) -> tuple[StepResult, Measurement | None]:
    problem = build.problem
    threads = threads or cores()
    n = problem.bench_size
    pattern = problem.patterns[0]  # the problem's primary input pattern
    base = seed if seed is not None else (int(time.time() * 1000) ^ os.getpid()) % 1_000_000_007
    start = time.monotonic()
    ref_times: list[float] = []
    cand_times: list[float] = []
    log: list[str] = []
    last_ref_wall = REFERENCE_TIMING_WALL_S  # i = 0 runs the reference first
    with exclusive_timing():
        for i in range(warmup + reps):
            s = base + 7919 * i
            order = ("ref", "cand") if i % 2 == 0 else ("cand", "ref")
            k = 0 if i == 0 or samples < 2 else samples  # the first run is compared in full
            runs, ref, cand = {}, None, None  # free the last repetition's outputs first
            for who in order:
                if who == "ref":
                    runs[who] = run_harness(build.reference_bin, seed=s, n=n, pattern=pattern, threads=threads,
                                            wall_s=REFERENCE_TIMING_WALL_S, samples=k)  # fmt: skip
                    last_ref_wall = runs[who].result.wall_s
                else:
                    wall = max(MIN_TIMING_WALL_S, TIMING_WALL_FACTOR * last_ref_wall + 2.0)
                    runs[who] = run_harness(candidate_bin, seed=s, n=n, pattern=pattern, threads=threads,
                                            wall_s=wall, samples=k)  # fmt: skip
            ref, cand = runs["ref"], runs["cand"]
            where = f"benchmark input n={n}, seed={s}, pattern={pattern}, threads={threads}"
            if not ref.ok:
                return _infra(
                    f"the reference failed at the benchmark size: {ref.error}", log, start
                ), None
            if cand.result.timed_out:
                return _fail(
                    Status.TIMEOUT,
                    f"timeout on {where} (reference: {ref.result.wall_s:.2f}s)",
                    log,
                    start,
                ), None
            if not cand.ok:
                return _fail(Status.CRASH, f"crash on {where}: {cand.error}", log, start), None
            mismatch = compare_outputs(problem, ref.outputs, cand.outputs, n)
            if mismatch is not None:
                return _fail(
                    Status.WRONG_OUTPUT, f"wrong output on {where}: {mismatch.message}", log, start
                ), None
            rt, ct = ref.call_s, cand.call_s  # the launcher's clock, not the program's
            check = "all elements" if k == 0 else f"{k} sampled elements per output"
            log.append(f"rep {i}{' (warm-up)' if i < warmup else ''}: reference {rt:.6f}s candidate {ct:.6f}s "
                       f"(compared: {check})")  # fmt: skip
            if i >= warmup:
                ref_times.append(rt)
                cand_times.append(ct)
    rmean, rkept = trimmed_mean(ref_times)
    cmean, ckept = trimmed_mean(cand_times)
    if not (math.isfinite(rmean) and math.isfinite(cmean)) or cmean <= 0:
        return _infra("timing produced no usable samples", log, start), None
    m = Measurement(tuple(ref_times), tuple(cand_times), rmean, cmean, spread(rkept, rmean),
                    spread(ckept, cmean), threads, n)  # fmt: skip
    msg = (f"speedup {m.speedup:.2f}x: reference {rmean * 1e3:.2f} ms (spread {m.reference_spread:.0%}), "
           f"candidate {cmean * 1e3:.2f} ms (spread {m.candidate_spread:.0%}), {threads} threads, n={n}")  # fmt: skip
    return StepResult("timing", True, None, msg, "\n".join(log), time.monotonic() - start,
                      data=m.to_dict()), m  # fmt: skip


def _fail(status: Status, msg: str, log: list[str], start: float) -> StepResult:
    log.append(msg)
    return StepResult("timing", False, status, msg, "\n".join(log), time.monotonic() - start)


def _infra(msg: str, log: list[str], start: float) -> StepResult:
    log.append(msg)
    return StepResult(
        "timing", False, Status.INFRA_ERROR, msg, "\n".join(log), time.monotonic() - start
    )

"""At which size does a candidate start threads? Fresh one-call runs of the tested build.

A candidate may go parallel only above a size computed at run time (`n >
omp_get_max_threads() * 8192`, `n / 64 > L`, an entry of a static table): no literal the
race plan reads, so every test size and every race size runs serially and the racy
parallel code is never exercised. `probe_parallel_size` runs the tested (g++) build in a
fresh process, one call, at `threads`, at the race step's largest size and then at
doubling sizes up to the benchmark size, and reads the threads alive after the call
(OpenMP's pool outlives its region; a fresh process starts with one). The first size
with more than one is where the race step must run; a probe that runs out of budget
first says so (the verdict then names the sizes above it unchecked).

What it cannot see: threads that are joined before the call returns (std::thread,
std::async) and a candidate already parallel at small sizes whose *other* region goes
parallel only above a runtime threshold (the probe is skipped when difftest saw threads).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from parcodegen.tools.build import ProblemBuild, run_harness
from parcodegen.tools.harness import THREADS_KEY

PROBE_THREADS = 2
PROBE_RUN_S = 10.0  # one probe run's wall at most
PROBE_TOTAL_S = 30.0  # all probe runs of one candidate at most


@dataclass(frozen=True)
class ParallelProbe:
    sizes: tuple[int, ...]  # probed, ascending
    threads_seen: tuple[int, ...]  # live threads after the call, per probed size
    parallel_from: int | None  # the smallest probed size with more than one thread
    stopped: str | None  # why the probe ended below the benchmark size without finding one
    threads: int = PROBE_THREADS
    seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {"sizes": list(self.sizes), "threads_seen": list(self.threads_seen),
                "parallel_from": self.parallel_from, "stopped": self.stopped,
                "threads": self.threads, "seconds": round(self.seconds, 3)}  # fmt: skip


def threads_after_call(build: ProblemBuild, binary: Path, n: int, threads: int,
                       wall_s: float) -> int | None:  # fmt: skip
    """Threads alive after one call at n in a fresh process (None: the run failed)."""
    run = run_harness(binary, seed=11, n=n, pattern=build.problem.patterns[0], threads=threads,
                      wall_s=wall_s)  # fmt: skip
    if not run.ok or run.outputs is None:
        return None
    live = run.outputs.get(THREADS_KEY)
    return int(live[0]) if isinstance(live, np.ndarray) and len(live) else None


def probe_sizes(start: int, stop: int) -> list[int]:
    """start, 2 start, 4 start, ... and stop itself (when above start)."""
    sizes = [start]
    n = start
    while n < stop:
        n = min(2 * n, stop)
        sizes.append(n)
    return sizes


def probe_parallel_size(build: ProblemBuild, binary: Path, start: int,
                        threads: int = PROBE_THREADS) -> ParallelProbe:  # fmt: skip
    """Probe from `start` (the race step's largest size) up to the benchmark size."""
    t0 = time.monotonic()
    stop = max(start, build.problem.bench_size)
    done: list[int] = []
    seen: list[int] = []
    for n in probe_sizes(max(1, start), stop):
        left = PROBE_TOTAL_S - (time.monotonic() - t0)
        if left <= 0:
            return ParallelProbe(tuple(done), tuple(seen), None,
                                 f"probe budget ({PROBE_TOTAL_S:.0f}s) spent before n={n}",
                                 threads, time.monotonic() - t0)  # fmt: skip
        k = threads_after_call(build, binary, n, threads, min(PROBE_RUN_S, left))
        if k is None:
            return ParallelProbe(tuple(done), tuple(seen), None,
                                 f"the run at n={n} failed or took more than "
                                 f"{min(PROBE_RUN_S, left):.0f}s", threads,
                                 time.monotonic() - t0)  # fmt: skip
        done.append(n)
        seen.append(k)
        if k > 1:
            return ParallelProbe(tuple(done), tuple(seen), n, None, threads, time.monotonic() - t0)
    return ParallelProbe(tuple(done), tuple(seen), None, None, threads, time.monotonic() - t0)

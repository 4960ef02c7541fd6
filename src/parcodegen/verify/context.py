"""What verification steps share: one options object and a typed context.

`VerifyOptions` is the one options object every step reads (steps added from outside the
package read their own settings from `step_options`). `VerifyContext` is what steps hand
each other: the code under test, the problem's build, the compiled object and binary,
the reference's wall time, the measurement, and every step's result so far.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parcodegen.tools.build import ProblemBuild
from parcodegen.tools.compile import GCC_FLAGS
from parcodegen.tools.timing import TIMING_SAMPLES
from parcodegen.types import Candidate, Measurement, Problem, StepResult


# facts key: (sampled outputs, threads, wall) of a run of the candidate at the benchmark
# size that a check step already made (the path probe's), for the bench_size step
BENCH_OUTPUTS = "bench_outputs"


@dataclass(frozen=True)
class VerifyOptions:
    threads: int | None = None  # timing threads; default: the machine's cores
    timing: bool = True
    race: bool = True
    timing_reps: int | None = None  # fixed timed pairs; None: until the interval is narrow
    timing_target: float = 0.05  # relative half-width of the speedup's interval to reach
    timing_max_reps: int = 30  # pairs at most (adaptive timing)
    timing_budget_s: float = 120.0  # seconds of timed pairs at most (adaptive timing)
    timing_quiet_wait_s: float = 10.0  # total wait for other work to leave the CPUs
    timing_inputs: str = "auto"  # "stored" once per pair, "made" by every run (tools.timing)
    scaling: bool = False  # also time the candidate at 1 .. cores threads
    slow_stop: float = 5.0  # stop timing when the first run is this many times slower; 0: never
    warmup: int = 1
    timing_samples: int = (
        TIMING_SAMPLES  # elements compared per output after the first timed run; 0: all
    )
    difftest_threads: tuple[int, ...] | None = None  # default (1, 2, 2*cores+1)
    seeds: int = 1  # seeds per (size, pattern)
    difftest: bool = True  # False only to time a candidate that already passed the checks
    extract: bool = False  # the candidate's code is a raw LLM reply
    flags: tuple[str, ...] = GCC_FLAGS
    compiler: str = "g++"
    allow_unchecked: bool = False  # a pass with a check that could not run still passes
    legacy_checks: bool = False  # the single-call difftest and race step of before (benchmarks)
    skip: tuple[str, ...] = ()  # step names not to run (each reported as skipped)
    step_options: Mapping[str, Any] = field(default_factory=dict)  # for registered extra steps


@dataclass
class VerifyContext:
    """Mutable while one candidate is verified; steps read and fill the typed fields."""

    problem: Problem
    candidate: Candidate
    options: VerifyOptions
    code: str
    steps: list[StepResult] = field(default_factory=list)
    build: ProblemBuild | None = None
    object_path: Path | None = None
    binary: Path | None = None
    reference_wall_s: float = 0.0  # the slowest reference run seen by difftest
    measurement: Measurement | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # anything else steps hand on

    def need_build(self) -> ProblemBuild:
        if self.build is None:
            raise RuntimeError("verification step ran before the problem was built")
        return self.build

    def need_binary(self) -> Path:
        if self.binary is None:
            raise RuntimeError("verification step ran before the candidate was linked")
        return self.binary

    def need_object(self) -> Path:
        if self.object_path is None:
            raise RuntimeError("verification step ran before the candidate was compiled")
        return self.object_path

"""Sound timing: reference and candidate interleaved in pairs until the answer is known.

Each pair runs the reference and the candidate on the same fresh input (a new seed per
pair; the problem's first input pattern), alternating which goes first. The first pair
is a warm-up. Pairs are added until the confidence interval of the speedup (the paired
log ratios, see timing_stats) is within `TimingPlan.target` (default +-5%), or a
repetition or time budget is spent; `TimingPlan.reps` fixes the number of pairs instead.
The measurement carries its interval, its pairs, the load it saw and the machine.

- **Busy machine.** Before every pair the run queue (/proc/stat) is read; when other
  work holds every CPU the pair waits (bounded by `quiet_wait_s` overall). The
  reference's CPU time against its wall time and the run-to-run variation are read from
  the runs. A busy machine raises the minimum number of pairs, and is named in the
  result; an interval that stays wide makes the call "inconclusive", never a flip.
- **Hopeless candidates stop early.** When the candidate's first timed run is more than
  `slow_stop` times the reference's (or does not finish within that), timing stops with
  status pass and a "much slower" call (confirmed by a second pair when the machine is
  busy), instead of timing out.
- **Inputs do not dominate.** The launcher's clock separates making the inputs (from the
  harness's "ready" to its first call) from the call; the measurement reports the mean
  generation time apart, never as part of the speedup. When making one run's inputs
  takes at least `STORE_MIN_GEN_S` (seen in the first pair; `TimingPlan.inputs` "auto"),
  each later pair's inputs are made once, by a save run of the reference binary, into a
  sealed file that the reference and the candidate both read (tools.stored_inputs: the
  same bytes, a fresh seed per pair still, and no run can change the other's copy);
  "auto" goes back to making them when the first stored pair (save run plus both
  reads) cost more than the first pair's two makings (many cheap bytes: a prefix sum).
  "stored" stores from the first pair, "made" never (every run makes its own, as
  before). A problem whose input types cannot be stored falls back to "made".
- **Outputs are checked.** The candidate's outputs are compared with the reference's on
  every run, so a candidate cannot cache or skip work. The first run (the warm-up)
  compares every output element at the benchmark size: it catches what only shows at
  large n (a 32-bit index overflowing, a chunking bug). The other runs compare a sample
  (`samples` elements of each longer output array, scalars and shorter arrays in full):
  the first and last element and one random position in each of samples - 2 equal
  strata, drawn from the run's seed, so the positions change every repetition and the
  reference and candidate of a repetition are compared at the same ones. A candidate
  that skips or caches work is wrong at almost every element of a fresh input, so it
  fails a sampled check with near certainty; `samples=0` compares everything always.
- **One timing at a time per machine** (timing_lock); waiting says who holds the lock.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from parcodegen import machine
from parcodegen.tools.build import HarnessRun, ProblemBuild, cores, run_harness
from parcodegen.tools.harness import THREADS_KEY, PlannedCall, harness_plan
from parcodegen.tools.outputs import compare_outputs, split_calls
from parcodegen.tools.stored_inputs import StoredInputs, store_inputs
from parcodegen.tools.timing_lock import exclusive_timing
from parcodegen.tools.timing_stats import call_of, ratio_interval, relative_mad
from parcodegen.types import MachineLoad, Measurement, SpeedCall, Status, StepResult

__all__ = [
    "TIMING_SAMPLES",
    "TimingPlan",
    "exclusive_timing",
    "measure",
    "outside_samples",
    "spread",
    "trimmed_mean",
]

TIMING_WALL_FACTOR = 10.0
MIN_TIMING_WALL_S = 10.0
MIN_EARLY_WALL_S = 5.0  # the first candidate run's limit under early stopping, at least
MIN_EARLY_STOP_S = 0.25  # a slower first run stops timing only when it takes this long
REFERENCE_TIMING_WALL_S = 600.0
TIMING_SAMPLES = 65536  # elements compared per output array after the first run; 0: all
BUSY_CPU_SHARE = 0.9  # a serial reference getting less than this of a CPU was crowded out
BUSY_VARIATION = 0.05  # run-to-run variation (MAD / median) above this: noisy
BUSY_COMPETING = 0.5  # other runnable tasks on average
DISTURBED_CONFIDENCE = 0.99  # the interval's level when only disturbed pairs are at hand
STALL_DISTURBED = 0.10  # a run during which some task waited for a CPU this share of its time
STORE_MIN_GEN_S = 0.25  # "auto": store a pair's inputs once when a run takes this to make them
# (and keep storing only when the first stored pair cost less than making them twice)
INPUT_MODES = ("auto", "stored", "made")
# Calls shorter than the launcher's clock can resolve: its timestamps are its wake-up
# latency late (tens of microseconds, more under load), and a call that short can reach
# it as one event pair (start and end read together: zero time). Such calls are timed K
# at a time, each on its own fresh input, in one window (tools.harness: harness_plan batch).
BATCH_BELOW_S = 1e-3  # a reference call shorter than this is batched
BATCH_WINDOW_S = 5e-3  # the batched reference window aimed at
MAX_BATCH = 32768  # calls per window at most (the harness stops before its stack runs out)
BATCH_GEN_BUDGET_S = 0.5  # K x the time to make one input set, at most (bounds the memory)
BATCH_ROUNDS = 3  # warm-up pairs spent finding K, at most
BATCH_COMPARED = 64  # calls of a batch whose outputs are compared (random ones, and the last)
RESOLUTION_S = 1e-4  # windows shorter than this are not a timing to trust


@dataclass(frozen=True)
class TimingPlan:
    """How long to measure. Defaults: until +-5% at 95%, 5 to 30 pairs, 120 s, 10 s of waiting for quiet."""

    reps: int | None = None  # a fixed number of timed pairs; None: until the target
    warmup: int = 1
    target: float = 0.05  # relative half-width of the interval to reach
    confidence: float = 0.95
    min_reps: int = 5
    busy_min_reps: int = 10  # at least this many pairs when the machine is busy
    max_reps: int = 30
    time_budget_s: float = 120.0  # of timed pairs, warm-up excluded
    slow_stop: float = 5.0  # stop when the first run is this many times slower; 0: never
    quiet_wait_s: float = 10.0  # total time to wait for other work to leave the CPUs
    samples: int = TIMING_SAMPLES
    inputs: str = "auto"  # "stored": made once per pair, "made": by every run (module doc)


@dataclass
class _Pairs:
    """What the pairs so far measured (mutable while measuring)."""

    ref: list[float] = field(default_factory=list)  # seconds per call
    cand: list[float] = field(default_factory=list)
    ref_window: list[float] = field(default_factory=list)  # the timed window (K calls batched)
    cand_window: list[float] = field(default_factory=list)
    ref_cpu: list[float] = field(default_factory=list)
    cand_cpu: list[float] = field(default_factory=list)
    ref_wall: list[float] = field(default_factory=list)  # whole runs, the launcher's rusage
    cand_wall: list[float] = field(default_factory=list)
    gen: list[float] = field(default_factory=list)  # seconds making one input set
    clean: list[bool] = field(default_factory=list)  # no task waited for a CPU during the pair
    stall: list[float] = field(default_factory=list)  # per run: share of wall time stalled
    competing: list[float] = field(default_factory=list)
    waited_s: float = 0.0
    log: list[str] = field(default_factory=list)

    def add(self, ref: HarnessRun, cand: HarnessRun, clean: bool,
            calls: int = 1) -> tuple[float, float]:  # fmt: skip
        """Add a pair whose runs each timed `calls` calls in one window; (per-call times)."""
        assert ref.outputs is not None and cand.outputs is not None
        rt, ct = ref.call_s, cand.call_s  # the launcher's clock, not the program's
        self.clean.append(clean)
        self.ref_window.append(rt)
        self.cand_window.append(ct)
        rt, ct = rt / calls, ct / calls
        self.ref.append(rt)
        self.cand.append(ct)
        self.ref_cpu.append(ref.result.cpu_s)
        self.cand_cpu.append(cand.result.cpu_s)
        self.ref_wall.append(ref.result.wall_s)
        self.cand_wall.append(cand.result.wall_s)
        return rt, ct

    def whole_run(self) -> dict[str, list[float]]:
        """Per pair, beside the call: wall time outside the call and CPU of the whole run
        (the launcher's measures; verify.integrity_steps checks no work moved out there)."""
        return {
            "reference_outside_s": [
                w - c for w, c in zip(self.ref_wall, self.ref_window, strict=True)
            ],
            "candidate_outside_s": [
                w - c for w, c in zip(self.cand_wall, self.cand_window, strict=True)
            ],
            "reference_cpu_s": list(self.ref_cpu),
            "candidate_cpu_s": list(self.cand_cpu),
        }

    def used(self, need: int) -> tuple[list[float], list[float], int]:
        """(reference, candidate, pairs left out): the undisturbed pairs when there are
        `need` of them, else every pair. A pair whose window read zero on either side
        (start and end reached the launcher together) is left out when others remain."""
        timed = [i for i in range(len(self.ref)) if self.ref[i] > 0 and self.cand[i] > 0]
        timed = timed or list(range(len(self.ref)))
        keep = [i for i in timed if self.clean[i]]
        if len(keep) < max(2, need):
            keep = timed
        return ([self.ref[i] for i in keep], [self.cand[i] for i in keep],
                len(timed) - len(keep))  # fmt: skip

    def cpu_share(self, who: str) -> float | None:
        """Median CPU time / wall time of whole runs (inputs, call, outputs) of one side."""
        walls, cpu = (
            (self.ref_wall, self.ref_cpu) if who == "ref" else (self.cand_wall, self.cand_cpu)
        )
        shares = sorted(c / t for c, t in zip(cpu, walls, strict=True) if t > 0 and c > 0)
        return shares[len(shares) // 2] if shares else None

    def busy_reasons(self, ncpu: int) -> list[str]:
        out = []
        mean = sum(self.competing) / len(self.competing) if self.competing else 0.0
        if mean >= BUSY_COMPETING:
            out.append(f"{mean:.1f} other runnable tasks on {ncpu} CPUs")
        share = self.cpu_share("ref")
        if share is not None and share < BUSY_CPU_SHARE:
            out.append(f"the serial reference got {share:.0%} of a CPU")
        variation = relative_mad(self.ref)
        if len(self.ref) >= 3 and variation > BUSY_VARIATION:
            out.append(f"run-to-run variation {variation:.0%}")
        disturbed = self.clean.count(False)
        if disturbed:
            out.append(
                f"{disturbed} of {len(self.clean)} pairs disturbed (a task waited for a CPU)"
            )
        return out


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


def _duration(seconds: float) -> str:
    """'12.34 ms', or '0.052 us' below a tenth of a millisecond."""
    if seconds < 1e-4:
        return f"{seconds * 1e6:.3f} us"
    return f"{seconds * 1e3:.2f} ms"


def generation_s(run: HarnessRun) -> float:
    """Seconds from the harness being ready to its first call: making the inputs (the
    launcher's clock: events 'R' then 'S'); NaN when the events do not say."""
    events = run.result.events
    if len(events) >= 2 and events[0][0] == "R" and events[1][0] == "S":
        return events[1][1] - events[0][1]
    return float("nan")


def _competing(samples: int = 3) -> float:
    """Other runnable tasks now: the run queue less this process, least of a few reads."""
    seen = []
    for _ in range(samples):
        seen.append(max(0, machine.run_queue() - 1))
        time.sleep(0.01)
    return float(min(seen))


def _settle(pairs: _Pairs, plan: TimingPlan, ncpu: int) -> float:
    """Wait (within the plan's overall allowance, 3 s at a time) while other work runs."""
    waited_here = 0.0
    now = _competing()
    while now >= 1 and pairs.waited_s < plan.quiet_wait_s and waited_here < 3.0:
        time.sleep(0.5)
        pairs.waited_s += 0.5
        waited_here += 0.5
        now = _competing()
    pairs.competing.append(now)
    return now


def measure(
    build: ProblemBuild,
    candidate_bin: Path,
    *,
    threads: int | None = None,
    reps: int | None = None,
    warmup: int | None = None,
    seed: int | None = None,
    samples: int | None = None,
    plan: TimingPlan = TimingPlan(),
    notify: Callable[[str], None] | None = None,
) -> tuple[StepResult, Measurement | None]:
    """Time `candidate_bin` against the problem's reference (see the module docstring).

    `reps`, `warmup` and `samples` override the plan's; `notify` receives progress lines
    (waiting for the lock, the machine) besides stderr."""
    if reps is not None:
        plan = _replace(plan, reps=max(1, reps))
    if warmup is not None:
        plan = _replace(plan, warmup=max(0, warmup))
    if samples is not None:
        plan = _replace(plan, samples=samples)
    session = _Session(build, candidate_bin, threads or cores(), plan, seed)
    return session.run(notify)


def outside_samples(build: ProblemBuild, candidate_bin: Path, *, pairs: int, threads: int,
                    calls_per_window: int = 1, seed: int = 0) -> dict[str, list[float]]:  # fmt: skip
    """More pairs of runs (reference and candidate on the same fresh input, alternating
    who goes first, batched as the timing was), only for the time each run spends outside
    its timed window: what verify.integrity_steps re-measures when a few pairs showed an
    excess. Pairs where a run failed are left out (the timing step judged the outputs)."""
    out: dict[str, list[float]] = {"reference_outside_s": [], "candidate_outside_s": [],
                                   "reference_times": []}  # fmt: skip
    n, pattern = build.problem.bench_size, build.problem.patterns[0]
    base = seed or (int(time.time() * 1000) ^ os.getpid()) % 1_000_000_007
    with exclusive_timing(f"re-measuring {build.problem.id} ({candidate_bin.name})"):
        for i in range(pairs):
            s = base + 7919 * (i + 1)
            plan = (harness_plan([PlannedCall(s, n, pattern)], check_inputs=False,
                                 batch=calls_per_window) if calls_per_window > 1 else None)  # fmt: skip
            runs: dict[str, HarnessRun] = {}
            for who in ("ref", "cand") if i % 2 == 0 else ("cand", "ref"):
                ref_wall = (
                    runs["ref"].result.wall_s if "ref" in runs else REFERENCE_TIMING_WALL_S / 10
                )
                wall = (
                    REFERENCE_TIMING_WALL_S
                    if who == "ref"
                    else max(MIN_TIMING_WALL_S, TIMING_WALL_FACTOR * ref_wall + 2.0)
                )
                binary = build.reference_bin if who == "ref" else candidate_bin
                runs[who] = run_harness(binary, seed=s, n=n, pattern=pattern, threads=threads,
                                        wall_s=wall, samples=2, plan=plan)  # fmt: skip
            ref, cand = runs["ref"], runs["cand"]
            if not (ref.ok and cand.ok) or len(ref.call_times) != 1 or len(cand.call_times) != 1:
                continue
            out["reference_outside_s"].append(ref.outside_s)
            out["candidate_outside_s"].append(cand.outside_s)
            out["reference_times"].append(ref.call_s / max(1, calls_per_window))
    return out


def _replace(plan: TimingPlan, **kw: object) -> TimingPlan:
    return replace(plan, **kw)  # type: ignore[arg-type]


class _Session:
    def __init__(self, build: ProblemBuild, candidate_bin: Path, threads: int, plan: TimingPlan,
                 seed: int | None) -> None:  # fmt: skip
        self.build, self.candidate_bin, self.threads, self.plan = (
            build,
            candidate_bin,
            threads,
            plan,
        )
        self.problem = build.problem
        self.n = self.problem.bench_size
        self.pattern = self.problem.patterns[0]  # the problem's primary input pattern
        self.base = (
            seed if seed is not None else (int(time.time() * 1000) ^ os.getpid()) % 1_000_000_007
        )
        self.ncpu = machine.usable_cpus()
        self.pairs = _Pairs()
        self.start = time.monotonic()
        self.last_ref_wall = REFERENCE_TIMING_WALL_S
        self.last_stall: list[float] = []
        self.lock_wait_s = 0.0
        self.load_before = 0.0
        self.threads_used = 0  # threads alive after the candidate's calls at the benchmark size
        if plan.inputs not in INPUT_MODES:
            raise ValueError(f"timing inputs must be one of {', '.join(INPUT_MODES)}")
        self.store = plan.inputs == "stored"  # pairs' inputs made once, by a save run
        self.stored_pairs = 0
        self.store_s: float | None = None  # the last save run's wall time
        self.note = ""  # said at the end of the current pair's log line
        self.made_cost = 0.0  # seconds both runs of the first pair spent making inputs
        self.reads: list[float] = []  # seconds a run spent reading stored inputs
        self.batch = 1  # calls per timed window (calls below the launcher's resolution)
        self.batch_rounds = 0
        self.extra_warmup = 0  # pairs that set the batch: warm-ups too

    # ---------------------------------------------------------------- one pair
    def _pair(self, i: int, early: bool, full: bool) -> tuple[HarnessRun, HarnessRun, float]:
        """Run pair i; returns (reference run, candidate run, the candidate's wall limit).

        `early`: the reference first and the candidate limited to `slow_stop` times its
        wall; `full`: every output element compared (else a sample)."""
        s = self.base + 7919 * i
        stored = self._stored_inputs(s)
        try:
            return self._pair_runs(i, s, early, full, stored)
        finally:
            if stored is not None:
                stored.close()

    def _stored_inputs(self, seed: int) -> StoredInputs | None:
        """This pair's inputs made once (when storing), else None: each run makes them."""
        self.store_s = None
        if not self.store:
            return None
        got = store_inputs(self.build.reference_bin, seed=seed, n=self.n, pattern=self.pattern,
                           wall_s=REFERENCE_TIMING_WALL_S)  # fmt: skip
        if got.inputs is None:
            why = "its input types cannot be stored" if not got.storable else got.error
            self.pairs.log.append(f"inputs made by every run: {why}")
            self.store = False
            return None
        self.store_s = got.wall_s
        self.stored_pairs += 1
        return got.inputs

    def _pair_runs(self, i: int, s: int, early: bool, full: bool,
                   stored: StoredInputs | None) -> tuple[HarnessRun, HarnessRun, float]:  # fmt: skip
        order = ("ref", "cand") if i % 2 == 0 or early else ("cand", "ref")
        k = 0 if full or self.plan.samples < 2 else self.plan.samples
        fd = stored.fd if stored is not None else None
        plan = (harness_plan([PlannedCall(s, self.n, self.pattern)], check_inputs=False,
                             batch=self.batch) if self.batch > 1 else None)  # fmt: skip
        runs: dict[str, HarnessRun] = {}
        limit = 0.0
        stalls = []
        for who in order:
            before = machine.cpu_stall_us()
            if who == "ref":
                runs[who] = run_harness(self.build.reference_bin, seed=s, n=self.n, pattern=self.pattern,
                                        threads=self.threads, wall_s=REFERENCE_TIMING_WALL_S, samples=k,
                                        inputs_fd=fd, plan=plan)  # fmt: skip
                self.last_ref_wall = runs[who].result.wall_s
            else:
                if early:
                    limit = max(MIN_EARLY_WALL_S, self.plan.slow_stop * self.last_ref_wall + 1.0)
                else:
                    limit = max(MIN_TIMING_WALL_S, TIMING_WALL_FACTOR * self.last_ref_wall + 2.0)
                runs[who] = run_harness(self.candidate_bin, seed=s, n=self.n, pattern=self.pattern,
                                        threads=self.threads, wall_s=limit, samples=k,
                                        inputs_fd=fd, plan=plan)  # fmt: skip
            after = machine.cpu_stall_us()
            if before is not None and after is not None and runs[who].result.wall_s > 0:
                stalls.append((after - before) / 1e6 / runs[who].result.wall_s)
        self.last_stall = stalls
        return runs["ref"], runs["cand"], limit

    def _note_generation(self, ref: HarnessRun, cand: HarnessRun) -> None:
        """Seconds making one input set: the save run's, else each run's own."""
        if self.store_s is not None:
            self.pairs.gen.append(self.store_s)
            loads = generation_s(ref) + generation_s(cand)  # 'R' to 'S' of a loading run
            self.reads.extend(x for x in (generation_s(ref), generation_s(cand)) if x == x)
            stored_cost = self.store_s + loads
            if self.plan.inputs == "auto" and self.stored_pairs == 1 and self.made_cost:
                if not stored_cost < self.made_cost:  # NaN too: back to the known way
                    self.store = False
                    self.note = (f"; stored inputs cost {stored_cost:.2f}s per pair against "
                                 f"{self.made_cost:.2f}s made by both runs: made by every "
                                 "run from the next pair on")  # fmt: skip
            return
        self.pairs.gen.append(generation_s(ref) / self.batch)
        self.pairs.gen.append(generation_s(cand) / self.batch)
        made = generation_s(ref) / self.batch
        if self.plan.inputs == "auto" and not self.store and made == made and not self.stored_pairs:
            if made >= STORE_MIN_GEN_S:
                self.store = True
                self.made_cost = made + generation_s(cand)
                self.note = (f"; inputs took {made:.2f}s to make: from the next pair on made "
                             "once per pair, read by both runs")  # fmt: skip

    def _take_note(self) -> str:
        note, self.note = self.note, ""
        return note

    def _inputs_text(self) -> str:
        if self.stored_pairs:
            read = (f", read in {sum(self.reads) / len(self.reads) * 1e3:.0f} ms per run"
                    if self.reads else "")  # fmt: skip
            return (f"made once per pair for {self.stored_pairs} pair"
                    f"{'s' if self.stored_pairs > 1 else ''}, the same bytes to both runs{read}")  # fmt: skip
        return "made by every run"

    def _where(self, i: int) -> str:
        return (f"benchmark input n={self.n}, seed={self.base + 7919 * i}, pattern={self.pattern}, "
                f"threads={self.threads}")  # fmt: skip

    # ---------------------------------------------------------------- the loop
    def run(self, notify: Callable[[str], None] | None) -> tuple[StepResult, Measurement | None]:
        plan, pairs = self.plan, self.pairs
        what = f"timing {self.problem.id} ({os.path.basename(str(self.candidate_bin))})"
        with exclusive_timing(what) as lock:
            self.lock_wait_s = lock.waited_s
            if lock.holder:
                pairs.log.append(f"waited {lock.waited_s:.1f}s for the timing lock ({lock.holder})")
            self.load_before = machine.loadavg()
            timed_start: float | None = None
            i, confirmations, full = 0, 0, True  # the first compared pair: every element
            while True:
                early = plan.slow_stop > 0 and i <= confirmations  # the first run (or its check)
                competing = _settle(pairs, plan, self.ncpu)
                ref, cand, limit = self._pair(i, early, full)
                if not ref.ok and self.batch > 1:  # e.g. the batch's stack: time calls singly
                    pairs.log.append(f"rep {i}: a batch of {self.batch} calls failed in the "
                                     f"reference ({ref.error}); timing single calls")  # fmt: skip
                    self.batch, self.batch_rounds = 1, BATCH_ROUNDS
                    continue
                if not ref.ok:
                    return self._infra(f"the reference failed at the benchmark size: {ref.error}")
                slow = self._too_slow(ref, cand, limit) if early else None
                if slow is not None:
                    confirmations += 1
                    busy = competing >= 1 or (pairs.cpu_share("ref") or 1.0) < BUSY_CPU_SHARE
                    if confirmations >= 2 or not busy:
                        return self._much_slower(ref, cand, slow, confirmations)
                    pairs.log.append(f"rep {i}: candidate {slow:.1f}x slower on a busy machine; "
                                     "confirming with another pair")  # fmt: skip
                    i += 1
                    continue
                failure = self._check(i, ref, cand)
                if failure is not None:
                    return failure
                assert ref.outputs is not None and cand.outputs is not None
                self._note_generation(ref, cand)
                if self._rebatch(ref):
                    self.extra_warmup += 1  # this pair found the batch: a warm-up
                check = (
                    "all elements"
                    if full or plan.samples < 2
                    else f"{plan.samples} sampled elements per output"
                )
                full = False
                if i < plan.warmup + confirmations + self.extra_warmup:
                    rt, ct = ref.call_s, cand.call_s
                    pairs.log.append(f"rep {i} (warm-up): reference {rt:.6f}s candidate {ct:.6f}s "
                                     f"(compared: {check}){self._take_note()}")  # fmt: skip
                    i += 1
                    continue
                if timed_start is None:
                    timed_start = time.monotonic()
                clean = all(x < STALL_DISTURBED for x in self.last_stall)
                pairs.stall.extend(self.last_stall)
                rt, ct = pairs.add(ref, cand, clean, self.batch)
                stall = "/".join(f"{x:.0%}" for x in self.last_stall) or "unknown"
                pairs.log.append(f"rep {i}: reference {rt:.6f}s candidate {ct:.6f}s "
                                 f"(compared: {check}; {competing:.0f} other runnable, CPU stall "
                                 f"{stall}{'' if clean else ': disturbed'}){self._take_note()}")  # fmt: skip
                stop = self._stop_reason(time.monotonic() - timed_start)
                if stop:
                    return self._result(stop)
                i += 1

    def _too_slow(self, ref: HarnessRun, cand: HarnessRun, limit: float) -> float | None:
        """How many times slower the candidate's run was, when beyond `slow_stop`."""
        if cand.result.timed_out:
            rt = ref.call_s if ref.ok else ref.result.wall_s
            gen = max(0.0, ref.result.wall_s - rt)
            return max(self.plan.slow_stop, (limit - gen) / rt if rt > 0 else math.inf)
        if not cand.ok:
            return None
        assert ref.outputs is not None and cand.outputs is not None
        rt, ct = ref.call_s, cand.call_s
        if rt > 0 and ct > self.plan.slow_stop * rt and ct >= MIN_EARLY_STOP_S:
            return ct / rt
        return None

    def _check(self, i: int, ref: HarnessRun, cand: HarnessRun) -> tuple[StepResult, None] | None:
        where = self._where(i)
        if cand.result.timed_out:
            return self._fail(
                Status.TIMEOUT, f"timeout on {where} (reference: {ref.result.wall_s:.2f}s)"
            )
        if not cand.ok:
            return self._fail(Status.CRASH, f"crash on {where}: {cand.error}")
        assert ref.outputs is not None and cand.outputs is not None
        if len(cand.call_times) != 1:  # the harness marks one window; the program wrote more
            return self._fail(Status.SUSPECT, f"the candidate's run reported {len(cand.call_times)} "
                              "timed windows where the harness marks one: events written by "
                              f"the program are not a timing ({where})")  # fmt: skip
        for k, (r_out, c_out) in self._compared_calls(i, ref.outputs, cand.outputs):
            mismatch = compare_outputs(self.problem, r_out, c_out, self.n)
            if mismatch is not None:
                call = f", call {k + 1} of a batch of {self.batch}" if self.batch > 1 else ""
                return self._fail(Status.WRONG_OUTPUT,
                                  f"wrong output on {where}{call}: {mismatch.message}")  # fmt: skip
        live = cand.outputs.get(THREADS_KEY)
        if isinstance(live, np.ndarray) and len(live):
            self.threads_used = max(self.threads_used, int(live[0]))
        return None

    def _compared_calls(self, i: int, ref: dict, cand: dict) -> list[tuple[int, tuple[dict, dict]]]:
        """(call, (reference outputs, candidate outputs)) to compare: the one call, or of a
        batch the first, the last and random others (BATCH_COMPARED in all, drawn per pair
        after the runs: a candidate cannot tell which calls are looked at)."""
        if self.batch <= 1:
            return [(0, (ref, cand))]
        r_calls, c_calls = split_calls(ref, self.batch), split_calls(cand, self.batch)
        rng = np.random.default_rng([self.base, i, 0x5EED])
        picked = {0, self.batch - 1}
        rest = self.batch - len(picked)
        if rest > 0:
            more = rng.choice(np.arange(1, self.batch - 1), size=min(rest, BATCH_COMPARED - 2),
                              replace=False)  # fmt: skip
            picked.update(int(x) for x in more)
        return [(k, (r_calls[k], c_calls[k])) for k in sorted(picked)]

    def _rebatch(self, ref: HarnessRun) -> bool:
        """Set the calls per window from this pair's reference window; True when it changed
        (the pair is then a warm-up): a reference call below BATCH_BELOW_S is timed K at a
        time, K aiming at a BATCH_WINDOW_S window, within MAX_BATCH and a budget for
        making K input sets (the memory they hold). Not with stored inputs."""
        if self.store or self.stored_pairs or self.batch_rounds >= BATCH_ROUNDS:
            return False
        window = ref.call_s
        if not window == window or window >= (
            BATCH_BELOW_S if self.batch == 1 else BATCH_WINDOW_S / 2
        ):
            return False
        per_call = window / self.batch
        gen = generation_s(ref) / self.batch
        cap = MAX_BATCH
        if gen == gen and gen > 0:
            cap = min(cap, int(BATCH_GEN_BUDGET_S / gen))
        want = math.ceil(BATCH_WINDOW_S / per_call) if per_call > 0 else cap
        k = max(1, min(cap, want))
        if k <= self.batch:
            return False
        self.batch_rounds += 1
        self.batch = k
        self.note = (f"; the reference's window {window * 1e6:.0f} us is near the launcher's clock "
                     f"resolution: from the next pair on {k} calls per timed window, each on "
                     "its own input")  # fmt: skip
        return True

    def _confidence(self, discarded: int) -> float:
        """The plan's level; at least DISTURBED_CONFIDENCE when disturbed pairs are used
        (too few undisturbed ones): load that comes and goes is noise a t interval on the
        pairs underrates, and a same-binary pair must not be called slower or faster."""
        if all(self.pairs.clean) or discarded:
            return self.plan.confidence
        return max(self.plan.confidence, DISTURBED_CONFIDENCE)

    def _need(self) -> int:
        """Undisturbed pairs that suffice for an interval (when fewer: every pair is used)."""
        return max(2, self.plan.min_reps)

    def _stop_reason(self, timed_s: float) -> str:
        plan, n = self.plan, len(self.pairs.ref)
        if plan.reps is not None:
            return "fixed_reps" if n >= plan.reps else ""
        ref, cand, discarded = self.pairs.used(self._need())
        # disturbed pairs in the mix (too few undisturbed ones): more pairs before stopping
        need = self._need() if all(self.pairs.clean) or discarded else plan.busy_min_reps
        if len(ref) >= max(2, need):
            iv = ratio_interval(ref, cand, self._confidence(discarded))
            if iv is not None and iv.half_width <= plan.target:
                return "target"
        if n >= plan.max_reps:
            return "max_reps"
        if timed_s >= plan.time_budget_s and n >= 2:
            return "time_budget"
        return ""

    # ---------------------------------------------------------------- results
    def _load(self) -> MachineLoad:
        p = self.pairs
        reasons = p.busy_reasons(self.ncpu)
        stall = [x for x in p.stall if x == x]
        return MachineLoad(
            loadavg_before=self.load_before,
            loadavg_after=machine.loadavg(),
            competing_mean=sum(p.competing) / len(p.competing) if p.competing else 0.0,
            competing_max=int(max(p.competing, default=0)),
            reference_cpu_share=p.cpu_share("ref"),
            candidate_cpu_share=p.cpu_share("cand"),
            variation=relative_mad(p.ref),
            waited_s=p.waited_s,
            stall_share=sum(stall) / len(stall) if stall else None,
            busy=bool(reasons),
            reasons=tuple(reasons),
        )

    def _result(self, stop: str) -> tuple[StepResult, Measurement | None]:
        p, plan = self.pairs, self.plan
        rmean, rkept = trimmed_mean(p.used(self._need())[0])
        cmean, ckept = trimmed_mean(p.used(self._need())[1])
        if not (math.isfinite(rmean) and math.isfinite(cmean)) or rmean < 0 or cmean < 0:
            return self._infra("timing produced no usable samples")
        r_win, c_win = float(np.median(p.ref_window)), float(np.median(p.cand_window))
        if cmean <= 0 and r_win >= RESOLUTION_S:
            # the reference's window is well resolved and the candidate's start and end
            # reached the launcher together, batched as the reference was: not a real call
            return self._fail(Status.SUSPECT, "the candidate's timed call took no measurable "
                              "time (its start and end reached the sandbox launcher together) "
                              f"while the reference's took {r_win * 1e3:.3f} ms: not a timing "
                              "to trust")  # fmt: skip
        used_ref, used_cand, discarded = p.used(self._need())
        load = replace(self._load(), discarded_pairs=discarded)
        disturbed = [ok for ok in p.clean if not ok]
        confidence = self._confidence(discarded)
        unresolved = min(r_win, c_win) < RESOLUTION_S
        iv = None if unresolved else ratio_interval(used_ref, used_cand, confidence)
        if unresolved:
            # no claim either way: the windows are within the launcher's clock resolution
            estimate, interval, half = (rmean / cmean if cmean > 0 else None), None, math.inf
            who = (
                "both windows"
                if max(r_win, c_win) < RESOLUTION_S
                else (
                    "the reference's window" if r_win < RESOLUTION_S else "the candidate's window"
                )
            )
            call, reason = SpeedCall.INCONCLUSIVE, (
                f"{who} (median reference {r_win * 1e6:.0f} us, candidate {c_win * 1e6:.0f} us"
                f"{f' for {self.batch} calls' if self.batch > 1 else ''}) below the launcher's "
                f"clock resolution ({RESOLUTION_S * 1e6:.0f} us): no speed claim")  # fmt: skip
        elif iv is None:
            estimate, interval, half = rmean / cmean, None, math.inf
            call, reason = SpeedCall.INCONCLUSIVE, "one pair gives no interval"
        else:
            estimate, interval, half = iv.estimate, (iv.low, iv.high), iv.half_width
            call = call_of(iv.low, iv.high, plan.target)
            reason = self._reason(call, stop, half, load, len(used_ref))
            share = load.candidate_cpu_share or 0.0
            if call is SpeedCall.SLOWER and disturbed and not discarded and share > 1.2:
                # a parallel candidate loses more to competing work than a serial reference
                call = SpeedCall.INCONCLUSIVE
                reason = ("slower only under competing load, which costs a parallel candidate "
                          f"more than the serial reference: {reason}")  # fmt: skip
        gen = [g for g in p.gen if g == g]
        m = Measurement(tuple(used_ref), tuple(used_cand), rmean, cmean, spread(rkept, rmean),
                        spread(ckept, cmean), self.threads, self.n, estimate=estimate,
                        interval=interval, confidence=confidence, target=plan.target,
                        call=call, reason=reason, stop_reason=stop,
                        generation_s=sum(gen) / len(gen) if gen else 0.0,
                        wall_s=time.monotonic() - self.start, lock_wait_s=self.lock_wait_s,
                        load=load, machine=machine.profile(self.build.compiler),
                        inputs=self._inputs_text())  # fmt: skip
        return self._step(m), m

    def _reason(self, call: SpeedCall, stop: str, half: float, load: MachineLoad, n: int) -> str:
        width = f"+-{half:.1%} after {n} pairs (target +-{self.plan.target:.0%})"
        stopped = {
            "target": "target reached",
            "max_reps": f"stopped at the {self.plan.max_reps}-pair limit",
            "time_budget": f"stopped at the {self.plan.time_budget_s:.0f}s time budget",
            "fixed_reps": "a fixed number of pairs was asked for",
        }.get(stop, stop)
        busy = f"; machine busy: {'; '.join(load.reasons)}" if load.busy else ""
        if call is SpeedCall.INCONCLUSIVE:
            return f"the interval includes 1 and is wider than the target: {width}, {stopped}{busy}"
        return f"{width}, {stopped}{busy}"

    def _step(self, m: Measurement) -> StepResult:
        assert m.call is not None and m.load is not None
        gen = (f"inputs: {m.generation_s * 1e3:.0f} ms to generate per input set (not timed; "
               f"{m.inputs or 'made by every run'}); timing wall {m.wall_s:.1f}s")  # fmt: skip
        msg = (f"speedup {m.interval_text()}: {m.call.value.replace('_', ' ')}; reference "
               f"{_duration(m.reference_mean)}, candidate {_duration(m.candidate_mean)}, "
               f"{m.threads} threads, n={m.size}\n{m.reason}\nmachine: {m.load.summary()}\n{gen}")  # fmt: skip
        log = "\n".join(self.pairs.log)
        cov = {"n": m.size, "threads": m.threads, "threads_used": self.threads_used}
        if self.batch > 1:
            msg += f"\ncalls timed {self.batch} per window (each below the launcher's resolution)"
        return StepResult("timing", True, None, msg, log, time.monotonic() - self.start,
                          data={**m.to_dict(), **self.pairs.whole_run(), "coverage": cov,
                                "calls_per_window": self.batch})  # fmt: skip

    def _much_slower(self, ref: HarnessRun, cand: HarnessRun, slower: float,
                     pairs_run: int) -> tuple[StepResult, Measurement | None]:  # fmt: skip
        assert ref.outputs is not None
        rt = ref.call_s
        killed = cand.result.timed_out
        ct = rt * slower
        estimate = 1.0 / slower
        factor = self.plan.slow_stop
        how = (f"did not finish within {cand.result.wall_s:.1f}s" if killed
               else f"took {ct:.3f}s")  # fmt: skip
        reason = (f"stopped early: the candidate's first timed run {how} against the reference's "
                  f"{rt:.3f}s (more than {factor:g}x slower; {'at most ' if killed else ''}"
                  f"{estimate:.3f}x) in {pairs_run} pair{'s' if pairs_run > 1 else ''}")  # fmt: skip
        self.pairs.log.append(reason)
        self.pairs.competing = self.pairs.competing or [0.0]
        m = Measurement((rt,), (ct,), rt, ct, 0.0, 0.0, self.threads, self.n, estimate=estimate,
                        interval=(0.0, max(estimate, 1.0 / factor)), confidence=self.plan.confidence,
                        target=self.plan.target, call=SpeedCall.MUCH_SLOWER, reason=reason,
                        stop_reason="much_slower",
                        generation_s=self.store_s if self.store_s is not None else generation_s(ref),
                        wall_s=time.monotonic() - self.start, lock_wait_s=self.lock_wait_s,
                        load=self._load(), machine=machine.profile(self.build.compiler),
                        inputs=self._inputs_text())  # fmt: skip
        return self._step(m), m

    def _fail(self, status: Status, msg: str) -> tuple[StepResult, None]:
        self.pairs.log.append(msg)
        log = "\n".join(self.pairs.log)
        return StepResult("timing", False, status, msg, log, time.monotonic() - self.start), None

    def _infra(self, msg: str) -> tuple[StepResult, None]:
        return self._fail(Status.INFRA_ERROR, msg)

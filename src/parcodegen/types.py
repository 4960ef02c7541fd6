"""Shared records that cross module boundaries.

Every record is a small frozen dataclass. Modules lower in the import order
(llm, sandbox, tools, verify) produce them; higher ones (agent, metrics, store,
cli) consume them. A lower module that needs a higher one's type finds it here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any


class Status(str, Enum):
    """The closed set of verdict statuses. Counting by status gives the failure breakdown."""

    PASS = "pass"
    NO_CODE = "no_code"
    COMPILE_ERROR = "compile_error"
    INTERFACE_MISMATCH = "interface_mismatch"
    WRONG_OUTPUT = "wrong_output"
    RACE = "race"
    TIMEOUT = "timeout"
    CRASH = "crash"
    # the result cannot be trusted, held for review: code that asks which compiler or
    # sanitizer builds it, work moved outside the timed call, an implausible speedup
    SUSPECT = "suspect"
    INFRA_ERROR = "infra_error"
    # passed every check that ran, but a check could not run here (race detection
    # unavailable, ...): not a pass unless the caller allows it (allow_unchecked)
    UNCHECKED = "unchecked"

    @property
    def is_candidate_fault(self) -> bool:
        """True when the status blames the candidate (and is fed back to the model)."""
        return self not in (Status.PASS, Status.INFRA_ERROR, Status.UNCHECKED)


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class ArgSpec:
    """One parameter of the target function, in declaration order.

    `ctype` is the C++ parameter type exactly as written (e.g. ``const std::vector<double>&``).
    `size` is a C++ expression in ``n`` giving the element count of vectors and pointers.
    `value` is a C++ expression in ``n`` that fixes a scalar (e.g. ``n`` itself).
    `range` holds (lo, hi) for random values; each bound a number or a C++ expression in n.
    `hook` names a user hook (``make_<hook>`` / ``emit_<hook>`` in hooks.h) for custom types.
    `init` is how output buffers start: "random" (default) or "zero".
    """

    name: str
    ctype: str
    size: str | None = None
    value: str | None = None
    range: tuple[Any, Any] | None = None
    hook: str | None = None
    init: str = "random"
    index_into: str | None = None  # integer array: values are valid indices of that array
    offsets_into: str | None = None  # integer array: CSR-style offsets (0 .. that array's size)
    at_most: str | None = None  # scalar: clamped to this C++ expression (a bound by another size)
    vary: bool = True  # a literal value or length difftest may change (problems/held.py)


@dataclass(frozen=True)
class StructField:
    name: str
    ctype: str  # an arithmetic type
    count: int = 1  # > 1 for a fixed array field (`double v[3]`)


@dataclass(frozen=True)
class StructDef:
    """A struct whose fields are all arithmetic, read from its definition in the code."""

    name: str
    fields: tuple[StructField, ...]
    definition: str  # as written (copied into the harness when the prelude does not hold it)


@dataclass(frozen=True)
class EdgeCase:
    """An explicit input ([[edge]] in problem.toml): size n and fixed values for some args."""

    n: int
    values: tuple[tuple[str, Any], ...]  # (argument name, number or tuple of numbers)


@dataclass(frozen=True)
class CompareSpec:
    """How one output is compared: exact for integers, tolerance for floating point."""

    rtol: float = 1e-9
    atol: float = 1e-12
    unordered: bool = False
    mask: str | None = None  # C++ condition on element index i: only those elements compared
    rtol_expr: str | None = None  # a tolerance growing with n, e.g. "1e-12 * n" (wins over rtol)
    atol_expr: str | None = None

    def at(self, n: int) -> CompareSpec:
        """The tolerances for size n (expressions evaluated)."""
        if self.rtol_expr is None and self.atol_expr is None:
            return self
        from dataclasses import replace

        from parcodegen.exprs import eval_size_expr

        rtol = self.rtol if self.rtol_expr is None else eval_size_expr(self.rtol_expr, n)
        atol = self.atol if self.atol_expr is None else eval_size_expr(self.atol_expr, n)
        return replace(self, rtol=rtol, atol=atol, rtol_expr=None, atol_expr=None)


@dataclass(frozen=True)
class Problem:
    """A problem directory, loaded and validated (see docs/problem-format.md)."""

    id: str  # readable id: "<category>/<name>" or the directory name
    name: str
    category: str
    function: str
    directory: Path
    source_file: str  # relative to directory
    reference_code: str
    args: tuple[ArgSpec, ...]
    returns: str  # C++ return type ("void" when none)
    returns_hook: str | None
    test_sizes: tuple[int, ...]
    bench_size: int
    compare: CompareSpec
    compare_outputs: tuple[tuple[str, CompareSpec], ...] = ()
    description: str = ""
    hooks_header: str | None = None  # file name of the hooks header, relative to directory
    patterns: tuple[str, ...] = ("random", "sorted", "constant")
    ldflags: tuple[str, ...] = ()
    language: str = "c++"  # "c" for a .c reference (compiled as C11; the harness stays C++)
    prelude: str = ""  # code both the reference and every candidate are compiled with
    defines: tuple[str, ...] = ()  # preprocessor macros (-D) for every compile
    structs: tuple[StructDef, ...] = ()  # structs of arithmetic fields the arguments use
    edges: tuple[EdgeCase, ...] = ()  # explicit inputs, tested besides the random ones
    race_sizes: tuple[int, ...] = ()  # sizes for the race detector (default: chosen by it)
    race_threads: tuple[int, ...] = ()  # thread counts for the race detector
    declaration: str = ""  # the reference's prototype as written (C: the signature check)

    def compare_for(self, output: str) -> CompareSpec:
        """The rules for one output record (`pts.x`, a struct field, falls back to `pts`)."""
        for key in (output, output.split(".", 1)[0]):
            for name, spec in self.compare_outputs:
                if name == key:
                    return spec
        return self.compare

    @property
    def signature(self) -> str:
        if self.language == "c" and self.declaration:
            return self.declaration  # as written: C99 array parameters, restrict
        params = ", ".join(f"{a.ctype} {a.name}" for a in self.args)
        return f"{self.returns} {self.function}({params})"


# --------------------------------------------------------------------------- candidates


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Candidate:
    """A full translation unit proposed as a replacement for the reference source."""

    code: str
    origin: str = "user"  # backend/strategy that produced it
    parent: str | None = None  # id of the candidate it revises

    @property
    def id(self) -> str:
        return content_hash(self.code)


# --------------------------------------------------------------------------- verification


LAUNCHER_FAILED = "launcher_failed"  # StepResult.data key


@dataclass(frozen=True)
class StepResult:
    """What one pipeline step concluded.

    `message` is short and model-facing (no paths, no timings); `log` is the full record.
    A step that did not run for a reason outside the candidate sets `skipped` with the
    reason in `message`; it never silently passes.
    """

    step: str
    ok: bool
    status: Status | None = None  # the failure status when not ok
    message: str = ""
    log: str = ""
    seconds: float = 0.0
    skipped: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def launcher_failed(self) -> bool:
        """The sandbox could not start a program of this step (`data[LAUNCHER_FAILED]`, set
        from the sandbox's RunResult.launcher_failed): the harness's fault, not the candidate's."""
        return bool(self.data.get(LAUNCHER_FAILED))

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "ok": self.ok,
            "status": self.status.value if self.status else None,
            "message": self.message,
            "log": self.log,
            "seconds": round(self.seconds, 4),
            "skipped": self.skipped,
            "data": self.data,
        }


class SpeedCall(str, Enum):
    """What a measurement concludes about the candidate against the reference.

    `faster` / `slower`: the whole confidence interval of the speedup lies above / below
    1; `same`: inside 1 +- the target; `inconclusive`: none of these within the budget
    (the reason says why); `much_slower`: stopped early, the first timed run was more than
    the early-stop factor slower than the reference.
    """

    FASTER = "faster"
    SLOWER = "slower"
    SAME = "same"
    INCONCLUSIVE = "inconclusive"
    MUCH_SLOWER = "much_slower"


@dataclass(frozen=True)
class MachineProfile:
    """The machine a measurement was taken on (see parcodegen.machine)."""

    cpu_model: str = ""
    logical_cpus: int = 0  # hardware threads the kernel shows
    physical_cores: int = 0  # 0 when unknown
    usable_cpus: int = 0  # in this process's affinity mask
    caches: tuple[str, ...] = ()  # e.g. ("L1d 32K", "L2 1024K", "L3 32768K")
    memory_mb: int = 0
    compiler: str = ""  # first line of `g++ --version`
    openmp: str = ""  # the OpenMP version the compiler implements and the runtime library
    governor: str = ""  # cpufreq scaling governor, or "unreadable: why"
    kernel: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["caches"] = list(self.caches)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MachineProfile:
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        known["caches"] = tuple(known.get("caches") or ())
        return cls(**known)

    def summary(self) -> str:
        """One line: CPU, cores/threads, caches, memory, compiler, OpenMP, governor."""
        cores = f"{self.physical_cores} cores/" if self.physical_cores else ""
        parts = [
            self.cpu_model or "unknown CPU",
            f"{cores}{self.logical_cpus} threads ({self.usable_cpus} usable)",
            ", ".join(self.caches),
            f"{self.memory_mb // 1024} GiB" if self.memory_mb else "",
            self.compiler,
            self.openmp,
            f"governor {self.governor}" if self.governor else "",
        ]
        return "; ".join(p for p in parts if p)


@dataclass(frozen=True)
class MachineLoad:
    """Competing load seen while a measurement ran, and whether it makes the figure suspect.

    `competing` is the run queue from /proc/stat (runnable tasks other than ours) sampled
    before every pair; `stall_share` the share of each run's wall time during which some
    task waited for a CPU (/proc/pressure/cpu), which marks a pair as disturbed; `reference_cpu_share` the median CPU time / wall time of the timed
    reference call (near 1 for a serial reference that had a core to itself); `variation`
    the run-to-run spread of the reference (median absolute deviation / median).
    """

    loadavg_before: float = 0.0
    loadavg_after: float = 0.0
    competing_mean: float = 0.0
    competing_max: int = 0
    reference_cpu_share: float | None = None
    candidate_cpu_share: float | None = None
    variation: float = 0.0
    waited_s: float = 0.0  # time spent waiting for the machine to calm down
    stall_share: float | None = None  # mean share of run time some task waited for a CPU (PSI)
    discarded_pairs: int = 0  # pairs left out because a task waited for a CPU during them
    busy: bool = False
    reasons: tuple[str, ...] = ()  # why it counts as busy

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["reasons"] = list(self.reasons)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MachineLoad:
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        known["reasons"] = tuple(known.get("reasons") or ())
        return cls(**known)

    def summary(self) -> str:
        state = "busy: " + "; ".join(self.reasons) if self.busy else "quiet"
        share = (
            f", reference got {self.reference_cpu_share:.0%} of a CPU"
            if self.reference_cpu_share is not None
            else ""
        )
        waited = f", waited {self.waited_s:.0f}s for quiet" if self.waited_s >= 1 else ""
        if self.stall_share is not None:
            waited += f", CPU stall {self.stall_share:.0%} of run time"
        if self.discarded_pairs:
            waited += f", {self.discarded_pairs} disturbed pairs left out"
        return (
            f"load {self.loadavg_before:.2f}->{self.loadavg_after:.2f}, run queue "
            f"{self.competing_mean:.1f} (max {self.competing_max}){share}, run-to-run "
            f"{self.variation:.0%}{waited}: {state}"
        )


@dataclass(frozen=True)
class Measurement:
    """Interleaved timing of reference against candidate at the benchmark size.

    The speedup is the (trimmed) mean of the paired log ratios reference/candidate,
    exponentiated; `interval` is its confidence interval at `confidence`. Measurement
    stops when the interval's half-width is within `target` (relative), or a repetition
    or time budget is spent (`stop_reason`), or the candidate is hopelessly slower.
    Old records (before intervals) load with `interval` None.
    """

    reference_times: tuple[float, ...]
    candidate_times: tuple[float, ...]
    reference_mean: float  # trimmed mean, seconds
    candidate_mean: float
    reference_spread: float  # (max - min) / trimmed mean of the kept samples
    candidate_spread: float
    threads: int
    size: int
    estimate: float | None = None  # speedup from the paired log ratios
    interval: tuple[float, float] | None = None  # confidence interval of the speedup
    confidence: float = 0.95
    target: float = 0.05  # wanted relative half-width of the interval
    call: SpeedCall | None = None
    reason: str = ""  # why the call is what it is (inconclusive: what was missing)
    stop_reason: str = ""  # "target", "max_reps", "time_budget", "fixed_reps", "much_slower"
    generation_s: float = 0.0  # mean seconds making one input set (per run, or per pair
    # when stored: tools.stored_inputs), process start included; never timed
    wall_s: float = 0.0  # wall time of the whole timing step
    lock_wait_s: float = 0.0  # time spent waiting for the machine-wide timing lock
    load: MachineLoad | None = None
    machine: MachineProfile | None = None
    inputs: str = ""  # how the runs got their inputs ("made by every run", "made once per pair...")

    @property
    def speedup(self) -> float:
        if self.estimate is not None:
            return self.estimate
        return self.reference_mean / self.candidate_mean if self.candidate_mean > 0 else 0.0

    @property
    def reps(self) -> int:
        return len(self.candidate_times)

    @property
    def lower(self) -> float | None:
        return self.interval[0] if self.interval else None

    @property
    def upper(self) -> float | None:
        return self.interval[1] if self.interval else None

    def interval_text(self) -> str:
        """E.g. "1.72x [1.66, 1.79] (95%, 12 pairs)"."""
        if self.interval is None:
            return f"{self.speedup:.2f}x"
        lo, hi = self.interval
        return (
            f"{self.speedup:.2f}x [{lo:.2f}, {hi:.2f}] ({self.confidence:.0%}, "
            f"{self.reps} pair{'s' if self.reps != 1 else ''})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference_times": list(self.reference_times),
            "candidate_times": list(self.candidate_times),
            "reference_mean": self.reference_mean,
            "candidate_mean": self.candidate_mean,
            "reference_spread": self.reference_spread,
            "candidate_spread": self.candidate_spread,
            "threads": self.threads,
            "size": self.size,
            "speedup": self.speedup,
            "interval": list(self.interval) if self.interval else None,
            "confidence": self.confidence,
            "target": self.target,
            "reps": self.reps,
            "call": self.call.value if self.call else None,
            "reason": self.reason,
            "stop_reason": self.stop_reason,
            "generation_s": self.generation_s,
            "wall_s": self.wall_s,
            "lock_wait_s": self.lock_wait_s,
            "load": self.load.to_dict() if self.load else None,
            "machine": self.machine.to_dict() if self.machine else None,
            "inputs": self.inputs,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Measurement:
        interval = d.get("interval")
        return cls(
            reference_times=tuple(d["reference_times"]),
            candidate_times=tuple(d["candidate_times"]),
            reference_mean=float(d["reference_mean"]),
            candidate_mean=float(d["candidate_mean"]),
            reference_spread=float(d["reference_spread"]),
            candidate_spread=float(d["candidate_spread"]),
            threads=int(d["threads"]),
            size=int(d["size"]),
            estimate=float(d["speedup"]) if interval else None,
            interval=(float(interval[0]), float(interval[1])) if interval else None,
            confidence=float(d.get("confidence", 0.95)),
            target=float(d.get("target", 0.05)),
            call=SpeedCall(d["call"]) if d.get("call") else None,
            reason=str(d.get("reason", "")),
            stop_reason=str(d.get("stop_reason", "")),
            generation_s=float(d.get("generation_s", 0.0)),
            wall_s=float(d.get("wall_s", 0.0)),
            lock_wait_s=float(d.get("lock_wait_s", 0.0)),
            load=MachineLoad.from_dict(d["load"]) if d.get("load") else None,
            machine=MachineProfile.from_dict(d["machine"]) if d.get("machine") else None,
            inputs=str(d.get("inputs", "")),
        )


@dataclass(frozen=True)
class ScalingPoint:
    """The candidate at one thread count: speedup over the reference (with its interval)
    and self-relative scaling: `scaling` = candidate time at 1 thread / at `threads`,
    `efficiency` = scaling / threads."""

    threads: int
    speedup: float
    low: float | None
    high: float | None
    candidate_s: float
    scaling: float
    efficiency: float
    call: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ScalingPoint:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


@dataclass(frozen=True)
class Verdict:
    """The pipeline's conclusion on one candidate: status, every step's result, timing."""

    status: Status
    steps: tuple[StepResult, ...]
    measurement: Measurement | None = None

    @property
    def passed(self) -> bool:
        return self.status is Status.PASS

    @property
    def speedup(self) -> float | None:
        return self.measurement.speedup if self.measurement else None

    @property
    def failing_step(self) -> StepResult | None:
        for s in self.steps:
            if not s.ok and not s.skipped:
                return s
        return None

    @property
    def unchecked(self) -> tuple[str, ...]:
        """Every check that could not run (or not fully), "step: why"; a check the caller
        switched off is not listed here (see `not_run`)."""
        return tuple(f"{s.step}: {u}" for s in self.steps for u in s.data.get("unchecked", ()))

    @property
    def not_run(self) -> tuple[str, ...]:
        """Every step reported as skipped, with why (caller's choices included)."""
        return tuple(f"{s.step}: {s.message.removeprefix('skipped: ')}" for s in self.steps
                     if s.skipped)  # fmt: skip

    @property
    def coverage(self) -> dict[str, Any]:
        """What each check covered (calls, sizes, threads, environment variants, race runs)."""
        return {s.step: s.data["coverage"] for s in self.steps if "coverage" in s.data}

    @property
    def parallel(self) -> dict[str, Any] | None:
        """Is the candidate parallel: OpenMP directives (not simd only), omp_* calls or
        threads in its live code, and more than one thread alive after a call at run time
        in difftest or the race runs (None when difftest did not run)."""
        cov = [s.data.get("coverage", {}) for s in self.steps]
        threads = max((int(c.get("max_threads_seen", 0) or 0) for c in cov), default=0)
        probe = next((c["probe"] for c in cov if "probe" in c), None)
        if probe:  # the parallel_size step's fresh one-call runs above the test sizes
            threads = max([threads, *probe.get("threads_seen", [])])
        bench = next((c["threads_used"] for c in cov if "threads_used" in c), None)
        for s in self.steps:
            if s.step == "difftest" and "static" in s.data:
                static = s.data["static"]
                in_code = (static["openmp_directives"] > 0 and not static["simd_only"]) or bool(
                    static["omp_calls"] or static["other_threads"] or static.get("object_threads")
                )
                out = {"parallel": in_code and max(threads, bench or 0) > 1, "in_code": in_code,
                       "threads_at_run_time": threads, "static": static}  # fmt: skip
                if probe and probe.get("parallel_from"):
                    out["parallel_from_n"] = probe["parallel_from"]
                if bench is not None:
                    out["threads_at_bench_size"] = bench
                return out
        return None

    @property
    def message(self) -> str:
        """Model-facing feedback: the failing step's message, or a pass summary."""
        bad = self.failing_step
        if bad is not None:
            return bad.message
        if self.unchecked:
            return "passed the checks that ran; not checked: " + "; ".join(self.unchecked)
        if self.measurement is not None:
            m = self.measurement
            call = f" ({m.call.value.replace('_', ' ')})" if m.call else ""
            return f"passed all checks; speedup {m.interval_text()}{call}"
        return "passed all checks"

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "speedup": self.speedup,
            "message": self.message,
            "unchecked": list(self.unchecked),
            "not_run": list(self.not_run),
            "coverage": self.coverage,
            "parallel": self.parallel,
            "steps": [s.to_dict() for s in self.steps],
            "measurement": self.measurement.to_dict() if self.measurement else None,
        }


# --------------------------------------------------------------------------- runs
# Records of the agent loop and the run store (docs/optimize.md has the store schema).


@dataclass(frozen=True)
class Attempt:
    """One turn of one episode: a model call, the candidate it gave, and its verdict.

    `kind` is "edit" (generate/revise) or "self_check" (the model's equivalence review of
    its own draft; `self_check` is True for those so their effect can be measured).
    `action` says how the prompt was built: "initial", "feedback", "regenerate",
    "reset", "improve", "self_check".
    """

    run_id: str
    episode: str  # "<problem_id>#<sample>"
    turn: int
    problem_id: str
    sample: int
    strategy: str
    stage: str
    kind: str
    action: str
    status: Status
    candidate_id: str | None = None
    parent_id: str | None = None
    speedup: float | None = None
    message: str = ""
    self_check: bool = False


class StopKind(str, Enum):
    """Why the loop (or one episode) stopped before its work was done: a closed set."""

    BUDGET_ATTEMPTS = "budget_attempts"  # an episode used its attempts (episode-level)
    BUDGET_TOKENS = "budget_tokens"
    BUDGET_COST = "budget_cost"
    BUDGET_WALL = "budget_wall"
    BACKEND_ERROR = "backend_error"  # the model endpoint failed (after retries)
    INFRA_ERROR = "infra_error"  # the harness failed (compiler missing, sandbox broken...)


_STOP_LABELS = {
    StopKind.BUDGET_ATTEMPTS: "budget: attempts per episode",
    StopKind.BUDGET_TOKENS: "budget: tokens",
    StopKind.BUDGET_COST: "budget: cost",
    StopKind.BUDGET_WALL: "budget: wall time",
    StopKind.BACKEND_ERROR: "backend error",
    StopKind.INFRA_ERROR: "infrastructure error",
}


@dataclass(frozen=True)
class StopReason:
    """A typed stop: the kind decides (fault? budget?), the detail only informs people."""

    kind: StopKind
    detail: str = ""

    @property
    def is_fault(self) -> bool:
        """The backend or the harness failed: nothing the candidate did; exit status 2."""
        return self.kind in (StopKind.BACKEND_ERROR, StopKind.INFRA_ERROR)

    @property
    def budget_spent(self) -> bool:
        """A token or cost budget ran out: a re-run needs a larger one to continue."""
        return self.kind in (StopKind.BUDGET_TOKENS, StopKind.BUDGET_COST)

    def __str__(self) -> str:
        label = _STOP_LABELS[self.kind]
        if not self.detail:
            return label
        return f"{label}: {self.detail}" if self.is_fault else f"{label} ({self.detail})"


class RunState(str, Enum):
    """A stored run's state: a closed set (store/run_states.py sets it on every exit)."""

    RUNNING = "running"
    FINISHED = "finished"  # every episode ended on its own
    STOPPED_BY_BUDGET = "stopped-by-budget"  # a token, cost or wall budget ran out
    FAILED = "failed"  # the endpoint or the harness failed, or an error escaped
    INTERRUPTED = "interrupted"  # Ctrl-C or SIGTERM
    STOPPED = "stopped"  # runs stored before the states above: ended early

    @classmethod
    def after(cls, stop: StopReason | None) -> RunState:
        """The state a run ends in when the loop returned with `stop`."""
        if stop is None:
            return cls.FINISHED
        return cls.FAILED if stop.is_fault else cls.STOPPED_BY_BUDGET


class EpisodeStatus(str, Enum):
    ACTIVE = "active"
    DONE = "done"  # ended on its own (accepted, or passed untimed)
    STOPPED = "stopped"  # a budget or a stop of the whole loop ended it


@dataclass(frozen=True)
class Episode:
    """One (problem, sample) worked on by the loop, with how it ended."""

    run_id: str
    key: str
    problem_id: str
    sample: int
    strategy: str
    state: EpisodeStatus
    stop_reason: str = ""
    best_candidate_id: str | None = None
    best_speedup: float | None = None
    attempts: int = 0


def hardware_label(cpu: str, cores: int | None) -> str:
    """How a KB entry or a report names a machine: 'AMD EPYC 7B13 (2 cores)'. One format
    for this machine (kb add-seed) and for one a run manifest recorded (kb add-run, synth)."""
    return f"{cpu} ({cores} cores)".strip() if cores else cpu


@dataclass(frozen=True)
class RunManifest:
    """What a run was: resolved config, versions, machine and date."""

    run_id: str
    created: str  # ISO 8601 UTC
    config: dict[str, Any]
    versions: dict[str, str]
    machine: dict[str, Any]

    @property
    def hardware(self) -> str:
        """The machine that measured this run's speedups, e.g. 'AMD EPYC 7B13 (2 cores)'."""
        m = self.machine or {}
        cpu = str(m.get("cpu") or m.get("machine") or m.get("processor") or "")
        return hardware_label(cpu, m.get("cores"))

    @property
    def compiler(self) -> str:
        """The compiler this run built and timed candidates with (its `g++` version)."""
        v = self.versions or {}
        return str(v.get("g++") or "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "created": self.created,
            "config": self.config,
            "versions": self.versions,
            "machine": self.machine,
        }

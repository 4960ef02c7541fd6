"""Generate the C++ harness `main` for a problem from its argument descriptions.

The harness receives its parameters from the sandbox launcher after it has started
(stdin, see parcodegen_harness.h: seed, n, pattern, samples, plan), makes the inputs,
marks each call's start and end for the launcher (which times it: nothing in the process
holds the time), and writes every output with pcg::Out to the results descriptor: in
full, or with samples = K a seeded sample of K elements of each longer array (outputs
compared order-insensitively stay in full). A plan (`harness_plan`) makes several calls in
one process (each with its own seed, size, pattern and thread count; call k > 0 writes
its outputs as "@k:name"), and with `c` checks that no call changed a const input
("@k:__changed:x"). Every call also records the process's live threads after it
("__threads"). The same harness object links against the reference and each candidate.

Scalar inputs are made first (in the order their expressions need) and are visible by
their own names, so sizes, ranges and masks may use them (`size = "n*m"`). Pointer
arguments live in `pcg::buffer<T>` (guarded under PCG_GUARD, see the header). The pattern
`edge<k>` selects the problem's k-th explicit input. A C problem's function is declared
`extern "C"`; the prelude (when there is one) is included, and structs of arithmetic
fields get generated fill/emit functions from their definitions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from parcodegen.cxxtypes import CxxType, Kind, classify
from parcodegen.problems.held import held_values
from parcodegen.types import ArgSpec, Problem, StructDef

HARNESS_HEADER = "parcodegen_harness.h"
CORES_HEADER = "pcg_shown_cores.h"  # the generated harness's only: the core count shown
GUARD_HEADER = "pcg_guarded_inputs.h"  # ... and its const inputs read-only during the call
PRELUDE_HEADER = "pcg_prelude.h"
RESERVED = {"n", "rng", "opt", "out", "result", "t0", "t1", "i", "pcg", "std", "main",
            "pcg_k", "pcg_check", "pcg_window", "pcg_result"}  # fmt: skip
CHANGED_PREFIX = "__changed:"  # "__changed:x": the call changed const input x
# the call left the calling thread's state changed (checked with the const inputs):
FPENV_PREFIX = "__fpenv:"  # "__fpenv:what": its floating-point mode (a wrong result for the caller)
ICV_PREFIX = "__icv:"  # "__icv:what": an OpenMP setting of the caller's (a warning)
THREADS_KEY = "__threads"  # live threads of the process after the call
PATHS_KEY = "__paths"  # path probe builds: per block of the candidate 1 ran, 3 ran in a team
TEAM_KEY = "__team"  # path probe builds: the largest OpenMP team of the process so far
REGIONS_KEY = "__regions"  # path probe builds: (region start, largest team) pairs
PCS_KEY = "__pcs"  # path probe builds: each block's address in the executable
CONFLICTS_KEY = "__conflicts"  # path probe builds: (address, address) of accesses that met
CONFLICTS_CAP = 8192  # conflict pairs reported at most
PATHS_CAP = 1 << 20  # blocks reported at most
PATHS_STACK_MB = 2048  # the path probe's calls run on a thread with this stack


@dataclass(frozen=True)
class PlannedCall:
    """One call of a multi-call harness run; threads > 0: omp_set_num_threads before it."""

    seed: int
    n: int
    pattern: str
    threads: int = 0
    nudge: bool = False  # one element of every plain input array set to its neighbour's
    alt: int = 0  # > 0: the problem's held numbers take their alternative `alt` (held.py)


BATCH_SEED_STEP = 1000003  # call j of a batch gets seed + j * this (parcodegen_harness.h)


def harness_plan(calls: Sequence[PlannedCall], check_inputs: bool = True, batch: int = 0,
                 pairs: bool = False, cores: int = 0, guard: bool = False,
                 fixed_cores: bool = False) -> str:  # fmt: skip
    """The harness's plan for `calls` (see parcodegen_harness.h, parse_plan). `batch` > 1
    with one call: that call made `batch` times (call j on seed + j * BATCH_SEED_STEP,
    outputs tagged per call) in ONE timed window, every call's inputs made before it and
    every output written after it: how calls shorter than the launcher's clock
    resolution are timed. `pairs`: calls k and k+1 made at once from two threads. `cores`
    > 0: the core count the program is shown where a call sets no thread count (a call
    that does shows its own; pcg_shown_cores.h); with `fixed_cores`, shown for every call,
    so a call of more threads than `cores` runs oversubscribed (a table sized by the cores
    and indexed by the thread number is shared). `guard`: const inputs read-only while
    the call runs (pcg_guarded_inputs.h; not with `pairs`, whose two threads make inputs
    while the other calls)."""
    if guard and pairs:
        raise ValueError("guarded inputs are made by one thread at a time")
    if fixed_cores and cores < 1:
        raise ValueError("fixed cores need a count of at least 1")
    if batch > 1 and len(calls) != 1:
        raise ValueError("a batch repeats one planned call")
    items = [f"{c.seed}:{c.n}:{c.pattern}:{c.threads}"
             + (f":{int(c.nudge)}:{c.alt}" if c.alt else ":1" if c.nudge else "")
             for c in calls]  # fmt: skip
    flags = ("c" if check_inputs else "") + (f"b{batch}" if batch > 1 else "")
    flags += ("p" if pairs else "") + ("g" if guard else "") + ("f" if fixed_cores else "")
    flags += f"n{cores}" if cores > 0 else ""
    return ";".join([flags or "-", *items])


def _snapshot(var: str, name: str, k: int) -> tuple[list[str], list[str]]:
    """Copy const input number `k` before the call (when checking); record a change after
    it, and a write while it was read-only (pcg_guarded_inputs.h) that the call undid."""
    setup = [f"  pcg::Snapshot<std::remove_cv_t<decltype({var})>> snap_{name};",
             f"  snap_{name}.take({var}, pcg_check);"]  # fmt: skip
    emit = [f"  if (snap_{name}.changed({var})) "
            f'out.put("{CHANGED_PREFIX}{name}", std::uint64_t{{1}});',
            f"  if (pcg::written_during_call({k})) "
            f'out.put("{CHANGED_PREFIX}{name} (written during the call, put back before it '
            'returned)", std::uint64_t{1});']  # fmt: skip
    return setup, emit


IDENT = re.compile(r"[A-Za-z_]\w*")


def harness_ctype(ctype: str) -> str:
    """A parameter type as C++ spells it (C's `restrict` and `_Bool`)."""
    return re.sub(r"\b_Bool\b", "bool", re.sub(r"\brestrict\b", "__restrict__", ctype))


def declaration(problem: Problem) -> str:
    params = ", ".join(f"{harness_ctype(a.ctype)} {a.name}" for a in problem.args)
    decl = f"{harness_ctype(problem.returns)} {problem.function}({params});"
    return f'extern "C" {decl}' if problem.language == "c" else decl


def _bound(value: object, default: float | int) -> str:
    if value is None:
        return repr(float(default))
    if isinstance(value, str):
        return f"static_cast<double>({value})"
    if not isinstance(value, int | float):
        raise TypeError(f"a range bound is a number or a C++ expression, got {value!r}")
    return repr(float(value))


def _range(arg: ArgSpec, is_float: bool) -> tuple[str, str]:
    lo, hi = arg.range if arg.range is not None else (None, None)
    return _bound(lo, 0.0 if is_float else 0), _bound(hi, 1.0 if is_float else 100)


def _literal(v: object) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    f = float(v)  # type: ignore[arg-type,unused-ignore]
    if math.isnan(f):
        return "std::numeric_limits<double>::quiet_NaN()"
    if math.isinf(f):
        return ("-" if f < 0 else "") + "std::numeric_limits<double>::infinity()"
    return repr(f)


def _values(v: object) -> str:
    items = v if isinstance(v, (list, tuple)) else [v]
    return "std::vector<double>{" + ", ".join(_literal(x) for x in items) + "}"


def _struct_functions(s: StructDef) -> list[str]:
    fill = [f"[[maybe_unused]] static void pcg_fill_{s.name}({s.name}* p, std::size_t count, "
            "pcg::Rng& rng, double lo, double hi) {",
            "  for (std::size_t i = 0; i < count; ++i) {"]  # fmt: skip
    emit = [f"[[maybe_unused]] static void pcg_emit_{s.name}(pcg::Out& out, const char* name, "
            f"const {s.name}* p, std::size_t count) {{"]  # fmt: skip
    for f in s.fields:
        if f.count == 1:
            fill.append(f"    p[i].{f.name} = pcg::draw<{f.ctype}>(rng, lo, hi);")
        else:
            fill.append(f"    for (std::size_t k = 0; k < {f.count}; ++k) "
                        f"p[i].{f.name}[k] = pcg::draw<{f.ctype}>(rng, lo, hi);")  # fmt: skip
        emit.append("  {")
        emit.append(f"    std::vector<{f.ctype}> tmp(count * {f.count});")
        if f.count == 1:
            emit.append(f"    for (std::size_t i = 0; i < count; ++i) tmp[i] = p[i].{f.name};")
        else:
            emit.append(f"    for (std::size_t i = 0; i < count; ++i) for (std::size_t k = 0; "
                        f"k < {f.count}; ++k) tmp[i * {f.count} + k] = p[i].{f.name}[k];")  # fmt: skip
        emit.append(f'    out.put((std::string(name) + ".{f.name}").c_str(), tmp);')
        emit.append("  }")
    return fill + ["  }", "}"] + emit + ["}"]


class _Gen:
    def __init__(self, problem: Problem):
        self.problem = problem
        self.structs = {s.name: s for s in problem.structs}
        self.infos = {a.name: classify(a.ctype, self.structs) for a in problem.args}
        self.masks = {name: spec.mask for name, spec in problem.compare_outputs if spec.mask}
        self.held = {h.name: h for h in held_values(problem)}

    def held_or(self, name: str, fixed: str) -> str:
        """`fixed`, or the call's alternative when the problem holds this number (held.py)."""
        h = self.held.get(name)
        if h is None:
            return f"({fixed})"
        picks = " : ".join(f"opt.alt == {j} ? {v}" for j, v in enumerate(h.alternatives, 1))
        return f"({picks} : ({fixed}))"

    def size_of(self, name: str) -> str:
        arg = next(a for a in self.problem.args if a.name == name)
        info = self.infos[name]
        if info.container == "array":
            return f"({info.extent})"
        return f"static_cast<std::size_t>{self.held_or(name, str(arg.size))}"

    def edges_for(self, name: str) -> list[tuple[int, object]]:
        return [(k, dict(e.values)[name]) for k, e in enumerate(self.problem.edges)
                if name in dict(e.values)]  # fmt: skip

    def scalar(self, arg: ArgSpec, info: CxxType) -> tuple[list[str], str, list[str]]:
        var, t = f"arg_{arg.name}", info.element
        lo, hi = _range(arg, info.is_float)
        setup: list[str] = []
        emit: list[str] = []
        if info.struct is not None:
            setup.append(f"  {t} {var}{{}};")
            if info.kind is Kind.SCALAR_IN or arg.range is not None:
                setup.append(f"  pcg_fill_{t}(&{var}, 1, rng, {lo}, {hi});")
            if info.kind is Kind.SCALAR_OUT:
                emit.append(f'  pcg_emit_{t}(out, "{arg.name}", &{var}, 1);')
            return setup, var, emit
        if info.is_complex:
            real = info.element[len("std::complex<") : -1]
            draw = f"pcg::draw<{real}>(rng, {lo}, {hi})"
            init = f"{t}({draw}, {draw})"
        else:
            init = f"pcg::draw<{t}>(rng, {lo}, {hi})"
        if info.kind is Kind.SCALAR_IN:
            if arg.value is not None:
                init = f"static_cast<{t}>{self.held_or(arg.name, arg.value)}"
            setup.append(f"  {t} {var} = {init};")
            if arg.at_most is not None:
                setup.append(f"  if ({var} > static_cast<{t}>({arg.at_most})) "
                             f"{var} = static_cast<{t}>({arg.at_most});")  # fmt: skip
            for k, v in self.edges_for(arg.name):
                setup.append(f"  if (opt.edge == {k}) {var} = static_cast<{t}>({_literal(v)});")
            if arg.name not in RESERVED:
                setup.append(f"  [[maybe_unused]] const {t}& {arg.name} = {var};")
            return setup, var, emit
        start = init if arg.range is not None else f"{t}{{}}"
        setup.append(f"  {t} {var} = {start};")
        emit.append(f'  out.put("{arg.name}", {var});')
        return setup, var, emit

    def array(self, arg: ArgSpec, info: CxxType) -> tuple[list[str], str, list[str]]:
        var, t = f"arg_{arg.name}", info.element
        lo, hi = _range(arg, info.is_float)
        setup: list[str] = []
        emit: list[str] = []
        if info.container == "array":
            setup.append(f"  {info.base} {var}{{}};")
        elif info.container == "vector":
            setup.append(f"  {info.base} {var}({self.size_of(arg.name)});")
        else:
            setup.append(f"  pcg::buffer<{t}> {var}({self.size_of(arg.name)});")
            setup.append(
                f'  pcg::note_buffer("{arg.name}", pcg::data_of({var}), {var}.size() * sizeof({t}));'
            )
        data, count = (f"{var}.data()", f"{var}.size()")
        pattern = "opt.pattern" if info.kind is Kind.ARRAY_IN else "pcg::Pattern::Random"
        fills = info.kind is Kind.ARRAY_IN or arg.init == "random"
        # making an array's content is skipped when the inputs are loaded (pcg_make)
        if info.struct is not None:
            if fills:
                setup.append(f"  if (pcg_make) pcg_fill_{t}({data}, {count}, rng, {lo}, {hi});")
        elif arg.index_into is not None:
            limit = self.size_of(arg.index_into)
            setup.append(
                f"  if (pcg_make) pcg::fill_indices({data}, {count}, rng, {limit}, {pattern});"
            )
        elif arg.offsets_into is not None:
            total = self.size_of(arg.offsets_into)
            setup.append(f"  if (pcg_make) pcg::fill_offsets({data}, {count}, rng, {total});")
        elif fills:
            setup.append(f"  if (pcg_make) pcg::fill({var}, rng, {lo}, {hi}, {pattern});")
        for k, v in self.edges_for(arg.name):
            if info.is_complex:
                real = info.element[len("std::complex<") : -1]
                target = f"reinterpret_cast<{real}*>({data}), 2 * {count}"
            elif info.container == "vector":
                target = var
            else:
                target = f"{data}, {count}"
            setup.append(f"  if (pcg_make && opt.edge == {k}) "
                         f'pcg::assign_edge({target}, {_values(v)}, "{arg.name}");')  # fmt: skip
        if info.kind is Kind.ARRAY_OUT:
            mask = self.masks.get(arg.name)
            if mask:
                emit.append(f"  for (std::size_t i = 0; i < {count}; ++i) "
                            f"if (!({mask})) {var}[i] = {t}{{}};")  # fmt: skip
            if info.struct is not None:
                emit.append(f'  pcg_emit_{t}(out, "{arg.name}", {data}, {count});')
            elif info.container == "vector" and t == "bool":
                emit.append(f'  out.put("{arg.name}", {var});')
            else:
                emit.append(f'  out.put("{arg.name}", {data}, {count});')
        call = var if info.container in ("vector", "array") else f"pcg::data_of({var})"
        return setup, call, emit

    def hooked(self, arg: ArgSpec, info: CxxType) -> tuple[list[str], str, list[str]]:
        var = f"arg_{arg.name}"
        setup = [f"  {info.base} {var}{{}};",
                 f"  if (pcg_make) make_{arg.hook}({var}, rng, n, opt.pattern);"]  # fmt: skip
        is_input = "const" in arg.ctype.split() or not arg.ctype.rstrip().endswith(("&", "*"))
        emit = [] if is_input else [f'  emit_{arg.hook}({var}, out, "{arg.name}");']
        call = f"&{var}" if arg.ctype.rstrip().endswith("*") else var
        return setup, call, emit


def _scalar_order(problem: Problem, infos: dict[str, CxxType]) -> list[ArgSpec]:
    """Scalar inputs, each after the scalars its expressions name (else declaration order)."""
    scalars = [a for a in problem.args if not a.hook and infos[a.name].kind is Kind.SCALAR_IN]
    names = {a.name for a in scalars}
    done: list[ArgSpec] = []
    pending = list(scalars)
    while pending:
        for a in pending:
            text = " ".join(str(x) for x in (a.value, a.at_most, *(a.range or ())) if x is not None)
            needs = (set(IDENT.findall(text)) & names) - {a.name} - {d.name for d in done}
            if not needs:
                done.append(a)
                pending.remove(a)
                break
        else:  # a cycle: keep declaration order (the compiler will say what is undefined)
            done.extend(pending)
            break
    return done


# The race build (ThreadSanitizer): interceptors called from the shared libraries (the
# OpenMP runtime, Archer, the C and C++ libraries) are not checked, as with TSan's
# ignore_noninstrumented_modules=1, which also stopped it from checking the program's own
# memcpy/memmove/memset (std::copy into a shared buffer from two threads raced unseen).
SUPPRESSED_LIBRARIES = ("libomp.so", "libarcher.so", "libstdc++.so", "libc.so", "libm.so",
                        "libgcc_s.so", "libpthread.so", "ld-linux")  # fmt: skip
# LLVM 14's libomp hands a nested (inner) team's threads back to its pool when the inner
# region ends, and Archer then misses, now and then, the join's ordering for a thread that
# moved to another team: correct nested code was reported racy (7 of 60 processes of 400
# nested calls, benchmarks/nested_race_artifacts.py). Before main, the race build starts
# libomp with hot teams at every level (each team keeps its threads) and takes the
# variable out of the environment again: the candidate sees the environment every build
# has. Only the race build: in the path probe's build (libomp too) hot teams hid the
# concurrency of a task and its creator and of a lock-free claim (suite mutants passed).
RACE_BUILD_HOT_TEAMS = "KMP_HOT_TEAMS_MAX_LEVEL"
RACE_BUILD_SETUP = [
    "#if defined(__has_feature)",
    "#if __has_feature(thread_sanitizer)",
    "#include <cstdlib>",
    'extern "C" const char* __tsan_default_suppressions() {',
    "  return " + " ".join(f'"called_from_lib:{lib}\\n"' for lib in SUPPRESSED_LIBRARIES) + ";",
    "}",
    "#ifdef _OPENMP",
    "__attribute__((constructor)) static void pcg_hot_teams() {",
    f'  if (std::getenv("{RACE_BUILD_HOT_TEAMS}") != nullptr) return;  // set: left as it is',
    f'  setenv("{RACE_BUILD_HOT_TEAMS}", "4", 1);',
    "  (void)omp_get_max_threads();  // libomp reads its environment now",
    f'  unsetenv("{RACE_BUILD_HOT_TEAMS}");',
    "}",
    "#endif",
    "#endif",
    "#endif",
]


def harness_source(problem: Problem, paths: bool = False) -> str:
    """The full harness translation unit for `problem`; `paths`: for the path probe's
    build (tools/path_probe.py), each call also reports which blocks of the candidate ran
    (PATHS_KEY) and the largest OpenMP team so far (TEAM_KEY)."""
    gen = _Gen(problem)
    lines = [
        "// Generated by parcodegen: the test harness for one problem. Do not edit.",
        f'#include "{HARNESS_HEADER}"',
        f'#include "{CORES_HEADER}"',
        f'#include "{GUARD_HEADER}"',
        "#include <cfenv>",
        "#include <cstdint>",
        "#include <limits>",
        "#include <string>",
        "#include <vector>",
    ]
    if problem.prelude:
        if problem.language == "c":
            lines += ['extern "C" {', f'#include "{PRELUDE_HEADER}"', "}"]
        else:
            lines.append(f'#include "{PRELUDE_HEADER}"')
    if problem.hooks_header:
        lines.append(f'#include "{problem.hooks_header}"')
    lines += [  # only the harness's own TU sees <omp.h> (see parcodegen_harness.h)
        "#ifdef _OPENMP",
        "#include <omp.h>",
        "#endif",
        "#if defined(__SSE__)",
        "#include <xmmintrin.h>",
        "#endif",
        "namespace pcg {",
        "static int process_cores = 0;  // the plan's nK: the cores shown when a call sets none",
        "static bool fixed_cores = false;  // the plan's 'f': nK shown for every call",
        "static void set_threads(int threads) {",
        "  show_cores(threads > 0 && !fixed_cores ? threads : process_cores);",
        "#ifdef _OPENMP",
        "  if (threads > 0) omp_set_num_threads(threads);",
        "#endif",
        "}",
        *_CALLER_STATE,
        "}  // namespace pcg",
        *RACE_BUILD_SETUP,
    ]
    for s in problem.structs:
        if s.definition not in problem.prelude:
            lines.append(s.definition)
        lines.extend(_struct_functions(s))
        # arithmetic fields only: stored inputs hold its bytes
        lines.append(f"template <> struct pcg::stored_as_bytes<{s.name}> : std::true_type {{}};")
    lines.append("")
    lines.append(declaration(problem))
    lines.append("")
    if paths:
        lines.append('extern "C" std::size_t pcg_paths(unsigned char*, std::size_t, int*);')
        lines.append('extern "C" std::size_t pcg_regions(std::uint64_t*, std::size_t);')
        lines.append('extern "C" std::size_t pcg_block_pcs(std::uint64_t*, std::size_t);')
        lines.append('extern "C" std::size_t pcg_conflicts(std::uint64_t*, std::size_t);')
        lines.append("")
    lines.extend(_PAIR_TURNS)
    lines.append(
        "// One call: inputs from (seed, n, pattern); outputs tagged by the call (Out::tag)."
    )
    lines.append("static void pcg_call(const pcg::Call& opt, std::size_t pcg_k, pcg::Out& out, "
                 "bool pcg_check, pcg::Window& pcg_window) {")  # fmt: skip
    lines.append("  pcg_pair_turn(0);  // a paired call's inputs: one thread at a time")
    lines.append("  const std::size_t n = opt.n;")
    lines.append("  (void)n;")
    lines.append("  (void)pcg_check;")
    lines.append("  pcg::Rng rng(opt.seed);")
    lines.append("  const bool pcg_make = pcg::input_mode() != pcg::InputMode::Load;")
    lines.append("  (void)pcg_make;")
    calls: dict[str, str] = {}
    emits: list[str] = []
    snapshots: list[str] = []
    stored: list[str] = []
    guarded_count = 0  # const inputs numbered in order (pcg_guarded_inputs.h)
    ordered = _scalar_order(problem, gen.infos)
    rest = [a for a in problem.args if a not in ordered]
    for arg in ordered + rest:
        info = gen.infos[arg.name]
        if arg.hook:
            setup, call, emit = gen.hooked(arg, info)
        elif info.container == "scalar":
            setup, call, emit = gen.scalar(arg, info)
        else:
            setup, call, emit = gen.array(arg, info)
        guarded = _is_const_input(arg, info)
        if guarded:  # its blocks get pages of their own (pcg_guarded_inputs.h)
            lines.append(f"  pcg::guard_allocations({guarded_count});")
        lines.extend(setup)
        if guarded:
            lines.append("  pcg::guard_allocations(-1);")
        calls[arg.name] = call
        emits.extend(emit)
        if not _blank_output(arg, info, gen):
            stored.append(f"arg_{arg.name}")
        if guarded:
            var = f"arg_{arg.name}"
            snap_setup, snap_emit = _snapshot(var, arg.name, guarded_count)
            snapshots.extend(snap_setup)
            emits.extend(snap_emit)
            guarded_count += 1
    lines.extend(_transfer(stored))
    for arg in problem.args:  # after the inputs are complete, before the snapshots
        if not arg.hook and gen.infos[arg.name].kind is Kind.ARRAY_IN:
            lines.append(f"  if (opt.nudge) pcg::nudge(arg_{arg.name});")
    lines.extend(snapshots)  # after the inputs are complete (made or loaded)
    call = f"{problem.function}({', '.join(calls[a.name] for a in problem.args)})"
    lines.append("  pcg::set_threads(opt.threads);")
    lines.append("  const pcg::CallerState pcg_before = pcg::caller_state();")
    lines.append("  if (pcg_check) pcg::protect_inputs(true);")
    # the call runs in a timed window (pcg::Window: its own, or one shared by a batch)
    if problem.returns == "void":
        lines.append(f"  pcg_window.call([&] {{ {call}; }});")
    else:
        lines.append(f"  std::optional<pcg::Returned<std::decay_t<decltype({call})>>> pcg_result;")
        lines.append("  pcg_window.call([&] { pcg_result.emplace([&]() -> decltype(auto) { "
                     f"return {call}; }}); }});")  # fmt: skip
        lines.append("  auto& result = pcg_result->value;")
    body: list[str] = [
        "  pcg_pair_turn(2);  // a paired call's outputs: one thread at a time",
        "  if (pcg_check) pcg::protect_inputs(false);",
        "  const std::uint64_t pcg_live = pcg::live_threads();",
        f'  out.put("{THREADS_KEY}", pcg_live);',
        "  if (pcg_check) pcg::note_caller_state(out, pcg_before);",
        "  if (pcg_check) pcg::note_team_state(out, pcg_before, pcg_live);",
    ]
    if paths:
        body += [f"  static std::vector<unsigned char> pcg_blocks({PATHS_CAP});",
                 "  int pcg_team = 0;",
                 "  const std::size_t pcg_nb = pcg_paths(pcg_blocks.data(), pcg_blocks.size(), "
                 "&pcg_team);",
                 f'  out.put("{PATHS_KEY}", pcg_blocks.data(), std::min(pcg_nb, pcg_blocks.size()));',
                 f'  out.put("{TEAM_KEY}", pcg_team);',
                 "  static std::vector<std::uint64_t> pcg_reg(2 * 256);",
                 "  const std::size_t pcg_nr = pcg_regions(pcg_reg.data(), 256);",
                 f'  out.put("{REGIONS_KEY}", pcg_reg.data(), 2 * std::min<std::size_t>(pcg_nr, 256));',
                 f"  static std::vector<std::uint64_t> pcg_pcs({PATHS_CAP});",
                 "  const std::size_t pcg_np = pcg_block_pcs(pcg_pcs.data(), pcg_pcs.size());",
                 f'  out.put("{PCS_KEY}", pcg_pcs.data(), std::min(pcg_np, pcg_pcs.size()));',
                 f"  static std::vector<std::uint64_t> pcg_cf(2 * {CONFLICTS_CAP});",
                 f"  const std::size_t pcg_nc = pcg_conflicts(pcg_cf.data(), {CONFLICTS_CAP});",
                 f'  out.put("{CONFLICTS_KEY}", pcg_cf.data(), '
                 f"2 * std::min<std::size_t>(pcg_nc, {CONFLICTS_CAP}));"]  # fmt: skip
    if problem.returns != "void":
        ret = classify(problem.returns, gen.structs)
        if problem.returns_hook:
            body.append(f'  emit_{problem.returns_hook}(result, out, "return");')
        elif ret.struct is not None and ret.container == "vector":
            body.append(f'  pcg_emit_{ret.element}(out, "return", result.data(), result.size());')
        elif ret.struct is not None:
            body.append(f'  pcg_emit_{ret.element}(out, "return", &result, 1);')
        else:
            body.append('  out.put("return", result);')
    body.extend(emits)
    lines.append('  out.tag = pcg::tagged(pcg_k, "");  // every record of this call is tagged')
    lines.extend(body)
    lines.append("  pcg_pair_turn(3);")
    lines.append("}")
    lines.append("")
    lines.append("static int pcg_main(int argc, char** argv) {" if paths else
                 "int main(int argc, char** argv) {")  # fmt: skip
    lines.append("  const pcg::Options opt = pcg::parse_options(argc, argv);")
    lines.append("  pcg::process_cores = opt.cores;")
    lines.append("  pcg::fixed_cores = opt.fixed_cores;")
    lines.append("  pcg::enable_guarded_inputs(opt.guard);")
    # Sampled outputs (timing repetitions) only where comparison is by position.
    samples = "0" if problem.compare.unordered else "opt.samples"
    lines.append(f"  pcg::Out out({samples}, opt.seed);")
    for name, spec in problem.compare_outputs:
        if spec.unordered:
            lines.append(f'  out.keep_full("{name}");')
    if paths:
        lines.append(f'  out.keep_full("{PATHS_KEY}");')
        lines.append(f'  out.keep_full("{REGIONS_KEY}");')
        lines.append(f'  out.keep_full("{PCS_KEY}");')
        lines.append(f'  out.keep_full("{CONFLICTS_KEY}");')
    lines.append(
        "  if (opt.batch > 1 && opt.calls.size() > 1) {  // one timed window for all calls"
    )
    lines.append("    pcg::Window pcg_window(opt.calls.size());")
    lines.append("    pcg_window.next = [&](std::size_t k) "
                 "{ pcg_call(opt.calls[k], k, out, opt.check_inputs, pcg_window); };")  # fmt: skip
    lines.append("    pcg_window.next(0);")
    lines.append("    std::fflush(out.f);")
    lines.append("    return 0;")
    lines.append("  }")
    lines.extend(_paired_calls())
    lines.append("  for (std::size_t k = 0; k < opt.calls.size(); ++k) {")
    lines.append('    if (opt.calls.size() > 1) std::fprintf(stderr, "pcg-call %zu\\n", k);')
    lines.append("    pcg::Window pcg_window(1);")
    lines.append("    pcg_call(opt.calls[k], k, out, opt.check_inputs, pcg_window);")
    lines.append("    std::fflush(out.f);")
    lines.append("  }")
    lines.append("  return 0;")
    lines.append("}")
    if paths:
        lines.extend(_big_stack_main())
    return "\n".join(lines) + "\n"


# What a call may not leave changed for its caller: the calling thread's floating-point
# mode (flush-to-zero, denormals-are-zero, rounding: the caller's later arithmetic changes)
# and its OpenMP settings (omp_set_num_threads / omp_set_dynamic / ... inside the function:
# the caller's next parallel regions change; a warning only). Checked around calls that
# check their const inputs (pcg_check).
# The floating-point mode of the other threads of the caller's OpenMP team too: libgomp's
# pool threads run the caller's next parallel regions in the mode a call left them in
# (`if (omp_get_thread_num() != 0) _mm_setcsr(...)`, or the caller's mode saved before a
# region, set in all its threads and restored after it in the caller's only). A thread
# starts in its creator's mode (POSIX) and every earlier call of the process was checked,
# so before the call each of them had the caller's mode: after it, one region of the
# caller's team size reads each thread's (no more threads than are alive, so a call that
# started none gets none started: `__threads` still tells a serial call). Not in sanitizer
# builds: the race build runs LLVM's libomp, which gives a team the caller's mode at every
# region, and an extra region between calls orders them for ThreadSanitizer.
_CALLER_STATE = [
    "#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)",
    "#define PCG_TEAM_FPENV 0",
    "#elif defined(__has_feature)",
    "#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)",
    "#define PCG_TEAM_FPENV 0",
    "#endif",
    "#endif",
    "#ifndef PCG_TEAM_FPENV",
    "#define PCG_TEAM_FPENV 1",
    "#endif",
    "struct CallerState {",
    "  int threads = 0, dynamic = 0, levels = 0, sched = 0, chunk = 0, rounding = 0;",
    "  unsigned csr = 0;",
    "};",
    "static void fp_state(CallerState& s) {  // this thread's floating-point mode",
    "  s.rounding = std::fegetround();",
    "#if defined(__SSE__)",
    "  s.csr = _mm_getcsr() & 0xFFC0u;  // DAZ, exception masks, rounding, flush-to-zero",
    "#endif",
    "}",
    "static CallerState caller_state() {",
    "  CallerState s;",
    "#ifdef _OPENMP",
    "  s.threads = omp_get_max_threads();",
    "  s.dynamic = omp_get_dynamic();",
    "  s.levels = omp_get_max_active_levels();",
    "  omp_sched_t kind;",
    "  omp_get_schedule(&kind, &s.chunk);",
    "  s.sched = static_cast<int>(kind);",
    "#endif",
    "  fp_state(s);",
    "  return s;",
    "}",
    "struct FpField { const char* what; int shift; unsigned mask; };  // shift < 0: fegetround",
    "static const FpField fp_fields[] = {",
    '    {"rounding mode (fegetround)", -1, 0u}, {"flush-to-zero (MXCSR bit 15)", 15, 1u},',
    '    {"denormals-are-zero (MXCSR bit 6)", 6, 1u}, {"SSE rounding (MXCSR bits 13-14)", 13, 3u},',
    '    {"exception masks (MXCSR bits 7-12)", 7, 63u}};',
    "static long fp_value(const CallerState& s, const FpField& f) {",
    "  return f.shift < 0 ? s.rounding : static_cast<long>((s.csr >> f.shift) & f.mask);",
    "}",
    "static void note_state(Out& out, const char* prefix, const char* what, long before, long after) {",
    "  if (before == after) return;",
    "  char name[256];",
    '  std::snprintf(name, sizeof name, "%s%s (%ld before the call, %ld after)", prefix, what, '
    "before, after);",
    "  out.put(name, std::uint64_t{1});",
    "}",
    "static void note_caller_state(Out& out, const CallerState& before) {",
    "  const CallerState now = caller_state();",
    f'  const char* fp = "{FPENV_PREFIX}";',
    f'  const char* icv = "{ICV_PREFIX}";',
    "  for (const FpField& f : fp_fields) note_state(out, fp, f.what, fp_value(before, f), fp_value(now, f));",
    '  note_state(out, icv, "omp_get_max_threads()", before.threads, now.threads);',
    '  note_state(out, icv, "omp_get_dynamic()", before.dynamic, now.dynamic);',
    '  note_state(out, icv, "omp_get_max_active_levels()", before.levels, now.levels);',
    '  note_state(out, icv, "omp_get_schedule() kind", before.sched, now.sched);',
    '  note_state(out, icv, "omp_get_schedule() chunk", before.chunk, now.chunk);',
    "}",
    "// `live`: the process's threads after the call (the caller and the pools' threads)",
    "static void note_team_state(Out& out, const CallerState& before, std::uint64_t live) {",
    "#if defined(_OPENMP) && PCG_TEAM_FPENV",
    "  if (omp_get_level() > 0) return;  // a paired call: its regions are nested (one thread)",
    "  const int team = live < static_cast<std::uint64_t>(before.threads) ? static_cast<int>(live)",
    "                                                                      : before.threads;",
    "  if (team < 2) return;",
    "  std::vector<CallerState> seen(static_cast<std::size_t>(team));",
    "  std::vector<char> ran(static_cast<std::size_t>(team), 0);",
    "#pragma omp parallel num_threads(team)",
    "  {",
    "    const int t = omp_get_thread_num();",
    "    if (t < team) {",
    "      fp_state(seen[static_cast<std::size_t>(t)]);",
    "      ran[static_cast<std::size_t>(t)] = 1;",
    "    }",
    "  }",
    "  int others = 0;",
    "  for (int t = 1; t < team; ++t) others += ran[static_cast<std::size_t>(t)];",
    "  for (const FpField& f : fp_fields) {",
    "    const long was = fp_value(before, f);",
    "    long now = was;",
    "    int changed = 0;",
    "    for (int t = 1; t < team; ++t) {",
    "      const long v = fp_value(seen[static_cast<std::size_t>(t)], f);",
    "      if (!ran[static_cast<std::size_t>(t)] || v == was) continue;",
    "      if (changed++ == 0) now = v;",
    "    }",
    "    if (changed == 0) continue;",
    "    char what[200];",
    '    std::snprintf(what, sizeof what, "%s of %d of the %d other threads of the caller\'s "',
    '                  "OpenMP team, which run its next parallel region", f.what, changed, others);',
    f'    note_state(out, "{FPENV_PREFIX}", what, was, now);',
    "  }",
    "#else",
    "  (void)out;",
    "  (void)before;",
    "  (void)live;",
    "#endif",
    "}",
]


# Paired calls (main's plan 'p'): thread 0 makes its call's inputs while thread 1 waits,
# then thread 1 makes its own; both calls start together after a barrier; thread 0 writes
# its outputs, then thread 1. Only the two calls overlap: making inputs and writing outputs
# may use state of the problem's hooks (a ParEval driver's one Context and std::rand).
_PAIR_TURNS = [
    "static thread_local int pcg_pair_who = -1;  // the thread's place in a pair (-1: none)",
    "static void pcg_pair_wait() {",
    "#ifdef _OPENMP",
    "#pragma omp barrier",
    "#endif",
    "}",
    "// stage 0 (before the inputs), 2 (after the call), 3 (after the outputs)",
    "static void pcg_pair_turn(int stage) {",
    "  if (pcg_pair_who < 0) return;",
    "  if (stage == 0 && pcg_pair_who == 1) pcg_pair_wait();  // thread 0 makes its inputs first",
    "  if (stage == 2) pcg_pair_wait();  // both calls have returned",
    "  if (stage == 2 && pcg_pair_who == 1) pcg_pair_wait();  // thread 0 writes its outputs first",
    "  if (stage == 3 && pcg_pair_who == 0) pcg_pair_wait();",
    "}",
    "// the Window's `before`: the calls start together",
    "static void pcg_pair_start() {",
    "  if (pcg_pair_who == 0) pcg_pair_wait();  // thread 1 makes its inputs meanwhile",
    "  pcg_pair_wait();",
    "}",
    "",
]


def _paired_calls() -> list[str]:
    """main's plan with 'p': calls k and k+1 made at once, by the two threads of an OpenMP
    parallel region (the program's nested regions off, as by default): a function called
    from a user's threads or parallel region. Call k+1's records wait in memory and follow
    call k's; one timed window ('S' ... 'E') holds both. Without OpenMP (or a team of one)
    the two calls are made one after the other."""
    return [
        "  if (opt.pairs) {",
        "    for (std::size_t k = 0; k < opt.calls.size(); k += 2) {",
        '      std::fprintf(stderr, "pcg-call %zu\\n", k);',
        "      const bool two = k + 1 < opt.calls.size();",
        "      pcg::Out side(pcg::Out::Side{}, out);",
        "      int pcg_team = 1;",
        "      (void)pcg_team;",
        "      pcg::call_begin();  // one timed window around both",
        "#ifdef _OPENMP",
        "#pragma omp parallel num_threads(2) if (two)",
        "#endif",
        "      {",
        "        int who = 0;",
        "#ifdef _OPENMP",
        "        who = omp_get_thread_num();",
        "#pragma omp single",
        "        pcg_team = omp_get_num_threads();",
        "#endif",
        "        pcg_pair_who = pcg_team == 2 ? who : -1;",
        "        auto start = pcg_team == 2 ? pcg_pair_start : nullptr;",
        "        if (who == 0) {",
        "          pcg::Window pcg_window(1, false, start);",
        "          pcg_call(opt.calls[k], k, out, opt.check_inputs, pcg_window);",
        "        }",
        "        if (two && (who == 1 || pcg_team == 1)) {",
        "          pcg::Window pcg_window(1, false, start);",
        "          pcg_call(opt.calls[k + 1], k + 1, side, opt.check_inputs, pcg_window);",
        "        }",
        "        pcg_pair_who = -1;",
        "      }",
        "      pcg::call_end();",
        "      side.side_to(out);",
        "      std::fflush(out.f);",
        "    }",
        "    return 0;",
        "  }",
    ]


def _big_stack_main() -> list[str]:
    """The path probe's main: the calls run on a thread with a PATHS_STACK_MB stack. The
    probe build is clang's, whose OpenMP lowering may put an n-element temporary on the
    stack (an `inscan` reduction did, and crashed at the benchmark size where the tested
    g++ build runs): a crash there would leave the probe blind, not the candidate wrong."""
    return ["#include <pthread.h>",
            "struct PcgArgs { int argc; char** argv; int rc; };",
            "static void* pcg_run(void* p) {",
            "  auto* a = static_cast<PcgArgs*>(p);",
            "  a->rc = pcg_main(a->argc, a->argv);",
            "  return nullptr;",
            "}",
            "int main(int argc, char** argv) {",
            "  PcgArgs args{argc, argv, 0};",
            "  pthread_attr_t attr;",
            "  pthread_attr_init(&attr);",
            f"  pthread_attr_setstacksize(&attr, std::size_t({PATHS_STACK_MB}) << 20);",
            "  pthread_t t;",
            "  if (pthread_create(&t, &attr, pcg_run, &args) != 0) return pcg_main(argc, argv);",
            "  pthread_join(t, nullptr);",
            "  return args.rc;",
            "}"]  # fmt: skip


def _blank_output(arg: ArgSpec, info: CxxType, gen: _Gen) -> bool:
    """An output that starts empty (zeros): nothing of it to store with the inputs."""
    if arg.hook or gen.edges_for(arg.name):
        return False
    if info.kind is Kind.ARRAY_OUT:
        return arg.init != "random"
    return info.kind is Kind.SCALAR_OUT and arg.range is None


def _transfer(stored: list[str]) -> list[str]:
    """Save mode: write the made inputs to fd 4 and exit (no call); load mode: read them
    from fd 5 (see parcodegen_harness.h, InputWriter)."""
    storable = " && ".join(f"pcg::storable_v<decltype({v})>" for v in stored) or "true"
    out = [f"  constexpr bool pcg_storable = {storable};",
           "  if (pcg::input_mode() == pcg::InputMode::Save) {",
           "    pcg::InputWriter pcg_w(pcg_storable);",
           "    if (pcg_storable) {"]  # fmt: skip
    out += [f"      pcg::store(pcg_w, {v});" for v in stored]
    out += ["    }", "    pcg_w.finish();", "  }",
            "  if (pcg::input_mode() == pcg::InputMode::Load) {",
            "    pcg::InputReader pcg_r;"]  # fmt: skip
    out += [f"    pcg::load(pcg_r, {v});" for v in stored]
    out += ["    pcg_r.finish();", "  }"]
    return out


def _is_const_input(arg: ArgSpec, info: CxxType) -> bool:
    """An input the function receives by const reference or pointer (it must not change)."""
    if arg.hook:
        t = arg.ctype.strip()
        return "const" in re.split(r"[\s&*]+", t) and t.endswith(("&", "*"))
    return info.kind is Kind.ARRAY_IN

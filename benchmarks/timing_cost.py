"""What the timing step costs at the benchmark size: full comparison on every run vs sampled.

For each problem (built-in ones with big outputs by default), in this one run:
- full:    `measure(..., samples=0)`: every run writes, reads back and compares every output
           element (what timing did before sampling);
- sampled: `measure(...)` as the pipeline calls it: the first run in full, the others a
           seeded sample of TIMING_SAMPLES elements per output array.
Each measurement runs in its own process (so max RSS is its own), the two modes alternate
their order across rounds, and the table gives the wall time, the max RSS and the ratio.
`--phases` first prints where one harness run's time goes (input generation, the call,
writing the outputs, reading and comparing them in Python), full and sampled.

Run: .venv/bin/python benchmarks/timing_cost.py [--problems a/b,c/d] [--rounds N] [--phases]
Timing runs take the machine-wide timing lock: run nothing else that times meanwhile.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parcodegen.problems.load import load_problem  # noqa: E402
from parcodegen.tools.build import build_problem, cores, run_harness  # noqa: E402
from parcodegen.tools.compile import compile_object, link_binary, link_flags  # noqa: E402
from parcodegen.tools.outputs import compare_outputs  # noqa: E402
from parcodegen.tools.timing import TIMING_SAMPLES, measure  # noqa: E402

BUILTIN = ROOT / "problems" / "builtin"
DEFAULT_PROBLEMS = ["histogram/equalize", "scan/prefix_sum", "scan/linear_recurrence"]
MODES = {"full": 0, "sampled": TIMING_SAMPLES}


def expert_binary(build, harness_obj=None) -> Path:
    p = build.problem
    obj = compile_object((p.directory / "solutions" / "expert.cpp").read_text(), headers=build.headers,
                         flags=build.flags, compiler=build.compiler)  # fmt: skip
    assert obj.ok, obj.message
    linked = link_binary([harness_obj or build.harness_obj, obj.path], flags=link_flags(build.flags),
                         compiler=build.compiler, ldflags=p.ldflags)  # fmt: skip
    assert linked.ok, linked.message
    return linked.path


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss, not inherited from the parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one(pid: str, mode: str, seed: int) -> None:
    """Child process: one `measure` of the expert solution; prints a JSON line."""
    build = build_problem(load_problem(BUILTIN / pid))
    binary = expert_binary(build)
    start = time.monotonic()
    step, m = measure(build, binary, seed=seed, samples=MODES[mode])
    wall = time.monotonic() - start
    rss_mb = peak_rss_mb()
    print(json.dumps({"ok": step.ok, "wall": wall, "rss_mb": rss_mb, "msg": step.message,
                      "speedup": m.speedup if m else None}))  # fmt: skip


def child(pid: str, mode: str, seed: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", pid, mode, str(seed)], capture_output=True,
                         text=True, check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- where one run's time goes ------------------------------------------------------------------


def launcher_phases(r) -> tuple[float, float, float]:
    """(input generation, call, writing + exit) in seconds, from the launcher's events."""
    t = {code: at for code, at in r.result.events}
    return t["S"] - t["R"], t["E"] - t["S"], r.result.wall_s - t["E"]


def phases(pid: str, seed: int) -> None:
    build = build_problem(load_problem(BUILTIN / pid))
    ref_bin = expert_binary(build)  # expert on both sides: same work, same outputs
    n = build.problem.bench_size
    print(f"\n{pid} (n={n:,}): one run of the expert, seconds")
    print(
        "| mode | input gen | call | write | process wall | read + cleanup | compare (2 runs) | run_harness |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for mode, k in MODES.items():
        runs = []
        for _ in range(2):
            t = time.monotonic()
            r = run_harness(ref_bin, seed=seed, n=n, pattern=build.problem.patterns[0], threads=cores(),
                            wall_s=600, samples=k)  # fmt: skip
            runs.append((r, time.monotonic() - t))
        r, total = runs[0]
        assert r.ok, r.error
        gen, call, write = launcher_phases(r)
        t = time.monotonic()
        assert compare_outputs(build.problem, r.outputs, runs[1][0].outputs) is None
        cmp_s = time.monotonic() - t
        rest = total - r.result.wall_s
        print(f"| {mode} | {gen:.3f} | {call:.3f} | {write:.3f} | {r.result.wall_s:.3f} | "
              f"{rest:.3f} | {cmp_s:.3f} | {total:.3f} |")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--problems", default=",".join(DEFAULT_PROBLEMS))
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--phases", action="store_true", help="first print one run's breakdown per problem"
    )
    ap.add_argument("--one", nargs=3, metavar=("PROBLEM", "MODE", "SEED"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one(args.one[0], args.one[1], int(args.one[2]))
        return
    pids = [p for p in args.problems.split(",") if p]
    if args.phases:
        for pid in pids:
            phases(pid, args.seed)
    print(f"\nmeasure() of the expert solution, 1 warm-up + 5 repetitions, samples={TIMING_SAMPLES}, "
          f"{args.rounds} round(s), {cores()} threads")  # fmt: skip
    print("| problem | n | full: wall s | sampled: wall s | full / sampled | full: max RSS MB "
          "| sampled: max RSS MB | speedup measured full / sampled |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for pid in pids:
        res = {m: [] for m in MODES}
        for r in range(args.rounds):
            for mode in MODES if r % 2 == 0 else reversed(list(MODES)):
                res[mode].append(child(pid, mode, args.seed + r))
                assert res[mode][-1]["ok"], res[mode][-1]["msg"]
        wall = {m: sum(x["wall"] for x in v) / len(v) for m, v in res.items()}
        rss = {m: max(x["rss_mb"] for x in v) for m, v in res.items()}
        sp = {m: "/".join(f"{x['speedup']:.2f}" for x in v) for m, v in res.items()}
        n = load_problem(BUILTIN / pid).bench_size
        print(f"| {pid} | {n:,} | {wall['full']:.1f} | {wall['sampled']:.1f} | {wall['full'] / wall['sampled']:.2f}x "
              f"| {rss['full']:.0f} | {rss['sampled']:.0f} | {sp['full']} / {sp['sampled']} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

"""False race reports on correct nested OpenMP code, with and without hot nested teams.

LLVM 14's libomp hands an inner team's threads back to its pool when the inner region
ends; Archer then sometimes misses the join's happens-before for a thread that moves to
another team, and correct nested code is reported racy. The race build's harness starts
libomp with KMP_HOT_TEAMS_MAX_LEVEL=4 (`tools.harness.RACE_BUILD_SETUP`, a constructor
that leaves a value already set alone) so that every team keeps its threads; the other arm
sets the variable to 1 (libomp's default). This script measures both arms side by side in
one run, interleaved: a correct
nested kernel (each outer thread runs an inner `parallel for` over its own slice) and a
racy sibling (an unprotected sum in the inner loop), each called --calls times per
process at several sizes and thread counts, in --runs processes per arm, --jobs at a time
(the artifact needs preemption: it showed in 0 of 30 sequential processes and 23 of 200
run three at a time, on 2 cores). It prints, per
arm and kernel, the processes with a data-race report and a 95% Wilson interval, the
processes that crashed, and the machine load. The racy kernel must be reported in every
process of both arms (hot teams must not hide a real race).
Run: .venv/bin/python benchmarks/nested_race_artifacts.py [--runs 60] [--jobs 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parcodegen.tools.build import TSAN_EXIT, sanitizer_env  # noqa: E402
from parcodegen.tools.harness import RACE_BUILD_HOT_TEAMS, RACE_BUILD_SETUP  # noqa: E402
from parcodegen.tools.toolchain import default_toolchain  # noqa: E402

KERNEL = """#include <cmath>
#include <vector>
#include <omp.h>
double sink;
void kernel(const std::vector<double>& x, std::vector<double>& y) {
  const long n = (long)x.size();
  omp_set_max_active_levels(2);
#pragma omp parallel
  {
    const int t = omp_get_thread_num(), T = omp_get_num_threads();
    const long lo = n * t / T, hi = n * (t + 1) / T;
    double s = 0.0;
#pragma omp parallel for
    for (long i = lo; i < hi; ++i) { y[i] = 1.0 / (1.0 + std::exp(-x[i])); RACY }
    if (s < -1.0) sink = s;
  }
}
"""
DRIVER = """#include <cstdlib>
#include <vector>
#include <omp.h>
void kernel(const std::vector<double>& x, std::vector<double>& y);
int main(int argc, char** argv) {
  const int calls = std::atoi(argv[1]);
  const long sizes[] = {2, 3, 7, 33, 4099};
  const int threads[] = {2, 3, 4, 9};
  for (int c = 0; c < calls; ++c) {
    omp_set_num_threads(threads[c % 4]);
    std::vector<double> x(sizes[(c / 4) % 5], 0.5), y(x.size());
    kernel(x, y);
  }
  return 0;
}
"""


def build(d: Path, racy: bool) -> Path:
    tc = default_toolchain()
    if not tc.ok or tc.clangxx is None:
        sys.exit(f"nested_race_artifacts: race detection unavailable: {tc.describe()}")
    src = d / f"kernel_{int(racy)}.cpp"
    src.write_text(KERNEL.replace("RACY", "s += y[i];" if racy else ""))
    drv = d / "driver.cpp"
    drv.write_text(DRIVER + "\n".join(RACE_BUILD_SETUP) + "\n")
    out = d / f"prog_{int(racy)}"
    subprocess.run([tc.clangxx, "-std=c++17", "-O1", "-g", "-fopenmp", "-fsanitize=thread",
                    str(src), str(drv), "-o", str(out), *tc.link_flags()],
                   check=True, capture_output=True)  # fmt: skip
    return out


def run(prog: Path, env: dict[str, str], calls: int) -> str:
    """'race', 'crash' or 'clean' for one process."""
    p = subprocess.run([str(prog), str(calls)], env=env, capture_output=True, text=True, check=False,
                       timeout=300)  # fmt: skip
    if "WARNING: ThreadSanitizer: data race" in p.stderr:
        return "race"
    return "clean" if p.returncode in (0, TSAN_EXIT) else "crash"


def wilson(k: int, n: int) -> tuple[float, float]:
    if n == 0:
        return (0.0, 1.0)
    z, p = 1.96, k / n
    mid = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, mid - half), min(1.0, mid + half))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=60, help="processes per arm and kernel")
    ap.add_argument("--jobs", type=int, default=3, help="processes at a time")
    ap.add_argument("--calls", type=int, default=400, help="kernel calls per process")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    load0 = Path("/proc/loadavg").read_text().split()[:3]
    base = {**os.environ, **sanitizer_env()}
    arms = {"hot teams (the race build)": base,
            f"{RACE_BUILD_HOT_TEAMS}=1 (libomp's default)": {**base, RACE_BUILD_HOT_TEAMS: "1"}}  # fmt: skip
    counts: dict[str, dict[str, dict[str, int]]] = {
        arm: {kern: {"race": 0, "crash": 0, "clean": 0} for kern in ("correct", "racy")}
        for arm in arms
    }
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        progs = {"correct": build(Path(tmp), False), "racy": build(Path(tmp), True)}
        # interleaved: both arms see the same load
        jobs = [(arm, kern) for _ in range(args.runs) for arm in arms for kern in progs]
        with ThreadPoolExecutor(args.jobs) as pool:
            outcomes = pool.map(lambda j: run(progs[j[1]], arms[j[0]], args.calls), jobs)
            for (arm, kern), outcome in zip(jobs, outcomes, strict=True):
                counts[arm][kern][outcome] += 1
    load1 = Path("/proc/loadavg").read_text().split()[:3]
    if args.json:
        print(json.dumps({"runs": args.runs, "jobs": args.jobs, "calls": args.calls, "counts": counts,
                          "load_before": load0, "load_after": load1}))  # fmt: skip
        return
    print(f"{args.runs} processes per arm and kernel ({args.jobs} at a time), {args.calls} "
          "nested calls each, "
          f"{os.cpu_count()} cores; load before {load0}, after {load1}; "
          f"{time.monotonic() - start:.0f} s\n")  # fmt: skip
    print("| arm | correct kernel: reported racy | 95% interval | crashed "
          "| racy kernel: reported |")  # fmt: skip
    print("|---|---:|---|---:|---:|")
    for arm in arms:
        c, r = counts[arm]["correct"], counts[arm]["racy"]
        lo, hi = wilson(c["race"], args.runs)
        print(f"| {arm} | {c['race']}/{args.runs} | [{lo:.1%}, {hi:.1%}] | {c['crash']} "
              f"| {r['race']}/{args.runs} |")  # fmt: skip


if __name__ == "__main__":
    main()

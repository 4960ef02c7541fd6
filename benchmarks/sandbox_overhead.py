"""What one sandboxed run costs beyond starting the same program directly.

Interleaved, side by side in one run: `true` started by subprocess vs through the
sandbox (launcher, namespaces, cgroup, tmpfs work dir as root), and the reduction
reference's harness at a small size run bare (fds 3/4 by hand) vs by `run_harness`.
Prints medians, the 10th-90th percentile, repetitions, the machine load and whether
the sandbox ran with full isolation.

    python benchmarks/sandbox_overhead.py [--reps 30]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parcodegen.problems.load import load_problem  # noqa: E402
from parcodegen.sandbox.run import Limits, Workdir, run  # noqa: E402
from parcodegen.tools.build import build_problem, harness_params, run_harness  # noqa: E402


def bare_harness(binary: Path, d: Path, params: bytes) -> None:
    with open(d / "out.bin", "wb") as results, open(os.devnull, "wb") as events:

        def fds() -> None:
            ev = fcntl.fcntl(events.fileno(), fcntl.F_DUPFD, 10)
            res = fcntl.fcntl(results.fileno(), fcntl.F_DUPFD, 10)
            os.dup2(ev, 3)
            os.dup2(res, 4)

        subprocess.run([str(binary)], cwd=d, input=params, preexec_fn=fds, check=True,
                       close_fds=False, capture_output=True)  # fmt: skip


def summary(xs: list[float]) -> str:
    q = statistics.quantiles(xs, n=10)
    return f"{statistics.median(xs) * 1e3:7.1f} ms  (p10 {q[0] * 1e3:.1f} .. p90 {q[-1] * 1e3:.1f})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=30)
    args = ap.parse_args()
    build = build_problem(load_problem(ROOT / "examples" / "reduction"))
    times: dict[str, list[float]] = {k: [] for k in ("true bare", "true sandboxed",
                                                    "harness bare", "harness sandboxed")}  # fmt: skip
    isolation = set()
    d = Path(tempfile.mkdtemp())
    shutil.copy(build.reference_bin, d / "prog")
    params = harness_params(3, 1000, "random", 0)
    load0 = os.getloadavg()
    for _ in range(args.reps):
        t = time.monotonic()
        subprocess.run(["true"], check=True)
        times["true bare"].append(time.monotonic() - t)
        t = time.monotonic()
        with Workdir("bench") as wd:
            r = run(["true"], wd, Limits(wall_s=10))
        times["true sandboxed"].append(time.monotonic() - t)
        isolation.add(r.isolation)
        t = time.monotonic()
        bare_harness(d / "prog", d, params)
        times["harness bare"].append(time.monotonic() - t)
        t = time.monotonic()
        h = run_harness(build.reference_bin, seed=3, n=1000, pattern="random", threads=1, wall_s=10)
        times["harness sandboxed"].append(time.monotonic() - t)
        assert h.ok, h.error
    shutil.rmtree(d)
    print(f"{args.reps} interleaved repetitions; load before {load0}, after {os.getloadavg()}; "
          f"isolation {sorted(isolation)}; {os.cpu_count()} CPUs")  # fmt: skip
    for k, xs in times.items():
        print(f"{k:18} {summary(xs)}")
    for a, b in (("true sandboxed", "true bare"), ("harness sandboxed", "harness bare")):
        print(f"{a} / {b}: {statistics.median(times[a]) / statistics.median(times[b]):.1f}x "
              f"(+{(statistics.median(times[a]) - statistics.median(times[b])) * 1e3:.1f} ms)")  # fmt: skip


if __name__ == "__main__":
    main()

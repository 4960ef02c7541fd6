"""`parcodegen verify PROBLEM_DIR CANDIDATE_FILE`: run the verification pipeline once."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from parcodegen.tools.timing import INPUT_MODES
from parcodegen.problems.load import load_problem
from parcodegen.types import Candidate, Status, Verdict
from parcodegen.verify.pipeline import VerifyOptions, verify
from parcodegen.verify.summary import coverage_lines, verdict_line


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="verify a candidate against a problem's reference",
                       description="Decide whether CANDIDATE_FILE is a correct, faster replacement "
                       "for the problem's reference. Exit 0 pass, 1 rejected, 2 usage/infrastructure.")  # fmt: skip
    p.add_argument("problem", help="problem directory (with problem.toml)")
    p.add_argument("candidate", help="candidate C/C++ file (or an LLM reply with --reply)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--threads", type=int, default=None, help="threads for timing (default: cores)")
    p.add_argument("--no-timing", action="store_true", help="skip the timing step")
    p.add_argument("--no-race", action="store_true", help="skip race detection")
    p.add_argument(
        "--reps",
        type=int,
        default=None,
        help="a fixed number of timed pairs (default: pairs until the speedup's "
        "95%% interval is within --timing-target, 5 to 30)",
    )
    p.add_argument(
        "--scaling",
        action="store_true",
        help="also time the candidate at 1 .. cores threads (speedup, efficiency)",
    )
    p.add_argument("--timing-target", type=float, default=0.05,
                   help="relative half-width of the speedup's interval to reach (default 0.05)")  # fmt: skip
    p.add_argument("--timing-inputs", choices=INPUT_MODES, default="auto",
                   help="each pair's inputs: 'stored' (made once, the same bytes read by "
                   "reference and candidate), 'made' (by every run), 'auto' (stored when "
                   "making them takes 0.25 s or more; default)")  # fmt: skip
    p.add_argument(
        "--allow-unchecked",
        action="store_true",
        help="a pass whose race check could not run exits 0 (default: 1, 'unchecked')",
    )
    p.add_argument(
        "--reply", action="store_true", help="the file is an LLM reply: extract the code first"
    )
    p.set_defaults(func=run)


def format_verdict(verdict: Verdict) -> str:
    lines = []
    w = max([10, *(len(s.step) for s in verdict.steps)])  # step names line up
    for s in verdict.steps:
        state = "SKIPPED" if s.skipped else ("ok" if s.ok else "FAIL")
        first, *rest = (s.message or "").splitlines() or [""]
        lines.append(f"  {s.step:<{w}} {state:<8} {first}  ({s.seconds:.2f}s)")
        lines.extend(f"  {'':<{w}} {'':<8} {r}" for r in rest[:12])
    lines.extend(f"  {line}" for line in coverage_lines(verdict))
    lines.append(verdict_line(verdict))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    problem = load_problem(args.problem)
    path = Path(args.candidate)
    if not path.is_file():
        print(f"error: candidate file '{path}' not found", file=sys.stderr)
        return 2
    options = VerifyOptions(threads=args.threads, timing=not args.no_timing, race=not args.no_race,
                            timing_reps=args.reps and max(1, args.reps), extract=args.reply,
                            timing_target=args.timing_target, allow_unchecked=args.allow_unchecked,
                            scaling=args.scaling, timing_inputs=args.timing_inputs)  # fmt: skip
    verdict = verify(problem, Candidate(path.read_text(errors="replace"), origin="file"), options)
    if args.json:
        out = verdict.to_dict()
        out["problem"] = problem.id
        out["candidate"] = str(path)
        print(json.dumps(out, indent=2))
    else:
        print(f"problem   {problem.id} ({problem.directory})")
        print(f"candidate {path}")
        print(format_verdict(verdict))
        m = verdict.measurement
        if m is not None and m.machine is not None:
            print(f"machine   {m.machine.summary()}")
    if verdict.status is Status.INFRA_ERROR:
        return 2
    return 0 if verdict.passed else 1

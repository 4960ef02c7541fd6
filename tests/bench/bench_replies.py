"""Recorded replies for bench tests, written from the suite's own files.

Per problem and sample, in order: the expert solution (pass), a reply with no code
(no_code), a mutant (the status its first line declares), the reference with a syntax
error appended (compile_error). Timeouts are skipped to keep tests fast.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from parcodegen.problems.suite import suite_dir as builtin_root

EXPECT = re.compile(r"//\s*expect:\s*([a-z_|]+)")
NO_CODE = "I am sorry, I cannot parallelize this function safely."


def fenced(code: str) -> str:
    return f"Here is the parallel version.\n```cpp\n{code.rstrip()}\n```\n"


def pick_mutant(directory: Path) -> tuple[str, str] | None:
    for f in sorted((directory / "solutions").glob("*.cpp")):
        if f.name == "expert.cpp":
            continue
        text = f.read_text()
        m = EXPECT.search(text.splitlines()[0] if text else "")
        if m and m.group(1) in (
            "wrong_output",
            "race",
            "compile_error",
            "interface_mismatch",
            "crash",
        ):
            return text, m.group(1)
    return None


def replies_for(directory: Path) -> tuple[list[str], list[str]]:
    expert = (directory / "solutions" / "expert.cpp").read_text()
    reference = (directory / "reference.cpp").read_text()
    texts = [fenced(expert), NO_CODE]
    statuses = ["pass", "no_code"]
    mutant = pick_mutant(directory)
    if mutant is not None:
        texts.append(fenced(mutant[0]))
        statuses.append(mutant[1])
    else:  # keep four replies per problem: the expert again, laid out differently
        texts.append(fenced("// the same, again\n" + expert))
        statuses.append("pass")
    texts.append(fenced(reference + "\nthis line is not C++;\n"))
    statuses.append("compile_error")
    return texts, statuses


def write_script(problem_ids: list[str], path: Path, repeat: int = 1):
    """(script path, expected status per (problem, sample), samples per problem)."""
    root = builtin_root()
    script, expected = {}, {}
    for pid in problem_ids:
        texts, statuses = replies_for(root / pid)
        texts, statuses = texts * repeat, statuses * repeat
        script[pid] = texts
        for i, st in enumerate(statuses):
            expected[(pid, i)] = st
    path.write_text(json.dumps(script))
    return path, expected, {pid: len(script[pid]) for pid in problem_ids}


def small_suite(problem_ids: list[str], dest: Path, bench: int) -> Path:
    """Copies of built-in problems with a small timing size (fast tests; ids unchanged)."""
    import re as _re
    import shutil

    root = builtin_root()
    for pid in problem_ids:
        target = dest / pid
        shutil.copytree(root / pid, target)
        toml = target / "problem.toml"
        toml.write_text(_re.sub(r"(?m)^bench\s*=.*$", f"bench = {bench}", toml.read_text()))
    return dest

"""A check that could not run is named in the verdict and is not a pass: clang++ of an LLVM
version whose Archer is not installed (the race build would not work) makes the verdict
`unchecked` (exit 1, "PASS (race not checked: ...)"), unless --allow-unchecked."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "reduction"
GOOD = EXAMPLE / "candidates" / "good.cpp"


@pytest.fixture
def other_llvm_path(other_llvm_clang):
    return f"{other_llvm_clang.parent}{os.pathsep}{os.environ.get('PATH', '')}"


def _verify(path_env: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PATH=path_env, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run(
        [sys.executable, "-m", "parcodegen.cli.main", "verify", str(EXAMPLE), str(GOOD),
         "--no-timing", *extra],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip


def test_race_not_checked_is_not_a_pass(other_llvm_path):
    out = _verify(other_llvm_path, "--json")
    assert out.returncode == 1, out.stderr
    verdict = json.loads(out.stdout)
    assert verdict["status"] == "unchecked"
    assert any("race" in u and "LLVM 99" in u for u in verdict["unchecked"])
    text = _verify(other_llvm_path)
    assert "verdict: PASS (race not checked: race detection unavailable" in text.stdout
    assert text.returncode == 1


def test_allow_unchecked_passes_and_still_names_it(other_llvm_path):
    out = _verify(other_llvm_path, "--json", "--allow-unchecked")
    assert out.returncode == 0, out.stdout + out.stderr
    verdict = json.loads(out.stdout)
    assert verdict["status"] == "pass" and verdict["unchecked"]
    assert verdict["parallel"]["parallel"] is True
    assert verdict["coverage"]["difftest"]["calls"] > 0


def test_full_toolchain_passes_with_coverage():
    if shutil.which("clang++") is None:
        pytest.skip("clang++ not installed")
    out = _verify(os.environ.get("PATH", ""), "--json")
    verdict = json.loads(out.stdout)
    assert out.returncode == 0 and verdict["status"] == "pass" and verdict["unchecked"] == []
    race = verdict["coverage"]["race"]
    assert race["threads"] == [2, 3, 4] and race["runs"] >= 2 and len(race["sizes"]) >= 2

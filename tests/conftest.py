from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def private_llm_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own response cache: a reply cached by one test never answers another."""
    monkeypatch.setenv("PARCODEGEN_LLM_CACHE", str(tmp_path_factory.mktemp("llm-cache")))


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def other_llvm_clang(tmp_path) -> Path:
    """A `clang++` under an `llvm-99/bin` tree (no Archer beside it) that runs the real one:
    a toolchain of another LLVM version than the installed libomp/Archer."""
    import shutil

    real = shutil.which("clang++")
    if real is None:
        pytest.skip("clang++ not installed")
    bindir = tmp_path / "llvm-99" / "bin"
    bindir.mkdir(parents=True)
    (tmp_path / "llvm-99" / "lib").mkdir()
    fake = bindir / "clang++"
    fake.write_text(f'#!/bin/sh\nexec {real} "$@"\n')
    fake.chmod(0o755)
    return fake

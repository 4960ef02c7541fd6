"""Every variant autopar proposes in these tests is valid OpenMP C++ (g++ -fopenmp -c)."""

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from autopar_cases import EXTRA, HEAD, POSITIVE

from parcodegen.autopar import optimize_source

pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="g++ not installed")


def _compile(code: str, tmp_path, tag: str) -> subprocess.CompletedProcess:
    src = tmp_path / f"{tag}.cpp"
    src.write_text(code)
    return subprocess.run(
        [
            "g++",
            "-std=c++17",
            "-fopenmp",
            "-Werror=unknown-pragmas",
            "-c",
            str(src),
            "-o",
            str(tmp_path / f"{tag}.o"),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_variant_compiles(tmp_path):
    jobs = []
    for name, code in {**POSITIVE, **EXTRA}.items():
        result = optimize_source(HEAD + code, name)
        if name in EXTRA and not result.variants:
            continue
        assert result.variants, name
        for label, variant in result.variants:
            assert variant != HEAD + code
            jobs.append((f"{name}-{label}", variant))
    assert len(jobs) >= 40
    with ThreadPoolExecutor(max_workers=2) as pool:
        outs = list(pool.map(lambda j: (j[0], _compile(j[1], tmp_path, j[0])), jobs))
    failed = [(tag, out.stderr[:800]) for tag, out in outs if out.returncode != 0]
    assert not failed, failed


def test_a_broken_pragma_would_be_caught(tmp_path):
    """The check above can fail: a wrong clause does not compile."""
    code = HEAD + POSITIVE["sum"]
    bad = (
        optimize_source(code, "sum").variants[0][1].replace("reduction(+:s)", "reduction(+:nosuch)")
    )
    assert _compile(bad, tmp_path, "bad").returncode != 0

"""Who imports whom: `bench` needs no `synth`, one command's CLI module does not reach
into another's, and only the CLI and the jobs (and importers, which are jobs) import jobs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "parcodegen"


def loaded_after(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(out.stdout.split())


def test_bench_does_not_load_synth() -> None:
    for module in ("parcodegen.jobs.bench", "parcodegen.cli.bench_cmd"):
        assert not {m for m in loaded_after(module) if m.startswith("parcodegen.synth")}, module


def test_synth_cli_does_not_reach_into_the_bench_cli() -> None:
    assert "parcodegen.cli.bench_cmd" not in loaded_after("parcodegen.cli.synth_cmd")


def test_lower_layers_do_not_import_jobs_or_cli() -> None:
    above = ("jobs", "cli", "importers")
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path.relative_to(SRC).parts[0] in above:
            continue
        text = path.read_text()
        if "parcodegen.jobs" in text or "parcodegen.cli" in text:
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []

"""No traceback reaches a user: every subcommand over a table of bad inputs ends in one
line on stderr and exit status 2; every subcommand's --help has a description and shows
its defaults."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from parcodegen.cli.main import build_parser, main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "problems"
VSCALE = str(FIXTURES / "agent_vscale")


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.setenv("PARCODEGEN_RUN_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("PARCODEGEN_LLM_CACHE", str(tmp_path / "llm"))
    monkeypatch.setenv("PARCODEGEN_PRICES", str(tmp_path / "prices.toml"))
    monkeypatch.setenv("PARCODEGEN_KB", str(tmp_path / "default-kb"))
    for name in ("PARCODEGEN_BASE_URL", "OPENAI_BASE_URL", "PARCODEGEN_MODEL", "PARCODEGEN_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "a-file").write_text("not a directory\n")
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "bad.jsonl").write_text("{not json\n")


URL = ["--base-url", "http://127.0.0.1:9/v1", "--model", "m"]

BAD = {
    "verify: no problem": ["verify", "{tmp}/missing", "{tmp}/a-file"],
    "verify: no candidate": ["verify", VSCALE, "{tmp}/missing.cpp"],
    "verify: candidate is a directory": ["verify", VSCALE, "{tmp}"],
    "optimize: no target": ["optimize", "{tmp}/missing"],
    "optimize: file without --function": ["optimize", "{tmp}/a-file"],
    "optimize: unknown strategy": ["optimize", VSCALE, "--strategy", "paralel"],
    "optimize: unknown backend": ["optimize", VSCALE, "--backend", "opnai"],
    "optimize: samples 0": ["optimize", VSCALE, "--samples", "0"],
    "optimize: samples not a number": ["optimize", VSCALE, "--samples", "many"],
    "optimize: URL without scheme": [
        "optimize",
        VSCALE,
        "--base-url",
        "localhost:8000/v1",
        "--model",
        "m",
    ],
    "optimize: max-cost without a price": ["optimize", VSCALE, *URL, "--max-cost", "1"],
    "optimize: negative price": ["optimize", VSCALE, *URL, "--price-in", "-1", "--price-out", "1"],
    "optimize: one price only": ["optimize", VSCALE, *URL, "--price-in", "1"],
    "optimize: reply tokens 0": ["optimize", VSCALE, *URL, "--reply-tokens", "0"],
    "optimize: negative timeout": ["optimize", VSCALE, *URL, "--request-timeout", "-1"],
    "optimize: negative retries": ["optimize", VSCALE, *URL, "--retries", "-1"],
    "optimize: fresh and resume": ["optimize", VSCALE, *URL, "--fresh", "--resume", "x"],
    "optimize: resume unknown run": ["optimize", VSCALE, *URL, "--resume", "nope"],
    "optimize: kb is a file": ["optimize", VSCALE, "--strategy", "rag", "--kb", "{tmp}/a-file"],
    "optimize: kb missing": ["optimize", VSCALE, "--strategy", "rag", "--kb", "{tmp}/nokb"],
    "optimize: openai without model": ["optimize", VSCALE, "--backend", "openai"],
    "optimize: scripted without script": ["optimize", VSCALE, "--backend", "scripted"],
    "optimize: script not JSON": [
        "optimize",
        VSCALE,
        "--backend",
        "scripted",
        "--script",
        "{tmp}/bad.json",
    ],
    "optimize: replay without recording file": [
        "optimize",
        VSCALE,
        "--backend",
        "replay",
        "--recording",
        "{tmp}/missing.jsonl",
    ],
    "suite list: unknown category": ["suite", "list", "--category", "nope"],
    "suite check: unknown category": ["suite", "check", "--category", "nope"],
    "kb ingest-pie: no file": ["kb", "ingest-pie", "{tmp}/missing.jsonl", "--kb", "{tmp}/kb"],
    "kb query: no file": ["kb", "query", "{tmp}/missing.cpp", "--kb", "{tmp}/kb"],
    "kb query: kb missing": ["kb", "query", "{tmp}/a-file", "--kb", "{tmp}/nokb"],
    "kb stats: kb is a file": ["kb", "stats", "--kb", "{tmp}/a-file"],
    "kb stats: kb missing": ["kb", "stats", "--kb", "{tmp}/nokb"],
    "kb reindex: kb missing": ["kb", "reindex", "--kb", "{tmp}/nokb"],
    "kb add-run: unknown run": ["kb", "add-run", "nope", "--kb", "{tmp}/kb"],
    "kb add-seed: unknown seed": ["kb", "add-seed", "no-such-seed", "--kb", "{tmp}/kb"],
    "kb: unknown action": ["kb", "shrink"],
    "bench run: no suite": ["bench", "run", "--suite", "{tmp}/missing"],
    "bench run: unknown problem": ["bench", "run", "--problems", "nope/nope"],
    "bench run: bad -k": ["bench", "run", "-k", "one"],
    "bench run: two backends": ["bench", "run", "--backend", "autopar,openai"],
    "bench run: URL without scheme": [
        "bench",
        "run",
        "--backend",
        "openai",
        "--model",
        "m",
        "--base-url",
        "host:1",
    ],
    "bench run: max-cost without a price": ["bench", "run", *URL, "--max-cost", "1"],
    "bench report: unknown run": ["bench", "report", "nope"],
    "bench rescore: unknown run": ["bench", "rescore", "nope"],
    "bench list: run dir is a file": ["bench", "list", "--run-dir", "{tmp}/a-file"],
    "synth: no --out": ["synth", "--backend", "autopar"],
    "synth: openai without model": ["synth", "--backend", "openai", "--out", "{tmp}/out"],
    "synth: keep out of range": [
        "synth",
        "--backend",
        "autopar",
        "--keep",
        "7",
        "--out",
        "{tmp}/out",
    ],
    "import pareval: no checkout": ["import", "pareval", "{tmp}/missing", "--out", "{tmp}/out"],
    "unknown command": ["frobnicate"],
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_one_line_and_exit_2(name, tmp_path, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in BAD[name]]
    with_exit = None
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's usage errors
        with_exit = exc.code
        code = exc.code
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, (name, code, err)
    assert "Traceback" not in err
    assert len(lines) >= 1 and lines[-1].startswith("error:"), (name, err)
    assert len([line for line in lines if line.startswith("error")]) == 1, (name, err)
    if with_exit is not None:
        assert len(lines) == 1, (name, err)  # a usage error is one line, not the usage text


def test_no_traceback_from_the_installed_entry_point(tmp_path):
    """Through a real process: what a user's terminal shows."""
    out = subprocess.run([sys.executable, "-m", "parcodegen.cli.main", "kb", "stats", "--kb",
                          str(tmp_path / "a-file")], capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0 and out.stderr.startswith("error:")


def _parsers(parser: argparse.ArgumentParser, prefix: str = "parcodegen"):
    yield prefix, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, f"{prefix} {name}")


def test_every_subcommand_has_a_description_and_shows_defaults():
    parsers = list(_parsers(build_parser()))
    assert len(parsers) > 15
    for name, parser in parsers:
        assert parser.description, name
        text = parser.format_help()
        for action in parser._actions:
            default = action.default
            shown = default not in (None, False, "", argparse.SUPPRESS) and default != []
            if action.option_strings and shown:
                if isinstance(action, argparse._HelpAction):
                    continue
                flag = action.option_strings[0]
                listed = text.split("\noptions:", 1)[1]
                block = listed[re.search(rf"\n  {re.escape(flag)}[ ,\n]", listed).start() + 1 :]
                entry = block.split("\n  -", 1)[0]  # up to the next option
                assert "default" in entry.lower(), (name, flag, entry)

"""Read ParEval's recorded model outputs and its own per-output verdicts.

An outputs file is a JSON list of prompts, each with `name`, `problem_type`,
`parallelism_model`, the prompt (`prompt`, or `translation_prompt` for the translation
task) and `outputs`: texts that continue the prompt. A results file has the same entries
with `outputs` as objects (`generated_output`, `is_source_valid`, `did_build`,
`did_all_run`, `are_all_valid`, `runs`). The candidate for an output is the prompt
followed by the output, after the standard headers ParEval's drivers include first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parcodegen.errors import ConfigError
from parcodegen.importers.pareval.support import STD_INCLUDES


@dataclass(frozen=True)
class RecordedPrompt:
    problem_id: str  # "<problem_type>/<name>"
    model: str  # parallelism model of the target code ("omp", ...)
    source_model: str  # translation source ("serial"), or "" for generation prompts
    prompt: str
    outputs: tuple[str, ...]
    source_code: str = ""  # translation prompts: the serial code the model was asked to translate


@dataclass(frozen=True)
class ParEvalVerdict:
    """ParEval's verdict on one output."""

    source_valid: bool  # its `#pragma omp` substring test
    built: bool
    all_ran: bool
    all_valid: bool

    @property
    def passed(self) -> bool:
        return self.source_valid and self.built and self.all_ran and self.all_valid

    @property
    def reason(self) -> str:
        if not self.source_valid:
            return "not parallel (its source test)"
        if not self.built:
            return "did not build"
        if not self.all_ran:
            return "did not run at every thread count"
        if not self.all_valid:
            return "invalid output"
        return "pass"


def _load(path: str | Path) -> list[dict[str, Any]]:
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{path}: no such file")
    try:
        data = json.loads(p.read_text())
    except ValueError as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise ConfigError(f"{path}: expected a JSON list of prompt objects (ParEval's format)")
    return data


def _text(output: Any) -> str:
    if isinstance(output, dict):
        return str(output.get("generated_output") or "")
    return str(output)


def read_outputs(path: str | Path, model: str = "omp") -> list[RecordedPrompt]:
    """Prompts for `model` (e.g. "omp") with their outputs, in file order."""
    out = []
    for e in _load(path):
        if str(e.get("parallelism_model")) != model or str(e.get("language", "cpp")) != "cpp":
            continue
        if "name" not in e or "outputs" not in e:
            raise ConfigError(f"{path}: a prompt object without 'name' or 'outputs'")
        prompt = e.get("translation_prompt") or e.get("prompt") or ""
        out.append(
            RecordedPrompt(
                problem_id=f"{e.get('problem_type', 'pareval')}/{e['name']}",
                model=model,
                source_model=str(e.get("translation_src_model") or ""),
                prompt=str(prompt),
                outputs=tuple(_text(o) for o in e["outputs"] or []),
                source_code=str(e.get("translation_src_example") or "")
                if e.get("translation_src_model") == "serial"
                else "",
            )
        )
    return out


def candidate_code(prompt: str, output: str) -> str:
    """The translation unit ParEval compiles: headers, the prompt, the output continuing it."""
    return STD_INCLUDES + "\n" + prompt + output + "\n"


def read_verdicts(path: str | Path, model: str = "omp") -> dict[tuple[str, int], ParEvalVerdict]:
    """ParEval's verdict per (problem id, output index) from a results file."""
    verdicts = {}
    for e in _load(path):
        if str(e.get("parallelism_model")) != model:
            continue
        pid = f"{e.get('problem_type', 'pareval')}/{e.get('name')}"
        for i, o in enumerate(e.get("outputs") or []):
            if not isinstance(o, dict):
                raise ConfigError(
                    f"{path}: outputs are not result objects (is this a results file?)"
                )
            verdicts[(pid, i)] = ParEvalVerdict(
                source_valid=bool(o.get("is_source_valid")), built=bool(o.get("did_build")),
                all_ran=bool(o.get("did_all_run")), all_valid=bool(o.get("are_all_valid")),
            )  # fmt: skip
    return verdicts

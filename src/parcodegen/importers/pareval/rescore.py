"""Store every recorded ParEval output as an attempt of a bench run, verified here.

    import_outputs(store, OUTPUTS.json, PROBLEMS_DIR, ...) -> (run id, ImportedOutputs)

The outputs become the replies of a scripted backend keyed by (problem, sample): sample i
of a problem is the prompt's output i, so a run holds them in file order and `bench
report` / `bench rescore` score them like any run (pass@k, build@k, speedup@K). Running
again with a larger `limit` extends the same run; nothing already stored is redone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parcodegen.errors import BackendError, ConfigError
from parcodegen.importers.pareval.outputs import RecordedPrompt, candidate_code, read_outputs


@dataclass(frozen=True)
class ImportedOutputs:
    problems: tuple[str, ...]  # problem ids scored
    samples: int  # outputs per problem stored
    missing: tuple[str, ...]  # prompts whose problem is not in the problems directory
    label: str


def reply_for(prompt: RecordedPrompt, index: int) -> str:
    """The reply the scripted backend serves: the whole translation unit, fenced."""
    return "```cpp\n" + candidate_code(prompt.prompt, prompt.outputs[index]) + "\n```\n"


def scripted_outputs(prompts: dict[str, RecordedPrompt]) -> Callable[[Any], str]:
    def reply(request: Any) -> str:
        pid, sample = request.tag("problem"), int(request.tag("sample") or 0)
        rec = prompts.get(pid)
        if rec is None or sample >= len(rec.outputs):
            raise BackendError(f"no recorded output {sample} for problem '{pid}'")
        return reply_for(rec, sample)

    return reply


def import_outputs(
    store: Any,
    outputs_path: str | Path,
    problems_dir: str | Path,
    *,
    model: str = "omp",
    label: str | None = None,
    limit: int | None = None,
    only: list[str] | None = None,
    timing: bool = True,
    race: bool = True,
    timing_reps: int = 3,
    workers: int = 2,
    say: Callable[[str], None] = lambda _m: None,
) -> tuple[str, ImportedOutputs]:
    from parcodegen.agent.config import LoopConfig
    from parcodegen.agent.executors import make_executor
    from parcodegen.problems.load import load_problem
    from parcodegen.llm.scripted import ScriptedBackend
    from parcodegen.jobs.campaign import CampaignSpec, run_campaign

    recorded = {p.problem_id: p for p in read_outputs(outputs_path, model)}
    if not recorded:
        raise ConfigError(f"{outputs_path}: no '{model}' prompts with outputs")
    root = Path(problems_dir)
    if not root.is_dir():
        raise ConfigError(f"--problems: '{problems_dir}' is not a directory")
    problems = [load_problem(d.parent) for d in sorted(root.rglob("problem.toml"))]
    known = {p.id for p in problems}
    chosen = [p for p in problems if p.id in recorded and (not only or p.id in only)]
    missing = tuple(sorted(set(recorded) - known))
    if not chosen:
        raise ConfigError(
            f"none of the {len(recorded)} recorded problems is in {problems_dir} "
            f"(e.g. '{next(iter(recorded))}'): import the problems first"
        )
    counts = [len(recorded[p.id].outputs) for p in chosen]
    samples = min(counts) if limit is None else min(min(counts), limit)
    if samples < 1:
        raise ConfigError(f"{outputs_path}: a chosen prompt has no outputs")
    name = label or Path(outputs_path).stem
    config = LoopConfig(
        strategy="parallel", samples=samples, backend="scripted", model=f"pareval:{name}",
        timing=timing, race=race, timing_reps=timing_reps, workers=workers,
    )  # fmt: skip
    backend = ScriptedBackend(scripted_outputs(recorded), model=f"pareval:{name}")
    extra = {
        "pareval_outputs": {"file": str(Path(outputs_path).resolve()), "model": model},
        "problems": [{"id": p.id, "directory": str(p.directory)} for p in chosen],
    }
    executor = make_executor(None, workers)
    try:
        run_id, _result = run_campaign(
            store, chosen, backend, config, CampaignSpec(mode="single", name="pareval"),
            executor, say=say, extra_manifest=extra,
        )  # fmt: skip
    finally:
        executor.close()
    return run_id, ImportedOutputs(tuple(p.id for p in chosen), samples, missing, name)

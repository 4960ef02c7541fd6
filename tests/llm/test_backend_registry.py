"""A backend added from OUTSIDE the package, through the registry only: declared once
(what it takes, needs, caching, cluster mode), resolved by the one resolver, and run by
`optimize` and `bench run` with no change to the package. Also: no code outside llm/
branches on a backend's name."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest

from parcodegen.cli.main import main
from parcodegen.errors import ConfigError
from parcodegen.llm.base import LLMRequest, LLMResponse, Usage
from parcodegen.store import RunStore
from parcodegen.types import Status
from parcodegen.llm.registry import (
    BACKENDS,
    BackendInfo,
    BackendSettings,
    Takes,
    register_backend,
    resolve_backend,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "parcodegen"
VSCALE = Path(__file__).resolve().parents[1] / "fixtures" / "problems" / "agent_vscale"
VSCALE_GOOD = """```cpp
#include <vector>
void vscale(const std::vector<double>& x, std::vector<double>& y, double a) {
    #pragma omp parallel for
    for (long i = 0; i < (long)x.size(); ++i) y[i] = a * x[i];
}
```
"""


class EchoGood:
    """A toy backend: answers every request with one fixed reply, counts what it served."""

    name = "toy-echo"
    served: list[LLMRequest] = []
    lock = threading.Lock()

    def __init__(self, model: str, reply: str = VSCALE_GOOD):
        self.model, self.reply = model, reply

    def generate(self, requests: list[LLMRequest]) -> list[LLMResponse]:
        with self.lock:
            EchoGood.served += requests
        return [LLMResponse(texts=(self.reply,), usage=Usage(3, 5), model=self.model)
                for _ in requests]  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def toy_backend():
    if "toy-echo" not in BACKENDS:
        register_backend(BackendInfo("toy-echo", EchoGood, takes=(Takes("model", required=True),),
                                     summary="a test backend"))  # fmt: skip
    yield
    BACKENDS.remove("toy-echo")


def test_the_resolver_reads_the_declaration() -> None:
    resolved = resolve_backend("toy-echo", BackendSettings(model="toy-1", script="ignored.json"))
    assert resolved.options == {"model": "toy-1"}  # only what it declares it takes
    assert resolved.cache_dir is None  # not declared cacheable
    assert resolved.info.cluster is None
    with pytest.raises(ConfigError, match="the toy-echo backend needs --model"):
        resolve_backend("toy-echo", BackendSettings())
    with pytest.raises(ConfigError, match="did you mean 'toy-echo'"):
        resolve_backend("toy-ecko", BackendSettings(model="m"))


def test_optimize_runs_the_toy_backend(tmp_path: Path, capsys) -> None:
    EchoGood.served = []
    code = main(["optimize", str(VSCALE), "--backend", "toy-echo", "--model", "toy-1",
                 "--no-timing", "--no-race", "--json", "--run-dir", str(tmp_path)])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert code == 1  # verified, but untimed: no speedup can be claimed
    assert report["calls_sent"] == 1 == len(EchoGood.served) and report["tokens"] == 8
    with RunStore(tmp_path) as store:
        assert [a.status for a in store.attempts(report["run_id"])] == [Status.PASS]
        manifest = store.manifest(report["run_id"])
    assert manifest is not None and manifest.config["backend"] == {"name": "toy-echo",
                                                                   "model": "toy-1"}  # fmt: skip
    assert EchoGood.served[0].model == "toy-1"


def test_bench_run_with_the_toy_backend_and_a_missing_setting(tmp_path: Path, capsys) -> None:
    args = ["bench", "run", "--backend", "toy-echo", "--suite", str(VSCALE), "--no-timing",
            "--no-race", "--run-dir", str(tmp_path), "-k", "1"]  # fmt: skip
    assert main(args) == 2
    assert "the toy-echo backend needs --model" in capsys.readouterr().err
    assert main([*args, "--model", "toy-2"]) == 0
    out = capsys.readouterr().out
    assert "| pass@1 |" in out or "pass@1" in out


def test_no_code_outside_llm_names_a_backend() -> None:
    names = [n for n in BACKENDS.names() if n != "toy-echo"]
    alternatives = "|".join(map(re.escape, names))
    pattern = re.compile(rf"""["']({alternatives})["']""")
    found = []
    for sub in ("cli", "jobs", "agent", "synth", "store", "strategies", "verify", "problems"):
        for path in sorted((SRC / sub).rglob("*.py")):
            for i, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{path.relative_to(SRC)}:{i}: {line.strip()}")
    assert found == []

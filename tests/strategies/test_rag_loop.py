"""rag strategies through the loop with the memory helper's real knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.agent.config import Budget, LoopConfig
from parcodegen.agent.loop import Loop
from parcodegen.llm.scripted import ScriptedBackend
from parcodegen.memory.entry import KBEntry
from parcodegen.memory.kb import KnowledgeBase
from parcodegen.problems.load import load_problem
from parcodegen.store import RunStore

VSUM = Path(__file__).resolve().parents[1] / "fixtures" / "problems" / "agent_vsum"
FAST_SUM = """#include <vector>
double total(const std::vector<double>& v) {
    double t = 0.0;
    #pragma omp parallel for reduction(+:t)  // FAST-SUM-MARKER
    for (long i = 0; i < (long)v.size(); ++i) t += v[i];
    return t;
}
"""
SLOW_SUM = """#include <vector>
#include <cstddef>
// accumulate the values of a vector, one at a time
double total(const std::vector<double>& values) {
    double acc = 0.0;
    for (std::size_t idx = 0; idx < values.size(); ++idx) { acc = acc + values[idx]; }
    return acc;
}
"""
OWN_FAST = "// OWN-PAIR-MARKER\n"
REPLY = "```cpp\n#include <vector>\ndouble vsum(const std::vector<double>& x) { double s = 0; for (double v : x) s += v; return s; }\n```"


@pytest.fixture()
def kb(tmp_path):
    problem = load_problem(VSUM)
    k = KnowledgeBase.open(tmp_path / "kb", "ngram")
    k.add([
        KBEntry.make(family="sum", slow_code=SLOW_SUM, fast_code=FAST_SUM, raw_speedup=3.0, source="seed"),
        KBEntry.make(family="agent_vsum", slow_code=problem.reference_code, fast_code=OWN_FAST,
                     raw_speedup=2.0, source="seed"),
        KBEntry.make(family="sort", slow_code="void s(int* a){/*bubble*/}", fast_code="void s(int* a){}",
                     raw_speedup=9.0, source="seed"),
    ])  # fmt: skip
    yield k
    k.close()


def run(strategy, kb, tmp_path):
    store = RunStore(tmp_path / strategy)
    backend = ScriptedBackend([REPLY])
    config = LoopConfig(
        strategy=strategy, timing=False, race=False, rag_k=2, budget=Budget(max_iters=1)
    )
    Loop([load_problem(VSUM)], backend, store.recorder("r"), config, run_id="r",
         retriever=lambda code, k, sm: kb.retrieve(code, k=k, self_match=sm)).run()  # fmt: skip
    (request,) = backend.requests
    stored = store.calls("r")[0]["request"]
    store.close()
    return request, stored


def test_rag_prompt_carries_retrieved_pairs(kb, tmp_path):
    request, stored = run("rag", kb, tmp_path)
    text = request.messages[-1].content
    assert "FAST-SUM-MARKER" in text and "OWN-PAIR-MARKER" in text  # no self-match filter
    ids = dict(request.tags)["examples"].split(",")
    assert len(ids) == 2 and all(i.startswith("seed:") for i in ids)
    assert stored["messages"][-1]["content"] == text  # the stored call holds the same prompt


def test_rag_self_match_filters_the_task_itself(kb, tmp_path):
    request, _ = run("rag+self-match", kb, tmp_path)
    text = request.messages[-1].content
    assert "FAST-SUM-MARKER" in text
    assert "OWN-PAIR-MARKER" not in text

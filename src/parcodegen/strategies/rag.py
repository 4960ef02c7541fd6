"""rag and rag+self-match: parallelize with retrieved slow/fast example pairs in the prompt.

Both retrieve the pairs whose slow code is most similar to the task's code
(`KnowledgeBase.retrieve(code, k, self_match)`). `rag+self-match` turns on self-match
filtering: a pair whose slow code is (nearly) the task's own code is skipped, so the
model cannot just copy a stored answer to this very task. `rag` retrieves without that
filter (when the knowledge base holds the task itself, this is an upper bound).
Both state the target machine (CPU, cores and threads, caches, compiler and OpenMP
runtime) and, per example, the machine its speedup was measured on.
"""

from __future__ import annotations

from parcodegen.strategies.base import STRATEGIES, Stage, Strategy

RAG = Strategy(
    name="rag",
    description="parallelize with retrieved example pairs",
    stages=(Stage("parallel", "parallel"),),
    retrieve=True,
    self_match=False,
    state_machine=True,
)
RAG_SELF_MATCH = Strategy(
    name="rag+self-match",
    description="parallelize with retrieved example pairs, the task's own pair filtered out",
    stages=(Stage("parallel", "parallel"),),
    retrieve=True,
    self_match=True,
    state_machine=True,
)

for _s in (RAG, RAG_SELF_MATCH):
    STRATEGIES.add(_s.name, _s)

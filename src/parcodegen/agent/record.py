"""What the loop writes through: every call and attempt stored BEFORE anything is scored.

The run store (store.RunStore.recorder) implements this; the loop only sees the protocol
(the store sits above the agent in the import order). `get_*` return what a previous,
interrupted execution of the same run already stored, so a resumed run re-issues only
what is missing.
"""

from __future__ import annotations

from typing import Protocol

from parcodegen.llm.base import LLMRequest, LLMResponse
from parcodegen.types import Attempt, Episode, Verdict


class Recorder(Protocol):
    def get_call(self, episode: str, turn: int) -> LLMResponse | None: ...

    def put_call(
        self, episode: str, turn: int, request: LLMRequest, response: LLMResponse
    ) -> None: ...

    def get_attempt(self, episode: str, turn: int) -> tuple[Attempt, Verdict] | None: ...

    def put_attempt(self, attempt: Attempt, verdict: Verdict, code: str | None) -> None: ...

    def put_episode(self, episode: Episode) -> None: ...

    def put_result(
        self, problem_id: str, candidate_id: str | None, speedup: float | None, explanation: str
    ) -> None: ...

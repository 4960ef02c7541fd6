"""`autopar` as a backend: the built-in non-LLM parallelizer behind the Backend protocol.

For each request it takes the source from the first ```cpp block of the first user message
that has one (the task prompt: later messages carry feedback or an already parallelized
candidate), the function name from the request tag "function" and the size arguments'
values at the bench size from the tag "sizes" (`n=500,steps=20`, for the cost model). Each response text
is one variant in a ```cpp fence with autopar's report around it; the texts are rotated
by the request's "turn" tag (plus the "sample" tag) so an agent that reads only the
first text tries a different variant on each turn, best predicted first; once every
variant was proposed, a turn gets a text without code saying so (each variant is tried
once). The response that proposes the last untried variant carries raw["final"]
("autopar: all K variants tried"): the agent loop ends the episode after it instead
of asking again. When no loop is safe to parallelize the single text says "nothing is safe to
parallelize" with the reason per loop, and holds no code. Usage and cost are zero.
"""

from __future__ import annotations

import re
import time

from parcodegen.errors import BackendError
from parcodegen.llm.base import LLMRequest, LLMResponse, OneAtATime, Usage

_FENCE = re.compile(r"```(?:cpp|c\+\+|cxx|cc|c)[ \t]*\n(.*?)```", re.DOTALL | re.IGNORECASE)


def source_of(request: LLMRequest) -> str | None:
    for message in request.messages:
        if message.role != "user":
            continue
        found = _FENCE.search(message.content)
        if found:
            return found.group(1)
    return None


class AutoparBackend(OneAtATime):
    name = "autopar"

    def __init__(self, model: str = "autopar"):
        self.model = model

    def _one(self, request: LLMRequest) -> LLMResponse:
        from parcodegen.autopar import optimize_source  # keeps tree-sitter off startup

        start = time.monotonic()
        function = request.tag("function")
        if not function:
            raise BackendError("the autopar backend needs the request tag 'function'")
        if request.tag("kind") == "self_check":
            text = "autopar verified its own analysis already; the draft stands unchanged."
            return self._response([text], start, {"self_check": True})
        code = source_of(request)
        if code is None:
            text = (
                "autopar found no ```cpp block in the request, so there is nothing to "
                "parallelize; keep the original."
            )
            return self._response([text], start, {"variants": []})
        from parcodegen.exprs import parse_values

        result = optimize_source(code, function, parse_values(request.tag("sizes")))
        if not result.variants:
            text = (
                f"autopar proposes no code for `{function}`; keep the original.\n\n{result.report}"
            )
            final = "autopar: no variant to try (nothing is safe or worth parallelizing)"
            return self._response([text], start, {"variants": []}, final=final)
        texts = [
            f"autopar variant `{label}`.\n\n```cpp\n{variant.rstrip()}\n```\n\n{result.report}"
            for label, variant in result.variants
        ]
        try:
            turns = int(request.tag("turn", ""))
        except ValueError:
            turns = sum(1 for m in request.messages if m.role == "assistant")
        try:
            sample = int(request.tag("sample", "0"))
        except ValueError:
            sample = 0
        labels = [label for label, _ in result.variants]
        if turns >= len(texts):
            # each variant is proposed once: later turns say so instead of repeating one
            text = (
                f"autopar has no further variant for `{function}`: all {len(texts)} "
                f"({', '.join(labels)}) were proposed in earlier turns; keep the best of "
                "them.\n\n" + result.report
            )
            return self._response(
                [text], start, {"variants": labels, "exhausted": True}, final=_all_tried(labels)
            )
        shift = (turns + sample) % len(texts)
        texts = texts[shift:] + texts[:shift]
        # the turn that proposes the last untried variant ends the episode after it
        final = _all_tried(labels) if turns == len(texts) - 1 else ""
        raw = {"variants": labels, "first": labels[shift]}
        return self._response(texts, start, raw, final=final)

    def _response(self, texts: list[str], start: float, raw: dict, final: str = "") -> LLMResponse:
        """`final` (in raw["final"]): this backend has nothing further for the episode."""
        return LLMResponse(
            texts=tuple(texts),
            usage=Usage(),
            model=self.model,
            latency_s=time.monotonic() - start,
            raw={"autopar": raw, **({"final": final} if final else {})},
        )


def _all_tried(labels: list[str]) -> str:
    return f"autopar: all {len(labels)} variants tried ({', '.join(labels)})"

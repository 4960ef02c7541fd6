"""Token usage and cost: a price table and a thread-safe ledger per call, problem and run."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from parcodegen.llm.base import LLMRequest, LLMResponse, Usage, collect, resolved, stream


@dataclass(frozen=True)
class Price:
    """USD per one million tokens."""

    input_per_m: float = 0.0
    output_per_m: float = 0.0


PriceTable = Mapping[str, "Price | tuple[float, float]"]


def cost_usd(
    prices: PriceTable | None, model: str, prompt_tokens: int, completion_tokens: int
) -> float:
    """Cost of one call from a per-model price table; 0 for a model not in the table."""
    if not prices or model not in prices:
        return 0.0
    price = prices[model]
    if not isinstance(price, Price):
        price = Price(*price)
    return (prompt_tokens * price.input_per_m + completion_tokens * price.output_per_m) / 1e6


@dataclass(frozen=True)
class CallRecord:
    problem: str
    model: str
    usage: Usage
    cached: bool
    latency_s: float


class UsageLedger:
    """Tallies usage per call, per problem tag and for the whole run. Safe under threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[CallRecord] = []
        self._by_problem: dict[str, Usage] = {}
        self._total = Usage()

    def add(self, request: LLMRequest, response: LLMResponse) -> None:
        record = CallRecord(
            problem=request.tag("problem"),
            model=response.model or request.model,
            usage=response.usage,
            cached=response.cached,
            latency_s=response.latency_s,
        )
        with self._lock:
            self._calls.append(record)
            prev = self._by_problem.get(record.problem, Usage())
            self._by_problem[record.problem] = prev + record.usage
            self._total = self._total + record.usage

    def add_batch(self, requests: list[LLMRequest], responses: list[LLMResponse]) -> None:
        for req, resp in zip(requests, responses, strict=True):
            self.add(req, resp)

    @property
    def total(self) -> Usage:
        with self._lock:
            return self._total

    def for_problem(self, problem: str) -> Usage:
        with self._lock:
            return self._by_problem.get(problem, Usage())

    def by_problem(self) -> dict[str, Usage]:
        with self._lock:
            return dict(self._by_problem)

    def calls(self) -> list[CallRecord]:
        with self._lock:
            return list(self._calls)

    @property
    def cache_hits(self) -> int:
        with self._lock:
            return sum(1 for c in self._calls if c.cached)

    def summary(self) -> dict[str, object]:
        """A JSON-ready summary for run manifests and reports."""
        with self._lock:
            total = self._total
            return {
                "calls": len(self._calls),
                "cache_hits": sum(1 for c in self._calls if c.cached),
                "prompt_tokens": total.prompt_tokens,
                "completion_tokens": total.completion_tokens,
                "cost_usd": round(total.cost_usd, 6),
                "by_problem": {
                    p: {
                        "prompt_tokens": u.prompt_tokens,
                        "completion_tokens": u.completion_tokens,
                        "cost_usd": round(u.cost_usd, 6),
                    }
                    for p, u in sorted(self._by_problem.items())
                },
            }


class MeteredBackend:
    """Wraps a backend and adds every response to a ledger."""

    def __init__(self, inner: object, ledger: UsageLedger):
        self.inner = inner
        self.ledger = ledger
        self.name = getattr(inner, "name", "backend")

    def resolve(self, request: LLMRequest) -> LLMRequest:
        return resolved(self.inner, request)

    def generate(self, requests: list[LLMRequest]) -> list[LLMResponse]:
        return collect(self.generate_iter(requests), len(requests))

    def generate_iter(self, requests: list[LLMRequest]) -> Iterator[tuple[int, LLMResponse]]:
        for i, response in stream(self.inner, requests):
            self.ledger.add_batch([requests[i]], [response])
            yield i, response

"""JSON round-trips for the records the store keeps (Verdict, LLMRequest, LLMResponse)."""

from __future__ import annotations

import json
from typing import Any

from parcodegen.llm.base import LLMRequest, LLMResponse, Message, Usage
from parcodegen.types import Measurement, Status, StepResult, Verdict


def dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, default=str)


def step_from_dict(d: dict[str, Any]) -> StepResult:
    return StepResult(
        step=d["step"],
        ok=bool(d["ok"]),
        status=Status(d["status"]) if d.get("status") else None,
        message=d.get("message", ""),
        log=d.get("log", ""),
        seconds=float(d.get("seconds", 0.0)),
        skipped=bool(d.get("skipped", False)),
        data=dict(d.get("data") or {}),
    )


def measurement_from_dict(d: dict[str, Any]) -> Measurement:
    return Measurement.from_dict(d)


def verdict_from_dict(d: dict[str, Any]) -> Verdict:
    m = d.get("measurement")
    return Verdict(
        status=Status(d["status"]),
        steps=tuple(step_from_dict(s) for s in d.get("steps", [])),
        measurement=measurement_from_dict(m) if m else None,
    )


def request_to_dict(r: LLMRequest) -> dict[str, Any]:
    return {
        "messages": [{"role": m.role, "content": m.content} for m in r.messages],
        "model": r.model,
        "temperature": r.temperature,
        "n": r.n,
        "max_tokens": r.max_tokens,
        "seed": r.seed,
        "tags": [list(t) for t in r.tags],
    }


def request_from_dict(d: dict[str, Any]) -> LLMRequest:
    return LLMRequest(
        messages=tuple(Message(m["role"], m["content"]) for m in d["messages"]),
        model=d.get("model", ""),
        temperature=float(d.get("temperature", 0.2)),
        n=int(d.get("n", 1)),
        max_tokens=int(d.get("max_tokens", 4096)),
        seed=d.get("seed"),
        tags=tuple((str(k), str(v)) for k, v in d.get("tags", [])),
    )


def response_from_row(
    texts: str, model: str, pt: int, ct: int, cost: float, latency: float
) -> LLMResponse:
    return LLMResponse(
        texts=tuple(json.loads(texts)),
        usage=Usage(int(pt), int(ct), float(cost)),
        model=model,
        cached=True,
        latency_s=float(latency),
    )

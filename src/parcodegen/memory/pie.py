"""Read the user's own copy of PIE (performance-improving edits) into KB entries.

One JSON object per line. Field names vary between PIE's releases and splits, so each
field is looked up under several names (first present wins):

  slow code   src_code, input, code_v0, slow_code, source_code, src
  fast code   tgt_code, target, code_v1, fast_code, target_code, tgt
  speedup     speedup, runtime_lift, speedup_ratio
  slow time   src_agg_runtime, measured_runtime_v0, cpu_time_v0, src_runtime, slow_runtime
  fast time   tgt_agg_runtime, measured_runtime_v1, cpu_time_v1, tgt_runtime, fast_runtime
  problem id  problem_id, pid, problem, family, task_id

The raw speedup is the `speedup` field when present, else slow time / fast time.
Lines are dropped (with the reason counted and reported) when: not JSON / not an object,
a required field is missing or empty, the speedup is not a number > 1, or either code is
over `max_tokens` o200k_base tokens.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parcodegen.memory.entry import KBEntry
from parcodegen.memory.tokens import count_tokens

SLOW_KEYS = ("src_code", "input", "code_v0", "slow_code", "source_code", "src")
FAST_KEYS = ("tgt_code", "target", "code_v1", "fast_code", "target_code", "tgt")
SPEEDUP_KEYS = ("speedup", "runtime_lift", "speedup_ratio")
SLOW_TIME_KEYS = (
    "src_agg_runtime",
    "measured_runtime_v0",
    "cpu_time_v0",
    "src_runtime",
    "slow_runtime",
)
FAST_TIME_KEYS = (
    "tgt_agg_runtime",
    "measured_runtime_v1",
    "cpu_time_v1",
    "tgt_runtime",
    "fast_runtime",
)
FAMILY_KEYS = ("problem_id", "pid", "problem", "family", "task_id")
DEFAULT_MAX_TOKENS = 1000


class LineRejected(ValueError):
    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(message)


@dataclass
class IngestReport:
    kept: list[KBEntry] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)
    messages: list[str] = field(default_factory=list)  # one per dropped line
    lines: int = 0

    def summary(self, show: int = 10) -> str:
        out = [
            f"read {self.lines} lines: kept {len(self.kept)}, dropped {sum(self.dropped.values())}"
        ]
        for reason, n in sorted(self.dropped.items()):
            out.append(f"  dropped {n:6d}  {reason}")
        for msg in self.messages[:show]:
            out.append(f"  {msg}")
        if len(self.messages) > show:
            out.append(f"  ... {len(self.messages) - show} more dropped lines not shown")
        return "\n".join(out)


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> tuple[str | None, Any]:
    for key in keys:
        value = record.get(key)
        if value is not None and value != "":
            return key, value
    return None, None


def _number(value: Any, key: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise LineRejected("malformed", f"field '{key}' is not a number: {value!r}") from None
    if not math.isfinite(number):
        raise LineRejected("malformed", f"field '{key}' is not finite: {value!r}")
    return number


def _alts(keys: tuple[str, ...]) -> str:
    return "/".join(f"'{k}'" for k in keys[:3]) + " or similar"


def raw_speedup(record: dict[str, Any]) -> float:
    key, value = _first(record, SPEEDUP_KEYS)
    if key is not None:
        return _number(value, key)
    skey, slow = _first(record, SLOW_TIME_KEYS)
    fkey, fast = _first(record, FAST_TIME_KEYS)
    if skey is None or fkey is None:
        missing = _alts(SLOW_TIME_KEYS) if skey is None else _alts(FAST_TIME_KEYS)
        raise LineRejected(
            "missing speedup",
            f"missing speedup: no {_alts(SPEEDUP_KEYS)} field and no runtime pair "
            f"(missing {missing})",
        )
    slow_t, fast_t = _number(slow, skey), _number(fast, fkey)
    if fast_t <= 0 or slow_t <= 0:
        raise LineRejected("malformed", f"runtimes must be > 0 ({skey}={slow}, {fkey}={fast})")
    return slow_t / fast_t


def parse_record(record: Any, max_tokens: int = DEFAULT_MAX_TOKENS) -> KBEntry:
    """One PIE record -> KBEntry, or LineRejected naming what is wrong."""
    if not isinstance(record, dict):
        raise LineRejected("malformed", f"expected a JSON object, got {type(record).__name__}")
    missing = []
    skey, slow = _first(record, SLOW_KEYS)
    fkey, fast = _first(record, FAST_KEYS)
    pkey, family = _first(record, FAMILY_KEYS)
    if skey is None:
        missing.append(f"slow code ({_alts(SLOW_KEYS)})")
    if fkey is None:
        missing.append(f"fast code ({_alts(FAST_KEYS)})")
    if pkey is None:
        missing.append(f"problem id ({_alts(FAMILY_KEYS)})")
    if missing:
        raise LineRejected("missing field", "missing " + "; ".join(missing))
    if not isinstance(slow, str) or not isinstance(fast, str):
        raise LineRejected("malformed", f"fields '{skey}' and '{fkey}' must be strings")
    speed = raw_speedup(record)
    if speed <= 1.0:
        raise LineRejected("no speedup", f"speedup {speed:.3g} <= 1 (not an improvement)")
    slow_tokens, fast_tokens = count_tokens(slow), count_tokens(fast)
    if max(slow_tokens, fast_tokens) > max_tokens:
        raise LineRejected(
            f"over {max_tokens} tokens",
            f"too long: slow {slow_tokens} / fast {fast_tokens} o200k_base tokens "
            f"(limit {max_tokens})",
        )
    return KBEntry.make(
        family=str(family),
        slow_code=slow,
        fast_code=fast,
        raw_speedup=speed,
        source="pie",
        hardware=str(record.get("hardware", "") or "as published by PIE"),
        compiler=str(record.get("compiler", "") or ""),
        verified=False,
        slow_tokens=slow_tokens,
        fast_tokens=fast_tokens,
    )


def read_pie(
    lines: Iterable[str], max_tokens: int = DEFAULT_MAX_TOKENS, where: str = ""
) -> IngestReport:
    report = IngestReport()
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        report.lines += 1
        try:
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise LineRejected("malformed", f"not valid JSON ({exc.msg})") from None
            entry = parse_record(record, max_tokens)
            if entry.id in seen:
                raise LineRejected("duplicate", "duplicate of an earlier line")
        except LineRejected as exc:
            report.dropped[exc.reason] += 1
            report.messages.append(f"{where}line {number}: {exc}")
            continue
        seen.add(entry.id)
        report.kept.append(entry)
    return report


def read_pie_file(path: str | Path, max_tokens: int = DEFAULT_MAX_TOKENS) -> IngestReport:
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        return read_pie(fh, max_tokens, where=f"{path.name}:")

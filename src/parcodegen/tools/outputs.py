"""Read the harness's binary output records and compare reference against candidate."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from parcodegen.types import Problem

MAGIC = b"PCG1"
DTYPES = {b"f": np.float64, b"i": np.int64, b"u": np.uint64}
TIME_KEY = "__time_ns"


class OutputFormatError(Exception):
    """The output file is missing, truncated or not in the harness format."""


def read_outputs(path: Path) -> dict[str, np.ndarray]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise OutputFormatError("the program wrote no output file") from None
    if not data.startswith(MAGIC):
        raise OutputFormatError("the output file is not in the harness format")
    pos, out = 4, {}
    while pos < len(data):
        try:
            (nlen,) = struct.unpack_from("<I", data, pos)
            pos += 4
            name = data[pos : pos + nlen].decode()
            pos += nlen
            kind = data[pos : pos + 1]
            (count,) = struct.unpack_from("<Q", data, pos + 1)
            pos += 9
        except (struct.error, UnicodeDecodeError):
            raise OutputFormatError("truncated output record") from None
        if kind not in DTYPES or pos + 8 * count > len(data):
            raise OutputFormatError(f"truncated or corrupt output '{name}'")
        out[name] = np.frombuffer(data, dtype=DTYPES[kind], count=count, offset=pos)
        pos += 8 * count
    return out


def elapsed_seconds(outputs: dict[str, np.ndarray]) -> float:
    t = outputs.get(TIME_KEY)
    return float(t[0]) / 1e9 if t is not None and len(t) else float("nan")


@dataclass(frozen=True)
class Mismatch:
    output: str
    message: str  # model-facing: which element, expected vs actual


def _fmt(v: object) -> str:
    return f"{v:.17g}" if isinstance(v, (float, np.floating)) else str(v)


def compare_outputs(problem: Problem, expected: dict[str, np.ndarray], actual: dict[str, np.ndarray]) -> Mismatch | None:
    """None when every output matches under the problem's comparison rules."""
    for name, exp in expected.items():
        if name == TIME_KEY:
            continue
        label = "return value" if name == "return" else f"output '{name}'"
        got = actual.get(name)
        if got is None:
            return Mismatch(name, f"{label} is missing")
        if len(got) != len(exp):
            return Mismatch(name, f"{label} has {len(got)} elements, expected {len(exp)}")
        spec = problem.compare_for(name)
        e, a = exp, got
        if spec.unordered:
            e, a = np.sort(e), np.sort(a)
        if e.dtype.kind == "f" or a.dtype.kind == "f":
            ef, af = e.astype(np.float64), a.astype(np.float64)
            ok = np.isclose(af, ef, rtol=spec.rtol, atol=spec.atol, equal_nan=True)
        else:
            ok = e == a
        if not np.all(ok):
            idx = int(np.argmin(ok))
            where = "" if len(e) == 1 else f"[{idx}]"
            extra = f" ({int(np.size(ok) - np.count_nonzero(ok))} of {len(e)} elements differ)" if len(e) > 1 else ""
            order = " after sorting (order-insensitive)" if spec.unordered else ""
            return Mismatch(
                name, f"{label}{where}{order}: expected {_fmt(e[idx])}, got {_fmt(a[idx])}{extra}"
            )
    for name in actual:
        if name not in expected:
            return Mismatch(name, f"unexpected output '{name}'")
    return None

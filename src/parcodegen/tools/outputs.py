"""Read the harness's binary output records and compare reference against candidate.

A record is an array in full (a numpy array) or, from a sampled run (see the harness's
`pcg::Out`), a `SampledArray`: the array's length, the sampled positions and the values
there. Comparison works on either and always names the real element index.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from parcodegen.errors import InfraError
from parcodegen.types import Problem

MAGIC = b"PCG1"
DTYPES = {b"f": np.float64, b"i": np.int64, b"u": np.uint64}
SAMPLED = {b"F": np.float64, b"I": np.int64, b"U": np.uint64}
CHUNK = 1 << 22  # elements compared at a time: bounds the temporaries of a full comparison


class OutputFormatError(Exception):
    """The output file is missing, truncated or not in the harness format."""


@dataclass(frozen=True, eq=False)
class SampledArray:
    """Some elements of an output array: values[j] is element index[j] of `length`."""

    length: int
    index: np.ndarray  # uint64, ascending
    values: np.ndarray

    def __len__(self) -> int:
        return self.length


Output = np.ndarray | SampledArray


def _array(data: np.ndarray, dtype, count: int, pos: int, name: str) -> tuple[np.ndarray, int]:
    if pos + 8 * count > len(data):
        raise OutputFormatError(f"truncated or corrupt output '{name}'")
    return np.frombuffer(data, dtype=dtype, count=count, offset=pos), pos + 8 * count


def read_outputs(source: Path | IO[bytes]) -> dict[str, Output]:
    """The records of a results file (a path, or an open file read from its start)."""
    try:
        # into a numpy buffer: ~3x faster than read_bytes for a 1 GB file (numpy asks for
        # huge pages); the arrays are read-only views of it
        if isinstance(source, Path):
            data = np.fromfile(source, dtype=np.uint8)
        else:
            source.seek(0)
            data = np.fromfile(source, dtype=np.uint8)
    except FileNotFoundError:
        raise OutputFormatError("the program wrote no output file") from None
    data.flags.writeable = False
    if bytes(data[:4]) != MAGIC:
        raise OutputFormatError("the output file is not in the harness format")
    raw = data.data  # the bytes, for struct
    pos = 4
    out: dict[str, Output] = {}
    while pos < len(data):
        try:
            (nlen,) = struct.unpack_from("<I", raw, pos)
            pos += 4
            name = bytes(data[pos : pos + nlen]).decode()
            pos += nlen
            kind = bytes(data[pos : pos + 1])
            (count,) = struct.unpack_from("<Q", raw, pos + 1)
            pos += 9
            if kind in SAMPLED:
                (k,) = struct.unpack_from("<Q", raw, pos)
                pos += 8
        except (struct.error, UnicodeDecodeError):
            raise OutputFormatError("truncated output record") from None
        if kind in DTYPES:
            out[name], pos = _array(data, DTYPES[kind], count, pos, name)
        elif kind in SAMPLED:
            index, pos = _array(data, np.uint64, k, pos, name)
            values, pos = _array(data, SAMPLED[kind], k, pos, name)
            if (
                k > count
                or (k and int(index[-1]) >= count)
                or np.any(np.diff(index.astype(np.int64)) <= 0)
            ):
                raise OutputFormatError(f"corrupt sample positions in output '{name}'")
            out[name] = SampledArray(count, index, values)
        else:
            raise OutputFormatError(f"truncated or corrupt output '{name}'")
    return out


def is_meta(name: str) -> bool:
    """Records about a run rather than outputs: the call's time, threads, changed inputs."""
    return name.startswith("__")


def split_calls(outputs: dict[str, Output], calls: int) -> list[dict[str, Output]]:
    """The records of a multi-call run per call: call 0 untagged, call k "@k:name"."""
    per: list[dict[str, Output]] = [{} for _ in range(calls)]
    for name, value in outputs.items():
        k = 0
        if name.startswith("@") and ":" in name:
            tag, rest = name[1:].split(":", 1)
            if tag.isdigit():
                k, name = int(tag), rest
        if k < calls:
            per[k][name] = value
    return per


def nonfinite_counts(outputs: dict[str, Output]) -> dict[str, tuple[int, int]]:
    """(non-finite elements, elements) of every floating-point output."""
    out: dict[str, tuple[int, int]] = {}
    for name, value in outputs.items():
        if is_meta(name):
            continue
        arr = value.values if isinstance(value, SampledArray) else value
        if arr.dtype.kind != "f" or len(arr) == 0:
            continue
        bad = 0
        for lo in range(0, len(arr), CHUNK):
            bad += int(np.count_nonzero(~np.isfinite(arr[lo : lo + CHUNK])))
        out[name] = (bad, len(arr))
    return out


@dataclass(frozen=True)
class Mismatch:
    output: str
    message: str  # model-facing: which element, expected vs actual


def _fmt(v: object) -> str:
    return f"{v:.17g}" if isinstance(v, (float, np.floating)) else str(v)


def _aligned(exp: Output, got: Output) -> tuple[np.ndarray | None, np.ndarray, np.ndarray] | None:
    """(real positions or None for all, expected values, actual values) at common positions."""
    if isinstance(exp, SampledArray) and isinstance(got, SampledArray):
        if not np.array_equal(exp.index, got.index):
            return None
        return exp.index, exp.values, got.values
    if isinstance(exp, SampledArray):
        assert not isinstance(got, SampledArray)  # both sampled: handled above
        return exp.index, exp.values, got[exp.index]
    if isinstance(got, SampledArray):
        return got.index, exp[got.index], got.values
    return None, exp, got


def _differences(e: np.ndarray, a: np.ndarray, rtol: float, atol: float) -> tuple[int, int]:
    """(first differing position or -1, how many differ), a chunk at a time."""
    first, bad = -1, 0
    floats = e.dtype.kind == "f" or a.dtype.kind == "f"
    for lo in range(0, len(e), CHUNK):
        ec, ac = e[lo : lo + CHUNK], a[lo : lo + CHUNK]
        if floats:
            ok = np.isclose(ac.astype(np.float64, copy=False), ec.astype(np.float64, copy=False),
                            rtol=rtol, atol=atol, equal_nan=True)  # fmt: skip
        else:
            ok = ec == ac
        n_ok = int(np.count_nonzero(ok))
        if n_ok < len(ok):
            if first < 0:
                first = lo + int(np.argmin(ok))
            bad += len(ok) - n_ok
    return first, bad


def compare_outputs(
    problem: Problem, expected: dict[str, Output], actual: dict[str, Output], n: int | None = None
) -> Mismatch | None:
    """None when every output matches under the problem's comparison rules.

    Sampled records are compared at their positions (the reference's and the candidate's
    come from the same seed, so the same positions); a message names the real index.
    """
    for name, exp in expected.items():
        if is_meta(name):
            continue
        label = "return value" if name == "return" else f"output '{name}'"
        got = actual.get(name)
        if got is None:
            return Mismatch(name, f"{label} is missing")
        if len(got) != len(exp):
            return Mismatch(name, f"{label} has {len(got)} elements, expected {len(exp)}")
        spec = problem.compare_for(name)
        if n is not None:
            spec = spec.at(n)  # tolerances given as expressions in n
        aligned = _aligned(exp, got)
        if aligned is None:
            return Mismatch(name, f"{label}: sampled positions differ from the reference's")
        where_of, e, a = aligned
        if spec.unordered:
            if where_of is not None:
                raise InfraError(f"{label} is compared order-insensitively but was sampled")
            e, a = np.sort(e), np.sort(a)
        idx, bad = _differences(e, a, spec.rtol, spec.atol)
        if idx >= 0:
            real = idx if where_of is None else int(where_of[idx])
            where = "" if len(exp) == 1 else f"[{real}]"
            sampled = "" if where_of is None else " sampled"
            extra = f" ({bad} of {len(e)}{sampled} elements differ)" if len(exp) > 1 else ""
            order = " after sorting (order-insensitive)" if spec.unordered else ""
            return Mismatch(
                name, f"{label}{where}{order}: expected {_fmt(e[idx])}, got {_fmt(a[idx])}{extra}"
            )
    for name in actual:
        if name not in expected and not is_meta(name):
            return Mismatch(name, f"unexpected output '{name}'")
    return None

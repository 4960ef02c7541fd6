"""The knowledge-base record (`KBEntry`) and the small pure helpers around it.

- `normalize_speedup(raw)`: squash a measured speedup into [1, 10] (the raw value is kept).
- `normalize_code(code)`: C/C++ source with comments and whitespace removed, used to
  spot a query that is (nearly) the stored slow code and to de-duplicate examples.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import asdict, dataclass
from typing import Any

from parcodegen.types import MachineProfile, RunManifest

SOURCES = ("pie", "seed", "synth", "user", "run")

# Identity up to KNEE, then 10 - KNEE**2 / s above it: continuous with slope 1 at the knee,
# monotone, and bounded by 10. So 2x stays 2, 5x stays 5, 10x -> 7.5, 100x -> 9.75.
KNEE = 5.0
NORM_MAX = 10.0


def normalize_speedup(raw: float) -> float:
    """Map a raw speedup (slow time / fast time) into [1, 10].

    s <= 1          -> 1          (no gain)
    1 < s <= 5      -> s          (typical OpenMP gains are kept as measured)
    s > 5           -> 10 - 25/s  (compressed; approaches 10 as s grows)
    """
    if not math.isfinite(raw):
        return NORM_MAX if raw > 0 else 1.0
    if raw <= 1.0:
        return 1.0
    if raw <= KNEE:
        return float(raw)
    return NORM_MAX - KNEE * KNEE / raw


_COMMENT_OR_STRING = re.compile(
    r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S
)
_WS = re.compile(r"\s+")
_PUNCT_SPACE = re.compile(r"\s+(?=[^\w\s])|(?<=[^\w\s])\s+")


def strip_comments(code: str) -> str:
    """Remove // and /* */ comments (string and char literals are left intact)."""

    def repl(m: re.Match[str]) -> str:
        s = m.group(0)
        if s.startswith("/"):
            return " "
        return s

    return _COMMENT_OR_STRING.sub(repl, code)


def normalize_code(code: str) -> str:
    """Comment- and whitespace-insensitive form of C/C++ source.

    Runs of whitespace become one space, and spaces next to punctuation are dropped, so
    `a[i]+=b[i];` and `a[ i ] += b[ i ] ;` normalize to the same string.
    """
    text = strip_comments(code)
    text = _WS.sub(" ", text).strip()
    return _PUNCT_SPACE.sub("", text)


def code_key(code: str) -> str:
    """A short hash of the normalized code: equal for copies differing in layout/comments."""
    return hashlib.sha256(normalize_code(code).encode("utf-8")).hexdigest()[:16]


def entry_id(source: str, family: str, slow_code: str, fast_code: str) -> str:
    """Readable, content-derived id: `<source>:<family>:<hash>` (stable across re-adds)."""
    h = hashlib.sha256(
        (normalize_code(slow_code) + "\0" + normalize_code(fast_code)).encode("utf-8")
    ).hexdigest()[:10]
    fam = re.sub(r"[^\w.\-/]+", "_", family)[:60] or "none"
    return f"{source}:{fam}:{h}"


@dataclass(frozen=True)
class KBEntry:
    """One slow -> fast example.

    `speedup` is normalized into [1, 10] (see `normalize_speedup`); `raw_speedup` is the
    measured ratio. `hardware` / `compiler` say where it was measured (one line each);
    `machine` is the full profile of that machine (CPU, cores and threads, caches,
    memory, compiler, OpenMP runtime) when it was recorded, None when not known (PIE
    pairs, entries stored before profiles were kept); `verified` is True only when this
    tool's own pipeline checked the pair.
    """

    id: str
    family: str  # problem or task id
    slow_code: str
    fast_code: str
    raw_speedup: float
    speedup: float
    source: str  # pie | seed | synth | user | run
    hardware: str = ""
    compiler: str = ""
    verified: bool = False
    slow_tokens: int = 0
    fast_tokens: int = 0
    machine: MachineProfile | None = None

    @classmethod
    def make(
        cls,
        *,
        family: str,
        slow_code: str,
        fast_code: str,
        raw_speedup: float,
        source: str,
        hardware: str = "",
        compiler: str = "",
        verified: bool = False,
        slow_tokens: int = 0,
        fast_tokens: int = 0,
        id: str | None = None,
        machine: MachineProfile | None = None,
    ) -> KBEntry:
        if source not in SOURCES:
            raise ValueError(f"unknown source '{source}' (known: {', '.join(SOURCES)})")
        return cls(
            id=id or entry_id(source, family, slow_code, fast_code),
            family=family,
            slow_code=slow_code,
            fast_code=fast_code,
            raw_speedup=float(raw_speedup),
            speedup=normalize_speedup(float(raw_speedup)),
            source=source,
            hardware=hardware,
            compiler=compiler,
            verified=verified,
            slow_tokens=slow_tokens,
            fast_tokens=fast_tokens,
            machine=machine,
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["machine"] = self.machine.to_dict() if self.machine is not None else None
        return d


def manifest_profile(manifest: RunManifest | None) -> MachineProfile | None:
    """The machine profile a run's manifest recorded (None for manifests without one)."""
    prof = (manifest.machine or {}).get("profile") if manifest is not None else None
    return MachineProfile.from_dict(prof) if isinstance(prof, dict) else None


def measured_entry(*, family: str, slow_code: str, fast_code: str, speedup: float, source: str,
                   manifest: RunManifest | None, threads: int = 0,
                   machine: MachineProfile | None = None) -> KBEntry:  # fmt: skip
    """THE conversion of a stored run's verified, timed result into a KB entry (kb add-run,
    synth exports): the hardware and compiler of the run that measured it (its manifest),
    the machine profile of the measurement (`machine`, else the manifest's), the threads
    it was timed with, and token counts."""
    from parcodegen.memory.tokens import count_tokens

    hardware = manifest.hardware if manifest is not None else ""
    return KBEntry.make(
        family=family, slow_code=slow_code, fast_code=fast_code, raw_speedup=speedup,
        source=source, hardware=f"{hardware}, {threads} threads" if threads else hardware,
        compiler=manifest.compiler if manifest is not None else "", verified=True,
        slow_tokens=count_tokens(slow_code), fast_tokens=count_tokens(fast_code),
        machine=machine or manifest_profile(manifest),
    )  # fmt: skip

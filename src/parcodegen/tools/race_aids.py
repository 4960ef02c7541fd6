"""Objects linked into instrumented builds so that what runs there can be seen.

- Dynamic loops' chunks dealt round robin (data/harness/pcg_dispatch.cpp): the race step's
  build that every second process runs, and the path probe's builds. A `schedule(dynamic)`
  loop gives its chunks to whichever thread asks first; on a loaded machine a thread that
  starts late found none left, only one thread ran the loop and a race between its chunks
  went unseen. Dealt round robin (the same chunks, chunk k to thread k mod T) every thread
  runs some when there are enough: one of the assignments the dynamic loop may make.
- Epochs advanced as the candidate's code runs (data/harness/pcg_epochs.cpp): both race
  builds. ThreadSanitizer drops a race whose earlier access it can no longer trace back; a
  thread that ran far ahead of another (a loaded machine) had its epoch begin too long
  before, and races at large sizes went unreported in half the loaded runs.
"""

from __future__ import annotations

from parcodegen.paths import HARNESS_INCLUDE
from parcodegen.tools.compile import CompileOutput, compile_object

ROUND_ROBIN_SOURCE = "pcg_dispatch.cpp"  # in HARNESS_INCLUDE
ROUND_ROBIN_NOTE = "dynamic loops' chunks dealt round robin"
EPOCHS_SOURCE = "pcg_epochs.cpp"
EPOCH_FLAGS = ("-fsanitize-coverage=trace-pc",)  # the candidate's race object: edges call it
LOOKUP_HEADER = "pcg_next_definition.h"  # in HARNESS_INCLUDE: the runtime files include it


def runtime_headers() -> dict[str, bytes]:
    """The header the harness's runtime files (the aids, the probe's runtime) include."""
    return {LOOKUP_HEADER: HARNESS_INCLUDE.joinpath(LOOKUP_HEADER).read_bytes()}


def aid_object(source: str, clangxx: str) -> CompileOutput:
    """One of the aids (ROUND_ROBIN_SOURCE, EPOCHS_SOURCE), compiled to link into a build
    (not instrumented itself)."""
    return compile_object(HARNESS_INCLUDE.joinpath(source).read_text(),
                          headers=runtime_headers(), flags=("-std=c++17", "-O2", "-fopenmp"),
                          compiler=clangxx, source_name=source)  # fmt: skip

"""Pull the candidate code out of an LLM reply: fenced blocks, JSON fields, or raw code.

Among several blocks, the one that defines the target function wins (the last such, as
models revise as they go); if none defines it, the reply has no usable code.
"""

from __future__ import annotations

import json
import re
import time

from parcodegen.types import Status, StepResult

FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+#-]*)[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)
JSON_FIELDS = ("code", "optimized_code", "solution", "program", "source", "cpp", "answer")
CODE_HINT = re.compile(
    r"(#include|#pragma|\b(void|int|double|float|long|bool|auto|template)\b[^;]*\()"
)


def _defines(code: str, function: str) -> bool:
    """True when `code` holds a definition (not just a call or declaration) of `function`."""
    pattern = re.compile(
        rf"\b{re.escape(function)}\s*\(([^;{{}}]*)\)\s*(?:const\s*)?(?:noexcept\s*)?\{{", re.DOTALL
    )
    return pattern.search(code) is not None


def _json_candidates(text: str) -> list[str]:
    found = []
    for blob in re.findall(r"\{.*\}", text, re.DOTALL):
        try:
            obj = json.loads(blob)
        except ValueError:
            continue
        if isinstance(obj, dict):
            for key in JSON_FIELDS:
                if isinstance(obj.get(key), str):
                    found.append(obj[key])
    return found


def code_blocks(reply: str) -> list[str]:
    """Every plausible code block in the reply, in order."""
    blocks = [m.group(2) for m in FENCE.finditer(reply)]
    blocks += _json_candidates(reply)
    for b in list(blocks):  # JSON inside a fence
        blocks += _json_candidates(b)
    if not blocks and CODE_HINT.search(reply):
        blocks.append(reply)
    return [b.strip("\n") + "\n" for b in blocks if b.strip()]


def extract_code(reply: str, function: str) -> StepResult:
    start = time.monotonic()
    if not reply or not reply.strip():
        return StepResult("extract", False, Status.NO_CODE, "the reply was empty", reply or "",
                          time.monotonic() - start)  # fmt: skip
    blocks = code_blocks(reply)
    defining = [b for b in blocks if _defines(b, function)]
    if not defining:
        why = (f"no code block defines `{function}`" if blocks
               else "the reply contains no code")  # fmt: skip
        msg = (f"{why}; reply with the complete C++ translation unit (includes, helpers and "
               f"the definition of `{function}` with its exact signature) in one ```cpp block")  # fmt: skip
        return StepResult("extract", False, Status.NO_CODE, msg, reply, time.monotonic() - start,
                          data={"blocks": len(blocks)})  # fmt: skip
    code = defining[-1]
    # Includes a model put in a separate block belong to the translation unit too.
    includes = []
    for b in blocks:
        if b is code:
            continue
        for line in b.splitlines():
            if line.strip().startswith("#include") and line.strip() not in code:
                includes.append(line.strip())
    if includes:
        code = "\n".join(dict.fromkeys(includes)) + "\n" + code
    return StepResult("extract", True, None, f"extracted {len(code.splitlines())} lines", reply,
                      time.monotonic() - start, data={"code": code, "blocks": len(blocks)})  # fmt: skip

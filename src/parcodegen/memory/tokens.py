"""Token counts under the o200k_base tokenizer, with no network.

The `bpe-openai` package ships the o200k_base vocabulary and a tiktoken-compatible
encoder, so nothing is downloaded. `tiktoken_cache_dir()` also writes that vocabulary
where tiktoken looks for it (TIKTOKEN_CACHE_DIR), for code that wants tiktoken itself.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.resources
import os
from pathlib import Path

from parcodegen.errors import InfraError

ENCODING = "o200k_base"
_TIKTOKEN_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"


@functools.lru_cache(maxsize=1)
def _encoding():
    try:
        import bpe_openai
    except ImportError as exc:  # pragma: no cover - core dependency
        raise InfraError("bpe-openai is not installed (needed for o200k_base counts)") from exc
    return bpe_openai.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """Number of o200k_base tokens in `text` (special-token text counted as plain text)."""
    if not text:
        return 0
    return len(_encoding().encode_ordinary(text))


def tiktoken_cache_dir(directory: str | Path | None = None) -> Path:
    """Fill a tiktoken cache directory with the o200k_base vocabulary from bpe-openai.

    Returns the directory; set TIKTOKEN_CACHE_DIR to it before `tiktoken.get_encoding`.
    """
    if directory is None:
        directory = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
        directory = Path(directory) / "parcodegen" / "tiktoken"
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / hashlib.sha1(_TIKTOKEN_URL.encode()).hexdigest()
    if not target.exists():
        src = importlib.resources.files("bpe_openai") / "data" / f"{ENCODING}.tiktoken.gz"
        with src.open("rb") as fh:
            data = gzip.decompress(fh.read())
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    return directory

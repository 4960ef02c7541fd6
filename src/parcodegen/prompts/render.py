"""Render the prompt templates in `templates/` (prompt text lives there, not in code).

`render(name, **variables)` renders `templates/<name>.j2` with strict undefined
variables (a missing variable is an error, never an empty string) and collapses runs of
blank lines that conditional blocks leave behind.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2

TEMPLATE_DIR = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
    )


def template_names() -> list[str]:
    """Public template names (files starting with '_' are partials)."""
    return sorted(p.stem for p in TEMPLATE_DIR.glob("*.j2") if not p.name.startswith("_"))


def render(name: str, **variables: object) -> str:
    text = environment().get_template(f"{name}.j2").render(**variables)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"

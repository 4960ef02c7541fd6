"""A toy problem for suite tests, written into a temporary suite directory."""

from __future__ import annotations

from pathlib import Path

MY_CATEGORIES = ("dense_la", "sparse_la", "fft", "geometry", "graph", "histogram")

TOML = """\
function = "scale"
category = "toy"
description = "y = 2 x"

[[args]]
name = "x"
type = "const std::vector<double>&"
size = "n"

[[args]]
name = "y"
type = "std::vector<double>&"
size = "n"

[sizes]
test = [0, 1, 5]
bench = 1000
"""
REFERENCE = """\
#include <vector>
void scale(const std::vector<double>& x, std::vector<double>& y) {
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = 2 * x[i];
}
"""


def make_problem(root: Path, name: str = "scale", solutions: dict[str, str] | None = None) -> Path:
    d = root / "toy" / name
    (d / "solutions").mkdir(parents=True)
    (d / "problem.toml").write_text(TOML)
    (d / "reference.cpp").write_text(REFERENCE)
    for fname, text in (solutions or {}).items():
        (d / "solutions" / fname).write_text(text)
    return d

"""Evaluate the small arithmetic expressions in n that problem.toml allows in Python.

A tolerance such as ``"1e-12 * n * log2(n + 1)"`` is evaluated here (the harness
evaluates sizes and ranges as C++). Only numbers, ``n``, + - * / % **, parentheses and
the functions below are accepted; anything else is a ValueError naming what was found.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any

FUNCTIONS: dict[str, Callable[..., float]] = {
    "sqrt": math.sqrt, "log": math.log, "log2": math.log2, "log10": math.log10,
    "exp": math.exp, "abs": abs, "min": min, "max": max, "pow": pow,
}  # fmt: skip
_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Mod: operator.mod, ast.Pow: operator.pow,
}  # fmt: skip


def _eval(node: ast.AST, names: Mapping[str, float]) -> float:
    if isinstance(node, ast.Expression):
        return _eval(node.body, names)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        raise ValueError(f"unknown name '{node.id}' (allowed: {', '.join(sorted(names))})")
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_eval(node.left, names), _eval(node.right, names))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _eval(node.operand, names)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        fn = FUNCTIONS.get(node.func.id)
        if fn is None:
            raise ValueError(f"unknown function '{node.func.id}' (allowed: {', '.join(FUNCTIONS)})")
        return float(fn(*[_eval(a, names) for a in node.args]))
    raise ValueError(f"unsupported syntax '{ast.unparse(node)}'")


def eval_size_expr(expr: str, n: int, extra: Mapping[str, float] | None = None) -> float:
    """The value of `expr` at size n (a ValueError for anything but plain arithmetic)."""
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError:
        raise ValueError(f"not an arithmetic expression: '{expr}'") from None
    try:
        return float(_eval(tree, {"n": n, **(extra or {})}))
    except (ZeroDivisionError, OverflowError) as exc:
        raise ValueError(f"'{expr}' at n={n}: {exc}") from None


def arg_values(args: Iterable[Any], n: int) -> dict[str, float]:
    """The values the scalar arguments (`value = "..."` in problem.toml) take at size n,
    by name; arguments whose value is not plain arithmetic in n are left out."""
    out: dict[str, float] = {}
    for arg in args:
        expr = getattr(arg, "value", None)
        if not expr:
            continue
        try:
            out[arg.name] = eval_size_expr(str(expr), n)
        except ValueError:
            continue
    return out


def format_values(values: Mapping[str, float]) -> str:
    """`n=500,steps=20` (the request tag the autopar backend reads)."""
    return ",".join(f"{k}={v:g}" for k, v in sorted(values.items()))


def parse_values(tag: str) -> dict[str, float]:
    """The inverse of `format_values`; malformed entries are skipped."""
    out: dict[str, float] = {}
    for part in tag.split(","):
        name, _, value = part.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            continue
    return {k: v for k, v in out.items() if k}

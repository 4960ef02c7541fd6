"""Which calls a parallel loop may contain.

Known pure math functions are allowed; I/O and functions with hidden state (rand, time)
are named as such; a function defined in the same file is pure when it takes its
parameters by value or const reference/pointer, writes only its own locals and calls only
pure functions. Anything else is an unknown call and blocks parallelization.
"""

from __future__ import annotations

from parcodegen.autopar.syntax import (
    Node,
    callee_name,
    function_params,
    local_declarations,
    strip_parens,
    text,
    walk,
)

PURE_MATH = {
    "sqrt",
    "cbrt",
    "exp",
    "exp2",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "pow",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "atan2",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "fabs",
    "abs",
    "labs",
    "llabs",
    "floor",
    "ceil",
    "round",
    "lround",
    "llround",
    "trunc",
    "fmod",
    "remainder",
    "fmin",
    "fmax",
    "fma",
    "hypot",
    "erf",
    "erfc",
    "tgamma",
    "copysign",
    "isnan",
    "isinf",
    "isfinite",
    "signbit",
    "min",
    "max",
    "clamp",
    "sqrtf",
    "expf",
    "logf",
    "powf",
    "sinf",
    "cosf",
    "fabsf",
    "floorf",
    "ceilf",
    "fminf",
    "fmaxf",
    "static_cast",
    "size_t",
    "double",
    "float",
    "int",
    "long",
    "unsigned",
    "bool",
}
IO_NAMES = {
    "printf",
    "fprintf",
    "sprintf",
    "snprintf",
    "puts",
    "putchar",
    "fputs",
    "fputc",
    "scanf",
    "fscanf",
    "sscanf",
    "getchar",
    "fgets",
    "fread",
    "fwrite",
    "fopen",
    "fclose",
    "fflush",
    "perror",
    "cout",
    "cerr",
    "clog",
    "cin",
    "ofstream",
    "ifstream",
    "write",
    "read",
    "open",
    "close",
}
HIDDEN_STATE = {
    "rand",
    "srand",
    "random",
    "srandom",
    "drand48",
    "time",
    "clock",
    "malloc",
    "free",
    "realloc",
    "calloc",
    "exit",
    "abort",
    "lgamma",
    "strtok",
    "getenv",
    "system",
    "gettimeofday",
    "omp_get_thread_num",
}
READ_METHODS = {"size", "empty", "at", "front", "back", "data", "begin", "end", "cbegin", "cend"}
CONTAINER_MUTATORS = {
    "push_back",
    "emplace_back",
    "pop_back",
    "clear",
    "resize",
    "reserve",
    "assign",
    "insert",
    "erase",
    "swap",
    "fill",
}


def base_name(name: str) -> str:
    return name.split("::")[-1]


def classify_call(name: str) -> str:
    """'pure' | 'io' | 'state' | 'unknown' for a free function name (std:: or not)."""
    short = base_name(name)
    scope = name[: -len(short)].rstrip(":")
    if scope not in ("", "std"):
        return "unknown"
    if short in PURE_MATH:
        return "pure"
    if short in IO_NAMES:
        return "io"
    if short in HIDDEN_STATE:
        return "state"
    return "unknown"


class PurityChecker:
    """Decides whether functions defined in the same file are free of side effects."""

    def __init__(self, functions: dict[str, Node]):
        self.functions = functions
        self._cache: dict[str, str] = {}

    def why_impure(self, name: str, _stack: tuple[str, ...] = ()) -> str:
        """'' when `name` (defined in this file) is pure, else the reason it is not."""
        if name in self._cache:
            return self._cache[name]
        if name in _stack:
            return f"{name} is recursive"
        fn = self.functions.get(name)
        if fn is None:
            return f"{name} is not defined in this file"
        reason = self._check(name, fn, _stack + (name,))
        self._cache[name] = reason
        return reason

    def _check(self, name: str, fn: Node, stack: tuple[str, ...]) -> str:
        params = function_params(fn)
        for p in params:
            if (p.reference or p.kind == "pointer") and not p.const:
                return f"{name} takes '{p.name}' by non-const reference or pointer"
        body = fn.child_by_field_name("body")
        if body is None:
            return f"{name} has no body"
        locals_ = {v.name: v for v in local_declarations(body)}
        by_value = {p.name for p in params if not p.reference and p.kind != "pointer"}
        for n in walk(body):
            if n.type == "declaration" and "static" in text(n).split("=")[0].split():
                return f"{name} has a static local"
            if n.type in ("assignment_expression", "update_expression"):
                field = "left" if n.type == "assignment_expression" else "argument"
                target = strip_parens(n.child_by_field_name(field))
                while target.type in ("subscript_expression", "field_expression"):
                    if (
                        target.type == "field_expression"
                        and text(target.child_by_field_name("operator")) == "->"
                    ):
                        return f"{name} writes through a pointer"
                    target = strip_parens(target.child_by_field_name("argument"))
                root = text(target)
                if target.type != "identifier":
                    return f"{name} writes through '{text(target)}'"
                local = locals_.get(root)
                if local is None and root not in by_value:
                    return f"{name} writes non-local '{root}'"
                if local is not None and (local.reference or local.kind == "pointer"):
                    return f"{name} writes through local reference/pointer '{root}'"
            if n.type == "call_expression":
                callee = callee_name(n)
                if callee.startswith("."):
                    if callee[1:] not in READ_METHODS:
                        fn_node = n.child_by_field_name("function")
                        obj = text(fn_node.child_by_field_name("argument")) if fn_node else ""
                        if obj not in locals_:
                            return f"{name} calls method {callee} on '{obj}'"
                    continue
                kind = classify_call(callee)
                if kind == "pure":
                    continue
                if kind != "unknown":
                    return f"{name} calls {callee} ({'I/O' if kind == 'io' else 'side effects'})"
                short = base_name(callee)
                if short in self.functions and callee == short:
                    inner = self.why_impure(short, stack)
                    if inner:
                        return inner
                    continue
                return f"{name} calls unknown function {callee}"
            if n.type in (
                "new_expression",
                "delete_expression",
                "throw_statement",
                "lambda_expression",
                "goto_statement",
            ):
                return f"{name} uses {n.type.split('_')[0]}"
            if n.type == "identifier" and text(n) in IO_NAMES:
                return f"{name} does I/O ({text(n)})"
        return ""

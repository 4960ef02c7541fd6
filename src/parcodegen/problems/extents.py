"""Infer each array argument's extent from its index expressions and the loop bounds.

`A[i*n + j]` inside `for (i = 0; i < n; ++i) for (j = 0; j < n; ++j)` reaches at most
(n-1)*n + (n-1), so A has n*n elements; `B[i][j]` for a C99 parameter `double B[n][m]` is
B[i*m + j]. Index expressions and bounds are read as polynomials with integer
coefficients in the loop variables and the size parameters (`Poly`); the largest index
is found by replacing each loop variable, innermost first, by its upper bound where it
only adds (its coefficients are non-negative) and by its lower bound where it only
subtracts. Locals assigned once (`int nn = n*n;`), `v.size()`, pointers into an array
(`double* row = &A[i*n];`, `A + i*n`) and `*(p + k)` are followed. An access this cannot
read (an index loaded from memory, a division, a while loop) leaves the extent unknown and
says why; the derivation falls back and the sanitizer run of the reference checks the
result either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import tree_sitter
import tree_sitter_cpp

Node = tree_sitter.Node
Mono = tuple[str, ...]  # sorted variable names, repeated for powers


@lru_cache(maxsize=1)
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_cpp.language()))


def _text(node: Node | None) -> str:
    return "" if node is None or node.text is None else node.text.decode("utf-8", "replace")


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


# --------------------------------------------------------------------------- polynomials


@dataclass(frozen=True)
class Poly:
    terms: tuple[tuple[Mono, int], ...] = ()

    @staticmethod
    def of(d: dict[Mono, int]) -> Poly:
        return Poly(tuple(sorted((m, c) for m, c in d.items() if c != 0)))

    @staticmethod
    def const(c: int) -> Poly:
        return Poly.of({(): c})

    @staticmethod
    def var(name: str) -> Poly:
        return Poly.of({(name,): 1})

    def as_dict(self) -> dict[Mono, int]:
        return dict(self.terms)

    def __add__(self, other: Poly) -> Poly:
        d = self.as_dict()
        for m, c in other.terms:
            d[m] = d.get(m, 0) + c
        return Poly.of(d)

    def __neg__(self) -> Poly:
        return Poly.of({m: -c for m, c in self.terms})

    def __sub__(self, other: Poly) -> Poly:
        return self + (-other)

    def __mul__(self, other: Poly) -> Poly:
        d: dict[Mono, int] = {}
        for m1, c1 in self.terms:
            for m2, c2 in other.terms:
                m = tuple(sorted(m1 + m2))
                d[m] = d.get(m, 0) + c1 * c2
        return Poly.of(d)

    @property
    def variables(self) -> set[str]:
        return {v for m, _ in self.terms for v in m}

    @property
    def degree(self) -> int:
        return max((len(m) for m, _ in self.terms), default=0)

    def split(self, var: str) -> tuple[dict[int, Poly], Poly]:
        """({power k: coefficient of var^k}, the terms without var)."""
        parts: dict[int, dict[Mono, int]] = {}
        rest: dict[Mono, int] = {}
        for m, c in self.terms:
            k = m.count(var)
            if k == 0:
                rest[m] = c
            else:
                parts.setdefault(k, {})[tuple(v for v in m if v != var)] = c
        return {k: Poly.of(d) for k, d in parts.items()}, Poly.of(rest)

    def subst(self, var: str, value: Poly) -> Poly:
        coeffs, rest = self.split(var)
        out = rest
        for k, coeff in coeffs.items():
            power = Poly.const(1)
            for _ in range(k):
                power = power * value
            out = out + coeff * power
        return out

    @property
    def nonneg(self) -> bool:
        return all(c >= 0 for _, c in self.terms)

    @property
    def nonpos(self) -> bool:
        return all(c <= 0 for _, c in self.terms)

    def value(self, env: dict[str, int]) -> int:
        total = 0
        for m, c in self.terms:
            p = c
            for v in m:
                p *= env[v]
            total += p
        return total

    def cxx(self, rename: dict[str, str] | None = None) -> str:
        """As a C++ expression (`n*m`, `n*n + 2`), variables renamed by `rename`."""
        rename = rename or {}
        if not self.terms:
            return "0"
        ordered = sorted(self.terms, key=lambda t: (-len(t[0]), t[0]))
        out = ""
        for m, c in ordered:
            names = [rename.get(v, v) for v in m]
            mag = abs(c)
            body = "*".join(([str(mag)] if mag != 1 or not names else []) + names)
            if not out:
                out = ("-" if c < 0 else "") + body
            else:
                out += (" - " if c < 0 else " + ") + body
        return out


# --------------------------------------------------------------------------- reading code


@dataclass(frozen=True)
class Loop:
    var: str
    lo: Poly
    hi: Poly  # inclusive
    text: str  # `i < n` as written, for the reason


@dataclass(frozen=True)
class Access:
    array: str
    index: Poly | None
    loops: tuple[Loop, ...]
    text: str
    why_unknown: str = ""


@dataclass
class _Scope:
    aliases: dict[str, Poly] = field(default_factory=dict)  # locals assigned once
    pointers: dict[str, tuple[str, Poly]] = field(default_factory=dict)  # p -> (array, offset)


def _number(text: str) -> int | None:
    t = text.rstrip("uUlL")
    try:
        return int(t, 0)
    except ValueError:
        return None


class _Reader:
    def __init__(self, fn: Node, arrays: dict[str, tuple[str, ...]]):
        self.fn = fn
        self.arrays = arrays  # array parameter -> C99 dims ("" for none)
        self.assigned = self._assigned_names(fn)
        self.scope = _Scope()
        self.accesses: list[Access] = []
        self.max_depth = 0

    @staticmethod
    def _assigned_names(fn: Node) -> dict[str, int]:
        counts: dict[str, int] = {}
        for n in _walk(fn):
            target = None
            if n.type == "assignment_expression":
                target = n.child_by_field_name("left")
            elif n.type == "update_expression":
                target = n.child_by_field_name("argument")
            if target is not None and target.type == "identifier":
                counts[_text(target)] = counts.get(_text(target), 0) + 1
        return counts

    def poly(self, node: Node | None) -> Poly | None:
        if node is None:
            return None
        t = node.type
        if t == "number_literal":
            v = _number(_text(node))
            return None if v is None else Poly.const(v)
        if t == "identifier":
            name = _text(node)
            return self.scope.aliases.get(name, Poly.var(name))
        if t in ("parenthesized_expression", "cast_expression"):
            inner = node.child_by_field_name("value") or node.named_children[-1]
            return self.poly(inner)
        if t == "unary_expression":
            op = _text(node.child_by_field_name("operator"))
            arg = self.poly(node.child_by_field_name("argument"))
            if arg is None or op not in ("-", "+"):
                return None
            return -arg if op == "-" else arg
        if t == "binary_expression":
            op = _text(node.child_by_field_name("operator"))
            a = self.poly(node.child_by_field_name("left"))
            b = self.poly(node.child_by_field_name("right"))
            if a is None or b is None:
                return None
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            return None
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            ftext = _text(fn)
            if fn is not None and fn.type == "field_expression" and args is not None:
                obj = fn.child_by_field_name("argument")
                if _text(fn.child_by_field_name("field")) == "size" and not args.named_children:
                    return Poly.var(f"#size:{_text(obj)}")
            if ftext.startswith(("static_cast", "std::size_t", "size_t", "int", "long")) and args:
                if len(args.named_children) == 1:
                    return self.poly(args.named_children[0])
            return None
        return None

    # ---- loops
    def loop_of(self, node: Node) -> Loop | None:
        init = node.child_by_field_name("initializer")
        cond = node.child_by_field_name("condition")
        update = node.child_by_field_name("update")
        var, start = None, None
        if init is not None and init.type == "declaration":
            for d in init.named_children:
                if d.type == "init_declarator":
                    var = _text(d.child_by_field_name("declarator"))
                    start = self.poly(d.child_by_field_name("value"))
                    break
        elif init is not None and init.type == "assignment_expression":
            var = _text(init.child_by_field_name("left"))
            start = self.poly(init.child_by_field_name("right"))
        if var is None or start is None or cond is None or update is None:
            return None
        step = self._direction(update, var)
        if step == 0:
            return None
        bound = self._bound(cond, var, step)
        if bound is None:
            return None
        if step > 0:
            return Loop(var, start, bound, _text(cond))
        return Loop(var, bound, start, _text(cond))

    def _direction(self, update: Node, var: str) -> int:
        nodes = [update] if update.type != "comma_expression" else update.named_children
        for u in nodes:
            if u.type == "update_expression" and _text(u.child_by_field_name("argument")) == var:
                return 1 if "++" in _text(u) else -1
            if u.type == "assignment_expression" and _text(u.child_by_field_name("left")) == var:
                op = _text(u.child_by_field_name("operator"))
                amount = self.poly(u.child_by_field_name("right"))
                if amount is None or amount.variables:
                    return 1 if op == "+=" else -1 if op == "-=" else 0
                c = amount.value({})
                if op == "+=" and c > 0:
                    return 1
                if op == "-=" and c > 0:
                    return -1
        return 0

    def _bound(self, cond: Node, var: str, step: int) -> Poly | None:
        """The inclusive last value (step > 0) or first value (step < 0) of var."""
        if cond.type == "parenthesized_expression":
            return self._bound(cond.named_children[0], var, step)
        if cond.type != "binary_expression":
            return None
        op = _text(cond.child_by_field_name("operator"))
        left, right = cond.child_by_field_name("left"), cond.child_by_field_name("right")
        if op == "&&":
            return self._bound(left, var, step) if left else None
        if op not in ("<", "<=", ">", ">=", "!="):
            return None
        lp, rp = self.poly(left), self.poly(right)
        if lp is None or rp is None:
            return None
        diff = lp - rp  # the condition is `diff op 0`
        coeffs, rest = diff.split(var)
        if set(coeffs) != {1} or coeffs[1].terms not in ((((), 1),), (((), -1),)):
            return None
        if coeffs[1].terms[0][1] == -1:  # -var + rest op 0  <=>  var (flipped op) rest
            op = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "!=": "!="}[op]
            other = rest
        else:
            other = -rest
        one = Poly.const(1)
        if step > 0:
            return {"<": other - one, "<=": other, "!=": other - one}.get(op)
        return {">": other + one, ">=": other}.get(op)

    # ---- accesses
    def run(self) -> None:
        body = self.fn.child_by_field_name("body")
        if body is not None:
            self._visit(body, ())

    def _visit(self, node: Node, loops: tuple[Loop, ...]) -> None:
        t = node.type
        if t == "for_statement":
            loop = self.loop_of(node)
            inner = loops + ((loop,) if loop else ())
            sized = [lp for lp in inner if not (lp.hi - lp.lo).variables <= {x.var for x in inner}]
            self.max_depth = max(self.max_depth, len(sized) if loop else len(sized) + 1)
            body = node.child_by_field_name("body")
            for c in node.children:
                if c == body:
                    self._visit(c, inner)
                else:
                    self._visit(c, loops)
            return
        if t == "declaration":
            self._declaration(node, loops)
        if t == "subscript_expression":
            if self._subscript(node, loops):
                return
        if t == "pointer_expression" and _text(node.child_by_field_name("operator")) == "*":
            self._deref(node, loops)
        for c in node.children:
            self._visit(c, loops)

    def _declaration(self, node: Node, loops: tuple[Loop, ...]) -> None:
        for d in node.named_children:
            if d.type != "init_declarator":
                continue
            decl, value = d.child_by_field_name("declarator"), d.child_by_field_name("value")
            if decl is None or value is None:
                continue
            if decl.type == "pointer_declarator":
                name = _text(decl.child_by_field_name("declarator") or decl.named_children[-1])
                target = self._pointer_target(value)
                if target is not None and self.assigned.get(name, 0) == 0:
                    self.scope.pointers[name] = target
                continue
            name = _text(decl)
            if decl.type == "identifier" and self.assigned.get(name, 0) == 0:
                p = self.poly(value)
                if p is not None:
                    self.scope.aliases[name] = p

    def _pointer_target(self, value: Node) -> tuple[str, Poly] | None:
        if (
            value.type == "pointer_expression"
            and _text(value.child_by_field_name("operator")) == "&"
        ):
            arg = value.child_by_field_name("argument")
            if arg is not None and arg.type == "subscript_expression":
                base, index = self._flat(arg)
                if base is not None and index is not None:
                    return base, index
            return None
        if (
            value.type == "binary_expression"
            and _text(value.child_by_field_name("operator")) == "+"
        ):
            left, right = value.child_by_field_name("left"), value.child_by_field_name("right")
            for a, b in ((left, right), (right, left)):
                aname = _text(a)
                if (
                    a is not None
                    and a.type == "identifier"
                    and (aname in self.arrays or aname in self.scope.pointers)
                ):
                    off = self.poly(b)
                    if off is None:
                        return None
                    base, base_off = self._resolve(aname)
                    return base, base_off + off
            return None
        if value.type == "identifier" and _text(value) in self.arrays:
            return _text(value), Poly.const(0)
        return None

    def _resolve(self, name: str) -> tuple[str, Poly]:
        if name in self.scope.pointers:
            return self.scope.pointers[name]
        return name, Poly.const(0)

    def _flat(self, node: Node) -> tuple[str | None, Poly | None]:
        """(array, flat index) of a (possibly multi-dimensional) subscript."""
        indices: list[Node] = []
        cur = node
        while cur.type == "subscript_expression":
            idx = cur.child_by_field_name("index")
            if idx is None:  # tree-sitter-cpp: subscript_argument_list
                args = [c for c in cur.named_children[1:]]
                idx = args[0] if args else None
                if idx is not None and idx.type == "subscript_argument_list":
                    idx = idx.named_children[0] if idx.named_children else None
            if idx is None:
                return None, None
            indices.append(idx)
            cur = cur.child_by_field_name("argument") or cur.named_children[0]
        indices.reverse()
        name = _text(cur)
        if cur.type != "identifier" or (
            name not in self.arrays and name not in self.scope.pointers
        ):
            return None, None
        base, offset = self._resolve(name)
        dims = self.arrays.get(base, ())
        polys = [self.poly(i) for i in indices]
        if any(p is None for p in polys):
            return base, None
        if len(polys) > 1:
            if len(dims) != len(polys):
                return base, None
            flat = Poly.const(0)
            for k, p in enumerate(polys):
                stride = Poly.const(1)
                for d in dims[k + 1 :]:
                    dp = self._dim(d)
                    if dp is None:
                        return base, None
                    stride = stride * dp
                flat = flat + p * stride  # type: ignore[operator]
            return base, offset + flat
        return base, offset + polys[0]  # type: ignore[operator]

    def _dim(self, text: str) -> Poly | None:
        if not text:
            return None
        tree = _parser().parse(f"int x = {text};".encode())
        for n in _walk(tree.root_node):
            if n.type == "init_declarator":
                return self.poly(n.child_by_field_name("value"))
        return None

    def _subscript(self, node: Node, loops: tuple[Loop, ...]) -> bool:
        base, index = self._flat(node)
        if base is None:
            return False
        why = (
            "" if index is not None else "the index is not a polynomial in loop variables and sizes"
        )
        self.accesses.append(Access(base, index, loops, _text(node), why))
        # the index expressions may hold accesses of their own (x[idx[i]])
        cur = node
        while cur.type == "subscript_expression":
            for c in cur.named_children[1:]:
                self._visit(c, loops)
            cur = cur.child_by_field_name("argument") or cur.named_children[0]
        return True

    def _deref(self, node: Node, loops: tuple[Loop, ...]) -> None:
        arg = node.child_by_field_name("argument")
        if arg is None:
            return
        if arg.type == "parenthesized_expression":
            arg = arg.named_children[0]
        target = self._pointer_target(arg) if arg.type != "identifier" else None
        if arg.type == "identifier" and (
            _text(arg) in self.arrays or _text(arg) in self.scope.pointers
        ):
            target = self._resolve(_text(arg))
        if target is not None:
            self.accesses.append(Access(target[0], target[1], loops, _text(node)))


# --------------------------------------------------------------------------- maximizing


def maximize(index: Poly, loops: tuple[Loop, ...], free: set[str]) -> tuple[Poly | None, str]:
    """The largest value of `index` over the loops (a polynomial in `free`), or None + why."""
    p = index
    for loop in reversed(loops):
        if loop.var not in p.variables:
            continue
        coeffs, _rest = p.split(loop.var)
        if all(c.nonneg for c in coeffs.values()):
            p = p.subst(loop.var, loop.hi)
        elif all(c.nonpos for c in coeffs.values()):
            p = p.subst(loop.var, loop.lo)
        else:
            return None, f"cannot tell which way `{loop.var}` moves the index"
    others = sorted(v for v in p.variables if v not in free and not v.startswith("#size:"))
    if others:
        return (
            None,
            f"the index depends on {', '.join(f'`{o}`' for o in others)}, not a size or loop bound",
        )
    return p, ""


@dataclass(frozen=True)
class Extent:
    array: str
    size: Poly | None  # element count, a polynomial in the size parameters (#size:v for v.size())
    reason: str


@dataclass(frozen=True)
class Analysis:
    extents: dict[str, Extent]
    loop_depth: int  # deepest loop nest in the function
    bound_vars: set[str]  # names used in loop bounds


def _samples(free: set[str]) -> list[dict[str, int]]:
    names = sorted(free)
    out = [dict.fromkeys(names, 1000), dict.fromkeys(names, 37)]
    for k, name in enumerate(names):
        out.append({m: (1000 if m == name else 13 + k) for m in names})
    return out


def analyze(
    source: str, function: str, arrays: dict[str, tuple[str, ...]], free: set[str]
) -> Analysis:
    """Extents of `arrays` (param -> C99 dims) over the size parameters `free`."""
    tree = _parser().parse(source.encode("utf-8"))
    fn = None
    for n in _walk(tree.root_node):
        if n.type == "function_definition":
            decl = n.child_by_field_name("declarator")
            while decl is not None and decl.type not in ("function_declarator",):
                decl = decl.child_by_field_name("declarator")
            if (
                decl is not None
                and _text(decl.child_by_field_name("declarator")).split("::")[-1] == function
            ):
                fn = n
                break
    extents: dict[str, Extent] = {}
    if fn is None:
        return Analysis(
            {a: Extent(a, None, "function not found by the parser") for a in arrays}, 0, set()
        )
    reader = _Reader(fn, arrays)
    reader.run()
    bound_vars: set[str] = set()
    for n in _walk(fn):
        if n.type == "for_statement":
            loop = reader.loop_of(n)
            if loop is not None:
                bound_vars |= loop.hi.variables | loop.lo.variables
    for name, dims in arrays.items():
        if dims and dims[0]:
            size = Poly.const(1)
            ok = True
            for d in dims:
                dp = reader._dim(d)
                if dp is None or any(v not in free for v in dp.variables):
                    ok = False
                    break
                size = size * dp
            if ok:
                dims_text = "".join(f"[{d}]" for d in dims)
                extents[name] = Extent(name, size, f"declared `{name}{dims_text}`")
                continue
        best: tuple[Poly, Access] | None = None
        unknown: list[str] = []
        for acc in (a for a in reader.accesses if a.array == name):
            if acc.index is None:
                unknown.append(f"`{acc.text}`: {acc.why_unknown}")
                continue
            top, why = maximize(acc.index, acc.loops, free)
            if top is None:
                unknown.append(f"`{acc.text}`: {why}")
                continue
            count = top + Poly.const(1)
            if best is None or _larger(count, best[0], free):
                best = (count, acc)
        if unknown:
            extents[name] = Extent(name, None, unknown[0])
        elif best is None:
            extents[name] = Extent(name, None, "no indexed access found")
        else:
            count, acc = best
            used = [lp for lp in acc.loops if lp.var in acc.index.variables] if acc.index else []
            bounds = ", ".join(f"{lp.text}" for lp in used)
            extents[name] = Extent(
                name, count, f"`{acc.text}`" + (f" with {bounds}" if bounds else "")
            )
    return Analysis(extents, reader.max_depth, bound_vars)


def _larger(a: Poly, b: Poly, free: set[str]) -> bool:
    names = (a.variables | b.variables) & (
        free | {v for v in a.variables | b.variables if v.startswith("#")}
    )
    samples = _samples(set(names))
    return sum(a.value(s) > b.value(s) for s in samples) > sum(
        a.value(s) < b.value(s) for s in samples
    )

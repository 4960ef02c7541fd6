"""Split a ParEval serial prompt into its parts.

A prompt is: an optional preamble (struct definitions, helper functions), a doc comment
(`/* ... */`) and the signature of the function to write, ending with `{`. Nothing here
knows any particular problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parcodegen.errors import ProblemError
from parcodegen.problems.cparse import split_params

_SIG = re.compile(
    r"(?P<ret>[\w:<>,\s]+?)\s+(?P<name>[A-Za-z_]\w*)\s*\((?P<params>.*)\)\s*\{\s*$", re.S
)
_STRUCT = re.compile(r"\bstruct\s+(?P<name>[A-Za-z_]\w*)\s*\{(?P<body>[^{}]*)\}\s*;", re.S)
ARITHMETIC = {
    "bool", "char", "int", "unsigned", "unsigned int", "long", "unsigned long", "long long",
    "unsigned long long", "size_t", "std::size_t", "int32_t", "int64_t", "uint32_t",
    "uint64_t", "std::int32_t", "std::int64_t", "std::uint32_t", "std::uint64_t", "float",
    "double",
}  # fmt: skip


@dataclass(frozen=True)
class Param:
    ctype: str  # as written in the prompt (east or west const)
    name: str

    @property
    def west_ctype(self) -> str:
        """The same type with a trailing `const` moved to the front: `T const&` -> `const T&`."""
        t = re.sub(r"\s+", " ", self.ctype.strip())
        m = re.fullmatch(r"(.+?)\s+const\s*([&*]?)", t)
        if m:
            return f"const {m.group(1)}{m.group(2)}"
        return t


@dataclass(frozen=True)
class StructDef:
    name: str
    text: str  # the full definition, `struct X { ... };`
    fields: tuple[tuple[str, str], ...]  # (type, name) in declaration order


@dataclass(frozen=True)
class PromptParts:
    preamble: str  # code before the doc comment (structs, helpers); may be empty
    doc: str  # the doc comment text, without the comment markers
    signature: str  # the signature line(s), without the opening brace
    function: str
    returns: str
    params: tuple[Param, ...]
    structs: tuple[StructDef, ...]


def parse_param(text: str) -> Param:
    m = re.fullmatch(r"(?P<type>.*?[\s&*])(?P<name>[A-Za-z_]\w*)", text.strip(), re.S)
    if not m:
        raise ProblemError("prompt", f"cannot read the parameter '{text}'")
    return Param(re.sub(r"\s+", " ", m.group("type")).strip(), m.group("name"))


def parse_structs(code: str) -> tuple[StructDef, ...]:
    structs = []
    for m in _STRUCT.finditer(code):
        fields: list[tuple[str, str]] = []
        for decl in m.group("body").split(";"):
            decl = re.sub(r"//.*", "", decl).strip()
            if not decl:
                continue
            dm = re.fullmatch(
                r"(?P<type>[\w:<>\s]+?)\s+(?P<names>[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)", decl
            )
            if not dm:
                continue
            ftype = re.sub(r"\s+", " ", dm.group("type")).strip()
            for fname in dm.group("names").split(","):
                fields.append((ftype, fname.strip()))
        structs.append(StructDef(m.group("name"), m.group(0), tuple(fields)))
    return tuple(structs)


def parse_prompt(prompt: str) -> PromptParts:
    """The parts of a serial prompt; ProblemError when it does not end in a signature."""
    text = prompt.rstrip()
    if not text.endswith("{"):
        raise ProblemError("prompt", "does not end with a function signature and '{'")
    doc_end = text.rfind("*/")
    doc_start = text.rfind("/*", 0, doc_end) if doc_end >= 0 else -1
    if doc_end < 0 or doc_start < 0:
        preamble, doc, sig_text = "", "", text.splitlines()[-1]
    else:
        preamble = text[:doc_start].rstrip()
        doc = text[doc_start + 2 : doc_end].strip()
        sig_text = text[doc_end + 2 :].strip()
    m = _SIG.fullmatch(sig_text)
    if not m:
        raise ProblemError("prompt", f"cannot read the signature '{sig_text.strip()}'")
    params = tuple(parse_param(p) for p in split_params(m.group("params")) if p and p != "void")
    return PromptParts(
        preamble=preamble, doc=doc, signature=sig_text.rstrip("{").strip(),
        function=m.group("name"), returns=re.sub(r"\s+", " ", m.group("ret")).strip(),
        params=params, structs=parse_structs(preamble),
    )  # fmt: skip


def dedent_doc(doc: str) -> str:
    return "\n".join(line.strip() for line in doc.splitlines()).strip()

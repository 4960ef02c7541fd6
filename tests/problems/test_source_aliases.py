"""Real files as they come: an arithmetic type behind an alias (`typedef double
DATA_TYPE;`, PolyBench's `#define DATA_TYPE double`, `using real = float;`) and a
`main()` in the same file. Both used to stop the derivation ("type 'DATA_TYPE' needs a
hook"; a link error: two mains)."""

from __future__ import annotations


from parcodegen.problems.cparse import arithmetic_aliases, find_signature
from parcodegen.problems.derive import USER_MAIN, derive_problem, without_main

KERNEL = """#include <stdio.h>
#include <stdlib.h>
typedef double DATA_TYPE;
#define INDEX long

void bicg(int n, DATA_TYPE A[n][n], DATA_TYPE s[n], DATA_TYPE q[n],
          const DATA_TYPE p[n], const DATA_TYPE r[n]) {
  for (INDEX i = 0; i < n; i++) s[i] = 0;
  for (INDEX i = 0; i < n; i++) {
    q[i] = 0;
    for (INDEX j = 0; j < n; j++) {
      s[j] += r[i] * A[i][j];
      q[i] += A[i][j] * p[j];
    }
  }
}

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 100;
  DATA_TYPE (*A)[n] = malloc(sizeof(DATA_TYPE) * n * n);
  DATA_TYPE *s = malloc(sizeof(DATA_TYPE) * n), *q = malloc(sizeof(DATA_TYPE) * n);
  DATA_TYPE *p = calloc(n, sizeof(DATA_TYPE)), *r = calloc(n, sizeof(DATA_TYPE));
  bicg(n, A, s, q, p, r);
  printf("%f\\n", s[0] + q[0]);
  return 0;
}
"""


def test_aliases_of_arithmetic_types_are_read():
    src = "typedef double DATA_TYPE;\n#define IDX_T long\nusing real = float;\ntypedef char base;\n"
    assert arithmetic_aliases(src) == {"DATA_TYPE": "double", "IDX_T": "long", "real": "float",
                                       "base": "char"}  # fmt: skip
    sig = find_signature(src + "real f(int n, const DATA_TYPE* x, base s[n]) { return 0; }", "f")
    assert sig.returns == "float"
    assert [p.ctype for p in sig.params] == ["int", "const double*", "char*"]


def test_a_main_is_renamed_keeping_the_lines():
    copy, renamed = without_main(KERNEL, "bicg")
    assert renamed and f"int {USER_MAIN}(int argc" in copy and "int main(" not in copy
    assert copy.count("\n") == KERNEL.count("\n")
    assert without_main(KERNEL, "main") == (KERNEL, False)


def test_a_polybench_style_file_derives_without_edits(tmp_path):
    src = tmp_path / "bicg.c"
    src.write_text(KERNEL)
    derived = derive_problem(src, "bicg", tmp_path / "problems")
    types = {a.name: a.ctype for a in derived.problem.args}
    assert types["A"] == "double*" and types["p"] == "const double*"
    assert any(USER_MAIN in note for note in derived.assumptions)

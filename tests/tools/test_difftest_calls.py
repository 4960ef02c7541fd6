"""Multi-call difftest: state kept across calls, const inputs written, environment
assumptions. Each wrong candidate below passes a one-call-per-fresh-process difftest
(`legacy_difftest`, today's main) and fails the multi-call one, named as expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.build import build_problem
from parcodegen.tools.compile import compile_object, link_binary, link_flags
from parcodegen.tools.difftest import difftest, legacy_difftest
from parcodegen.types import Status

from candidate_binary import candidate_binary

ROOT = Path(__file__).resolve().parents[2]
REDUCTION = ROOT / "examples" / "reduction"

HEAD = (
    "#include <cmath>\n#include <cstdio>\n#include <cstdlib>\n#include <vector>\n#include <omp.h>\n"
)
GOOD_BODY = """
  double sum = 0.0;
  const long n = static_cast<long>(x.size());
#pragma omp parallel for reduction(+ : sum)
  for (long i = 0; i < n; ++i) sum += std::exp(-0.5 * x[i] * x[i]);
"""

WRONG = {
    # state across calls: a result cached by size in a static
    "static_cache": HEAD
    + """
double gaussian_energy(const std::vector<double>& x) {
  static long last_n = -1; static double last = 0;
  if ((long)x.size() == last_n) return last;
"""
    + GOOD_BODY
    + """
  last_n = (long)x.size(); last = sum; return sum;
}""",
    # state across calls: an accumulator never reset
    "global_total": HEAD
    + """
double total = 0;
double gaussian_energy(const std::vector<double>& x) {
"""
    + GOOD_BODY
    + """
  total += sum; return total;
}""",
    # state in a file of the working directory, keyed by size
    "file_cache": HEAD
    + """
double gaussian_energy(const std::vector<double>& x) {
  char name[64]; std::snprintf(name, sizeof name, "cache-%zu.txt", x.size());
  if (FILE* f = std::fopen(name, "r")) { double v = 0; int ok = std::fscanf(f, "%lf", &v); std::fclose(f); if (ok == 1) return v; }
"""
    + GOOD_BODY
    + """
  if (FILE* f = std::fopen(name, "w")) { std::fprintf(f, "%.17g", sum); std::fclose(f); }
  return sum;
}""",
    # a memo keyed by the size and three sampled elements: fresh inputs differ there
    "sampled_memo": HEAD
    + """
double gaussian_energy(const std::vector<double>& x) {
  static long kn = -1; static double k0, k1, k2, memo;
  const long m = (long)x.size();
  if (m >= 3 && m == kn && x[0] == k0 && x[m / 2] == k1 && x[m - 1] == k2) return memo;
"""
    + GOOD_BODY
    + """
  if (m >= 3) { kn = m; k0 = x[0]; k1 = x[m / 2]; k2 = x[m - 1]; memo = sum; }
  return sum;
}""",
    # writes into its const input
    "const_write": HEAD
    + """
double gaussian_energy(const std::vector<double>& x) {
"""
    + GOOD_BODY
    + """
  if (!x.empty()) const_cast<std::vector<double>&>(x)[0] = 0.0;
  return sum;
}""",
    # needs OMP_NUM_THREADS in the environment
    "getenv_threads": HEAD
    + """
double gaussian_energy(const std::vector<double>& x) {
  const int t = std::atoi(std::getenv("OMP_NUM_THREADS"));
  std::vector<double> part(t, 0.0);
  const long n = static_cast<long>(x.size());
#pragma omp parallel num_threads(t)
  { const int id = omp_get_thread_num();
    for (long i = id; i < n; i += t) part[id] += std::exp(-0.5 * x[i] * x[i]); }
  double sum = 0; for (double p : part) sum += p; return sum;
}""",
    # assumes the team has omp_get_max_threads() threads (false with OMP_DYNAMIC=true)
    "assumes_full_team": HEAD
    + """
double gaussian_energy(const std::vector<double>& x) {
  const int t = omp_get_max_threads();
  std::vector<double> part(t, 0.0);
  const long n = static_cast<long>(x.size());
#pragma omp parallel
  { const int id = omp_get_thread_num();
    for (long i = id; i < n; i += t) part[id] += std::exp(-0.5 * x[i] * x[i]); }
  double sum = 0; for (double p : part) sum += p; return sum;
}""",
}
EXPECTED = {
    "static_cache": (Status.WRONG_OUTPUT, "call "),
    "global_total": (Status.WRONG_OUTPUT, "in one process"),
    "file_cache": (Status.WRONG_OUTPUT, "call "),
    "const_write": (Status.WRONG_OUTPUT, "changed const input 'x'"),
    "sampled_memo": (Status.WRONG_OUTPUT, "one element changed"),
    "getenv_threads": (Status.CRASH, "OMP_NUM_THREADS unset"),
    "assumes_full_team": (Status.WRONG_OUTPUT, "OMP_DYNAMIC=true"),
}


@pytest.fixture(scope="module")
def build():
    return build_problem(load_problem(REDUCTION))


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_candidate_caught_only_by_multi_call(build, name):
    binary = candidate_binary(build, WRONG[name])
    status, words = EXPECTED[name]
    new = difftest(build, binary)
    assert not new.ok and new.status is status, new.message
    assert words in new.message, new.message
    if name != "getenv_threads":  # today's main always sets OMP_NUM_THREADS
        old = legacy_difftest(build, binary)
        assert old.ok, f"{name} was already caught: {old.message}"


def test_good_candidate_passes_with_coverage(build):
    binary = candidate_binary(build, HEAD + "double gaussian_energy(const std::vector<double>& x) {"
                     + GOOD_BODY + " return sum; }")  # fmt: skip
    step = difftest(build, binary)
    assert step.ok, step.message
    cov = step.data["coverage"]
    assert cov["calls"] > len(build.problem.test_sizes) * 3
    assert cov["shared_workdir"] and cov["repeated_inputs"] > 0
    assert cov["const_inputs_checked"] == ["x"]
    # + nested teams; + 65 threads with OMP_SCHEDULE=guided; + two callers; + cancellation
    assert len(cov["env_variants"]) == 8
    assert cov["max_threads_seen"] >= 2  # the parallel region really ran with threads
    assert "warning" not in step.message


HOOKED_TOML = """
function = "scale_box"
category = "test"
[[args]]
name = "box"
type = "Box&"
hook = "box"
[sizes]
test = [0, 1, 5, 64]
bench = 1000
"""
HOOKED_HOOKS = """
#pragma once
#include <vector>
#include "parcodegen_harness.h"
struct Box { std::vector<double> v; };
inline void make_box(Box& b, pcg::Rng& rng, std::size_t n, pcg::Pattern) {
  b.v.resize(n);
  for (auto& x : b.v) x = rng.uniform_real(-1.0, 1.0);
}
// A fixed record name, as user hooks write them: the harness must still keep calls apart.
inline void emit_box(const Box& b, pcg::Out& out, const char*) {
  out.put("count", b.v.size());
  out.put("values", b.v);
}
"""
HOOKED_REF = '#include "hooks.h"\nvoid scale_box(Box& b) { for (auto& x : b.v) x *= 2.0; }\n'
HOOKED_STATEFUL = (
    '#include "hooks.h"\n'
    "void scale_box(Box& b) { static int calls = 0; ++calls;\n"
    "  for (auto& x : b.v) x *= (calls == 3 ? 3.0 : 2.0); }\n"
)


def _hooked_problem(tmp_path):
    d = tmp_path / "box"
    d.mkdir()
    (d / "problem.toml").write_text(HOOKED_TOML)
    (d / "hooks.h").write_text(HOOKED_HOOKS)
    (d / "reference.cpp").write_text(HOOKED_REF)
    return load_problem(d)


def _hooked_verdict(problem, code):
    build = build_problem(problem)
    obj = compile_object(code, headers=build.headers, flags=build.flags, compiler=build.compiler)
    assert obj.ok, obj.message
    binary = link_binary([build.harness_obj, obj.path], flags=link_flags(build.flags),
                         compiler=build.compiler)  # fmt: skip
    assert binary.ok, binary.message
    return difftest(build, binary.path)


def test_hooks_with_fixed_record_names_keep_calls_apart(tmp_path):
    """A hook that ignores the name it is given still yields one record set per call: the
    reference itself passes, and a candidate wrong only on its third call fails."""
    problem = _hooked_problem(tmp_path)
    assert _hooked_verdict(problem, HOOKED_REF).ok
    step = _hooked_verdict(problem, HOOKED_STATEFUL)
    assert not step.ok and step.status is Status.WRONG_OUTPUT

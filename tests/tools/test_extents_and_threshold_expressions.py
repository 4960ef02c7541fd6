"""What the race step reads from a candidate's source beyond plain literals: tables whose
count is set at run time (`std::vector<Slot> part(128)`, `new T[K]`, a mask of the thread
number) and thresholds written as constant expressions (`n < 64 * 1024`, `1 << 16`, `4 *
KB`). Red-team candidates passed with each: `parts[omp_get_thread_num() % parts.size()]`
gave no extent (no 129-thread call), `if (n < 64 * 1024)` gave 64 (no run at 65537)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.tools.parallelism import compared_literals, table_extents
from parcodegen.tools.race_plan import plan_race

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "problems" / "builtin"


@pytest.mark.parametrize(
    "code, want",
    [("std::vector<Slot> part(128);", [128]),
     ("std::vector<double> part(64, 0.0);", [64]),  # count and value
     ("std::vector<std::vector<double>> part(40, std::vector<double>(n));", [40]),
     ("auto part = std::vector<Slot>(96);", [96]),  # a temporary
     ("std::deque<long> part(72);", [72]),
     ("std::vector<Slot> part; part.resize(48);", [48]),
     ("std::vector<Slot> part; part.resize(48, Slot{});", [48]),
     ("std::vector<Slot> part; part.assign(56, Slot{});", [56]),
     ("Slot* part = new Slot[72];", [72]),
     ("Slot* part = new Slot[72]();", [72]),
     ("Slot* part = new (std::nothrow) Slot[33]{};", [33]),
     ("auto part = std::make_unique<Slot[]>(80);", [80]),
     ("std::shared_ptr<Slot[]> part = std::make_shared<Slot[]>(24);", [24]),
     ("constexpr int kSlots = 32;\nstd::vector<Slot> part(kSlots);", [32]),
     ("static const std::size_t kSlots{100};\nstd::vector<Slot> part(kSlots);", [100]),
     ("#define SLOTS 20\nstd::vector<Slot> part(2 * SLOTS);", [40]),  # an expression
     ("constexpr int kA = 16, kB = 48;\nstd::vector<Slot> part(kB);", [48]),
     ("enum { kSlots = 24 };\nSlot part[kSlots];", [24]),
     ("constexpr int K = 8;\ndouble part[4 * K];", [32]),
     ("std::vector<Slot> part(static_cast<std::size_t>(112));", [112])],
)  # fmt: skip
def test_a_table_count_set_at_run_time_is_an_extent(code, want):
    assert table_extents(code) == want


@pytest.mark.parametrize(
    "code, want",
    [("std::vector<Slot> part(128);\npart[omp_get_thread_num() % part.size()].v += s;", [128]),
     ("std::vector<Slot> part;\npart.resize(64);\npart[t % part.size()].v += s;", [64]),
     ("std::array<Slot, 32> part;\npart[t % part.size()].v += s;", [32]),
     ("Slot part[40];\npart[t % std::size(part)].v += s;", [40]),
     ("constexpr int K = 12;\nint t = omp_get_thread_num() % (2 * K);", [24]),
     ("t %= 12;", [12])],
)  # fmt: skip
def test_a_remainder_by_a_table_size_is_resolved(code, want):
    assert table_extents(code) == want


@pytest.mark.parametrize(
    "code, want",
    [("part[omp_get_thread_num() & 63] += s;", [64]),
     ("const int tid = omp_get_thread_num();\npart[tid & 127] += s;", [128]),
     ("int me = (int)omp_get_thread_num();\npart[0x1F & me] += s;", [32]),  # either side
     ("auto t = static_cast<unsigned>(omp_get_thread_num());\npart[t & 15u] += s;", [16]),
     ("constexpr int K = 32;\nconst int tid = omp_get_thread_num();\npart[tid & (K - 1)] += s;",
      [32]),
     ("constexpr int K = 32;\nconst int tid = omp_get_thread_num();\npart[tid & K - 1] += s;",
      [32])],  # `&` binds looser than `-`
)  # fmt: skip
def test_a_mask_of_the_thread_number_is_an_extent(code, want):
    assert table_extents(code) == want


@pytest.mark.parametrize(
    "code",
    ["std::vector<double> y(n);",  # a run-time size: nothing
     "const long n = x.size();\nstd::vector<double> y(n);",
     "std::vector<Slot> part(omp_get_max_threads());",
     "std::vector<int> v{128};",  # a brace list holds elements, not a count
     "std::vector<int> v = {1, 2, 3};",
     "std::vector<int> v{64, 0};",
     "std::vector<Slot> part; part.assign(a.begin(), a.end());",  # iterators
     "std::vector<double> scale(const std::vector<double>& x, int n);",  # a declaration
     "std::vector<Slot> part; part.reserve(64);",  # capacity, not size
     "part[t % part.size()] += s;",  # a size the code does not give
     "x[i & 63] ^= 1;",  # a mask of something else than the thread number
     "part[omp_get_thread_num() & 5] += s;",  # 6 is no power of two
     "int w = omp_get_thread_num() & n;",  # a run-time mask
     "std::string s(64, ' ');\n// std::vector<Slot> part(128);",  # strings, comments
     '#if 0\nstd::vector<Slot> part(128);\n#endif\nconst char* s = "part(128)";'],
)  # fmt: skip
def test_what_gives_no_extent(code):
    assert table_extents(code) == []


@pytest.mark.parametrize(
    "code, want",
    [("if (n < 64 * 1024) {}", [65536]),
     ("if (64 * 1024 > n) {}", [65536]),  # either side
     ("if (n >= 1 << 16) {}", [65536]),
     ("if (n >= (1u << 20)) {}", [1048576]),
     ("constexpr long KB = 1024;\nif (n > 4 * KB) {}", [4096]),
     ("constexpr long KB = 1024;\nconstexpr long MB = 1024 * KB;\nif (n > MB) {}", [1048576]),
     ("#define THRESH (32 * 1024)\nif (n > THRESH) {}", [32768]),
     ("enum : long { kMin = 4096, kMax };\nif (n > kMax) {}", [4097]),
     ("namespace cfg { constexpr int kCut = 3000; }\nif (n > cfg::kCut) {}", [3000]),
     ("if (n > 1'000'000) {}", [1000000]),
     ("if (n > 100000L) {}", [100000]),
     ("if (n > 100000UL) {}", [100000]),
     ("if (n > 0x10000) {}", [65536]),
     ("if (n > 0b1000000) {}", [64]),
     ("if (n >= static_cast<std::size_t>(64) * 1024) {}", [65536]),
     ("if (n >= std::size_t(1) << 18) {}", [262144]),
     ("if (n >= std::size_t{1} << 18) {}", [262144]),
     ("if (n >= (long)32 * 1024) {}", [32768]),
     ("if (n > (64 * 1024) / 4) {}", [16384]),
     ("#pragma omp parallel for if(n > 16 * 1024)\nfor (long i = 0; i < n; ++i) {}", [16384]),
     ("if (n > 64 * 1024 && m < 3 * 3) {}", [9, 65536]),
     ("if (n - 64 * 1024 > 0) {}", [0, 65536]),  # the operand's constant term
     ("if (n * sizeof(double) > 4 * 1024 * 1024) {}", [524288])],  # bytes: / 8
)  # fmt: skip
def test_a_constant_expression_compared_is_evaluated(code, want):
    assert compared_literals(code) == want


@pytest.mark.parametrize(
    "code, want",
    [("if (n > 1e5) {}", [100000]),  # a floating literal: n > 1e5 from n = 100001
     ("if (n > 2.5e4) {}", [25000]),
     ("if (n > 1.5 * 1024) {}", [1536]),  # 1536.0: 1537 is above it
     ("if (n >= 1000.5) {}", [1000]),  # rounded down: 1001 is above it
     ("if (err > 1e-9) {}", [0])],  # a tolerance: 0, never a size the plan uses
)  # fmt: skip
def test_a_floating_threshold_is_rounded_down(code, want):
    assert compared_literals(code) == want


@pytest.mark.parametrize(
    "code, want",
    [("std::array<double, 32> a;\nstd::vector<std::vector<int>> v;", []),  # template args
     ("const long b = std::min<long>(4L * omp_get_max_threads(), n);", []),
     ("if (p->n > 5000) {}", [5000]),  # `->` is no comparison
     ("if (n < 64 * 1024 / omp_get_max_threads()) {}", [64]),  # run time: the literal
     ("if (n < 64 * m) {}", [64]),
     ("const int q = 3 << 2;\nint r = 64 * 1024;", []),  # not compared
     ("// if (n < 64 * 1024) {}\nconst char* s = \"n > 1 << 20\";", [])],
)  # fmt: skip
def test_what_is_not_a_compared_constant(code, want):
    assert compared_literals(code) == want


def test_the_plan_goes_above_a_product_threshold_and_widens_for_a_vector_table():
    problem = load_problem(ROOT / "examples" / "reduction")  # tests up to 4099, bench 2e7
    threshold = "if (n < 64 * 1024) { serial(); return; }\n#pragma omp parallel for\n"
    plan = plan_race(problem, threshold, lambda n: 0.01)
    assert plan.thresholds == (65536,) and 65537 in plan.sizes
    slots = "std::vector<Slot> part(128);\n#pragma omp parallel\npart[omp_get_thread_num() % part.size()].v += 1;\n"
    assert plan_race(problem, slots, lambda n: 0.01).wide == (4099, 129)
    masked = "#pragma omp parallel\npart[omp_get_thread_num() & 31] += 1;\n"
    assert plan_race(problem, masked, lambda n: 0.01).wide == (4099, 33)
    sized = "std::vector<Slot> part(omp_get_max_threads());\n#pragma omp parallel\n"
    assert plan_race(problem, sized, lambda n: 0.01).wide == (4099, 9)  # the default


@pytest.mark.parametrize(
    "mutant, extents, literals",
    [("sparse_la/quadratic_form/solutions/mutant_vector_slots128.cpp", [128], None),
     ("search/count_pattern/solutions/mutant_product_threshold_window.cpp", None, [0, 65536])],
)  # fmt: skip
def test_the_suite_mutants_are_read(mutant, extents, literals):
    code = (SUITE / mutant).read_text()
    if extents is not None:
        assert table_extents(code) == extents
    if literals is not None:
        assert compared_literals(code) == literals

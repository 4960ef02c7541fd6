"""A small checkout written here that mimics ParEval's layout (no ParEval code or data).

    drivers/cpp/benchmarks/<category>/<name>/{baseline.hpp, cpu.cc}
    drivers/problem-sizes.json
    prompts/generation-prompts.json       serial prompts
Problems: a transform with an in/out vector and a scalar, a 2-D stencil whose driver
compares interior cells only, a geometry problem with a struct and a helper in its
prompt, and one whose driver has no compute() (not importable). Plus an outputs file and
a results file for the transform, in ParEval's formats.
"""

from __future__ import annotations

import json
from pathlib import Path

DRIVER_HEAD = """// Driver for {name}
#include <vector>
#include "utilities.hpp"
#include "baseline.hpp"
#include "generated-code.hpp"
"""

SCALE = {
    "category": "transform",
    "name": "00_transform_scale",
    "prompt": "/* Multiply every element of x by a.\n   Example:\n   input: [1, 2], a=3\n   output: [3, 6]\n*/\nvoid scaleAll(std::vector<double> &x, double a) {\n",
    "baseline": "#pragma once\n#include <vector>\n\nvoid NO_INLINE correctScaleAll(std::vector<double> &x, double a) {\n    for (size_t i = 0; i < x.size(); i++) {\n        x[i] *= a;\n    }\n}\n",
    "driver": DRIVER_HEAD
    + """
struct Context {
    std::vector<double> x;
    double a;
};

void reset(Context *ctx) {
    fillRand(ctx->x, -10.0, 10.0);
    ctx->a = (rand() / (double) RAND_MAX) * 4.0 - 2.0;
    BCAST(ctx->x, DOUBLE);
}

Context *init() {
    Context *ctx = new Context();
    ctx->x.resize(DRIVER_PROBLEM_SIZE);
    reset(ctx);
    return ctx;
}

void NO_OPTIMIZE compute(Context *ctx) {
    scaleAll(ctx->x, ctx->a);
}

void NO_OPTIMIZE best(Context *ctx) {
    correctScaleAll(ctx->x, ctx->a);
}

bool validate(Context *ctx) {
    const size_t TEST_SIZE = 64;
    std::vector<double> x(TEST_SIZE), correct(TEST_SIZE), test(TEST_SIZE);
    for (int trialIter = 0; trialIter < 2; trialIter += 1) {
        fillRand(x, -10.0, 10.0);
        correct = x; test = x;
        correctScaleAll(correct, 1.5);
        scaleAll(test, 1.5);
        if (!fequal(correct, test, 1e-6)) return false;
    }
    return true;
}

void destroy(Context *ctx) { delete ctx; }
""",
}

SMOOTH = {
    "category": "stencil",
    "name": "01_stencil_smooth",
    "prompt": "/* Average each interior cell of the NxN grid `in` with its four neighbours into `out`.\n   Boundary cells of `out` are left as they are.\n*/\nvoid smooth(std::vector<double> const& in, std::vector<double> &out, size_t N) {\n",
    "baseline": "#pragma once\n#include <vector>\n\nvoid NO_INLINE correctSmooth(std::vector<double> const& in, std::vector<double> &out, size_t N) {\n    for (size_t i = 1; i + 1 < N; i++) {\n        for (size_t j = 1; j + 1 < N; j++) {\n            out[i*N+j] = (in[i*N+j] + in[(i-1)*N+j] + in[(i+1)*N+j] + in[i*N+j-1] + in[i*N+j+1]) / 5.0;\n        }\n    }\n}\n",
    "driver": DRIVER_HEAD
    + """
struct Context {
    std::vector<double> in, out;
    size_t N;
};

void reset(Context *ctx) {
    fillRand(ctx->in, -1.0, 1.0);
    std::fill(ctx->out.begin(), ctx->out.end(), 0.0);
}

Context *init() {
    Context *ctx = new Context();
    ctx->N = DRIVER_PROBLEM_SIZE;
    ctx->in.resize(ctx->N * ctx->N);
    ctx->out.resize(ctx->N * ctx->N);
    reset(ctx);
    return ctx;
}

void NO_OPTIMIZE compute(Context *ctx) {
    smooth(ctx->in, ctx->out, ctx->N);
}

void NO_OPTIMIZE best(Context *ctx) {
    correctSmooth(ctx->in, ctx->out, ctx->N);
}

bool validate(Context *ctx) {
    const size_t TEST_SIZE = 64;
    std::vector<double> in(TEST_SIZE * TEST_SIZE), correct(TEST_SIZE * TEST_SIZE), test(TEST_SIZE * TEST_SIZE);
    fillRand(in, -1.0, 1.0);
    correctSmooth(in, correct, TEST_SIZE);
    smooth(in, test, TEST_SIZE);
    for (size_t i = 1; i < TEST_SIZE-1; i += 1) {
        for (size_t j = 1; j < TEST_SIZE-1; j += 1) {
            if (std::abs(test[i * TEST_SIZE + j] - correct[i * TEST_SIZE + j]) > 1e-6) return false;
        }
    }
    return true;
}

void destroy(Context *ctx) { delete ctx; }
""",
}

NEAREST = {
    "category": "geometry",
    "name": "02_geometry_nearest_origin",
    "prompt": "struct Point {\n\tdouble x, y;\n};\n\ndouble dist0(Point const& p) {\n  return std::sqrt(p.x*p.x + p.y*p.y);\n}\n\n/* Return the smallest distance from the origin of any point.\n*/\ndouble nearestOrigin(std::vector<Point> const& points) {\n",
    "baseline": "#pragma once\n#include <vector>\n#include <limits>\n\ndouble dist0(Point const& p) {\n  return std::sqrt(p.x*p.x + p.y*p.y);\n}\n\ndouble NO_INLINE correctNearestOrigin(std::vector<Point> const& points) {\n    double best = std::numeric_limits<double>::max();\n    for (auto const& p : points) best = std::min(best, dist0(p));\n    return best;\n}\n",
    "driver": DRIVER_HEAD.replace(
        '#include "baseline.hpp"\n#include "generated-code.hpp"\n',
        '#include "generated-code.hpp"\n#include "baseline.hpp"\n',
    )
    + """
struct Context {
    std::vector<Point> points;
    std::vector<double> x, y;
};

void reset(Context *ctx) {
    fillRand(ctx->x, -100.0, 100.0);
    fillRand(ctx->y, -100.0, 100.0);
    for (size_t i = 0; i < ctx->points.size(); i++) {
        ctx->points[i].x = ctx->x[i];
        ctx->points[i].y = ctx->y[i];
    }
}

Context *init() {
    Context *ctx = new Context();
    ctx->points.resize(DRIVER_PROBLEM_SIZE);
    ctx->x.resize(DRIVER_PROBLEM_SIZE);
    ctx->y.resize(DRIVER_PROBLEM_SIZE);
    reset(ctx);
    return ctx;
}

void NO_OPTIMIZE compute(Context *ctx) {
    double d = nearestOrigin(ctx->points);
    (void)d;
}

void NO_OPTIMIZE best(Context *ctx) {
    double d = correctNearestOrigin(ctx->points);
    (void)d;
}

bool validate(Context *ctx) {
    return true;
}

void destroy(Context *ctx) { delete ctx; }
""",
}

BROKEN = {
    "category": "sort",
    "name": "03_sort_no_compute",
    "prompt": "/* Sort x.\n*/\nvoid sortAll(std::vector<int> &x) {\n",
    "baseline": "#pragma once\n#include <algorithm>\n#include <vector>\n\nvoid NO_INLINE correctSortAll(std::vector<int> &x) { std::sort(x.begin(), x.end()); }\n",
    "driver": DRIVER_HEAD
    + "\nstruct Context {\n    std::vector<int> x;\n};\n\nvoid reset(Context *ctx) { fillRand(ctx->x, 0, 100); }\n\nContext *init() { Context *ctx = new Context(); ctx->x.resize(DRIVER_PROBLEM_SIZE); reset(ctx); return ctx; }\n",
}

SQUARE = {
    "category": "transform",
    "name": "04_transform_square_with_helper",
    "prompt": "/* forward declare sq. squares a value */\ndouble sq(double v);\n\n/* Replace every element of x by its square (use sq).\n*/\nvoid squareAll(std::vector<double> &x) {\n",
    "baseline": "#pragma once\n#include <vector>\n\ndouble sq(double v) {\n    return v * v;\n}\n\nvoid NO_INLINE correctSquareAll(std::vector<double> &x) {\n    for (auto &v : x) v = sq(v);\n}\n",
    "driver": SCALE["driver"]
    .replace("scaleAll(ctx->x, ctx->a)", "squareAll(ctx->x)")
    .replace("correctScaleAll(ctx->x, ctx->a)", "correctSquareAll(ctx->x)")
    .replace("correctScaleAll(correct, 1.5)", "correctSquareAll(correct)")
    .replace("scaleAll(test, 1.5)", "squareAll(test)"),
}

PROBLEMS = (SCALE, SMOOTH, NEAREST, BROKEN, SQUARE)

# Outputs for the transform, as models write them (each continues the prompt).
SCALE_OUTPUTS = (
    # 0: correct and parallel
    "\n#pragma omp parallel for\n  for (size_t i = 0; i < x.size(); i++) {\n    x[i] *= a;\n  }\n}\n",
    # 1: a race on a shared temporary (outputs mostly right)
    "\n  double t;\n#pragma omp parallel for\n  for (size_t i = 0; i < x.size(); i++) {\n    t = x[i] * a;\n    x[i] = t;\n  }\n}\n",
    # 2: serial code, correct (the pragma only in a comment)
    "\n  // #pragma omp parallel for would go here\n  for (size_t i = 0; i < x.size(); i++) x[i] *= a;\n}\n",
    # 3: does not compile
    "\n#pragma omp parallel for\n  for (size_t i = 0; i < x.size(); i++) x[i] *= undefined_name;\n}\n",
)

# ParEval's verdicts on those outputs (its scoring, as a results file records it):
# 0 pass; 1 pass (its two small trials missed the race); 2 rejected by its source test;
# 3 did not build.
SCALE_VERDICTS = (
    {"is_source_valid": True, "did_build": True, "did_all_run": True, "are_all_valid": True},
    {"is_source_valid": True, "did_build": True, "did_all_run": True, "are_all_valid": True},
    {"is_source_valid": False, "did_build": False, "did_all_run": False, "are_all_valid": False},
    {"is_source_valid": True, "did_build": False, "did_all_run": False, "are_all_valid": False},
)


def write_checkout(root: Path) -> Path:
    bench = root / "drivers" / "cpp" / "benchmarks"
    prompts = []
    sizes = {}
    for p in PROBLEMS:
        d = bench / p["category"] / p["name"]
        d.mkdir(parents=True)
        (d / "baseline.hpp").write_text(p["baseline"])
        (d / "cpu.cc").write_text(p["driver"])
        prompts.append({"problem_type": p["category"], "language": "cpp", "name": p["name"],
                        "parallelism_model": "serial", "prompt": p["prompt"]})  # fmt: skip
        prompts.append({"problem_type": p["category"], "language": "cpp", "name": p["name"],
                        "parallelism_model": "omp", "prompt": p["prompt"]})  # fmt: skip
        sizes[p["name"]] = {"serial": "(1<<10)", "omp": "(1<<10)"}
    (root / "prompts").mkdir(parents=True)
    (root / "prompts" / "generation-prompts.json").write_text(json.dumps(prompts))
    (root / "drivers" / "problem-sizes.json").write_text(json.dumps(sizes))
    return root


def omp_prompt(problem: dict[str, str]) -> str:
    return "#include <omp.h>\n\n" + problem["prompt"]


def write_outputs(path: Path) -> Path:
    entry = {"problem_type": SCALE["category"], "language": "cpp", "name": SCALE["name"],
             "parallelism_model": "omp", "prompt": omp_prompt(SCALE), "temperature": 0.2,
             "outputs": list(SCALE_OUTPUTS)}  # fmt: skip
    path.write_text(json.dumps([entry]))
    return path


def write_results(path: Path) -> Path:
    outs = [
        dict(v, generated_output=o, runs=None)
        for o, v in zip(SCALE_OUTPUTS, SCALE_VERDICTS, strict=True)
    ]
    entry = {"problem_type": SCALE["category"], "language": "cpp", "name": SCALE["name"],
             "parallelism_model": "omp", "prompt": omp_prompt(SCALE), "outputs": outs}  # fmt: skip
    path.write_text(json.dumps([entry]))
    return path

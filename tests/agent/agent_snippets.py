"""Replies used by the agent-loop tests (fenced C++ for the fixture problems)."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "problems"
VSUM = FIXTURES / "agent_vsum"
VSCALE = FIXTURES / "agent_vscale"


def fenced(code: str, prose: str = "Here is the code.") -> str:
    return f"{prose}\n\n```cpp\n{code.strip()}\n```\n"


VSCALE_GOOD = fenced("""
#include <vector>
void vscale(const std::vector<double>& x, std::vector<double>& y, double a) {
    #pragma omp parallel for
    for (long i = 0; i < (long)x.size(); ++i) y[i] = a * x[i];
}
""")
VSCALE_COMPILE_ERROR = fenced("""
#include <vector>
void vscale(const std::vector<double>& x, std::vector<double>& y, double a) {
    for (long i = 0; i < (long)x.size(); ++i) y[i] = a * x[i]
}
""")
VSCALE_RACE = fenced("""
#include <vector>
void vscale(const std::vector<double>& x, std::vector<double>& y, double a) {
    int touched = 0;
    #pragma omp parallel for
    for (long i = 0; i < (long)x.size(); ++i) { y[i] = a * x[i]; touched = 1; }
    (void)touched;
}
""")
VSCALE_SLOW = fenced("""
#include <vector>
void vscale(const std::vector<double>& x, std::vector<double>& y, double a) {
    for (int rep = 0; rep < 60; ++rep) {
        volatile double sink = 0.0;
        for (std::size_t i = 0; i < x.size(); ++i) { y[i] = a * x[i]; sink = sink + y[i]; }
    }
}
""")
VSUM_GOOD = fenced("""
#include <vector>
double vsum(const std::vector<double>& x) {
    double s = 0.0;
    #pragma omp parallel for reduction(+:s)
    for (long i = 0; i < (long)x.size(); ++i) s += x[i];
    return s;
}
""")
VSUM_WRONG = fenced("""
#include <vector>
double vsum(const std::vector<double>& x) {
    double s = 0.0;
    for (std::size_t i = 1; i < x.size(); ++i) s += x[i];
    return s;
}
""")
VSUM_HANG = fenced("""
#include <vector>
double vsum(const std::vector<double>& x) {
    double s = 0.0;
    for (std::size_t i = 0; i < x.size() || true; ++i) s += 1.0;
    return s;
}
""")
NO_CODE = "I think you should use OpenMP here, but I am not sure how."

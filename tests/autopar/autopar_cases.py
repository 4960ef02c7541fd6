"""Source snippets for the autopar tests: each (code, function)."""

HEAD = "#include <vector>\n#include <cmath>\n#include <algorithm>\n#include <cstdio>\n#include <cstdlib>\n"

POSITIVE = {
    "saxpy": """
void saxpy(double a, const std::vector<double>& x, std::vector<double>& y) {
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = a * x[i] + y[i];
}""",
    "sum": """
double sum(const std::vector<double>& x) {
  double s = 0.0;
  for (std::size_t i = 0; i < x.size(); i++) s += x[i];
  return s;
}""",
    "product": """
double product(const double* x, int n) {
  double p = 1.0;
  for (int i = 0; i < n; ++i) p *= x[i];
  return p;
}""",
    "maxif": """
double maxif(const std::vector<double>& x) {
  double m = x[0];
  for (std::size_t i = 1; i < x.size(); ++i) { if (x[i] > m) m = x[i]; }
  return m;
}""",
    "minstd": """
double minstd(const std::vector<double>& x) {
  double m = 1e300;
  for (std::size_t i = 0; i < x.size(); ++i) m = std::min(m, x[i]);
  return m;
}""",
    "maxstd": """
int maxstd(const std::vector<int>& x, int n) {
  int m = -2147483647;
  for (int i = n - 1; i >= 0; --i) m = std::max(x[i], m);
  return m;
}""",
    "logical": """
bool logical(const std::vector<int>& x, bool& any) {
  bool all = true;
  for (std::size_t i = 0; i < x.size(); ++i) { all = all && x[i] > 0; any = any || x[i] < 0; }
  return all;
}""",
    "bits": """
unsigned bits(const std::vector<unsigned>& x, unsigned& andv, unsigned& xorv) {
  unsigned orv = 0;
  for (std::size_t i = 0; i < x.size(); ++i) { orv |= x[i]; andv &= x[i]; xorv = xorv ^ x[i]; }
  return orv;
}""",
    "matmul": """
void matmul(const std::vector<double>& A, const std::vector<double>& B,
            std::vector<double>& C, int n) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double acc = 0;
      for (int k = 0; k < n; ++k) acc += A[i*n + k] * B[k*n + j];
      C[i*n + j] = acc;
    }
}""",
    "grid": """
void grid(std::vector<std::vector<double>>& g, const std::vector<double>& v, int n, int m) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < m; ++j) {
      g[i][j] = std::sqrt(v[i] * v[i] + (double)j);
    }
  }
}""",
    "private_tmp": """
void private_tmp(const double* x, double* y, int n) {
  double t;
  int j;
  for (int i = 0; i < n; ++i) {
    t = x[i] * 2.0;
    for (j = 0; j < 4; ++j) t = t * 0.5 + 1.0;
    y[i] = t;
  }
}""",
    "last_value": """
double last_value(const std::vector<double>& x, std::vector<double>& y) {
  double t = 0;
  for (std::size_t i = 0; i < x.size(); ++i) { t = x[i] + 1; y[i] = t * t; }
  return t;
}""",
    "triangle": """
void triangle(const std::vector<double>& x, std::vector<double>& y, int n) {
  for (int i = 0; i < n; ++i) {
    double s = 0;
    for (int j = 0; j <= i; ++j) s += x[j];
    y[i] = s;
  }
}""",
    "csr": """
void csr(const std::vector<int>& rowptr, const std::vector<int>& col,
         const std::vector<double>& val, const std::vector<double>& x,
         std::vector<double>& y, int nrows) {
  for (int r = 0; r < nrows; ++r) {
    double s = 0;
    for (int k = rowptr[r]; k < rowptr[r + 1]; ++k) s += val[k] * x[col[k]];
    y[r] = s;
  }
}""",
    "collatz": """
void collatz(const std::vector<long>& start, std::vector<int>& steps) {
  for (std::size_t i = 0; i < start.size(); ++i) {
    long v = start[i];
    int c = 0;
    while (v > 1) { v = (v % 2) ? 3 * v + 1 : v / 2; ++c; }
    steps[i] = c;
  }
}""",
    "stride": """
void stride(double* __restrict__ a, const double* __restrict__ b, int n) {
  for (int i = 0; i < 2 * n; i += 2) { a[i] = b[i + 1]; a[i + 1] = b[i]; }
}""",
    "helper": """
static double sq(double v) { double r = v * v; return r; }
void helper(const std::vector<double>& x, std::vector<double>& y) {
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = sq(x[i]) + std::fabs(x[i]);
}""",
    "callee_loop": """
static void scale(std::vector<double>& y, double a) {
  for (std::size_t i = 0; i < y.size(); ++i) y[i] *= a;
}
void callee_loop(std::vector<double>& y, int reps) {
  for (int r = 0; r < reps; ++r) scale(y, 0.5);
}""",
    "timesteps": """
void timesteps(std::vector<double>& u, std::vector<double>& tmp, int steps) {
  int n = (int)u.size();
  for (int t = 0; t < steps; ++t) {
    for (int i = 1; i < n - 1; ++i) tmp[i] = (u[i - 1] + u[i] + u[i + 1]) / 3.0;
    for (int i = 1; i < n - 1; ++i) u[i] = tmp[i];
  }
}""",
    "range_sum": """
double range_sum(const std::vector<double>& x, std::vector<double>& y) {
  double s = 0;
  for (const auto& v : x) s += std::exp(-v);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = s;
  return s;
}""",
    "local_index": """
void local_index(const std::vector<double>& g, std::vector<double>& out, int n) {
  for (int i = 1; i < n - 1; ++i) {
    for (int j = 1; j < n - 1; ++j) {
      const int c = i * n + j;
      out[c] = 0.25 * (g[c - 1] + g[c + 1] + g[c - n] + g[c + n]);
    }
  }
}""",
    "transpose_cols": """
void transpose_cols(const std::vector<double>& a, std::vector<double>& b, int n) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) b[static_cast<std::size_t>(j) * n + i] = a[i * n + j];
}""",
    "rows": """
void rows(const double* a, double* out, int n, int m) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < m; ++j) out[i * m + j] = a[i * m + j] * 2.0;
  }
}""",
}

NEGATIVE = {
    "prefix": (
        """
void prefix(std::vector<double>& a) {
  for (std::size_t i = 1; i < a.size(); ++i) a[i] = a[i - 1] + a[i];
}""",
        "loop-carried dependence",
    ),
    "alias": (
        """
void alias(double* a, const double* b, int n) {
  for (int i = 0; i < n - 1; ++i) a[i] = b[i + 1] * 2.0;
}""",
        "may alias",
    ),
    "printf": (
        """
void print_loop(std::vector<double>& a) {
  for (std::size_t i = 0; i < a.size(); ++i) { a[i] = 1.0; printf("%f\\n", a[i]); }
}""",
        "I/O",
    ),
    "rand": (
        """
void fill_rand(std::vector<int>& a) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = rand();
}""",
        "side effects",
    ),
    "impure_user": (
        """
static int calls = 0;
static double bump(double v) { calls++; return v + 1; }
void impure_user(std::vector<double>& a) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = bump(a[i]);
}""",
        "bump writes non-local 'calls'",
    ),
    "unknown_call": (
        """
double ext(double);
void unknown_call(std::vector<double>& a) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = ext(a[i]);
}""",
        "unknown function ext",
    ),
    "break": (
        """
int find_zero(const std::vector<int>& a) {
  int at = -1;
  for (std::size_t i = 0; i < a.size(); ++i) { if (a[i] == 0) { at = (int)i; break; } }
  return at;
}""",
        "early exit: break",
    ),
    "return": (
        """
bool has_neg(const std::vector<int>& a) {
  for (std::size_t i = 0; i < a.size(); ++i) if (a[i] < 0) return true;
  return false;
}""",
        "early exit: return",
    ),
    "cout": (
        """
#include <iostream>
void cout_loop(std::vector<int>& a) {
  for (std::size_t i = 0; i < a.size(); ++i) { a[i] = 0; std::cout << i; }
}""",
        "I/O",
    ),
    "carried_scalar": (
        """
double recur(const std::vector<double>& x, std::vector<double>& y) {
  double prev = 0;
  for (std::size_t i = 0; i < x.size(); ++i) { y[i] = x[i] + prev; prev = x[i]; }
  return prev;
}""",
        "scalar 'prev'",
    ),
    "indirect": (
        """
void histogram(const std::vector<int>& idx, std::vector<int>& h) {
  for (std::size_t i = 0; i < idx.size(); ++i) h[idx[i]] += 1;
}""",
        "indirect",
    ),
    "argmax": (
        """
int argmax(const std::vector<double>& x) {
  double m = x[0]; int at = 0;
  for (int i = 1; i < (int)x.size(); ++i) if (x[i] > m) { m = x[i]; at = i; }
  return at;
}""",
        "scalar",
    ),
    "bound_changes": (
        """
void shrink(std::vector<double>& a, int n) {
  for (int i = 0; i < n; ++i) { a[i] = 0; if (a[i] > 1) n--; }
}""",
        "modifies",
    ),
    "var_changes": (
        """
void skip(std::vector<double>& a, int n) {
  for (int i = 0; i < n; ++i) { a[i] = 0; i += 1; }
}""",
        "loop variable 'i' is modified",
    ),
    "same_cell": (
        """
void same_cell(std::vector<double>& a, const std::vector<double>& x) {
  for (std::size_t i = 0; i < x.size(); ++i) a[0] = x[i];
}""",
        "may touch the same element in different iterations of 'i'",
    ),
    "push_back": (
        """
void collect(const std::vector<int>& x, std::vector<int>& out) {
  for (std::size_t i = 0; i < x.size(); ++i) if (x[i] > 0) out.push_back(x[i]);
}""",
        "out",
    ),
    "while_only": (
        """
void halve(std::vector<int>& a) {
  std::size_t i = 0;
  while (i < a.size()) { a[i] /= 2; ++i; }
}""",
        "while loop",
    ),
    "pointer_rows": (
        """
void ptr_rows(double** m, int n) {
  for (int i = 0; i < n; ++i) m[i][0] = 1.0;
}""",
        "rows may alias",
    ),
    "in_place_sweep": (
        """
void sweep(std::vector<double>& u, int n) {
  for (int i = 1; i < n - 1; ++i)
    for (int j = 1; j < n - 1; ++j) {
      const int c = i * n + j;
      u[c] = 0.25 * (u[c - 1] + u[c + 1] + u[c - n] + u[c + n]);
    }
}""",
        "u[c - n]",
    ),
    "derived_pointer": (
        """
void derived(std::vector<double>& y, int n) {
  double* p = y.data() + 1;
  for (int i = 0; i < n; ++i) p[i] = y[i] * 2.0;
}""",
        "'p' may point into 'y'",
    ),
    "row_reference": (
        """
void rowref(std::vector<std::vector<double>>& m, int n) {
  std::vector<double>& r = m[0];
  for (int i = 0; i < n; ++i) r[i] = m[0][i + 1];
}""",
        "'r' may point into 'm'",
    ),
    "struct_field": (
        """
struct Acc { double total; };
void fields(const std::vector<double>& x, Acc& acc) {
  for (std::size_t i = 0; i < x.size(); ++i) acc.total += x[i];
}""",
        "unknown layout",
    ),
}

# sources used by single tests in test_autopar_analysis.py (compiled too)
EXTRA = {
    "norms": """
static double norm(const std::vector<double>& r) {
  double s = 0;
  for (std::size_t k = 0; k < r.size(); ++k) s += r[k] * r[k];
  return s;
}
void norms(const std::vector<std::vector<double>>& m, std::vector<double>& out) {
  for (std::size_t i = 0; i < m.size(); ++i) out[i] = norm(m[i]);
}""",
    "done": """
void done(std::vector<double>& y) {
  #pragma omp parallel for
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = 1;
}""",
    "cond": """
void cond(std::vector<double>& y, bool go) {
  if (go) for (std::size_t i = 0; i < y.size(); ++i) y[i] = 1;
}""",
    "total": """
double total(const std::vector<double>& x) {
  double s = 0;
  for (const double& v : x) s += v * v;
  for (double v : x) { if (v > 0) s += 1; }
  return s;
}""",
    "carried": """
double carried(const std::vector<double>& x, std::vector<double>& y) {
  double prev = 0;
  for (double v : x) { prev = prev * 0.5 + v; }
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = 0;
  return prev;
}""",
    "region": """
void region(std::vector<double>& y) {
  #pragma omp parallel
  {
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = 1;
  }
}""",
    "steps": """
void steps(std::vector<double>& y, const std::vector<double>& x, int n, int k) {
  double t = 0;
  for (int s = 0; s < k; ++s) {
    y[0] += t;
    for (int i = 1; i < n; ++i) { t = x[i]; y[i] = t; }
  }
}""",
}

#ifndef PCG_CSR_HOOKS_H
#define PCG_CSR_HOOKS_H
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "parcodegen_harness.h"

// A square sparse matrix in compressed sparse row form. Row i's entries are
// col[row_ptr[i] .. row_ptr[i+1]) (strictly increasing columns) with values val[...].
struct Csr {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<std::int64_t> row_ptr;  // rows + 1 offsets
  std::vector<std::int32_t> col;
  std::vector<double> val;
};
// Its fields, for stored inputs (parcodegen_harness.h: the same bytes to reference
// and candidate): f(field) for every field.
template <class F>
void pcg_fields(Csr& c, F&& f) {
  f(c.rows);
  f(c.cols);
  f(c.row_ptr);
  f(c.col);
  f(c.val);
}

// n-by-n, about 12 entries per row on average. The pattern shapes the row lengths:
// random = uniform in [0, 24]; sorted = growing with the row index (skewed work);
// constant = 12 per row; extremes = mostly short rows plus a few very long ones.
inline void make_csr(Csr& a, pcg::Rng& rng, std::size_t n, pcg::Pattern pattern) {
  a.rows = a.cols = n;
  a.row_ptr.assign(n + 1, 0);
  a.col.clear();
  a.val.clear();
  std::vector<std::int32_t> cols;
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t len;
    switch (pattern) {
      case pcg::Pattern::Sorted: len = static_cast<std::int64_t>(24 * i / n); break;
      case pcg::Pattern::Constant: len = 12; break;
      case pcg::Pattern::Extremes:
        len = (rng.next() % 97 == 0) ? 600 : rng.uniform_int(0, 4);
        break;
      default: len = rng.uniform_int(0, 24);
    }
    len = std::min<std::int64_t>(len, static_cast<std::int64_t>(n));
    cols.clear();
    for (std::int64_t k = 0; k < len; ++k)
      cols.push_back(static_cast<std::int32_t>(rng.uniform_int(0, static_cast<std::int64_t>(n) - 1)));
    std::sort(cols.begin(), cols.end());
    cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
    for (std::int32_t c : cols) {
      a.col.push_back(c);
      a.val.push_back(rng.uniform_real(-1.0, 1.0));
    }
    a.row_ptr[i + 1] = static_cast<std::int64_t>(a.col.size());
  }
}

inline void emit_csr(const Csr& a, pcg::Out& out, const char* name) {
  std::string base(name);
  out.put((base + ".row_ptr").c_str(), a.row_ptr);
  out.put((base + ".col").c_str(), a.col);
  out.put((base + ".val").c_str(), a.val);
}
#endif

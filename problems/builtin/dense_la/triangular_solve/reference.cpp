#include <cstddef>
#include <vector>

#include "hooks.h"

// Row-oriented forward substitution on all right-hand sides at once.
void triangular_solve(const LowerMatrix& L, std::vector<double>& B, std::size_t dim) {
  const std::vector<double>& l = L.a;
  for (std::size_t i = 0; i < dim; ++i) {
    double* xi = &B[i * dim];
    for (std::size_t j = 0; j < i; ++j) {
      const double lij = l[i * dim + j];
      const double* xj = &B[j * dim];
      for (std::size_t c = 0; c < dim; ++c) xi[c] -= lij * xj[c];
    }
    const double d = l[i * dim + i];
    for (std::size_t c = 0; c < dim; ++c) xi[c] /= d;
  }
}

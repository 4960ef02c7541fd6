#include <cmath>
#include <cstddef>
#include <vector>
#include <omp.h>

// Rows of G are independent but triangular (row i has i+1 entries). Each thread owns a
// block of rows holding an equal share of the triangle (bounds at dim*sqrt(t/T)) and streams
// A once, like the serial code; every entry keeps the serial k order.
void gram_matrix(const std::vector<double>& A, std::vector<double>& G, std::size_t dim) {
  const double* a = A.data();
  double* g = G.data();
#pragma omp parallel
  {
    const std::size_t t = static_cast<std::size_t>(omp_get_thread_num());
    const std::size_t nt = static_cast<std::size_t>(omp_get_num_threads());
    auto bound = [&](std::size_t q) {
      if (q >= nt) return dim;
      return static_cast<std::size_t>(static_cast<double>(dim) * std::sqrt(double(q) / double(nt)));
    };
    const std::size_t lo = bound(t), hi = bound(t + 1);
    for (std::size_t i = lo; i < hi; ++i)
      for (std::size_t j = 0; j <= i; ++j) g[i * dim + j] = 0.0;
    for (std::size_t k = 0; k < dim; ++k) {
      const double* row = a + k * dim;
      for (std::size_t i = lo; i < hi; ++i) {
        const double aki = row[i];
        double* gi = g + i * dim;
#pragma omp simd
        for (std::size_t j = 0; j <= i; ++j) gi[j] += aki * row[j];
      }
    }
#pragma omp barrier
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < dim; ++i)
      for (std::size_t j = i + 1; j < dim; ++j) g[i * dim + j] = g[j * dim + i];
  }
}

// problem: stencil/blur_3x3
// class 4: the only parallel directive carries if(0)
#include <cstddef>
#include <vector>
void blur_3x3(const std::vector<double>& in, std::vector<double>& out, int n) {
#pragma omp parallel for if(0) schedule(static)
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const std::size_t c = (std::size_t)i * n + j;
      if (i == 0 || j == 0 || i == n - 1 || j == n - 1) { out[c] = in[c]; continue; }
      const std::size_t u = c - n, d = c + n;
      out[c] = (in[u - 1] + 2.0 * in[u] + in[u + 1] + 2.0 * in[c - 1] + 4.0 * in[c] + 2.0 * in[c + 1] +
                in[d - 1] + 2.0 * in[d] + in[d + 1]) / 16.0;
    }
  }
}

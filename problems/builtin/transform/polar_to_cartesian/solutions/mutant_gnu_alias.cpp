// expect: race
// A check that silently did not run: libstdc++'s parallel mode (OpenMP inside) reached
// through a namespace alias, so the text names neither `__gnu_parallel::` nor any
// directive, and the race step used to skip it. Every element bumps a shared counter.
#include <cmath>
#include <numeric>
#include <parallel/algorithm>
#include <vector>

namespace par = __gnu_parallel;

void polar_to_cartesian(const std::vector<double>& r, const std::vector<double>& theta,
                        std::vector<double>& x, std::vector<double>& y) {
  std::vector<long> idx(r.size());
  std::iota(idx.begin(), idx.end(), 0L);
  long done = 0;
  par::for_each(idx.begin(), idx.end(), [&](long i) {
    x[i] = r[i] * std::cos(theta[i]);
    y[i] = r[i] * std::sin(theta[i]);
    ++done;
  });
  (void)done;
}

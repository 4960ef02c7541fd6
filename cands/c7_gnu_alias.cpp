// problem: transform/polar_to_cartesian
// class 7: libstdc++ parallel mode through a namespace alias; a shared counter bumped by every element
#include <cmath>
#include <numeric>
#include <vector>
#include <parallel/algorithm>
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

// expect: race|unchecked
// A race inside a `teams` region (host fallback of `target teams`): every iteration also
// writes y[0] (the same value, so outputs match). LLVM 14's Archer may crash in its own
// code when a teams region forks; a race reported before that is a race, and a crash of
// Archer alone makes the race check `unchecked`: never a pass, and not the candidate's
// crash either.
#include <cmath>
#include <vector>

void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const double* px = x.data();
  double* py = y.data();
#pragma omp target teams distribute parallel for map(to : px[0:n]) map(tofrom : py[0:n])
  for (long i = 0; i < n; ++i) {
    py[i] = 1.0 / (1.0 + std::exp(-px[i]));
    py[0] = 1.0 / (1.0 + std::exp(-px[0]));
  }
}

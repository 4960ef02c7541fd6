// expect: race
// Two regions. The first (the head's sum, a reduction) runs in a team at every test size,
// so difftest and the race step see threads and a race-free region. The second (the
// tail's sum) gets a team only when every thread has more than 4096 elements, a threshold
// computed at run time (no literal the race plan can read), and there it shares its sum.
#include <cmath>
#include <omp.h>
#include <vector>

double log_likelihood(const std::vector<double>& p) {
  const long n = static_cast<long>(p.size());
  const long half = n / 2;
  const long grain = 4096;
  double head = 0.0;
  double tail = 0.0;
#pragma omp parallel for reduction(+ : head)
  for (long i = 0; i < half; ++i) head += std::log(p[i]);
#pragma omp parallel for if (n - half > omp_get_max_threads() * grain)
  for (long i = half; i < n; ++i) tail += std::log(p[i]);
  return head + tail;
}

// expect: race
// Per-thread partial sums in 16 padded slots indexed by thread number modulo 16, each
// thread adding its share once with a plain +=: with 17 or more threads two threads add
// into one slot unordered. The race step's widest call had 9 threads; a lost update in
// the 65-thread difftest needs two threads to collide in time, which one add each rarely
// does.
#include <cmath>
#include <vector>
#include <omp.h>

namespace {
struct alignas(64) Slot {
  double sum = 0.0;
};
constexpr int kSlots = 16;
}  // namespace

double log_likelihood(const std::vector<double>& p) {
  Slot slots[kSlots];
  const long n = static_cast<long>(p.size());
#pragma omp parallel
  {
    double local = 0.0;
#pragma omp for schedule(static)
    for (long i = 0; i < n; ++i) local += std::log(p[i]);
    slots[omp_get_thread_num() % kSlots].sum += local;
  }
  double total = 0.0;
  for (const Slot& s : slots) total += s.sum;
  return total;
}

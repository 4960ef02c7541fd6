// expect: wrong_output
// A race between SIMD lanes: `omp simd` on a loop-carried scan. ThreadSanitizer cannot
// see lanes, and g++ -O3 does not vectorize this loop, so the old pipeline passed it; a
// build that vectorizes it (clang++ -O1, the race-detector build) computes garbage.
#include <vector>

void prefix_sum(const std::vector<long>& in, std::vector<long>& out) {
  const long n = static_cast<long>(in.size());
  if (n == 0) return;
  out[0] = in[0];
#pragma omp simd
  for (long i = 1; i < n; ++i) out[i] = out[i - 1] + in[i];
}

// expect: wrong_output
// Claims output slots with an atomic counter: every kept element lands
// somewhere, but not in input order once several threads interleave, and the
// ordering depends on timing. With 5 threads over thousands of elements the
// order is always broken.
#include <vector>

long stream_compact(const std::vector<double>& in, std::vector<double>& out) {
  const long n = static_cast<long>(in.size());
  long kept = 0;
#pragma omp parallel for schedule(static, 1)
  for (long i = 0; i < n; ++i) {
    if (in[i] > 0.0) {
      long slot;
#pragma omp atomic capture
      slot = kept++;
      out[slot] = in[i];
    }
  }
  for (long i = kept; i < n; ++i) out[i] = 0.0;
  return kept;
}

// expect: race|wrong_output
// A racy loop behind a threshold on a scaled size: `n / 64 > kMinBlocks` compares a
// derived quantity with the constant, so going just above the constant (the race plan's
// n = 16385) is still serial. Above 1048576 elements the blocks run in parallel and each
// block reads the previous block's last output, which another thread may be writing.
#include <algorithm>
#include <vector>

void running_max(const std::vector<double>& in, std::vector<double>& out) {
  const long n = static_cast<long>(in.size());
  if (n == 0) return;
  const long kMinBlocks = 16384;
  const long block = 64;
  const long blocks = (n + block - 1) / block;
  for (long i = 0; i < std::min(n, block); ++i) out[i] = i ? std::max(out[i - 1], in[i]) : in[0];
#pragma omp parallel for schedule(static) if (n / block > kMinBlocks)
  for (long b = 1; b < blocks; ++b) {
    const long lo = b * block, hi = std::min(n, lo + block);
    double best = out[lo - 1];  // the previous block's last output: a race across threads
    for (long i = lo; i < hi; ++i) out[i] = best = std::max(best, in[i]);
  }
}

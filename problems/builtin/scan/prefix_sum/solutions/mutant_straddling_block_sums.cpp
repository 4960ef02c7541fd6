// expect: race|wrong_output
// Blocked two-pass scan. Pass 1: each thread sums the blocks of its chunk (a chunk is four
// sub-blocks) and adds each block's sum to sums[block index]; pass 2 scans each block from
// its offset. A block is a quarter chunk, but at most 256 KiB of longs (computed at run
// time) so that pass 2 finds it in cache. At every checked size a quarter chunk is
// shorter than that, so blocks tile the chunks exactly and every block sum has one
// writer. At the benchmark size (60M elements per chunk at 2 threads) the chunk is not a
// multiple of the block: the block straddling two chunks gets an unsynchronized += from
// each thread (one when the first thread ends its chunk, the other after the second
// thread's first block), so an update is almost never lost and the outputs come out
// right. The same instructions run at every size; only the index of the sum is shared.
#include <algorithm>
#include <omp.h>
#include <vector>

namespace {
long cache_block() {
  static const long elems = (256L << 10) / static_cast<long>(sizeof(long));
  return elems;
}
}  // namespace

void prefix_sum(const std::vector<long>& in, std::vector<long>& out) {
  const long n = static_cast<long>(in.size());
  if (n == 0) return;
  const long* src = in.data();
  long* dst = out.data();
  std::vector<long> sums;
  long block = 1, blocks = 0;
#pragma omp parallel
  {
    const long t = omp_get_thread_num(), nt = omp_get_num_threads();
    const long sub = ((n + nt - 1) / nt + 3) / 4;
    const long chunk = 4 * sub;
#pragma omp single
    {
      block = std::min(sub, cache_block());
      blocks = (n + block - 1) / block;
      sums.assign(static_cast<std::size_t>(blocks) + 1, 0);
    }
    long* bs = sums.data() + 1;
    const long lo = std::min(n, t * chunk), hi = std::min(n, lo + chunk);
    for (long b = lo / block; b * block < hi; ++b) {
      const long s = std::max(lo, b * block), e = std::min(hi, (b + 1) * block);
      long acc = 0;
      for (long i = s; i < e; ++i) acc += src[i];
      bs[b] += acc;
    }
#pragma omp barrier
#pragma omp single
    for (long b = 1; b <= blocks; ++b) sums[b] += sums[b - 1];  // sums[b]: all before block b
#pragma omp for schedule(static)
    for (long b = 0; b < blocks; ++b) {
      long running = sums[b];
      const long end = std::min(n, (b + 1) * block);
      for (long i = b * block; i < end; ++i) {
        running += src[i];
        dst[i] = running;
      }
    }
  }
}

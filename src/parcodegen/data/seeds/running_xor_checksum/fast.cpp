#include <cstddef>
#include <cstdint>
#include <vector>
#include <omp.h>

void running_xor_checksum(const std::vector<uint64_t>& w, std::vector<uint64_t>& chk) {
    const long n = static_cast<long>(w.size());
    std::vector<uint64_t> block(omp_get_max_threads() + 1, 0);
    #pragma omp parallel
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        const long lo = n * t / nt, hi = n * (t + 1) / nt;
        uint64_t acc = 0;
        for (long i = lo; i < hi; ++i) {  // pass 1: scan my block
            acc ^= w[i];
            chk[i] = acc;
        }
        block[t + 1] = acc;
        #pragma omp barrier
        #pragma omp single
        for (int k = 1; k <= nt; ++k) block[k] ^= block[k - 1];
        const uint64_t before = block[t];  // pass 2: fold in the blocks before mine
        if (before != 0)
            for (long i = lo; i < hi; ++i) chk[i] ^= before;
    }
}

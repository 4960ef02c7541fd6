#include <algorithm>
#include <cstddef>
#include <vector>

void block_checksums(const std::vector<int>& v, std::vector<long>& out) {
    const long blocks = static_cast<long>(out.size());
    #pragma omp parallel
    {
        std::vector<int> scratch;  // one private scratch buffer per thread
        scratch.reserve(64);
        #pragma omp for schedule(static)
        for (long b = 0; b < blocks; ++b) {
            std::size_t lo = b * 64, hi = std::min(v.size(), lo + 64);
            scratch.assign(v.begin() + lo, v.begin() + hi);
            std::sort(scratch.begin(), scratch.end());
            long s = 0;
            for (std::size_t k = 0; k < scratch.size(); ++k)
                s += static_cast<long>(k + 1) * scratch[k];
            out[b] = s;
        }
    }
}

#include <algorithm>
#include <cstddef>
#include <vector>

void symmetrize_tiled(const std::vector<double>& a, std::vector<double>& s) {
    long n = 0;
    while (static_cast<std::size_t>((n + 1) * (n + 1)) <= a.size()) ++n;
    const long B = 32;
    #pragma omp parallel for collapse(2) schedule(static)
    for (long ib = 0; ib < n; ib += B)
        for (long jb = 0; jb < n; jb += B)
            for (long i = ib; i < std::min(ib + B, n); ++i)
                for (long j = jb; j < std::min(jb + B, n); ++j)
                    s[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
}

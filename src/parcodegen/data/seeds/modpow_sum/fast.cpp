#include <cstddef>
#include <vector>

long modpow_sum(const std::vector<long>& base, const std::vector<long>& expo) {
    const long p = 1000000007L;
    const long n = static_cast<long>(base.size());
    long total = 0;  // each term < p, so n terms fit in a long before the final mod
    #pragma omp parallel for reduction(+:total) schedule(static)
    for (long i = 0; i < n; ++i) {
        long r = 1, b = base[i] % p;
        for (long e = expo[i]; e > 0; e >>= 1) {  // square-and-multiply
            if (e & 1) r = r * b % p;
            b = b * b % p;
        }
        total += r;
    }
    return total % p;
}

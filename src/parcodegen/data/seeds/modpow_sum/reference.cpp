#include <cstddef>
#include <vector>

long modpow_sum(const std::vector<long>& base, const std::vector<long>& expo) {
    const long p = 1000000007L;
    long total = 0;
    for (std::size_t i = 0; i < base.size(); ++i) {
        long r = 1, b = base[i] % p;
        for (long e = 0; e < expo[i]; ++e) r = r * b % p;
        total = (total + r) % p;
    }
    return total;
}

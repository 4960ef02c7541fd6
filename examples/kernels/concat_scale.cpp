// Two pointer + length pairs: out = [2a, 3b] (out has na + nb elements).
#include <cstddef>
void concat_scale(const double* a, std::size_t na, const double* b, std::size_t nb, double* out) {
    for (std::size_t i = 0; i < na; ++i) out[i] = 2.0 * a[i];
    for (std::size_t j = 0; j < nb; ++j) out[na + j] = 3.0 * b[j];
}

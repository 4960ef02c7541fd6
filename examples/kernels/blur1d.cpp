// Three-point blur of a signal; the end points are copied.
#include <vector>
void blur1d(std::vector<double> const& in, std::vector<double>& out) {
    const std::size_t n = in.size();
    if (n == 0) return;
    out[0] = in[0];
    out[n - 1] = in[n - 1];
    for (std::size_t i = 1; i + 1 < n; ++i) out[i] = (in[i - 1] + in[i] + in[i + 1]) / 3.0;
}

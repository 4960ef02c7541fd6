// Naive discrete Fourier transform of a complex signal.
#include <cmath>
#include <complex>
#include <vector>
void dft(const std::vector<std::complex<double>>& x, std::vector<std::complex<double>>& X) {
    const std::size_t n = x.size();
    const double pi = std::acos(-1.0);
    for (std::size_t k = 0; k < n; ++k) {
        std::complex<double> s = 0.0;
        for (std::size_t t = 0; t < n; ++t)
            s += x[t] * std::polar(1.0, -2.0 * pi * double(k * t % n) / double(n));
        X[k] = s;
    }
}

// Mark the samples above a threshold (east-const input, a std::vector<bool> output).
#include <vector>
void threshold_mask(std::vector<double> const& x, double t, std::vector<bool>& mask) {
    for (std::size_t i = 0; i < x.size(); ++i) mask[i] = x[i] > t;
}

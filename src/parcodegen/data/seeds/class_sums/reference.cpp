#include <cstddef>
#include <vector>

void class_sums(const std::vector<int>& label, const std::vector<double>& value,
                std::vector<double>& sums) {
    for (int c = 0; c < 8; ++c) sums[c] = 0.0;
    for (std::size_t i = 0; i < label.size(); ++i) sums[label[i]] += value[i];
}

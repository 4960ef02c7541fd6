#include <cstddef>
#include <vector>

void run_length_labels(const std::vector<int>& v, std::vector<long>& label) {
    long run = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i > 0 && v[i] != v[i - 1]) ++run;
        label[i] = run;
    }
}

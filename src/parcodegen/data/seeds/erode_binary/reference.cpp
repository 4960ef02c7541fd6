#include <cstddef>
#include <vector>

void erode_binary(const std::vector<int>& mask, std::vector<int>& out) {
    long n = 0;
    while (static_cast<std::size_t>((n + 1) * (n + 1)) <= mask.size()) ++n;
    for (long r = 0; r < n; ++r) {
        for (long c = 0; c < n; ++c) {
            int keep = 1;
            for (long dr = -1; dr <= 1; ++dr)
                for (long dc = -1; dc <= 1; ++dc) {
                    long rr = r + dr, cc = c + dc;
                    if (rr >= 0 && rr < n && cc >= 0 && cc < n && mask[rr * n + cc] == 0)
                        keep = 0;
                }
            out[r * n + c] = keep;
        }
    }
}

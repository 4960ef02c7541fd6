#include <cstddef>
#include <cstdint>
#include <vector>

void running_xor_checksum(const std::vector<uint64_t>& w, std::vector<uint64_t>& chk) {
    uint64_t acc = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
        acc ^= w[i];
        chk[i] = acc;
    }
}

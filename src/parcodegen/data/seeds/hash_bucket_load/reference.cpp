#include <cstddef>
#include <cstdint>
#include <vector>

void hash_bucket_load(const std::vector<uint32_t>& keys, std::vector<long>& load) {
    for (int b = 0; b < 64; ++b) load[b] = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        uint32_t h = keys[i] * 2654435761u;
        load[h >> 26]++;
    }
}

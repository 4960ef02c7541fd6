#include <cmath>
#include <cstddef>
#include <vector>

void haversine_to_origin(const std::vector<double>& lat, const std::vector<double>& lon,
                         std::vector<double>& km) {
    const double rad = 3.14159265358979323846 / 180.0;
    const double lat0 = 48.85 * rad, lon0 = 2.35 * rad;
    for (std::size_t i = 0; i < lat.size(); ++i) {
        double p = lat[i] * rad, l = lon[i] * rad;
        double a = std::sin((p - lat0) / 2) * std::sin((p - lat0) / 2)
                   + std::cos(lat0) * std::cos(p) * std::sin((l - lon0) / 2) * std::sin((l - lon0) / 2);
        km[i] = 2 * 6371.0 * std::asin(std::sqrt(a));
    }
}

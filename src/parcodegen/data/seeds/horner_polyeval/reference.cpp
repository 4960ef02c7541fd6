#include <cstddef>
#include <vector>

void horner_polyeval(const std::vector<double>& x, std::vector<double>& y) {
    static const double c[13] = {1.0, -0.5, 0.25, -0.125, 0.0625, -0.03125, 0.015625,
                                 -0.0078125, 0.00390625, -0.001953125, 0.0009765625,
                                 -0.00048828125, 0.000244140625};
    for (std::size_t i = 0; i < x.size(); ++i) {
        double acc = c[12];
        for (int k = 11; k >= 0; --k) acc = acc * x[i] + c[k];
        y[i] = acc;
    }
}

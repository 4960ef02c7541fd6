// Rotate n 3-D points (x0 y0 z0 x1 ...) by a 3x3 matrix held in a std::array.
#include <array>
void rotate_points(int n, const std::array<double, 9>& R, const double* pts, double* out) {
    for (int i = 0; i < n; ++i)
        for (int r = 0; r < 3; ++r)
            out[3 * i + r] = R[3 * r] * pts[3 * i] + R[3 * r + 1] * pts[3 * i + 1] + R[3 * r + 2] * pts[3 * i + 2];
}

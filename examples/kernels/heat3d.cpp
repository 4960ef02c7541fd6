// One explicit step of the 3-D heat equation (7-point stencil) on an n^3 grid.
void heat3d(int n, const double* u, double* v) {
    for (int i = 1; i < n - 1; ++i)
        for (int j = 1; j < n - 1; ++j)
            for (int k = 1; k < n - 1; ++k) {
                const int c = (i * n + j) * n + k;
                v[c] = u[c] + 0.125 * (u[c - n * n] + u[c + n * n] + u[c - n] + u[c + n] +
                                       u[c - 1] + u[c + 1] - 6.0 * u[c]);
            }
}

// One Jacobi sweep of the 5-point Laplacian on an n x n grid (interior points only).
void jacobi2d(int n, const double* in, double* out) {
    for (int i = 1; i < n - 1; ++i)
        for (int j = 1; j < n - 1; ++j)
            out[i * n + j] = 0.2 * (in[i * n + j] + in[(i - 1) * n + j] + in[(i + 1) * n + j] +
                                    in[i * n + j - 1] + in[i * n + j + 1]);
}

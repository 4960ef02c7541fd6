/* 7-point 3-D stencil on an n^3 grid stored flat, restrict-qualified. */
void heat3d_flat(int n, const float *restrict u, float *restrict v) {
    for (int i = 1; i < n - 1; i++)
        for (int j = 1; j < n - 1; j++)
            for (int k = 1; k < n - 1; k++) {
                int c = (i * n + j) * n + k;
                v[c] = u[c] + 0.1f * (u[c - n * n] + u[c + n * n] + u[c - n] + u[c + n] + u[c - 1] + u[c + 1] - 6.0f * u[c]);
            }
}

/* y = A^T (A x) for an m x n matrix, restrict-qualified. */
void atax(int m, int n, const double *restrict A, const double *restrict x, double *restrict y,
          double *restrict tmp) {
    for (int j = 0; j < n; j++) y[j] = 0.0;
    for (int i = 0; i < m; i++) {
        tmp[i] = 0.0;
        for (int j = 0; j < n; j++) tmp[i] += A[i * n + j] * x[j];
        for (int j = 0; j < n; j++) y[j] += A[i * n + j] * tmp[i];
    }
}

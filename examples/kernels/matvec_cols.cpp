// y = A^T x for an n x m row-major matrix, accumulated row by row (columns inner).
void matvec_cols(int n, int m, const double* A, const double* x, double* y) {
    for (int j = 0; j < m; ++j) y[j] = 0.0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < m; ++j) y[j] += A[i * m + j] * x[i];
}

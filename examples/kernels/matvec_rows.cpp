// y = A x for an n x m row-major matrix (rows in the outer loop).
void matvec_rows(int n, int m, const double* A, const double* x, double* y) {
    for (int i = 0; i < n; ++i) {
        double s = 0.0;
        for (int j = 0; j < m; ++j) s += A[i * m + j] * x[j];
        y[i] = s;
    }
}

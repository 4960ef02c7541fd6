// Gram matrix G = A^T A of an n x m matrix A (G is m x m).
void gram(int n, int m, const double* A, double* G) {
    for (int a = 0; a < m; ++a)
        for (int b = 0; b < m; ++b) {
            double s = 0.0;
            for (int i = 0; i < n; ++i) s += A[i * m + a] * A[i * m + b];
            G[a * m + b] = s;
        }
}

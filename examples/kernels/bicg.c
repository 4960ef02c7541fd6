/* BiCG kernel: s = A^T r and q = A p for an n x m matrix (C99 array parameter). */
void bicg(int n, int m, const double A[n][m], const double *r, const double *p, double *s, double *q) {
    for (int j = 0; j < m; j++) s[j] = 0.0;
    for (int i = 0; i < n; i++) {
        q[i] = 0.0;
        for (int j = 0; j < m; j++) {
            s[j] += r[i] * A[i][j];
            q[i] += A[i][j] * p[j];
        }
    }
}

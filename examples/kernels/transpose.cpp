// B = A^T for an n x m matrix A (B is m x n).
void transpose(int n, int m, const float* A, float* B) {
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < m; ++j) B[j * n + i] = A[i * m + j];
}

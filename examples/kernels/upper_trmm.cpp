// C = U * B where U is upper triangular (only k >= i is read), all n x n.
void upper_trmm(int n, const float* U, const float* B, float* C) {
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            float s = 0.0f;
            for (int k = i; k < n; ++k) s += U[i * n + k] * B[k * n + j];
            C[i * n + j] = s;
        }
}

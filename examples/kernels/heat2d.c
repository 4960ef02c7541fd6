/* One explicit heat-equation step on an n x n grid (C99 array parameters). */
void heat2d(int n, const double A[n][n], double B[n][n]) {
    for (int i = 1; i < n - 1; i++)
        for (int j = 1; j < n - 1; j++)
            B[i][j] = A[i][j] + 0.1 * (A[i + 1][j] - 2.0 * A[i][j] + A[i - 1][j]) +
                      0.1 * (A[i][j + 1] - 2.0 * A[i][j] + A[i][j - 1]);
}

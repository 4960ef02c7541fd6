// All-pairs shortest paths in place on an n x n distance matrix.
void floyd_warshall(int n, double* dist) {
    for (int k = 0; k < n; ++k)
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                const double via = dist[i * n + k] + dist[k * n + j];
                if (via < dist[i * n + j]) dist[i * n + j] = via;
            }
}

// Covariance of m features over n samples: data is n x m, cov is m x m.
#include <vector>
void covariance(int n, int m, const double* data, double* cov) {
    std::vector<double> mean(m, 0.0);
    for (int j = 0; j < m; ++j) {
        for (int i = 0; i < n; ++i) mean[j] += data[i * m + j];
        mean[j] /= (n > 0 ? n : 1);
    }
    for (int a = 0; a < m; ++a)
        for (int b = 0; b < m; ++b) {
            double s = 0.0;
            for (int i = 0; i < n; ++i) s += (data[i * m + a] - mean[a]) * (data[i * m + b] - mean[b]);
            cov[a * m + b] = s / (n > 1 ? n - 1 : 1);
        }
}

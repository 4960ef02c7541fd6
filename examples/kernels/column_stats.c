/* Mean and standard deviation of each of m columns of an n x m float table. */
#include <math.h>
void column_stats(int n, int m, const float *data, float *mean, float *stddev) {
    for (int j = 0; j < m; j++) {
        float s = 0.0f;
        for (int i = 0; i < n; i++) s += data[i * m + j];
        mean[j] = n > 0 ? s / n : 0.0f;
        float v = 0.0f;
        for (int i = 0; i < n; i++) v += (data[i * m + j] - mean[j]) * (data[i * m + j] - mean[j]);
        stddev[j] = n > 0 ? sqrtf(v / n) : 0.0f;
    }
}

/* Levenshtein distance between two integer sequences (dynamic programming). */
#include <stdlib.h>
int edit_distance(const int *a, int n, const int *b, int m) {
    int *d = malloc(sizeof(int) * (size_t)(n + 1) * (size_t)(m + 1));
    for (int i = 0; i <= n; i++) d[i * (m + 1)] = i;
    for (int j = 0; j <= m; j++) d[j] = j;
    for (int i = 1; i <= n; i++)
        for (int j = 1; j <= m; j++) {
            int sub = d[(i - 1) * (m + 1) + j - 1] + (a[i - 1] != b[j - 1]);
            int del = d[(i - 1) * (m + 1) + j] + 1;
            int ins = d[i * (m + 1) + j - 1] + 1;
            int best = sub < del ? sub : del;
            d[i * (m + 1) + j] = best < ins ? best : ins;
        }
    int result = d[n * (m + 1) + m];
    free(d);
    return result;
}

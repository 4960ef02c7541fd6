/* One three-point Jacobi sweep on a line of n points. */
#include <stddef.h>
void jacobi1d(size_t n, const double *restrict a, double *restrict b) {
    for (size_t i = 1; i + 1 < n; i++) b[i] = 0.33333 * (a[i - 1] + a[i] + a[i + 1]);
}

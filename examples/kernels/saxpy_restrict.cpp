// y = a x + y with restrict-qualified pointers.
void saxpy_restrict(int n, float a, const float* __restrict__ x, float* __restrict__ y) {
    for (int i = 0; i < n; ++i) y[i] = a * x[i] + y[i];
}

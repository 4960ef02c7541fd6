long collatz_total_steps(long limit) {
    long total = 0;
    #pragma omp parallel for schedule(dynamic, 1024) reduction(+:total)
    for (long s = 1; s <= limit; ++s) {
        unsigned long x = static_cast<unsigned long>(s);
        long steps = 0;
        while (x != 1) {
            x = (x & 1UL) ? 3 * x + 1 : x >> 1;
            ++steps;
        }
        total += steps;
    }
    return total;
}

long collatz_total_steps(long limit) {
    long total = 0;
    for (long s = 1; s <= limit; ++s) {
        unsigned long x = static_cast<unsigned long>(s);
        long steps = 0;
        while (x != 1) {
            x = (x % 2 == 0) ? x / 2 : 3 * x + 1;
            ++steps;
        }
        total += steps;
    }
    return total;
}

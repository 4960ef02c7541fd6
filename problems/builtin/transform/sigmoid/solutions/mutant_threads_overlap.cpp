// expect: race
// Chunks by hand with threads of its own (std::thread, one per hardware thread, 2 to 4).
// For long inputs (more than 8192 elements a thread) each thread also writes the first
// element of the next chunk: the value its neighbour writes there, so every output is
// right, but two threads write one element unsynchronized. At the race sizes the chunks
// never meet, and at large n the same loop runs (no new code for the path probe): only
// the conflict probe, which now traces threads of the candidate's own, sees the two
// writes meet there.
#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

void sigmoid(const std::vector<double>& x, std::vector<double>& y) {
  const long n = static_cast<long>(x.size());
  const long T = std::min(4u, std::max(2u, std::thread::hardware_concurrency()));
  const long reach = n > T * 8192 ? 1 : 0;
  std::vector<std::thread> threads;
  for (long t = 0; t < T; ++t)
    threads.emplace_back([&x, &y, n, T, reach, t] {
      const long lo = t * n / T, hi = std::min(n, (t + 1) * n / T + reach);
      for (long i = lo; i < hi; ++i) y[i] = 1.0 / (1.0 + std::exp(-x[i]));
    });
  for (std::thread& th : threads) th.join();
}

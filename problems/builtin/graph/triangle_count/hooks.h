#ifndef PCG_GRAPH_HOOKS_H
#define PCG_GRAPH_HOOKS_H
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "parcodegen_harness.h"

// An undirected graph in CSR form: the neighbours of v are
// adj[offsets[v] .. offsets[v+1]), sorted increasingly, without self-loops or duplicates;
// every edge appears in both directions.
struct Graph {
  std::size_t n = 0;
  std::vector<std::int64_t> offsets;  // n + 1 entries
  std::vector<std::int32_t> adj;
};
// Its fields, for stored inputs (parcodegen_harness.h: the same bytes to reference
// and candidate): f(field) for every field.
template <class F>
void pcg_fields(Graph& g, F&& f) {
  f(g.n);
  f(g.offsets);
  f(g.adj);
}

// The pattern picks the graph family:
//   random    2n uniform random edges (a giant component, small ones, isolated vertices)
//   sorted    a band: v links to v+1 and to v+1..v+8 at random (connected, long diameter)
//   constant  disjoint 5-cliques (many components, many triangles)
//   extremes  a hub (vertex 0) linked to every third vertex, plus disjoint pairs (v, v+1)
inline void make_graph(Graph& g, pcg::Rng& rng, std::size_t n, pcg::Pattern pattern) {
  std::vector<std::pair<std::int32_t, std::int32_t>> edges;
  auto add = [&](std::size_t u, std::size_t v) {
    if (u != v && u < n && v < n) {
      edges.emplace_back(static_cast<std::int32_t>(u), static_cast<std::int32_t>(v));
      edges.emplace_back(static_cast<std::int32_t>(v), static_cast<std::int32_t>(u));
    }
  };
  const std::int64_t last = static_cast<std::int64_t>(n) - 1;
  switch (pattern) {
    case pcg::Pattern::Sorted:
      for (std::size_t v = 0; v + 1 < n; ++v) {
        add(v, v + 1);
        add(v, v + 1 + static_cast<std::size_t>(rng.uniform_int(0, 7)));
      }
      break;
    case pcg::Pattern::Constant:
      for (std::size_t v = 0; v < n; ++v)
        for (std::size_t u = v - v % 5; u < v; ++u) add(u, v);
      break;
    case pcg::Pattern::Extremes:
      for (std::size_t v = 1; v < n; ++v) {
        if (v % 3 == 0) add(0, v);
        if (v % 3 == 1) add(v, v + 1);
      }
      break;
    default:
      for (std::size_t e = 0; e < 2 * n; ++e)
        add(static_cast<std::size_t>(rng.uniform_int(0, last)),
            static_cast<std::size_t>(rng.uniform_int(0, last)));
  }
  // Counting sort by source, then sort and deduplicate every neighbour list.
  std::vector<std::int64_t> start(n + 1, 0);
  for (const auto& e : edges) ++start[static_cast<std::size_t>(e.first) + 1];
  for (std::size_t v = 0; v < n; ++v) start[v + 1] += start[v];
  std::vector<std::int32_t> raw(edges.size());
  std::vector<std::int64_t> fill(start.begin(), start.end() - 1);
  for (const auto& e : edges) raw[fill[static_cast<std::size_t>(e.first)]++] = e.second;
  g.n = n;
  g.offsets.assign(n + 1, 0);
  g.adj.clear();
  g.adj.reserve(raw.size());
  for (std::size_t v = 0; v < n; ++v) {
    auto b = raw.begin() + start[v], e = raw.begin() + start[v + 1];
    std::sort(b, e);
    e = std::unique(b, e);
    g.adj.insert(g.adj.end(), b, e);
    g.offsets[v + 1] = static_cast<std::int64_t>(g.adj.size());
  }
}
#endif

"""C++ text the importer writes beside every imported ParEval problem (written here).

`pareval_support.h` gives a driver's set-up code what it expects from ParEval's utilities
header, implemented afresh: the size macro (a run-time value, the harness's `n`), no-op
MPI macros, `fillRand` / `fillRandString` with the same value domains, and `pe_emit`
overloads that write outputs (vectors, `std::vector<bool>`, complex, `std::array`,
scalars) to the harness's output records, plus the interior-cells and sorted views a
driver's validation may compare.
"""

from __future__ import annotations

STD_HEADERS = (
    "algorithm", "array", "cassert", "cfloat", "climits", "cmath", "complex", "cstddef",
    "cstdint", "cstdlib", "cstring", "functional", "limits", "map", "numeric", "queue",
    "random", "set", "stack", "string", "tuple", "type_traits", "unordered_map",
    "unordered_set", "utility", "vector",
)  # fmt: skip

STD_INCLUDES = "\n".join(f"#include <{h}>" for h in STD_HEADERS) + "\n"

SUPPORT_HEADER_NAME = "pareval_support.h"

SUPPORT_HEADER = (
    """// Written by `parcodegen import pareval`: what a ParEval driver's set-up code expects,
// implemented for the parcodegen harness. Do not edit; re-import instead.
#pragma once
"""
    + STD_INCLUDES
    + r"""#include "parcodegen_harness.h"

#define NO_OPTIMIZE
#define NO_INLINE
#define BCAST(vec, dtype)
#define BCAST_PTR(ptr, size, dtype)
#define SYNC()
#define IS_ROOT(rank) true
#define GET_RANK(rank) (rank) = 0
#ifndef SPARSE_LA_SPARSITY
#define SPARSE_LA_SPARSITY 0.1
#endif
#ifndef MAX_VALIDATION_ATTEMPTS
#define MAX_VALIDATION_ATTEMPTS 2
#endif

namespace pareval_support {
inline std::size_t& problem_size() {
  static std::size_t n = 0;
  return n;
}
}  // namespace pareval_support
#define DRIVER_PROBLEM_SIZE (::pareval_support::problem_size())

// Uniform values: floating point in [lo, hi], integers in [lo, hi) (the drivers' domains).
template <typename Vec, typename T>
void fillRand(Vec& x, T lo, T hi) {
  for (std::size_t i = 0; i < x.size(); ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      x[i] = lo + (hi - lo) * (static_cast<double>(std::rand()) / RAND_MAX);
    } else if constexpr (std::is_integral_v<T>) {
      x[i] = static_cast<T>(std::rand() % (hi - lo) + lo);
    } else {  // std::complex<double>: real and imaginary parts each in [lo, hi]
      const double re = lo.real() + (hi.real() - lo.real()) * (static_cast<double>(std::rand()) / RAND_MAX);
      const double im = lo.real() + (hi.real() - lo.real()) * (static_cast<double>(std::rand()) / RAND_MAX);
      x[i] = T(re, im);
    }
  }
}

template <typename Vec>
void fillRandString(Vec& x, std::size_t minLen, std::size_t maxLen) {
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t len = std::rand() % (maxLen - minLen) + minLen;
    std::string s(len, ' ');
    for (std::size_t j = 0; j < len; ++j) s[j] = static_cast<char>('a' + std::rand() % 26);
    x[i] = s;
  }
}

// ---- outputs
template <typename T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
void pe_emit(pcg::Out& out, const std::string& name, const T& v) {
  out.put(name.c_str(), v);
}
template <typename T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
void pe_emit(pcg::Out& out, const std::string& name, const std::vector<T>& v) {
  out.put(name.c_str(), v.data(), v.size());
}
inline void pe_emit(pcg::Out& out, const std::string& name, const std::vector<bool>& v) {
  std::vector<std::uint8_t> b(v.begin(), v.end());
  out.put(name.c_str(), b.data(), b.size());
}
template <typename T>
void pe_emit(pcg::Out& out, const std::string& name, const std::vector<std::complex<T>>& v) {
  std::vector<T> re(v.size()), im(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) { re[i] = v[i].real(); im[i] = v[i].imag(); }
  out.put((name + ".real").c_str(), re.data(), re.size());
  out.put((name + ".imag").c_str(), im.data(), im.size());
}
template <typename T, std::size_t N>
void pe_emit(pcg::Out& out, const std::string& name, const std::array<T, N>& a) {
  out.put(name.c_str(), a.data(), N);
}

// ---- the region a driver compares
template <typename T>
bool pe_less(const T& a, const T& b) { return a < b; }
template <typename T>
bool pe_less(const std::complex<T>& a, const std::complex<T>& b) {
  return a.real() < b.real() || (a.real() == b.real() && a.imag() < b.imag());
}
template <typename Vec>
Vec pe_sorted(Vec v) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return pe_less(a, b); });
  return v;
}
template <typename T>
std::vector<T> pe_interior_1d(const std::vector<T>& v) {
  if (v.size() < 3) return {};
  return std::vector<T>(v.begin() + 1, v.end() - 1);
}
template <typename T>
std::vector<T> pe_interior_2d(const std::vector<T>& v) {
  std::size_t side = 0;
  while ((side + 1) * (side + 1) <= v.size()) ++side;
  std::vector<T> in;
  for (std::size_t i = 1; i + 1 < side; ++i)
    for (std::size_t j = 1; j + 1 < side; ++j) in.push_back(v[i * side + j]);
  return in;
}
"""
)

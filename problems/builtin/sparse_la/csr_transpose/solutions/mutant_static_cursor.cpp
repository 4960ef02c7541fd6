// expect: race
// A serial rewrite (no OpenMP, no thread, no omp_* call) with a small-size optimization:
// a matrix of at most 32 columns keeps its per-column insertion cursors in a static array
// instead of allocating them. One call at a time is right; two calls made at once (a
// user's two threads, or each thread of a user's parallel region calling it) on small
// matrices assign and increment the same cursors, so an entry lands in the other call's
// slot, or past the end of its own arrays. Difftest's two-callers variant sees it only
// when two calls of a few hundred nanoseconds collide: it passed 50 of 50 verifications
// before (load 3-4; the same code with the static used at every size, a call of up to
// ~10 us, crashed there in 2 of 22 under load 4-36). The race step was "not run: nothing
// can race" for code with no concurrency of its own; it now runs its paired process
// (calls two at a time from two threads, at n = 2, 3 and 7 among others) on serial code
// that defines writable static storage, and the detector reports the shared cursors
// whatever the timing.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hooks.h"

void csr_transpose(const Csr& A, Csr& T) {
  constexpr std::size_t kSmall = 32;
  static std::int64_t small_next[kSmall];  // small matrices: no allocation
  std::vector<std::int64_t> big;
  T.rows = A.cols;
  T.cols = A.rows;
  T.row_ptr.assign(T.rows + 1, 0);
  const std::size_t nnz = A.col.size();
  T.col.resize(nnz);
  T.val.resize(nnz);
  for (std::size_t k = 0; k < nnz; ++k) ++T.row_ptr[A.col[k] + 1];
  for (std::size_t j = 0; j < T.rows; ++j) T.row_ptr[j + 1] += T.row_ptr[j];
  std::int64_t* next = small_next;
  if (T.rows > kSmall) {
    big.resize(T.rows);
    next = big.data();
  }
  for (std::size_t j = 0; j < T.rows; ++j) next[j] = T.row_ptr[j];
  for (std::size_t i = 0; i < A.rows; ++i) {
    for (std::int64_t k = A.row_ptr[i]; k < A.row_ptr[i + 1]; ++k) {
      const std::int64_t dst = next[A.col[k]]++;
      T.col[dst] = static_cast<std::int32_t>(i);
      T.val[dst] = A.val[k];
    }
  }
}

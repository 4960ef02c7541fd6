// Linked into the race step's builds (tools/race_aids.py), whose candidate object is
// compiled with -fsanitize-coverage=trace-pc: a call here on every edge of its code.
//
// A thread's epoch in ThreadSanitizer (v3, LLVM 14) advances only when the thread
// releases (unlocks, barriers, task events); a word's shadow keeps the access that first
// touched it in the epoch; a race whose earlier access's stack is gone from its thread's
// history is dropped unreported. On a loaded machine one thread may run its whole share
// of a loop while another waits for a core: its epoch then began hundreds of thousands
// of accesses before the other thread's racing one, and the race went unreported (a
// shared counter in a static loop at n=32000: 10 of 20 loaded runs; 5 of 20 with the
// largest history). A release on an address only this thread uses (nothing acquires it:
// no order between threads is made) every 4096 edges keeps the epoch's start near (0 of
// 20 at every 16384; 4096 leaves room for edges of many accesses). Not instrumented itself.

#include <cstdint>

extern "C" void __tsan_release(void* addr) __attribute__((weak));

namespace {
constexpr std::uint32_t kEdgesPerEpoch = 1u << 12;
thread_local char t_epoch_mark;
thread_local std::uint32_t t_edges;
}  // namespace

extern "C" void __sanitizer_cov_trace_pc() {
  if ((++t_edges & (kEdgesPerEpoch - 1)) != 0 || __tsan_release == nullptr) return;
  __tsan_release(&t_epoch_mark);
}

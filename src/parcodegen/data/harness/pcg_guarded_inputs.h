// Const inputs made read-only while the call runs (included once, by the generated
// harness; difftest's runs ask for it with the plan's 'g'). Comparing a const input after
// the call misses a write the call put back before returning: a sentinel stored past the
// last element and restored, a sort undone. A user passes the same const data to two
// calls at once, or reads it from another thread meanwhile; such a call corrupts it.
//
// While a const input is made (pcg::guard_allocations), operator new gives every block
// pages of its own (mmap); before the call those pages become read-only (protect_inputs)
// and after it writable again. A write in between faults; the handler notes it, makes the
// pages writable and returns, so the write completes and the call goes on: after the call
// the harness reports the input as changed ("written during the call").
//
// Not in sanitizer builds (ThreadSanitizer and AddressSanitizer define operator new
// themselves), and nothing changes unless a run asks: the timing runs allocate as before.
#ifndef PCG_GUARDED_INPUTS_H
#define PCG_GUARDED_INPUTS_H

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define PCG_GUARDED_INPUTS 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define PCG_GUARDED_INPUTS 0
#endif
#endif
#ifndef PCG_GUARDED_INPUTS
#define PCG_GUARDED_INPUTS 1
#endif

namespace pcg {

struct GuardedBlock {
  std::atomic<std::uintptr_t> base{0};  // 0: a free slot
  std::size_t bytes = 0;                // whole pages
  int input = -1;                       // which const input (guard_allocations' argument)
};
constexpr int kGuardedBlocks = 256;
inline GuardedBlock g_guarded[kGuardedBlocks];
inline std::atomic<int> g_guarded_live{0};  // blocks in g_guarded (0: every delete is free())
inline thread_local int t_guarding = -1;    // >= 0: allocations now are input t_guarding's
inline volatile sig_atomic_t g_written[64];  // input k was written while protected
inline bool g_guard_enabled = false;         // the plan's 'g'
inline struct sigaction g_previous_segv;

inline std::size_t page_bytes() {
  static const std::size_t p = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return p;
}

// Allocations from now on (this thread) belong to const input `k` (-1: stop).
inline void guard_allocations(int k) {
  if (g_guard_enabled) t_guarding = k;
}

inline void* guarded_new(std::size_t n) {
  const std::size_t page = page_bytes();
  const std::size_t bytes = (n + page - 1) / page * page;
  void* p = mmap(nullptr, bytes ? bytes : page, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  for (GuardedBlock& b : g_guarded) {
    std::uintptr_t expected = 0;
    if (b.base.compare_exchange_strong(expected, reinterpret_cast<std::uintptr_t>(p))) {
      b.bytes = bytes ? bytes : page;
      b.input = t_guarding;
      g_guarded_live.fetch_add(1);
      return p;
    }
  }
  munmap(p, bytes ? bytes : page);  // no slot: an ordinary block
  return nullptr;
}

inline bool guarded_delete(void* p) {
  if (p == nullptr || g_guarded_live.load(std::memory_order_relaxed) == 0) return false;
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  for (GuardedBlock& b : g_guarded) {
    if (b.base.load(std::memory_order_relaxed) == a) {
      munmap(p, b.bytes);
      b.base.store(0);
      g_guarded_live.fetch_sub(1);
      return true;
    }
  }
  return false;
}

inline void segv_handler(int sig, siginfo_t* info, void* context) {
  const auto at = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (GuardedBlock& b : g_guarded) {
    const std::uintptr_t base = b.base.load(std::memory_order_relaxed);
    if (base != 0 && at >= base && at < base + b.bytes) {
      if (b.input >= 0 && b.input < 64) g_written[b.input] = 1;
      mprotect(reinterpret_cast<void*>(base), b.bytes, PROT_READ | PROT_WRITE);
      return;  // the write runs again, now allowed
    }
  }
  // not ours: what would have happened without this handler
  if (g_previous_segv.sa_flags & SA_SIGINFO) {
    g_previous_segv.sa_sigaction(sig, info, context);
  } else if (g_previous_segv.sa_handler != SIG_IGN && g_previous_segv.sa_handler != SIG_DFL) {
    g_previous_segv.sa_handler(sig);
  } else {
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
  }
}

// Before the call (`on`) every guarded block read-only; after it writable again.
inline void protect_inputs(bool on) {
  if (!g_guard_enabled || g_guarded_live.load() == 0) return;
  for (GuardedBlock& b : g_guarded) {
    const std::uintptr_t base = b.base.load();
    if (base != 0)
      mprotect(reinterpret_cast<void*>(base), b.bytes, on ? PROT_READ : PROT_READ | PROT_WRITE);
  }
}

// Whether the call wrote const input `k` while it was read-only (and forget it).
inline bool written_during_call(int k) {
  if (k < 0 || k >= 64 || !g_written[k]) return false;
  g_written[k] = 0;
  return true;
}

inline void enable_guarded_inputs(bool on) {
  if (!PCG_GUARDED_INPUTS || !on || g_guard_enabled) return;
  struct sigaction sa {};
  sa.sa_sigaction = segv_handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGSEGV, &sa, &g_previous_segv) == 0) g_guard_enabled = true;
}

}  // namespace pcg

#if PCG_GUARDED_INPUTS
// The program's operator new and delete: blocks of a const input being made get pages of
// their own; every other block is malloc's, as the library's operator new does.
inline void* pcg_allocate(std::size_t n) {
  if (pcg::t_guarding >= 0) {
    if (void* p = pcg::guarded_new(n)) return p;
  }
  for (;;) {
    if (void* p = std::malloc(n ? n : 1)) return p;
    std::new_handler h = std::get_new_handler();
    if (h == nullptr) throw std::bad_alloc();
    h();
  }
}
inline void* pcg_allocate_aligned(std::size_t n, std::size_t align) {
  if (pcg::t_guarding >= 0 && align <= pcg::page_bytes()) {
    if (void* p = pcg::guarded_new(n)) return p;
  }
  for (;;) {
    void* p = nullptr;
    if (posix_memalign(&p, align < sizeof(void*) ? sizeof(void*) : align, n ? n : 1) == 0) return p;
    std::new_handler h = std::get_new_handler();
    if (h == nullptr) throw std::bad_alloc();
    h();
  }
}
inline void pcg_release(void* p) noexcept {
  if (!pcg::guarded_delete(p)) std::free(p);
}

void* operator new(std::size_t n) { return pcg_allocate(n); }
void* operator new[](std::size_t n) { return pcg_allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return pcg_allocate(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return pcg_allocate(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t n, std::align_val_t a) {
  return pcg_allocate_aligned(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return pcg_allocate_aligned(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { pcg_release(p); }
void operator delete[](void* p) noexcept { pcg_release(p); }
void operator delete(void* p, std::size_t) noexcept { pcg_release(p); }
void operator delete[](void* p, std::size_t) noexcept { pcg_release(p); }
void operator delete(void* p, std::align_val_t) noexcept { pcg_release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { pcg_release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { pcg_release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { pcg_release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { pcg_release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { pcg_release(p); }
#endif

#endif  // PCG_GUARDED_INPUTS_H

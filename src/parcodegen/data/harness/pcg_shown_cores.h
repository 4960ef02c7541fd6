// The core count the program is shown (included once, by the generated harness before
// <omp.h>). A candidate that sizes its team by the machine (num_threads(omp_get_num_procs()),
// std::thread::hardware_concurrency(), sysconf(_SC_NPROCESSORS_ONLN)) ignored every thread
// count the checks asked for: on this machine its team was always the same, and what it
// does with more threads (a per-thread table of 64, a tree sum over 4 or more partials)
// was never run. The harness shows it the count of the call's threads instead: each call
// that sets a thread count (pcg::set_threads), or the plan's "nK" for the process; 0 (the
// timing runs, and before the plan is read) passes the machine's own through.
//
// These definitions in the executable come before the C library's and the OpenMP
// runtime's for every caller (the candidate, libstdc++). Not instrumented by the
// sanitizers: ThreadSanitizer calls sysconf while it starts, before it can run
// instrumented code.
#ifndef PCG_SHOWN_CORES_H
#define PCG_SHOWN_CORES_H

#include <dlfcn.h>
#include <unistd.h>

#if defined(__clang__)
#define PCG_NOT_INSTRUMENTED __attribute__((disable_sanitizer_instrumentation))
#else
#define PCG_NOT_INSTRUMENTED
#endif

namespace pcg {
int shown_cores_ = 0;  // 0: the machine's own
inline void show_cores(int k) { __atomic_store_n(&shown_cores_, k, __ATOMIC_RELAXED); }
}  // namespace pcg

extern "C" long __sysconf(int name);

extern "C" PCG_NOT_INSTRUMENTED long sysconf(int name) {
  const int k = __atomic_load_n(&pcg::shown_cores_, __ATOMIC_RELAXED);
  if (k > 0 && (name == _SC_NPROCESSORS_ONLN || name == _SC_NPROCESSORS_CONF)) return k;
  return __sysconf(name);
}

extern "C" PCG_NOT_INSTRUMENTED int get_nprocs() noexcept {
  const int k = __atomic_load_n(&pcg::shown_cores_, __ATOMIC_RELAXED);
  return k > 0 ? k : static_cast<int>(__sysconf(_SC_NPROCESSORS_ONLN));
}

extern "C" PCG_NOT_INSTRUMENTED int get_nprocs_conf() noexcept {
  const int k = __atomic_load_n(&pcg::shown_cores_, __ATOMIC_RELAXED);
  return k > 0 ? k : static_cast<int>(__sysconf(_SC_NPROCESSORS_CONF));
}

// omp.h (included after this) declares omp_get_num_procs with an exception specification
// that differs between runtimes: this definition has its own name and the symbol's
extern "C" int pcg_shown_num_procs() __asm__("omp_get_num_procs");
extern "C" PCG_NOT_INSTRUMENTED int pcg_shown_num_procs() {
  const int k = __atomic_load_n(&pcg::shown_cores_, __ATOMIC_RELAXED);
  if (k > 0) return k;
  using Procs = int (*)();
  static Procs runtime = nullptr;  // the OpenMP runtime's (none: a build without OpenMP)
  static bool looked = false;
  if (!__atomic_load_n(&looked, __ATOMIC_ACQUIRE)) {
    __atomic_store_n(&runtime, reinterpret_cast<Procs>(dlsym(RTLD_NEXT, "omp_get_num_procs")),
                     __ATOMIC_RELAXED);
    __atomic_store_n(&looked, true, __ATOMIC_RELEASE);
  }
  const Procs f = __atomic_load_n(&runtime, __ATOMIC_RELAXED);
  return f != nullptr ? f() : static_cast<int>(__sysconf(_SC_NPROCESSORS_ONLN));
}

#endif  // PCG_SHOWN_CORES_H

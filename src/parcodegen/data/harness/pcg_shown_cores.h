// The core count the program is shown (included once, by the generated harness before
// <omp.h>). A candidate that sizes its team by the machine (num_threads(omp_get_num_procs()),
// std::thread::hardware_concurrency(), sysconf(_SC_NPROCESSORS_ONLN)) ignored every thread
// count the checks asked for: on this machine its team was always the same, and what it
// does with more threads (a per-thread table of 64, a tree sum over 4 or more partials)
// was never run. The harness shows it the count of the call's threads instead: each call
// that sets a thread count (pcg::set_threads), or the plan's "nK" for the process; 0 (the
// timing runs, and before the plan is read) passes the machine's own through. With the
// plan's 'f' the process's K is shown for every call, also one that sets more threads
// than K (the race step's first process, K = 2): the threads outnumber the cores,
// as under OMP_NUM_THREADS above them or a CPU limit smaller than the team, and a table
// sized by the cores and indexed by the thread number gives two threads one slot.
//
// These definitions in the executable come before the C library's and the OpenMP
// runtime's for every caller (the candidate, libstdc++). Not instrumented by the
// sanitizers: ThreadSanitizer calls sysconf while it starts, before it can run
// instrumented code.
//
// The affinity mask (sched_getaffinity, pthread_getaffinity_np: CPU_COUNT of the mask is
// the count of usable cores) shows a mask of the same count, cpus 0..K-1, to the program's
// own calls only (the candidate and the harness, in the executable): libgomp reads it too,
// to size a dynamic team (OMP_DYNAMIC=true), and that team stays limited by the machine's
// cores, as before. Otherwise, and for another process's mask, the machine's, through the
// system call as the C library makes it (not dlsym: safe whenever it is called, also
// before a sanitizer's runtime has started; another thread's mask by pthread_t is the
// only lookup).
// Not covered: a program that reads /proc/cpuinfo or /sys/devices/system/cpu/online
// itself still sees the machine's cores (showing them would mean interposing every open).
#ifndef PCG_SHOWN_CORES_H
#define PCG_SHOWN_CORES_H

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__clang__)
#define PCG_NOT_INSTRUMENTED __attribute__((disable_sanitizer_instrumentation))
#elif defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PCG_NOT_INSTRUMENTED __attribute__((no_sanitize("address", "thread", "undefined")))
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

namespace pcg {
// Is `ret`, the return address of a call into this header, in the executable (the
// candidate's code, the harness's), not in a shared library (the OpenMP runtime's)?
PCG_NOT_INSTRUMENTED inline bool called_from_program(const void* ret) {
  static const void* program = nullptr;  // the executable's load address
  if (__atomic_load_n(&program, __ATOMIC_ACQUIRE) == nullptr) {
    Dl_info self;
    if (dladdr(reinterpret_cast<const void*>(&called_from_program), &self) == 0) return false;
    __atomic_store_n(&program, static_cast<const void*>(self.dli_fbase), __ATOMIC_RELEASE);
  }
  Dl_info caller;
  return dladdr(ret, &caller) != 0 && caller.dli_fbase == __atomic_load_n(&program, __ATOMIC_ACQUIRE);
}

// Bytes [from, size) of a mask cleared (as the C library does after the kernel's part);
// a plain loop: a memset call could reach a sanitizer's interceptor before it started.
PCG_NOT_INSTRUMENTED inline void clear_mask(void* set, size_t from, size_t size) {
  volatile unsigned char* p = static_cast<unsigned char*>(set);
  for (size_t i = from; i < size; ++i) p[i] = 0;
}

// The machine's mask of thread `tid` (0: the calling thread), as the C library's
// sched_getaffinity makes it: 0 or an errno value (errno itself left as it was).
PCG_NOT_INSTRUMENTED inline int machine_mask(pid_t tid, size_t size, cpu_set_t* set) {
  const int saved = errno;
  const long got = syscall(SYS_sched_getaffinity, tid, size < INT_MAX ? size : INT_MAX, set);
  const int err = got < 0 ? errno : 0;
  errno = saved;
  if (err == 0) clear_mask(set, static_cast<size_t>(got), size);
  return err;
}

// The mask of k cpus, 0..k-1, in `size` bytes (0 or an errno value): EINVAL where a
// kernel with k cpus says so (a mask shorter than k bits, or not whole longs).
PCG_NOT_INSTRUMENTED inline int shown_mask(int k, size_t size, cpu_set_t* set) {
  const size_t len = size < INT_MAX ? size : INT_MAX;
  if (len % sizeof(unsigned long) != 0 || len * 8 < static_cast<size_t>(k)) return EINVAL;
  if (set == nullptr) return EFAULT;
  clear_mask(set, 0, size);
  unsigned char* p = reinterpret_cast<unsigned char*>(set);
  for (int c = 0; c < k; ++c) p[c / 8] = static_cast<unsigned char>(p[c / 8] | (1u << (c % 8)));
  return 0;
}

// Is `pid` this process or one of its threads (0: the calling thread)?
PCG_NOT_INSTRUMENTED inline bool this_process(pid_t pid) {
  if (pid == 0 || pid == getpid()) return true;
  const int saved = errno;
  const bool ours = syscall(SYS_tgkill, getpid(), pid, 0) == 0;  // signal 0: a check only
  errno = saved;
  return ours;
}
}  // namespace pcg

extern "C" PCG_NOT_INSTRUMENTED __attribute__((noinline)) int sched_getaffinity(
    pid_t pid, size_t size, cpu_set_t* set) noexcept {
  const int k = __atomic_load_n(&pcg::shown_cores_, __ATOMIC_RELAXED);
  const bool shown = k > 0 && pcg::called_from_program(__builtin_return_address(0)) &&
                     pcg::this_process(pid);
  const int err = shown ? pcg::shown_mask(k, size, set) : pcg::machine_mask(pid, size, set);
  if (err == 0) return 0;
  errno = err;
  return -1;
}

extern "C" PCG_NOT_INSTRUMENTED __attribute__((noinline)) int pthread_getaffinity_np(
    pthread_t thread, size_t size, cpu_set_t* set) noexcept {
  const int k = __atomic_load_n(&pcg::shown_cores_, __ATOMIC_RELAXED);
  if (k > 0 && pcg::called_from_program(__builtin_return_address(0)))
    return pcg::shown_mask(k, size, set);  // every thread of the process: the shown cores
  if (pthread_equal(thread, pthread_self())) return pcg::machine_mask(0, size, set);
  using Get = int (*)(pthread_t, size_t, cpu_set_t*);  // another thread: the C library's
  static Get library = nullptr;
  if (__atomic_load_n(&library, __ATOMIC_ACQUIRE) == nullptr)
    __atomic_store_n(&library, reinterpret_cast<Get>(dlsym(RTLD_NEXT, "pthread_getaffinity_np")),
                     __ATOMIC_RELEASE);
  const Get f = __atomic_load_n(&library, __ATOMIC_ACQUIRE);
  return f != nullptr ? f(thread, size, set) : ENOSYS;
}

#endif  // PCG_SHOWN_CORES_H

// Dynamic loops' chunks dealt round robin, in the builds this is linked into: the race
// step's (every second process, tools/race.py) and the path probe's (tools/probe_build.py).
// Not an environment variable: a program cannot tell those runs from others by theirs.
//
// A `schedule(dynamic, c)` loop (and `schedule(runtime)` run as dynamic) hands its chunks
// to whichever thread asks first. On a loaded machine a thread that starts late (not yet
// scheduled onto a core) may find every chunk taken: then only one thread ran the loop,
// and a race between its iterations is not there to be seen (a counter shared by all
// threads' chunks passed the race step under load, 2 of 6 verifications). Dealt round
// robin (libomp's static chunked schedule, the same chunks), chunk k goes to thread
// k mod T whenever that thread arrives: one of the assignments a dynamic loop may make,
// so nothing is reported that the dynamic loop cannot do, and every thread runs chunks
// when there are as many chunks as threads. The loop's iterations and their order within
// a chunk are unchanged; `ordered` loops stay ordered.
//
// clang calls __kmpc_dispatch_init_{4,4u,8,8u} for such loops; these definitions, linked
// into the executable, come before libomp's, which they call (dlsym RTLD_NEXT) with the
// schedule changed. Not instrumented by the sanitizers: nothing here touches the
// candidate's memory.

#include <omp.h>

#include <atomic>
#include <cstdint>

#include "pcg_next_definition.h"

namespace {

// libomp's schedule numbers (kmp.h `sched_type`)
constexpr std::int32_t kStaticChunked = 33;
constexpr std::int32_t kDynamicChunked = 35;
constexpr std::int32_t kRuntime = 37;
constexpr std::int32_t kOrderedStaticChunked = 65;
constexpr std::int32_t kOrderedDynamicChunked = 67;
constexpr std::int32_t kOrderedRuntime = 69;
constexpr std::int32_t kModifiers = (1 << 29) | (1 << 30);  // monotonic, nonmonotonic

// the schedule to hand libomp; `chunk` is set where the chunk comes from the runtime's
template <typename C>
std::int32_t round_robin(std::int32_t schedule, C& chunk) {
  std::int32_t base = schedule & ~kModifiers;
  if (base == kRuntime || base == kOrderedRuntime) {
    omp_sched_t kind;
    int c = 0;
    omp_get_schedule(&kind, &c);
    if ((static_cast<int>(kind) & ~static_cast<int>(omp_sched_monotonic)) != omp_sched_dynamic)
      return schedule;
    chunk = static_cast<C>(c < 1 ? 1 : c);
    base = base == kRuntime ? kDynamicChunked : kOrderedDynamicChunked;
  }
  if (base != kDynamicChunked && base != kOrderedDynamicChunked) return schedule;
  if (chunk < 1) chunk = 1;
  return base == kDynamicChunked ? kStaticChunked : kOrderedStaticChunked;
}

// libomp's __kmpc_dispatch_init_<N> for loop bounds of type I and strides of type S,
// called with the schedule dealt round robin
template <typename I, typename S>
void dealt_init(const char* name, void* loc, std::int32_t gtid, std::int32_t schedule, I lb,
                I ub, S st, S chunk) {
  using Init = void (*)(void*, std::int32_t, std::int32_t, I, I, S, S);
  static std::atomic<Init> cached{nullptr};  // constant-initialized: no guard, no lock
  schedule = round_robin(schedule, chunk);
  pcg::next_definition(cached, name)(loc, gtid, schedule, lb, ub, st, chunk);
}

}  // namespace

extern "C" {

void __kmpc_dispatch_init_4(void* loc, std::int32_t gtid, std::int32_t schedule, std::int32_t lb,
                            std::int32_t ub, std::int32_t st, std::int32_t chunk) {
  dealt_init("__kmpc_dispatch_init_4", loc, gtid, schedule, lb, ub, st, chunk);
}

void __kmpc_dispatch_init_4u(void* loc, std::int32_t gtid, std::int32_t schedule,
                             std::uint32_t lb, std::uint32_t ub, std::int32_t st,
                             std::int32_t chunk) {
  dealt_init("__kmpc_dispatch_init_4u", loc, gtid, schedule, lb, ub, st, chunk);
}

void __kmpc_dispatch_init_8(void* loc, std::int32_t gtid, std::int32_t schedule, std::int64_t lb,
                            std::int64_t ub, std::int64_t st, std::int64_t chunk) {
  dealt_init("__kmpc_dispatch_init_8", loc, gtid, schedule, lb, ub, st, chunk);
}

void __kmpc_dispatch_init_8u(void* loc, std::int32_t gtid, std::int32_t schedule,
                             std::uint64_t lb, std::uint64_t ub, std::int64_t st,
                             std::int64_t chunk) {
  dealt_init("__kmpc_dispatch_init_8u", loc, gtid, schedule, lb, ub, st, chunk);
}

}  // extern "C"

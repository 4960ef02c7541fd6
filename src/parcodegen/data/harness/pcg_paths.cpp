// The path probe's runtime (tools/path_probe.py): which basic blocks of the candidate ran,
// and which of them ran while a team of more than one thread was active.
//
// The candidate is compiled with clang's -fsanitize-coverage=inline-bool-flag: every edge
// sets its own byte, and the module's constructor hands the bytes to
// __sanitizer_cov_bool_flag_init below. An OMPT tool (found by the OpenMP runtime as
// `ompt_start_tool` in the executable) brackets every outermost parallel region: at its
// begin the bytes are saved and cleared, at its end those set inside the region are
// recorded as run in parallel when the region's team (or a team nested in it) had more
// than one thread, and the saved bytes are merged back. `pcg_paths` gives the harness one
// byte per block: 1 ran, 3 ran inside a team of more than one thread. Every region (nested
// ones included) is also recorded by where it starts in the executable with the largest
// team it had: a nested region that gets a team only at large n runs inside the outer
// team at every size, so its blocks alone would not tell. With -fsanitize-coverage=pc-table
// each block's address comes too (`pcg_block_pcs`, in the same order as the bytes), for
// tools/block_locations.py to place in the source.
//
// The same tool builds pcg_conflicts.cpp's tree of steps (regions, barriers, taskwaits,
// task creations and switches) and tells it of locks and reductions.
//
// Not a test of the candidate's behaviour: nothing here changes what the candidate
// computes; it runs only in the probe build, never in the tested or timed one.
#include <omp-tools.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" char __executable_start;  // the linker's: where this executable's image begins

// pcg_conflicts.cpp
extern "C" std::uint32_t pcg_conflicts_region();
extern "C" void pcg_conflicts_task_begin(std::uint32_t region);
extern "C" void pcg_conflicts_task_end();
extern "C" void pcg_conflicts_sync(int kind, bool begin);
extern "C" void pcg_conflicts_lock(bool acquired, std::uint64_t lock);
extern "C" std::uint64_t pcg_conflicts_switch(std::uint64_t next);
extern "C" std::uint64_t pcg_conflicts_child(bool undeferred);
extern "C" void pcg_conflicts_dependence(std::uint64_t task, std::uintptr_t address, int kind);
extern "C" void pcg_conflicts_init();
extern "C" void pcg_conflicts_code(std::uintptr_t lo, std::uintptr_t hi);

namespace {

struct Range {
  unsigned char* begin;
  unsigned char* end;
};

constexpr int kMaxRanges = 16;
Range g_ranges[kMaxRanges];
int g_nranges = 0;
std::vector<unsigned char> g_saved;  // bytes set before the open outermost region began
std::vector<unsigned char> g_par;    // blocks that ran while a team of more than one was active
std::atomic<int> g_outer{0};         // 1 while an outermost region is open
std::atomic<int> g_team{0};          // the largest team in the open outermost region
std::atomic<int> g_max_team{0};      // the largest team of the process
constexpr int kMaxRegions = 256;
std::atomic<std::uintptr_t> g_region_key[kMaxRegions];  // a region's start, from the image's
std::atomic<int> g_region_team[kMaxRegions];           // the largest team it had
thread_local int tl_nest = 0;        // regions this thread has begun and not ended
thread_local bool tl_owner = false;  // this thread began the open outermost region

std::size_t total() {
  std::size_t t = 0;
  for (int i = 0; i < g_nranges; ++i) t += static_cast<std::size_t>(g_ranges[i].end - g_ranges[i].begin);
  return t;
}

template <class F>
void each(F f) {
  std::size_t k = 0;
  for (int i = 0; i < g_nranges; ++i)
    for (unsigned char* p = g_ranges[i].begin; p < g_ranges[i].end; ++p) f(k++, *p);
}

void raise_to(std::atomic<int>& slot, int value) {
  int cur = slot.load();
  while (value > cur && !slot.compare_exchange_weak(cur, value)) {
  }
}

void note_region(std::uintptr_t key, int team) {
  for (int i = 0; i < kMaxRegions; ++i) {
    std::uintptr_t k = g_region_key[i].load();
    if (k == 0 && g_region_key[i].compare_exchange_strong(k, key)) k = key;
    if (k == key) {
      raise_to(g_region_team[i], team);
      return;
    }
  }
}

void on_parallel_begin(ompt_data_t*, const ompt_frame_t*, ompt_data_t* parallel, unsigned int,
                       int, const void* codeptr) {
  // low half: where it starts (+1: a key is never 0, an empty slot); high half: this
  // instance's node in pcg_conflicts.cpp's tree
  const std::uint64_t start = reinterpret_cast<std::uintptr_t>(codeptr) -
                              reinterpret_cast<std::uintptr_t>(&__executable_start) + 1;
  parallel->value = std::uint64_t{pcg_conflicts_region()} << 32 | (start & 0xFFFFFFFFu);
  if (++tl_nest != 1) return;
  int expected = 0;
  if (!g_outer.compare_exchange_strong(expected, 1)) return;  // inside another's region
  tl_owner = true;
  g_team.store(0);
  g_saved.resize(total());
  each([](std::size_t k, unsigned char& f) {
    g_saved[k] = f;
    f = 0;
  });
}

void on_parallel_end(ompt_data_t*, ompt_data_t*, int, const void*) {
  if (--tl_nest != 0 || !tl_owner) return;
  tl_owner = false;
  const bool team = g_team.load() > 1;
  g_par.resize(total());
  each([team](std::size_t k, unsigned char& f) {
    if (team && f) g_par[k] = 1;
    f |= g_saved[k];
  });
  g_outer.store(0);
}

void on_implicit_task(ompt_scope_endpoint_t endpoint, ompt_data_t* parallel, ompt_data_t*,
                      unsigned int actual, unsigned int, int flags) {
  if (!(flags & ompt_task_implicit)) return;
  if (endpoint == ompt_scope_end) {
    pcg_conflicts_task_end();
    return;
  }
  if (endpoint != ompt_scope_begin) return;
  const std::uint64_t value = parallel != nullptr ? parallel->value : 0;
  pcg_conflicts_task_begin(static_cast<std::uint32_t>(value >> 32));
  if (parallel != nullptr) note_region(value & 0xFFFFFFFFu, static_cast<int>(actual));
  raise_to(g_team, static_cast<int>(actual));
  raise_to(g_max_team, static_cast<int>(actual));
}

void on_sync_region(ompt_sync_region_t kind, ompt_scope_endpoint_t endpoint, ompt_data_t*,
                    ompt_data_t*, const void*) {
  const int k = kind == ompt_sync_region_taskwait    ? 1
                : kind == ompt_sync_region_reduction ? 2
                : kind == ompt_sync_region_taskgroup ? 3
                                                     : 0;
  if (endpoint == ompt_scope_begin || endpoint == ompt_scope_end)
    pcg_conflicts_sync(k, endpoint == ompt_scope_begin);
}

void on_mutex_acquired(ompt_mutex_t, ompt_wait_id_t lock, const void*) {
  pcg_conflicts_lock(true, lock);
}
void on_mutex_released(ompt_mutex_t, ompt_wait_id_t lock, const void*) {
  pcg_conflicts_lock(false, lock);
}

void on_task_create(ompt_data_t*, const ompt_frame_t*, ompt_data_t* task, int flags, int,
                    const void*) {
  // the task's first step (pcg_conflicts_switch)
  task->value = pcg_conflicts_child((flags & ompt_task_undeferred) != 0);
}

// A new task's dependences (after its creation): in (0), inoutset (2), or an out one (1:
// out, inout, mutexinoutset, whose tasks never overlap); doacross source/sink are not tasks'
void on_dependences(ompt_data_t* task, const ompt_dependence_t* deps, int n) {
  for (int i = 0; i < n; ++i) {
    const ompt_dependence_type_t t = deps[i].dependence_type;
    if (t == ompt_dependence_type_source || t == ompt_dependence_type_sink) continue;
    const int kind = t == ompt_dependence_type_in ? 0 : t == ompt_dependence_type_inoutset ? 2 : 1;
    const auto address = reinterpret_cast<std::uintptr_t>(deps[i].variable.ptr);
    pcg_conflicts_dependence(task->value, address, kind);
  }
}

void on_task_schedule(ompt_data_t* prior, ompt_task_status_t, ompt_data_t* next) {
  // no next task: the end of a `taskwait depend` or an if(0) task's wait for its
  // dependences (a task that never ran), after which the thread goes on in its own task
  // (switched to nothing, its accesses were not recorded until its next task switch)
  if (next == nullptr) return;
  const std::uint64_t saved = pcg_conflicts_switch(next->value);
  if (prior != nullptr) prior->value = saved;
}

int tool_init(ompt_function_lookup_t lookup, int, ompt_data_t*) {
  auto set = reinterpret_cast<ompt_set_callback_t>(lookup("ompt_set_callback"));
  if (set == nullptr) return 0;
  set(ompt_callback_parallel_begin, reinterpret_cast<ompt_callback_t>(&on_parallel_begin));
  set(ompt_callback_parallel_end, reinterpret_cast<ompt_callback_t>(&on_parallel_end));
  set(ompt_callback_implicit_task, reinterpret_cast<ompt_callback_t>(&on_implicit_task));
  set(ompt_callback_sync_region, reinterpret_cast<ompt_callback_t>(&on_sync_region));
  set(ompt_callback_reduction, reinterpret_cast<ompt_callback_t>(&on_sync_region));
  set(ompt_callback_mutex_acquired, reinterpret_cast<ompt_callback_t>(&on_mutex_acquired));
  set(ompt_callback_mutex_released, reinterpret_cast<ompt_callback_t>(&on_mutex_released));
  set(ompt_callback_task_create, reinterpret_cast<ompt_callback_t>(&on_task_create));
  set(ompt_callback_task_schedule, reinterpret_cast<ompt_callback_t>(&on_task_schedule));
  set(ompt_callback_dependences, reinterpret_cast<ompt_callback_t>(&on_dependences));
  return 1;
}

void tool_fini(ompt_data_t*) {}

ompt_start_tool_result_t g_tool{&tool_init, &tool_fini, {0}};

}  // namespace

extern "C" ompt_start_tool_result_t* ompt_start_tool(unsigned int, const char*) {
  return &g_tool;
}

namespace {
struct PcRange {
  const std::uintptr_t* begin;  // {pc, flags} pairs
  const std::uintptr_t* end;
};
PcRange g_pcs[kMaxRanges];
int g_npcs = 0;
}  // namespace

extern "C" void __sanitizer_cov_pcs_init(const std::uintptr_t* begin, const std::uintptr_t* end) {
  for (int i = 0; i < g_npcs; ++i)
    if (g_pcs[i].begin == begin) return;
  if (g_npcs < kMaxRanges) g_pcs[g_npcs++] = {begin, end};
  std::uintptr_t lo = ~std::uintptr_t{0}, hi = 0;
  for (const std::uintptr_t* p = begin; p + 1 < end; p += 2) {
    if (p[0] < lo) lo = p[0];
    if (p[0] > hi) hi = p[0];
  }
  if (lo <= hi) pcg_conflicts_code(lo, hi + 4096);  // the last block's own code: a page at most
}

// Each block's address, from the start of the executable's image (what llvm-symbolizer
// reads in the file), in the order of `pcg_paths`; returns the number of blocks.
extern "C" std::size_t pcg_block_pcs(std::uint64_t* out, std::size_t cap) {
  const auto base = reinterpret_cast<std::uintptr_t>(&__executable_start);
  std::size_t k = 0;
  for (int i = 0; i < g_npcs; ++i)
    for (const std::uintptr_t* p = g_pcs[i].begin; p + 1 < g_pcs[i].end; p += 2, ++k)
      if (k < cap) out[k] = p[0] - base;
  return k;
}

extern "C" void __sanitizer_cov_bool_flag_init(bool* begin, bool* end) {
  pcg_conflicts_init();
  auto* b = reinterpret_cast<unsigned char*>(begin);
  for (int i = 0; i < g_nranges; ++i)
    if (g_ranges[i].begin == b) return;
  if (g_nranges < kMaxRanges) g_ranges[g_nranges++] = {b, reinterpret_cast<unsigned char*>(end)};
}

// One byte per block (1: ran, 3: ran inside a team of more than one thread) into `out`
// (at most `cap`); returns the number of blocks. `team` gets the largest team so far.
extern "C" std::size_t pcg_paths(unsigned char* out, std::size_t cap, int* team) {
  const std::size_t n = total();
  g_par.resize(n);
  each([&](std::size_t k, unsigned char& f) {
    if (k < cap) out[k] = static_cast<unsigned char>((f ? 1 : 0) | (f && g_par[k] ? 2 : 0));
  });
  *team = g_max_team.load();
  return n;
}

// The regions so far as (start, largest team) pairs into `out` (at most `cap` pairs);
// returns the number of regions.
extern "C" std::size_t pcg_regions(std::uint64_t* out, std::size_t cap) {
  std::size_t n = 0;
  for (int i = 0; i < kMaxRegions; ++i) {
    const std::uintptr_t k = g_region_key[i].load();
    if (k == 0) break;
    if (n < cap) {
      out[2 * n] = k;
      out[2 * n + 1] = static_cast<std::uint64_t>(g_region_team[i].load());
    }
    ++n;
  }
  return n;
}

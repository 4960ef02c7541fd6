// The path probe's conflict runtime (tools/path_probe.py): which of the candidate's memory
// accesses touched a word that another thread touched in the same synchronization epoch,
// with at least one of the two a write.
//
// The candidate is compiled with -fsanitize-coverage=trace-loads,trace-stores: every plain
// load and store calls __sanitizer_cov_load<N> / __sanitizer_cov_store<N> below with its
// address (atomic read-modify-writes are not traced; memcpy, memmove and memset are
// replaced below so that they are). A shadow word per 8-byte word of memory (made 2 MB at a
// time when first touched, up to 2 GB: words beyond are not recorded) holds the epoch, the
// thread, the last access, and whether one thread read, several read, or one wrote it. The
// OMPT tool in pcg_paths.cpp moves each thread's epoch on: a region's implicit task
// starts one, every barrier ends one, and so do taskwait and taskgroup for the thread that
// waits; the explicit tasks one task creates in one epoch share an epoch of their own, which the
// creator enters with its first such task: its accesses before are ordered before them,
// those after (its continuation, until it waits) are compared with theirs, including its
// writes before a later sibling's creation, which that sibling cannot race with (a false
// conflict, at every size such code runs: only where it first shows does it matter).
// While a thread is in a barrier or combines a reduction, its accesses are not recorded;
// while it holds an OpenMP lock (critical, ordered, omp_set_lock) they are recorded with
// a tag of the lock it took last (6 bits of its address): two accesses under one lock do
// not conflict, under two locks (critical(a) and critical(b), lock stripes chosen by the
// thread) or one unlocked (a double-checked minimum's unlocked read) they do. Two locks
// whose tags collide (1 in 63; adjacent locks never) read as one. Atomic loads and stores are
// traced like plain ones (the hooks cannot tell them apart): a conflict between them only
// sends the race step, which knows atomics, there.
// Threads of the candidate's own (std::thread) share one epoch until the next OpenMP
// region.
//
// Not a race detector: no happens-before (a task dependence, a flag spun on, a pthread
// mutex is not seen, so such code shows conflicts at every size, and the race step judged
// it there), and only the last access of a word is kept. What it gives is a
// cheap, size-independent signature: `pcg_conflicts` reports each conflict once as the
// pair of the two accesses' addresses in the executable; a pair that shows only at a
// large n is a place where the threads meet only there, which the race step then checks.
#include <malloc.h>
#include <sys/mman.h>

#include <cstdlib>

#include <atomic>
#include <cstddef>
#include <cstdint>

extern "C" char __executable_start;

namespace {

constexpr unsigned kChunkBits = 21;                // shadow allocated per 2 MB of memory
constexpr std::size_t kChunks = std::size_t{1} << (47 - kChunkBits);
constexpr std::size_t kChunkWords = std::size_t{1} << (kChunkBits - 3);
constexpr std::size_t kShadowCap = std::size_t{2} << 30;  // bytes of shadow at most
constexpr std::uint64_t kEpochMask = 0xFFFFFF;  // an epoch's low 24 bits are kept
constexpr std::uint64_t kStateBytes = std::uint64_t{3} << 40 | std::uint64_t{0xFF} << 24;
constexpr std::size_t kPcs = 1 << 16;  // distinct access addresses at most
constexpr std::uint64_t kIdMask = 0xFFFF;  // an access's number (< kPcs): bits 42..57
constexpr unsigned kTagShift = 58;  // the lock every access kept held: bits 58..63, 0: none
constexpr std::uint64_t kTags = std::uint64_t{63} << kTagShift;
constexpr int kHeld = 16;  // nested locks a thread's tag is kept for
constexpr std::size_t kForgetFrom = std::size_t{64} << 10;  // freed blocks from 64 KB
constexpr std::uint64_t kR1 = 1, kW1 = 2, kRS = 3;  // read by one, written by one, read by several
constexpr std::size_t kPairs = 1 << 13;             // conflict pairs kept at most
constexpr int kStack = 64;                          // nested implicit tasks per thread

// per 8-byte word: lock 6 | access 16 | state 2 | thread 8 | bytes 8 | epoch 24, in
// chunks made when touched
std::atomic<std::atomic<std::uint64_t>*>* g_chunks = nullptr;
char* g_arena = nullptr;  // kShadowCap bytes, 2 MB-aligned
std::atomic<std::size_t> g_arena_used{0};
std::atomic<std::uint64_t> g_pcs[kPcs];  // an access's address + 1, by its number
std::atomic<std::uint64_t> g_pairs[kPairs];
std::atomic<std::uint32_t> g_serial{1};  // the epoch of threads outside OpenMP regions
std::atomic<std::uint32_t> g_next_thread{0};
std::atomic<std::uint32_t> g_next_region{0};
std::atomic<std::uintptr_t> g_code_lo{~std::uintptr_t{0}}, g_code_hi{0};  // the candidate's code

struct Saved {
  std::uint32_t epoch, region, barriers;
  int skip, locks;
  std::uint64_t tag;
  bool spawning;
};

thread_local std::uint32_t tl_thread = 0;  // 1..255, 0: not yet numbered
thread_local std::uint32_t tl_epoch = 0;
thread_local std::uint32_t tl_region = 0;    // the OpenMP region instance the thread is in
thread_local std::uint32_t tl_barriers = 0;  // barriers it passed in that region
thread_local int tl_skip = 0;                // > 0: in a barrier or a reduction
thread_local int tl_locks = 0;               // OpenMP locks held
thread_local std::uint64_t tl_tag = 0;       // the last one's tag (1..63), 0: none held
thread_local std::uint64_t tl_held[kHeld];   // the tags of the locks held, oldest first
thread_local bool tl_spawning = false;       // in the epoch of the tasks it created
thread_local Saved tl_stack[kStack];
thread_local int tl_depth = 0;

std::uint32_t mix(std::uint32_t a, std::uint32_t b) {
  std::uint32_t h = a * 0x9E3779B1u ^ (b + 0x7F4A7C15u) * 0x85EBCA77u;
  return h ^ (h >> 15);
}

// the epoch every thread of the team has between two barriers
void set_epoch() {
  tl_epoch = mix(tl_region, tl_barriers);
  tl_spawning = false;
}

std::uint32_t offset(const void* pc) {
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(pc) -
                                    reinterpret_cast<std::uintptr_t>(&__executable_start) - 1);
}

void note_pair(std::uint32_t a, std::uint32_t b) {
  if (a > b) {
    const std::uint32_t t = a;
    a = b;
    b = t;
  }
  const std::uint64_t key = (static_cast<std::uint64_t>(a) << 32 | b) + 1;  // never 0
  std::size_t i = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 51) & (kPairs - 1);
  for (std::size_t probe = 0; probe < 64; ++probe, i = (i + 1) & (kPairs - 1)) {
    std::uint64_t cur = g_pairs[i].load(std::memory_order_relaxed);
    if (cur == key) return;
    if (cur == 0 && g_pairs[i].compare_exchange_strong(cur, key)) return;
    if (cur == key) return;
  }
}

void number_thread() {
  tl_thread = g_next_thread.fetch_add(1) % 255 + 1;
  if (tl_depth == 0) tl_epoch = g_serial.load();
}

// The access's number: its slot in g_pcs (0: the table is full).
std::uint64_t number_pc(std::uint32_t pc) {
  const std::uint64_t key = std::uint64_t{pc} + 1;
  std::size_t i = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 48) & (kPcs - 1);
  for (std::size_t probe = 0; probe < 256; ++probe, i = (i + 1) & (kPcs - 1)) {
    if (i == 0) continue;
    std::uint64_t cur = g_pcs[i].load(std::memory_order_relaxed);
    if (cur == key) return i;
    if (cur == 0 && (g_pcs[i].compare_exchange_strong(cur, key) || cur == key)) return i;
  }
  return 0;
}

std::uint32_t pc_of(std::uint64_t id) {
  return static_cast<std::uint32_t>(g_pcs[id].load(std::memory_order_relaxed) - 1);
}

std::atomic<std::uint64_t>* shadow_of(std::uintptr_t w) {
  const std::size_t c = static_cast<std::size_t>(w >> (kChunkBits - 3)) & (kChunks - 1);
  std::atomic<std::uint64_t>* chunk = g_chunks[c].load(std::memory_order_acquire);
  if (chunk != nullptr) return chunk + (w & (kChunkWords - 1));
  // a chunk of the arena (2 MB-aligned, huge pages where the kernel gives them: a fault
  // per 4 KB page cost more than the accesses); none left: not recorded
  const std::size_t bytes = kChunkWords * sizeof(std::uint64_t);
  const std::size_t at = g_arena_used.fetch_add(bytes);
  if (at + bytes > kShadowCap) {
    g_arena_used.store(kShadowCap);
    return nullptr;
  }
  auto* fresh = reinterpret_cast<std::atomic<std::uint64_t>*>(g_arena + at);
  if (!g_chunks[c].compare_exchange_strong(chunk, fresh)) return chunk + (w & (kChunkWords - 1));
  return fresh + (w & (kChunkWords - 1));  // (a chunk lost to another thread stays unused)
}

// One access of bytes `mask` of one word: a conflict, or the word's new state (a
// compare-and-swap, so that a thread preempted between reading and writing the state does
// not undo another's). The state keeps the bytes its accesses touched: two threads on two
// different ints of one word do not meet (the later one takes the word over).
void word(std::uintptr_t w, std::uint64_t mask, bool write, std::uint64_t id, std::uint64_t tag) {
  std::atomic<std::uint64_t>* slot = shadow_of(w);
  if (slot == nullptr) return;
  const std::uint64_t epoch = tl_epoch & kEpochMask, thread = tl_thread;
  const std::uint64_t lock = tag << kTagShift;
  std::uint64_t e = slot->load(std::memory_order_relaxed);
  for (;;) {
    const std::uint64_t state = (e >> 40) & 3, bytes = (e >> 24) & 0xFF;
    const std::uint64_t kept = (e >> 42) & kIdMask;
    // both held one lock: ordered by it (the later one takes the word over)
    const bool both_locked = tag != 0 && (e & kTags) == lock;
    // the lock every access kept and this one held (none when they differ)
    const std::uint64_t l = (e & kTags) == lock ? lock : 0;
    auto make = [&](std::uint64_t who, std::uint64_t st, std::uint64_t m) {
      return lock | who << 42 | st << 40 | thread << 32 | m << 24 | epoch;
    };
    std::uint64_t next;
    if (state == 0 || (e & kEpochMask) != epoch) {
      next = make(id, write ? kW1 : kR1, mask);
    } else if (((e >> 32) & 0xFF) == thread) {
      if (!(bytes & mask) && (e & kTags) != lock) {
        // other bytes under another lock (two ints of a word, each under its own stripe):
        // taken over, not merged (merged, they would keep no lock and meet the next)
        next = make(id, write ? kW1 : kR1, mask);
      } else if (write && state == kRS && (bytes & mask)) {
        if (!both_locked) return note_pair(pc_of(kept), pc_of(id));
        next = make(id, kW1, mask);  // every read and this write held a lock
      } else {
        const std::uint64_t st = write && state == kR1 ? kW1 : state;
        if (st == state && (bytes | mask) == bytes && l == (e & kTags)) return;
        next = (e & ~kStateBytes & ~kTags) | l | st << 40 | (bytes | mask) << 24;
        if (st != state) next = (next & ~(kIdMask << 42)) | id << 42;
      }
    } else if (!(bytes & mask) || both_locked) {
      next = make(id, write ? kW1 : kR1, mask);  // other bytes: this access takes it over
    } else if (write || state == kW1) {
      return note_pair(pc_of(kept), pc_of(id));
    } else {
      next = (e & ~kStateBytes & ~kTags) | l | kRS << 40 | (bytes | mask) << 24;
    }
    if (next == e || slot->compare_exchange_weak(e, next, std::memory_order_relaxed)) return;
  }
}

// The access's number through a per-thread cache of the last ones (a loop's few accesses
// skip the shared table's hashing).
struct PcSlot {
  std::uintptr_t ra;
  std::uint64_t id;
};
thread_local PcSlot tl_pcs[256];

inline std::uint64_t pc_id(const void* ra) {
  const auto r = reinterpret_cast<std::uintptr_t>(ra);
  PcSlot& slot = tl_pcs[(r ^ (r >> 8)) & 255];
  if (slot.ra == r) return slot.id;
  const std::uint64_t id = number_pc(offset(ra));
  if (id != 0) slot = {r, id};
  return id;
}

inline void access(const void* addr, std::size_t size, bool write, const void* ra) {
  const std::uint64_t tag = tl_tag;
  if (g_chunks == nullptr || tl_skip > 0 || size == 0) return;
  if (tl_thread == 0) number_thread();
  const std::uintptr_t a = reinterpret_cast<std::uintptr_t>(addr);
  const std::uint64_t id = pc_id(ra);
  if (id == 0) return;
  if ((a & 7) + size <= 8) {  // one word (most accesses)
    word(a >> 3, ((std::uint64_t{1} << size) - 1) << (a & 7), write, id, tag);
    return;
  }
  const std::uintptr_t end = a + size;
  for (std::uintptr_t w = a >> 3, last = (end - 1) >> 3; w <= last; ++w) {
    const std::uintptr_t lo = w << 3 > a ? w << 3 : a, hi = (w << 3) + 8 < end ? (w << 3) + 8 : end;
    const std::uint64_t mask = ((std::uint64_t{1} << (hi - lo)) - 1) << (lo - (w << 3));
    word(w, mask, write, id, tag);
  }
}

}  // namespace

// ---- the OMPT tool's hooks (pcg_paths.cpp) ----
extern "C" std::uint32_t pcg_conflicts_region() { return g_next_region.fetch_add(1) + 1; }

extern "C" void pcg_conflicts_task_begin(std::uint32_t region) {
  if (tl_depth < kStack)
    tl_stack[tl_depth] = {tl_epoch, tl_region, tl_barriers, tl_skip, tl_locks, tl_tag, tl_spawning};
  ++tl_depth;
  tl_region = region;
  tl_barriers = 0;
  tl_skip = 0;
  tl_locks = 0;
  tl_tag = 0;
  set_epoch();
}

extern "C" void pcg_conflicts_task_end() {
  if (tl_depth == 0) return;
  --tl_depth;
  if (tl_depth < kStack) {
    const Saved& s = tl_stack[tl_depth];
    tl_epoch = s.epoch;
    tl_region = s.region;
    tl_barriers = s.barriers;
    tl_skip = s.skip;
    tl_locks = s.locks;
    tl_tag = s.tag;
    tl_spawning = s.spawning;
  }
  if (tl_depth == 0) {
    tl_epoch = g_serial.fetch_add(1) + 1;  // threads of the candidate's own
    tl_spawning = false;
  }
}

// kind: 0 a barrier, 1 a taskwait or taskgroup, 2 a reduction; begin or end
extern "C" void pcg_conflicts_sync(int kind, bool begin) {
  if (begin) {
    ++tl_skip;
    return;
  }
  if (tl_skip > 0) --tl_skip;
  if (kind == 0) {
    ++tl_barriers;
    set_epoch();
  } else if (kind == 1) {
    tl_epoch = mix(tl_epoch, 1);  // after the wait: apart from the tasks waited for
    tl_spawning = false;
  }
}

// A lock's tag: 1..63 from its address (a critical name's variable, an omp_lock_t), so
// that locks side by side (an array of stripes) never share one.
std::uint64_t lock_tag(std::uint64_t lock) { return (lock >> 3) % 63 + 1; }

extern "C" void pcg_conflicts_lock(bool acquired, std::uint64_t lock) {
  if (acquired) {
    if (tl_locks < kHeld) tl_held[tl_locks] = lock_tag(lock);
    ++tl_locks;
    tl_tag = lock_tag(lock);
    return;
  }
  if (tl_locks == 0) return;
  --tl_locks;  // (locks are released innermost first: the one before is held again)
  tl_tag = tl_locks == 0 ? 0 : tl_held[(tl_locks < kHeld ? tl_locks : kHeld) - 1];
}

// A new explicit task's state: the epoch its creator's tasks of this epoch share, which the
// creator enters too (its writes before the first task's creation the tasks may read).
extern "C" std::uint64_t pcg_conflicts_child() {
  if (!tl_spawning) {
    tl_epoch = mix(tl_epoch, 2);
    tl_spawning = true;
  }
  return std::uint64_t{tl_epoch} << 32;
}

// A task switch: the thread's epoch, skip count, locks held (their number and the last
// one's tag) and whether it created tasks belong to the task it was running (returned, for
// the caller to keep with that task) and become the next task's: epoch 32 | spawning 1 |
// locks 9 | tag 6 | skip 16.
extern "C" std::uint64_t pcg_conflicts_switch(std::uint64_t next) {
  const std::uint64_t prior = std::uint64_t{tl_epoch} << 32 |
                              std::uint64_t{tl_spawning} << 31 |
                              (static_cast<std::uint64_t>(tl_locks) & 0x1FF) << 22 |
                              tl_tag << 16 | (static_cast<std::uint64_t>(tl_skip) & 0xFFFF);
  tl_epoch = static_cast<std::uint32_t>(next >> 32);
  tl_spawning = (next >> 31) & 1;
  tl_locks = static_cast<int>((next >> 22) & 0x1FF);
  tl_tag = (next >> 16) & 63;
  if (tl_locks > 0 && tl_locks <= kHeld) tl_held[tl_locks - 1] = tl_tag;
  tl_skip = static_cast<int>(next & 0xFFFF);
  return prior;
}

// The conflicts so far as (address, address) pairs, each from the start of the executable's
// image, into `out` (at most `cap` pairs); returns the number of pairs.
extern "C" std::size_t pcg_conflicts(std::uint64_t* out, std::size_t cap) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < kPairs; ++i) {
    const std::uint64_t k = g_pairs[i].load();
    if (k == 0) continue;
    if (n < cap) {
      out[2 * n] = (k - 1) >> 32;
      out[2 * n + 1] = (k - 1) & 0xFFFFFFFFu;
    }
    ++n;
  }
  return n;
}

extern "C" void pcg_conflicts_init() {
  if (g_chunks != nullptr) return;
  const char* on = getenv("PCG_CONFLICTS");  // "0": not recorded (a run at a size too costly)
  if (on != nullptr && on[0] == '0') return;
  const int prot = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  const std::size_t align = std::size_t{1} << kChunkBits;
  void* a = mmap(nullptr, kShadowCap + align, prot, flags, -1, 0);
  void* d = mmap(nullptr, kChunks * sizeof(void*), prot, flags, -1, 0);
  if (a == MAP_FAILED || d == MAP_FAILED) return;
  const auto start = (reinterpret_cast<std::uintptr_t>(a) + align - 1) & ~(align - 1);
  g_arena = reinterpret_cast<char*>(start);
  madvise(g_arena, kShadowCap, MADV_HUGEPAGE);
  g_chunks = static_cast<std::atomic<std::atomic<std::uint64_t>*>*>(d);
}

// Where the candidate's instrumented code lies (from its blocks' addresses): only its own
// calls of memcpy, memmove and memset are recorded, not the harness's.
extern "C" void pcg_conflicts_code(std::uintptr_t lo, std::uintptr_t hi) {
  if (lo < g_code_lo.load()) g_code_lo.store(lo);
  if (hi > g_code_hi.load()) g_code_hi.store(hi);
}

// ---- the candidate's traced accesses ----
#define PCG_TRACE(N)                                                                  \
  extern "C" void __sanitizer_cov_load##N(void* p) {                                  \
    access(p, N, false, __builtin_return_address(0));                                 \
  }                                                                                   \
  extern "C" void __sanitizer_cov_store##N(void* p) {                                 \
    access(p, N, true, __builtin_return_address(0));                                  \
  }
PCG_TRACE(1)
PCG_TRACE(2)
PCG_TRACE(4)
PCG_TRACE(8)
PCG_TRACE(16)
#undef PCG_TRACE

// ---- memcpy, memmove and memset: the candidate's calls (a loop the compiler made one of,
// std::copy of a trivially copyable type) are accesses too. Defined here, they replace the C
// library's for the whole process; only calls from the candidate's code are recorded.
namespace {

bool from_here(const void* ra) {
  const auto a = reinterpret_cast<std::uintptr_t>(ra);
  return a >= g_code_lo.load(std::memory_order_relaxed) &&
         a < g_code_hi.load(std::memory_order_relaxed);
}

void copy_forward(void* d, const void* s, std::size_t n) {
  asm volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

void copy_backward(void* d, const void* s, std::size_t n) {
  void* dl = static_cast<char*>(d) + n - 1;
  const void* sl = static_cast<const char*>(s) + n - 1;
  asm volatile("std\n\trep movsb\n\tcld" : "+D"(dl), "+S"(sl), "+c"(n) : : "memory");
}
}  // namespace

extern "C" void* memcpy(void* d, const void* s, std::size_t n) {
  const void* ra = __builtin_return_address(0);
  if (from_here(ra)) {
    access(s, n, false, ra);
    access(d, n, true, ra);
  }
  copy_forward(d, s, n);
  return d;
}

extern "C" void* memmove(void* d, const void* s, std::size_t n) {
  const void* ra = __builtin_return_address(0);
  if (from_here(ra)) {
    access(s, n, false, ra);
    access(d, n, true, ra);
  }
  const auto di = reinterpret_cast<std::uintptr_t>(d), si = reinterpret_cast<std::uintptr_t>(s);
  if (di <= si || di >= si + n)
    copy_forward(d, s, n);
  else if (n > 0)
    copy_backward(d, s, n);
  return d;
}

extern "C" void* memset(void* d, int c, std::size_t n) {
  const void* ra = __builtin_return_address(0);
  if (from_here(ra)) access(d, n, true, ra);
  void* p = d;
  asm volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(c) : "memory");
  return d;
}

// ---- free: a large block goes back to the kernel, and the same addresses may come to
// another thread's next allocation in the same epoch (a std::vector growing in each
// thread): what the shadow knew of them is forgotten first.
extern "C" void __libc_free(void*);

extern "C" void free(void* p) {
  if (p != nullptr && g_chunks != nullptr) {
    const std::size_t n = malloc_usable_size(p);
    if (n >= kForgetFrom) {
      const auto a = reinterpret_cast<std::uintptr_t>(p);
      for (std::uintptr_t w = (a + 7) >> 3, last = (a + n) >> 3; w < last; ++w) {
        const std::size_t c = static_cast<std::size_t>(w >> (kChunkBits - 3)) & (kChunks - 1);
        std::atomic<std::uint64_t>* chunk = g_chunks[c].load(std::memory_order_acquire);
        if (chunk == nullptr) {
          w |= kChunkWords - 1;  // nothing recorded in this chunk: the next one
          continue;
        }
        chunk[w & (kChunkWords - 1)].store(0, std::memory_order_relaxed);
      }
    }
  }
  __libc_free(p);
}

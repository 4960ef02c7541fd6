// The path probe's conflict runtime (tools/path_probe.py): which of the candidate's memory
// accesses touched a word that another access touched in a step that could run in
// parallel with its own, with at least one of the two a write.
//
// The candidate is compiled with -fsanitize-coverage=trace-loads,trace-stores: every plain
// load and store calls __sanitizer_cov_load<N> / __sanitizer_cov_store<N> below with its
// address (tools/traced_ir.py sends atomic ones to pcg_traced_atomic_* instead; memcpy,
// memmove and memset are replaced below so that they are traced too). A shadow word per
// 8-byte word of memory (made 2 MB at a time when first touched, up to 2 GB: words beyond
// are not recorded) holds the step of the last access, the thread, its number, and
// whether one thread read, several read, or one wrote it.
//
// Steps: the OMPT tool in pcg_paths.cpp builds a tree of the program's structure as it
// runs (after the async-finish trees of SPD3, Raman et al. 2012) and moves each thread
// from step to step. A region is a node; each thread's implicit task between two barriers
// is a segment under it, numbered by the barriers passed; a task (explicit or implicit
// segment) holds scopes one after another, a taskwait or taskgroup ending one; a scope
// holds, in the order its task made them, steps (stretches of the task's own code), the
// explicit tasks it created and the regions it began. Two steps may run in parallel when,
// below the node where their paths meet, the earlier of the two children is an explicit
// task (a task and its creator's continuation, two siblings, a task's child and its
// uncle, tasks of two creators), or both children are segments of one barrier interval
// (two threads of a team, a nested team's thread and another thread of the outer one).
// A taskwait joins the tasks of its scope; a taskgroup is a node of its own, ordered
// before what follows, with its body's scopes under it (tasks made before it began are
// not waited for by it); a task's child that no wait joined stays parallel with what
// follows its grandparent's taskwait. An undeferred task (if(0), a final task's children)
// ends before its creator goes on: ordered like a scope that waited. A task's dependences
// order it after the siblings it depends on (a chain of at most 256; inoutset ones
// unordered among themselves), an undeferred task's (a taskwait with depend) the tasks it
// waited for before what follows. A thread of the candidate's own (std::thread,
// pthread_create) is a task of its creator's, which pthread_join waits for. Flags spun on,
// futures and condition variables are not seen: such code shows conflicts at every size,
// and the race step judged it there. At most 2^24 nodes (a step's number is 24 bits of
// the shadow word): a run that makes more stops recording there.
//
// While a thread is in a barrier or combines a reduction, its accesses are not recorded;
// while it holds an OpenMP lock (critical, ordered, omp_set_lock) or a pthread mutex its
// own code took (std::mutex), they are recorded with a tag of the lock it took last
// (1..61, given to locks in the order they are first taken): two accesses under one lock
// do not conflict, under two locks (critical(a) and critical(b), lock stripes chosen by
// the thread) or one unlocked (a double-checked minimum's unlocked read) they do. Locks
// beyond the 61st share tag 63, which orders nothing: an access under one of them meets
// every other (a false conflict where two held the same lock, which only sends the race
// step there; a shared tag hid a race). Atomic accesses (tools/traced_ir.py sends atomic
// loads and stores here, and read-modify-writes and compare-exchanges as writes) carry
// tag 62: two atomic accesses do not conflict, an atomic and a plain one do. What atomics
// order beyond themselves (a flag released and acquired) is not seen.
//
// Two steps of one thread are compared like two threads' (two parallel tasks one thread
// ran one after the other meet). So that another task's objects at the same addresses
// do not meet the old ones, what the shadow knew is forgotten for freed blocks (free,
// realloc), for a task's block (libomp gives a new task a finished one's: when the
// candidate allocates it and as the task's entry begins) and, at every task switch, for
// the stack below the switch (frames that returned).
//
// Not a race detector: a word keeps its last access (or, read by steps that may run in
// parallel, its first reader and the bytes they read) and, where parallel readers met, a
// second reader aside (SPD3's two readers: a write ordered after the first reader but not
// after another is still compared with that one; of three or more, the first and the one
// whose path meets it highest in the tree are kept). What it gives is a cheap,
// size-independent signature:
// `pcg_conflicts` reports each conflict once as the pair of the two accesses' addresses
// in the executable; a pair that shows only at a large n is a place where the threads
// meet only there, which the race step then checks.
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/mman.h>

#include <cstdlib>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "pcg_next_definition.h"

extern "C" char __executable_start;

namespace {

constexpr unsigned kChunkBits = 21;                // shadow allocated per 2 MB of memory
constexpr std::size_t kChunks = std::size_t{1} << (47 - kChunkBits);
constexpr std::size_t kChunkWords = std::size_t{1} << (kChunkBits - 3);
constexpr std::size_t kShadowCap = std::size_t{2} << 30;  // bytes of shadow at most
constexpr std::uint64_t kStepMask = 0xFFFFFF;  // a step's number: bits 0..23
constexpr std::uint64_t kStateBytes = std::uint64_t{3} << 40 | std::uint64_t{0xFF} << 24;
constexpr std::size_t kPcs = 1 << 16;  // distinct access addresses at most
constexpr std::uint64_t kIdMask = 0xFFFF;  // an access's number (< kPcs): bits 42..57
constexpr unsigned kTagShift = 58;  // the lock every access kept held: bits 58..63, 0: none
constexpr std::uint64_t kTags = std::uint64_t{63} << kTagShift;
constexpr std::uint64_t kSharedTag = 63;  // the locks beyond the 61st: ordered by none
constexpr std::uint64_t kAtomicTag = 62;  // an atomic access: ordered with atomic ones only
constexpr int kHeld = 16;  // nested locks a thread's tag is kept for
// above a task switch's frame, where the next task's frame ends (libomp 14: 32 bytes above,
// its creator's live frames 360 bytes and more above: not forgotten)
constexpr std::uintptr_t kFrameMargin = 128;
constexpr std::uint64_t kR1 = 1, kW1 = 2, kRS = 3;  // read by one, written by one, read by several
constexpr std::size_t kPairs = 1 << 13;             // conflict pairs kept at most
constexpr int kStack = 64;                          // nested implicit tasks per thread
constexpr std::uint32_t kNodes = std::uint32_t{1} << 24;  // the tree's nodes at most
constexpr std::size_t kLockSlots = 4096;                  // locks given a tag of their own

// per 8-byte word: lock 6 | access 16 | state 2 | thread 8 | bytes 8 | step 24, in
// chunks made when touched
std::atomic<std::atomic<std::uint64_t>*>* g_chunks = nullptr;
// a second reader per word, kept aside where parallel readers met (SPD3's two readers),
// laid out as the main word; chunks made from the same arena when first needed
std::atomic<std::atomic<std::uint64_t>*>* g_side_chunks = nullptr;
char* g_arena = nullptr;  // kShadowCap bytes, 2 MB-aligned
std::atomic<std::size_t> g_arena_used{0};
std::atomic<std::uint64_t> g_pcs[kPcs];  // an access's address + 1, by its number
std::atomic<std::uint64_t> g_pairs[kPairs];
std::atomic<std::uint32_t> g_next_thread{0};
std::atomic<std::uintptr_t> g_code_lo{~std::uintptr_t{0}}, g_code_hi{0};  // the candidate's code

// ---- the tree (see the top): nodes numbered from 1 (0: none), never freed ----
enum Kind : std::uint32_t { kRoot, kScope, kStep, kTask, kSegment, kRegion, kGroup, kUndeferred };

constexpr std::uint32_t kWaited = 16;      // a scope a taskwait ended: its tasks joined
constexpr std::uint32_t kWaitedDeep = 32;  // ... a taskgroup ended: their descendants too

struct Node {
  std::uint32_t parent;
  std::uint32_t order;  // among its parent's children (a segment: its barrier interval)
  std::atomic<std::uint32_t> depth_kind;  // depth << 6 | kWaited, kWaitedDeep | kind
  std::atomic<std::uint32_t> children;
  std::atomic<std::uint32_t> preds;      // a task: its first dependence edge (0: none)
  std::atomic<std::uint32_t> joined_at;  // a task: 1 + the order of the first undeferred
                                         // sibling that waited for it by a dependence
};

// A dependence edge: a task the edge's owner waits for, and the owner's next edge.
struct Edge {
  std::uint32_t pred, next;
};
constexpr std::uint32_t kEdges = std::uint32_t{1} << 22;  // dependence edges at most
constexpr int kDepWalk = 256;  // tasks looked at for a path of dependences at most
Edge* g_edges = nullptr;
std::atomic<std::uint32_t> g_next_edge{1};

Node* g_nodes = nullptr;  // kNodes of them, made when touched
std::atomic<std::uint32_t> g_next_node{1};
std::atomic<bool> g_tree_full{false};  // more nodes were asked for: nothing recorded since
std::uint32_t g_serial_scope = 0;      // the scope of the code outside OpenMP regions
std::atomic<std::uint32_t> g_serial_step{0};  // its current step (threads of the candidate's own)

std::uint32_t bits(std::uint32_t n) { return g_nodes[n].depth_kind.load(std::memory_order_relaxed); }
std::uint32_t depth(std::uint32_t n) { return bits(n) >> 6; }
Kind kind(std::uint32_t n) { return static_cast<Kind>(bits(n) & 15); }
std::uint32_t parent(std::uint32_t n) { return g_nodes[n].parent; }

// A new child of `of` (0 when the tree is full or not made); `order`: its place among the
// children, next after the last unless given (a segment's barrier interval).
std::uint32_t add(std::uint32_t of, Kind k, std::int64_t order = -1) {
  if (g_nodes == nullptr || of == 0 || g_tree_full.load(std::memory_order_relaxed)) return 0;
  const std::uint32_t id = g_next_node.fetch_add(1);
  if (id >= kNodes) {
    g_tree_full.store(true);
    return 0;
  }
  Node& n = g_nodes[id];
  n.parent = of;
  n.order = order >= 0 ? static_cast<std::uint32_t>(order) : g_nodes[of].children.fetch_add(1);
  n.depth_kind.store((depth(of) + 1) << 6 | k, std::memory_order_relaxed);
  return id;
}

// A new step in `scope`, or in a new scope of `task` (a task, segment or the root).
std::uint32_t step_in(std::uint32_t scope) { return add(scope, kStep); }
std::uint32_t new_scope(std::uint32_t task) { return step_in(add(task, kScope)); }

// Whether everything under `scope`, a scope a taskwait or taskgroup ended, on the way to
// `step` had ended by then: a taskwait joins the tasks of its own scope only, so a task's
// child is joined only when its parent waited for it too, or a taskgroup above it waited
// for all, or a region around it ended.
bool joined(std::uint32_t step, std::uint32_t scope) {
  if (bits(scope) & kWaitedDeep) return true;
  bool task_below = false;    // a task was met: the next scope up must have waited for it
  bool left_running = false;  // one had not, and nothing above it waited for all
  for (std::uint32_t x = parent(step); x != scope; x = parent(x)) {
    const std::uint32_t b = bits(x);
    if ((b & 15) == kTask) {
      task_below = true;
    } else if ((b & 15) == kRegion || (b & 15) == kGroup || (b & kWaitedDeep)) {
      task_below = left_running = false;  // everything below ended with it
    } else if ((b & 15) == kScope) {
      left_running = left_running || (task_below && !(b & kWaited));
      task_below = false;
    }
  }
  return !left_running;  // (the scope's own wait joined the tasks in it)
}

// Whether task `x` is ordered by dependences before `later`, made after it by the same
// task in the same scope: a waited for x (a chain of at most kDepWalk tasks), or an
// undeferred sibling made before `later` (a taskwait with depend, an if(0) task's wait)
// waited for it.
bool depends_on(std::uint32_t later, std::uint32_t x) {
  const std::uint32_t at = g_nodes[x].joined_at.load(std::memory_order_acquire);
  if (at != 0 && at - 1 <= g_nodes[later].order) return true;
  std::uint32_t queue[kDepWalk];
  int head = 0, tail = 0;
  queue[tail++] = later;
  while (head < tail) {
    const std::uint32_t t = queue[head++];
    for (std::uint32_t e = g_nodes[t].preds.load(std::memory_order_acquire); e != 0; e = g_edges[e].next) {
      if (g_edges[e].pred == x) return true;
      if (tail < kDepWalk) queue[tail++] = g_edges[e].pred;
    }
  }
  return false;
}

// Whether steps a and b (a != b) may run in parallel: below the node where their paths
// meet, the earlier child is an explicit task (that the later one's task or an undeferred
// task before it did not wait for by a dependence), or a scope whose wait (or an undeferred
// task whose end) left a task under it running (a grandchild no taskwait waited for), or
// both are segments of one barrier interval.
bool parallel(std::uint32_t a, std::uint32_t b) {
  std::uint32_t x = a, y = b;
  while (depth(x) > depth(y)) x = parent(x);
  while (depth(y) > depth(x)) y = parent(y);
  if (x == y) return false;
  while (parent(x) != parent(y)) {
    x = parent(x);
    y = parent(y);
  }
  if (kind(x) == kSegment && kind(y) == kSegment) return g_nodes[x].order == g_nodes[y].order;
  const bool x_first = g_nodes[x].order < g_nodes[y].order;
  const std::uint32_t first = x_first ? x : y;
  if (kind(first) == kTask) {
    // waited for by a dependence: what the task's own code did (not a child it left running)
    return !(depends_on(x_first ? y : x, first) && joined(x_first ? a : b, first));
  }
  return (kind(first) == kScope || kind(first) == kUndeferred) && !joined(x_first ? a : b, first);
}

struct Saved {
  std::uint32_t step, region, barriers;
  int skip, locks;
  std::uint64_t tag;
};

thread_local std::uint32_t tl_thread = 0;  // 1..255, 0: not yet numbered
thread_local std::uintptr_t tl_stack_lo = 0, tl_stack_hi = 0;  // its stack (0, 0: not known)
thread_local std::uintptr_t tl_low = 0;       // the lowest address of it the candidate touched
thread_local std::uint32_t tl_step = 0;      // the step the thread is in (0: not recorded)
thread_local std::uint32_t tl_region = 0;    // the region node of its implicit task
thread_local std::uint32_t tl_barriers = 0;  // barriers it passed in that region
thread_local int tl_skip = 0;                // > 0: in a barrier or a reduction
thread_local int tl_locks = 0;               // OpenMP locks held
thread_local std::uint64_t tl_tag = 0;       // the last one's tag (1..61, 63), 0: none held
thread_local std::uint64_t tl_held[kHeld];   // the tags of the locks held, oldest first
thread_local Saved tl_stack[kStack];
thread_local int tl_depth = 0;

// Steps the thread's current one was compared with: (other step, current step, parallel).
struct Compared {
  std::uint32_t other, mine;
  bool parallel;
};
thread_local Compared tl_compared[64];

bool parallel_to_mine(std::uint32_t other) {
  Compared& c = tl_compared[(other ^ (other >> 6)) & 63];
  if (c.other != other || c.mine != tl_step) c = {other, tl_step, parallel(other, tl_step)};
  return c.parallel;
}

// The thread's step outside OpenMP regions, before its first region or access.
void enter_serial() {
  if (tl_depth == 0 && tl_step == 0) tl_step = g_serial_step.load();
}

// The thread's implicit task's segment for its current barrier interval.
void enter_segment() { tl_step = new_scope(add(tl_region, kSegment, tl_barriers)); }

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
  pthread_attr_t attr;
  void* lo = nullptr;
  std::size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    if (pthread_attr_getstack(&attr, &lo, &size) == 0) {
      tl_stack_lo = reinterpret_cast<std::uintptr_t>(lo);
      tl_stack_hi = tl_low = tl_stack_lo + size;
    }
    pthread_attr_destroy(&attr);
  }
  enter_serial();
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

// Word w's slot in `table` (g_chunks, g_side_chunks), its chunk made when first touched.
std::atomic<std::uint64_t>* slot_in(std::atomic<std::atomic<std::uint64_t>*>* table,
                                    std::uintptr_t w) {
  const std::size_t c = static_cast<std::size_t>(w >> (kChunkBits - 3)) & (kChunks - 1);
  std::atomic<std::uint64_t>* chunk = table[c].load(std::memory_order_acquire);
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
  if (!table[c].compare_exchange_strong(chunk, fresh)) return chunk + (w & (kChunkWords - 1));
  return fresh + (w & (kChunkWords - 1));  // (a chunk lost to another thread stays unused)
}

std::atomic<std::uint64_t>* shadow_of(std::uintptr_t w) { return slot_in(g_chunks, w); }

// Word w's side slot where its chunk was made (nullptr: no second reader was kept there).
std::atomic<std::uint64_t>* side_if_made(std::uintptr_t w) {
  const std::size_t c = static_cast<std::size_t>(w >> (kChunkBits - 3)) & (kChunks - 1);
  std::atomic<std::uint64_t>* chunk = g_side_chunks[c].load(std::memory_order_acquire);
  return chunk == nullptr ? nullptr : chunk + (w & (kChunkWords - 1));
}

// What the shadow knew of the words of [from, to): memory freed or given to a new task,
// or stack frames that returned (another task's objects at the same addresses are new).
void forget(std::uintptr_t from, std::uintptr_t to) {
  for (std::uintptr_t w = from >> 3, last = (to + 7) >> 3; w < last; ++w) {
    const std::size_t c = static_cast<std::size_t>(w >> (kChunkBits - 3)) & (kChunks - 1);
    std::atomic<std::uint64_t>* chunk = g_chunks[c].load(std::memory_order_acquire);
    if (chunk == nullptr) {
      w |= kChunkWords - 1;  // nothing recorded in this chunk: the next one
      continue;
    }
    chunk[w & (kChunkWords - 1)].store(0, std::memory_order_relaxed);
    if (std::atomic<std::uint64_t>* side = side_if_made(w)) side->store(0, std::memory_order_relaxed);
  }
}

// A shadow word for an access of the thread's current step: lock `tag`, access `id`,
// `state`, bytes `mask` (the layout of the shadow word above g_chunks).
std::uint64_t shadow_word(std::uint64_t tag, std::uint64_t id, std::uint64_t state,
                          std::uint64_t mask) {
  return tag << kTagShift | id << 42 | state << 40 | std::uint64_t{tl_thread} << 32 | mask << 24 |
         tl_step;
}

// The depth of the node where the paths of steps a and b meet.
std::uint32_t meet_depth(std::uint32_t a, std::uint32_t b) {
  while (depth(a) > depth(b)) a = parent(a);
  while (depth(b) > depth(a)) b = parent(b);
  while (a != b) {
    a = parent(a);
    b = parent(b);
  }
  return depth(a);
}

// Whether the thread's step and r1 meet higher in the tree than r1 and r2 (SPD3: of three
// readers that may run in parallel, the two kept are those whose paths meet highest: a
// later step parallel with the dropped one is parallel with one of them); cached per
// thread.
struct Higher {
  std::uint32_t r1, r2, mine;
  bool higher;
};
thread_local Higher tl_higher[64];

bool meets_higher(std::uint32_t r1, std::uint32_t r2) {
  Higher& h = tl_higher[(r1 ^ (r2 << 3) ^ (tl_step << 7)) & 63];
  if (h.r1 != r1 || h.r2 != r2 || h.mine != tl_step)
    h = {r1, r2, tl_step, meet_depth(r1, tl_step) < meet_depth(r1, r2)};
  return h.higher;
}

// Whether the access a shadow word `e` describes may have run in parallel with the
// thread's current step (another thread in the same step: yes, as in `word`).
bool parallel_to_kept(std::uint64_t e) {
  const std::uint32_t other = static_cast<std::uint32_t>(e & kStepMask);
  if (other == tl_step) return ((e >> 32) & 0xFF) != tl_thread;
  return parallel_to_mine(other);
}

// A read of bytes `mask` parallel with the reader the word kept (r1): kept aside as the
// word's second reader when there is none, when this read comes after it, or when this
// read and r1 meet higher in the tree than r1 and it do.
void keep_aside(std::uintptr_t w, std::uint64_t mask, std::uint64_t id, std::uint64_t tag,
                std::uint32_t r1) {
  std::atomic<std::uint64_t>* side = slot_in(g_side_chunks, w);
  if (side == nullptr) return;
  const std::uint64_t me = shadow_word(tag, id, kR1, mask);
  std::uint64_t r = side->load(std::memory_order_relaxed);
  const std::uint32_t r2 = static_cast<std::uint32_t>(r & kStepMask);
  if (r != 0 && r2 == tl_step && ((r >> 32) & 0xFF) == tl_thread) {
    if (((r >> 24) & mask) != mask) side->compare_exchange_strong(r, r | mask << 24);
    return;  // (this step's read already: its bytes joined)
  }
  if (r == 0 || !parallel_to_kept(r) || meets_higher(r1, r2)) side->compare_exchange_strong(r, me);
}

// A write of bytes `mask` against the second reader kept aside (if any, of those bytes):
// a conflict when that read may have run in parallel with this write; either way the
// write is the word's latest access and the reader is dropped.
bool meets_aside(std::uintptr_t w, std::uint64_t mask, std::uint64_t id, std::uint64_t tag) {
  std::atomic<std::uint64_t>* side = side_if_made(w);
  if (side == nullptr) return false;
  std::uint64_t r = side->load(std::memory_order_relaxed);
  if (r == 0 || !((r >> 24) & mask) || !side->compare_exchange_strong(r, 0)) return false;
  const bool locked = tag != 0 && tag != kSharedTag && (r >> kTagShift) == tag;
  if (locked || !parallel_to_kept(r)) return false;
  note_pair(pc_of((r >> 42) & kIdMask), pc_of(id));
  return true;
}

// One access of bytes `mask` of one word: a conflict, or the word's new state (a
// compare-and-swap, so that a thread preempted between reading and writing the state does
// not undo another's). The state keeps the bytes its accesses touched: two threads on two
// different ints of one word do not meet (the later one takes the word over).
void word(std::uintptr_t w, std::uint64_t mask, bool write, std::uint64_t id, std::uint64_t tag) {
  std::atomic<std::uint64_t>* slot = shadow_of(w);
  if (slot == nullptr || (write && meets_aside(w, mask, id, tag))) return;
  const std::uint64_t step = tl_step, thread = tl_thread;
  const std::uint64_t lock = tag << kTagShift;
  std::uint64_t e = slot->load(std::memory_order_relaxed);
  for (;;) {
    const std::uint64_t state = (e >> 40) & 3, bytes = (e >> 24) & 0xFF;
    const std::uint64_t kept = (e >> 42) & kIdMask;
    // both held one lock: ordered by it (the later one takes the word over)
    const bool both_locked = tag != 0 && tag != kSharedTag && (e & kTags) == lock;
    // the lock every access kept and this one held (none when they differ)
    const std::uint64_t l = (e & kTags) == lock ? lock : 0;
    auto make = [&](std::uint64_t who, std::uint64_t st, std::uint64_t m) {
      return shadow_word(tag, who, st, m);
    };
    // the thread's own step: one stretch of code in program order (another step of the
    // same thread may be a task that could have run in parallel: compared like another's)
    const std::uint64_t other = e & kStepMask;
    const bool mine = ((e >> 32) & 0xFF) == thread && other == step;
    bool aside = false;  // a read parallel with the kept one: kept aside as the second
    std::uint64_t next;
    if (state == 0 || (other != step && !parallel_to_mine(static_cast<std::uint32_t>(other)))) {
      next = make(id, write ? kW1 : kR1, mask);  // after the last access: taken over
    } else if (mine) {
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
      aside = true;
    }
    if (next == e || slot->compare_exchange_weak(e, next, std::memory_order_relaxed)) {
      if (aside) keep_aside(w, mask, id, tag, static_cast<std::uint32_t>(other));
      return;
    }
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

inline void access(const void* addr, std::size_t size, bool write, const void* ra,
                   std::uint64_t tag = tl_tag) {
  if (g_chunks == nullptr || tl_skip > 0 || size == 0) return;
  if (tl_thread == 0) number_thread();
  if (tl_step == 0 || g_tree_full.load(std::memory_order_relaxed)) return;
  const std::uintptr_t a = reinterpret_cast<std::uintptr_t>(addr);
  if (a - tl_stack_lo < tl_low - tl_stack_lo) tl_low = a;  // deeper in its own stack
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
// A region begun by this thread: its node, in the thread's scope (0: not recorded).
extern "C" std::uint32_t pcg_conflicts_region() {
  enter_serial();
  if (tl_step == 0) return 0;
  const std::uint32_t region = add(parent(tl_step), kRegion);
  tl_step = step_in(parent(tl_step));  // what follows the region
  return region;
}

extern "C" void pcg_conflicts_task_begin(std::uint32_t region) {
  enter_serial();
  if (tl_depth < kStack) tl_stack[tl_depth] = {tl_step, tl_region, tl_barriers, tl_skip, tl_locks, tl_tag};
  ++tl_depth;
  tl_region = region;
  tl_barriers = 0;
  tl_skip = 0;
  tl_locks = 0;
  tl_tag = 0;
  enter_segment();
}

extern "C" void pcg_conflicts_task_end() {
  if (tl_depth == 0) return;
  --tl_depth;
  if (tl_depth < kStack) {
    const Saved& s = tl_stack[tl_depth];
    tl_step = s.step;
    tl_region = s.region;
    tl_barriers = s.barriers;
    tl_skip = s.skip;
    tl_locks = s.locks;
    tl_tag = s.tag;
  }
  if (tl_depth == 0 && g_nodes != nullptr && (tl_step == 0 || parent(tl_step) == g_serial_scope)) {
    // outside OpenMP again: a new step for the code that follows, which threads not
    // started through pthread_create below share (a thread of the candidate's own goes on
    // in its own task's step after the region)
    tl_step = step_in(g_serial_scope);
    g_serial_step.store(tl_step);
  }
}

// kind: 0 a barrier, 1 a taskwait, 2 a reduction, 3 a taskgroup; begin or end
extern "C" void pcg_conflicts_sync(int kind, bool begin) {
  if (kind == 3) {
    // a taskgroup's begin comes where the construct begins, its end after its wait (in which
    // the thread runs tasks under their own state): the group is a node in the task's scope
    // with the body in scopes under it, ordered before what follows
    if (tl_step == 0) return;
    const std::uint32_t scope = parent(tl_step), group = parent(scope);
    if (begin) {
      const std::uint32_t made = add(scope, kGroup);
      if (made != 0) tl_step = new_scope(made);
      return;
    }
    if ((bits(group) & 15) == kGroup) {
      tl_step = step_in(parent(group));
      return;
    }
    // its begin was not recorded: the tasks of the body's last scope and their descendants
    // are joined (below)
  } else if (begin) {
    ++tl_skip;
    return;
  } else if (tl_skip > 0) {
    --tl_skip;
  }
  if (tl_step == 0) return;
  if (kind == 0 && tl_depth > 0) {
    ++tl_barriers;
    enter_segment();
  } else if (kind == 1 || kind == 3) {
    // the tasks waited for (a taskgroup: and their descendants) are ordered before what
    // follows: the scope is marked, and a new scope of the task begins
    const std::uint32_t scope = parent(tl_step);
    g_nodes[scope].depth_kind.fetch_or(kind == 3 ? kWaited | kWaitedDeep : kWaited);
    tl_step = scope == g_serial_scope ? step_in(scope) : new_scope(parent(scope));
  }
}

// A lock's tag: 1..61 in the order locks are first taken (a critical name's variable, an
// omp_lock_t), so the first 61 never share one; kSharedTag for the others.
std::atomic<std::uint64_t> g_lock_slots[kLockSlots];  // (lock + 1) << 6 | tag
std::atomic<std::uint32_t> g_next_tag{1};

std::uint64_t lock_tag(std::uint64_t lock) {
  const std::uint64_t key = (lock + 1) & ((std::uint64_t{1} << 58) - 1);
  std::size_t i = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 52) & (kLockSlots - 1);
  for (std::size_t probe = 0; probe < 64; ++probe, i = (i + 1) & (kLockSlots - 1)) {
    std::uint64_t cur = g_lock_slots[i].load(std::memory_order_acquire);
    if (cur == 0) {
      // (a number is taken before the slot: two locks never get one; a lost race wastes it)
      const std::uint32_t tag = g_next_tag.fetch_add(1);
      const std::uint64_t mine = key << 6 | (tag < kAtomicTag ? tag : kSharedTag);
      if (g_lock_slots[i].compare_exchange_strong(cur, mine)) return mine & 63;
    }
    if (cur >> 6 == key) return cur & 63;
  }
  return kSharedTag;
}

extern "C" void pcg_conflicts_lock(bool acquired, std::uint64_t lock) {
  if (acquired) {
    const std::uint64_t tag = lock_tag(lock);
    if (tl_locks < kHeld) tl_held[tl_locks] = tag;
    ++tl_locks;
    tl_tag = tag;
    return;
  }
  if (tl_locks == 0) return;
  --tl_locks;  // (locks are released innermost first: the one before is held again)
  tl_tag = tl_locks == 0 ? 0 : tl_held[(tl_locks < kHeld ? tl_locks : kHeld) - 1];
}

// A new explicit task: a task node in its creator's scope, after what the creator did so
// far; the creator goes on in a new step after it. An undeferred task (if(0), a final
// task's children, any task of a team of one) runs to its end before its creator goes on:
// ordered before what follows, its own children not. Returns the task's state for
// pcg_conflicts_switch (its first step; no lock, nothing skipped).
extern "C" std::uint64_t pcg_conflicts_child(bool undeferred) {
  enter_serial();
  if (tl_step == 0) return 0;
  const std::uint32_t scope = parent(tl_step);
  const std::uint32_t first = new_scope(add(scope, undeferred ? kUndeferred : kTask));
  tl_step = step_in(scope);
  return std::uint64_t{first} << 32;
}

// ---- task dependences (OMPT's dependences callback, after the task's creation), as
// OpenMP orders them per address among one creator's tasks: an out one (out, inout,
// mutexinoutset) after every earlier one; in ones, and inoutset ones, unordered among
// themselves, after the last out one or the last run of the other kind.
namespace {
struct DepKey {
  std::uint32_t creator;
  std::uintptr_t address;
  bool operator<(const DepKey& o) const {
    return creator != o.creator ? creator < o.creator : address < o.address;
  }
};
enum DepKind : int { kDepIn = 0, kDepOut = 1, kDepInoutset = 2 };
struct DepState {
  std::vector<std::uint32_t> before;  // what the next task waits for: the last out task, or
                                      // the last run of in (inoutset) tasks before `run`
  std::vector<std::uint32_t> run;     // the in (inoutset) tasks since
  int kind = kDepOut;                 // `run`'s kind
};
std::mutex g_deps_lock;
std::map<DepKey, DepState>* g_deps = nullptr;

// `pred` and what it waited for, down a chain of at most kDepWalk tasks: joined at `at`
// (1 + the order of an undeferred sibling that waited for them) where not joined earlier
void mark_joined(std::uint32_t pred, std::uint32_t at, std::uint32_t scope) {
  std::uint32_t queue[kDepWalk];
  int head = 0, tail = 0;
  queue[tail++] = pred;
  while (head < tail) {
    const std::uint32_t t = queue[head++];
    if (parent(t) != scope) continue;  // (another scope's: a wait already ended it)
    std::uint32_t none = 0;
    g_nodes[t].joined_at.compare_exchange_strong(none, at);
    for (std::uint32_t e = g_nodes[t].preds.load(std::memory_order_acquire); e != 0; e = g_edges[e].next)
      if (tail < kDepWalk) queue[tail++] = g_edges[e].pred;
  }
}

void add_pred(std::uint32_t task, std::uint32_t pred) {
  if (pred == 0 || pred == task) return;
  const std::uint32_t e = g_next_edge.fetch_add(1);
  if (e >= kEdges) return;  // (an order not kept: a false conflict, which the race step judges)
  g_edges[e] = {pred, g_nodes[task].preds.load(std::memory_order_relaxed)};
  g_nodes[task].preds.store(e, std::memory_order_release);
  if (kind(task) == kUndeferred) mark_joined(pred, g_nodes[task].order + 1, parent(task));
}

}  // namespace

namespace {
// The task node of a task's state (what pcg_conflicts_child returned: its first step, in
// a scope of the task).
std::uint32_t task_node(std::uint64_t state) {
  return parent(parent(static_cast<std::uint32_t>(state >> 32)));
}
}  // namespace

// One dependence of a new task (`task`: what pcg_conflicts_child returned for it) on
// `address`, of type `type` (DepKind).
extern "C" void pcg_conflicts_dependence(std::uint64_t task, std::uintptr_t address, int type) {
  if ((task >> 32) == 0 || g_edges == nullptr) return;
  const std::uint32_t node = task_node(task);
  std::uint32_t creator = parent(node);  // the task that made it, above its scopes and groups
  while (creator != 0 && (kind(creator) == kScope || kind(creator) == kGroup)) creator = parent(creator);
  std::lock_guard<std::mutex> hold(g_deps_lock);
  if (g_deps == nullptr) g_deps = new std::map<DepKey, DepState>;
  DepState& d = (*g_deps)[{creator, address}];
  if (type == kDepOut) {
    for (std::uint32_t t : d.run.empty() ? d.before : d.run) add_pred(node, t);
    d.before.assign(1, node);
    d.run.clear();
    d.kind = kDepOut;
    return;
  }
  if (!d.run.empty() && d.kind != type) {
    d.before.swap(d.run);
    d.run.clear();
  }
  for (std::uint32_t t : d.before) add_pred(node, t);
  d.run.push_back(node);
  d.kind = type;
}

// A thread of the candidate's own (`task`: what pcg_conflicts_child returned for it when
// it was started) joined: ordered before what the joining thread does next, when that
// thread's task started it in the same scope (elsewhere it stays parallel: a false
// conflict, which the race step judges).
extern "C" void pcg_conflicts_join(std::uint64_t task) {
  if ((task >> 32) == 0 || g_edges == nullptr) return;
  const std::uint64_t wait = pcg_conflicts_child(true);  // the join: an undeferred node
  if ((wait >> 32) == 0) return;
  std::lock_guard<std::mutex> hold(g_deps_lock);
  add_pred(task_node(wait), task_node(task));
}

// A task switch: the thread's step, skip count and locks held (their number and the last
// one's tag) belong to the task it was running (returned, for the caller to keep with
// that task) and become the next task's: step 32 | locks 9 | tag 6 | skip 16.
//
// The frames below the switch's (and a margin: up to where the next task's frames begin)
// have returned: what the shadow knew of them is forgotten, so that another task this
// thread runs, with its locals at the same addresses, does not meet them.
extern "C" std::uint64_t pcg_conflicts_switch(std::uint64_t next) {
  const std::uintptr_t here = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  const std::uintptr_t limit = here + kFrameMargin;
  if (g_chunks != nullptr && here - tl_stack_lo < tl_stack_hi - tl_stack_lo && tl_low < limit) {
    forget(tl_low, limit);
    tl_low = limit;
  }
  const std::uint64_t prior = std::uint64_t{tl_step} << 32 |
                              (static_cast<std::uint64_t>(tl_locks) & 0x1FF) << 22 |
                              tl_tag << 16 | (static_cast<std::uint64_t>(tl_skip) & 0xFFFF);
  tl_step = static_cast<std::uint32_t>(next >> 32);
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
  void* t = mmap(nullptr, kNodes * sizeof(Node), prot, flags, -1, 0);
  void* e = mmap(nullptr, kEdges * sizeof(Edge), prot, flags, -1, 0);
  void* side = mmap(nullptr, kChunks * sizeof(void*), prot, flags, -1, 0);
  if (a == MAP_FAILED || d == MAP_FAILED || t == MAP_FAILED || e == MAP_FAILED || side == MAP_FAILED)
    return;
  g_side_chunks = static_cast<std::atomic<std::atomic<std::uint64_t>*>*>(side);
  g_nodes = static_cast<Node*>(t);  // (zeroed pages: node 0 and the root have depth 0)
  g_edges = static_cast<Edge*>(e);
  const std::uint32_t root = g_next_node.fetch_add(1);
  g_nodes[root].depth_kind.store(kRoot);
  g_serial_scope = add(root, kScope);
  g_serial_step.store(step_in(g_serial_scope));
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

// ---- the candidate's atomic accesses (tools/traced_ir.py): loads and stores instead of
// the coverage's hooks, read-modify-writes and compare-exchanges (which the coverage does
// not trace) as writes of `bytes`
#define PCG_TRACE_ATOMIC(N)                                                           \
  extern "C" void pcg_traced_atomic_load##N(void* p) {                                \
    access(p, N, false, __builtin_return_address(0), kAtomicTag);                     \
  }                                                                                   \
  extern "C" void pcg_traced_atomic_store##N(void* p) {                               \
    access(p, N, true, __builtin_return_address(0), kAtomicTag);                      \
  }
PCG_TRACE_ATOMIC(1)
PCG_TRACE_ATOMIC(2)
PCG_TRACE_ATOMIC(4)
PCG_TRACE_ATOMIC(8)
PCG_TRACE_ATOMIC(16)
#undef PCG_TRACE_ATOMIC

extern "C" void pcg_traced_atomic_update(void* p, std::uint64_t bytes) {
  access(p, bytes, true, __builtin_return_address(0), kAtomicTag);
}

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

void move(void* d, const void* s, std::size_t n) {
  const auto di = reinterpret_cast<std::uintptr_t>(d), si = reinterpret_cast<std::uintptr_t>(s);
  if (di <= si || di >= si + n)
    copy_forward(d, s, n);
  else if (n > 0)
    copy_backward(d, s, n);
}

// a copy of n bytes from s to d, made by the code at ra
void copied(void* d, const void* s, std::size_t n, const void* ra) {
  access(s, n, false, ra);
  access(d, n, true, ra);
}

void fill(void* d, int c, std::size_t n) {
  asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
}
}  // namespace

extern "C" void* memcpy(void* d, const void* s, std::size_t n) {
  const void* ra = __builtin_return_address(0);
  if (from_here(ra)) copied(d, s, n, ra);
  copy_forward(d, s, n);
  return d;
}

extern "C" void* memmove(void* d, const void* s, std::size_t n) {
  const void* ra = __builtin_return_address(0);
  if (from_here(ra)) copied(d, s, n, ra);
  move(d, s, n);
  return d;
}

extern "C" void* memset(void* d, int c, std::size_t n) {
  const void* ra = __builtin_return_address(0);
  if (from_here(ra)) access(d, n, true, ra);
  fill(d, c, n);
  return d;
}

// ---- pthread mutexes (std::mutex) the candidate's code takes: held like OpenMP locks.
// Defined here, they replace the C library's for the whole process; libomp's and the C++
// library's own calls are passed on unrecorded. (The C library's are looked up without a
// function-local static: its guard may take a mutex.)
namespace {
using pcg::next_definition;

using MutexCall = int (*)(pthread_mutex_t*);
std::atomic<MutexCall> g_lock_call{nullptr}, g_trylock_call{nullptr}, g_unlock_call{nullptr};
}  // namespace

extern "C" int pthread_mutex_lock(pthread_mutex_t* m) {
  const int r = next_definition(g_lock_call, "pthread_mutex_lock")(m);
  if (r == 0 && from_here(__builtin_return_address(0)))
    pcg_conflicts_lock(true, reinterpret_cast<std::uint64_t>(m));
  return r;
}

extern "C" int pthread_mutex_trylock(pthread_mutex_t* m) {
  const int r = next_definition(g_trylock_call, "pthread_mutex_trylock")(m);
  if (r == 0 && from_here(__builtin_return_address(0)))
    pcg_conflicts_lock(true, reinterpret_cast<std::uint64_t>(m));
  return r;
}

extern "C" int pthread_mutex_unlock(pthread_mutex_t* m) {
  if (from_here(__builtin_return_address(0)))
    pcg_conflicts_lock(false, reinterpret_cast<std::uint64_t>(m));
  return next_definition(g_unlock_call, "pthread_mutex_unlock")(m);
}

// ---- threads of the candidate's own (std::thread, std::async, pthread_create): each is
// a task node in its creator's scope, so that it is parallel with what its creator does
// next until pthread_join orders it (pcg_conflicts_join). libomp's own threads are passed
// on: its OMPT events place them.
namespace {
struct Started {
  void* (*start)(void*);
  void* arg;
  std::uint64_t state;  // the thread's first step, for pcg_conflicts_switch (0: none)
};

void* start_traced(void* p) {
  const Started s = *static_cast<Started*>(p);
  delete static_cast<Started*>(p);
  if (s.state != 0) pcg_conflicts_switch(s.state);
  return s.start(s.arg);
}

bool from_libomp(const void* ra) {
  Dl_info caller, omp;
  void* fork = dlsym(RTLD_DEFAULT, "__kmpc_fork_call");
  return fork != nullptr && dladdr(ra, &caller) != 0 && dladdr(fork, &omp) != 0 &&
         caller.dli_fbase == omp.dli_fbase;
}

using Create = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
using Join = int (*)(pthread_t, void**);
std::atomic<Create> g_create{nullptr};
std::atomic<Join> g_join{nullptr};
std::mutex g_threads_lock;
std::map<pthread_t, std::uint64_t>* g_threads = nullptr;  // started, not joined yet
}  // namespace

extern "C" int pthread_create(pthread_t* t, const pthread_attr_t* attr, void* (*start)(void*),
                              void* arg) {
  const Create create = next_definition(g_create, "pthread_create");
  if (g_nodes == nullptr || from_libomp(__builtin_return_address(0)))
    return create(t, attr, start, arg);
  const std::uint64_t state = pcg_conflicts_child(false);
  auto* s = new Started{start, arg, state};
  const int r = create(t, attr, start_traced, s);
  if (r != 0) {
    delete s;
    return r;
  }
  if (state != 0) {
    std::lock_guard<std::mutex> hold(g_threads_lock);
    if (g_threads == nullptr) g_threads = new std::map<pthread_t, std::uint64_t>;
    (*g_threads)[*t] = state;
  }
  return r;
}

extern "C" int pthread_join(pthread_t t, void** result) {
  const int r = next_definition(g_join, "pthread_join")(t, result);
  if (r != 0) return r;
  std::uint64_t state = 0;
  {
    std::lock_guard<std::mutex> hold(g_threads_lock);
    if (g_threads != nullptr) {
      auto it = g_threads->find(t);
      if (it != g_threads->end()) {
        state = it->second;
        g_threads->erase(it);
      }
    }
  }
  if (state != 0) pcg_conflicts_join(state);
  return r;
}

// ---- the candidate's memory intrinsics (tools/traced_ir.py): an aggregate copy or fill
// the backend would expand into moves the coverage never saw, called here instead.
extern "C" void pcg_traced_memcpy(void* d, const void* s, std::uint64_t n, bool) {
  copied(d, s, n, __builtin_return_address(0));
  copy_forward(d, s, n);
}

extern "C" void pcg_traced_memmove(void* d, const void* s, std::uint64_t n, bool) {
  copied(d, s, n, __builtin_return_address(0));
  move(d, s, n);
}

extern "C" void pcg_traced_memset(void* d, std::uint8_t c, std::uint64_t n, bool) {
  access(d, n, true, __builtin_return_address(0));
  fill(d, c, n);
}

// ... with a 32-bit length
extern "C" void pcg_traced_memcpy32(void* d, const void* s, std::uint32_t n, bool) {
  copied(d, s, n, __builtin_return_address(0));
  copy_forward(d, s, n);
}

extern "C" void pcg_traced_memmove32(void* d, const void* s, std::uint32_t n, bool) {
  copied(d, s, n, __builtin_return_address(0));
  move(d, s, n);
}

extern "C" void pcg_traced_memset32(void* d, std::uint8_t c, std::uint32_t n, bool) {
  access(d, n, true, __builtin_return_address(0));
  fill(d, c, n);
}

// ---- free: the same addresses may come to the next allocation of this thread (another
// task's temporaries) or, for a large block given back to the kernel, of another thread:
// what the shadow knew of them is forgotten first.
extern "C" void __libc_free(void*);

extern "C" void free(void* p) {
  if (p != nullptr && g_chunks != nullptr) {
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    forget(a, a + malloc_usable_size(p));
  }
  __libc_free(p);
}

// realloc frees the old block inside the C library when it moves it (or the tail when it
// shrinks it in place): forgotten the same way
extern "C" void* __libc_realloc(void*, std::size_t);

extern "C" void* realloc(void* p, std::size_t n) {
  const std::size_t had = p != nullptr && g_chunks != nullptr ? malloc_usable_size(p) : 0;
  void* q = __libc_realloc(p, n);
  if (had == 0 || (q == nullptr && n != 0)) return q;  // (failed: the old block stays)
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  if (q != p) {
    forget(a, a + had);
  } else if (n < had) {
    forget(a + n, a + had);
  }
  return q;
}

// ---- an explicit task's block, as its entry begins (tools/traced_ir.py): a taskloop's
// tasks' blocks are made inside libomp, each maybe a finished task's; what the shadow knew
// of the finished task's private copies there is forgotten.
extern "C" void pcg_task_block(void* task, std::uint64_t bytes) {
  if (g_chunks == nullptr) return;
  const auto t = reinterpret_cast<std::uintptr_t>(task);
  forget(t, t + bytes);
}

namespace {
using TaskAlloc = void* (*)(void*, std::int32_t, std::int32_t, std::size_t, std::size_t, void*);
std::atomic<TaskAlloc> g_task_alloc{nullptr};
}  // namespace

// ---- a new explicit task's block: libomp gives a finished task's memory to the next task
// (its own free lists, not free()); what the shadow knew of it (the finished task reading
// its arguments, which a later task's creator now writes) is forgotten. The candidate's
// calls come here (the executable's definition), libomp's own stay inside it.
extern "C" void* __kmpc_omp_task_alloc(void* loc, std::int32_t gtid, std::int32_t flags,
                                       std::size_t task_bytes, std::size_t shared_bytes,
                                       void* entry) {
  void* task = next_definition(g_task_alloc, "__kmpc_omp_task_alloc")(loc, gtid, flags, task_bytes,
                                                                    shared_bytes, entry);
  if (task != nullptr && g_chunks != nullptr) {
    const auto t = reinterpret_cast<std::uintptr_t>(task);
    forget(t, t + task_bytes);  // the task (its first field: where its shared variables are)
    const auto shared = reinterpret_cast<std::uintptr_t>(*static_cast<void**>(task));
    if (shared != 0) forget(shared, shared + shared_bytes);
  }
  return task;
}

// parcodegen harness support: deterministic inputs, timing and output records.
// Included by every generated harness and by problems' hooks.h. Header-only.
#ifndef PARCODEGEN_HARNESS_H
#define PARCODEGEN_HARNESS_H

#include <algorithm>
#include <array>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>
#include <new>
#include <utility>
#include <string>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>
// No <omp.h> here: hooks.h includes this header, and so do candidates; a candidate that
// calls the OpenMP API must include <omp.h> itself (the generated harness main does).
#if defined(__linux__)
#include <dirent.h>
#endif
#ifdef PCG_GUARD
#include <sanitizer/asan_interface.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace pcg {

constexpr int EVENT_FD = 3;   // events to the sandbox launcher (see parse_options)
constexpr int RESULT_FD = 4;  // output records (see Out), or the stored inputs (save mode)
constexpr int INPUT_FD = 5;   // stored inputs to read (load mode): a sealed file, read-only

// Where a call's inputs come from (parameter "inputs"): made from the seed (make), made
// and written to RESULT_FD without calling the function (save), or read from INPUT_FD
// (load: the bytes one save run wrote, so the reference and the candidate of a timed
// pair get the same inputs without each making them again).
enum class InputMode { Make, Save, Load };
inline InputMode& input_mode() {
  static InputMode mode = InputMode::Make;
  return mode;
}

enum class Pattern { Random, Sorted, Reversed, Constant, Extremes };

inline Pattern parse_pattern(const char* s) {
  if (!std::strcmp(s, "sorted")) return Pattern::Sorted;
  if (!std::strcmp(s, "reversed")) return Pattern::Reversed;
  if (!std::strcmp(s, "constant")) return Pattern::Constant;
  if (!std::strcmp(s, "extremes")) return Pattern::Extremes;
  return Pattern::Random;
}

// splitmix64-seeded xoshiro256**: identical streams on every platform.
struct Rng {
  std::uint64_t s[4];
  explicit Rng(std::uint64_t seed) {
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ull;
    for (auto& w : s) {
      z += 0x9E3779B97F4A7C15ull;
      std::uint64_t x = z;
      x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
      x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
      w = x ^ (x >> 31);
    }
  }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
  // Uniform integer in [lo, hi] (inclusive); lo when hi < lo.
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi) {
    if (hi <= lo) return lo;
    const std::uint64_t span = static_cast<std::uint64_t>(hi - lo) + 1;
    if (span == 0) return static_cast<std::int64_t>(next());
    return lo + static_cast<std::int64_t>(next() % span);
  }
  // Uniform real in [lo, hi).
  double uniform_real(double lo, double hi) {
    return lo + (hi - lo) * (static_cast<double>(next() >> 11) * 0x1.0p-53);
  }
};

template <class T>
T draw(Rng& rng, double lo, double hi) {
  if constexpr (std::is_same_v<T, bool>) {
    return rng.uniform_int(0, 1) != 0;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(rng.uniform_int(static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)));
  } else {
    return static_cast<T>(rng.uniform_real(lo, hi));
  }
}

// Fill `count` elements following a pattern; `data` may be any arithmetic type.
template <class T>
void fill(T* data, std::size_t count, Rng& rng, double lo, double hi, Pattern pattern) {
  switch (pattern) {
    case Pattern::Constant: {
      const T v = draw<T>(rng, lo, hi);
      for (std::size_t i = 0; i < count; ++i) data[i] = v;
      return;
    }
    case Pattern::Extremes:
      for (std::size_t i = 0; i < count; ++i) data[i] = static_cast<T>(rng.uniform_int(0, 1) ? hi : lo);
      return;
    default:
      for (std::size_t i = 0; i < count; ++i) data[i] = draw<T>(rng, lo, hi);
  }
  if (pattern == Pattern::Sorted) std::sort(data, data + count);
  if (pattern == Pattern::Reversed) std::sort(data, data + count, [](const T& a, const T& b) { return b < a; });
}

// std::complex<T>: real and imaginary parts drawn like two elements of T
template <class T>
void fill(std::complex<T>* data, std::size_t count, Rng& rng, double lo, double hi, Pattern pattern) {
  fill(reinterpret_cast<T*>(data), 2 * count, rng, lo, hi, pattern);
}

template <class T, class A>
void fill(std::vector<T, A>& v, Rng& rng, double lo, double hi, Pattern pattern) {
  fill(v.data(), v.size(), rng, lo, hi, pattern);
}

template <class A>
void fill(std::vector<bool, A>& v, Rng& rng, double lo, double hi, Pattern pattern) {
  std::vector<unsigned char> tmp(v.size());
  fill(tmp.data(), tmp.size(), rng, lo < 0 ? 0.0 : lo, hi > 1 ? 1.0 : hi, pattern);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = tmp[i] != 0;
}

template <class T, std::size_t N>
void fill(std::array<T, N>& v, Rng& rng, double lo, double hi, Pattern pattern) {
  fill(v.data(), N, rng, lo, hi, pattern);
}

// Integer values that are valid indices of an array of `limit` elements (none when empty).
template <class T>
void fill_indices(T* data, std::size_t count, Rng& rng, std::size_t limit, Pattern pattern) {
  fill(data, count, rng, 0.0, limit > 0 ? static_cast<double>(limit - 1) : 0.0, pattern);
}

// CSR-style offsets into an array of `total` elements: non-decreasing, first 0, last total.
template <class T>
void fill_offsets(T* data, std::size_t count, Rng& rng, std::size_t total) {
  if (count == 0) return;
  for (std::size_t i = 0; i < count; ++i) data[i] = static_cast<T>(rng.uniform_int(0, static_cast<std::int64_t>(total)));
  std::sort(data, data + count);
  data[0] = 0;
  data[count - 1] = static_cast<T>(total);
}

// An explicit input ([[edge]]): copy `values` in; a length mismatch is the problem's fault.
template <class T, class V>
void assign_edge(T* data, std::size_t count, const std::vector<V>& values, const char* name) {
  if (values.size() != count) {
    std::fprintf(stderr, "parcodegen harness: edge input '%s' has %zu values, the argument has %zu elements\n",
                 name, values.size(), count);
    std::exit(96);
  }
  for (std::size_t i = 0; i < count; ++i) data[i] = static_cast<T>(values[i]);
}
template <class T, class A, class V>
void assign_edge(std::vector<T, A>& v, const std::vector<V>& values, const char* name) {
  if constexpr (std::is_same_v<T, bool>) {
    if (values.size() != v.size()) assign_edge(static_cast<unsigned char*>(nullptr), v.size(), values, name);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = values[i] != 0;
  } else {
    assign_edge(v.data(), v.size(), values, name);
  }
}

// Arrays the function receives as pointers. With PCG_GUARD (the sanitizer check of the
// reference, `parcodegen problem check`) each one gets its own mapping with inaccessible
// pages on both sides and its data ending exactly at a page boundary (the bytes before it
// poisoned for AddressSanitizer), so any access outside it faults, however far; each
// buffer's address range is written to stderr so a fault can be named after its argument.
#ifdef PCG_GUARD
template <class T>
struct GuardAlloc {
  using value_type = T;
  GuardAlloc() = default;
  template <class U>
  GuardAlloc(const GuardAlloc<U>&) {}
  T* allocate(std::size_t count) {
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const std::size_t bytes = count * sizeof(T), span = (bytes + page - 1) / page * page;
    std::size_t guard = std::max<std::size_t>(span * 2, 1u << 20);
    if (guard > (std::size_t(1) << 30)) guard = std::size_t(1) << 30;
    char* base = static_cast<char*>(mmap(nullptr, guard + span + guard, PROT_NONE,
                                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
    if (base == MAP_FAILED) throw std::bad_alloc();
    if (span) mprotect(base + guard, span, PROT_READ | PROT_WRITE);
    char* data = base + guard + (span - bytes);
    if (span > bytes) ASAN_POISON_MEMORY_REGION(base + guard, span - bytes);
    return reinterpret_cast<T*>(data);
  }
  void deallocate(T*, std::size_t) {}  // the process ends right after the call
  template <class U>
  bool operator==(const GuardAlloc<U>&) const { return true; }
  template <class U>
  bool operator!=(const GuardAlloc<U>&) const { return false; }
};
template <class T>
using buffer = std::vector<T, GuardAlloc<T>>;
inline void note_buffer(const char* name, const void* data, std::size_t bytes) {
  std::fprintf(stderr, "pcg-buffer %s %p %zu\n", name, data, bytes);
}
// The pointer passed for a buffer: an empty one gets a guarded address too (not null),
// so that reading element 0 of an empty array is reported as outside it.
template <class T, class A>
T* data_of(std::vector<T, A>& v) {
  if (!v.empty()) return v.data();
  static std::vector<std::pair<const void*, T*>> empties;
  for (auto& e : empties)
    if (e.first == &v) return e.second;
  empties.emplace_back(&v, GuardAlloc<T>().allocate(0));
  return empties.back().second;
}
#else
template <class T>
using buffer = std::vector<T>;
inline void note_buffer(const char*, const void*, std::size_t) {}
template <class T, class A>
T* data_of(std::vector<T, A>& v) {
  return v.data();
}
#endif

// Output records: "PCG1" magic, then per record
//   u32 name_len, name bytes, u8 kind, u64 count (the array's full length), then
//   kind 'f' float64 / 'i' int64 / 'u' uint64: count values;
//   kind 'F' / 'I' / 'U' (a sample): u64 k, k positions (u64, ascending), k values.
// With `samples` in [2, 2^30] (anything else means 0: all) an array longer than `samples`
// is written as a sample of that many elements: the first, the last, and one seeded random
// position in each of samples - 2 equal strata between them; same (seed, name, length) ->
// same positions. Scalars, shorter arrays and names passed to keep_full() stay in full.
struct Out {
  std::FILE* f = nullptr;
  std::size_t samples = 0;  // 0: every element
  std::uint64_t seed = 0;
  std::vector<std::string> full;  // outputs never sampled (compared order-insensitively)

  // The records go to descriptor 4 (RESULT_FD), which the sandbox opened outside the
  // work directory before the program started.
  explicit Out(std::size_t samples_ = 0, std::uint64_t seed_ = 0)
      : samples(samples_ >= 2 && samples_ <= (1u << 30) ? samples_ : 0), seed(seed_) {
    if (input_mode() == InputMode::Save) return;  // fd 4 gets the stored inputs instead
    f = fdopen(RESULT_FD, "wb");
    if (!f) {
      std::perror("parcodegen harness: no results descriptor (run it through the sandbox)");
      std::exit(97);
    }
    std::fwrite("PCG1", 1, 4, f);
  }
  // Records kept in memory (open_memstream) for a call made beside another, written to
  // `to` after both (side_to): the same sampling and full outputs as `like`.
  struct Side {};
  Out(Side, const Out& like) : samples(like.samples), seed(like.seed), full(like.full) {
    f = open_memstream(&side_buf_, &side_len_);
    if (!f) {
      std::perror("parcodegen harness: no memory for a side call's records");
      std::exit(97);
    }
  }
  void side_to(Out& to) {
    std::fclose(f);
    f = nullptr;
    std::fwrite(side_buf_, 1, side_len_, to.f);
    std::free(side_buf_);
    side_buf_ = nullptr;
  }
  ~Out() {
    if (f) std::fclose(f);
    std::free(side_buf_);
  }
  Out(const Out&) = delete;
  Out& operator=(const Out&) = delete;

  void keep_full(const char* name) { full.emplace_back(name); }

  char* side_buf_ = nullptr;
  std::size_t side_len_ = 0;

  // Every record name gets the current call's tag ("" for call 0, "@k:" after), so hooks
  // that write fixed names (out.put("rows", ...)) still give each call its own records.
  std::string tag;

  void header(const char* name, char kind, std::uint64_t count) {
    const std::string full_name = tag + name;
    const std::uint32_t len = static_cast<std::uint32_t>(full_name.size());
    std::fwrite(&len, sizeof len, 1, f);
    std::fwrite(full_name.data(), 1, len, f);
    std::fwrite(&kind, 1, 1, f);
    std::fwrite(&count, sizeof count, 1, f);
  }
  template <class W, class T>
  void write_as(const T* data, std::size_t count) {
    W buf[4096];
    for (std::size_t i = 0; i < count;) {
      std::size_t k = 0;
      for (; k < 4096 && i < count; ++k, ++i) buf[k] = static_cast<W>(data[i]);
      std::fwrite(buf, sizeof(W), k, f);
    }
  }
  // The sampled positions of an array of `count` > samples elements, ascending.
  std::vector<std::uint64_t> positions(const char* name, std::uint64_t count) const {
    std::uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a of the name: each output its own walk
    for (const char* c = name; *c; ++c) h = (h ^ static_cast<unsigned char>(*c)) * 0x100000001B3ull;
    Rng rng(seed ^ h ^ 0x243F6A8885A308D3ull);
    const std::uint64_t strata = samples - 2, inner = count - 2;  // elements 1 .. count-2
    const std::uint64_t q = strata ? inner / strata : 0, r = strata ? inner % strata : 0;
    // stratum j starts at floor(j * inner / strata), without overflow
    auto start = [&](std::uint64_t j) { return j * q + (j * r) / strata; };
    std::vector<std::uint64_t> pos;
    pos.reserve(samples);
    pos.push_back(0);
    for (std::uint64_t j = 0; j < strata; ++j) {
      const std::uint64_t lo = start(j), width = start(j + 1) - lo;  // >= 1: inner >= strata
      pos.push_back(1 + lo + rng.next() % width);
    }
    pos.push_back(count - 1);
    return pos;
  }
  bool sampled(const char* name, std::size_t count) const {
    if (samples == 0 || count <= samples) return false;
    for (const auto& s : full)
      if (s == name) return false;
    return true;
  }
  template <class W, class T>
  void write_sample(const char* name, char kind, const T* data, std::size_t count) {
    const std::vector<std::uint64_t> pos = positions(name, count);
    header(name, kind, count);
    const std::uint64_t k = pos.size();
    std::fwrite(&k, sizeof k, 1, f);
    std::fwrite(pos.data(), sizeof(std::uint64_t), pos.size(), f);
    std::vector<W> vals(pos.size());
    for (std::size_t i = 0; i < pos.size(); ++i) vals[i] = static_cast<W>(data[pos[i]]);
    std::fwrite(vals.data(), sizeof(W), vals.size(), f);
  }
  template <class W, class T>
  void put_as(const char* name, char kind, const T* data, std::size_t count) {
    if (sampled(name, count)) {
      write_sample<W>(name, static_cast<char>(kind - 'a' + 'A'), data, count);
    } else {
      header(name, kind, count);
      write_as<W>(data, count);
    }
  }
  template <class T>
  void put(const char* name, const T* data, std::size_t count) {
    static_assert(std::is_arithmetic_v<T>, "pcg::Out::put needs an arithmetic type");
    if constexpr (std::is_floating_point_v<T>) {
      put_as<double>(name, 'f', data, count);
    } else if constexpr (std::is_signed_v<T> && !std::is_same_v<T, bool>) {
      put_as<std::int64_t>(name, 'i', data, count);
    } else {
      put_as<std::uint64_t>(name, 'u', data, count);
    }
  }
  // std::complex<T>: written as 2 * count values of T (real, imaginary, real, ...)
  template <class T>
  void put(const char* name, const std::complex<T>* data, std::size_t count) {
    put(name, reinterpret_cast<const T*>(data), 2 * count);
  }
  template <class T>
  void put(const char* name, const T& value) {
    put(name, &value, 1);
  }
  template <class T, class A>
  void put(const char* name, const std::vector<T, A>& v) {
    if constexpr (std::is_same_v<T, bool>) {
      std::vector<unsigned char> tmp(v.begin(), v.end());
      put(name, tmp.data(), tmp.size());
    } else {
      put(name, v.data(), v.size());
    }
  }
  template <class T, std::size_t N>
  void put(const char* name, const std::array<T, N>& v) {
    put(name, v.data(), N);
  }
};

// ---------------------------------------------------------------- stored inputs
// The byte stream of save mode: "PCGI", u8 1 (0: some input type cannot be stored, and
// nothing follows), then every input in argument order: arithmetic values, enums and
// generated structs as their bytes; std::vector / std::basic_string as u64 length + the
// elements; std::array, std::pair, std::complex element by element; a hook type through
// its `pcg_fields(T&, f)` (next to the type in hooks.h: f(field) for every field).
// Any other type (a raw pointer, a class without pcg_fields) is not storable: its
// problem's timing makes the inputs in every run, as before.
template <class T>
struct stored_as_bytes : std::false_type {};  // the generated harness marks its structs

struct field_probe {
  template <class U>
  void operator()(U&) const {}
};
template <class T, class = void>
struct has_fields : std::false_type {};
template <class T>
struct has_fields<T, std::void_t<decltype(pcg_fields(std::declval<T&>(), std::declval<field_probe&>()))>>
    : std::true_type {};

template <class T>
struct storable : std::bool_constant<std::is_arithmetic_v<T> || std::is_enum_v<T> ||
                                     stored_as_bytes<T>::value || has_fields<T>::value> {};
template <class T>
constexpr bool storable_v = storable<std::remove_cv_t<std::remove_reference_t<T>>>::value;
template <class T>
struct storable<std::complex<T>> : storable<T> {};
template <class T, class A>
struct storable<std::vector<T, A>> : storable<T> {};
template <class T, std::size_t N>
struct storable<std::array<T, N>> : storable<T> {};
template <class A, class B>
struct storable<std::pair<A, B>> : std::bool_constant<storable_v<A> && storable_v<B>> {};
template <class C, class Tr, class A>
struct storable<std::basic_string<C, Tr, A>> : std::is_arithmetic<C> {};

[[noreturn]] inline void input_failure(const char* what) {
  std::fprintf(stderr, "parcodegen harness: stored inputs: %s\n", what);
  std::exit(95);
}

struct InputWriter {
  std::FILE* f;
  struct to_stream {};  // writes no header: the const-input check's byte image
  InputWriter(to_stream, std::FILE* stream) : f(stream) {}
  explicit InputWriter(bool storable) {
    f = fdopen(RESULT_FD, "wb");
    if (!f) input_failure("no results descriptor (run it through the sandbox)");
    const unsigned char flag = storable ? 1 : 0;
    bytes("PCGI", 4);
    bytes(&flag, 1);
  }
  void bytes(const void* p, std::size_t k) {
    if (k && std::fwrite(p, 1, k, f) != k) input_failure("cannot write");
  }
  [[noreturn]] void finish() {
    if (std::fclose(f) != 0) input_failure("cannot write");
    std::exit(0);
  }
};

struct InputReader {
  std::uint64_t offset = 0;
  InputReader() {
    char magic[5];
    bytes(magic, 5);
    if (std::memcmp(magic, "PCGI\1", 5) != 0) input_failure("not a stored input stream");
  }
  void bytes(void* p, std::size_t k) {
    auto* d = static_cast<char*>(p);
    while (k > 0) {
      const ssize_t got = ::pread(INPUT_FD, d, k, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) input_failure("short or unreadable (is descriptor 5 the stored inputs?)");
      d += got;
      k -= static_cast<std::size_t>(got);
      offset += static_cast<std::uint64_t>(got);
    }
  }
  void finish() {
    char extra;
    if (::pread(INPUT_FD, &extra, 1, static_cast<off_t>(offset)) != 0) input_failure("bytes left over");
  }
};

template <class T> void store(InputWriter& w, const T& v);
template <class T> void load(InputReader& r, T& v);
template <class T, class A> void store(InputWriter& w, const std::vector<T, A>& v);
template <class T, class A> void load(InputReader& r, std::vector<T, A>& v);
template <class A> void store(InputWriter& w, const std::vector<bool, A>& v);
template <class A> void load(InputReader& r, std::vector<bool, A>& v);
template <class T, std::size_t N> void store(InputWriter& w, const std::array<T, N>& v);
template <class T, std::size_t N> void load(InputReader& r, std::array<T, N>& v);
template <class A, class B> void store(InputWriter& w, const std::pair<A, B>& v);
template <class A, class B> void load(InputReader& r, std::pair<A, B>& v);
template <class T> void store(InputWriter& w, const std::complex<T>& v);
template <class T> void load(InputReader& r, std::complex<T>& v);
template <class C, class Tr, class A> void store(InputWriter& w, const std::basic_string<C, Tr, A>& v);
template <class C, class Tr, class A> void load(InputReader& r, std::basic_string<C, Tr, A>& v);

template <class T>
constexpr bool plain_bytes = std::is_arithmetic_v<T> || std::is_enum_v<T> || stored_as_bytes<T>::value;

template <class T>
void store(InputWriter& w, const T& v) {
  if constexpr (plain_bytes<T>) {
    w.bytes(&v, sizeof v);
  } else if constexpr (has_fields<T>::value) {
    pcg_fields(const_cast<T&>(v), [&w](auto& field) { store(w, field); });
  } else {
    input_failure("an input type that cannot be stored");
  }
}
template <class T>
void load(InputReader& r, T& v) {
  if constexpr (plain_bytes<T>) {
    r.bytes(&v, sizeof v);
  } else if constexpr (has_fields<T>::value) {
    pcg_fields(v, [&r](auto& field) { load(r, field); });
  } else {
    input_failure("an input type that cannot be loaded");
  }
}
template <class T, class A>
void store(InputWriter& w, const std::vector<T, A>& v) {
  const std::uint64_t k = v.size();
  w.bytes(&k, sizeof k);
  if constexpr (plain_bytes<T>) {
    w.bytes(v.data(), k * sizeof(T));
  } else {
    for (const auto& x : v) store(w, x);
  }
}
template <class T, class A>
void load(InputReader& r, std::vector<T, A>& v) {
  std::uint64_t k = 0;
  r.bytes(&k, sizeof k);
  if (k > (std::uint64_t(1) << 40)) input_failure("an implausible length");
  v.resize(static_cast<std::size_t>(k));
  if constexpr (plain_bytes<T>) {
    r.bytes(v.data(), k * sizeof(T));
  } else {
    for (auto& x : v) load(r, x);
  }
}
template <class A>
void store(InputWriter& w, const std::vector<bool, A>& v) {
  const std::uint64_t k = v.size();
  w.bytes(&k, sizeof k);
  for (std::size_t i = 0; i < v.size(); ++i) {
    const unsigned char b = v[i] ? 1 : 0;
    w.bytes(&b, 1);
  }
}
template <class A>
void load(InputReader& r, std::vector<bool, A>& v) {
  std::uint64_t k = 0;
  r.bytes(&k, sizeof k);
  if (k > (std::uint64_t(1) << 40)) input_failure("an implausible length");
  std::vector<unsigned char> tmp(static_cast<std::size_t>(k));
  r.bytes(tmp.data(), tmp.size());
  v.assign(tmp.begin(), tmp.end());
}
template <class T, std::size_t N>
void store(InputWriter& w, const std::array<T, N>& v) {
  for (const auto& x : v) store(w, x);
}
template <class T, std::size_t N>
void load(InputReader& r, std::array<T, N>& v) {
  for (auto& x : v) load(r, x);
}
template <class A, class B>
void store(InputWriter& w, const std::pair<A, B>& v) {
  store(w, v.first);
  store(w, v.second);
}
template <class A, class B>
void load(InputReader& r, std::pair<A, B>& v) {
  load(r, v.first);
  load(r, v.second);
}
template <class T>
void store(InputWriter& w, const std::complex<T>& v) {
  const T parts[2] = {v.real(), v.imag()};
  store(w, parts[0]);
  store(w, parts[1]);
}
template <class T>
void load(InputReader& r, std::complex<T>& v) {
  T re{}, im{};
  load(r, re);
  load(r, im);
  v = std::complex<T>(re, im);
}
template <class C, class Tr, class A>
void store(InputWriter& w, const std::basic_string<C, Tr, A>& v) {
  const std::uint64_t k = v.size();
  w.bytes(&k, sizeof k);
  w.bytes(v.data(), k * sizeof(C));
}
template <class C, class Tr, class A>
void load(InputReader& r, std::basic_string<C, Tr, A>& v) {
  std::uint64_t k = 0;
  r.bytes(&k, sizeof k);
  if (k > (std::uint64_t(1) << 40)) input_failure("an implausible length");
  v.resize(static_cast<std::size_t>(k));
  r.bytes(v.data(), k * sizeof(C));
}

// The harness protocol with the sandbox launcher (src/parcodegen/sandbox/jail.c):
//  - fd 3 (EVENT_FD): one byte per event, timestamped by the launcher, a process the
//    program cannot write to: 'R' the program started and waits for its parameters,
//    'S' a timed call starts, 'E' it ended. A call's time is E - S as the launcher saw
//    it; nothing in this process records it.
//  - stdin: the parameters, sent by the launcher only after 'R' ("key value" lines until
//    end of file: seed, n, pattern, samples, plan, inputs), never in argv or the
//    environment, so no code can know the input before the program has started.
//  - fd 5 (INPUT_FD), with "inputs load" only: the stored inputs (see InputWriter).
//  - fd 4 (RESULT_FD): the output records (Out).
inline void event(char code) {
  if (::write(EVENT_FD, &code, 1) != 1) {
    std::perror("parcodegen harness: no event descriptor (run it through the sandbox)");
    std::exit(97);
  }
}
inline void call_begin() { event('S'); }
inline void call_end() { event('E'); }

// One call of the target function: its inputs come from (seed, n, pattern/edge); threads
// > 0 sets the thread count with omp_set_num_threads just before the call.
struct Call {
  std::uint64_t seed = 1;
  std::size_t n = 0;
  Pattern pattern = Pattern::Random;
  int edge = -1;  // >= 0: explicit input number `edge` of the problem (pattern "edge<k>")
  int threads = 0;
  bool nudge = false;  // change one element of every plain input array (see nudge)
  int alt = 0;  // > 0: the numbers the problem holds fixed take their alternative `alt`
};

// The input of a call made again with one element changed: element k = 2n/5 + 1 takes its
// right neighbour's value (a sorted array stays sorted, offsets stay monotone, indices
// stay valid). A result memoized under a key sampled from a few elements (the size,
// the first, middle and last ones) is returned for this input too, and is wrong.
template <class V>
void nudge(V& v) {
  const std::size_t n = v.size();
  if (n < 3) return;
  const std::size_t k = n * 2 / 5 + 1;
  if (k + 1 < n) v[k] = v[k + 1];
}

struct Options {
  std::uint64_t seed = 1;
  std::size_t n = 0;
  Pattern pattern = Pattern::Random;
  int edge = -1;  // >= 0: explicit input number `edge` of the problem (pattern "edge<k>")
  std::size_t samples = 0;  // 0: write every output in full (see Out)
  // The calls made in this process, in order. Without a PLAN argument: one call from
  // (seed, n, pattern). Call 0's outputs keep their names; call k > 0 writes "@k:name".
  std::vector<Call> calls;
  bool check_inputs = false;  // record const inputs a call changed ("@k:__changed:x")
  std::size_t batch = 0;  // > 1: the plan's one call made this many times, each on its own
                          // seed, in one timed window, their inputs made first (Window)
  bool pairs = false;  // calls k and k+1 made at once from two threads (the generated main)
  int cores = 0;  // > 0: the core count shown where a call sets no thread count (pcg_shown_cores.h)
  bool fixed_cores = false;  // with cores > 0: shown for every call, also one that sets its
                             // thread count (more threads than cores: 'f')
  bool guard = false;  // const inputs read-only while the call runs (pcg_guarded_inputs.h)
};

inline int parse_edge(const char* s) { return !std::strncmp(s, "edge", 4) ? std::atoi(s + 4) : -1; }

// The seed of call j of a batch whose first call has `seed` (tools/harness.py says the same).
inline std::uint64_t batch_seed(std::uint64_t seed, std::size_t j) {
  return seed + 1000003ull * static_cast<std::uint64_t>(j);
}

// "c;SEED:N:PATTERN:THREADS[:NUDGE[:ALT]];..." (flags first: 'c' check const inputs, "bK" the one call
// made K times in one timed window (see Window, batch_seed), 'p' calls made two at a time
// from two threads, 'g' const inputs read-only during the call (pcg_guarded_inputs.h),
// "nK" K cores shown (pcg_shown_cores.h) where a call sets no thread count, 'f' with "nK":
// K shown for every call, so a call of more threads than K runs oversubscribed; '-' for none).
inline void parse_plan(const char* plan, Options& o) {
  const std::string s(plan);
  std::size_t pos = 0;
  bool first = true;
  while (pos <= s.size()) {
    std::size_t end = s.find(';', pos);
    if (end == std::string::npos) end = s.size();
    const std::string item = s.substr(pos, end - pos);
    pos = end + 1;
    if (first) {
      first = false;
      o.check_inputs = item.find('c') != std::string::npos;
      o.pairs = item.find('p') != std::string::npos;
      o.guard = item.find('g') != std::string::npos;
      const std::size_t c = item.find('n');
      if (c != std::string::npos) o.cores = std::atoi(item.c_str() + c + 1);
      o.fixed_cores = o.cores > 0 && item.find('f') != std::string::npos;
      const std::size_t b = item.find('b');
      if (b != std::string::npos) o.batch = std::strtoull(item.c_str() + b + 1, nullptr, 10);
      continue;
    }
    if (item.empty()) continue;
    char pat[32] = {0};
    unsigned long long seed = 0, n = 0;
    int threads = 0, nudged = 0, alt = 0;
    const int got = std::sscanf(item.c_str(), "%llu:%llu:%31[a-z0-9]:%d:%d:%d", &seed, &n, pat, &threads,
                                &nudged, &alt);
    if (got < 4 || got > 6 || alt < 0) {
      std::fprintf(stderr, "parcodegen harness: bad call in plan: %s\n", item.c_str());
      std::exit(98);
    }
    Call c;
    c.seed = seed;
    c.n = static_cast<std::size_t>(n);
    c.pattern = parse_pattern(pat);
    c.edge = parse_edge(pat);
    c.threads = threads;
    c.nudge = nudged != 0;
    c.alt = alt;
    o.calls.push_back(c);
  }
  if (o.batch > (std::size_t(1) << 20)) o.batch = std::size_t(1) << 20;
  if (o.batch > 1 && o.calls.size() == 1) {  // call j of a batch: its own input
    const Call first = o.calls[0];
    for (std::size_t j = 1; j < o.batch; ++j) {
      Call c = first;
      c.seed = batch_seed(first.seed, j);
      o.calls.push_back(c);
    }
  }
}

// Say 'R', then read the parameters from stdin (argv is not used).
inline Options parse_options(int argc, char** argv) {
  (void)argc;
  (void)argv;
  event('R');
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t got = ::read(0, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    text.append(buf, static_cast<std::size_t>(got));
    if (text.size() > 65536) break;
  }
  Options o;
  bool have_seed = false, have_n = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    const std::size_t sp = line.find(' ');
    if (sp == std::string::npos) continue;
    const std::string key = line.substr(0, sp), value = line.substr(sp + 1);
    if (key == "seed") {
      o.seed = std::strtoull(value.c_str(), nullptr, 10);
      have_seed = true;
    } else if (key == "n") {
      o.n = static_cast<std::size_t>(std::strtoull(value.c_str(), nullptr, 10));
      have_n = true;
    } else if (key == "pattern") {
      o.pattern = parse_pattern(value.c_str());
      o.edge = parse_edge(value.c_str());
    } else if (key == "samples") {
      o.samples = static_cast<std::size_t>(std::strtoull(value.c_str(), nullptr, 10));
    } else if (key == "plan") {
      parse_plan(value.c_str(), o);
    } else if (key == "inputs") {
      input_mode() = value == "save" ? InputMode::Save : value == "load" ? InputMode::Load : InputMode::Make;
    }
  }
  if (!have_seed || !have_n) {
    std::fprintf(stderr, "parcodegen harness: no parameters on stdin (run it through the sandbox)\n");
    std::exit(98);
  }
  if (o.calls.empty()) {
    Call c;
    c.seed = o.seed;
    c.n = o.n;
    c.pattern = o.pattern;
    c.edge = o.edge;
    o.calls.push_back(c);
  }
  return o;
}

// The timed windows of a run. Unbatched, each call is its own window ('S', the call, 'E').
// Batched (a plan with flag 'b'), every call's inputs are made first and the one window
// holds all the calls, back to back: a call far shorter than the launcher's clock
// resolution is timed K at a time, each on its own fresh input. Call k's frame makes its
// inputs, hands its call to `call`, which makes call k + 1's frame (`next`), and so on;
// the last runs the window, then the frames write their outputs as they return (the
// records are tagged per call, so their order does not matter).
class Window {
 public:
  // `events` false: the caller says 'S' and 'E' around this window itself, and `before`
  // runs just before the call (main's paired calls: two windows at once on two threads,
  // whose calls start together after a barrier)
  explicit Window(std::size_t calls, bool events = true, void (*before)() = nullptr)
      : total_(calls), events_(events), before_(before) {
    if (total_ <= 1) return;
    // the frames of a batch live on the stack: let it grow to STACK_WANTED (the main
    // thread's stack grows to the current soft limit), and stop before the limit
    rlimit lim{};
    if (getrlimit(RLIMIT_STACK, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
        lim.rlim_cur < STACK_WANTED) {
      const rlim_t want = lim.rlim_max == RLIM_INFINITY || lim.rlim_max > STACK_WANTED
                              ? STACK_WANTED : lim.rlim_max;
      lim.rlim_cur = want;
      setrlimit(RLIMIT_STACK, &lim);
    }
    if (getrlimit(RLIMIT_STACK, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
      limit_ = lim.rlim_cur > (rlim_t(2) << 20) ? std::uintptr_t(lim.rlim_cur - (rlim_t(2) << 20))
                                                : std::uintptr_t(lim.rlim_cur / 2);
    else
      limit_ = STACK_WANTED - (std::uintptr_t(2) << 20);
  }
  std::function<void(std::size_t)> next;  // makes call k's frame (batched only)
  void call(std::function<void()> fn) {
    if (total_ <= 1) {
      if (events_) call_begin();
      if (before_) before_();
      fn();
      if (events_) call_end();
      return;
    }
    char here = 0;
    const auto at = reinterpret_cast<std::uintptr_t>(&here);
    if (held_.empty()) base_ = at;
    if ((at > base_ ? at - base_ : base_ - at) > limit_) {
      std::fprintf(stderr, "parcodegen harness: a batch of %zu calls needs too much stack\n", total_);
      std::exit(96);
    }
    held_.push_back(std::move(fn));
    if (held_.size() < total_) {
      next(held_.size());
      return;
    }
    call_begin();
    for (auto& f : held_) f();
    call_end();
  }

 private:
  static constexpr std::uintptr_t STACK_WANTED = std::uintptr_t(64) << 20;
  std::size_t total_;
  bool events_ = true;
  void (*before_)() = nullptr;
  std::uintptr_t limit_ = 0;  // stack bytes a batch may use
  std::vector<std::function<void()>> held_;
  std::uintptr_t base_ = 0;
};

// A call's result, constructed in place from the call (no copy or move of the value).
template <class T>
struct Returned {
  T value;
  template <class F>
  explicit Returned(F&& f) : value(f()) {}
};

// The output name of call k: "name" for call 0, "@k:name" after.
inline std::string tagged(std::size_t k, const char* name) {
  return k == 0 ? std::string(name) : "@" + std::to_string(k) + ":" + name;
}

// Threads of this process right now (worker pools stay alive after a parallel region).
inline std::uint64_t live_threads() {
#if defined(__linux__)
  std::uint64_t count = 0;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') ++count;
    closedir(d);
  }
  return count;
#else
  return 0;
#endif
}

// A copy of a const input taken before the call, compared after it: the bytes of a
// contiguous container of trivially copyable elements (vectors, pointer buffers,
// std::array; NaN inputs stay equal), else a copy compared with == when the type has one.
template <class T, class = void>
struct has_equal : std::false_type {};
template <class T>
struct has_equal<T, std::void_t<decltype(std::declval<const T&>() == std::declval<const T&>())>>
    : std::true_type {};
template <class T, class = void>
struct contiguous : std::false_type {};
template <class T>
struct contiguous<T, std::void_t<decltype(std::declval<const T&>().data()),
                                 decltype(std::declval<const T&>().size())>>
    : std::bool_constant<std::is_trivially_copyable_v<
          std::remove_cv_t<std::remove_pointer_t<decltype(std::declval<const T&>().data())>>>> {};
template <class T>
struct comparable : has_equal<T> {};
template <class T, class A>
struct comparable<std::vector<T, A>> : has_equal<T> {};

// The bytes `store` writes for v (a hook type field by field, through pcg_fields): the
// image the const-input check compares when the type has no ==.
template <class T>
std::vector<unsigned char> byte_image(const T& v) {
  char* buf = nullptr;
  std::size_t len = 0;
  std::FILE* m = open_memstream(&buf, &len);
  if (!m) return {};
  InputWriter w(InputWriter::to_stream{}, m);
  store(w, v);
  std::fclose(m);
  std::vector<unsigned char> out(buf, buf + len);
  std::free(buf);
  return out;
}

template <class T>
struct Snapshot {
  bool taken = false;
  std::vector<unsigned char> bytes;
  std::unique_ptr<T> copy;
  void take(const T& v, bool on) {
    if (!on) return;
    if constexpr (contiguous<T>::value) {
      const auto* p = reinterpret_cast<const unsigned char*>(v.data());
      bytes.assign(p, p + v.size() * sizeof(*v.data()));
      taken = true;
    } else if constexpr (std::is_copy_constructible_v<T> && comparable<T>::value) {
      copy = std::make_unique<T>(v);
      taken = true;
    } else if constexpr (storable<T>::value) {  // no ==: compare its fields' bytes
      bytes = byte_image(v);
      taken = true;
    }
  }
  bool changed(const T& v) const {
    if (!taken) return false;
    if constexpr (contiguous<T>::value) {
      const std::size_t size = v.size() * sizeof(*v.data());
      return size != bytes.size() || (size && std::memcmp(v.data(), bytes.data(), size) != 0);
    } else if constexpr (std::is_copy_constructible_v<T> && comparable<T>::value) {
      return !(*copy == v);
    } else if constexpr (storable<T>::value) {
      return byte_image(v) != bytes;
    } else {
      return false;
    }
  }
};

}  // namespace pcg

#endif

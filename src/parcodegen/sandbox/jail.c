/* pcg-jail: supervise one untrusted program: isolate it, limit it, time it, report on it.
 *
 * usage: pcg-jail --status-fd FD [--uid U] [--isolate] [--cgroup DIR]... [--wall S]
 *                 [--cpu S] [--as MB] [--fsize MB] [--nproc N] [--nofile N]
 *                 [--harness PARAMS_FD RESULT_FD] [--inputs FD] -- PROGRAM ARGS...
 *
 * The launcher stays as a supervisor (it forks; it never becomes the program), so
 * everything it reports comes from a process the program cannot write to:
 *  - the report goes to --status-fd (close-on-exec: the program never holds it), one
 *    "key value" line each: isolation notes, launcher errors, exec errors, the exit
 *    status, wall time, CPU time (rusage of everything reaped), and harness events.
 *  - --isolate (root): new PID, mount, network, IPC and UTS namespaces. A small init
 *    (pid 1 of the namespace) starts the program; when the program ends, init ends and
 *    the kernel kills whatever the program left behind. In the mount namespace every
 *    mount is read-only and nosuid except the work directory (the cwd); /tmp and
 *    /dev/shm are small private tmpfs; /proc is the namespace's own (hidepid=2). The
 *    network namespace has only a loopback interface, and it is down.
 *  - --cgroup DIR (repeatable): init joins these (already limited) cgroups first.
 *  - the program: rlimits, PR_SET_NO_NEW_PRIVS (setuid bits do nothing), then --uid.
 *  - --harness P R: the harness protocol. The program gets fd 3 (events to the
 *    supervisor: 'R' ready, 'S' call starts, 'E' call ends) and fd 4 (RESULT_FD, where it
 *    writes its output records); its stdin is a pipe on which the supervisor sends the
 *    parameters (read from PARAMS_FD before the start) only after the program said 'R'.
 *    The supervisor timestamps every event itself ("event C NS": ns since the fork).
 *  - --inputs FD: the program also gets FD as fd 5 (stored inputs to read: the parent
 *    passes a sealed, read-only file; see parcodegen_harness.h, InputReader).
 * Exit status: 0 when the report was written (the program's status is in the report),
 * 120 when the launcher itself could not run (also reported as "launcher-error").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <mntent.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CGROUPS 8
#define MAX_EVENTS 4096
#define MAX_PARAMS 65536

static int status_fd = -1;
static int sigchld_pipe[2] = {-1, -1};

static void report(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (len < 0) return;
  if (len > (int)sizeof buf - 2) len = sizeof buf - 2;
  for (int i = 0; i < len; ++i)
    if (buf[i] == '\n') buf[i] = ' ';
  buf[len++] = '\n';
  if (status_fd >= 0) {
    ssize_t off = 0;
    while (off < len) {
      ssize_t w = write(status_fd, buf + off, len - off);
      if (w <= 0) {
        if (w < 0 && errno == EINTR) continue;
        break;
      }
      off += w;
    }
  }
}

static void die(const char* what) {
  report("launcher-error %s: %s", what, strerror(errno));
  exit(120);
}

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void set_limit(int resource, rlim_t value) {
  struct rlimit rl = {value, value};
  if (setrlimit(resource, &rl) != 0) _exit(121);
}

static unsigned long vfs_flags(const char* path) {
  struct statvfs st;
  unsigned long f = 0;
  if (statvfs(path, &st) != 0) return 0;
  if (st.f_flag & ST_NODEV) f |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  if (st.f_flag & ST_NOATIME) f |= MS_NOATIME;
  if (st.f_flag & ST_RELATIME) f |= MS_RELATIME;
  return f;
}

/* In init (pid 1 of the new PID namespace, in the new mount namespace). 0 or a step. */
static int isolate_fs(const char* workdir, int* proc_ok) {
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return 2;
  if (mount(workdir, workdir, NULL, MS_BIND | MS_REC, NULL) != 0) return 3;
  FILE* mounts = setmntent("/proc/self/mounts", "r");
  if (!mounts) return 4;
  static char paths[1024][512];
  int count = 0;
  struct mntent* m;
  size_t wlen = strlen(workdir);
  while ((m = getmntent(mounts)) != NULL && count < 1024) {
    const char* dir = m->mnt_dir;
    if (strncmp(dir, workdir, wlen) == 0 && (dir[wlen] == 0 || dir[wlen] == '/')) continue;
    if (strncmp(dir, "/proc", 5) == 0) continue;
    if (strcmp(dir, "/dev") == 0 || strncmp(dir, "/dev/pts", 8) == 0) continue;
    snprintf(paths[count++], sizeof paths[0], "%s", dir);
  }
  endmntent(mounts);
  for (int i = 0; i < count; ++i) {
    unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | vfs_flags(paths[i]);
    mount(NULL, paths[i], NULL, flags, NULL); /* best effort per mount */
  }
  /* scratch space elsewhere is private and small */
  if (strncmp(workdir, "/tmp/", 5) != 0)
    mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777");
  if (strncmp(workdir, "/dev/shm/", 9) != 0)
    mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777");
  /* this namespace's own /proc: no other process is visible, init (root) hidden too */
  *proc_ok = mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2") == 0;
  return 0;
}

struct options {
  long uid, cpu, as_mb, fsize_mb, nproc, nofile;
  double wall;
  int isolate, params_fd, result_fd, inputs_fd;
  const char* cgroups[MAX_CGROUPS];
  int ncgroups;
  char** argv;
};

/* The program's side of the fork: limits, descriptors, privileges, exec. Never returns. */
static void start_program(const struct options* o, int stdin_fd, int events_fd, int exec_err_fd) {
  if (o->isolate == 0) setpgid(0, 0);
  /* first out of the way (any of them may sit on 0, 3 or 4), then into place */
  int high[5] = {stdin_fd, events_fd, o->result_fd, exec_err_fd, o->inputs_fd};
  for (int k = 0; k < 5; ++k)
    if (high[k] >= 0 && (high[k] = fcntl(high[k], F_DUPFD_CLOEXEC, 1000 + k)) < 0) _exit(122);
  exec_err_fd = high[3];
  if (high[0] >= 0 && dup2(high[0], 0) < 0) _exit(122);
  if (high[1] >= 0 && dup2(high[1], 3) < 0) _exit(122);
  if (high[2] >= 0 && dup2(high[2], 4) < 0) _exit(122);
  if (high[4] >= 0 && dup2(high[4], 5) < 0) _exit(122);
  int keep = high[4] >= 0 ? 6 : high[1] >= 0 ? 5 : 3;
  for (int fd = keep; fd < 1100; ++fd)
    if (fd != exec_err_fd) close(fd);
  signal(SIGPIPE, SIG_DFL);
  set_limit(RLIMIT_CORE, 0);
  if (o->cpu > 0) set_limit(RLIMIT_CPU, (rlim_t)o->cpu);
  if (o->as_mb > 0) set_limit(RLIMIT_AS, (rlim_t)o->as_mb << 20);
  if (o->fsize_mb > 0) set_limit(RLIMIT_FSIZE, (rlim_t)o->fsize_mb << 20);
  if (o->nofile > 0) set_limit(RLIMIT_NOFILE, (rlim_t)o->nofile);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(123);
  if (o->uid >= 0) {
    if (setgroups(0, NULL) != 0 || setgid((gid_t)o->uid) != 0) _exit(123);
    if (o->nproc > 0) set_limit(RLIMIT_NPROC, (rlim_t)o->nproc);
    if (setresuid((uid_t)o->uid, (uid_t)o->uid, (uid_t)o->uid) != 0) _exit(123);
  } else if (o->nproc > 0) {
    set_limit(RLIMIT_NPROC, (rlim_t)o->nproc);
  }
  execvp(o->argv[0], o->argv);
  int err = errno;
  if (write(exec_err_fd, &err, sizeof err) < 0) { /* nothing more to do */ }
  _exit(124);
}

/* pid 1 of the new PID namespace: set up, start the program, reap, pass on its status. */
static void run_init(const struct options* o, const char* workdir, int stdin_fd, int events_fd,
                     int exec_err_fd, int init_fd) {
  status_fd = init_fd; /* init's notes go to the supervisor, which forwards them */
  for (int i = 0; i < o->ncgroups; ++i) {
    char path[4096];
    snprintf(path, sizeof path, "%s/cgroup.procs", o->cgroups[i]);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "0", 1) != 1) report("launcher-error cgroup %s: %s", o->cgroups[i], strerror(errno));
    if (fd >= 0) close(fd);
  }
  int proc_ok = 0;
  int step = isolate_fs(workdir, &proc_ok);
  if (step != 0) report("isolation mount namespace unusable (step %d: %s)", step, strerror(errno));
  else if (!proc_ok) report("isolation no private /proc (%s)", strerror(errno));
  if (chdir(workdir) != 0) {
    report("launcher-error chdir: %s", strerror(errno));
    _exit(120);
  }
  pid_t prog = fork();
  if (prog < 0) {
    report("launcher-error fork: %s", strerror(errno));
    _exit(120);
  }
  if (prog == 0) start_program(o, stdin_fd, events_fd, exec_err_fd);
  if (stdin_fd >= 0) close(stdin_fd);
  if (events_fd >= 0) close(events_fd);
  close(exec_err_fd);
  for (;;) {
    int st;
    pid_t p = waitpid(-1, &st, 0);
    if (p < 0 && errno == EINTR) continue;
    if (p < 0) _exit(120);
    if (p == prog) {
      if (WIFSIGNALED(st)) report("signal %d", WTERMSIG(st));
      else report("exit %d", WEXITSTATUS(st));
      _exit(0); /* the kernel now kills every other process of the namespace */
    }
  }
}

static void on_sigchld(int sig) {
  (void)sig;
  int saved = errno;
  if (write(sigchld_pipe[1], "c", 1) < 0) { /* the pipe is full: a wake-up is pending */ }
  errno = saved;
}

static void cloexec_pipe(int p[2]) {
  if (pipe2(p, O_CLOEXEC) != 0) die("pipe");
}

int main(int argc, char** argv) {
  struct options o = {-1, -1, -1, -1, -1, 256, 0.0, 0, -1, -1, -1, {0}, 0, NULL};
  int i = 1;
  /* dies with whoever started it (a pool worker SIGKILLed with its CLI): nothing it runs
   * outlives the run that asked for it. Checked after the call: the parent may be gone. */
  pid_t starter = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != starter) return 120;
  for (; i < argc; ++i) {
    const char* a = argv[i];
    if (strcmp(a, "--") == 0) { ++i; break; }
    if (strcmp(a, "--isolate") == 0) { o.isolate = 1; continue; }
    if (i + 1 >= argc) { fprintf(stderr, "pcg-jail: option %s needs a value\n", a); return 120; }
    if (strcmp(a, "--status-fd") == 0) status_fd = atoi(argv[++i]);
    else if (strcmp(a, "--uid") == 0) o.uid = atol(argv[++i]);
    else if (strcmp(a, "--cpu") == 0) o.cpu = atol(argv[++i]);
    else if (strcmp(a, "--as") == 0) o.as_mb = atol(argv[++i]);
    else if (strcmp(a, "--fsize") == 0) o.fsize_mb = atol(argv[++i]);
    else if (strcmp(a, "--nproc") == 0) o.nproc = atol(argv[++i]);
    else if (strcmp(a, "--nofile") == 0) o.nofile = atol(argv[++i]);
    else if (strcmp(a, "--wall") == 0) o.wall = atof(argv[++i]);
    else if (strcmp(a, "--cgroup") == 0 && o.ncgroups < MAX_CGROUPS) o.cgroups[o.ncgroups++] = argv[++i];
    else if (strcmp(a, "--harness") == 0 && i + 2 < argc) {
      o.params_fd = atoi(argv[++i]);
      o.result_fd = atoi(argv[++i]);
    } else if (strcmp(a, "--inputs") == 0) {
      o.inputs_fd = atoi(argv[++i]);
    } else { fprintf(stderr, "pcg-jail: unknown option %s\n", a); return 120; }
  }
  if (status_fd < 0 || fcntl(status_fd, F_SETFD, FD_CLOEXEC) != 0) {
    fprintf(stderr, "pcg-jail: --status-fd is required\n");
    return 120;
  }
  if (i >= argc) { report("launcher-error no program given"); return 120; }
  o.argv = argv + i;
  if (o.result_fd >= 0) fcntl(o.result_fd, F_SETFD, FD_CLOEXEC);
  if (o.inputs_fd >= 0) fcntl(o.inputs_fd, F_SETFD, FD_CLOEXEC);

  char params[MAX_PARAMS];
  ssize_t nparams = 0;
  if (o.params_fd >= 0) {
    for (;;) {
      ssize_t r = read(o.params_fd, params + nparams, sizeof params - nparams);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      nparams += r;
      if (nparams == (ssize_t)sizeof params) break;
    }
    close(o.params_fd);
  }

  char workdir[4096];
  if (!getcwd(workdir, sizeof workdir)) die("getcwd");

  int stdin_pipe[2] = {-1, -1}, events[2] = {-1, -1}, exec_err[2], init_pipe[2];
  if (o.params_fd >= 0) {
    cloexec_pipe(stdin_pipe);
    cloexec_pipe(events);
  }
  cloexec_pipe(exec_err);
  cloexec_pipe(init_pipe);
  cloexec_pipe(sigchld_pipe);
  fcntl(sigchld_pipe[0], F_SETFL, O_NONBLOCK);
  fcntl(sigchld_pipe[1], F_SETFL, O_NONBLOCK);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigchld;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  if (o.isolate) {
    int want = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;
    if (unshare(want) != 0) {
      report("isolation namespaces unavailable (%s)", strerror(errno));
      o.isolate = 0;
    }
  } else {
    report("isolation namespaces not requested");
  }
  if (o.ncgroups > 0 && !o.isolate) report("isolation cgroups not joined (no namespaces)");

  long long t0 = now_ns();
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    /* the namespace's init (or, unisolated, the program until it changes uid) dies with
     * the supervisor; when init dies the kernel kills the whole namespace (its parent
     * is outside the namespace, so getppid() cannot tell whether it is already gone) */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) _exit(120);
    close(sigchld_pipe[0]);
    close(sigchld_pipe[1]);
    signal(SIGCHLD, SIG_DFL);
    int sfd = stdin_pipe[0], efd = events[1];
    if (o.isolate) {
      close(init_pipe[0]);
      close(exec_err[0]);
      if (stdin_pipe[1] >= 0) close(stdin_pipe[1]);
      if (events[0] >= 0) close(events[0]);
      run_init(&o, workdir, sfd, efd, exec_err[1], init_pipe[1]);
    }
    start_program(&o, sfd, efd, exec_err[1]);
  }
  /* the supervisor. As root it runs SCHED_FIFO: it only sleeps in poll(), and woken by
   * an event it gets a CPU at once, however busy the program keeps the others, so the
   * timestamps it takes are the kernel's wake-up latency late, not a time slice. */
  if (geteuid() == 0) {
    struct sched_param sp;
    memset(&sp, 0, sizeof sp);
    sp.sched_priority = 1;
    sched_setscheduler(0, SCHED_FIFO, &sp);
  }
  close(exec_err[1]);
  close(init_pipe[1]);
  if (stdin_pipe[0] >= 0) close(stdin_pipe[0]);
  if (events[1] >= 0) close(events[1]);
  if (o.result_fd >= 0) close(o.result_fd);
  if (o.inputs_fd >= 0) close(o.inputs_fd);

  long long deadline = o.wall > 0 ? t0 + (long long)(o.wall * 1e9) : 0;
  int timed_out = 0, exited = 0, wstatus = 0, events_open = events[0] >= 0, init_open = 1;
  int nevents = 0, overflow = 0;
  struct rusage ru;
  memset(&ru, 0, sizeof ru);
  char init_buf[8192];
  size_t init_len = 0;
  while (!exited || events_open || init_open) {
    struct pollfd fds[3];
    int nfds = 0, ie = -1, ii = -1;
    fds[nfds].fd = sigchld_pipe[0];
    fds[nfds++].events = POLLIN;
    if (events_open) { ie = nfds; fds[nfds].fd = events[0]; fds[nfds++].events = POLLIN; }
    if (init_open) { ii = nfds; fds[nfds].fd = init_pipe[0]; fds[nfds++].events = POLLIN; }
    int timeout = -1;
    if (exited) timeout = 200; /* the program is gone: only drain what is left */
    else if (deadline) {
      long long left = deadline - now_ns();
      timeout = left <= 0 ? 0 : (int)(left / 1000000) + 1;
    }
    int r = poll(fds, nfds, timeout);
    long long t = now_ns();
    if (r < 0 && errno != EINTR) die("poll");
    if (r == 0 && exited) break;
    if (ie >= 0 && (fds[ie].revents & (POLLIN | POLLHUP | POLLERR))) {
      char buf[256];
      ssize_t n = read(events[0], buf, sizeof buf);
      if (n <= 0) events_open = 0;
      for (ssize_t k = 0; k < n; ++k) {
        char c = buf[k];
        if (nevents >= MAX_EVENTS) { ++overflow; continue; }
        ++nevents;
        if (c == 'R' || c == 'S' || c == 'E') report("event %c %lld", c, t - t0);
        else report("event ? %lld", t - t0);
        if (c == 'R' && stdin_pipe[1] >= 0) { /* the parameters, once, after the start */
          fcntl(stdin_pipe[1], F_SETFL, O_NONBLOCK);
          if (nparams > 0 && write(stdin_pipe[1], params, nparams) < 0) { /* program's loss */ }
          close(stdin_pipe[1]);
          stdin_pipe[1] = -1;
        }
      }
    }
    if (ii >= 0 && (fds[ii].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = read(init_pipe[0], init_buf + init_len, sizeof init_buf - 1 - init_len);
      if (n <= 0) init_open = 0;
      else init_len += n;
      if (init_len >= sizeof init_buf - 1) init_open = 0;
    }
    if (fds[0].revents & POLLIN) {
      char buf[64];
      while (read(sigchld_pipe[0], buf, sizeof buf) > 0) {}
    }
    if (!exited) {
      pid_t p = wait4(child, &wstatus, WNOHANG, &ru);
      if (p == child) {
        exited = 1;
        if (!o.isolate) kill(-child, SIGKILL); /* what the program left in its group */
      } else if (deadline && now_ns() >= deadline) {
        timed_out = 1;
        deadline = 0; /* from now on: wait for the SIGCHLD */
        kill(o.isolate ? child : -child, SIGKILL);
        kill(child, SIGKILL);
      }
    }
  }
  long long wall = now_ns() - t0;
  if (stdin_pipe[1] >= 0) close(stdin_pipe[1]);
  /* init's lines: its notes and the program's status */
  int have_status = 0;
  if (init_len > 0) {
    init_buf[init_len] = 0;
    char* save = NULL;
    for (char* line = strtok_r(init_buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
      if (strncmp(line, "exit ", 5) == 0 || strncmp(line, "signal ", 7) == 0) have_status = 1;
      report("%s", line);
    }
  }
  int err = 0;
  ssize_t got = read(exec_err[0], &err, sizeof err);
  if (got == (ssize_t)sizeof err) report("exec-error %d %s", err, strerror(err));
  if (!o.isolate) {
    if (WIFSIGNALED(wstatus)) report("signal %d", WTERMSIG(wstatus));
    else report("exit %d", WEXITSTATUS(wstatus));
  } else if (!have_status) {
    if (WIFSIGNALED(wstatus)) report("signal %d", WTERMSIG(wstatus));
    else report("launcher-error init ended without the program's status (%d)", WEXITSTATUS(wstatus));
  }
  if (overflow) report("events-overflow %d", overflow);
  report("timed-out %d", timed_out);
  report("wall-ns %lld", wall);
  report("cpu-ns %lld %lld", (long long)ru.ru_utime.tv_sec * 1000000000LL + ru.ru_utime.tv_usec * 1000LL,
         (long long)ru.ru_stime.tv_sec * 1000000000LL + ru.ru_stime.tv_usec * 1000LL);
  report("maxrss-kb %ld", ru.ru_maxrss);
  report("end");
  return 0;
}

/* pcg-jail: start one untrusted program with limits, then exec it.
 *
 * usage: pcg-jail [--uid U] [--isolate-fs] [--cpu S] [--as MB] [--fsize MB] [--nproc N]
 *                 [--nofile N] -- PROGRAM ARGS...
 *
 * Runs in the sandbox's work directory (its cwd). In order:
 *  1. --isolate-fs (needs root): a private mount namespace in which every mount is
 *     read-only except the work directory, and /tmp and /dev/shm are fresh small tmpfs.
 *     If that is not possible it says so on stderr ("pcg-jail: isolation: ...") and
 *     goes on with the other limits.
 *  2. resource limits (CPU seconds, address space, file size, processes, open files,
 *     no core dumps).
 *  3. --uid (needs root): drop to that unprivileged uid/gid with no supplementary groups.
 * Exit status 120-125 means the jail itself failed (not the program).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <mntent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

static void set_limit(int resource, rlim_t value) {
  struct rlimit rl = {value, value};
  if (setrlimit(resource, &rl) != 0) {
    perror("pcg-jail: setrlimit");
    exit(121);
  }
}

static unsigned long vfs_flags(const char* path) {
  struct statvfs st;
  unsigned long f = 0;
  if (statvfs(path, &st) != 0) return 0;
  if (st.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (st.f_flag & ST_NODEV) f |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  if (st.f_flag & ST_NOATIME) f |= MS_NOATIME;
  if (st.f_flag & ST_RELATIME) f |= MS_RELATIME;
  return f;
}

static int isolate_fs(const char* workdir) {
  if (unshare(CLONE_NEWNS) != 0) return -1;
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return -2;
  if (mount(workdir, workdir, NULL, MS_BIND | MS_REC, NULL) != 0) return -3;
  FILE* mounts = setmntent("/proc/self/mounts", "r");
  if (!mounts) return -4;
  char paths[512][512];
  int count = 0;
  struct mntent* m;
  while ((m = getmntent(mounts)) != NULL && count < 512) {
    const char* dir = m->mnt_dir;
    if (strcmp(dir, workdir) == 0) continue;
    if (strncmp(dir, "/proc", 5) == 0 || strncmp(dir, "/sys", 4) == 0) continue;
    if (strcmp(dir, "/dev") == 0 || strncmp(dir, "/dev/pts", 8) == 0) continue;
    snprintf(paths[count++], sizeof paths[0], "%s", dir);
  }
  endmntent(mounts);
  for (int i = 0; i < count; ++i) {
    unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY | vfs_flags(paths[i]);
    mount(NULL, paths[i], NULL, flags, NULL); /* best effort per mount */
  }
  /* The work directory stays writable; scratch space elsewhere is private and small. */
  if (strncmp(workdir, "/tmp/", 5) != 0)
    mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777");
  if (strncmp(workdir, "/dev/shm/", 9) != 0)
    mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777");
  return 0;
}

int main(int argc, char** argv) {
  long uid = -1, cpu = -1, as_mb = -1, fsize_mb = -1, nproc = -1, nofile = 256;
  int isolate = 0, i = 1;
  for (; i < argc; ++i) {
    if (strcmp(argv[i], "--") == 0) { ++i; break; }
    if (i + 1 >= argc && strcmp(argv[i], "--isolate-fs") != 0) {
      fprintf(stderr, "pcg-jail: option %s needs a value\n", argv[i]);
      return 120;
    }
    if (strcmp(argv[i], "--uid") == 0) uid = atol(argv[++i]);
    else if (strcmp(argv[i], "--cpu") == 0) cpu = atol(argv[++i]);
    else if (strcmp(argv[i], "--as") == 0) as_mb = atol(argv[++i]);
    else if (strcmp(argv[i], "--fsize") == 0) fsize_mb = atol(argv[++i]);
    else if (strcmp(argv[i], "--nproc") == 0) nproc = atol(argv[++i]);
    else if (strcmp(argv[i], "--nofile") == 0) nofile = atol(argv[++i]);
    else if (strcmp(argv[i], "--isolate-fs") == 0) isolate = 1;
    else { fprintf(stderr, "pcg-jail: unknown option %s\n", argv[i]); return 120; }
  }
  if (i >= argc) { fprintf(stderr, "pcg-jail: no program given\n"); return 120; }

  char workdir[4096];
  if (!getcwd(workdir, sizeof workdir)) { perror("pcg-jail: getcwd"); return 122; }
  if (isolate) {
    int rc = isolate_fs(workdir);
    if (rc != 0) fprintf(stderr, "pcg-jail: isolation: unavailable (step %d, %s)\n", -rc, strerror(errno));
    if (chdir(workdir) != 0) { perror("pcg-jail: chdir"); return 122; }
  }
  set_limit(RLIMIT_CORE, 0);
  if (cpu > 0) set_limit(RLIMIT_CPU, (rlim_t)cpu);
  if (as_mb > 0) set_limit(RLIMIT_AS, (rlim_t)as_mb << 20);
  if (fsize_mb > 0) set_limit(RLIMIT_FSIZE, (rlim_t)fsize_mb << 20);
  if (nofile > 0) set_limit(RLIMIT_NOFILE, (rlim_t)nofile);
  if (uid >= 0) {
    if (setgroups(0, NULL) != 0 || setgid((gid_t)uid) != 0) { perror("pcg-jail: setgid"); return 123; }
    if (nproc > 0) set_limit(RLIMIT_NPROC, (rlim_t)nproc);
    if (setuid((uid_t)uid) != 0) { perror("pcg-jail: setuid"); return 123; }
  } else if (nproc > 0) {
    set_limit(RLIMIT_NPROC, (rlim_t)nproc);
  }
  execvp(argv[i], argv + i);
  fprintf(stderr, "pcg-jail: cannot run %s: %s\n", argv[i], strerror(errno));
  return 124;
}

/* mntns.c — the private mount namespace of the OCI runtime (see runtime.h).
 *
 * A holder child unshares a mount namespace (propagation private, so nothing leaks back to
 * the host), drops the hybrid cgroup2 mount, and then just waits on a pipe whose other
 * end only the agent holds: when the agent dies the holder exits, but the namespace lives
 * on in every conmon and container started in it, so containers survive an agent crash.
 * The agent never enters the namespace itself (it is multi-threaded); short-lived children
 * setns() into it for mounts and runtime commands, and the agent reaches files on
 * namespace-only mounts (tmpfs volumes) through /proc/<holder>/root.
 */
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <linux/magic.h>
#include "base/log.h"
#include "runtime/runtime.h"

static struct {
        pid_t holder;
        int nsfd;
        int life_w;
        bool active;
} M = {.nsfd = -1, .life_w = -1};

bool mntns_active(void)
{
        return M.active;
}

int mntns_init(char *err, size_t errlen)
{
        if (M.active)
                return 0;
        if (geteuid() != 0)
                return 0; /* unprivileged (fake runtime only): nothing to isolate */
        int ready[2], life[2];
        if (pipe2(ready, O_CLOEXEC) < 0)
                return -errno;
        if (pipe2(life, O_CLOEXEC) < 0) {
                close(ready[0]);
                close(ready[1]);
                return -errno;
        }
        pid_t pid = fork();
        if (pid < 0) {
                snprintf(err, errlen, "fork: %s", strerror(errno));
                return -errno;
        }
        if (pid == 0) {
                close(ready[0]);
                close(life[1]);
                char ok = 'k';
                if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                        ok = 'E';
                struct statfs sf, sroot;
                if (ok == 'k' && statfs("/sys/fs/cgroup/unified", &sf) == 0 &&
                    sf.f_type == CGROUP2_SUPER_MAGIC && statfs("/sys/fs/cgroup", &sroot) == 0 &&
                    sroot.f_type != CGROUP2_SUPER_MAGIC)
                        umount2("/sys/fs/cgroup/unified", MNT_DETACH);
                if (write(ready[1], &ok, 1) != 1)
                        _exit(1);
                close(ready[1]);
                char c;
                while (read(life[0], &c, 1) < 0 && errno == EINTR)
                        ;
                _exit(0);
        }
        close(ready[1]);
        close(life[0]);
        char c = 0;
        ssize_t n;
        while ((n = read(ready[0], &c, 1)) < 0 && errno == EINTR)
                ;
        close(ready[0]);
        if (n != 1 || c != 'k') {
                close(life[1]);
                waitpid(pid, NULL, 0);
                snprintf(err, errlen, "cannot create a private mount namespace for the runtime");
                return -EPERM;
        }
        char p[64];
        snprintf(p, sizeof(p), "/proc/%d/ns/mnt", (int)pid);
        M.nsfd = open(p, O_RDONLY | O_CLOEXEC);
        if (M.nsfd < 0) {
                int e = -errno;
                close(life[1]);
                waitpid(pid, NULL, 0);
                snprintf(err, errlen, "open %s: %s", p, strerror(-e));
                return e;
        }
        M.holder = pid;
        M.life_w = life[1];
        M.active = true;
        return 0;
}

#define NO_ASAN __attribute__((no_sanitize("address", "undefined")))

NO_ASAN int mntns_enter(void)
{
        if (!M.active)
                return 0;
        if (setns(M.nsfd, CLONE_NEWNS) < 0)
                return -errno;
        if (chdir("/") < 0)
                return -errno;
        return 0;
}

char *mntns_path(const char *abs_path)
{
        if (!M.active)
                return xstrdup(abs_path);
        return xasprintf("/proc/%d/root%s", (int)M.holder, abs_path);
}

static int wait_child(pid_t pid)
{
        int st = 0;
        while (waitpid(pid, &st, 0) < 0) {
                if (errno != EINTR)
                        return -errno;
        }
        if (WIFEXITED(st))
                return WEXITSTATUS(st);
        return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* Run fn(arg) in a child that shares our memory until it execs or exits (vfork
 * semantics): no page-table copy, which matters in a large (sanitizer) process that
 * spawns a few helpers per container.  fn runs on its own mmap'ed stack and may only
 * make system calls (no malloc, no locks); its return value is the exit status. */
struct spawn_job {
        int (*fn)(void *);
        void *arg;
};

NO_ASAN static int spawn_entry(void *p)
{
        struct spawn_job *j = p;
        _exit(j->fn(j->arg) & 0xff);
}

#define SPAWN_STACK (256 * 1024)

int ns_spawn(int (*fn)(void *), void *arg, pid_t *ret_pid, bool wait)
{
        void *stack = mmap(NULL, SPAWN_STACK, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
        if (stack == MAP_FAILED)
                return -errno;
        struct spawn_job j = {fn, arg};
        pid_t pid = clone(spawn_entry, (char *)stack + SPAWN_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD,
                          &j);
        int e = pid < 0 ? -errno : 0;
        munmap(stack, SPAWN_STACK);
        if (e < 0)
                return e;
        if (ret_pid)
                *ret_pid = pid;
        return wait ? wait_child(pid) : 0;
}

struct mount_args {
        const char *src, *target, *fstype, *data;
        unsigned long flags;
        bool umount;
};

NO_ASAN static int do_mount(void *p)
{
        struct mount_args *a = p;
        if (mntns_enter() < 0)
                return EPERM;
        if (a->umount)
                return umount2(a->target, MNT_DETACH) < 0 ? errno : 0;
        if (mount(a->src, a->target, a->fstype, a->flags, a->data) < 0)
                return errno;
        /* read-only binds need a remount to take effect */
        if ((a->flags & MS_BIND) && (a->flags & MS_RDONLY) &&
            mount(NULL, a->target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
                return errno;
        return 0;
}

int mntns_mount(const char *src, const char *target, const char *fstype, unsigned long flags,
                const char *data)
{
        struct mount_args a = {src, target, fstype, data, flags, false};
        int r = ns_spawn(do_mount, &a, NULL, true);
        return r > 0 ? -r : r;
}

int mntns_umount(const char *target)
{
        struct mount_args a = {.target = target, .umount = true};
        int r = ns_spawn(do_mount, &a, NULL, true);
        return r > 0 ? -r : r;
}

struct exec_args {
        char *const *argv;
        int out_fd, devnull;
};

NO_ASAN static int do_exec(void *p)
{
        struct exec_args *a = p;
        if (mntns_enter() < 0)
                return 126;
        dup2(a->devnull, 0);
        dup2(a->out_fd, 1);
        dup2(a->out_fd, 2);
        syscall(SYS_close_range, 3U, ~0U, 0U);
        struct sigaction dfl;
        memset(&dfl, 0, sizeof(dfl));
        dfl.sa_handler = SIG_DFL;
        sigaction(SIGPIPE, &dfl, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execv(a->argv[0], a->argv);
        return 127;
}

int mntns_exec(char *const argv[], char *out, size_t outlen)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
        struct exec_args a = {argv, p[1], devnull};
        pid_t pid = -1;
        int r = ns_spawn(do_exec, &a, &pid, false);
        close(p[1]);
        if (devnull >= 0)
                close(devnull);
        if (r < 0) {
                close(p[0]);
                return r;
        }
        size_t got = 0;
        char sink[4096];
        for (;;) {
                char *dst = out && got + 1 < outlen ? out + got : sink;
                size_t room = out && got + 1 < outlen ? outlen - 1 - got : sizeof(sink);
                ssize_t n = read(p[0], dst, room);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                if (dst != sink)
                        got += (size_t)n;
        }
        if (out && outlen)
                out[got] = 0;
        close(p[0]);
        return wait_child(pid);
}

struct netns_args {
        const char *path;
};

NO_ASAN static int do_netns(void *p)
{
        struct netns_args *a = p;
        if (mntns_enter() < 0)
                return EPERM;
        if (unshare(CLONE_NEWNET) < 0)
                return errno;
        int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct ifreq ifr;
        memset(&ifr, 0, sizeof(ifr));
        ifr.ifr_name[0] = 'l';
        ifr.ifr_name[1] = 'o';
        if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
                return errno;
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
                return errno;
        if (mount("/proc/self/ns/net", a->path, NULL, MS_BIND, NULL) < 0)
                return errno;
        return 0;
}

int mntns_netns_create(const char *path)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        close(fd);
        struct netns_args a = {path};
        int r = ns_spawn(do_netns, &a, NULL, true);
        return r > 0 ? -r : r;
}

int mntns_netns_remove(const char *path)
{
        mntns_umount(path);
        if (unlink(path) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

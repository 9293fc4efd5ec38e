/* oci.c — crun/runc driven through conmon, as CRI-O does.
 *
 * conmon is the per-container monitor: it runs `<runtime> create`, holds the container's
 * stdio and writes it to the CRI-format log file, waits for the exit, and writes the exit
 * code to <state>/exits/<id> (and an "oom" file into the bundle when the cgroup OOM
 * killer fired).  We start it with --sync behind a double fork and setsid(), so it is
 * nobody's child: killing the agent never touches it, and a restarted agent reads the same
 * exit files.  Creation completes when conmon reports the container pid on the sync pipe.
 *
 * Each container's log file is capped at 100 MiB (conmon truncates and goes on), so a
 * chatty container cannot fill the node's disk.
 *
 * Exits are noticed through inotify on the exits directory (no polling).  Killing sends
 * the signal straight to the container's init pid (from the runtime's pid file): cheaper
 * than exec'ing the runtime, and SIGKILL to a pid-namespace init kills the whole container.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sched.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "base/log.h"
#include "runtime/runtime.h"

struct oci {
        char *runtime_path, *conmon_path, *exit_dir, *sock_dir;
        int ino;
        int stop_pipe[2];
        pthread_t thread;
        bool thread_started;
};

static char *find_bin(const char *name)
{
        static const char *const dirs[] = {"/usr/local/bin", "/usr/local/sbin", "/usr/bin",
                                           "/usr/sbin", "/bin", "/sbin"};
        for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
                char *p = xasprintf("%s/%s", dirs[i], name);
                if (access(p, X_OK) == 0)
                        return p;
                free(p);
        }
        return NULL;
}

static void *exit_watch(void *p)
{
        struct runtime *rt = p;
        struct oci *o = rt->priv;
        pthread_setname_np(pthread_self(), "agent-exits");
        char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
        for (;;) {
                struct pollfd fds[2] = {{o->ino, POLLIN, 0}, {o->stop_pipe[0], POLLIN, 0}};
                if (poll(fds, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (fds[1].revents)
                        break;
                ssize_t n = read(o->ino, buf, sizeof(buf));
                if (n <= 0)
                        continue;
                for (char *q = buf; q < buf + n;) {
                        struct inotify_event *ev = (struct inotify_event *)q;
                        if (ev->len && ev->name[0] != '.' && !strchr(ev->name, '.'))
                                rt->on_exit(rt->ud, ev->name);
                        q += sizeof(*ev) + ev->len;
                }
        }
        return NULL;
}

static int oci_init(struct runtime *rt, char *err, size_t errlen)
{
        struct oci *o = xcalloc(1, sizeof(*o));
        rt->priv = o;
        o->ino = -1;
        o->stop_pipe[0] = o->stop_pipe[1] = -1;
        o->runtime_path = find_bin(rt->name);
        o->conmon_path = find_bin("conmon");
        if (!o->runtime_path || !o->conmon_path) {
                snprintf(err, errlen, "%s not found: install the %s and conmon packages",
                         !o->runtime_path ? rt->name : "conmon", rt->name);
                return -ENOENT;
        }
        int r = mntns_init(err, errlen);
        if (r < 0)
                return r;
        o->exit_dir = xasprintf("%s/exits", rt->state_dir);
        o->sock_dir = xasprintf("%s/sock", rt->state_dir);
        mkdir(o->exit_dir, 0700);
        mkdir(o->sock_dir, 0700);
        o->ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (o->ino < 0 || inotify_add_watch(o->ino, o->exit_dir, IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
                snprintf(err, errlen, "inotify on %s: %s", o->exit_dir, strerror(errno));
                return -errno;
        }
        if (pipe2(o->stop_pipe, O_CLOEXEC) < 0)
                return -errno;
        if (pthread_create(&o->thread, NULL, exit_watch, rt) != 0)
                return -errno;
        o->thread_started = true;
        return 0;
}

static void oci_release(struct runtime *rt)
{
        struct oci *o = rt->priv;
        if (!o)
                return;
        if (o->thread_started) {
                (void)!write(o->stop_pipe[1], "x", 1);
                pthread_join(o->thread, NULL);
        }
        if (o->ino >= 0)
                close(o->ino);
        if (o->stop_pipe[0] >= 0) {
                close(o->stop_pipe[0]);
                close(o->stop_pipe[1]);
        }
        free(o->runtime_path);
        free(o->conmon_path);
        free(o->exit_dir);
        free(o->sock_dir);
        free(o);
        rt->priv = NULL;
}

#define NO_ASAN __attribute__((no_sanitize("address", "undefined")))
#define CONMON_STACK (256 * 1024)

struct conmon_args {
        char *const *argv;
        char *const *envp;
        int sync_fd, devnull;
        void *stack;
};

/* The grandchild: becomes conmon.  System calls only (it shares our memory). */
NO_ASAN static int conmon_exec(void *p)
{
        struct conmon_args *a = p;
        dup2(a->devnull, 0);
        dup2(a->devnull, 1);
        dup2(a->devnull, 2);
        dup2(a->sync_fd, 3); /* dup2 clears O_CLOEXEC on the copy */
        syscall(SYS_close_range, 4U, ~0U, 0U);
        struct sigaction dfl;
        memset(&dfl, 0, sizeof(dfl));
        dfl.sa_handler = SIG_DFL;
        for (int sig = 1; sig < 32; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        sigaction(sig, &dfl, NULL); /* ignored signals survive exec */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execve(a->argv[0], a->argv, a->envp);
        return 127;
}

/* The child: enters the runtime's mount namespace, leaves our session, starts the
 * grandchild and exits, so conmon is nobody's child and survives the agent. */
NO_ASAN static int conmon_launch(void *p)
{
        struct conmon_args *a = p;
        if (mntns_enter() < 0)
                return 126;
        setsid();
        pid_t g = clone(conmon_exec, (char *)a->stack + CONMON_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, a);
        return g < 0 ? 1 : 0;
}

static int oci_create(struct runtime *rt, const struct rt_spec *s, char *err, size_t errlen)
{
        struct oci *o = rt->priv;
        _cleanup_free_ char *pidfile = xasprintf("%s/pidfile", s->bundle);
        _cleanup_free_ char *cpidfile = xasprintf("%s/conmon.pid", s->bundle);
        _cleanup_free_ char *logarg = xasprintf("k8s-file:%s", s->log_path);
        _cleanup_free_ char *exitf = xasprintf("%s/%s", o->exit_dir, s->id);
        unlink(exitf);
        _cleanup_free_ char *link = xasprintf("%s/bundles/%s", rt->state_dir, s->id);
        unlink(link);
        if (symlink(s->bundle, link) < 0)
                return -errno;
        char *argv[] = {o->conmon_path, "--api-version", "1", "-c", (char *)s->id, "-u",
                        (char *)s->id, "-n", (char *)s->id, "-r", o->runtime_path, "-b",
                        (char *)s->bundle, "-p", pidfile, "-P", cpidfile, "-l", logarg,
                        "--exit-dir", o->exit_dir, "--socket-dir-path", o->sock_dir,
                        "--persist-dir", (char *)s->bundle, "--log-level", "error", "--log-size-max", "104857600", "--sync",
                        NULL};
        int sync[2];
        if (pipe2(sync, O_CLOEXEC) < 0)
                return -errno;
        /* the environment conmon gets: ours plus the sync pipe (built here: the child
         * may not allocate) */
        extern char **environ;
        size_t nenv = 0;
        while (environ[nenv])
                nenv++;
        _cleanup_free_ char **envp = xcalloc(nenv + 2, sizeof(char *));
        size_t k = 0;
        for (size_t i = 0; i < nenv; i++)
                if (!startswith(environ[i], "_OCI_"))
                        envp[k++] = environ[i];
        envp[k++] = (char *)"_OCI_SYNCPIPE=3";
        envp[k] = NULL;
        struct conmon_args a = {.argv = argv, .envp = envp, .sync_fd = sync[1],
                                .devnull = open("/dev/null", O_RDWR | O_CLOEXEC)};
        a.stack = mmap(NULL, CONMON_STACK, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
        int sr = a.stack == MAP_FAILED ? -ENOMEM : ns_spawn(conmon_launch, &a, NULL, true);
        if (a.stack != MAP_FAILED)
                munmap(a.stack, CONMON_STACK);
        if (a.devnull >= 0)
                close(a.devnull);
        if (sr != 0) {
                close(sync[0]);
                close(sync[1]);
                snprintf(err, errlen, "cannot start conmon");
                return sr < 0 ? sr : -EIO;
        }
        close(sync[1]);
        /* conmon writes {"data": pid} (or a negative pid and "message") when create ends */
        char buf[4096];
        size_t got = 0;
        for (;;) {
                struct pollfd pf = {sync[0], POLLIN, 0};
                int pr = poll(&pf, 1, 60000);
                if (pr <= 0)
                        break;
                ssize_t n = read(sync[0], buf + got, sizeof(buf) - 1 - got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                got += (size_t)n;
                buf[got] = 0;
                if (memchr(buf, '}', got) || got + 1 >= sizeof(buf))
                        break;
        }
        close(sync[0]);
        buf[got] = 0;
        char perr[128];
        _cleanup_json_ json_t *j = got ? jparse(buf, got, 8, perr, sizeof(perr)) : NULL;
        int64_t cpid = -1;
        if (!j || !jint(j, "data", &cpid) || cpid <= 0) {
                const char *msg = jstr(j, "message");
                snprintf(err, errlen, "%s", msg ? msg : "conmon failed to create the container");
                /* strip runtime log noise down to the last line */
                return -EIO;
        }
        return 0;
}

static int runtime_cmd(struct runtime *rt, const char *verb, const char *id, const char *extra,
                       char *err, size_t errlen)
{
        struct oci *o = rt->priv;
        char out[2048];
        char *argv[6];
        int k = 0;
        argv[k++] = o->runtime_path;
        argv[k++] = (char *)verb;
        if (extra)
                argv[k++] = (char *)extra;
        argv[k++] = (char *)id;
        argv[k] = NULL;
        int r = mntns_exec(argv, out, sizeof(out));
        if (r != 0 && err) {
                size_t n = strlen(out);
                while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
                        out[--n] = 0;
                snprintf(err, errlen, "%s %s: %s", rt->name, verb, out);
        }
        return r == 0 ? 0 : r < 0 ? r : -EIO;
}

static int oci_start(struct runtime *rt, const char *id, char *err, size_t errlen)
{
        return runtime_cmd(rt, "start", id, NULL, err, errlen);
}

static int read_pid(const char *bundle_pidfile)
{
        char buf[32] = {0};
        int fd = open(bundle_pidfile, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        return n > 0 ? atoi(buf) : -1;
}

static int read_exit(struct oci *o, const char *id, int *code, int64_t *when)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", o->exit_dir, id);
        char buf[32] = {0};
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        struct stat st;
        fstat(fd, &st);
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0)
                return -EAGAIN;
        *code = atoi(buf);
        *when = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
        return 0;
}

/* The bundle path for id is not known to the runtime; the agent keeps bundles at a fixed
 * place and passes it through the id's state file. */
static char *bundle_of(struct runtime *rt, const char *id)
{
        _cleanup_free_ char *link = xasprintf("%s/bundles/%s", rt->state_dir, id);
        char buf[4096];
        ssize_t n = readlink(link, buf, sizeof(buf) - 1);
        if (n <= 0)
                return NULL;
        buf[n] = 0;
        return xstrdup(buf);
}

static int oci_kill(struct runtime *rt, const char *id, int sig)
{
        struct oci *o = rt->priv;
        _cleanup_free_ char *b = bundle_of(rt, id);
        if (!b)
                return -ENOENT;
        /* conmon writes the exit file once it has reaped the container: from then on the
         * pid in the pidfile is free for reuse (pid_max may be as low as 32768), and a
         * signal sent to it would hit whatever process got it next — another container,
         * a kubectl, the server itself.  An exited container is not signalled. */
        int code;
        int64_t when;
        if (read_exit(o, id, &code, &when) == 0)
                return -ESRCH;
        _cleanup_free_ char *pf = xasprintf("%s/pidfile", b);
        int pid = read_pid(pf);
        if (pid <= 1)
                return runtime_cmd(rt, "kill", id, sig == SIGKILL ? "KILL" : "TERM", NULL, 0);
        return kill(pid, sig) < 0 ? -errno : 0;
}

static int oci_state(struct runtime *rt, const char *id, struct rt_state *ret)
{
        struct oci *o = rt->priv;
        *ret = (struct rt_state){.status = RT_UNKNOWN};
        _cleanup_free_ char *b = bundle_of(rt, id);
        int code = 0;
        int64_t when = 0;
        if (read_exit(o, id, &code, &when) == 0) {
                ret->status = RT_STOPPED;
                ret->exit_code = code;
                ret->finished_ns = when;
                if (b) {
                        _cleanup_free_ char *oom = xasprintf("%s/oom", b);
                        ret->oom = access(oom, F_OK) == 0;
                }
                return 0;
        }
        if (!b)
                return -ENOENT;
        _cleanup_free_ char *pf = xasprintf("%s/pidfile", b);
        int pid = read_pid(pf);
        if (pid > 0 && kill(pid, 0) == 0) {
                ret->status = RT_RUNNING;
                ret->pid = pid;
                return 0;
        }
        _cleanup_free_ char *cpf = xasprintf("%s/conmon.pid", b);
        int cpid = read_pid(cpf);
        if (cpid > 0 && kill(cpid, 0) == 0) {
                ret->status = pid > 0 ? RT_RUNNING : RT_CREATED;
                return 0;
        }
        return -ENOENT;
}

static int oci_remove(struct runtime *rt, const char *id)
{
        struct oci *o = rt->priv;
        runtime_cmd(rt, "delete", id, "--force", NULL, 0);
        _cleanup_free_ char *ef = xasprintf("%s/%s", o->exit_dir, id);
        unlink(ef);
        _cleanup_free_ char *link = xasprintf("%s/bundles/%s", rt->state_dir, id);
        unlink(link);
        return 0;
}

const struct runtime_ops oci_runtime_ops = {
        .name = "oci",
        .init = oci_init,
        .release = oci_release,
        .create = oci_create,
        .start = oci_start,
        .kill = oci_kill,
        .remove = oci_remove,
        .state = oci_state,
};

int runtime_new(const char *name, const char *state_dir, rt_exit_fn on_exit, void *ud,
                struct runtime **ret, char *err, size_t errlen)
{
        *ret = NULL;
        if (!name || !*name)
                name = "crun";
        const struct runtime_ops *ops;
        if (streq(name, "crun") || streq(name, "runc"))
                ops = &oci_runtime_ops;
        else if (streq(name, "fake"))
                ops = &fake_runtime_ops;
        else {
                snprintf(err, errlen, "unknown runtime \"%s\" (crun, runc or fake)", name);
                return -EINVAL;
        }
        struct runtime *rt = xcalloc(1, sizeof(*rt));
        rt->ops = ops;
        rt->name = xstrdup(name);
        rt->state_dir = xstrdup(state_dir);
        rt->on_exit = on_exit;
        rt->ud = ud;
        _cleanup_free_ char *bd = xasprintf("%s/bundles", state_dir);
        mkdir(state_dir, 0700);
        mkdir(bd, 0700);
        int r = ops->init(rt, err, errlen);
        if (r < 0) {
                runtime_free(rt);
                return r;
        }
        *ret = rt;
        return 0;
}

void runtime_free(struct runtime *rt)
{
        if (!rt)
                return;
        rt->ops->release(rt);
        free(rt->name);
        free(rt->state_dir);
        free(rt);
}

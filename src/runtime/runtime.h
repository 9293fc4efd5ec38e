/* runtime.h — the container runtime behind an ops table (DESIGN.md §6): "crun"/"runc"
 * driven through conmon (oci.c) and "fake" (fake.c, in-process, scripted exits).
 *
 * Contract: create() makes a container from a bundle directory holding config.json and
 * returns once it exists (not yet started); start() runs it; the runtime reports every
 * exit through on_exit(ud, id) from its own thread — never by being polled — after which
 * state() gives the exit code.  state() also answers for containers created by an
 * earlier agent process (re-adoption after a restart). */
#ifndef JOBD_RUNTIME_H
#define JOBD_RUNTIME_H
#include <stdbool.h>
#include <sys/types.h>
#include "base/jsonu.h"

enum rt_status { RT_UNKNOWN, RT_CREATED, RT_RUNNING, RT_STOPPED };

struct rt_state {
        enum rt_status status;
        int pid;
        int exit_code;
        bool oom;
        int64_t finished_ns;
};

struct rt_spec {
        const char *id;
        const char *bundle;   /* directory with config.json */
        const char *log_path; /* CRI-format log file */
        json_t *config;       /* the config.json content (the fake runtime reads it) */
};

struct runtime;
typedef void (*rt_exit_fn)(void *ud, const char *id);

struct runtime_ops {
        const char *name;
        int (*init)(struct runtime *rt, char *err, size_t errlen);
        void (*release)(struct runtime *rt);
        int (*create)(struct runtime *rt, const struct rt_spec *s, char *err, size_t errlen);
        int (*start)(struct runtime *rt, const char *id, char *err, size_t errlen);
        int (*kill)(struct runtime *rt, const char *id, int sig);
        int (*remove)(struct runtime *rt, const char *id);
        int (*state)(struct runtime *rt, const char *id, struct rt_state *ret);
};

struct runtime {
        const struct runtime_ops *ops;
        char *name;      /* "crun", "runc", "fake" */
        char *state_dir; /* exit files, sockets */
        rt_exit_fn on_exit;
        void *ud;
        void *priv;
};

/* name: "crun" (default when NULL), "runc" or "fake". */
int runtime_new(const char *name, const char *state_dir, rt_exit_fn on_exit, void *ud,
                struct runtime **ret, char *err, size_t errlen);
void runtime_free(struct runtime *rt);

extern const struct runtime_ops oci_runtime_ops;
extern const struct runtime_ops fake_runtime_ops;

/* ---- the private mount namespace the OCI runtime works in (mntns.c) ----
 * crun 1.8 refuses hybrid cgroup hosts (v1 controllers + cgroup2 at
 * /sys/fs/cgroup/unified); in a private mount namespace without that one mount it
 * works with full v1 limits.  Container rootfs overlays and tmpfs volumes are mounted
 * there too, so the host's mount table never changes. */
int mntns_init(char *err, size_t errlen);
bool mntns_active(void);
/* Enter the namespace (in a child process after fork; async-signal-safe). */
int mntns_enter(void);
/* Host-side path through which files inside the namespace's mounts are reachable:
 * "/proc/<holder>/root" + abs_path (caller frees); abs_path itself if no namespace. */
char *mntns_path(const char *abs_path);
/* Mount/umount inside the namespace (runs in a short-lived child). */
int mntns_mount(const char *src, const char *target, const char *fstype, unsigned long flags,
                const char *data);
int mntns_umount(const char *target);
/* Run argv inside the namespace; waits; returns the exit status (or negative errno).
 * out/outlen capture stdout+stderr (may be NULL). */
int mntns_exec(char *const argv[], char *out, size_t outlen);
/* Run fn(arg) in a vfork-style child (shared memory until exec/exit; fn may only make
 * system calls).  wait: wait and return its exit status; else *ret_pid is set. */
int ns_spawn(int (*fn)(void *), void *arg, pid_t *ret_pid, bool wait);
/* A fresh network namespace with loopback up, pinned at path (inside the namespace). */
int mntns_netns_create(const char *path);
int mntns_netns_remove(const char *path);
#endif

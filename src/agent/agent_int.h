/* agent_int.h — state shared by the agent's files (agent.c: node, lease, watch, pod
 * table; pod.c: the per-pod lifecycle worker; env.c; logs.c).
 *
 * Locking: one mutex (A.lock) guards the pod table and every field marked [L].  A pod's
 * worker thread is the only writer of its container states; it takes the lock for the
 * few fields other threads read (the log server reads restart counts, the exit watcher
 * sets exited flags). */
#ifndef JOBD_AGENT_INT_H
#define JOBD_AGENT_INT_H
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include "agent/agent.h"
#include "base/jsonu.h"
#include "client/http.h"
#include "registry/registry.h"
#include "runtime/runtime.h"

enum cstate { C_WAITING, C_RUNNING, C_TERMINATED };

struct ctr {
        char *name;
        bool init;
        json_t *spec;      /* borrowed from pod->spec */
        int restart_count; /* [L] */
        char *id;          /* current runtime container id or NULL [L] */
        char *prev_id;     /* the previous attempt's id (logs?previous=true) [L] */
        enum cstate st;
        char *reason, *message;
        int exit_code;
        int64_t started_ns, finished_ns;
        json_t *last_term; /* lastState.terminated */
        bool exited;       /* [L] set by the runtime's exit callback */
        bool done;         /* init container completed / regular container will not restart */
        bool retire;       /* exited: remove it from the runtime after the next status write */
        int64_t retry_at;  /* monotonic ns: when to (re)start, 0 = now */
        int64_t backoff_ms;
        char *image, *image_id;
        char *rootfs_mnt;  /* mounted overlay of the current attempt */
        bool ever_started;
};

struct pod {
        char *uid, *ns, *name;
        json_t *obj;  /* [L] latest Pod from the API */
        json_t *spec; /* spec at adoption (pods are immutable where it matters) */
        pthread_cond_t cond;
        bool wake;    /* [L] */
        bool gone;    /* [L] DELETED from the API */
        bool stopping;
        struct ctr *ctrs;
        size_t nctrs;
        char *dir;    /* <data>/agent/pods/<uid> */
        char *netns;  /* pinned netns file or NULL */
        int64_t start_time_s;
        char phase[16];
        char *reason, *message;
        bool sandbox_ready, initialized;
        bool terminal;
        bool frozen;       /* finished before this agent knew it: never rewrite its status */
        char *last_status; /* last status JSON written (skip identical writes) */
        struct pod *next;  /* [L] table link */
};

struct agent {
        struct agent_config cfg;
        char *node_name, *data_dir, *agent_dir, *image_dir, *pods_dir;
        struct hc *hc;
        struct runtime *rt;
        struct registry_config *reg; /* NULL when registries.yaml could not be loaded */
        pthread_mutex_t lock;
        struct pod *pods; /* [L] */
        volatile bool stop;
        pthread_t watch_thread, lease_thread;
        sem_t rt_slots; /* bounded runtime concurrency */
        uint16_t log_port;
        int64_t backoff_base_ms, backoff_cap_ms;
        char host_ip[64];
        int64_t cpu_milli, mem_bytes;
        int max_pods;
        int64_t running_workers; /* [L] */
        pthread_cond_t workers_done;
};
extern struct agent A;

/* pod.c */
void pod_worker_spawn(struct pod *p);
void pod_wake(struct pod *p);
struct pod *pod_find_uid(const char *uid);           /* [L] held by caller */
struct pod *pod_find_name(const char *ns, const char *name); /* [L] held */
void agent_on_exit(void *ud, const char *id);
void agent_event(json_t *pod, const char *type, const char *reason, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* env.c: the container's env as [{name, value}] with configMap/secret/field/resource
 * references resolved and $(VAR) expanded; NULL with err (CreateContainerConfigError). */
json_t *env_resolve(json_t *pod, json_t *container, char *err, size_t errlen);

/* volume (src/volume/volume.c) */

/* logs.c */
int logs_server_start(uint16_t *ret_port);
void logs_server_stop(void);
/* A CRI log line "<ts> <stream> <F|P> <text>": 0 and the parts, or -EINVAL. */
struct cri_line {
        const char *ts;
        size_t ts_len;
        const char *stream;
        size_t stream_len;
        bool partial;
        const char *msg;
        size_t msg_len;
};
int cri_parse_line(const char *line, size_t len, struct cri_line *ret);
int64_t cri_parse_time(const char *ts, size_t len); /* ns since epoch or -1 */
/* What the log endpoint answers for the complete CRI lines in data (tail < 0: all lines;
 * since_ns 0: no filter; limit < 0: no cap).  Caller frees. */
char *cri_render(const char *data, size_t len, int64_t tail, bool timestamps, int64_t since_ns,
                 int64_t limit);

/* agent.c: GET a namespaced object (NULL unless 200); the log server's lookups */
json_t *agent_get_object(const char *plural, const char *ns, const char *name, int *ret_code);
bool agent_log_active(const char *uid, const char *container, const char *id);
int agent_log_target(const char *ns, const char *pod, const char *container, bool previous,
                     char **ret_path, char **ret_uid, char **ret_id, char *err, size_t errlen);

/* small helpers (agent.c) */
int write_file_at(const char *path, const char *data, size_t len, mode_t mode);
#endif

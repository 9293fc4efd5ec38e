/* job_hollow.c — issue 3's Job-controller benchmark: a hollow node that finishes pods as
 * soon as they are bound (never part of the test suite).
 *
 * Usage: job_hollow --port P --pid SERVER_PID [--completions 10000] [--parallelism 100]
 *                   [--mode indexed|nonindexed|direct] [--bind auto|never] [--workers 8]
 *                   [--timeout-s 240] [--node hollow-0]
 *
 * What it does, all over loopback HTTP (libcurl, one reused handle per thread):
 *   - registers a Node with a Ready condition and huge allocatable cpu/memory/pods;
 *   - watches every pod in namespace default (one NDJSON stream);
 *   - a pending pod without spec.nodeName is bound to the node (pods/{name}/binding) —
 *     with --bind auto a 409 (a scheduler won the race) is fine, with --bind never only a
 *     scheduler binds; a pod bound to this node (by us or a scheduler) gets one
 *     PUT pods/{name}/status: phase Succeeded, container terminated exitCode 0 Completed;
 *   - the harness creates one Job (completions × parallelism; Indexed or NonIndexed) and
 *     watches it until its Complete condition (or the timeout);
 *   - --mode direct needs no Job controller: the program itself keeps `parallelism` pods
 *     in flight by creating a new pod whenever one succeeds.  That measures the API
 *     side of the pod lifecycle alone (create + bind + status), a ceiling for the Job
 *     controller figure, and exercises the hollow node when no controller is wired.
 *
 * Reported: completed pods per second (Job created → Complete; also the 10 %–90 % rate),
 * the hollow node's API requests per completed pod (its own requests only — the server's
 * in-process controllers call the store directly and are not counted; the harness's Job
 * create/watch are listed apart; every store write, the controllers' included, is counted
 * from the resourceVersion delta), server CPU seconds per 1,000 pods (utime+stime of the
 * server process from /proc/PID/stat over the run), the most pods seen active at once
 * (must stay ≤ parallelism), and a same-run GET /version rate as the baseline.
 *
 * Design: the watcher thread only classifies events and queues work; W worker threads
 * send the requests, so a slow request never stalls the stream.  Per-pod state lives in an
 * open-addressed table sized for the run (capped), guarded by one mutex; a state only
 * moves forward (seen → binding → status sent → done), which makes the bind worker and a
 * scheduler-made MODIFIED event agree on who sends the status.  The work queue is a
 * fixed ring: when it is full the watcher waits (back-pressure instead of growth).
 */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <jansson.h>
#include "benchlib.h"

#define MAX_WORKERS 64
#define RING_CAP 65536

enum mode { MODE_INDEXED, MODE_NONINDEXED, MODE_DIRECT };
static struct {
        uint16_t port;
        int pid;
        long completions, parallelism;
        enum mode mode;
        bool bind;
        int workers;
        int timeout_s;
        const char *node;
        const char *job;
} o = {.completions = 10000,
       .parallelism = 100,
       .mode = MODE_INDEXED,
       .bind = true,
       .workers = 8,
       .timeout_s = 240,
       .node = "hollow-0",
       .job = "hollow"};

static int64_t deadline;
static atomic_bool stop_all;

/* ---- counters ---- */
static atomic_ullong n_node_req, n_bind_ok, n_bind_conflict, n_bind_err, n_status_ok, n_status_err,
    n_watch_req, n_create_ok, n_create_err;
static atomic_long succeeded_seen; /* pods the watch saw reach Succeeded */
static atomic_long pods_seen;
static long active_now, active_max; /* under tab_mu */
static _Atomic int64_t t_first_pod, t_last_succeeded;

/* ---- pod table ---- */
enum pstate { PS_NONE, PS_SEEN, PS_BINDING, PS_STATUS, PS_DONE };
struct pod {
        char *name;
        enum pstate st;
        bool active;
};
static struct pod *tab;
static size_t tab_cap;
static pthread_mutex_t tab_mu = PTHREAD_MUTEX_INITIALIZER;

static uint64_t hash_str(const char *s)
{
        uint64_t h = 1469598103934665603ULL;
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ULL;
        return h;
}

/* Caller holds tab_mu.  NULL when the table is full (the run is then aborted). */
static struct pod *tab_get(const char *name)
{
        for (size_t i = hash_str(name) & (tab_cap - 1), n = 0; n < tab_cap;
             i = (i + 1) & (tab_cap - 1), n++) {
                if (!tab[i].name) {
                        tab[i].name = xstrdup(name);
                        tab[i].st = PS_NONE;
                        return &tab[i];
                }
                if (streq(tab[i].name, name))
                        return &tab[i];
        }
        return NULL;
}

/* ---- work queue ---- */
enum op { OP_BIND, OP_STATUS, OP_CREATE };
struct item {
        enum op op;
        char *name;
        char *body; /* status PUT body (OP_STATUS) */
};
static struct item ring[RING_CAP];
static size_t ring_head, ring_len;
static pthread_mutex_t ring_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ring_nonempty = PTHREAD_COND_INITIALIZER,
                      ring_nonfull = PTHREAD_COND_INITIALIZER;

static void ring_push(struct item it)
{
        pthread_mutex_lock(&ring_mu);
        while (ring_len == RING_CAP && !atomic_load(&stop_all))
                pthread_cond_wait(&ring_nonfull, &ring_mu);
        if (ring_len < RING_CAP) {
                ring[(ring_head + ring_len) % RING_CAP] = it;
                ring_len++;
                pthread_cond_signal(&ring_nonempty);
        } else {
                free(it.name);
                free(it.body);
        }
        pthread_mutex_unlock(&ring_mu);
}

static bool ring_pop(struct item *it)
{
        pthread_mutex_lock(&ring_mu);
        while (ring_len == 0 && !atomic_load(&stop_all)) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += 200 * 1000 * 1000;
                if (ts.tv_nsec >= 1000000000L) {
                        ts.tv_sec++;
                        ts.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&ring_nonempty, &ring_mu, &ts);
        }
        bool got = ring_len > 0;
        if (got) {
                *it = ring[ring_head];
                ring_head = (ring_head + 1) % RING_CAP;
                ring_len--;
                pthread_cond_signal(&ring_nonfull);
        }
        pthread_mutex_unlock(&ring_mu);
        return got;
}

/* ---- request bodies ---- */

static char *status_body(const char *name, json_t *pod)
{
        char now[40];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
        json_t *cs = json_array();
        json_t *containers = json_object_get(json_object_get(pod, "spec"), "containers");
        size_t i;
        json_t *c;
        json_array_foreach(containers, i, c)
        {
                const char *cn = json_string_value(json_object_get(c, "name"));
                const char *im = json_string_value(json_object_get(c, "image"));
                json_array_append_new(
                    cs,
                    json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:i, s:{s:{s:i, s:s, s:s, "
                              "s:s, s:s}}}",
                              "name", cn ? cn : "c", "image", im ? im : "", "imageID", "",
                              "containerID", "hollow://0", "ready", 0, "started", 0, "restartCount",
                              0, "state", "terminated", "exitCode", 0, "reason", "Completed",
                              "startedAt", now, "finishedAt", now, "containerID", "hollow://0"));
        }
        json_t *conds = json_pack(
            "[{s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]",
            "type", "PodScheduled", "status", "True", "lastTransitionTime", now, "type",
            "Initialized", "status", "True", "lastTransitionTime", now, "type", "Ready", "status",
            "False", "reason", "PodCompleted", "lastTransitionTime", now, "type", "ContainersReady",
            "status", "False", "reason", "PodCompleted", "lastTransitionTime", now);
        json_t *b = json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:o, s:o}}", "apiVersion",
                              "v1", "kind", "Pod", "metadata", "name", name, "namespace", "default",
                              "status", "phase", "Succeeded", "hostIP", "10.0.0.1", "startTime",
                              now, "conditions", conds, "containerStatuses", cs);
        char *s = json_dumps(b, JSON_COMPACT);
        json_decref(b);
        return s;
}

/* ---- workers ---- */

static void *worker_main(void *ud)
{
        struct bconn *c = ud;
        struct item it;
        char path[512], body[1024];
        while (!atomic_load(&stop_all) && mono_ns() < deadline) {
                if (!ring_pop(&it))
                        continue;
                int code;
                switch (it.op) {
                case OP_BIND:
                        snprintf(path, sizeof(path), "/api/v1/namespaces/default/pods/%s/binding",
                                 it.name);
                        snprintf(body, sizeof(body),
                                 "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{"
                                 "\"name\":\"%s\"},\"target\":{\"kind\":\"Node\",\"name\":\"%s\"}}",
                                 it.name, o.node);
                        code = bconn_request(c, "POST", path, body, NULL, NULL);
                        if (code == 201 || code == 200) {
                                atomic_fetch_add(&n_bind_ok, 1);
                                /* the status follows at once: no need to wait for the event */
                                bool send = false;
                                pthread_mutex_lock(&tab_mu);
                                struct pod *p = tab_get(it.name);
                                if (p && p->st < PS_STATUS) {
                                        p->st = PS_STATUS;
                                        send = true;
                                }
                                pthread_mutex_unlock(&tab_mu);
                                if (send) {
                                        ring_push((struct item){OP_STATUS, it.name, it.body});
                                        it.name = it.body = NULL;
                                }
                        } else if (code == 409) {
                                atomic_fetch_add(&n_bind_conflict, 1);
                        } else {
                                atomic_fetch_add(&n_bind_err, 1);
                                if (atomic_load(&n_bind_err) <= 3)
                                        fprintf(stderr, "job_hollow: bind %s: %d %.200s\n", it.name,
                                                code, c->resp.data ? c->resp.data : "");
                        }
                        break;
                case OP_STATUS:
                        snprintf(path, sizeof(path), "/api/v1/namespaces/default/pods/%s/status",
                                 it.name);
                        code = bconn_request(c, "PUT", path, it.body, NULL, NULL);
                        if (code == 200) {
                                atomic_fetch_add(&n_status_ok, 1);
                        } else {
                                atomic_fetch_add(&n_status_err, 1);
                                if (atomic_load(&n_status_err) <= 3)
                                        fprintf(stderr, "job_hollow: status %s: %d %.200s\n",
                                                it.name, code, c->resp.data ? c->resp.data : "");
                        }
                        break;
                case OP_CREATE:
                        snprintf(
                            body, sizeof(body),
                            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{"
                            "\"name\":\"%s\",\"labels\":{\"hollow-bench\":\"direct\"}},"
                            "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}],"
                            "\"restartPolicy\":\"Never\"}}",
                            it.name);
                        code = bconn_request(c, "POST", "/api/v1/namespaces/default/pods", body,
                                             NULL, NULL);
                        if (code == 201)
                                atomic_fetch_add(&n_create_ok, 1);
                        else {
                                atomic_fetch_add(&n_create_err, 1);
                                if (atomic_load(&n_create_err) <= 3)
                                        fprintf(stderr, "job_hollow: create %s: %d %.200s\n",
                                                it.name, code, c->resp.data ? c->resp.data : "");
                        }
                        break;
                }
                free(it.name);
                free(it.body);
        }
        return NULL;
}

/* ---- direct mode: the program keeps `parallelism` pods in flight ---- */
static atomic_long direct_created;

static void direct_create_next(void)
{
        long n = atomic_fetch_add(&direct_created, 1);
        if (n >= o.completions)
                return;
        ring_push((struct item){OP_CREATE, xasprintf("hollow-direct-%ld", n), NULL});
}

/* ---- the pod watch ---- */

static bool table_full;

static void on_pod_line(void *ud, const char *line, size_t len)
{
        json_t *ev = json_loadb(line, len, 0, NULL);
        if (!ev)
                return;
        const char *type = json_string_value(json_object_get(ev, "type"));
        json_t *pod = json_object_get(ev, "object");
        json_t *md = json_object_get(pod, "metadata");
        const char *name = json_string_value(json_object_get(md, "name"));
        if (!type || !name || streq(type, "BOOKMARK") || streq(type, "ERROR")) {
                json_decref(ev);
                return;
        }
        const char *phase =
            json_string_value(json_object_get(json_object_get(pod, "status"), "phase"));
        const char *node =
            json_string_value(json_object_get(json_object_get(pod, "spec"), "nodeName"));
        bool deleting = json_object_get(md, "deletionTimestamp") != NULL;
        bool terminal = phase && (streq(phase, "Succeeded") || streq(phase, "Failed"));
        bool deleted = streq(type, "DELETED");
        enum op todo = (enum op) - 1;
        bool new_success = false;

        pthread_mutex_lock(&tab_mu);
        struct pod *p = tab_get(name);
        if (!p) {
                table_full = true;
                atomic_store(&stop_all, true);
                pthread_mutex_unlock(&tab_mu);
                json_decref(ev);
                return;
        }
        if (p->st == PS_NONE) {
                p->st = PS_SEEN;
                if (atomic_fetch_add(&pods_seen, 1) == 0)
                        t_first_pod = mono_ns();
        }
        bool active = !terminal && !deleted && !deleting;
        if (active != p->active) {
                p->active = active;
                active_now += active ? 1 : -1;
                if (active_now > active_max)
                        active_max = active_now;
        }
        if (terminal && p->st != PS_DONE) {
                p->st = PS_DONE;
                if (phase && streq(phase, "Succeeded"))
                        new_success = true;
        } else if (active) {
                if ((!node || !*node) && p->st == PS_SEEN && o.bind) {
                        p->st = PS_BINDING;
                        todo = OP_BIND;
                } else if (node && streq(node, o.node) && p->st < PS_STATUS) {
                        p->st = PS_STATUS;
                        todo = OP_STATUS;
                }
        }
        pthread_mutex_unlock(&tab_mu);

        if (new_success) {
                atomic_fetch_add(&succeeded_seen, 1);
                t_last_succeeded = mono_ns();
                if (o.mode == MODE_DIRECT)
                        direct_create_next();
        }
        if (todo == OP_BIND || todo == OP_STATUS)
                ring_push((struct item){todo, xstrdup(name), status_body(name, pod)});
        json_decref(ev);
}

static char pods_rv[32];
static int watch_rc;

static void *pod_watch_main(void *ud)
{
        char path[256];
        snprintf(path, sizeof(path),
                 "/api/v1/namespaces/default/pods?watch=true&resourceVersion=%s", pods_rv);
        atomic_fetch_add(&n_watch_req, 1);
        watch_rc = bwatch_run(o.port, path, &stop_all, deadline, on_pod_line, NULL);
        return NULL;
}

/* ---- the Job watch (harness) ---- */
struct jobwatch {
        atomic_bool stop;
        long succeeded, failed, active_max;
        int64_t t10, t90;
        _Atomic int64_t t_done;
        bool complete, failed_cond;
};

static void on_job_line(void *ud, const char *line, size_t len)
{
        struct jobwatch *jw = ud;
        json_t *ev = json_loadb(line, len, 0, NULL);
        if (!ev)
                return;
        json_t *st = json_object_get(json_object_get(ev, "object"), "status");
        int64_t now = mono_ns();
        long s = (long)json_integer_value(json_object_get(st, "succeeded"));
        long a = (long)json_integer_value(json_object_get(st, "active"));
        jw->failed = (long)json_integer_value(json_object_get(st, "failed"));
        if (a > jw->active_max)
                jw->active_max = a;
        if (s > jw->succeeded) {
                jw->succeeded = s;
                if (!jw->t10 && s * 10 >= o.completions)
                        jw->t10 = now;
                if (!jw->t90 && s * 10 >= o.completions * 9)
                        jw->t90 = now;
        }
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(st, "conditions"), i, c)
        {
                const char *t = json_string_value(json_object_get(c, "type"));
                const char *cs = json_string_value(json_object_get(c, "status"));
                if (t && cs && streq(cs, "True") && (streq(t, "Complete") || streq(t, "Failed"))) {
                        if (!jw->t_done)
                                jw->t_done = now;
                        jw->complete = streq(t, "Complete");
                        jw->failed_cond = streq(t, "Failed");
                        atomic_store(&jw->stop, true);
                }
        }
        json_decref(ev);
}

static struct jobwatch jw;
static void *job_watch_main(void *ud)
{
        char path[256];
        snprintf(path, sizeof(path),
                 "/apis/batch/v1/namespaces/default/jobs?watch=true&resourceVersion=%s"
                 "&fieldSelector=metadata.name%%3D%s",
                 pods_rv, o.job);
        bwatch_run(o.port, path, &jw.stop, deadline, on_job_line, &jw);
        return NULL;
}

/* ---- helpers ---- */

static int list_rv(struct bconn *c, const char *path, char *out, size_t n)
{
        int code = bconn_request(c, "GET", path, NULL, NULL, NULL);
        if (code != 200)
                return -EIO;
        json_t *j = json_loadb(c->resp.data, c->resp.len, 0, NULL);
        const char *rv =
            json_string_value(json_object_get(json_object_get(j, "metadata"), "resourceVersion"));
        int r = rv ? 0 : -EIO;
        if (rv)
                snprintf(out, n, "%s", rv);
        json_decref(j);
        return r;
}

static double self_cpu_s(void)
{
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double version_rate(struct bconn *c)
{
        int64_t t0 = mono_ns(), end = t0 + 1000000000LL;
        long n = 0;
        while (mono_ns() < end && n < 100000)
                if (bconn_request(c, "GET", "/version", NULL, NULL, NULL) == 200)
                        n++;
        return (double)n / ((double)(mono_ns() - t0) / 1e9);
}

static void usage(void)
{
        fputs("usage: job_hollow --port P --pid SERVER_PID [--completions N] [--parallelism N]\n"
              "         [--mode indexed|nonindexed|direct] [--bind auto|never] [--workers N]\n"
              "         [--timeout-s S] [--node NAME]\n",
              stderr);
        exit(2);
}

int main(int argc, char **argv)
{
        static const struct option lo[] = {
            {"port", required_argument, NULL, 'p'},
            {"pid", required_argument, NULL, 'P'},
            {"completions", required_argument, NULL, 'c'},
            {"parallelism", required_argument, NULL, 'l'},
            {"mode", required_argument, NULL, 'm'},
            {"bind", required_argument, NULL, 'b'},
            {"workers", required_argument, NULL, 'w'},
            {"timeout-s", required_argument, NULL, 't'},
            {"node", required_argument, NULL, 'n'},
            {NULL, 0, NULL, 0},
        };
        int ch;
        while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
                switch (ch) {
                case 'p':
                        o.port = (uint16_t)atoi(optarg);
                        break;
                case 'P':
                        o.pid = atoi(optarg);
                        break;
                case 'c':
                        o.completions = atol(optarg);
                        break;
                case 'l':
                        o.parallelism = atol(optarg);
                        break;
                case 'm':
                        if (streq(optarg, "indexed"))
                                o.mode = MODE_INDEXED;
                        else if (streq(optarg, "nonindexed"))
                                o.mode = MODE_NONINDEXED;
                        else if (streq(optarg, "direct"))
                                o.mode = MODE_DIRECT;
                        else
                                usage();
                        break;
                case 'b':
                        o.bind = !streq(optarg, "never");
                        break;
                case 'w':
                        o.workers = atoi(optarg);
                        break;
                case 't':
                        o.timeout_s = atoi(optarg);
                        break;
                case 'n':
                        o.node = optarg;
                        break;
                default:
                        usage();
                }
        }
        if (!o.port || o.pid <= 0 || o.completions < 1 || o.completions > 1000000 ||
            o.parallelism < 1 || o.parallelism > 100000 || o.workers < 1 ||
            o.workers > MAX_WORKERS || o.timeout_s < 5 || o.timeout_s > 3600 || strlen(o.node) > 63)
                usage();
        curl_global_init(CURL_GLOBAL_DEFAULT);
        int64_t t_start = mono_ns();
        deadline = t_start + (int64_t)o.timeout_s * 1000000000LL;
        tab_cap = 1024;
        while (tab_cap < (size_t)(o.completions + o.parallelism) * 4)
                tab_cap *= 2;
        tab = xcalloc(tab_cap, sizeof(*tab));

        struct bconn h; /* the harness's own connection (Job create, baseline) */
        bconn_init(&h, o.port, 0);
        double version_rps = version_rate(&h);

        /* register the node */
        struct bconn nc;
        bconn_init(&nc, o.port, 0);
        char body[2048];
        snprintf(body, sizeof(body),
                 "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"%s\","
                 "\"labels\":{\"kubernetes.io/hostname\":\"%s\",\"type\":\"hollow\"}},"
                 "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
                 "\"reason\":\"KubeletReady\",\"message\":\"hollow node\"}],"
                 "\"capacity\":{\"cpu\":\"100000\",\"memory\":\"1000Ti\",\"pods\":\"1000000\"},"
                 "\"allocatable\":{\"cpu\":\"100000\",\"memory\":\"1000Ti\",\"pods\":\"1000000\"},"
                 "\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"10.0.0.1\"}]}}",
                 o.node, o.node);
        int code = bconn_request(&nc, "POST", "/api/v1/nodes", body, NULL, NULL);
        atomic_fetch_add(&n_node_req, 1);
        if (code != 201 && code != 409) {
                fprintf(stderr, "job_hollow: cannot register node: %d %.300s\n", code,
                        nc.resp.data ? nc.resp.data : "");
                return 1;
        }
        bconn_release(&nc);
        if (list_rv(&h, "/api/v1/namespaces/default/pods?limit=1", pods_rv, sizeof(pods_rv)) < 0) {
                fprintf(stderr, "job_hollow: cannot list pods\n");
                return 1;
        }

        struct bconn wc[MAX_WORKERS];
        pthread_t wt[MAX_WORKERS], pwt, jwt;
        for (int i = 0; i < o.workers; i++) {
                bconn_init(&wc[i], o.port, 0);
                pthread_create(&wt[i], NULL, worker_main, &wc[i]);
        }
        atomic_init(&stop_all, false);
        pthread_create(&pwt, NULL, pod_watch_main, NULL);
        usleep(200 * 1000);

        char rvb[32];
        long long rv0 =
            list_rv(&h, "/api/v1/namespaces/default/pods?limit=1", rvb, sizeof(rvb)) == 0
                ? strtoll(rvb, NULL, 10)
                : -1;
        double cpu0 = proc_cpu_s(o.pid), self0 = self_cpu_s();
        long rss0 = proc_rss_kb(o.pid);
        int64_t t0 = mono_ns();
        unsigned harness_req = 0;
        bool started = true;
        if (o.mode == MODE_DIRECT) {
                for (long i = 0; i < o.parallelism; i++)
                        direct_create_next();
        } else {
                atomic_init(&jw.stop, false);
                pthread_create(&jwt, NULL, job_watch_main, NULL);
                harness_req++;
                usleep(100 * 1000);
                snprintf(body, sizeof(body),
                         "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":"
                         "\"%s\"},\"spec\":{\"completions\":%ld,\"parallelism\":%ld,"
                         "\"completionMode\":\"%s\",\"backoffLimit\":6,\"template\":{\"spec\":{"
                         "\"containers\":[{\"name\":\"work\",\"image\":\"busybox\",\"command\":["
                         "\"true\"]}],\"restartPolicy\":\"Never\"}}}}",
                         o.job, o.completions, o.parallelism,
                         o.mode == MODE_INDEXED ? "Indexed" : "NonIndexed");
                t0 = mono_ns();
                code = bconn_request(&h, "POST", "/apis/batch/v1/namespaces/default/jobs", body,
                                     NULL, NULL);
                harness_req++;
                if (code != 201) {
                        fprintf(stderr, "job_hollow: Job create failed: %d %.400s\n", code,
                                h.resp.data ? h.resp.data : "");
                        started = false;
                }
        }
        /* wait: for the first pod (15 s), then for the end */
        bool no_controller = false;
        while (started && mono_ns() < deadline && !table_full) {
                int64_t now = mono_ns();
                if (o.mode == MODE_DIRECT) {
                        if (atomic_load(&succeeded_seen) >= o.completions)
                                break;
                } else if (jw.t_done)
                        break;
                if (atomic_load(&pods_seen) == 0 && now - t0 > 15 * 1000000000LL) {
                        no_controller = true;
                        break;
                }
                usleep(20 * 1000);
        }
        int64_t t_end = o.mode == MODE_DIRECT ? t_last_succeeded : jw.t_done;
        bool finished =
            o.mode == MODE_DIRECT ? atomic_load(&succeeded_seen) >= o.completions : jw.t_done != 0;
        if (!finished)
                t_end = mono_ns();
        double cpu1 = proc_cpu_s(o.pid), self1 = self_cpu_s();
        long long rv1 =
            list_rv(&h, "/api/v1/namespaces/default/pods?limit=1", rvb, sizeof(rvb)) == 0
                ? strtoll(rvb, NULL, 10)
                : -1;
        long rss1 = proc_rss_kb(o.pid);
        atomic_store(&stop_all, true);
        atomic_store(&jw.stop, true);
        pthread_mutex_lock(&ring_mu);
        pthread_cond_broadcast(&ring_nonempty);
        pthread_cond_broadcast(&ring_nonfull);
        pthread_mutex_unlock(&ring_mu);
        for (int i = 0; i < o.workers; i++)
                pthread_join(wt[i], NULL);
        pthread_join(pwt, NULL);
        if (o.mode != MODE_DIRECT)
                pthread_join(jwt, NULL);

        /* ---- report ---- */
        const char *mname = o.mode == MODE_INDEXED      ? "Indexed Job"
                            : o.mode == MODE_NONINDEXED ? "NonIndexed Job"
                                                        : "direct pods (no Job controller)";
        long done = o.mode == MODE_DIRECT ? atomic_load(&succeeded_seen) : jw.succeeded;
        double secs = (double)(t_end - t0) / 1e9;
        double rate = secs > 0 ? (double)done / secs : 0;
        unsigned long long node_req = atomic_load(&n_node_req) + atomic_load(&n_watch_req) +
                                      atomic_load(&n_bind_ok) + atomic_load(&n_bind_conflict) +
                                      atomic_load(&n_bind_err) + atomic_load(&n_status_ok) +
                                      atomic_load(&n_status_err);
        unsigned long long create_req = atomic_load(&n_create_ok) + atomic_load(&n_create_err);
        printf("\njob_hollow: %s, completions %ld, parallelism %ld, node %s, %d workers\n", mname,
               o.completions, o.parallelism, o.node, o.workers);
        if (no_controller) {
                printf("RESULT: no pod appeared within 15 s of creating the Job: the Job "
                       "controller is not running in this server.\n");
                return 3;
        }
        if (!started)
                return 1;
        printf("%s in %.2f s (%ld of %ld completions%s)\n",
               finished ? (o.mode == MODE_DIRECT ? "all pods Succeeded" : "Job Complete")
                        : "TIMED OUT",
               secs, done, o.completions, jw.failed_cond ? ", Job FAILED" : "");
        printf("\n| %-44s | %-26s | %-16s |\n", "metric", "value", "target / compare");
        printf("|----------------------------------------------|----------------------------|"
               "------------------|\n");
        char v[96], t[64];
        snprintf(v, sizeof(v), "%.0f pods/s", rate);
        snprintf(t, sizeof(t), ">= 1000 %s", pass_word(rate >= 1000 && finished));
        printf("| %-44s | %-26s | %-16s |\n", "completed pods/s (create -> Complete)", v, t);
        if (o.mode != MODE_DIRECT && jw.t10 && jw.t90 && jw.t90 > jw.t10) {
                double r = (double)(o.completions * 8 / 10) / ((double)(jw.t90 - jw.t10) / 1e9);
                snprintf(v, sizeof(v), "%.0f pods/s", r);
                printf("| %-44s | %-26s | %-16s |\n", "steady rate (10% -> 90% succeeded)", v, "");
        }
        snprintf(v, sizeof(v), "%.0fx", rate / 45.0);
        printf("| %-44s | %-26s | %-16s |\n", "vs upstream (~45 pods/s, Indexed 10k)", v, "");
        if (t_first_pod) {
                snprintf(v, sizeof(v), "%.1f ms", (double)(t_first_pod - t0) / 1e6);
                printf("| %-44s | %-26s | %-16s |\n", "first pod seen after create", v, "");
        }
        snprintf(v, sizeof(v), "%.2f (%llu req)", done ? (double)node_req / (double)done : 0,
                 node_req);
        printf("| %-44s | %-26s | %-16s |\n", "hollow-node API requests / completed pod", v, "");
        if (o.mode == MODE_DIRECT) {
                snprintf(v, sizeof(v), "%.2f (%llu creates)",
                         done ? (double)create_req / (double)done : 0, create_req);
                printf("| %-44s | %-26s | %-16s |\n", "bench-as-controller creates / pod", v, "");
        }
        double cpu = cpu1 - cpu0;
        snprintf(v, sizeof(v), "%.2f s (%.1f s total)", done ? cpu * 1000 / (double)done : 0, cpu);
        printf("| %-44s | %-26s | %-16s |\n", "server CPU s / 1,000 pods", v, "");
        if (rv0 >= 0 && rv1 >= rv0 && done) {
                /* every committed write moves the global resourceVersion by one: this counts
                 * the in-process controllers' writes (pods, Job status, events) as well */
                snprintf(v, sizeof(v), "%.2f (%lld writes)", (double)(rv1 - rv0) / (double)done,
                         rv1 - rv0);
                printf("| %-44s | %-26s | %-16s |\n", "all store writes / completed pod", v, "");
        }
        snprintf(v, sizeof(v), "%.2f s", done ? (self1 - self0) * 1000 / (double)done : 0);
        printf("| %-44s | %-26s | %-16s |\n", "hollow node CPU s / 1,000 pods", v, "");
        long amax;
        pthread_mutex_lock(&tab_mu);
        amax = active_max;
        pthread_mutex_unlock(&tab_mu);
        if (o.mode == MODE_DIRECT)
                snprintf(v, sizeof(v), "%ld", amax);
        else
                snprintf(v, sizeof(v), "%ld (Job status: %ld)", amax, jw.active_max);
        snprintf(t, sizeof(t), "<= %ld %s", o.parallelism, pass_word(amax <= o.parallelism));
        printf("| %-44s | %-26s | %-16s |\n", "max active pods seen on the watch", v, t);
        snprintf(v, sizeof(v), "%.1f -> %.1f MB", (double)rss0 / 1024, (double)rss1 / 1024);
        printf("| %-44s | %-26s | %-16s |\n", "server RSS before -> after", v, "");
        snprintf(v, sizeof(v), "%.0f req/s", version_rps);
        printf("| %-44s | %-26s | %-16s |\n", "baseline GET /version, 1 client", v, "");
        if (done && version_rps > 0) {
                /* what the node's request count would allow at the /version rate */
                double per_pod = (double)(node_req + create_req) / (double)done;
                snprintf(v, sizeof(v), "%.3f", rate / (version_rps / per_pod));
                printf("| %-44s | %-26s | %-16s |\n", "pods/s / (/version req/s / req per pod)", v,
                       "");
        }
        printf("\nrequests: node %llu register+watch, bind %llu ok / %llu conflict / %llu err, "
               "status %llu ok / %llu err; harness %u (Job create + Job watch)%s\n",
               (unsigned long long)(atomic_load(&n_node_req) + atomic_load(&n_watch_req)),
               (unsigned long long)atomic_load(&n_bind_ok),
               (unsigned long long)atomic_load(&n_bind_conflict),
               (unsigned long long)atomic_load(&n_bind_err),
               (unsigned long long)atomic_load(&n_status_ok),
               (unsigned long long)atomic_load(&n_status_err), harness_req,
               o.mode == MODE_DIRECT ? "; pod creates by the bench (acting as controller) are "
                                       "listed apart"
                                     : "");
        printf("The server's in-process controllers (Job, scheduler if any, GC) call the store "
               "directly: their work is in the server CPU figure, not in the request count.\n");
        if (watch_rc < 0)
                printf("pod watch ended with error: %s\n", strerror(-watch_rc));
        if (table_full)
                printf("ABORTED: pod table full\n");
        for (int i = 0; i < o.workers; i++)
                bconn_release(&wc[i]);
        bconn_release(&h);
        curl_global_cleanup();
        return finished && !table_full ? 0 : 1;
}

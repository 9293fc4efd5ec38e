/* api_load.c — API load generator for `jobd server` (issue 2's benchmark; never a test).
 *
 * Usage: api_load --port P --pid PID [--jobs 10000] [--pods 30000] [--clients 16]
 *                 [--resource jobs|configmaps] [--budget-s 270]
 *
 * It talks plain HTTP/1.1 to 127.0.0.1:P through libcurl, one easy handle per client
 * thread that is reused for every request of every phase (keep-alive: no connects are
 * measured), and runs these phases in order, each bounded by a request count and a time
 * cap so the run always ends by itself:
 *
 *   1. baseline  GET /version, 1 and N clients         (the ratio denominator)
 *   2. create    Jobs, 1 client then N clients, with one watcher on jobs measuring how
 *                fast and how late the ADDED events arrive (latency = event received −
 *                create request sent); Jobs are created with "suspend": true so an
 *                in-process Job controller does not add 2 pods per Job
 *   3. create    Pods, N clients then 1 client          (preload: 10,000 Jobs, 30,000 Pods);
 *                the Pods are created already bound (spec.nodeName) to a registered Ready
 *                Node "bench-node" — with no agent running nothing executes them, and an
 *                in-process scheduler has nothing to do (30,000 unschedulable pods would
 *                otherwise keep it writing conditions and FailedScheduling events for
 *                minutes, measured as background load on every later phase)
 *   4. quiesce   after every create phase, wait (≤ 30 s) until the server's resourceVersion
 *                holds still and its CPU use is under 8 % for 1 s, i.e. the in-process controllers
 * have caught up with what we created (the Job controller marks each suspended Job Suspended and
 * records an Event), so the next phase starts on a quiet server; then read VmRSS.  The report shows
 * the writes the server made on its own (resourceVersion delta minus our creates) and the time it
 * needed.
 *   5. get       one Job by name (random among the preloaded), 1 and N clients
 *   6. list      all Jobs as JSON and as a meta.k8s.io Table, 1 and N clients
 *   7. mixed     1-client Pod creates (5 s, at most 3,000 extra Pods) while another client
 *                LISTs Jobs as a Table in a loop: shows whether a long LIST stalls writers
 *
 * Every figure is printed next to the same-run /version figure at the same concurrency
 * (throughput as a fraction of it, latency as a multiple of it) and, where issue 2 sets
 * one, next to its target with pass/MISS.  The server's CPU time per phase (from
 * /proc/PID/stat) is printed too: it says where server effort goes, independent of the
 * client's own CPU use on a small machine.
 *
 * Design choices: latency samples are kept per thread (capped at the phase's request
 * count) and merged after the join, so the hot loop takes no locks; the request index
 * comes from one atomic counter, so N clients share a fixed total.  --resource configmaps
 * swaps the Job objects for ConfigMaps (a development aid while Job validation is
 * unfinished; the report says which was used).
 */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <jansson.h>
#include "benchlib.h"

#define MAX_CLIENTS 64
#define LIST_BODY_MAX ((size_t)256 << 20)

struct opts {
        uint16_t port;
        int pid;
        uint64_t jobs, pods;
        int clients;
        bool configmaps;
        int budget_s;
};
static struct opts o = {.jobs = 10000, .pods = 30000, .clients = 16, .budget_s = 270};

static const char *job_path(void)
{
        return o.configmaps ? "/api/v1/namespaces/default/configmaps"
                            : "/apis/batch/v1/namespaces/default/jobs";
}

/* Connections live for the whole run: client thread i always uses conns[i]. */
static struct bconn conns[MAX_CLIENTS];
static int64_t run_deadline;

/* ---- phases ---- */

struct phase;
typedef int (*op_fn)(struct phase *p, struct bconn *c, uint64_t idx, uint64_t *rng,
                     int64_t *ret_ns);

struct phase {
        const char *name;
        int clients;
        uint64_t total;
        uint64_t base; /* name offset for creates */
        int64_t cap_ns;
        op_fn fn;
        int want_code;
        const char *accept;
        /* shared */
        atomic_uint_fast64_t next;
        atomic_uint_fast64_t ok, err;
        atomic_int first_err;
        pthread_barrier_t start;
        int64_t deadline;
        /* results */
        int64_t t0; /* monotonic start */
        double secs;
        double cpu_s;
        struct lat lat;
        uint64_t bytes;
        char err_body[200];
        pthread_mutex_t mu;
};

struct worker {
        struct phase *p;
        int id;
        struct lat lat;
        uint64_t bytes;
};

/* t_send[i]: when the create of job i was sent; read by the watcher */
static _Atomic int64_t *t_send;

static uint64_t xorshift(uint64_t *s)
{
        uint64_t x = *s;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return *s = x;
}

static int op_version(struct phase *p, struct bconn *c, uint64_t idx, uint64_t *rng, int64_t *ns)
{
        return bconn_request(c, "GET", "/version", NULL, NULL, ns);
}

static int op_create_job(struct phase *p, struct bconn *c, uint64_t idx, uint64_t *rng, int64_t *ns)
{
        char body[1024];
        uint64_t n = p->base + idx;
        if (o.configmaps)
                snprintf(body, sizeof(body),
                         "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
                         "\"bj-%llu\"},\"data\":{\"perl\":\"print bpi(2000)\"}}",
                         (unsigned long long)n);
        else
                snprintf(body, sizeof(body),
                         "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":"
                         "\"bj-%llu\"},\"spec\":{\"suspend\":true,\"completions\":2,"
                         "\"parallelism\":2,\"backoffLimit\":4,\"template\":{\"spec\":{"
                         "\"containers\":[{\"name\":\"pi\",\"image\":\"perl\",\"command\":["
                         "\"perl\",\"-Mbignum=bpi\",\"-wle\",\"print bpi(2000)\"]}],"
                         "\"restartPolicy\":\"Never\"}}}}",
                         (unsigned long long)n);
        if (t_send && n < o.jobs)
                atomic_store_explicit(&t_send[n], mono_ns(), memory_order_relaxed);
        return bconn_request(c, "POST", job_path(), body, NULL, ns);
}

static int op_create_pod(struct phase *p, struct bconn *c, uint64_t idx, uint64_t *rng, int64_t *ns)
{
        char body[512];
        snprintf(body, sizeof(body),
                 "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"bp-%llu\"},"
                 "\"spec\":{\"nodeName\":\"bench-node\",\"containers\":[{\"name\":\"c\","
                 "\"image\":\"busybox\"}],\"restartPolicy\":\"Never\"}}",
                 (unsigned long long)(p->base + idx));
        return bconn_request(c, "POST", "/api/v1/namespaces/default/pods", body, NULL, ns);
}

static uint64_t jobs_stored;

static int op_get_job(struct phase *p, struct bconn *c, uint64_t idx, uint64_t *rng, int64_t *ns)
{
        char path[256];
        uint64_t n = jobs_stored ? xorshift(rng) % jobs_stored : 0;
        snprintf(path, sizeof(path), "%s/bj-%llu", job_path(), (unsigned long long)n);
        return bconn_request(c, "GET", path, NULL, NULL, ns);
}

static int op_list_jobs(struct phase *p, struct bconn *c, uint64_t idx, uint64_t *rng, int64_t *ns)
{
        return bconn_request(c, "GET", job_path(), NULL, p->accept, ns);
}

static void *worker_main(void *ud)
{
        struct worker *w = ud;
        struct phase *p = w->p;
        struct bconn *c = &conns[w->id];
        uint64_t rng = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)(w->id + 1) * 0xbf58476d1ce4e5b9ULL);
        pthread_barrier_wait(&p->start);
        for (;;) {
                uint64_t i = atomic_fetch_add(&p->next, 1);
                if (i >= p->total || mono_ns() > p->deadline)
                        break;
                int64_t ns = 0;
                int code = p->fn(p, c, i, &rng, &ns);
                if (code == p->want_code) {
                        atomic_fetch_add(&p->ok, 1);
                        lat_add(&w->lat, ns);
                        w->bytes += c->resp.len;
                } else {
                        uint64_t e = atomic_fetch_add(&p->err, 1);
                        int zero = 0;
                        if (atomic_compare_exchange_strong(&p->first_err, &zero,
                                                           code ? code : -1)) {
                                pthread_mutex_lock(&p->mu);
                                snprintf(p->err_body, sizeof(p->err_body), "%.180s",
                                         c->resp.data ? c->resp.data : "");
                                pthread_mutex_unlock(&p->mu);
                        }
                        /* a phase where nothing works is not worth finishing */
                        if (e >= 50 && atomic_load(&p->ok) == 0)
                                break;
                }
        }
        return NULL;
}

static void phase_run(struct phase *p)
{
        int n = p->clients;
        struct worker ws[MAX_CLIENTS];
        pthread_t th[MAX_CLIENTS];
        atomic_init(&p->next, 0);
        atomic_init(&p->ok, 0);
        atomic_init(&p->err, 0);
        atomic_init(&p->first_err, 0);
        pthread_mutex_init(&p->mu, NULL);
        pthread_barrier_init(&p->start, NULL, (unsigned)n + 1);
        int64_t now = mono_ns();
        p->deadline = now + p->cap_ns;
        if (p->deadline > run_deadline)
                p->deadline = run_deadline;
        for (int i = 0; i < n; i++) {
                ws[i] = (struct worker){.p = p, .id = i};
                lat_init(&ws[i].lat, p->total);
                if (pthread_create(&th[i], NULL, worker_main, &ws[i]) != 0) {
                        fprintf(stderr, "api_load: pthread_create failed\n");
                        exit(1);
                }
        }
        double cpu0 = proc_cpu_s(o.pid);
        pthread_barrier_wait(&p->start);
        int64_t t0 = p->t0 = mono_ns();
        lat_init(&p->lat, p->total);
        for (int i = 0; i < n; i++) {
                pthread_join(th[i], NULL);
                lat_merge(&p->lat, &ws[i].lat);
                p->bytes += ws[i].bytes;
                lat_release(&ws[i].lat);
        }
        p->secs = (double)(mono_ns() - t0) / 1e9;
        p->cpu_s = proc_cpu_s(o.pid) - cpu0;
        pthread_barrier_destroy(&p->start);
        uint64_t ok = atomic_load(&p->ok), err = atomic_load(&p->err);
        /* monotonic start,end: for `perf record -k CLOCK_MONOTONIC` + `perf report --time` */
        fprintf(stderr, "api_load: %-28s %2d clients: %6llu ok %4llu err in %6.2f s [%.6f,%.6f]",
                p->name, n, (unsigned long long)ok, (unsigned long long)err, p->secs,
                (double)t0 / 1e9, (double)mono_ns() / 1e9);
        if (err)
                fprintf(stderr, "  (first error %d: %s)", atomic_load(&p->first_err), p->err_body);
        fputc('\n', stderr);
}

static double ph_rate(struct phase *p)
{
        return p->secs > 0 ? (double)atomic_load(&p->ok) / p->secs : 0;
}

/* ---- the watcher ---- */

struct watcher {
        atomic_bool stop;
        int64_t deadline;
        uint64_t split;    /* job index where the N-client phase starts */
        struct lat lat[2]; /* [0] 1-client phase, [1] N-client phase */
        uint64_t events[2];
        int64_t first[2], last[2]; /* receive times */
        uint64_t other;            /* events that were not our ADDEDs */
        char rv[32];
        int rc;
};

static void on_watch_line(void *ud, const char *line, size_t len)
{
        struct watcher *w = ud;
        int64_t now = mono_ns();
        json_error_t jerr;
        json_t *ev = json_loadb(line, len, 0, &jerr);
        if (!ev) {
                w->other++;
                return;
        }
        const char *type = json_string_value(json_object_get(ev, "type"));
        json_t *md = json_object_get(json_object_get(ev, "object"), "metadata");
        const char *name = json_string_value(json_object_get(md, "name"));
        unsigned long long n;
        char tail;
        if (type && streq(type, "ADDED") && name && sscanf(name, "bj-%llu%c", &n, &tail) == 1 &&
            n < o.jobs) {
                int k = n >= w->split;
                int64_t sent = atomic_load_explicit(&t_send[n], memory_order_relaxed);
                if (sent > 0)
                        lat_add(&w->lat[k], now - sent);
                if (!w->events[k])
                        w->first[k] = now;
                w->events[k]++;
                w->last[k] = now;
        } else
                w->other++;
        json_decref(ev);
}

static void *watcher_main(void *ud)
{
        struct watcher *w = ud;
        char path[256];
        snprintf(path, sizeof(path), "%s?watch=true&resourceVersion=%s", job_path(), w->rv);
        w->rc = bwatch_run(o.port, path, &w->stop, w->deadline, on_watch_line, w);
        return NULL;
}

/* The current resourceVersion, from a one-item list. */
static int current_rv(struct bconn *c, char *out, size_t n)
{
        char path[256];
        snprintf(path, sizeof(path), "%s?limit=1", job_path());
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

static long long rv_now(struct bconn *c)
{
        char rv[32];
        return current_rv(c, rv, sizeof(rv)) < 0 ? -1 : strtoll(rv, NULL, 10);
}

/* Wait until the server is quiet — resourceVersion unchanged and under 8 % of one CPU
 * for four 250 ms windows in a row — at most max_s; returns the seconds waited.  The CPU
 * test matters: an in-process controller can be busy without writing anything. */
static double quiesce(struct bconn *c, int max_s)
{
        int64_t t0 = mono_ns();
        long long last = rv_now(c);
        double cpu_last = proc_cpu_s(o.pid);
        int still = 0;
        while (mono_ns() - t0 < (int64_t)max_s * 1000000000LL && still < 4) {
                usleep(250 * 1000);
                long long now = rv_now(c);
                double cpu = proc_cpu_s(o.pid);
                still = now == last && cpu - cpu_last < 0.02 ? still + 1 : 0;
                last = now;
                cpu_last = cpu;
        }
        return (double)(mono_ns() - t0) / 1e9;
}

static int register_node(struct bconn *c)
{
        int code = bconn_request(
            c, "POST", "/api/v1/nodes",
            "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"bench-node\"},"
            "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
            "\"capacity\":{\"cpu\":\"1000\",\"memory\":\"1000Gi\",\"pods\":\"100000\"},"
            "\"allocatable\":{\"cpu\":\"1000\",\"memory\":\"1000Gi\",\"pods\":\"100000\"}}}",
            NULL, NULL);
        return code == 201 || code == 409 ? 0 : -EIO;
}

/* Untimed check that a plain LIST really returns every Job in one answer. */
static long list_count(struct bconn *c, bool *ret_continue)
{
        int code = bconn_request(c, "GET", job_path(), NULL, NULL, NULL);
        if (code != 200)
                return -1;
        json_t *j = json_loadb(c->resp.data, c->resp.len, 0, NULL);
        long n = (long)json_array_size(json_object_get(j, "items"));
        *ret_continue = json_object_get(json_object_get(j, "metadata"), "continue") != NULL;
        json_decref(j);
        return n;
}

/* ---- background LIST loop for the mixed phase ---- */

struct bg_lister {
        atomic_bool stop;
        uint64_t n;
        struct bconn c;
        const char *accept;
};

static void *bg_lister_main(void *ud)
{
        struct bg_lister *b = ud;
        while (!atomic_load(&b->stop) && mono_ns() < run_deadline)
                if (bconn_request(&b->c, "GET", job_path(), NULL, b->accept, NULL) == 200)
                        b->n++;
        return NULL;
}

/* ---- report ---- */

static void fmt_ratio(char *out, size_t n, double v, double base)
{
        if (base > 0 && v > 0)
                snprintf(out, n, "%.3gx", v / base);
        else
                snprintf(out, n, "-");
}

static void row(const char *metric, int clients, const char *value, const char *ratio,
                const char *target, const char *result, const char *cpu)
{
        char c[8];
        snprintf(c, sizeof(c), clients ? "%d" : "-", clients);
        printf("| %-40s | %2s | %-22s | %-17s | %-11s | %-4s | %-9s |\n", metric, c, value, ratio,
               target, result, cpu);
}

static void cpu_per_op(char *out, size_t n, struct phase *p)
{
        uint64_t ok = atomic_load(&p->ok);
        if (ok && p->cpu_s >= 0)
                snprintf(out, n, "%.0f us", p->cpu_s * 1e6 / (double)ok);
        else
                snprintf(out, n, "-");
}

/* throughput + p50/p99 rows of a request phase against the baseline phase */
static void report_phase(const char *what, struct phase *p, struct phase *base,
                         const char *tput_target, double tput_min, const char *p99_target,
                         double p99_max_ms)
{
        char v[96], r[96], cpu[32];
        char metric[96];
        double rate = ph_rate(p), brate = ph_rate(base);
        cpu_per_op(cpu, sizeof(cpu), p);
        snprintf(metric, sizeof(metric), "%s throughput", what);
        snprintf(v, sizeof(v), "%.0f /s", rate);
        fmt_ratio(r, sizeof(r), rate, brate);
        row(metric, p->clients, v, r, tput_target ? tput_target : "",
            tput_target ? pass_word(rate >= tput_min) : "", cpu);
        double p50 = lat_pct_ms(&p->lat, 0.50), p99 = lat_pct_ms(&p->lat, 0.99);
        double b50 = lat_pct_ms(&base->lat, 0.50), b99 = lat_pct_ms(&base->lat, 0.99);
        snprintf(metric, sizeof(metric), "%s p50 / p99", what);
        snprintf(v, sizeof(v), "%.3f / %.3f ms", p50, p99);
        char r1[32], r2[32];
        fmt_ratio(r1, sizeof(r1), p50, b50);
        fmt_ratio(r2, sizeof(r2), p99, b99);
        snprintf(r, sizeof(r), "%s / %s", r1, r2);
        row(metric, p->clients, v, r, p99_target ? p99_target : "",
            p99_target ? pass_word(p99 <= p99_max_ms && p->lat.n > 0) : "", "");
}

static void report_watch(struct watcher *w, int k, struct phase *create, struct phase *base)
{
        char v[96], r[96];
        /* events over the span from the create phase's start to the last event seen */
        double span = w->events[k] ? (double)(w->last[k] - create->t0) / 1e9 : 0;
        double rate = span > 0 ? (double)w->events[k] / span : 0;
        snprintf(v, sizeof(v), "%.0f ev/s (%llu ev)", rate, (unsigned long long)w->events[k]);
        fmt_ratio(r, sizeof(r), rate, ph_rate(base));
        row("watch ADDED delivery", create->clients, v, r, "", "", "");
        double p50 = lat_pct_ms(&w->lat[k], 0.50), p99 = lat_pct_ms(&w->lat[k], 0.99);
        double b50 = lat_pct_ms(&base->lat, 0.50), b99 = lat_pct_ms(&base->lat, 0.99);
        snprintf(v, sizeof(v), "%.3f / %.3f ms", p50, p99);
        char r1[32], r2[32];
        fmt_ratio(r1, sizeof(r1), p50, b50);
        fmt_ratio(r2, sizeof(r2), p99, b99);
        snprintf(r, sizeof(r), "%s / %s", r1, r2);
        row("watch latency p50 / p99 (from send)", create->clients, v, r, "", "", "");
}

static void report_list(const char *what, struct phase *p, struct phase *base)
{
        char v[96], r[96], cpu[32], r1[32], r2[32];
        double p50 = lat_pct_ms(&p->lat, 0.50), p99 = lat_pct_ms(&p->lat, 0.99);
        double b50 = lat_pct_ms(&base->lat, 0.50), b99 = lat_pct_ms(&base->lat, 0.99);
        cpu_per_op(cpu, sizeof(cpu), p);
        snprintf(v, sizeof(v), "%.1f / %.1f ms", p50, p99);
        fmt_ratio(r1, sizeof(r1), p50, b50);
        fmt_ratio(r2, sizeof(r2), p99, b99);
        snprintf(r, sizeof(r), "%s / %s", r1, r2);
        char metric[96];
        snprintf(metric, sizeof(metric), "%s p50 / p99", what);
        row(metric, p->clients, v, r, "p50<=150 ms", pass_word(p->lat.n && p50 <= 150), cpu);
        if (p->lat.n) {
                snprintf(v, sizeof(v), "%.1f MB/answer",
                         (double)p->bytes / (double)atomic_load(&p->ok) / 1e6);
                snprintf(metric, sizeof(metric), "%s size", what);
                row(metric, p->clients, v, "", "", "", "");
        }
}

/* ---- main ---- */

static void usage(void)
{
        fputs("usage: api_load --port P --pid SERVER_PID [--jobs N] [--pods N] [--clients N]\n"
              "                [--resource jobs|configmaps] [--budget-s S]\n",
              stderr);
        exit(2);
}

int main(int argc, char **argv)
{
        static const struct option lo[] = {
            {"port", required_argument, NULL, 'p'},     {"pid", required_argument, NULL, 'P'},
            {"jobs", required_argument, NULL, 'j'},     {"pods", required_argument, NULL, 'o'},
            {"clients", required_argument, NULL, 'c'},  {"resource", required_argument, NULL, 'r'},
            {"budget-s", required_argument, NULL, 'b'}, {NULL, 0, NULL, 0},
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
                case 'j':
                        o.jobs = strtoull(optarg, NULL, 10);
                        break;
                case 'o':
                        o.pods = strtoull(optarg, NULL, 10);
                        break;
                case 'c':
                        o.clients = atoi(optarg);
                        break;
                case 'r':
                        o.configmaps = streq(optarg, "configmaps");
                        break;
                case 'b':
                        o.budget_s = atoi(optarg);
                        break;
                default:
                        usage();
                }
        }
        if (!o.port || o.pid <= 0 || o.clients < 1 || o.clients > MAX_CLIENTS || o.jobs < 100 ||
            o.jobs > 1000000 || o.pods > 1000000 || o.budget_s < 10 || o.budget_s > 3600)
                usage();
        curl_global_init(CURL_GLOBAL_DEFAULT);
        int64_t t_start = mono_ns();
        run_deadline = t_start + (int64_t)o.budget_s * 1000000000LL;
        for (int i = 0; i < o.clients; i++)
                if (bconn_init(&conns[i], o.port, LIST_BODY_MAX) < 0) {
                        fprintf(stderr, "api_load: curl init failed\n");
                        return 1;
                }
        const int64_t S = 1000000000LL;
        int N = o.clients;
        long rss_start = proc_rss_kb(o.pid);
        if (register_node(&conns[0]) < 0) {
                fprintf(stderr, "api_load: cannot register node bench-node\n");
                return 1;
        }
        long long rv_start = rv_now(&conns[0]);

        /* 1. baseline */
        struct phase v1 = {.name = "GET /version",
                           .clients = 1,
                           .total = 20000,
                           .cap_ns = 6 * S,
                           .fn = op_version,
                           .want_code = 200};
        struct phase vN = {.name = "GET /version",
                           .clients = N,
                           .total = 100000,
                           .cap_ns = 8 * S,
                           .fn = op_version,
                           .want_code = 200};
        phase_run(&v1);
        phase_run(&vN);
        long rss_idle = proc_rss_kb(o.pid);

        /* 2. Jobs, with a watcher */
        uint64_t j1 = o.jobs / 10;
        t_send = xcalloc(o.jobs, sizeof(*t_send));
        struct watcher w = {.split = j1};
        atomic_init(&w.stop, false);
        lat_init(&w.lat[0], o.jobs);
        lat_init(&w.lat[1], o.jobs);
        if (current_rv(&conns[0], w.rv, sizeof(w.rv)) < 0) {
                fprintf(stderr, "api_load: cannot list %s\n", job_path());
                return 1;
        }
        w.deadline = run_deadline;
        pthread_t wt;
        pthread_create(&wt, NULL, watcher_main, &w);
        usleep(200 * 1000); /* let the watch get established */
        struct phase cj1 = {.name = "create Job",
                            .clients = 1,
                            .total = j1,
                            .base = 0,
                            .cap_ns = 40 * S,
                            .fn = op_create_job,
                            .want_code = 201};
        struct phase cjN = {.name = "create Job",
                            .clients = N,
                            .total = o.jobs - j1,
                            .base = j1,
                            .cap_ns = 90 * S,
                            .fn = op_create_job,
                            .want_code = 201};
        double quiet[4];
        phase_run(&cj1);
        quiet[0] = quiesce(&conns[0], 30);
        phase_run(&cjN);
        /* give the watcher up to 5 s to see the tail */
        uint64_t want = atomic_load(&cj1.ok) + atomic_load(&cjN.ok);
        for (int i = 0; i < 50 && w.events[0] + w.events[1] < want; i++)
                usleep(100 * 1000);
        atomic_store(&w.stop, true);
        pthread_join(wt, NULL);
        /* jobs with names [0, j1+cjN.next) may exist; count the stored prefix for GETs */
        jobs_stored = atomic_load(&cj1.ok) == j1 ? j1 + atomic_load(&cjN.ok) : atomic_load(&cj1.ok);

        /* 3. Pods */
        uint64_t p1 = o.pods / 30;
        struct phase cpN = {.name = "create Pod",
                            .clients = N,
                            .total = o.pods - p1,
                            .base = 0,
                            .cap_ns = 120 * S,
                            .fn = op_create_pod,
                            .want_code = 201};
        struct phase cp1 = {.name = "create Pod",
                            .clients = 1,
                            .total = p1,
                            .base = o.pods - p1,
                            .cap_ns = 30 * S,
                            .fn = op_create_pod,
                            .want_code = 201};
        quiet[1] = quiesce(&conns[0], 30);
        phase_run(&cpN);
        quiet[2] = quiesce(&conns[0], 30);
        phase_run(&cp1);
        quiet[3] = quiesce(&conns[0], 30);
        long long rv_quiet = rv_now(&conns[0]);
        long rss_preload = proc_rss_kb(o.pid);
        long threads_preload = proc_threads(o.pid);
        bool has_continue = false;
        long listed = list_count(&conns[0], &has_continue);

        /* 5. GET */
        struct phase g1 = {.name = "GET Job",
                           .clients = 1,
                           .total = 20000,
                           .cap_ns = 8 * S,
                           .fn = op_get_job,
                           .want_code = 200};
        struct phase gN = {.name = "GET Job",
                           .clients = N,
                           .total = 100000,
                           .cap_ns = 10 * S,
                           .fn = op_get_job,
                           .want_code = 200};
        phase_run(&g1);
        phase_run(&gN);

        /* 6. LIST */
        const char *table = "application/json;as=Table;v=v1;g=meta.k8s.io";
        struct phase l1 = {.name = "LIST Jobs (JSON)",
                           .clients = 1,
                           .total = 10,
                           .cap_ns = 20 * S,
                           .fn = op_list_jobs,
                           .want_code = 200};
        struct phase lN = {.name = "LIST Jobs (JSON)",
                           .clients = N,
                           .total = 2 * (uint64_t)N,
                           .cap_ns = 30 * S,
                           .fn = op_list_jobs,
                           .want_code = 200};
        struct phase t1 = {.name = "LIST Jobs (Table)",
                           .clients = 1,
                           .total = 10,
                           .cap_ns = 20 * S,
                           .fn = op_list_jobs,
                           .want_code = 200,
                           .accept = table};
        struct phase tN = {.name = "LIST Jobs (Table)",
                           .clients = N,
                           .total = 2 * (uint64_t)N,
                           .cap_ns = 30 * S,
                           .fn = op_list_jobs,
                           .want_code = 200,
                           .accept = table};
        phase_run(&l1);
        phase_run(&t1);
        long rss_after_1list = proc_rss_kb(o.pid);
        phase_run(&lN);
        phase_run(&tN);
        long rss_end = proc_rss_kb(o.pid), hwm = proc_hwm_kb(o.pid);

        /* 7. mixed: creates while Table LISTs run */
        struct bg_lister bg = {.accept = table};
        atomic_init(&bg.stop, false);
        bconn_init(&bg.c, o.port, LIST_BODY_MAX);
        pthread_t bgt;
        pthread_create(&bgt, NULL, bg_lister_main, &bg);
        usleep(100 * 1000);
        struct phase cpm = {.name = "create Pod during Table LISTs",
                            .clients = 1,
                            .total = 3000,
                            .base = o.pods,
                            .cap_ns = 5 * S,
                            .fn = op_create_pod,
                            .want_code = 201};
        phase_run(&cpm);
        atomic_store(&bg.stop, true);
        pthread_join(bgt, NULL);
        bconn_release(&bg.c);
        double total_s = (double)(mono_ns() - t_start) / 1e9;

        /* ---- report ---- */
        printf("\njobd API benchmark: %llu Jobs%s + %llu Pods preloaded, %d clients max, "
               "loopback HTTP/1.1 keep-alive (libcurl), %.0f s\n",
               (unsigned long long)jobs_stored, o.configmaps ? " (as ConfigMaps!)" : "",
               (unsigned long long)(atomic_load(&cpN.ok) + atomic_load(&cp1.ok)), N, total_s);
        printf("plain LIST check: %ld items%s\n", listed,
               has_continue ? " (answer had a continue token!)" : " in one answer");
        unsigned long long ours = atomic_load(&cj1.ok) + atomic_load(&cjN.ok) +
                                  atomic_load(&cpN.ok) + atomic_load(&cp1.ok);
        printf("server's own writes caused by the preload: %lld (resourceVersion moved %lld for "
               "our %llu creates)\n",
               rv_quiet - rv_start - (long long)ours, rv_quiet - rv_start, ours);
        printf("time until the server was quiet again (rv still, CPU < 8%%) after: 1-client Jobs "
               "%.1f s, %d-client Jobs %.1f s, %d-client Pods %.1f s, 1-client Pods %.1f s "
               "(1 s of it is the quiet window itself; 30 s max)\n\n",
               quiet[0], N, quiet[1], N, quiet[2], quiet[3]);
        printf("| %-40s | %2s | %-22s | %-17s | %-11s | %-4s | %-9s |\n", "metric", "c", "value",
               "vs /version", "target", "ok?", "srv CPU/op");
        printf("|%s|%s|%s|%s|%s|%s|%s|\n", "------------------------------------------", "----",
               "------------------------", "-------------------", "-------------", "------",
               "-----------");
        report_phase("GET /version", &v1, &v1, NULL, 0, NULL, 0);
        report_phase("GET /version", &vN, &vN, NULL, 0, NULL, 0);
        report_phase("create Job", &cj1, &v1, NULL, 0, NULL, 0);
        report_phase("create Job", &cjN, &vN, ">= 1000/s", 1000, NULL, 0);
        report_watch(&w, 0, &cj1, &v1);
        report_watch(&w, 1, &cjN, &vN);
        report_phase("create Pod", &cp1, &v1, NULL, 0, NULL, 0);
        report_phase("create Pod", &cpN, &vN, ">= 1000/s", 1000, NULL, 0);
        report_phase("GET Job", &g1, &v1, NULL, 0, "p99 <= 2 ms", 2.0);
        report_phase("GET Job", &gN, &vN, NULL, 0, "p99 <= 2 ms", 2.0);
        report_list("LIST all Jobs, JSON", &l1, &v1);
        report_list("LIST all Jobs, JSON", &lN, &vN);
        report_list("LIST all Jobs, Table", &t1, &v1);
        report_list("LIST all Jobs, Table", &tN, &vN);
        report_phase("create Pod w/ Table LIST loop", &cpm, &v1, NULL, 0, NULL, 0);
        {
                /* the few creates that waited for a LIST hide above p99: show them */
                size_t slow = 0;
                for (size_t i = 0; i < cpm.lat.n; i++)
                        slow += cpm.lat.v[i] > 50 * 1000000LL;
                char v[96];
                snprintf(v, sizeof(v), "%.1f ms; %zu of %zu > 50 ms", lat_pct_ms(&cpm.lat, 1.0),
                         slow, cpm.lat.n);
                row("create Pod w/ Table LIST loop max", 1, v, "", "", "", "");
        }
        char v[96], r[96];
        snprintf(v, sizeof(v), "%.1f MB", (double)rss_preload / 1024);
        fmt_ratio(r, sizeof(r), (double)rss_preload, (double)rss_idle);
        row("server RSS after preload", 0, v, r, "<= 60 MB",
            pass_word(rss_preload > 0 && rss_preload <= 60 * 1024), "");
        printf("\nRSS ratio is against the idle server after the /version baseline (%.1f MB; "
               "%.1f MB at start).\n",
               (double)rss_idle / 1024, (double)rss_start / 1024);
        printf("RSS after 1-client LISTs %.1f MB, after %d-client LISTs %.1f MB, peak (VmHWM) "
               "%.1f MB; server threads after preload: %ld.\n",
               (double)rss_after_1list / 1024, N, (double)rss_end / 1024, (double)hwm / 1024,
               threads_preload);
        printf("Throughput ratios are fractions of /version req/s at the same client count; "
               "latency ratios are multiples of /version p50 / p99.\n"
               "Watch latency runs from sending the create to receiving its ADDED event; "
               "watch rate = events / (last event - create phase start).\n"
               "server CPU/op = server utime+stime during the phase / successful requests.\n");
        uint64_t errs = atomic_load(&cj1.err) + atomic_load(&cjN.err) + atomic_load(&cpN.err) +
                        atomic_load(&cp1.err) + atomic_load(&g1.err) + atomic_load(&gN.err) +
                        atomic_load(&l1.err) + atomic_load(&lN.err) + atomic_load(&t1.err) +
                        atomic_load(&tN.err) + atomic_load(&v1.err) + atomic_load(&vN.err) +
                        atomic_load(&cpm.err);
        printf("mixed phase: %llu Table LISTs ran in the background while the 1-client creates "
               "ran.\n",
               (unsigned long long)bg.n);
        printf("request errors: %llu; watch: %s, %llu other events\n", (unsigned long long)errs,
               w.rc == 0 ? "ok" : strerror(-w.rc), (unsigned long long)w.other);
        for (int i = 0; i < o.clients; i++)
                bconn_release(&conns[i]);
        curl_global_cleanup();
        return errs ? 1 : 0;
}

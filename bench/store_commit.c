/* store_commit.c — store write throughput and latency, without HTTP (never part of the
 * tests).  N threads each create K objects (a ~1 KiB Pod-like body) and then update each
 * once with its resourceVersion as precondition, against a fresh store in a temporary
 * directory ($JOBD_BENCH_TMP or /tmp: fsync speed is what is measured).  Prints the load
 * average, commits/s and per-write latency percentiles per phase.
 *
 *   make build/bench/store_commit && build/bench/store_commit [threads...] [-n K]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "base/jsonu.h"
#include "store/store.h"

struct worker {
        struct store *s;
        int id, n;
        int64_t *rvs;
        int64_t *lat_ns; /* 2n samples: creates then updates */
        pthread_barrier_t *bar;
        int errors;
};

static int64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static json_t *pod(int id, int i, const char *phase)
{
        char name[64];
        snprintf(name, sizeof(name), "w%d-p%d", id, i);
        json_t *o = json_pack(
                "{s:s, s:s, s:{s:s, s:s, s:{s:s, s:s}}, s:{s:s, s:s, s:[{s:s, s:s, s:[s,s,s]}]},"
                " s:{s:s}}",
                "apiVersion", "v1", "kind", "Pod", "metadata", "name", name, "namespace", "bench",
                "labels", "job-name", "bench", "controller-uid",
                "6f1c0c4e-5a8e-4f55-9a43-4b7b7b0f9e11", "spec", "restartPolicy", "Never",
                "nodeName", "node-1", "containers", "name", "main", "image",
                "busybox:1.36", "command", "sh", "-c", "echo hello; sleep 1", "status", "phase",
                phase);
        /* pad to ~1 KiB like a real Pod */
        char pad[700];
        memset(pad, 'x', sizeof(pad) - 1);
        pad[sizeof(pad) - 1] = 0;
        json_object_set_new(jobj(o, "metadata"), "annotations",
                            json_pack("{s:s}", "bench/pad", pad));
        return o;
}

static void *run(void *ud)
{
        struct worker *w = ud;
        char key[96];
        pthread_barrier_wait(&w->bar[0]);
        for (int i = 0; i < w->n; i++) {
                snprintf(key, sizeof(key), "pods/bench/w%d-p%d", w->id, i);
                int64_t t0 = now_ns();
                if (store_create(w->s, key, pod(w->id, i, "Pending"), &w->rvs[i]) < 0)
                        w->errors++;
                w->lat_ns[i] = now_ns() - t0;
        }
        pthread_barrier_wait(&w->bar[1]);
        pthread_barrier_wait(&w->bar[2]);
        for (int i = 0; i < w->n; i++) {
                snprintf(key, sizeof(key), "pods/bench/w%d-p%d", w->id, i);
                int64_t t0 = now_ns();
                if (store_update(w->s, key, pod(w->id, i, "Running"), w->rvs[i], NULL) < 0)
                        w->errors++;
                w->lat_ns[w->n + i] = now_ns() - t0;
        }
        pthread_barrier_wait(&w->bar[3]);
        return NULL;
}

static int cmp64(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return x < y ? -1 : x > y;
}

static void report(const char *phase, int threads, int64_t ns, int64_t *lat, size_t n)
{
        qsort(lat, n, sizeof(*lat), cmp64);
        printf("| %-6s | %3d | %8zu | %9.0f | %7.2f | %7.2f | %7.2f |\n", phase, threads, n,
               n / (ns / 1e9), lat[n / 2] / 1e6, lat[n * 99 / 100] / 1e6, lat[n - 1] / 1e6);
}

static void bench(int threads, int n)
{
        const char *tmp = getenv("JOBD_BENCH_TMP");
        char dir[256];
        snprintf(dir, sizeof(dir), "%s/jobd-store-bench-XXXXXX", tmp ? tmp : "/tmp");
        if (!mkdtemp(dir)) {
                perror("mkdtemp");
                exit(1);
        }
        char path[300], err[256];
        snprintf(path, sizeof(path), "%s/store.db", dir);
        struct store *s = NULL;
        if (store_open(path, &s, err, sizeof(err)) < 0) {
                fprintf(stderr, "store_open: %s\n", err);
                exit(1);
        }
        pthread_barrier_t bar[4];
        for (int i = 0; i < 4; i++)
                pthread_barrier_init(&bar[i], NULL, threads + 1);
        struct worker *w = calloc(threads, sizeof(*w));
        pthread_t *tid = calloc(threads, sizeof(*tid));
        for (int t = 0; t < threads; t++) {
                w[t] = (struct worker){.s = s, .id = t, .n = n, .bar = bar};
                w[t].rvs = calloc(n, sizeof(int64_t));
                w[t].lat_ns = calloc(2 * n, sizeof(int64_t));
                pthread_create(&tid[t], NULL, run, &w[t]);
        }
        pthread_barrier_wait(&bar[0]);
        int64_t t0 = now_ns();
        pthread_barrier_wait(&bar[1]);
        int64_t t1 = now_ns();
        pthread_barrier_wait(&bar[2]);
        int64_t t2 = now_ns();
        pthread_barrier_wait(&bar[3]);
        int64_t t3 = now_ns();
        int64_t *lc = calloc((size_t)threads * n, sizeof(int64_t));
        int64_t *lu = calloc((size_t)threads * n, sizeof(int64_t));
        int errors = 0;
        for (int t = 0; t < threads; t++) {
                pthread_join(tid[t], NULL);
                memcpy(lc + (size_t)t * n, w[t].lat_ns, n * sizeof(int64_t));
                memcpy(lu + (size_t)t * n, w[t].lat_ns + n, n * sizeof(int64_t));
                errors += w[t].errors;
                free(w[t].rvs);
                free(w[t].lat_ns);
        }
        report("create", threads, t1 - t0, lc, (size_t)threads * n);
        report("update", threads, t3 - t2, lu, (size_t)threads * n);
        if (errors)
                printf("  %d writes FAILED\n", errors);
        store_close(s);
        free(lc);
        free(lu);
        free(w);
        free(tid);
        for (int i = 0; i < 4; i++)
                pthread_barrier_destroy(&bar[i]);
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
                fprintf(stderr, "cannot remove %s\n", dir);
}

int main(int argc, char **argv)
{
        int n = 1000, th[16], nth = 0;
        for (int i = 1; i < argc; i++) {
                if (streq(argv[i], "-n") && i + 1 < argc)
                        n = atoi(argv[++i]);
                else if (nth < 16)
                        th[nth++] = atoi(argv[i]);
        }
        if (!nth) {
                th[nth++] = 1;
                th[nth++] = 16;
        }
        double la[3] = {0};
        if (getloadavg(la, 3) < 0)
                la[0] = -1;
        printf("load average %.2f %.2f %.2f, %ld cpus, %d writes per thread per phase\n\n",
               la[0], la[1], la[2], sysconf(_SC_NPROCESSORS_ONLN), n);
        printf("| phase  | thr | writes   | writes/s  | p50 ms  | p99 ms  | max ms  |\n");
        printf("|--------|-----|----------|-----------|---------|---------|---------|\n");
        for (int i = 0; i < nth; i++)
                bench(th[i], n);
        return 0;
}

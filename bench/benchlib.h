/* benchlib.h — the small toolkit the jobd benchmarks share (bench/api_load.c and
 * bench/job_hollow.c; never part of the test suite).
 *
 * - struct bconn: one libcurl easy handle per client thread, reused for every request so
 *   the TCP connection stays alive (keep-alive) and no connect/handshake is measured.
 *   Response bodies go into a capped struct buf (4 MiB unless the caller raises the cap
 *   for a LIST), so a misbehaving server cannot make the benchmark grow without bound.
 * - struct lat: latency samples in nanoseconds, capped at the number the caller reserves,
 *   with exact percentiles (sort; the sample counts here are at most a few 10^5).
 * - bwatch: one chunked NDJSON watch stream; each complete line is handed to a callback,
 *   lines are capped, and the stream stops when a flag is raised or a deadline passes
 *   (the progress callback checks both, so a silent stream still ends).
 * - /proc readers for a server's RSS and CPU time.
 *
 * Everything talks to 127.0.0.1 only.
 */
#ifndef JOBD_BENCHLIB_H
#define JOBD_BENCHLIB_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <curl/curl.h>
#include "base/base.h"
#include "base/buf.h"

#define BENCH_BODY_MAX ((size_t)4 << 20)

struct bconn {
        CURL *easy;
        struct curl_slist *hdr_json; /* Content-Type: application/json */
        struct buf resp;             /* last response body (capped) */
        char base[64];               /* "http://127.0.0.1:PORT" */
        uint64_t requests;           /* requests this connection sent */
};

int bconn_init(struct bconn *c, uint16_t port, size_t body_max);
void bconn_release(struct bconn *c);
/* One request; returns the HTTP status (>= 100) or a negative errno when no answer came.
 * body may be NULL; accept NULL = curl's default.  *ret_ns (optional) gets the wall time
 * from sending to the last byte of the answer. */
int bconn_request(struct bconn *c, const char *method, const char *path, const char *body,
                  const char *accept, int64_t *ret_ns);

struct lat {
        int64_t *v;
        size_t n, cap;
};
void lat_init(struct lat *l, size_t cap);
void lat_release(struct lat *l);
static inline void lat_add(struct lat *l, int64_t ns)
{
        if (l->n < l->cap)
                l->v[l->n++] = ns;
}
/* Appends src's samples (up to dst's cap). */
void lat_merge(struct lat *dst, const struct lat *src);
/* Sorts in place; q in [0,1]; returns milliseconds (0 when empty). */
double lat_pct_ms(struct lat *l, double q);

int64_t mono_ns(void);

/* Watch stream: line callback gets one NDJSON line (NUL-terminated, without '\n').
 * Returns 0 when stopped by *stop / the deadline / the server closing, negative on error. */
typedef void (*bwatch_line_cb)(void *ud, const char *line, size_t len);
int bwatch_run(uint16_t port, const char *path_and_query, atomic_bool *stop,
               int64_t deadline_mono_ns, bwatch_line_cb cb, void *ud);

/* From /proc/<pid>/status: VmRSS / VmHWM in KiB (-1 if unreadable). */
long proc_rss_kb(int pid);
long proc_hwm_kb(int pid);
/* utime+stime of the whole process from /proc/<pid>/stat, in seconds (-1 on error). */
double proc_cpu_s(int pid);
/* Number of threads (/proc/<pid>/status Threads). */
long proc_threads(int pid);

/* Small helper: a pass/miss word for a target check. */
static inline const char *pass_word(bool ok)
{
        return ok ? "pass" : "MISS";
}
#endif

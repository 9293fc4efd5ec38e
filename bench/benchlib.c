/* benchlib.c — see benchlib.h.  Shared by the benchmark programs only.
 *
 * The request path avoids work that would be measured as server latency: the easy handle
 * and its header list are built once, the response buffer keeps its allocation between
 * requests (len reset to 0), and timing uses CLOCK_MONOTONIC around curl_easy_perform().
 */
#include <fcntl.h>
#include <sys/socket.h>
#include <time.h>
#include "benchlib.h"

int64_t mono_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
        struct bconn *c = ud;
        size_t len = size * n;
        if (buf_append(&c->resp, p, len) < 0)
                return 0; /* over the cap: curl fails the transfer (CURLE_WRITE_ERROR) */
        return len;
}

/* libcurl's sockets, opened close-on-exec like every other descriptor here */
static curl_socket_t open_cloexec(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
        return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

int bconn_init(struct bconn *c, uint16_t port, size_t body_max)
{
        *c = (struct bconn){0};
        buf_init(&c->resp, body_max ? body_max : BENCH_BODY_MAX);
        snprintf(c->base, sizeof(c->base), "http://127.0.0.1:%u", port);
        c->easy = curl_easy_init();
        if (!c->easy)
                return -ENOMEM;
        c->hdr_json = curl_slist_append(NULL, "Content-Type: application/json");
        /* Expect: 100-continue would add a round trip to every POST above 1 KiB */
        c->hdr_json = curl_slist_append(c->hdr_json, "Expect:");
        curl_easy_setopt(c->easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c->easy, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, c);
        curl_easy_setopt(c->easy, CURLOPT_TIMEOUT, 60L);
        curl_easy_setopt(c->easy, CURLOPT_CONNECTTIMEOUT, 10L);
        curl_easy_setopt(c->easy, CURLOPT_PROTOCOLS_STR, "http");
        curl_easy_setopt(c->easy, CURLOPT_OPENSOCKETFUNCTION, open_cloexec);
        return 0;
}

void bconn_release(struct bconn *c)
{
        if (c->easy)
                curl_easy_cleanup(c->easy);
        curl_slist_free_all(c->hdr_json);
        buf_release(&c->resp);
        *c = (struct bconn){0};
}

int bconn_request(struct bconn *c, const char *method, const char *path, const char *body,
                  const char *accept, int64_t *ret_ns)
{
        char url[1024];
        int n = snprintf(url, sizeof(url), "%s%s", c->base, path);
        if (n < 0 || (size_t)n >= sizeof(url))
                return -ENAMETOOLONG;
        char acc[256];
        struct curl_slist *extra = NULL, *hdrs = c->hdr_json;
        if (accept) {
                /* a per-request list that chains onto the shared one */
                snprintf(acc, sizeof(acc), "Accept: %s", accept);
                extra = curl_slist_append(NULL, acc);
                extra->next = c->hdr_json;
                hdrs = extra;
        }
        c->resp.len = 0;
        if (c->resp.data)
                c->resp.data[0] = 0;
        curl_easy_setopt(c->easy, CURLOPT_URL, url);
        curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, hdrs);
        if (streq(method, "GET")) {
                curl_easy_setopt(c->easy, CURLOPT_HTTPGET, 1L);
                curl_easy_setopt(c->easy, CURLOPT_CUSTOMREQUEST, NULL);
        } else {
                curl_easy_setopt(c->easy, CURLOPT_CUSTOMREQUEST,
                                 streq(method, "POST") ? NULL : method);
                curl_easy_setopt(c->easy, CURLOPT_POSTFIELDS, body ? body : "");
                curl_easy_setopt(c->easy, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
        }
        int64_t t0 = mono_ns();
        CURLcode cr = curl_easy_perform(c->easy);
        int64_t t1 = mono_ns();
        if (extra) {
                extra->next = NULL;
                curl_slist_free_all(extra);
        }
        curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, NULL);
        c->requests++;
        if (ret_ns)
                *ret_ns = t1 - t0;
        if (cr != CURLE_OK)
                return cr == CURLE_WRITE_ERROR ? -EMSGSIZE : -EIO;
        long code = 0;
        curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &code);
        return (int)code;
}

void lat_init(struct lat *l, size_t cap)
{
        *l = (struct lat){.v = cap ? xcalloc(cap, sizeof(int64_t)) : NULL, .cap = cap};
}

void lat_release(struct lat *l)
{
        free(l->v);
        *l = (struct lat){0};
}

void lat_merge(struct lat *dst, const struct lat *src)
{
        for (size_t i = 0; i < src->n; i++)
                lat_add(dst, src->v[i]);
}

static int cmp_i64(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

double lat_pct_ms(struct lat *l, double q)
{
        if (!l->n)
                return 0;
        qsort(l->v, l->n, sizeof(int64_t), cmp_i64);
        size_t i = (size_t)(q * (double)(l->n - 1) + 0.5);
        if (i >= l->n)
                i = l->n - 1;
        return (double)l->v[i] / 1e6;
}

/* ---- watch streams ---- */

#define WATCH_LINE_MAX ((size_t)8 << 20)

struct wctx {
        struct buf line;
        bwatch_line_cb cb;
        void *ud;
        atomic_bool *stop;
        int64_t deadline;
        bool overflow;
};

static size_t on_watch_data(char *p, size_t size, size_t n, void *ud)
{
        struct wctx *w = ud;
        size_t len = size * n;
        for (size_t i = 0; i < len;) {
                char *nl = memchr(p + i, '\n', len - i);
                size_t take = nl ? (size_t)(nl - (p + i)) : len - i;
                if (buf_append(&w->line, p + i, take) < 0) {
                        w->overflow = true;
                        return 0;
                }
                i += take;
                if (nl) {
                        i++;
                        if (w->line.len)
                                w->cb(w->ud, w->line.data, w->line.len);
                        w->line.len = 0;
                        w->line.data[0] = 0;
                }
        }
        return len;
}

static int on_watch_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
        struct wctx *w = ud;
        if (atomic_load(w->stop) || mono_ns() > w->deadline)
                return 1; /* abort the transfer */
        return 0;
}

int bwatch_run(uint16_t port, const char *path_and_query, atomic_bool *stop,
               int64_t deadline_mono_ns, bwatch_line_cb cb, void *ud)
{
        char url[1024];
        int n = snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path_and_query);
        if (n < 0 || (size_t)n >= sizeof(url))
                return -ENAMETOOLONG;
        struct wctx w = {.cb = cb, .ud = ud, .stop = stop, .deadline = deadline_mono_ns};
        buf_init(&w.line, WATCH_LINE_MAX);
        CURL *e = curl_easy_init();
        if (!e)
                return -ENOMEM;
        curl_easy_setopt(e, CURLOPT_URL, url);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http");
        curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_cloexec);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_watch_data);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &w);
        curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_watch_progress);
        curl_easy_setopt(e, CURLOPT_XFERINFODATA, &w);
        curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 256L * 1024);
        CURLcode cr = curl_easy_perform(e);
        long code = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
        curl_easy_cleanup(e);
        buf_release(&w.line);
        if (w.overflow)
                return -EMSGSIZE;
        if (code && code != 200)
                return -EPROTO;
        if (cr == CURLE_OK || cr == CURLE_ABORTED_BY_CALLBACK)
                return 0;
        return -EIO;
}

/* ---- /proc ---- */

static long status_field_kb(int pid, const char *field)
{
        char path[64], line[256];
        snprintf(path, sizeof(path), "/proc/%d/status", pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        FILE *f = fdopen(fd, "r");
        if (!f) {
                close(fd);
                return -1;
        }
        long v = -1;
        size_t fl = strlen(field);
        while (fgets(line, sizeof(line), f)) {
                if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
                        v = strtol(line + fl + 1, NULL, 10);
                        break;
                }
        }
        fclose(f);
        return v;
}

long proc_rss_kb(int pid)
{
        return status_field_kb(pid, "VmRSS");
}

long proc_hwm_kb(int pid)
{
        return status_field_kb(pid, "VmHWM");
}

long proc_threads(int pid)
{
        return status_field_kb(pid, "Threads");
}

double proc_cpu_s(int pid)
{
        char path[64], data[2048];
        snprintf(path, sizeof(path), "/proc/%d/stat", pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        ssize_t n = read(fd, data, sizeof(data) - 1);
        close(fd);
        if (n <= 0)
                return -1;
        data[n] = 0;
        /* comm may contain spaces and parentheses: fields resume after the last ')' */
        char *p = strrchr(data, ')');
        if (!p)
                return -1;
        p++;
        /* after ')' come fields 3 (state) .. ; utime is 14, stime 15 */
        unsigned long long ut = 0, st = 0;
        int field = 2;
        char *save = NULL;
        for (char *tok = strtok_r(p, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
                field++;
                if (field == 14)
                        ut = strtoull(tok, NULL, 10);
                else if (field == 15) {
                        st = strtoull(tok, NULL, 10);
                        break;
                }
        }
        long hz = sysconf(_SC_CLK_TCK);
        return (double)(ut + st) / (double)(hz > 0 ? hz : 100);
}

/* logs.c — the agent's log endpoint, GET /containerLogs/{ns}/{pod}/{container}, serving
 * the CRI-format files conmon writes as the kubelet serves them to `kubectl logs`:
 * raw text without the CRI prefix, optionally "<RFC3339Nano> " before each entry, with
 * tailLines / sinceSeconds / sinceTime / limitBytes / previous, and follow streaming until
 * the container exits.
 *
 * libmicrohttpd runs one thread per connection on 127.0.0.1 only, so a follower may block
 * in its content callback waiting for the file to grow (checked every 50 ms: a file read,
 * not a runtime call) without holding up other requests.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <microhttpd.h>
#include <sys/stat.h>
#include "agent/agent_int.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"

#define LOG_READ_MAX (256u << 20)

int64_t cri_parse_time(const char *ts, size_t len)
{
        char tmp[64];
        if (len == 0 || len >= sizeof(tmp))
                return -1;
        memcpy(tmp, ts, len);
        tmp[len] = 0;
        int64_t sec;
        if (time_parse_rfc3339(tmp, &sec) < 0)
                return -1;
        int64_t frac = 0;
        const char *dot = strchr(tmp, '.');
        if (dot) {
                int digits = 0;
                for (const char *p = dot + 1; *p >= '0' && *p <= '9'; p++) {
                        if (digits < 9) {
                                frac = frac * 10 + (*p - '0');
                                digits++;
                        }
                }
                while (digits++ < 9)
                        frac *= 10;
        }
        return sec * 1000000000LL + frac;
}

int cri_parse_line(const char *line, size_t len, struct cri_line *ret)
{
        const char *end = line + len;
        const char *sp1 = memchr(line, ' ', len);
        if (!sp1)
                return -EINVAL;
        const char *sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
        if (!sp2)
                return -EINVAL;
        const char *tag = sp2 + 1;
        const char *sp3 = memchr(tag, ' ', (size_t)(end - tag));
        size_t taglen = sp3 ? (size_t)(sp3 - tag) : (size_t)(end - tag);
        if (taglen == 0)
                return -EINVAL;
        ret->ts = line;
        ret->ts_len = (size_t)(sp1 - line);
        ret->stream = sp1 + 1;
        ret->stream_len = (size_t)(sp2 - sp1 - 1);
        ret->partial = tag[0] == 'P';
        ret->msg = sp3 ? sp3 + 1 : end;
        ret->msg_len = sp3 ? (size_t)(end - sp3 - 1) : 0;
        if (!(ret->stream_len == 6 && (!memcmp(ret->stream, "stdout", 6) ||
                                       !memcmp(ret->stream, "stderr", 6))))
                return -EINVAL;
        return 0;
}

struct logreq {
        char *path;
        char *uid, *container, *id;
        bool follow, timestamps;
        int64_t since_ns;
        int64_t limit; /* -1 none */
        int64_t written;
        int fd;
        off_t off;
        struct buf pending; /* incomplete line bytes */
        struct buf out;     /* rendered, not yet sent */
        size_t out_pos;
        bool eof;
};

static void render_entry(struct logreq *r, const struct cri_line *l)
{
        int64_t t = cri_parse_time(l->ts, l->ts_len);
        if (r->since_ns > 0 && t >= 0 && t < r->since_ns)
                return;
        int e = 0;
        if (r->timestamps) {
                char ts[48];
                time_format_rfc3339nano(t >= 0 ? t : 0, ts, sizeof(ts));
                e = buf_printf(&r->out, "%s ", ts);
        }
        if (e == 0)
                e = buf_append(&r->out, l->msg, l->msg_len);
        if (e == 0 && !l->partial)
                e = buf_puts(&r->out, "\n");
}

/* Parse complete lines of data into r->out.  With tail >= 0, only the last tail lines. */
static void render(struct logreq *r, const char *data, size_t len, int64_t tail)
{
        size_t start = 0;
        if (tail >= 0) {
                /* walk back over tail+1 full ("F") entries */
                int64_t seen = 0;
                size_t i = len;
                start = 0;
                while (i > 0) {
                        size_t e = i;
                        if (e > 0 && data[e - 1] == '\n')
                                e--;
                        const char *nl = e > 0 ? memrchr(data, '\n', e) : NULL;
                        size_t b = nl ? (size_t)(nl - data) + 1 : 0;
                        struct cri_line l;
                        if (cri_parse_line(data + b, e - b, &l) == 0 && !l.partial) {
                                if (seen == tail) {
                                        start = i;
                                        break;
                                }
                                seen++;
                        }
                        i = b;
                }
                if (tail == 0)
                        start = len;
        }
        size_t p = start;
        while (p < len) {
                const char *nl = memchr(data + p, '\n', len - p);
                if (!nl)
                        break;
                struct cri_line l;
                if (cri_parse_line(data + p, (size_t)(nl - data - p), &l) == 0)
                        render_entry(r, &l);
                p = (size_t)(nl - data) + 1;
        }
}

char *cri_render(const char *data, size_t len, int64_t tail, bool timestamps, int64_t since_ns,
                 int64_t limit)
{
        struct logreq r = {.timestamps = timestamps, .since_ns = since_ns};
        buf_init(&r.out, 0);
        render(&r, data, len, tail);
        if (limit >= 0 && r.out.len > (size_t)limit) {
                r.out.len = (size_t)limit;
                r.out.data[limit] = 0;
        }
        return r.out.data ? buf_steal(&r.out) : xstrdup("");
}

static bool pump(struct logreq *r)
{
        /* read what was appended since last time; true if anything new was rendered */
        char tmp[65536];
        bool any = false;
        for (;;) {
                ssize_t n = pread(r->fd, tmp, sizeof(tmp), r->off);
                if (n <= 0)
                        break;
                r->off += n;
                if (buf_append(&r->pending, tmp, (size_t)n) < 0)
                        break;
                any = true;
        }
        if (!any)
                return false;
        const char *lastnl = memrchr(r->pending.data, '\n', r->pending.len);
        if (!lastnl)
                return false;
        size_t upto = (size_t)(lastnl - r->pending.data) + 1;
        size_t before = r->out.len;
        render(r, r->pending.data, upto, -1);
        memmove(r->pending.data, r->pending.data + upto, r->pending.len - upto);
        r->pending.len -= upto;
        r->pending.data[r->pending.len] = 0;
        return r->out.len > before;
}

static ssize_t reader(void *cls, uint64_t pos, char *dst, size_t max)
{
        struct logreq *r = cls;
        for (;;) {
                if (r->limit >= 0 && r->written >= r->limit)
                        return MHD_CONTENT_READER_END_OF_STREAM;
                if (r->out_pos < r->out.len) {
                        size_t n = r->out.len - r->out_pos;
                        if (n > max)
                                n = max;
                        if (r->limit >= 0 && (int64_t)n > r->limit - r->written)
                                n = (size_t)(r->limit - r->written);
                        memcpy(dst, r->out.data + r->out_pos, n);
                        r->out_pos += n;
                        r->written += (int64_t)n;
                        if (r->out_pos == r->out.len) {
                                r->out.len = 0;
                                r->out_pos = 0;
                        }
                        return (ssize_t)n;
                }
                if (!r->follow || A.stop)
                        return MHD_CONTENT_READER_END_OF_STREAM;
                if (pump(r))
                        continue;
                if (!agent_log_active(r->uid, r->container, r->id)) {
                        /* drain whatever was written before the exit */
                        if (pump(r))
                                continue;
                        return MHD_CONTENT_READER_END_OF_STREAM;
                }
                usleep(50 * 1000);
        }
}

static void logreq_free(void *cls)
{
        struct logreq *r = cls;
        if (r->fd >= 0)
                close(r->fd);
        buf_release(&r->pending);
        buf_release(&r->out);
        free(r->path);
        free(r->uid);
        free(r->container);
        free(r->id);
        free(r);
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned code, const char *msg)
{
        struct MHD_Response *resp =
                MHD_create_response_from_buffer(strlen(msg), (void *)msg, MHD_RESPMEM_MUST_COPY);
        MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
        enum MHD_Result ret = MHD_queue_response(c, code, resp);
        MHD_destroy_response(resp);
        return ret;
}

static bool qbool(struct MHD_Connection *c, const char *k)
{
        const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);
        return v && (streq(v, "true") || streq(v, "1"));
}

static bool qint(struct MHD_Connection *c, const char *k, int64_t *ret)
{
        const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);
        if (!v || !*v)
                return false;
        char *end;
        long long x = strtoll(v, &end, 10);
        if (*end)
                return false;
        *ret = x;
        return true;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
        if (!streq(method, "GET"))
                return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
        if (!startswith(url, "/containerLogs/"))
                return text(c, MHD_HTTP_NOT_FOUND, "not found\n");
        _cleanup_free_ char *p = xstrdup(url + strlen("/containerLogs/"));
        char *save = NULL;
        char *ns = strtok_r(p, "/", &save), *pod = strtok_r(NULL, "/", &save),
             *ctr = strtok_r(NULL, "/", &save);
        if (!ns || !pod || !ctr)
                return text(c, MHD_HTTP_NOT_FOUND, "not found\n");
        char err[512];
        struct logreq *r = xcalloc(1, sizeof(*r));
        r->fd = -1;
        r->limit = -1;
        buf_init(&r->pending, 16u << 20);
        buf_init(&r->out, 0);
        int e = agent_log_target(ns, pod, ctr, qbool(c, "previous"), &r->path, &r->uid, &r->id,
                                 err, sizeof(err));
        if (e < 0) {
                logreq_free(r);
                return text(c, MHD_HTTP_NOT_FOUND, err);
        }
        r->container = xstrdup(ctr);
        r->follow = qbool(c, "follow") && !qbool(c, "previous");
        r->timestamps = qbool(c, "timestamps");
        int64_t v;
        if (qint(c, "sinceSeconds", &v) && v > 0)
                r->since_ns = clock_now_ns() - v * 1000000000LL;
        const char *st = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "sinceTime");
        if (st) {
                int64_t t = cri_parse_time(st, strlen(st));
                if (t > 0)
                        r->since_ns = t;
        }
        if (qint(c, "limitBytes", &v) && v > 0)
                r->limit = v;
        int64_t tail = -1;
        if (qint(c, "tailLines", &v) && v >= 0)
                tail = v;
        r->fd = open(r->path, O_RDONLY | O_CLOEXEC);
        if (r->fd >= 0) {
                struct stat sb;
                fstat(r->fd, &sb);
                size_t n = (size_t)(sb.st_size > LOG_READ_MAX ? LOG_READ_MAX : sb.st_size);
                off_t from = sb.st_size - (off_t)n;
                char *data = xmalloc(n + 1);
                ssize_t got = pread(r->fd, data, n, from);
                if (got < 0)
                        got = 0;
                /* only complete lines now; a trailing fragment waits for follow */
                const char *lastnl = got > 0 ? memrchr(data, '\n', (size_t)got) : NULL;
                size_t upto = lastnl ? (size_t)(lastnl - data) + 1 : 0;
                render(r, data, upto, tail);
                r->off = from + (off_t)upto;
                free(data);
        }
        struct MHD_Response *resp =
                MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, reader, r, logreq_free);
        MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
        enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
        MHD_destroy_response(resp);
        return ret;
}

static struct MHD_Daemon *daemon_;

int logs_server_start(uint16_t *ret_port)
{
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        daemon_ = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                                           MHD_USE_ERROR_LOG,
                                   0, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR,
                                   (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT, 256U,
                                   MHD_OPTION_END);
        if (!daemon_)
                return -EADDRNOTAVAIL;
        const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
        *ret_port = info ? info->port : 0;
        return 0;
}

void logs_server_stop(void)
{
        if (daemon_)
                MHD_stop_daemon(daemon_);
        daemon_ = NULL;
}

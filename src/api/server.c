/* server.c — libmicrohttpd glue: turns HTTP requests into struct req, api_handle() answers
 * into HTTP responses, and watches into chunked NDJSON streams.
 *
 * Thread per connection: a watch blocks its own thread in the content reader, which keeps
 * the streaming code straight-line.  While a watch is idle the reader checks the socket
 * once a second so that a vanished client frees its thread promptly.
 */
#include <microhttpd.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include "api/api.h"
#include "api/server.h"
#include "base/buf.h"
#include "base/log.h"

struct conn_ctx {
        struct buf body;
        bool too_large;
};

struct stream_ctx {
        struct api_watch *w;
        struct MHD_Connection *conn;
        struct buf pending;
        size_t off;
};

static bool peer_gone(struct MHD_Connection *conn)
{
        const union MHD_ConnectionInfo *ci =
                MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!ci)
                return false;
        struct pollfd p = {.fd = ci->connect_fd, .events = POLLRDHUP};
        if (poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)))
                return true;
        return false;
}

struct proxy_ctx {
        int fd;
        struct MHD_Connection *conn;
        char *prefix; /* body bytes that arrived with the agent's headers */
        size_t plen, off;
};

static struct MHD_Daemon *daemon_;

/* Pass-through of a log stream from a node agent (see proxy_logs in handlers.c). */
static ssize_t proxy_read(void *cls, uint64_t pos, char *out, size_t max)
{
        struct proxy_ctx *p = cls;
        if (p->off < p->plen) {
                size_t n = p->plen - p->off;
                if (n > max)
                        n = max;
                memcpy(out, p->prefix + p->off, n);
                p->off += n;
                return (ssize_t)n;
        }
        for (;;) {
                struct pollfd pf = {.fd = p->fd, .events = POLLIN};
                int r = poll(&pf, 1, 1000);
                if (r == 0) {
                        if (peer_gone(p->conn))
                                return MHD_CONTENT_READER_END_WITH_ERROR;
                        continue;
                }
                if (r < 0 && errno == EINTR)
                        continue;
                ssize_t n = read(p->fd, out, max);
                if (n < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (n <= 0)
                        return MHD_CONTENT_READER_END_OF_STREAM;
                return n;
        }
}

static void proxy_free(void *cls)
{
        struct proxy_ctx *p = cls;
        close(p->fd);
        free(p->prefix);
        free(p);
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
        json_t *q = cls;
        if (json_object_size(q) < 64 && key && strlen(key) < 128)
                json_object_set_new(q, key, json_string(value ? value : ""));
        return MHD_YES;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
        struct stream_ctx *s = cls;
        for (;;) {
                if (s->off < s->pending.len) {
                        size_t n = s->pending.len - s->off;
                        if (n > max)
                                n = max;
                        memcpy(out, s->pending.data + s->off, n);
                        s->off += n;
                        if (s->off == s->pending.len) {
                                s->pending.len = 0;
                                s->off = 0;
                        }
                        return (ssize_t)n;
                }
                json_t *ev = NULL;
                int r = api_watch_next(s->w, 1000, &ev);
                if (r == -ETIMEDOUT) {
                        if (peer_gone(s->conn))
                                return MHD_CONTENT_READER_END_WITH_ERROR;
                        continue;
                }
                if (r < 0)
                        return MHD_CONTENT_READER_END_OF_STREAM;
                char *line = jdump(ev);
                json_decref(ev);
                int e = buf_puts(&s->pending, line);
                if (e == 0)
                        e = buf_puts(&s->pending, "\n");
                free(line);
                if (e < 0)
                        return MHD_CONTENT_READER_END_WITH_ERROR;
        }
}

static void stream_free(void *cls)
{
        struct stream_ctx *s = cls;
        api_watch_free(s->w);
        buf_release(&s->pending);
        free(s);
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, struct resp *rs)
{
        struct MHD_Response *mr;
        if (rs->proxy) {
                struct proxy_ctx *p = xcalloc(1, sizeof(*p));
                p->fd = rs->proxy_fd;
                p->conn = conn;
                p->prefix = TAKE_PTR(rs->raw);
                p->plen = rs->raw_len;
                rs->proxy = false;
                mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, proxy_read,
                                                       p, proxy_free);
        } else if (rs->watch) {
                struct stream_ctx *s = xcalloc(1, sizeof(*s));
                s->w = TAKE_PTR(rs->watch);
                s->conn = conn;
                buf_init(&s->pending, 0);
                mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read,
                                                       s, stream_free);
        } else {
                char *data;
                size_t len;
                if (rs->raw) {
                        data = TAKE_PTR(rs->raw);
                        len = rs->raw_len;
                } else {
                        data = rs->body ? jdump(rs->body) : xstrdup("");
                        len = strlen(data);
                }
                mr = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
        }
        if (!mr)
                return MHD_NO;
        MHD_add_response_header(mr, "Content-Type", rs->ctype ? rs->ctype : "application/json");
        MHD_add_response_header(mr, "Cache-Control", "no-cache, private");
        if (rs->location)
                MHD_add_response_header(mr, "Location", rs->location);
        json_t *w;
        size_t i;
        json_array_foreach(rs->warnings, i, w)
        {
                _cleanup_free_ char *h = xasprintf("299 - \"%s\"", json_string_value(w));
                MHD_add_response_header(mr, "Warning", h);
        }
        enum MHD_Result ret = MHD_queue_response(conn, (unsigned)rs->code, mr);
        MHD_destroy_response(mr);
        return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
        struct conn_ctx *cc = *con_cls;
        if (!cc) {
                cc = xcalloc(1, sizeof(*cc));
                buf_init(&cc->body, API_MAX_BODY);
                *con_cls = cc;
                return MHD_YES;
        }
        if (*upload_size) {
                if (!cc->too_large && buf_append(&cc->body, upload_data, *upload_size) < 0) {
                        cc->too_large = true;
                        buf_release(&cc->body);
                }
                *upload_size = 0;
                return MHD_YES;
        }
        _cleanup_json_ json_t *query = json_object();
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, query);
        struct req rq = {
                .method = method,
                .path = url,
                .query = query,
                .accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept"),
                .content_type =
                        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type"),
                .body = cc->body.data,
                .body_len = cc->body.len,
                .body_too_large = cc->too_large,
        };
        struct resp rs;
        api_handle(&rq, &rs);
        log_debug("%s %s -> %d", method, url, rs.code);
        enum MHD_Result ret = send_resp(conn, &rs);
        resp_release(&rs);
        return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
        struct conn_ctx *cc = *con_cls;
        if (!cc)
                return;
        buf_release(&cc->body);
        free(cc);
        *con_cls = NULL;
}

int api_server_start(const char *addr, uint16_t port, char *err, size_t errlen)
{
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
        if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
                snprintf(err, errlen, "invalid listen address %s (IPv4 expected)", addr);
                return -EINVAL;
        }
        daemon_ = MHD_start_daemon(
                MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                        MHD_USE_ERROR_LOG | MHD_USE_POLL,
                port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &sa,
                MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_LIMIT,
                (unsigned)2048, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)0,
                MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512 * 1024), MHD_OPTION_LISTENING_ADDRESS_REUSE,
                (unsigned)1, MHD_OPTION_END);
        if (!daemon_) {
                snprintf(err, errlen, "cannot listen on %s:%u: %s", addr, port, strerror(errno));
                return -EADDRINUSE;
        }
        return 0;
}

uint16_t api_server_port(void)
{
        const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
        return di ? di->port : 0;
}

void api_server_stop(void)
{
        if (daemon_)
                MHD_stop_daemon(daemon_);
        daemon_ = NULL;
}

/* fake.c — an in-process runtime for tests and scale simulation (DESIGN.md §6).
 *
 * Containers are records with a scripted fate read from the bundle's process env:
 * FAKE_EXIT_CODE (default 0), FAKE_DURATION_MS (default 0), FAKE_OOM=1 (exit 137 with
 * the OOM flag), FAKE_IGNORE_TERM=1 (only SIGKILL stops it).  start() writes the argv as
 * one CRI log line, then a single timer thread fires exits in deadline order and reports
 * them through on_exit exactly like the real runtime's exit watcher.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include "base/buf.h"
#include "base/util.h"
#include "runtime/runtime.h"

struct fctr {
        char *id, *log_path;
        int exit_code, duration_ms;
        bool oom, ignore_term, started, exited;
        int64_t deadline_ns, finished_ns;
        json_t *args;
        struct fctr *next;
};

struct fake {
        pthread_mutex_t lock;
        pthread_cond_t cond;
        struct fctr *list;
        pthread_t thread;
        bool stop;
};

static struct fctr *find(struct fake *f, const char *id)
{
        for (struct fctr *c = f->list; c; c = c->next)
                if (streq(c->id, id))
                        return c;
        return NULL;
}

static void *timer_main(void *p)
{
        struct runtime *rt = p;
        struct fake *f = rt->priv;
        pthread_mutex_lock(&f->lock);
        while (!f->stop) {
                int64_t now = clock_mono_ns(), next = 0;
                struct fctr *due = NULL;
                for (struct fctr *c = f->list; c; c = c->next) {
                        if (!c->started || c->exited)
                                continue;
                        if (c->deadline_ns <= now) {
                                due = c;
                                break;
                        }
                        if (!next || c->deadline_ns < next)
                                next = c->deadline_ns;
                }
                if (due) {
                        due->exited = true;
                        due->finished_ns = clock_now_ns();
                        _cleanup_free_ char *id = xstrdup(due->id);
                        pthread_mutex_unlock(&f->lock);
                        rt->on_exit(rt->ud, id);
                        pthread_mutex_lock(&f->lock);
                        continue;
                }
                struct timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                int64_t wait = next ? next - now : 1000000000LL;
                int64_t t = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec + wait;
                ts.tv_sec = t / 1000000000LL;
                ts.tv_nsec = t % 1000000000LL;
                pthread_cond_timedwait(&f->cond, &f->lock, &ts);
        }
        pthread_mutex_unlock(&f->lock);
        return NULL;
}

static int fake_init(struct runtime *rt, char *err, size_t errlen)
{
        struct fake *f = xcalloc(1, sizeof(*f));
        pthread_mutex_init(&f->lock, NULL);
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&f->cond, &ca);
        pthread_condattr_destroy(&ca);
        rt->priv = f;
        if (pthread_create(&f->thread, NULL, timer_main, rt) != 0)
                return -errno;
        return 0;
}

static void fctr_free(struct fctr *c)
{
        free(c->id);
        free(c->log_path);
        json_decref(c->args);
        free(c);
}

static void fake_release(struct runtime *rt)
{
        struct fake *f = rt->priv;
        pthread_mutex_lock(&f->lock);
        f->stop = true;
        pthread_cond_broadcast(&f->cond);
        pthread_mutex_unlock(&f->lock);
        pthread_join(f->thread, NULL);
        while (f->list) {
                struct fctr *c = f->list;
                f->list = c->next;
                fctr_free(c);
        }
        free(f);
}

static int fake_create(struct runtime *rt, const struct rt_spec *s, char *err, size_t errlen)
{
        struct fake *f = rt->priv;
        struct fctr *c = xcalloc(1, sizeof(*c));
        c->id = xstrdup(s->id);
        c->log_path = xstrdup(s->log_path);
        c->args = json_incref(jget(s->config, "process.args"));
        json_t *e;
        size_t i;
        json_array_foreach(jget(s->config, "process.env"), i, e)
        {
                const char *v = json_string_value(e);
                if (startswith(v, "FAKE_EXIT_CODE="))
                        c->exit_code = atoi(v + 15);
                else if (startswith(v, "FAKE_DURATION_MS="))
                        c->duration_ms = atoi(v + 17);
                else if (streq(v, "FAKE_OOM=1"))
                        c->oom = true;
                else if (streq(v, "FAKE_IGNORE_TERM=1"))
                        c->ignore_term = true;
        }
        if (c->oom)
                c->exit_code = 137;
        pthread_mutex_lock(&f->lock);
        struct fctr *old = find(f, s->id);
        if (old) {
                pthread_mutex_unlock(&f->lock);
                fctr_free(c);
                snprintf(err, errlen, "container %s already exists", s->id);
                return -EEXIST;
        }
        c->next = f->list;
        f->list = c;
        pthread_mutex_unlock(&f->lock);
        return 0;
}

static int fake_start(struct runtime *rt, const char *id, char *err, size_t errlen)
{
        struct fake *f = rt->priv;
        pthread_mutex_lock(&f->lock);
        struct fctr *c = find(f, id);
        if (!c || c->started) {
                pthread_mutex_unlock(&f->lock);
                snprintf(err, errlen, "container %s cannot be started", id);
                return -ENOENT;
        }
        c->started = true;
        c->deadline_ns = clock_mono_ns() + (int64_t)c->duration_ms * 1000000LL;
        _cleanup_free_ char *path = xstrdup(c->log_path);
        struct buf line;
        buf_init(&line, 0);
        char ts[48];
        time_format_rfc3339nano(clock_now_ns(), ts, sizeof(ts));
        int e = buf_printf(&line, "%s stdout F", ts);
        json_t *a;
        size_t i;
        json_array_foreach(c->args, i, a)
        {
                if (e == 0)
                        e = buf_printf(&line, " %s", json_string_value(a));
        }
        if (e == 0)
                e = buf_puts(&line, "\n");
        pthread_cond_broadcast(&f->cond);
        pthread_mutex_unlock(&f->lock);
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (fd >= 0) {
                (void)!write(fd, line.data, line.len);
                close(fd);
        }
        buf_release(&line);
        return 0;
}

static int fake_kill(struct runtime *rt, const char *id, int sig)
{
        struct fake *f = rt->priv;
        pthread_mutex_lock(&f->lock);
        struct fctr *c = find(f, id);
        int r = -ENOENT;
        if (c && c->started && !c->exited) {
                if (sig == SIGKILL || !c->ignore_term) {
                        c->exit_code = 128 + sig;
                        c->deadline_ns = 0;
                        pthread_cond_broadcast(&f->cond);
                }
                r = 0;
        }
        pthread_mutex_unlock(&f->lock);
        return r;
}

static int fake_remove(struct runtime *rt, const char *id)
{
        struct fake *f = rt->priv;
        pthread_mutex_lock(&f->lock);
        for (struct fctr **pp = &f->list; *pp; pp = &(*pp)->next) {
                if (streq((*pp)->id, id)) {
                        struct fctr *c = *pp;
                        *pp = c->next;
                        fctr_free(c);
                        break;
                }
        }
        pthread_mutex_unlock(&f->lock);
        return 0;
}

static int fake_state(struct runtime *rt, const char *id, struct rt_state *ret)
{
        struct fake *f = rt->priv;
        *ret = (struct rt_state){.status = RT_UNKNOWN};
        pthread_mutex_lock(&f->lock);
        struct fctr *c = find(f, id);
        int r = c ? 0 : -ENOENT;
        if (c) {
                ret->status = c->exited ? RT_STOPPED : c->started ? RT_RUNNING : RT_CREATED;
                ret->exit_code = c->exit_code;
                ret->oom = c->oom && c->exited;
                ret->finished_ns = c->finished_ns;
                ret->pid = c->started && !c->exited ? 1 : 0;
        }
        pthread_mutex_unlock(&f->lock);
        return r;
}

const struct runtime_ops fake_runtime_ops = {
        .name = "fake",
        .init = fake_init,
        .release = fake_release,
        .create = fake_create,
        .start = fake_start,
        .kill = fake_kill,
        .remove = fake_remove,
        .state = fake_state,
};

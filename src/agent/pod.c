/* pod.c — one worker thread per pod: the kubelet's pod lifecycle for jobd.
 *
 * The worker owns its pod's container states and is the only one to change them; it
 * wakes on watch events (spec/deletion changes), runtime exits, and its own timers
 * (restart backoff, activeDeadlineSeconds, grace periods), then advances the state
 * machine one step: sandbox (directories, network namespace, /etc files, volumes), init
 * containers one by one, then the containers; exits are turned into terminated states
 * and restart decisions (restartPolicy, CrashLoopBackOff with exponential backoff).
 * After every step the pod status is computed from scratch as the kubelet would report
 * it and written only when it changed; a checkpoint file records what the runtime holds
 * (container ids, attempts, mounts) so a restarted agent re-adopts running containers
 * and learns the exit codes of those that ended meanwhile (conmon's exit files).
 * Deletion: SIGTERM, SIGKILL after the grace period, final status, removal of
 * containers, rootfs, volumes, network namespace and logs, then DELETE with grace 0.
 *
 * Layout of <data>/agent/pods/<uid>/: <container>/<restartCount>.log (CRI logs), and the
 * agent's own entries, all starting with "_" so no container name (a DNS label) can
 * collide: _containers/<id>/ (bundle, rootfs, overlay dirs), _volumes/<name>/, _hosts,
 * _resolv.conf, _hostname, _checkpoint.json.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include "agent/agent_int.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"
#include "image/safepath.h"
#include "image/store.h"
#include "registry/registry.h"
#include "runtime/bundle.h"
#include "volume/volume.h"

static void set_str(char **dst, const char *v)
{
        free(*dst);
        *dst = v ? xstrdup(v) : NULL;
}

static bool is_fake(void)
{
        return streq(A.rt->name, "fake");
}

static const char *restart_policy(struct pod *p)
{
        return jstr(p->spec, "restartPolicy") ?: "Always";
}

/* The latest Pod from the API, as a reference of the caller's own.  p->obj is replaced
 * (and the old object freed) by the watch thread whenever an event for the pod arrives,
 * so the worker never reads p->obj itself outside A.lock: it takes a reference here. */
static json_t *pod_obj(struct pod *p)
{
        pthread_mutex_lock(&A.lock);
        json_t *o = json_incref(p->obj);
        pthread_mutex_unlock(&A.lock);
        return o;
}

#define pod_event(p, ...)                                  \
        do {                                               \
                json_t *ev_obj_ = pod_obj(p);              \
                agent_event(ev_obj_, __VA_ARGS__);         \
                json_decref(ev_obj_);                      \
        } while (0)

/* ---------- checkpoint ---------- */

static void checkpoint_save(struct pod *p)
{
        json_t *cs = json_array();
        for (size_t i = 0; i < p->nctrs; i++) {
                struct ctr *c = &p->ctrs[i];
                json_t *o = json_pack("{s:s, s:b, s:i, s:i, s:i, s:I, s:I, s:b, s:b, s:I}", "name",
                                      c->name, "init", c->init, "restartCount", c->restart_count,
                                      "state", (int)c->st, "exitCode", c->exit_code, "startedAt",
                                      (json_int_t)c->started_ns, "finishedAt",
                                      (json_int_t)c->finished_ns, "done", c->done, "everStarted",
                                      c->ever_started, "backoffMs", (json_int_t)c->backoff_ms);
                if (c->id)
                        jset_str(o, "id", c->id);
                if (c->prev_id)
                        jset_str(o, "prevId", c->prev_id);
                if (c->reason)
                        jset_str(o, "reason", c->reason);
                if (c->message)
                        jset_str(o, "message", c->message);
                if (c->rootfs_mnt)
                        jset_str(o, "rootfs", c->rootfs_mnt);
                if (c->image_id)
                        jset_str(o, "imageID", c->image_id);
                if (c->last_term)
                        json_object_set(o, "lastTerm", c->last_term);
                json_array_append_new(cs, o);
        }
        _cleanup_json_ json_t *ck = json_pack("{s:o, s:I, s:b, s:b, s:b, s:s}", "containers", cs,
                                              "startTime", (json_int_t)p->start_time_s, "initialized",
                                              p->initialized, "terminal", p->terminal, "sandbox",
                                              p->sandbox_ready, "phase", p->phase);
        json_t *pod = json_pack("{s:{s:s, s:s, s:s}, s:O}", "metadata", "name", p->name, "namespace",
                                p->ns, "uid", p->uid, "spec", p->spec);
        json_object_set_new(ck, "pod", pod);
        if (p->netns)
                jset_str(ck, "netns", p->netns);
        if (p->reason)
                jset_str(ck, "reason", p->reason);
        if (p->message)
                jset_str(ck, "message", p->message);
        _cleanup_free_ char *s = jdump(ck);
        _cleanup_free_ char *path = xasprintf("%s/_checkpoint.json", p->dir);
        write_file_at(path, s, strlen(s), 0600);
}

static json_t *checkpoint_load(struct pod *p)
{
        _cleanup_free_ char *path = xasprintf("%s/_checkpoint.json", p->dir);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return NULL;
        struct buf b;
        buf_init(&b, 8u << 20);
        char tmp[8192];
        ssize_t n;
        while ((n = read(fd, tmp, sizeof(tmp))) > 0)
                if (buf_append(&b, tmp, (size_t)n) < 0)
                        break;
        close(fd);
        char err[128];
        json_t *j = b.len ? jparse(b.data, b.len, 64, err, sizeof(err)) : NULL;
        buf_release(&b);
        return j;
}

/* ---------- container records ---------- */

static void ctrs_init(struct pod *p)
{
        size_t ni = json_array_size(jget(p->spec, "initContainers"));
        size_t nc = json_array_size(jget(p->spec, "containers"));
        /* the exit watcher and the log endpoint walk p->ctrs under A.lock: the records
         * are filled in first and published (array and count together) under the lock */
        size_t n = ni + nc;
        struct ctr *ctrs = xcalloc(n ? n : 1, sizeof(struct ctr));
        for (size_t i = 0; i < n; i++) {
                struct ctr *c = &ctrs[i];
                c->init = i < ni;
                c->spec = json_array_get(jget(p->spec, c->init ? "initContainers" : "containers"),
                                         c->init ? i : i - ni);
                c->name = xstrdup(jstr(c->spec, "name") ?: "");
                c->image = xstrdup(jstr(c->spec, "image") ?: "");
                c->st = C_WAITING;
                c->reason = xstrdup(c->init ? "PodInitializing" : "ContainerCreating");
                if (c->init && i > 0)
                        set_str(&c->reason, "PodInitializing");
        }
        if (ni > 0)
                set_str(&ctrs[0].reason, "PodInitializing");
        p->initialized = ni == 0;
        for (size_t i = ni; i < n; i++)
                set_str(&ctrs[i].reason, ni > 0 ? "PodInitializing" : "ContainerCreating");
        pthread_mutex_lock(&A.lock);
        p->ctrs = ctrs;
        p->nctrs = n;
        pthread_mutex_unlock(&A.lock);
}

static void ctrs_restore(struct pod *p, json_t *ck)
{
        json_t *o;
        size_t i;
        json_array_foreach(jget(ck, "containers"), i, o)
        {
                for (size_t k = 0; k < p->nctrs; k++) {
                        struct ctr *c = &p->ctrs[k];
                        if (!streq(c->name, jstr(o, "name")) || c->init != jbool(o, "init"))
                                continue;
                        int64_t v = 0;
                        pthread_mutex_lock(&A.lock);
                        jint(o, "restartCount", &v);
                        c->restart_count = (int)v;
                        set_str(&c->id, jstr(o, "id"));
                        set_str(&c->prev_id, jstr(o, "prevId"));
                        pthread_mutex_unlock(&A.lock);
                        jint(o, "state", &v);
                        c->st = (enum cstate)v;
                        jint(o, "exitCode", &v);
                        c->exit_code = (int)v;
                        jint(o, "startedAt", &c->started_ns);
                        jint(o, "finishedAt", &c->finished_ns);
                        jint(o, "backoffMs", &c->backoff_ms);
                        c->done = jbool(o, "done");
                        c->ever_started = jbool(o, "everStarted");
                        set_str(&c->reason, jstr(o, "reason"));
                        set_str(&c->message, jstr(o, "message"));
                        set_str(&c->rootfs_mnt, jstr(o, "rootfs"));
                        set_str(&c->image_id, jstr(o, "imageID"));
                        json_t *lt = jget(o, "lastTerm");
                        c->last_term = lt ? json_incref(lt) : NULL;
                }
        }
        int64_t st = 0;
        jint(ck, "startTime", &st);
        p->start_time_s = st;
        p->initialized = jbool(ck, "initialized");
        p->terminal = jbool(ck, "terminal");
        p->sandbox_ready = jbool(ck, "sandbox");
        snprintf(p->phase, sizeof(p->phase), "%s", jstr(ck, "phase") ?: "Pending");
        set_str(&p->reason, jstr(ck, "reason"));
        set_str(&p->message, jstr(ck, "message"));
        set_str(&p->netns, jstr(ck, "netns"));
}

/* ---------- status ---------- */

static void fmt_time(int64_t ns, char *out, size_t n)
{
        time_format_rfc3339(ns / 1000000000LL, out, n);
}

static json_t *ctr_status(struct pod *p, struct ctr *c)
{
        char t1[40], t2[40];
        json_t *state = json_object();
        if (c->st == C_RUNNING) {
                fmt_time(c->started_ns, t1, sizeof(t1));
                json_object_set_new(state, "running", json_pack("{s:s}", "startedAt", t1));
        } else if (c->st == C_TERMINATED) {
                fmt_time(c->started_ns, t1, sizeof(t1));
                fmt_time(c->finished_ns, t2, sizeof(t2));
                json_t *t = json_pack("{s:i, s:s, s:s, s:s}", "exitCode", c->exit_code, "reason",
                                      c->reason ?: "Error", "startedAt", t1, "finishedAt", t2);
                if (c->message)
                        jset_str(t, "message", c->message);
                if (c->id) {
                        char *cid = xasprintf("%s://%s", A.rt->name, c->id);
                        jset_str(t, "containerID", cid);
                        free(cid);
                }
                json_object_set_new(state, "terminated", t);
        } else {
                json_t *w = json_pack("{s:s}", "reason", c->reason ?: "ContainerCreating");
                if (c->message)
                        jset_str(w, "message", c->message);
                json_object_set_new(state, "waiting", w);
        }
        _cleanup_free_ char *img = image_normalize(c->image);
        json_t *s = json_pack("{s:s, s:o, s:o, s:b, s:i, s:s, s:s, s:b}", "name", c->name, "state",
                              state, "lastState",
                              c->last_term ? json_pack("{s:O}", "terminated", c->last_term)
                                           : json_object(),
                              "ready", c->st == C_RUNNING && !c->init, "restartCount",
                              c->restart_count, "image", img, "imageID", c->image_id ?: "",
                              "started", c->st == C_RUNNING);
        if (c->id) {
                char *cid = xasprintf("%s://%s", A.rt->name, c->id);
                jset_str(s, "containerID", cid);
                free(cid);
        }
        if (c->init)
                json_object_del(s, "started");
        return s;
}

static void compute_phase(struct pod *p)
{
        if (p->terminal)
                return;
        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        bool init_failed = false;
        for (size_t i = 0; i < p->nctrs; i++) {
                struct ctr *c = &p->ctrs[i];
                if (c->init) {
                        if (c->st == C_TERMINATED && c->exit_code != 0 && c->done)
                                init_failed = true;
                        continue;
                }
                if (c->st == C_RUNNING)
                        running++;
                else if (c->st == C_TERMINATED) {
                        stopped++;
                        if (c->exit_code == 0)
                                succeeded++;
                } else if (c->last_term)
                        stopped++;
                else
                        waiting++;
        }
        const char *pol = restart_policy(p);
        const char *ph;
        if (init_failed)
                ph = "Failed";
        else if (!p->initialized)
                ph = "Pending";
        else if (waiting > 0)
                ph = "Pending";
        else if (running > 0)
                ph = "Running";
        else if (stopped > 0) {
                bool all_done = true;
                for (size_t i = 0; i < p->nctrs; i++)
                        if (!p->ctrs[i].init && !p->ctrs[i].done)
                                all_done = false;
                if (streq(pol, "Always"))
                        ph = "Running";
                else if (stopped == succeeded && all_done)
                        ph = "Succeeded";
                else if (streq(pol, "Never") && all_done)
                        ph = "Failed";
                else
                        ph = "Running";
        } else
                ph = "Pending";
        snprintf(p->phase, sizeof(p->phase), "%s", ph);
        if (streq(ph, "Succeeded") || streq(ph, "Failed"))
                p->terminal = true;
}

static json_t *condition(struct pod *p, const char *type, bool status, const char *reason,
                         const char *message)
{
        const char *st = status ? "True" : "False";
        char now[40];
        time_format_rfc3339(clock_now_s(), now, sizeof(now));
        const char *ltt = now;
        json_t *c;
        size_t i;
        pthread_mutex_lock(&A.lock);
        json_array_foreach(jget(p->obj, "status.conditions"), i, c)
        {
                if (streq(jstr(c, "type"), type) && streq(jstr(c, "status"), st) &&
                    jstr(c, "lastTransitionTime"))
                        ltt = jstr(c, "lastTransitionTime");
        }
        json_t *o = json_pack("{s:s, s:s, s:n, s:s}", "type", type, "status", st, "lastProbeTime",
                              "lastTransitionTime", ltt);
        pthread_mutex_unlock(&A.lock);
        if (reason)
                jset_str(o, "reason", reason);
        if (message)
                jset_str(o, "message", message);
        return o;
}

static char *names_where(struct pod *p, bool init, bool (*pred)(struct ctr *))
{
        struct buf b;
        buf_init(&b, 0);
        int e = buf_puts(&b, "[");
        bool first = true;
        for (size_t i = 0; i < p->nctrs; i++) {
                struct ctr *c = &p->ctrs[i];
                if (c->init != init || !pred(c))
                        continue;
                if (e == 0)
                        e = buf_printf(&b, "%s%s", first ? "" : " ", c->name);
                first = false;
        }
        if (e == 0)
                e = buf_puts(&b, "]");
        return first ? (buf_release(&b), NULL) : buf_steal(&b);
}

static bool not_ready(struct ctr *c)
{
        return c->st != C_RUNNING;
}

static bool init_incomplete(struct ctr *c)
{
        return !(c->st == C_TERMINATED && c->exit_code == 0);
}

static json_t *build_status(struct pod *p)
{
        json_t *st = json_object();
        jset_str(st, "phase", p->phase);
        bool done = p->terminal;
        json_t *conds = json_array();
        json_array_append_new(conds, condition(p, "PodReadyToStartContainers",
                                               p->sandbox_ready && !done, NULL, NULL));
        _cleanup_free_ char *inc = names_where(p, true, init_incomplete);
        if (p->initialized)
                json_array_append_new(conds, condition(p, "Initialized", true,
                                                       done ? "PodCompleted" : NULL, NULL));
        else {
                _cleanup_free_ char *m = xasprintf("containers with incomplete status: %s",
                                                   inc ?: "[]");
                json_array_append_new(conds, condition(p, "Initialized", false,
                                                       "ContainersNotInitialized", m));
        }
        _cleanup_free_ char *unready = names_where(p, false, not_ready);
        if (done) {
                json_array_append_new(conds, condition(p, "Ready", false, "PodCompleted", NULL));
                json_array_append_new(conds, condition(p, "ContainersReady", false, "PodCompleted", NULL));
        } else if (unready) {
                _cleanup_free_ char *m = xasprintf("containers with unready status: %s", unready);
                json_array_append_new(conds, condition(p, "Ready", false, "ContainersNotReady", m));
                json_array_append_new(conds, condition(p, "ContainersReady", false, "ContainersNotReady", m));
        } else {
                json_array_append_new(conds, condition(p, "Ready", true, NULL, NULL));
                json_array_append_new(conds, condition(p, "ContainersReady", true, NULL, NULL));
        }
        json_array_append_new(conds, condition(p, "PodScheduled", true, NULL, NULL));
        json_object_set_new(st, "conditions", conds);
        jset_str(st, "hostIP", A.host_ip);
        json_object_set_new(st, "hostIPs", json_pack("[{s:s}]", "ip", A.host_ip));
        if (jbool(p->spec, "hostNetwork")) {
                jset_str(st, "podIP", A.host_ip);
                json_object_set_new(st, "podIPs", json_pack("[{s:s}]", "ip", A.host_ip));
        }
        if (p->start_time_s) {
                char t[40];
                time_format_rfc3339(p->start_time_s, t, sizeof(t));
                jset_str(st, "startTime", t);
        }
        if (p->reason)
                jset_str(st, "reason", p->reason);
        if (p->message)
                jset_str(st, "message", p->message);
        json_t *ics = json_array(), *cs = json_array();
        for (size_t i = 0; i < p->nctrs; i++)
                json_array_append_new(p->ctrs[i].init ? ics : cs, ctr_status(p, &p->ctrs[i]));
        if (json_array_size(ics))
                json_object_set_new(st, "initContainerStatuses", ics);
        else
                json_decref(ics);
        json_object_set_new(st, "containerStatuses", cs);
        return st;
}

static void write_status(struct pod *p)
{
        if (p->frozen)
                return;
        _cleanup_json_ json_t *st = build_status(p);
        _cleanup_free_ char *s = jdump(st);
        if (p->last_status && streq(p->last_status, s))
                return;
        _cleanup_free_ char *path =
                xasprintf("/api/v1/namespaces/%s/pods/%s/status", p->ns, p->name);
        for (int attempt = 0; attempt < 8; attempt++) {
                pthread_mutex_lock(&A.lock);
                if (p->gone) {
                        pthread_mutex_unlock(&A.lock);
                        return;
                }
                _cleanup_json_ json_t *cur = json_deep_copy(p->obj);
                pthread_mutex_unlock(&A.lock);
                json_t *old = jget(cur, "status");
                json_t *ns = json_deep_copy(st);
                const char *qos = jstr(old, "qosClass");
                if (qos)
                        jset_str(ns, "qosClass", qos);
                json_object_set_new(cur, "status", ns);
                struct hresp r;
                if (hc_request(A.hc, "PUT", path, NULL, cur, NULL, &r) < 0) {
                        usleep(100 * 1000);
                        continue;
                }
                int code = r.code;
                if (code == 200 && r.body) {
                        pthread_mutex_lock(&A.lock);
                        /* keep the newer of our copy and the watch's */
                        json_decref(p->obj);
                        p->obj = json_incref(r.body);
                        pthread_mutex_unlock(&A.lock);
                }
                hresp_release(&r);
                if (code == 200) {
                        log_debug("agent: %s/%s: status %s written", p->ns, p->name, p->phase);
                        set_str(&p->last_status, s);
                        return;
                }
                if (code == 404)
                        return;
                if (code == 409) {
                        _cleanup_free_ char *gp =
                                xasprintf("/api/v1/namespaces/%s/pods/%s", p->ns, p->name);
                        if (hc_request(A.hc, "GET", gp, NULL, NULL, NULL, &r) == 0 && r.code == 200 &&
                            streq(jstr(r.body, "metadata.uid"), p->uid)) {
                                pthread_mutex_lock(&A.lock);
                                json_decref(p->obj);
                                p->obj = json_incref(r.body);
                                pthread_mutex_unlock(&A.lock);
                        }
                        hresp_release(&r);
                        continue;
                }
                log_warn("agent: status of pod %s/%s: HTTP %d", p->ns, p->name, code);
                return;
        }
}

/* ---------- sandbox ---------- */

static json_t *vol_paths_cache(struct pod *p)
{
        json_t *paths = json_object(), *v;
        size_t i;
        json_array_foreach(jget(p->spec, "volumes"), i, v)
        {
                const char *name = jstr(v, "name") ?: "";
                if (jget(v, "hostPath"))
                        json_object_set_new(paths, name, json_string(jstr(v, "hostPath.path")));
                else {
                        char *d = xasprintf("%s/_volumes/%s", p->dir, name);
                        json_object_set_new(paths, name, json_string(d));
                        free(d);
                }
        }
        return paths;
}

static char *pod_hostname(struct pod *p)
{
        const char *h = jstr(p->spec, "hostname");
        char *name = xstrdup(h && *h ? h : p->name);
        if (strlen(name) > 63)
                name[63] = 0;
        return name;
}

static int sandbox_setup(struct pod *p, char *err, size_t errlen)
{
        int r;
        if ((r = mkdir_p(p->dir, 0711)) < 0)
                return snprintf(err, errlen, "cannot create %s", p->dir), r;
        _cleanup_free_ char *host = pod_hostname(p);
        bool hostnet = jbool(p->spec, "hostNetwork");
        /* /etc/hosts as the kubelet writes it */
        struct buf b;
        buf_init(&b, 0);
        int e;
        if (hostnet) {
                e = buf_puts(&b, "# Kubernetes-managed hosts file (host network).\n");
                FILE *f = fopen("/etc/hosts", "re");
                char line[512];
                while (f && fgets(line, sizeof(line), f))
                        if (e == 0)
                                e = buf_puts(&b, line);
                if (f)
                        fclose(f);
        } else {
                e = buf_printf(&b, "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"
                                   "::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
                                   "fe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\n"
                                   "fe00::2\tip6-allrouters\n127.0.1.1\t%s\n",
                               host);
                json_t *ha;
                size_t i;
                json_array_foreach(jget(p->spec, "hostAliases"), i, ha)
                {
                        if (e == 0)
                                e = buf_printf(&b, "\n# Entries added by HostAliases.\n%s\t",
                                               jstr(ha, "ip") ?: "");
                        json_t *hn;
                        size_t j;
                        json_array_foreach(jget(ha, "hostnames"), j, hn) if (e == 0) e =
                                buf_printf(&b, "%s%s", j ? "\t" : "", json_string_value(hn));
                        if (e == 0)
                                e = buf_puts(&b, "\n");
                }
        }
        _cleanup_free_ char *hp = xasprintf("%s/_hosts", p->dir);
        write_file_at(hp, b.data ?: "", b.len, 0644);
        buf_release(&b);
        /* resolv.conf: the node's (no cluster DNS yet) */
        buf_init(&b, 1 << 20);
        int fd = open("/etc/resolv.conf", O_RDONLY | O_CLOEXEC);
        char tmp[4096];
        ssize_t n;
        while (fd >= 0 && (n = read(fd, tmp, sizeof(tmp))) > 0)
                if (buf_append(&b, tmp, (size_t)n) < 0)
                        break;
        if (fd >= 0)
                close(fd);
        _cleanup_free_ char *rp = xasprintf("%s/_resolv.conf", p->dir);
        write_file_at(rp, b.data ?: "", b.len, 0644);
        buf_release(&b);
        _cleanup_free_ char *hn = xasprintf("%s/_hostname", p->dir);
        _cleanup_free_ char *hline = xasprintf("%s\n", host);
        write_file_at(hn, hline, strlen(hline), 0644);

        if (!hostnet && !is_fake() && !p->netns) {
                _cleanup_free_ char *nsdir = xasprintf("%s/netns", A.agent_dir);
                mkdir(nsdir, 0700);
                char *path = xasprintf("%s/%s", nsdir, p->uid);
                if ((r = mntns_netns_create(path)) < 0) {
                        snprintf(err, errlen, "cannot create the pod network namespace: %s",
                                 strerror(-r));
                        free(path);
                        return r;
                }
                p->netns = path;
        }
        json_t *paths = NULL;
        _cleanup_json_ json_t *obj = pod_obj(p);
        r = volumes_setup(obj ? obj : p->spec, p->dir, agent_get_object, &paths, err, errlen);
        json_decref(paths);
        return r;
}

/* ---------- running containers ---------- */

static int64_t next_backoff(struct ctr *c)
{
        /* first restart at once, then base, 2*base ... up to cap (kubelet's CrashLoopBackOff) */
        if (c->restart_count == 0 && c->backoff_ms == 0)
                return 0;
        int64_t b = c->backoff_ms ? c->backoff_ms * 2 : A.backoff_base_ms;
        if (b > A.backoff_cap_ms)
                b = A.backoff_cap_ms;
        return b;
}

static void release_attempt(struct pod *p, struct ctr *c, const char *id)
{
        if (!id)
                return;
        A.rt->ops->remove(A.rt, id);
        _cleanup_free_ char *bd = xasprintf("%s/_containers/%s", p->dir, id);
        _cleanup_free_ char *mnt = xasprintf("%s/rootfs", bd);
        if (mntns_active())
                mntns_umount(mnt);
        rm_rf(bd);
}

static void schedule_restart(struct pod *p, struct ctr *c)
{
        int64_t delay = next_backoff(c);
        c->backoff_ms = delay;
        c->retry_at = clock_mono_ns() + delay * 1000000LL;
        json_decref(c->last_term);
        char t1[40], t2[40];
        fmt_time(c->started_ns, t1, sizeof(t1));
        fmt_time(c->finished_ns, t2, sizeof(t2));
        c->last_term = json_pack("{s:i, s:s, s:s, s:s}", "exitCode", c->exit_code, "reason",
                                 c->reason ?: "Error", "startedAt", t1, "finishedAt", t2);
        if (c->id) {
                char *cid = xasprintf("%s://%s", A.rt->name, c->id);
                jset_str(c->last_term, "containerID", cid);
                free(cid);
        }
        c->st = C_WAITING;
        if (delay > 0) {
                set_str(&c->reason, "CrashLoopBackOff");
                char *m = xasprintf("back-off %llds restarting failed container=%s pod=%s_%s(%s)",
                                    (long long)(delay / 1000), c->name, p->name, p->ns, p->uid);
                set_str(&c->message, m);
                free(m);
                pod_event(p, "Warning", "BackOff",
                          "Back-off restarting failed container %s in pod %s_%s(%s)", c->name,
                          p->name, p->ns, p->uid);
        } else {
                set_str(&c->reason, "ContainerCreating");
                set_str(&c->message, NULL);
        }
}

/* After a terminated state is recorded: restart, or mark done. */
static void decide(struct pod *p, struct ctr *c)
{
        const char *pol = restart_policy(p);
        bool failed = c->exit_code != 0;
        bool restart = c->init ? (failed && !streq(pol, "Never"))
                               : (streq(pol, "Always") || (streq(pol, "OnFailure") && failed));
        if (p->stopping || p->terminal)
                restart = false;
        if (restart)
                schedule_restart(p, c);
        else
                c->done = true;
}

static void set_terminated(struct ctr *c, int code, const char *reason, const char *msg, int64_t when)
{
        c->st = C_TERMINATED;
        c->exit_code = code;
        set_str(&c->reason, reason);
        set_str(&c->message, msg);
        c->finished_ns = when ? when : clock_now_ns();
        if (!c->started_ns)
                c->started_ns = c->finished_ns;
}

static void handle_exit(struct pod *p, struct ctr *c)
{
        struct rt_state s;
        if (!c->id || c->st != C_RUNNING)
                return;
        log_debug("agent: %s/%s: %s exited", p->ns, p->name, c->name);
        if (A.rt->ops->state(A.rt, c->id, &s) < 0 || s.status == RT_UNKNOWN) {
                set_terminated(c, 137, "ContainerStatusUnknown",
                               "The container could not be located when the pod was terminated", 0);
        } else if (s.status != RT_STOPPED) {
                return; /* still running: a stale notification */
        } else {
                const char *reason = s.oom ? "OOMKilled" : s.exit_code == 0 ? "Completed" : "Error";
                set_terminated(c, s.exit_code, reason, NULL, s.finished_ns);
        }
        c->retire = true;
        decide(p, c);
}

static int attempt_fail(struct pod *p, struct ctr *c, const char *waiting_reason, const char *msg)
{
        pod_event(p, "Warning", "Failed", "Error: %s", msg);
        c->st = C_WAITING;
        set_str(&c->reason, waiting_reason);
        set_str(&c->message, msg);
        int64_t b = c->backoff_ms ? c->backoff_ms * 2 : A.backoff_base_ms;
        if (b > A.backoff_cap_ms)
                b = A.backoff_cap_ms;
        c->backoff_ms = b;
        c->retry_at = clock_mono_ns() + b * 1000000LL;
        return -EAGAIN;
}

static json_t *etc_mounts(struct pod *p)
{
        _cleanup_free_ char *hosts = xasprintf("%s/_hosts", p->dir);
        _cleanup_free_ char *resolv = xasprintf("%s/_resolv.conf", p->dir);
        _cleanup_free_ char *hn = xasprintf("%s/_hostname", p->dir);
        return json_pack("[{s:s, s:s, s:s, s:[s,s]}, {s:s, s:s, s:s, s:[s,s]}, {s:s, s:s, s:s, s:[s,s]}]",
                         "destination", "/etc/hosts", "type", "bind", "source", hosts, "options",
                         "rbind", "rprivate", "destination", "/etc/resolv.conf", "type", "bind",
                         "source", resolv, "options", "rbind", "rprivate", "destination",
                         "/etc/hostname", "type", "bind", "source", hn, "options", "rbind",
                         "rprivate");
}

/* Find name in the rootfs' /etc/passwd (or /etc/group) without NSS (E11): the file is
 * opened inside the rootfs with RESOLVE_IN_ROOT and parsed here.  -1 if absent. */
static int64_t rootfs_lookup(const char *rootfs, const char *file, const char *name, int64_t *ret_gid)
{
        _cleanup_free_ char *via = mntns_path(rootfs);
        _cleanup_close_ int root = open(via, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return -1;
        int fd = safepath_open(root, file, O_RDONLY, 0);
        if (fd < 0)
                return -1;
        FILE *f = fdopen(fd, "re");
        if (!f) {
                close(fd);
                return -1;
        }
        char line[1024];
        int64_t id = -1;
        for (int n = 0; n < 100000 && fgets(line, sizeof(line), f); n++) {
                char *save = NULL;
                char *nm = strtok_r(line, ":", &save);
                strtok_r(NULL, ":", &save); /* password */
                char *uid = strtok_r(NULL, ":", &save);
                char *gid = strtok_r(NULL, ":", &save);
                if (nm && uid && streq(nm, name)) {
                        id = strtoll(uid, NULL, 10);
                        if (ret_gid && gid)
                                *ret_gid = strtoll(gid, NULL, 10);
                        break;
                }
        }
        fclose(f);
        return id;
}

/* The image's User ("name", "uid", "name:group", "uid:gid") as numeric "uid:gid". */
static char *resolve_image_user(const char *rootfs, const char *user, char *err, size_t errlen)
{
        _cleanup_free_ char *u = xstrdup(user);
        char *colon = strchr(u, ':');
        const char *grp = NULL;
        if (colon) {
                *colon = 0;
                grp = colon + 1;
        }
        char *end;
        int64_t uid, gid = 0;
        long long v = strtoll(u, &end, 10);
        if (*u && !*end) {
                uid = v;
        } else {
                uid = rootfs_lookup(rootfs, "etc/passwd", u, &gid);
                if (uid < 0) {
                        snprintf(err, errlen, "unable to find user %s: no matching entries in passwd file", u);
                        return NULL;
                }
        }
        if (grp && *grp) {
                v = strtoll(grp, &end, 10);
                if (!*end)
                        gid = v;
                else if ((gid = rootfs_lookup(rootfs, "etc/group", grp, NULL)) < 0) {
                        snprintf(err, errlen, "unable to find group %s: no matching entries in group file", grp);
                        return NULL;
                }
        }
        return xasprintf("%lld:%lld", (long long)uid, (long long)gid);
}

static uint64_t cap_bound(void)
{
        static uint64_t bound;
        if (bound)
                return bound;
        FILE *f = fopen("/proc/self/status", "re");
        char line[256];
        while (f && fgets(line, sizeof(line), f))
                if (startswith(line, "CapBnd:"))
                        bound = strtoull(line + 7, NULL, 16);
        if (f)
                fclose(f);
        return bound;
}

/* The image under the container's pull policy, as the kubelet's image manager: local
 * store first, registry pulls (src/registry) when the policy says so, the kubelet's
 * waiting reasons and events otherwise.  Retries are scheduled with the container's
 * backoff; the first failed pull reports ErrImagePull, later ones ImagePullBackOff. */
static int ensure_image(struct pod *p, struct ctr *c, json_t **ret_img)
{
        const char *policy = jstr(c->spec, "imagePullPolicy");
        if (A.reg && registry_needs_pull(A.image_dir, c->image, policy))
                pod_event(p, "Normal", "Pulling", "Pulling image \"%s\"", c->image);
        struct registry_ensure ens = {0};
        _cleanup_json_ json_t *secrets = NULL;
        int r;
        if (A.reg) {
                char warn[512] = "";
                if (json_array_size(jget(p->spec, "imagePullSecrets"))) {
                        _cleanup_json_ json_t *obj = pod_obj(p);
                        secrets = registry_pod_pull_secrets(A.hc, obj, warn, sizeof(warn));
                }
                if (warn[0])
                        pod_event(p, "Warning", "FailedToRetrieveImagePullSecret", "%s", warn);
                r = registry_ensure_image(A.reg, A.image_dir, c->image, policy, secrets, NULL, NULL,
                                          &ens);
        } else {
                /* no registry configuration could be loaded: local images only */
                json_t *rec = image_lookup(A.image_dir, c->image);
                r = rec ? 0 : -ENOENT;
                ens.record = rec;
                if (!rec) {
                        bool never = streq(policy, "Never");
                        ens.reason = never ? "ErrImageNeverPull" : "ErrImagePull";
                        ens.event_reason = never ? "ErrImageNeverPull" : "Failed";
                        snprintf(ens.message, sizeof(ens.message),
                                 never ? "Container image \"%s\" is not present with pull policy of Never"
                                       : "Failed to pull image \"%s\": no registry configuration",
                                 c->image);
                } else {
                        snprintf(ens.pulled_message, sizeof(ens.pulled_message),
                                 "Container image \"%s\" already present on machine", c->image);
                        _cleanup_free_ char *norm = image_normalize(c->image);
                        char *colon = strrchr(norm, ':');
                        if (colon && colon > strrchr(norm, '/'))
                                *colon = 0;
                        snprintf(ens.image_id, sizeof(ens.image_id), "%s@%s", norm,
                                 jstr(rec, "id") ?: "");
                }
        }
        if (r == 0 && !ens.reason && ens.record) {
                if (streq(c->reason, "ErrImagePull") || streq(c->reason, "ImagePullBackOff"))
                        c->backoff_ms = 0; /* pull backoff does not carry over to restarts */
                pod_event(p, "Normal", "Pulled", "%s", ens.pulled_message);
                set_str(&c->image_id, ens.image_id);
                *ret_img = json_incref(ens.record);
                registry_ensure_release(&ens);
                return 0;
        }
        const char *reason = ens.reason ? ens.reason : "ErrImagePull";
        pod_event(p, "Warning", ens.event_reason ? ens.event_reason : "Failed", "%s",
                  ens.message);
        c->st = C_WAITING;
        int64_t delay_ms;
        if (streq(reason, "ErrImagePull")) {
                bool again = streq(c->reason, "ErrImagePull") || streq(c->reason, "ImagePullBackOff");
                if (again) {
                        char *m = xasprintf("Back-off pulling image \"%s\": ErrImagePull: %s",
                                            c->image, ens.message);
                        set_str(&c->reason, "ImagePullBackOff");
                        set_str(&c->message, m);
                        free(m);
                        pod_event(p, "Normal", "BackOff", "Back-off pulling image \"%s\"",
                                  c->image);
                } else {
                        set_str(&c->reason, "ErrImagePull");
                        set_str(&c->message, ens.message);
                }
                int64_t b = c->backoff_ms ? c->backoff_ms * 2 : A.backoff_base_ms;
                c->backoff_ms = b > A.backoff_cap_ms ? A.backoff_cap_ms : b;
                delay_ms = c->backoff_ms;
        } else {
                /* ErrImageNeverPull / InvalidImageName: look again now and then (an import
                 * may bring the image) */
                set_str(&c->reason, reason);
                set_str(&c->message, ens.message);
                delay_ms = 5000;
        }
        c->retry_at = clock_mono_ns() + delay_ms * 1000000LL;
        registry_ensure_release(&ens);
        return -ENOENT;
}

static int start_container(struct pod *p, struct ctr *c)
{
        int64_t t_begin = clock_mono_ns();
        char err[1024];
        _cleanup_json_ json_t *img = NULL;
        if (!is_fake() && ensure_image(p, c, &img) < 0)
                return -ENOENT;
        _cleanup_json_ json_t *obj = pod_obj(p);
        _cleanup_json_ json_t *env = env_resolve(obj, c->spec, err, sizeof(err));
        if (!env)
                return attempt_fail(p, c, "CreateContainerConfigError", err);
        _cleanup_json_ json_t *paths = vol_paths_cache(p);
        json_t *vmounts = NULL;
        if (volumes_container_mounts(obj, c->spec, paths, &vmounts, err, sizeof(err)) < 0)
                return attempt_fail(p, c, "CreateContainerConfigError", err);
        _cleanup_json_ json_t *mounts = etc_mounts(p);
        json_array_extend(mounts, vmounts);
        json_decref(vmounts);

        unsigned char rb[12];
        random_bytes(rb, sizeof(rb));
        char id[32];
        for (size_t i = 0; i < sizeof(rb); i++)
                snprintf(id + 2 * i, 3, "%02x", rb[i]);
        int attempt = c->ever_started ? c->restart_count + 1 : 0;
        _cleanup_free_ char *bundle = xasprintf("%s/_containers/%s", p->dir, id);
        _cleanup_free_ char *rootfs = xasprintf("%s/rootfs", bundle);
        int r;
        if ((r = mkdir_p(rootfs, 0755)) < 0)
                return attempt_fail(p, c, "CreateContainerError", "cannot create the bundle");
        if (img && !is_fake()) {
                struct buf lower;
                buf_init(&lower, 0);
                json_t *layers = jget(img, "layers");
                int e = 0;
                for (size_t i = json_array_size(layers); i > 0 && e == 0; i--) {
                        _cleanup_free_ char *lp = image_layer_path(
                                A.image_dir, json_string_value(json_array_get(layers, i - 1)));
                        e = buf_printf(&lower, "%s%s", lower.len ? ":" : "", lp);
                }
                _cleanup_free_ char *upper = xasprintf("%s/diff", bundle);
                _cleanup_free_ char *work = xasprintf("%s/work", bundle);
                mkdir(upper, 0755);
                mkdir(work, 0700);
                _cleanup_free_ char *opts = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s",
                                                      lower.data ?: "", upper, work);
                buf_release(&lower);
                r = mntns_mount("overlay", rootfs, "overlay", 0, opts);
                if (r < 0) {
                        snprintf(err, sizeof(err), "cannot mount the container rootfs: %s", strerror(-r));
                        rm_rf(bundle);
                        return attempt_fail(p, c, "CreateContainerError", err);
                }
                set_str(&c->rootfs_mnt, rootfs);
        }
        _cleanup_json_ json_t *icfg = json_deep_copy(jget(img, "config"));
        const char *iuser = jstr(icfg, "User");
        if (iuser && *iuser && !is_fake()) {
                char *numeric = resolve_image_user(rootfs, iuser, err, sizeof(err));
                if (!numeric) {
                        release_attempt(p, c, id);
                        return attempt_fail(p, c, "CreateContainerConfigError", err);
                }
                jset_str(icfg, "User", numeric);
                free(numeric);
        }
        _cleanup_free_ char *host = pod_hostname(p);
        _cleanup_free_ char *cg = xasprintf("/jobd/%s", id);
        struct bundle_in in = {
                .pod = obj,
                .container = c->spec,
                .image_config = icfg,
                .env = env,
                .mounts = mounts,
                .rootfs = rootfs,
                .hostname = host,
                .netns_path = p->netns,
                .cgroup_path = cg,
                .host_network = jbool(p->spec, "hostNetwork"),
                .cap_bound = cap_bound(),
        };
        _cleanup_json_ json_t *cfg = bundle_config(&in, err, sizeof(err));
        if (!cfg) {
                release_attempt(p, c, id);
                return attempt_fail(p, c, "CreateContainerConfigError", err);
        }
        _cleanup_free_ char *cfgs = json_dumps(cfg, JSON_INDENT(1));
        _cleanup_free_ char *cfgp = xasprintf("%s/config.json", bundle);
        write_file_at(cfgp, cfgs, strlen(cfgs), 0600);
        _cleanup_free_ char *ldir = xasprintf("%s/%s", p->dir, c->name);
        mkdir(ldir, 0755);
        _cleanup_free_ char *logp = xasprintf("%s/%d.log", ldir, attempt);
        unlink(logp);
        struct rt_spec spec = {.id = id, .bundle = bundle, .log_path = logp, .config = cfg};
        log_debug("agent: %s/%s: bundle for %s ready (%.1f ms)", p->ns, p->name, c->name,
                  (clock_mono_ns() - t_begin) / 1e6);
        sem_wait(&A.rt_slots);
        r = A.rt->ops->create(A.rt, &spec, err, sizeof(err));
        sem_post(&A.rt_slots);
        /* the attempt exists from here: account it even if it fails to start */
        char *old = NULL;
        pthread_mutex_lock(&A.lock);
        old = c->prev_id;
        c->prev_id = c->id;
        c->id = xstrdup(id);
        c->exited = false;
        c->restart_count = attempt;
        pthread_mutex_unlock(&A.lock);
        c->ever_started = true;
        if (old) {
                release_attempt(p, c, old);
                free(old);
        }
        if (c->prev_id) {
                /* the previous attempt's container and rootfs go; its log file stays */
                release_attempt(p, c, c->prev_id);
        }
        c->started_ns = clock_now_ns();
        if (r < 0) {
                pod_event(p, "Warning", "Failed", "Error: %s", err);
                c->st = C_RUNNING;
                set_terminated(c, 128, "StartError", err, 0);
                decide(p, c);
                return r;
        }
        log_debug("agent: %s/%s: created %s (%.1f ms)", p->ns, p->name, c->name,
                  (clock_mono_ns() - t_begin) / 1e6);
        pod_event(p, "Normal", "Created", "Created container %s", c->name);
        sem_wait(&A.rt_slots);
        r = A.rt->ops->start(A.rt, id, err, sizeof(err));
        sem_post(&A.rt_slots);
        c->started_ns = clock_now_ns();
        if (r < 0) {
                pod_event(p, "Warning", "Failed", "Error: %s", err);
                set_terminated(c, 128, "StartError", err, 0);
                decide(p, c);
                return r;
        }
        c->st = C_RUNNING;
        set_str(&c->reason, NULL);
        set_str(&c->message, NULL);
        log_debug("agent: %s/%s: started %s (%.1f ms)", p->ns, p->name, c->name,
                  (clock_mono_ns() - t_begin) / 1e6);
        pod_event(p, "Normal", "Started", "Started container %s", c->name);
        return 0;
}

/* ---------- the state machine ---------- */

static void advance(struct pod *p)
{
        int64_t now = clock_mono_ns();
        if (!p->initialized) {
                struct ctr *next = NULL;
                for (size_t i = 0; i < p->nctrs && !next; i++)
                        if (p->ctrs[i].init && !(p->ctrs[i].done && p->ctrs[i].exit_code == 0 &&
                                                 p->ctrs[i].st == C_TERMINATED))
                                next = &p->ctrs[i];
                if (!next) {
                        p->initialized = true;
                        for (size_t i = 0; i < p->nctrs; i++)
                                if (!p->ctrs[i].init && p->ctrs[i].st == C_WAITING &&
                                    streq(p->ctrs[i].reason, "PodInitializing"))
                                        set_str(&p->ctrs[i].reason, "ContainerCreating");
                } else {
                        if (next->done) /* failed for good (restartPolicy Never) */
                                return;
                        if (next->st == C_WAITING && now >= next->retry_at)
                                start_container(p, next);
                        return;
                }
        }
        for (size_t i = 0; i < p->nctrs; i++) {
                struct ctr *c = &p->ctrs[i];
                if (c->init || c->done || c->st != C_WAITING || now < c->retry_at)
                        continue;
                start_container(p, c);
        }
}

static int64_t next_wakeup(struct pod *p)
{
        int64_t next = 0;
        for (size_t i = 0; i < p->nctrs; i++) {
                struct ctr *c = &p->ctrs[i];
                if (c->st == C_WAITING && !c->done && c->retry_at && (!next || c->retry_at < next))
                        next = c->retry_at;
        }
        int64_t ads;
        if (!p->terminal && jint(p->spec, "activeDeadlineSeconds", &ads) && p->start_time_s) {
                int64_t left = (p->start_time_s + ads - clock_now_s()) * 1000000000LL;
                int64_t at = clock_mono_ns() + (left > 0 ? left : 0);
                if (!next || at < next)
                        next = at;
        }
        return next;
}

static void wait_wake(struct pod *p, int64_t until_mono)
{
        pthread_mutex_lock(&A.lock);
        while (!p->wake && (!A.stop || p->stopping)) {
                int64_t now = clock_mono_ns();
                int64_t wait = until_mono ? until_mono - now : 5000000000LL;
                if (wait <= 0)
                        break;
                if (wait > 5000000000LL)
                        wait = 5000000000LL;
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                int64_t t = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec + wait;
                ts.tv_sec = t / 1000000000LL;
                ts.tv_nsec = t % 1000000000LL;
                if (pthread_cond_timedwait(&p->cond, &A.lock, &ts) != 0)
                        break;
        }
        p->wake = false;
        pthread_mutex_unlock(&A.lock);
}

static void process_exits(struct pod *p)
{
        for (size_t i = 0; i < p->nctrs; i++) {
                struct ctr *c = &p->ctrs[i];
                pthread_mutex_lock(&A.lock);
                bool ex = c->exited;
                c->exited = false;
                pthread_mutex_unlock(&A.lock);
                if (ex)
                        handle_exit(p, c);
        }
}

static int running_count(struct pod *p)
{
        int n = 0;
        for (size_t i = 0; i < p->nctrs; i++)
                n += p->ctrs[i].st == C_RUNNING;
        return n;
}

/* SIGTERM, wait up to grace seconds, SIGKILL, wait for the exits. */
static void kill_all(struct pod *p, int64_t grace_s)
{
        for (size_t i = 0; i < p->nctrs; i++) {
                struct ctr *c = &p->ctrs[i];
                if (c->st != C_RUNNING)
                        continue;
                pod_event(p, "Normal", "Killing", "Stopping container %s", c->name);
                A.rt->ops->kill(A.rt, c->id, grace_s > 0 ? SIGTERM : SIGKILL);
        }
        int64_t deadline = clock_mono_ns() + grace_s * 1000000000LL;
        bool killed = grace_s <= 0;
        int64_t hard = 0;
        while (running_count(p) > 0) {
                process_exits(p);
                if (running_count(p) == 0)
                        break;
                int64_t now = clock_mono_ns();
                if (!killed && now >= deadline) {
                        for (size_t i = 0; i < p->nctrs; i++)
                                if (p->ctrs[i].st == C_RUNNING)
                                        A.rt->ops->kill(A.rt, p->ctrs[i].id, SIGKILL);
                        killed = true;
                        hard = now + 10LL * 1000000000LL;
                }
                if (killed && !hard)
                        hard = now + 10LL * 1000000000LL;
                if (killed && now >= hard) {
                        for (size_t i = 0; i < p->nctrs; i++)
                                if (p->ctrs[i].st == C_RUNNING) {
                                        set_terminated(&p->ctrs[i], 137, "Error", NULL, 0);
                                        p->ctrs[i].done = true;
                                }
                        break;
                }
                wait_wake(p, killed ? hard : deadline);
        }
}

static void cleanup_pod(struct pod *p)
{
        for (size_t i = 0; i < p->nctrs; i++) {
                struct ctr *c = &p->ctrs[i];
                release_attempt(p, c, c->prev_id);
                release_attempt(p, c, c->id);
        }
        if (p->netns) {
                mntns_netns_remove(p->netns);
        }
        _cleanup_json_ json_t *obj = pod_obj(p);
        volumes_teardown(obj ? obj : p->spec, p->dir);
        rm_rf(p->dir);
}

static void finish_delete(struct pod *p)
{
        _cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/pods/%s", p->ns, p->name);
        _cleanup_json_ json_t *body = json_pack("{s:s, s:s, s:i, s:{s:s}}", "apiVersion", "v1", "kind",
                                                "DeleteOptions", "gracePeriodSeconds", 0,
                                                "preconditions", "uid", p->uid);
        struct hresp r;
        for (int i = 0; i < 5; i++) {
                if (hc_request(A.hc, "DELETE", path, NULL, body, NULL, &r) == 0) {
                        int code = r.code;
                        hresp_release(&r);
                        if (code == 200 || code == 202 || code == 404 || code == 409)
                                return;
                }
                usleep(200 * 1000);
        }
}

/* Are the pod's tmpfs volumes mounted in our mount namespace?  After an agent restart
 * they are not (they lived in the previous agent's): the sandbox is then set up again. */
static bool tmpfs_volumes_present(struct pod *p)
{
        json_t *v;
        size_t i;
        json_array_foreach(jget(p->spec, "volumes"), i, v)
        {
                bool tmpfs = jget(v, "configMap") || jget(v, "secret") || jget(v, "downwardAPI") ||
                             jget(v, "projected") || streq(jstr(v, "emptyDir.medium"), "Memory");
                if (!tmpfs)
                        continue;
                _cleanup_free_ char *dir = xasprintf("%s/_volumes/%s", p->dir, jstr(v, "name") ?: "");
                _cleanup_free_ char *via = mntns_path(dir);
                struct statfs sf;
                if (statfs(via, &sf) < 0 || sf.f_type != TMPFS_MAGIC)
                        return false;
        }
        return true;
}

static void adopt(struct pod *p)
{
        if (p->sandbox_ready && mntns_active() && !p->terminal && !tmpfs_volumes_present(p))
                p->sandbox_ready = false;
        /* the pinned network namespace lived in the previous agent's mount namespace: if
         * it is not pinned in ours, pin a fresh one for containers started from now on */
        if (p->netns && mntns_active()) {
                _cleanup_free_ char *via = mntns_path(p->netns);
                struct statfs sf;
                if (statfs(via, &sf) < 0 || sf.f_type != NSFS_MAGIC) {
                        int r = mntns_netns_create(p->netns);
                        if (r < 0)
                                log_warn("agent: pod %s/%s: cannot re-create its network namespace: %s",
                                         p->ns, p->name, strerror(-r));
                }
        }
        /* containers that ran while the agent was away */
        for (size_t i = 0; i < p->nctrs; i++) {
                struct ctr *c = &p->ctrs[i];
                if (c->st != C_RUNNING || !c->id)
                        continue;
                struct rt_state s;
                if (A.rt->ops->state(A.rt, c->id, &s) < 0 || s.status != RT_RUNNING) {
                        pthread_mutex_lock(&A.lock);
                        c->exited = true;
                        pthread_mutex_unlock(&A.lock);
                }
        }
}

static void *pod_main(void *arg)
{
        struct pod *p = arg;
        pthread_setname_np(pthread_self(), "agent-pod");
        ctrs_init(p);
        snprintf(p->phase, sizeof(p->phase), "Pending");
        _cleanup_json_ json_t *ck = checkpoint_load(p);
        if (ck) {
                ctrs_restore(p, ck);
                adopt(p);
        } else {
                _cleanup_json_ json_t *obj = pod_obj(p);
                const char *ph = jstr(obj, "status.phase");
                bool was_terminal = streq(ph, "Succeeded") || streq(ph, "Failed");
                if (was_terminal) {
                        /* finished before this agent knew it: never run it again */
                        p->terminal = true;
                        p->frozen = true;
                        snprintf(p->phase, sizeof(p->phase), "%s", ph);
                }
                p->start_time_s = clock_now_s();
        }
        bool deleted = false;
        for (;;) {
                pthread_mutex_lock(&A.lock);
                bool gone = p->gone;
                bool deleting = jget(p->obj, "metadata.deletionTimestamp") != NULL;
                pthread_mutex_unlock(&A.lock);
                /* on agent stop, containers keep running for the next agent; a pod that
                 * is being deleted is still finished off */
                if (A.stop && !gone && !deleting)
                        break;
                process_exits(p);
                if (gone || deleting) {
                        p->stopping = true;
                        int64_t grace = 30;
                        pthread_mutex_lock(&A.lock);
                        if (!jint(p->obj, "metadata.deletionGracePeriodSeconds", &grace))
                                jint(p->obj, "spec.terminationGracePeriodSeconds", &grace);
                        pthread_mutex_unlock(&A.lock);
                        kill_all(p, gone && !deleting ? 0 : grace);
                        if (!p->terminal) {
                                /* a deleted pod ends in a terminal phase (KEP-3329): Succeeded
                                 * only if every container exited 0 */
                                bool all_ok = true;
                                for (size_t i = 0; i < p->nctrs; i++) {
                                        struct ctr *c = &p->ctrs[i];
                                        if (!c->init && !(c->st == C_TERMINATED && c->exit_code == 0))
                                                all_ok = false;
                                }
                                p->terminal = true;
                                snprintf(p->phase, sizeof(p->phase), "%s",
                                         all_ok ? "Succeeded" : "Failed");
                                if (!gone)
                                        write_status(p);
                        }
                        cleanup_pod(p);
                        if (!gone)
                                finish_delete(p);
                        deleted = true;
                        break;
                }
                if (!p->terminal) {
                        if (!p->sandbox_ready) {
                                char err[1024];
                                if (sandbox_setup(p, err, sizeof(err)) < 0) {
                                        pod_event(p, "Warning", "FailedMount",
                                                  "MountVolume.SetUp failed: %s", err);
                                        write_status(p);
                                        checkpoint_save(p);
                                        wait_wake(p, clock_mono_ns() + 2000000000LL);
                                        continue;
                                }
                                p->sandbox_ready = true;
                                log_debug("agent: %s/%s: sandbox ready", p->ns, p->name);
                                checkpoint_save(p);
                        }
                        int64_t ads;
                        if (jint(p->spec, "activeDeadlineSeconds", &ads) &&
                            clock_now_s() >= p->start_time_s + ads) {
                                pod_event(p, "Warning", "DeadlineExceeded",
                                          "Pod was active on the node longer than the specified deadline");
                                p->stopping = true;
                                int64_t grace = 30;
                                jint(p->spec, "terminationGracePeriodSeconds", &grace);
                                kill_all(p, grace);
                                for (size_t i = 0; i < p->nctrs; i++)
                                        p->ctrs[i].done = true;
                                p->terminal = true;
                                snprintf(p->phase, sizeof(p->phase), "Failed");
                                set_str(&p->reason, "DeadlineExceeded");
                                set_str(&p->message, "Pod was active on the node longer than the "
                                                     "specified deadline");
                        } else {
                                advance(p);
                                process_exits(p);
                                compute_phase(p);
                        }
                        checkpoint_save(p);
                }
                write_status(p);
                /* exited containers leave the runtime (and their cgroups and rootfs
                 * mounts go) once their status is out; logs and the checkpoint stay */
                for (size_t i = 0; i < p->nctrs; i++) {
                        struct ctr *c = &p->ctrs[i];
                        if (c->retire && c->st != C_RUNNING) {
                                release_attempt(p, c, c->id);
                                c->retire = false;
                        }
                }
                wait_wake(p, p->terminal ? 0 : next_wakeup(p));
        }
        pthread_mutex_lock(&A.lock);
        for (struct pod **pp = &A.pods; *pp; pp = &(*pp)->next) {
                if (*pp == p) {
                        *pp = p->next;
                        break;
                }
        }
        A.running_workers--;
        pthread_cond_broadcast(&A.workers_done);
        pthread_mutex_unlock(&A.lock);
        if (!deleted)
                checkpoint_save(p);
        for (size_t i = 0; i < p->nctrs; i++) {
                struct ctr *c = &p->ctrs[i];
                free(c->name);
                free(c->id);
                free(c->prev_id);
                free(c->reason);
                free(c->message);
                free(c->image);
                free(c->image_id);
                free(c->rootfs_mnt);
                json_decref(c->last_term);
        }
        free(p->ctrs);
        json_decref(p->obj);
        json_decref(p->spec);
        pthread_cond_destroy(&p->cond);
        free(p->uid);
        free(p->ns);
        free(p->name);
        free(p->dir);
        free(p->netns);
        free(p->reason);
        free(p->message);
        free(p->last_status);
        free(p);
        return NULL;
}

void pod_worker_spawn(struct pod *p)
{
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        /* finished pods keep their (sleeping) worker until deleted: keep stacks small */
        pthread_attr_setstacksize(&at, 2u << 20);
        if (pthread_create(&t, &at, pod_main, p) != 0)
                log_error("agent: cannot start a worker for pod %s/%s", p->ns, p->name);
        pthread_attr_destroy(&at);
}

/* agent.c — the node agent's frame: Node registration, the Lease heartbeat, the watch of
 * this node's pods, the pod table, and the hooks the runtime and the log server call.
 *
 * Everything goes through the HTTP API (client/http.h), also when the agent runs inside
 * `jobd server`, so it sees exactly what any remote node would.  Each pod bound here gets
 * a worker thread (pod.c) that owns its lifecycle; this file only routes: watch events
 * wake the pod's worker, runtime exits wake the worker of the pod whose container ended.
 * On start, pods found in the list are handed to workers that first read their
 * checkpoint, which is how containers that kept running while the agent was down are
 * re-adopted; pod directories of pods the API no longer has are cleaned up.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include "agent/agent_int.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"
#include "image/safepath.h"
#include "image/store.h"
#include "volume/volume.h"

struct agent A = {.lock = PTHREAD_MUTEX_INITIALIZER, .workers_done = PTHREAD_COND_INITIALIZER};
static bool started;

int write_file_at(const char *path, const char *data, size_t len, mode_t mode)
{
        _cleanup_free_ char *tmp = xasprintf("%s.tmp", path);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0)
                return -errno;
        bool ok = write(fd, data, len) == (ssize_t)len;
        close(fd);
        if (!ok) {
                unlink(tmp);
                return -EIO;
        }
        if (rename(tmp, path) < 0)
                return -errno;
        return 0;
}

json_t *agent_get_object(const char *plural, const char *ns, const char *name, int *ret_code)
{
        _cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/%s/%s", ns, plural, name);
        struct hresp r;
        *ret_code = 0;
        if (hc_request(A.hc, "GET", path, NULL, NULL, NULL, &r) < 0)
                return NULL;
        *ret_code = r.code;
        if (r.code != 200) {
                hresp_release(&r);
                return NULL;
        }
        return TAKE_PTR(r.body);
}

/* ---------- events ----------
 * Events are posted by one background thread so a pod's start never waits for them (three
 * event writes per pod would otherwise sit on the start path).  The queue is bounded: when
 * the server cannot keep up, the oldest pending events are dropped and the count is logged
 * — events are advisory in Kubernetes too (the kubelet's recorder drops under pressure). */

#define EVENT_QUEUE_MAX 4096
static struct {
        pthread_mutex_t lock;
        pthread_cond_t cond;
        json_t *queue; /* array of {ns, event} */
        pthread_t thread;
        bool stop, running;
        int64_t dropped;
} EV = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

void agent_event(json_t *pod, const char *type, const char *reason, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        char msg[1024];
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        char now[40], suffix[20];
        time_format_rfc3339(clock_now_s(), now, sizeof(now));
        uint64_t rnd;
        random_bytes(&rnd, sizeof(rnd));
        snprintf(suffix, sizeof(suffix), "%016llx", (unsigned long long)rnd);
        const char *ns = jstr(pod, "metadata.namespace") ?: "default";
        _cleanup_free_ char *name = xasprintf("%s.%s", jstr(pod, "metadata.name") ?: "pod", suffix);
        json_t *ev = json_pack(
                "{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s}, s:s, s:s, s:s, "
                "s:{s:s, s:s}, s:s, s:s, s:i, s:s, s:s}",
                "apiVersion", "v1", "kind", "Event", "metadata", "name", name, "namespace", ns,
                "involvedObject", "kind", "Pod", "apiVersion", "v1", "namespace", ns, "name",
                jstr(pod, "metadata.name") ?: "", "uid", jstr(pod, "metadata.uid") ?: "", "reason",
                reason, "message", msg, "type", type, "source", "component", "kubelet", "host",
                A.node_name, "firstTimestamp", now, "lastTimestamp", now, "count", 1,
                "reportingComponent", "kubelet", "reportingInstance", A.node_name);
        pthread_mutex_lock(&EV.lock);
        if (!EV.queue)
                EV.queue = json_array();
        if (json_array_size(EV.queue) >= EVENT_QUEUE_MAX) {
                json_array_remove(EV.queue, 0);
                EV.dropped++;
        }
        json_array_append_new(EV.queue, ev);
        pthread_cond_signal(&EV.cond);
        pthread_mutex_unlock(&EV.lock);
}

static void *events_main(void *arg)
{
        pthread_setname_np(pthread_self(), "agent-events");
        pthread_mutex_lock(&EV.lock);
        for (;;) {
                while (!EV.stop && json_array_size(EV.queue) == 0)
                        pthread_cond_wait(&EV.cond, &EV.lock);
                if (json_array_size(EV.queue) == 0)
                        break; /* stopping and drained */
                json_t *ev = json_incref(json_array_get(EV.queue, 0));
                json_array_remove(EV.queue, 0);
                int64_t dropped = EV.dropped;
                EV.dropped = 0;
                pthread_mutex_unlock(&EV.lock);
                if (dropped)
                        log_warn("agent: dropped %lld events (the server is not keeping up)",
                                 (long long)dropped);
                _cleanup_free_ char *path = xasprintf(
                        "/api/v1/namespaces/%s/events", jstr(ev, "metadata.namespace") ?: "default");
                struct hresp r;
                if (hc_request(A.hc, "POST", path, NULL, ev, NULL, &r) == 0)
                        hresp_release(&r);
                json_decref(ev);
                pthread_mutex_lock(&EV.lock);
        }
        pthread_mutex_unlock(&EV.lock);
        return NULL;
}

static int events_start(void)
{
        EV.stop = false;
        if (pthread_create(&EV.thread, NULL, events_main, NULL) != 0)
                return -errno;
        EV.running = true;
        return 0;
}

static void events_stop(void)
{
        if (!EV.running)
                return;
        pthread_mutex_lock(&EV.lock);
        EV.stop = true;
        pthread_cond_broadcast(&EV.cond);
        pthread_mutex_unlock(&EV.lock);
        pthread_join(EV.thread, NULL);
        EV.running = false;
        json_decref(EV.queue);
        EV.queue = NULL;
}

/* ---------- node and lease ---------- */

static json_t *node_status(void)
{
        char now[40];
        time_format_rfc3339(clock_now_s(), now, sizeof(now));
        struct utsname un;
        uname(&un);
        struct statvfs sv;
        int64_t eph_ki = 0;
        if (statvfs(A.data_dir, &sv) == 0)
                eph_ki = (int64_t)((uint64_t)sv.f_blocks * sv.f_frsize / 1024);
        _cleanup_free_ char *cpu = xasprintf("%lld", (long long)(A.cpu_milli / 1000));
        _cleanup_free_ char *mem = xasprintf("%lldKi", (long long)(A.mem_bytes / 1024));
        _cleanup_free_ char *eph = xasprintf("%lldKi", (long long)eph_ki);
        _cleanup_free_ char *pods = xasprintf("%d", A.max_pods);
        char machine_id[64] = "", boot_id[64] = "";
        FILE *f = fopen("/etc/machine-id", "re");
        if (f) {
                if (!fgets(machine_id, sizeof(machine_id), f))
                        machine_id[0] = 0;
                fclose(f);
        }
        f = fopen("/proc/sys/kernel/random/boot_id", "re");
        if (f) {
                if (!fgets(boot_id, sizeof(boot_id), f))
                        boot_id[0] = 0;
                fclose(f);
        }
        machine_id[strcspn(machine_id, "\n")] = 0;
        boot_id[strcspn(boot_id, "\n")] = 0;
        char os_image[256] = "Linux";
        f = fopen("/etc/os-release", "re");
        if (f) {
                char line[200];
                while (fgets(line, sizeof(line), f)) {
                        if (startswith(line, "PRETTY_NAME=")) {
                                char *v = line + 12;
                                v[strcspn(v, "\n")] = 0;
                                if (*v == '"') {
                                        v++;
                                        v[strcspn(v, "\"")] = 0;
                                }
                                snprintf(os_image, sizeof(os_image), "%s", v);
                        }
                }
                fclose(f);
        }
        _cleanup_free_ char *rtv = xasprintf("%s://jobd", A.cfg.runtime ? A.cfg.runtime : "crun");
        json_t *cond = json_array();
        const char *cs[][4] = {
                {"MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
                {"DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
                {"PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
                {"Ready", "True", "KubeletReady", "kubelet is posting ready status"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cs); i++)
                json_array_append_new(cond, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type",
                                                      cs[i][0], "status", cs[i][1], "reason", cs[i][2],
                                                      "message", cs[i][3], "lastHeartbeatTime", now,
                                                      "lastTransitionTime", now));
        json_t *res = json_pack("{s:s, s:s, s:s, s:s}", "cpu", cpu, "memory", mem, "pods", pods,
                                "ephemeral-storage", eph);
        /* status.images, as the kubelet lists them (largest first is not needed here) */
        json_t *images = json_array(), *rec;
        _cleanup_json_ json_t *all = image_list(A.image_dir);
        size_t ii;
        json_array_foreach(all, ii, rec)
        {
                int64_t size = 0;
                jint(rec, "size", &size);
                json_array_append_new(images, json_pack("{s:[s], s:I}", "names",
                                                        jstr(rec, "name") ?: "", "sizeBytes",
                                                        (json_int_t)size));
        }
        return json_pack(
                "{s:o, s:O, s:o, s:o, s:[{s:s, s:s}, {s:s, s:s}], s:{s:{s:i}}, "
                "s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}}",
                "capacity", res, "allocatable", res, "conditions", cond, "images", images,
                "addresses", "type",
                "InternalIP", "address", A.host_ip, "type", "Hostname", "address", A.node_name,
                "daemonEndpoints", "kubeletEndpoint", "Port", (int)A.log_port, "nodeInfo",
                "machineID", machine_id, "systemUUID", machine_id, "bootID", boot_id,
                "kernelVersion", un.release, "osImage", os_image, "containerRuntimeVersion", rtv,
                "kubeletVersion", "v1.32.0", "kubeProxyVersion", "", "operatingSystem", "linux",
                "architecture", "amd64");
}

static json_t *node_labels(void)
{
        json_t *l = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kubernetes.io/hostname", A.node_name,
                              "kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64",
                              "beta.kubernetes.io/os", "linux", "beta.kubernetes.io/arch", "amd64");
        for (const char *const *p = A.cfg.node_labels; p && *p; p++) {
                const char *eq = strchr(*p, '=');
                if (!eq)
                        continue;
                _cleanup_free_ char *k = xstrndup(*p, (size_t)(eq - *p));
                json_object_set_new(l, k, json_string(eq + 1));
        }
        return l;
}

static int node_register(void)
{
        _cleanup_json_ json_t *st = node_status();
        _cleanup_json_ json_t *node = json_pack("{s:s, s:s, s:{s:s, s:o}, s:{}, s:O}", "apiVersion",
                                                "v1", "kind", "Node", "metadata", "name", A.node_name,
                                                "labels", node_labels(), "spec", "status", st);
        struct hresp r;
        int e = hc_request(A.hc, "POST", "/api/v1/nodes", NULL, node, NULL, &r);
        if (e < 0)
                return e;
        int code = r.code;
        hresp_release(&r);
        _cleanup_free_ char *path = xasprintf("/api/v1/nodes/%s", A.node_name);
        for (int attempt = 0; attempt < 5; attempt++) {
                if (hc_request(A.hc, "GET", path, NULL, NULL, NULL, &r) < 0 || r.code != 200) {
                        hresp_release(&r);
                        return -EIO;
                }
                json_t *cur = r.body;
                if (code == 409) { /* re-registration: refresh labels */
                        json_t *labels = jobj(jobj(cur, "metadata"), "labels");
                        json_object_update(labels, jget(node, "metadata.labels"));
                        struct hresp u;
                        hc_request(A.hc, "PUT", path, NULL, cur, NULL, &u);
                        hresp_release(&u);
                        hresp_release(&r);
                        if (hc_request(A.hc, "GET", path, NULL, NULL, NULL, &r) < 0 || r.code != 200) {
                                hresp_release(&r);
                                return -EIO;
                        }
                        cur = r.body;
                }
                json_object_set(cur, "status", st);
                _cleanup_free_ char *sp = xasprintf("%s/status", path);
                struct hresp u;
                int x = hc_request(A.hc, "PUT", sp, NULL, cur, NULL, &u);
                int uc = u.code;
                hresp_release(&u);
                hresp_release(&r);
                if (x == 0 && uc == 200)
                        return 0;
                if (uc != 409)
                        return -EIO;
        }
        return -EIO;
}

static void lease_renew(void)
{
        char now[48];
        int64_t ns = clock_now_ns();
        time_format_rfc3339nano(ns, now, sizeof(now));
        /* metav1.MicroTime: 6 fractional digits */
        char micro[48];
        snprintf(micro, sizeof(micro), "%.26sZ", now);
        _cleanup_free_ char *path =
                xasprintf("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/%s", A.node_name);
        struct hresp r;
        if (hc_request(A.hc, "GET", path, NULL, NULL, NULL, &r) < 0)
                return;
        if (r.code == 404) {
                hresp_release(&r);
                _cleanup_json_ json_t *l = json_pack(
                        "{s:s, s:s, s:{s:s, s:s, s:[{s:s, s:s, s:s, s:s}]}, s:{s:s, s:i, s:s}}",
                        "apiVersion", "coordination.k8s.io/v1", "kind", "Lease", "metadata", "name",
                        A.node_name, "namespace", "kube-node-lease", "ownerReferences", "apiVersion",
                        "v1", "kind", "Node", "name", A.node_name, "uid", "", "spec",
                        "holderIdentity", A.node_name, "leaseDurationSeconds", 40, "renewTime", micro);
                json_object_del(jget(l, "metadata"), "ownerReferences");
                hc_request(A.hc, "POST",
                           "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", NULL, l,
                           NULL, &r);
                hresp_release(&r);
                return;
        }
        if (r.code == 200) {
                json_t *spec = jobj(r.body, "spec");
                jset_str(spec, "renewTime", micro);
                jset_str(spec, "holderIdentity", A.node_name);
                jset_int(spec, "leaseDurationSeconds", 40);
                struct hresp u;
                hc_request(A.hc, "PUT", path, NULL, r.body, NULL, &u);
                hresp_release(&u);
        }
        hresp_release(&r);
}

static void *lease_main(void *arg)
{
        pthread_setname_np(pthread_self(), "agent-lease");
        int64_t last_status = clock_mono_ns();
        while (!A.stop) {
                lease_renew();
                for (int i = 0; i < 100 && !A.stop; i++)
                        usleep(100 * 1000);
                if (!A.stop && clock_mono_ns() - last_status > 60LL * 1000000000LL) {
                        node_register(); /* refreshes conditions' heartbeat times */
                        last_status = clock_mono_ns();
                }
        }
        return NULL;
}

/* ---------- pod table ---------- */

struct pod *pod_find_uid(const char *uid)
{
        for (struct pod *p = A.pods; p; p = p->next)
                if (streq(p->uid, uid))
                        return p;
        return NULL;
}

struct pod *pod_find_name(const char *ns, const char *name)
{
        /* the table is newest first; a pod re-created under the same name wins over the
         * old one still being cleaned up */
        struct pod *any = NULL;
        for (struct pod *p = A.pods; p; p = p->next) {
                if (!streq(p->ns, ns) || !streq(p->name, name))
                        continue;
                if (!p->gone)
                        return p;
                if (!any)
                        any = p;
        }
        return any;
}

void pod_wake(struct pod *p)
{
        p->wake = true;
        pthread_cond_signal(&p->cond);
}

static void pod_upsert(json_t *obj, bool deleted)
{
        const char *uid = jstr(obj, "metadata.uid");
        if (!uid)
                return;
        pthread_mutex_lock(&A.lock);
        struct pod *p = pod_find_uid(uid);
        if (p) {
                /* a watch event can arrive after the answer to our own newer status write */
                const char *have = jstr(p->obj, "metadata.resourceVersion");
                const char *got = jstr(obj, "metadata.resourceVersion");
                if (deleted || !have || !got || strtoll(got, NULL, 10) >= strtoll(have, NULL, 10)) {
                        json_decref(p->obj);
                        p->obj = json_incref(obj);
                }
                if (deleted)
                        p->gone = true;
                pod_wake(p);
                pthread_mutex_unlock(&A.lock);
                return;
        }
        if (deleted || A.stop) {
                pthread_mutex_unlock(&A.lock);
                return;
        }
        p = xcalloc(1, sizeof(*p));
        p->uid = xstrdup(uid);
        p->ns = xstrdup(jstr(obj, "metadata.namespace") ?: "default");
        p->name = xstrdup(jstr(obj, "metadata.name") ?: "");
        p->obj = json_incref(obj);
        p->spec = json_deep_copy(jget(obj, "spec"));
        pthread_cond_init(&p->cond, NULL);
        p->dir = xasprintf("%s/%s", A.pods_dir, uid);
        p->next = A.pods;
        A.pods = p;
        log_debug("agent: %s/%s: bound here, starting a worker", p->ns, p->name);
        A.running_workers++;
        pthread_mutex_unlock(&A.lock);
        pod_worker_spawn(p);
}

void agent_on_exit(void *ud, const char *id)
{
        pthread_mutex_lock(&A.lock);
        for (struct pod *p = A.pods; p; p = p->next) {
                for (size_t i = 0; i < p->nctrs; i++) {
                        if (p->ctrs[i].id && streq(p->ctrs[i].id, id)) {
                                p->ctrs[i].exited = true;
                                pod_wake(p);
                        }
                }
        }
        pthread_mutex_unlock(&A.lock);
}

/* Remove leftovers of pods the API no longer knows (deleted while the agent was down). */
static void cleanup_orphans(json_t *live_uids)
{
        DIR *d = opendir(A.pods_dir);
        if (!d)
                return;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.' || json_object_get(live_uids, de->d_name))
                        continue;
                _cleanup_free_ char *dir = xasprintf("%s/%s", A.pods_dir, de->d_name);
                _cleanup_free_ char *cp = xasprintf("%s/_checkpoint.json", dir);
                char err[128];
                struct buf b;
                buf_init(&b, 4u << 20);
                int fd = open(cp, O_RDONLY | O_CLOEXEC);
                if (fd >= 0) {
                        char tmp[8192];
                        ssize_t n;
                        while ((n = read(fd, tmp, sizeof(tmp))) > 0)
                                if (buf_append(&b, tmp, (size_t)n) < 0)
                                        break;
                        close(fd);
                }
                _cleanup_json_ json_t *ck = b.len ? jparse(b.data, b.len, 32, err, sizeof(err)) : NULL;
                buf_release(&b);
                json_t *c;
                size_t i;
                json_array_foreach(jget(ck, "containers"), i, c)
                {
                        const char *ids[] = {jstr(c, "id"), jstr(c, "prevId")};
                        for (int k = 0; k < 2; k++) {
                                if (!ids[k])
                                        continue;
                                A.rt->ops->kill(A.rt, ids[k], SIGKILL);
                                A.rt->ops->remove(A.rt, ids[k]);
                        }
                        const char *mnt = jstr(c, "rootfs");
                        if (mnt && mntns_active())
                                mntns_umount(mnt);
                }
                json_t *pod = jget(ck, "pod");
                if (pod)
                        volumes_teardown(pod, dir);
                const char *netns = jstr(ck, "netns");
                if (netns)
                        mntns_netns_remove(netns);
                rm_rf(dir);
                log_info("agent: removed leftovers of pod %s", de->d_name);
        }
        closedir(d);
}

static int watch_cb(void *ud, const char *type, json_t *obj)
{
        if (!streq(type, "BOOKMARK"))
                pod_upsert(obj, streq(type, "DELETED"));
        const char *rv = jstr(obj, "metadata.resourceVersion");
        if (rv) {
                char **last = ud;
                free(*last);
                *last = xstrdup(rv);
        }
        return 0;
}

static void *watch_main(void *arg)
{
        pthread_setname_np(pthread_self(), "agent-watch");
        _cleanup_free_ char *fs = xasprintf("spec.nodeName=%s", A.node_name);
        _cleanup_free_ char *fse = hc_escape(fs);
        bool first = true;
        while (!A.stop) {
                _cleanup_free_ char *q = xasprintf("fieldSelector=%s", fse);
                struct hresp r;
                if (hc_request(A.hc, "GET", "/api/v1/pods", q, NULL, NULL, &r) < 0 || r.code != 200) {
                        hresp_release(&r);
                        usleep(500 * 1000);
                        continue;
                }
                json_t *it;
                size_t i;
                _cleanup_json_ json_t *live = json_object();
                json_array_foreach(jget(r.body, "items"), i, it)
                {
                        json_object_set_new(live, jstr(it, "metadata.uid") ?: "", json_true());
                        pod_upsert(it, false);
                }
                /* pods we track that the list no longer has were deleted meanwhile */
                pthread_mutex_lock(&A.lock);
                for (struct pod *p = A.pods; p; p = p->next) {
                        if (!json_object_get(live, p->uid)) {
                                p->gone = true;
                                pod_wake(p);
                        }
                }
                pthread_mutex_unlock(&A.lock);
                if (first) {
                        cleanup_orphans(live);
                        first = false;
                }
                char *rv = xstrdup(jstr(r.body, "metadata.resourceVersion") ?: "0");
                hresp_release(&r);
                while (!A.stop) {
                        _cleanup_free_ char *wq = xasprintf(
                                "watch=1&allowWatchBookmarks=true&fieldSelector=%s&resourceVersion=%s",
                                fse, rv);
                        int e = hc_watch(A.hc, "/api/v1/pods", wq, &A.stop, watch_cb, &rv);
                        if (e == -ESTALE || e == -EPROTO)
                                break; /* relist */
                        if (e < 0)
                                usleep(200 * 1000);
                }
                free(rv);
        }
        return NULL;
}

/* ---------- log server hooks ---------- */

bool agent_log_active(const char *uid, const char *container, const char *id)
{
        bool active = false;
        pthread_mutex_lock(&A.lock);
        struct pod *p = pod_find_uid(uid);
        for (size_t i = 0; p && i < p->nctrs; i++) {
                struct ctr *c = &p->ctrs[i];
                if (streq(c->name, container))
                        active = c->id && id && streq(c->id, id) && !c->exited && c->st == C_RUNNING;
        }
        pthread_mutex_unlock(&A.lock);
        return active;
}

int agent_log_target(const char *ns, const char *name, const char *container, bool previous,
                     char **ret_path, char **ret_uid, char **ret_id, char *err, size_t errlen)
{
        pthread_mutex_lock(&A.lock);
        struct pod *p = pod_find_name(ns, name);
        if (!p) {
                pthread_mutex_unlock(&A.lock);
                snprintf(err, errlen, "pod \"%s\" in namespace \"%s\" is not on this node\n", name, ns);
                return -ENOENT;
        }
        for (size_t i = 0; i < p->nctrs; i++) {
                struct ctr *c = &p->ctrs[i];
                if (!streq(c->name, container))
                        continue;
                int n = c->restart_count;
                if (previous) {
                        if (n == 0) {
                                pthread_mutex_unlock(&A.lock);
                                snprintf(err, errlen,
                                         "previous terminated container \"%s\" in pod \"%s\" not found\n",
                                         container, name);
                                return -ENOENT;
                        }
                        n--;
                }
                *ret_path = xasprintf("%s/%s/%d.log", p->dir, c->name, n);
                *ret_uid = xstrdup(p->uid);
                *ret_id = c->id && !previous ? xstrdup(c->id) : NULL;
                pthread_mutex_unlock(&A.lock);
                return 0;
        }
        pthread_mutex_unlock(&A.lock);
        snprintf(err, errlen, "container \"%s\" in pod \"%s\" is not available\n", container, name);
        return -ENOENT;
}

/* ---------- start / stop ---------- */

static void detect_resources(void)
{
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        A.cpu_milli = (ncpu > 0 ? ncpu : 1) * 1000;
        struct sysinfo si;
        if (sysinfo(&si) == 0)
                A.mem_bytes = (int64_t)si.totalram * si.mem_unit;
        snprintf(A.host_ip, sizeof(A.host_ip), "127.0.0.1");
}

int agent_start(const struct agent_config *cfg)
{
        if (started)
                return -EALREADY;
        A.cfg = *cfg;
        A.stop = false;
        char host[256] = "localhost";
        gethostname(host, sizeof(host) - 1);
        A.node_name = xstrdup(cfg->node_name && *cfg->node_name ? cfg->node_name : host);
        for (char *c = A.node_name; *c; c++)
                if (*c >= 'A' && *c <= 'Z')
                        *c = (char)(*c - 'A' + 'a');
        A.data_dir = xstrdup(cfg->data_dir ? cfg->data_dir : "/var/lib/jobd");
        A.agent_dir = xasprintf("%s/agent", A.data_dir);
        A.image_dir = xasprintf("%s/images", A.agent_dir);
        A.pods_dir = xasprintf("%s/pods", A.agent_dir);
        A.backoff_base_ms = cfg->backoff_base_ms > 0 ? cfg->backoff_base_ms : 10000;
        A.backoff_cap_ms = cfg->backoff_cap_ms > 0 ? cfg->backoff_cap_ms : 300000;
        A.max_pods = cfg->max_pods > 0 ? cfg->max_pods : 110;
        detect_resources();
        int r;
        if ((r = mkdir_p(A.pods_dir, 0711)) < 0 || (r = mkdir_p(A.image_dir, 0755)) < 0) {
                log_error("agent: cannot create %s: %s", A.agent_dir, strerror(-r));
                return r;
        }
        _cleanup_free_ char *imports = xasprintf("%s/images", A.data_dir);
        image_autoimport(A.image_dir, imports);
        char err[512];
        _cleanup_free_ char *rtdir = xasprintf("%s/runtime", A.agent_dir);
        if ((r = runtime_new(cfg->runtime, rtdir, agent_on_exit, NULL, &A.rt, err, sizeof(err))) < 0) {
                log_error("agent: runtime: %s", err);
                return r;
        }
        sem_init(&A.rt_slots, 0, 4);
        if ((r = registry_config_load(A.data_dir, &A.reg, err, sizeof(err))) < 0) {
                log_error("agent: %s: registry pulls are off until it is fixed", err);
                A.reg = NULL;
        }
        A.hc = hc_new(cfg->server_url);
        if ((r = logs_server_start(&A.log_port)) < 0) {
                log_error("agent: cannot start the log endpoint");
                return r;
        }
        for (int attempt = 0; (r = node_register()) < 0 && attempt < 50; attempt++)
                usleep(100 * 1000);
        if (r < 0) {
                log_error("agent: cannot register node %s with %s", A.node_name, cfg->server_url);
                return r;
        }
        lease_renew();
        if (events_start() < 0 || pthread_create(&A.lease_thread, NULL, lease_main, NULL) != 0 ||
            pthread_create(&A.watch_thread, NULL, watch_main, NULL) != 0)
                return -errno;
        started = true;
        log_info("agent: node %s ready (runtime %s, logs on 127.0.0.1:%u)", A.node_name,
                 A.rt->name, A.log_port);
        return 0;
}

void agent_stop(void)
{
        if (!started)
                return;
        A.stop = true;
        pthread_join(A.watch_thread, NULL);
        pthread_join(A.lease_thread, NULL);
        pthread_mutex_lock(&A.lock);
        for (struct pod *p = A.pods; p; p = p->next)
                pod_wake(p);
        while (A.running_workers > 0)
                pthread_cond_wait(&A.workers_done, &A.lock);
        pthread_mutex_unlock(&A.lock);
        events_stop();
        logs_server_stop();
        runtime_free(A.rt);
        A.rt = NULL;
        registry_config_free(A.reg);
        A.reg = NULL;
        hc_free(A.hc);
        A.hc = NULL;
        free(A.node_name);
        free(A.data_dir);
        free(A.agent_dir);
        free(A.image_dir);
        free(A.pods_dir);
        started = false;
}

/* sched_cache.c — the scheduler's view of the cluster, kept up to date one informer event at
 * a time, as kube-scheduler's cache and scheduling queue are.
 *
 * Why incremental: the store keeps every finished pod, so anything that walks all pods per
 * event costs O(stored pods) — with 30,000 pods stored, one pod create cost 24 M
 * instructions in the scheduler alone, and a long Job slowed down as its finished pods
 * piled up.  Here each event touches only its own pod: the pod's requests are charged to
 * its node while it is bound and not terminal, and the entry remembers exactly what it
 * charged, so a phase change, a node change, a delete or a relist takes back the same
 * amount even if the spec changed in between.  A node that is gone (or not seen yet)
 * keeps its accounting entry while pods are charged to it.
 *
 * Pods that want scheduling sit in one of three places: the active list (a pass should try
 * them), in flight (a pass is trying them, without the lock), or parked (they fit nowhere;
 * unschedulablePods upstream).  Parked pods go back to the active list only when something
 * could make them fit — a node added or changed in what the filters read, a charge taken
 * back, the pod's own scheduling spec edited — or when their retry time comes.  Our own
 * writes (the PodScheduled=False status, a binding) are not such events, so they do not
 * loop back into another attempt.  A pod that fails while an event that could have helped
 * it arrived mid-pass (the move counter changed) is queued again, not parked, so that
 * event is not lost.
 *
 * Pods and nodes sit in a small chained hash table keyed by string; the active and parked
 * lists are intrusive, so queueing, parking and moving cost O(1) per pod.
 */
#include "base/jsonu.h"
#include "scheduler/scheduler_int.h"

/* ---------- a string-keyed hash table of intrusive entries ---------- */

struct hent {
        struct hent *next;
        char *key; /* owned */
};

struct hmap {
        struct hent **b;
        size_t nb, n;
};

static uint64_t hash_str(const char *s)
{
        uint64_t h = 1469598103934665603ULL; /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ULL;
        return h;
}

static struct hent *hmap_get(const struct hmap *m, const char *key)
{
        if (!m->nb)
                return NULL;
        for (struct hent *e = m->b[hash_str(key) & (m->nb - 1)]; e; e = e->next)
                if (strcmp(e->key, key) == 0)
                        return e;
        return NULL;
}

static void hmap_add(struct hmap *m, struct hent *e) /* e->key is not in m */
{
        if (m->n + 1 > m->nb) {
                size_t nb = m->nb ? m->nb * 2 : 64;
                struct hent **b = xcalloc(nb, sizeof(*b));
                for (size_t i = 0; i < m->nb; i++) {
                        for (struct hent *x = m->b[i], *nx; x; x = nx) {
                                nx = x->next;
                                struct hent **slot = &b[hash_str(x->key) & (nb - 1)];
                                x->next = *slot;
                                *slot = x;
                        }
                }
                free(m->b);
                m->b = b;
                m->nb = nb;
        }
        struct hent **slot = &m->b[hash_str(e->key) & (m->nb - 1)];
        e->next = *slot;
        *slot = e;
        m->n++;
}

static void hmap_remove(struct hmap *m, struct hent *e)
{
        for (struct hent **p = &m->b[hash_str(e->key) & (m->nb - 1)]; *p; p = &(*p)->next) {
                if (*p == e) {
                        *p = e->next;
                        m->n--;
                        return;
                }
        }
}

/* ---------- entries ---------- */

enum qstate { Q_NONE, Q_ACTIVE, Q_INFLIGHT, Q_PARKED };

struct pod_ent {
        struct hent h; /* key "ns/name"; first member */
        json_t *pod;
        char *node; /* charged to this node (NULL: charges nothing) */
        struct sched_res charged;
        enum qstate q;
        bool requeue; /* scheduling spec edited while in flight */
        char *sig;
        int attempts;
        int64_t retry_at;
        struct pod_ent *qprev, *qnext; /* active or parked list */
};

struct node_ent {
        struct hent h; /* key: node name; first member */
        json_t *node;  /* NULL: no Node object, only pods charged to the name */
        char *sig;     /* what the filters read of the node */
        struct sched_res alloc, used;
        size_t npods;
};

struct qlist {
        struct pod_ent *head;
        size_t n;
};

struct sched_cache {
        struct hmap pods, nodes;
        struct qlist active, parked;
        size_t ninflight;
        uint64_t move_seq;
        int64_t next_due; /* no parked pod is due before this */
};

static void ql_add(struct qlist *l, struct pod_ent *e)
{
        e->qprev = NULL;
        e->qnext = l->head;
        if (l->head)
                l->head->qprev = e;
        l->head = e;
        l->n++;
}

static void ql_del(struct qlist *l, struct pod_ent *e)
{
        if (e->qprev)
                e->qprev->qnext = e->qnext;
        else
                l->head = e->qnext;
        if (e->qnext)
                e->qnext->qprev = e->qprev;
        e->qprev = e->qnext = NULL;
        l->n--;
}

static void dequeue(struct sched_cache *c, struct pod_ent *e)
{
        if (e->q == Q_ACTIVE)
                ql_del(&c->active, e);
        else if (e->q == Q_PARKED)
                ql_del(&c->parked, e);
        else if (e->q == Q_INFLIGHT)
                c->ninflight--;
        e->q = Q_NONE;
        e->requeue = false;
}

static void activate(struct sched_cache *c, struct pod_ent *e)
{
        dequeue(c, e);
        ql_add(&c->active, e);
        e->q = Q_ACTIVE;
}

static void park(struct sched_cache *c, struct pod_ent *e, int64_t retry_at)
{
        dequeue(c, e);
        ql_add(&c->parked, e);
        e->q = Q_PARKED;
        e->retry_at = retry_at;
        if (retry_at < c->next_due)
                c->next_due = retry_at;
}

/* Something that could make a parked pod fit happened: every parked pod gets a try. */
static void move_all(struct sched_cache *c)
{
        c->move_seq++;
        while (c->parked.head)
                activate(c, c->parked.head);
}

/* ---------- accounting ---------- */

static void res_add(struct sched_res *a, const struct sched_res *r, int sign)
{
        a->cpu_milli += sign * r->cpu_milli;
        a->mem_milli += sign * r->mem_milli;
        a->gpu_milli += sign * r->gpu_milli;
        a->eph_milli += sign * r->eph_milli;
        a->pods += sign * r->pods;
}

static bool res_eq(const struct sched_res *a, const struct sched_res *b)
{
        return a->cpu_milli == b->cpu_milli && a->mem_milli == b->mem_milli &&
               a->gpu_milli == b->gpu_milli && a->eph_milli == b->eph_milli && a->pods == b->pods;
}

static struct node_ent *node_ent(struct sched_cache *c, const char *name, bool create)
{
        struct node_ent *ne = (struct node_ent *)hmap_get(&c->nodes, name);
        if (ne || !create)
                return ne;
        ne = xcalloc(1, sizeof(*ne));
        ne->h.key = xstrdup(name);
        hmap_add(&c->nodes, &ne->h);
        return ne;
}

static void node_ent_free(struct node_ent *ne)
{
        json_decref(ne->node);
        free(ne->sig);
        free(ne->h.key);
        free(ne);
}

static void node_ent_maybe_drop(struct sched_cache *c, struct node_ent *ne)
{
        if (!ne->node && ne->npods == 0) {
                hmap_remove(&c->nodes, &ne->h);
                node_ent_free(ne);
        }
}

static void charge(struct sched_cache *c, struct pod_ent *e, const char *node,
                   const struct sched_res *r)
{
        struct node_ent *ne = node_ent(c, node, true);
        res_add(&ne->used, r, 1);
        ne->npods++;
        e->node = xstrdup(node);
        e->charged = *r;
}

static void uncharge(struct sched_cache *c, struct pod_ent *e)
{
        struct node_ent *ne = node_ent(c, e->node, false);
        if (ne) {
                res_add(&ne->used, &e->charged, -1);
                ne->npods--;
                node_ent_maybe_drop(c, ne);
        }
        free(e->node);
        e->node = NULL;
        e->charged = (struct sched_res){0};
}

/* ---------- pods ---------- */

static bool pod_terminal(json_t *pod)
{
        const char *ph = jstr(pod, "status.phase");
        return streq(ph, "Succeeded") || streq(ph, "Failed");
}

static bool wants_scheduling(json_t *pod)
{
        const char *node = jstr(pod, "spec.nodeName");
        const char *sn = jstr(pod, "spec.schedulerName");
        return (!node || !*node) && !jget(pod, "metadata.deletionTimestamp") && !pod_terminal(pod) &&
               (!sn || !*sn || streq(sn, "default-scheduler"));
}

/* Everything of the pod the filters and scores read; two pods with the same signature get
 * the same decision against the same nodes. */
static char *pod_sig(json_t *pod, const struct sched_res *req)
{
        json_t *parts[] = {jget(pod, "spec.tolerations"), jget(pod, "spec.nodeSelector"),
                           jget(pod, "spec.affinity")};
        char *d[ARRAY_SIZE(parts)];
        for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
                d[i] = parts[i] ? json_dumps(parts[i], JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        char *s = xasprintf("%lld %lld %lld %lld|%s|%s|%s", (long long)req->cpu_milli,
                            (long long)req->mem_milli, (long long)req->gpu_milli,
                            (long long)req->eph_milli, d[0] ?: "", d[1] ?: "", d[2] ?: "");
        for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
                free(d[i]);
        return s;
}

static char *pod_key(json_t *pod)
{
        return xasprintf("%s/%s", jstr(pod, "metadata.namespace") ?: "",
                         jstr(pod, "metadata.name") ?: "");
}

static void pod_ent_drop(struct sched_cache *c, struct pod_ent *e)
{
        dequeue(c, e);
        if (e->node) {
                uncharge(c, e);
                move_all(c);
        }
        hmap_remove(&c->pods, &e->h);
        json_decref(e->pod);
        free(e->sig);
        free(e->h.key);
        free(e);
}

/* assumed: our own binding, ahead of its echo (same resourceVersion, new nodeName) */
static void pod_put(struct sched_cache *c, const char *key, json_t *pod, bool assumed)
{
        struct pod_ent *e = (struct pod_ent *)hmap_get(&c->pods, key);
        if (e) {
                const char *uid = jstr(pod, "metadata.uid"), *ouid = jstr(e->pod, "metadata.uid");
                const char *rv = jstr(pod, "metadata.resourceVersion");
                if (uid && ouid && !streq(uid, ouid)) {
                        pod_ent_drop(c, e); /* a new pod under the old name */
                        e = NULL;
                } else if (!assumed &&
                           (e->pod == pod ||
                            (rv && streq(rv, jstr(e->pod, "metadata.resourceVersion"))))) {
                        return; /* seen (a relist), or our own binding assumed ahead of its echo */
                }
        }
        if (!e) {
                e = xcalloc(1, sizeof(*e));
                e->h.key = xstrdup(key);
                hmap_add(&c->pods, &e->h);
        }
        json_incref(pod);
        json_decref(e->pod);
        e->pod = pod;

        const char *node = jstr(pod, "spec.nodeName");
        bool counts = node && *node && !pod_terminal(pod), wants = wants_scheduling(pod);
        struct sched_res req = {0};
        if (counts || wants)
                sched_pod_requests(pod, &req);
        if (e->node && !(counts && streq(e->node, node) && res_eq(&e->charged, &req))) {
                uncharge(c, e);
                move_all(c); /* room freed (or moved): parked pods may fit now */
        }
        if (counts && !e->node)
                charge(c, e, node, &req);

        if (!wants) {
                dequeue(c, e);
                free(e->sig);
                e->sig = NULL;
                e->attempts = 0;
                return;
        }
        char *sig = pod_sig(pod, &req);
        bool edited = !streq(sig, e->sig);
        free(e->sig);
        e->sig = sig;
        if (e->q == Q_NONE || (e->q == Q_PARKED && edited))
                activate(c, e);
        else if (e->q == Q_INFLIGHT && edited)
                e->requeue = true;
}

static void pod_put_key(struct sched_cache *c, const char *key, json_t *pod)
{
        pod_put(c, key, pod, false);
}

void sched_cache_pod_put(struct sched_cache *c, json_t *pod)
{
        _cleanup_free_ char *key = pod_key(pod);
        pod_put(c, key, pod, false);
}

void sched_cache_pod_delete(struct sched_cache *c, json_t *pod)
{
        _cleanup_free_ char *key = pod_key(pod);
        struct pod_ent *e = (struct pod_ent *)hmap_get(&c->pods, key);
        const char *uid = jstr(pod, "metadata.uid"), *ouid = e ? jstr(e->pod, "metadata.uid") : NULL;
        if (e && !(uid && ouid && !streq(uid, ouid)))
                pod_ent_drop(c, e);
}

static void replace(struct sched_cache *c, struct hmap *m, json_t *fresh,
                    void (*drop)(struct sched_cache *, struct hent *),
                    void (*put)(struct sched_cache *, const char *, json_t *))
{
        size_t n = 0;
        struct hent **gone = xcalloc(m->n + 1, sizeof(*gone));
        for (size_t i = 0; i < m->nb; i++)
                for (struct hent *e = m->b[i]; e; e = e->next)
                        if (!json_object_get(fresh, e->key))
                                gone[n++] = e;
        for (size_t i = 0; i < n; i++)
                drop(c, gone[i]);
        free(gone);
        const char *k;
        json_t *v;
        json_object_foreach(fresh, k, v) put(c, k, v);
}

static void drop_pod(struct sched_cache *c, struct hent *e)
{
        pod_ent_drop(c, (struct pod_ent *)e);
}

void sched_cache_pods_replace(struct sched_cache *c, json_t *fresh)
{
        replace(c, &c->pods, fresh, drop_pod, pod_put_key);
}

/* ---------- nodes ---------- */

static char *node_sig(json_t *node, const struct sched_node *sn)
{
        json_t *parts[] = {jget(node, "metadata.labels"), jget(node, "spec.taints")};
        char *d[ARRAY_SIZE(parts)];
        for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
                d[i] = parts[i] ? json_dumps(parts[i], JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        const char *ready = "";
        json_t *cond;
        size_t i;
        json_array_foreach(jget(node, "status.conditions"), i, cond)
        {
                if (streq(jstr(cond, "type"), "Ready"))
                        ready = jstr(cond, "status") ?: "";
        }
        char *s = xasprintf("%lld %lld %lld %lld %lld|%d|%s|%s|%s", (long long)sn->alloc.cpu_milli,
                            (long long)sn->alloc.mem_milli, (long long)sn->alloc.gpu_milli,
                            (long long)sn->alloc.eph_milli, (long long)sn->alloc.pods,
                            jbool(node, "spec.unschedulable"), ready, d[0] ?: "", d[1] ?: "");
        for (size_t j = 0; j < ARRAY_SIZE(parts); j++)
                free(d[j]);
        return s;
}

static void node_put_key(struct sched_cache *c, const char *name, json_t *node)
{
        struct node_ent *ne = node_ent(c, name, true);
        if (ne->node == node)
                return;
        struct sched_node sn;
        sched_node_init(&sn, node);
        char *sig = node_sig(node, &sn);
        bool changed = !ne->node || !streq(sig, ne->sig);
        json_incref(node);
        json_decref(ne->node);
        ne->node = node;
        ne->alloc = sn.alloc;
        free(ne->sig);
        ne->sig = sig;
        if (changed)
                move_all(c); /* a heartbeat is not a change */
}

void sched_cache_node_put(struct sched_cache *c, json_t *node)
{
        node_put_key(c, jstr(node, "metadata.name") ?: "", node);
}

static void drop_node(struct sched_cache *c, struct hent *h)
{
        struct node_ent *ne = (struct node_ent *)h;
        json_decref(ne->node);
        ne->node = NULL;
        free(ne->sig);
        ne->sig = NULL;
        node_ent_maybe_drop(c, ne);
}

void sched_cache_node_delete(struct sched_cache *c, json_t *node)
{
        struct node_ent *ne = node_ent(c, jstr(node, "metadata.name") ?: "", false);
        if (ne)
                drop_node(c, &ne->h);
}

static void drop_node_if_object(struct sched_cache *c, struct hent *h)
{
        if (((struct node_ent *)h)->node)
                drop_node(c, h);
}

void sched_cache_nodes_replace(struct sched_cache *c, json_t *fresh)
{
        replace(c, &c->nodes, fresh, drop_node_if_object, node_put_key);
}

bool sched_cache_node_used(struct sched_cache *c, const char *name, struct sched_res *ret)
{
        struct node_ent *ne = node_ent(c, name, false);
        *ret = ne ? ne->used : (struct sched_res){0};
        return ne != NULL;
}

/* ---------- the queue ---------- */

size_t sched_cache_pending(struct sched_cache *c)
{
        return c->active.n + c->parked.n + c->ninflight;
}

bool sched_cache_has_active(struct sched_cache *c)
{
        return c->active.head != NULL;
}

void sched_cache_flush(struct sched_cache *c, int64_t now_ns)
{
        if (now_ns < c->next_due)
                return;
        c->next_due = INT64_MAX;
        for (struct pod_ent *e = c->parked.head, *nx; e; e = nx) {
                nx = e->qnext;
                if (e->retry_at <= now_ns)
                        activate(c, e);
                else if (e->retry_at < c->next_due)
                        c->next_due = e->retry_at;
        }
}

static int cmp_item(const void *a, const void *b)
{
        const struct sched_item *x = a, *y = b;
        int r = strcmp(x->created, y->created);
        return r ? r : strcmp(x->name, y->name);
}

static int cmp_node(const void *a, const void *b)
{
        return strcmp(((const struct sched_node *)a)->name, ((const struct sched_node *)b)->name);
}

void sched_cache_pop(struct sched_cache *c, struct sched_batch *ret)
{
        *ret = (struct sched_batch){.seq = c->move_seq};
        ret->items = xcalloc(c->active.n + 1, sizeof(*ret->items));
        while (c->active.head) {
                struct pod_ent *e = c->active.head;
                ql_del(&c->active, e);
                e->q = Q_INFLIGHT;
                e->requeue = false;
                c->ninflight++;
                struct sched_item *it = &ret->items[ret->nitems++];
                it->pod = json_incref(e->pod);
                it->key = xstrdup(e->h.key);
                it->sig = xstrdup(e->sig);
                it->created = jstr(e->pod, "metadata.creationTimestamp") ?: "";
                it->name = jstr(e->pod, "metadata.name") ?: "";
        }
        qsort(ret->items, ret->nitems, sizeof(*ret->items), cmp_item);
        ret->nodes = xcalloc(c->nodes.n + 1, sizeof(*ret->nodes));
        for (size_t i = 0; i < c->nodes.nb; i++) {
                for (struct hent *h = c->nodes.b[i]; h; h = h->next) {
                        struct node_ent *ne = (struct node_ent *)h;
                        if (!ne->node)
                                continue;
                        struct sched_node *sn = &ret->nodes[ret->nnodes++];
                        /* name from the node object: the batch holds it, not the entry */
                        *sn = (struct sched_node){.node = json_incref(ne->node),
                                                  .name = jstr(ne->node, "metadata.name") ?: "",
                                                  .alloc = ne->alloc,
                                                  .used = ne->used};
                }
        }
        qsort(ret->nodes, ret->nnodes, sizeof(*ret->nodes), cmp_node);
}

void sched_batch_release(struct sched_batch *b)
{
        for (size_t i = 0; i < b->nitems; i++) {
                json_decref(b->items[i].pod);
                free(b->items[i].key);
                free(b->items[i].sig);
        }
        for (size_t i = 0; i < b->nnodes; i++)
                json_decref(b->nodes[i].node);
        free(b->items);
        free(b->nodes);
        *b = (struct sched_batch){0};
}

void sched_cache_done(struct sched_cache *c, const struct sched_batch *b,
                      const struct sched_item *it, enum sched_outcome o, const char *node,
                      int64_t now_ns)
{
        struct pod_ent *e = (struct pod_ent *)hmap_get(&c->pods, it->key);
        if (!e || !streq(jstr(e->pod, "metadata.uid") ?: "", jstr(it->pod, "metadata.uid") ?: ""))
                return; /* deleted (or replaced) meanwhile */
        if (o == SCHED_BOUND) {
                const char *cur = jstr(e->pod, "spec.nodeName");
                e->attempts = 0;
                if (cur && *cur)
                        return; /* the watch was faster */
                /* assume the binding until the watch echoes it, as upstream does */
                json_t *p = json_deep_copy(e->pod);
                jset_str(jobj(p, "spec"), "nodeName", node);
                pod_put(c, it->key, p, true);
                json_decref(p);
                return;
        }
        if (e->q != Q_INFLIGHT)
                return; /* bound, deleted or terminal meanwhile */
        e->attempts++;
        if (o == SCHED_UNSCHEDULABLE) {
                if (e->requeue || c->move_seq != b->seq)
                        activate(c, e);
                else
                        park(c, e, now_ns + SCHED_UNSCHEDULABLE_FLUSH_NS);
                return;
        }
        int64_t d = SCHED_BACKOFF_BASE_NS;
        for (int i = 1; i < e->attempts && d < SCHED_BACKOFF_MAX_NS; i++)
                d *= 2;
        park(c, e, now_ns + (d < SCHED_BACKOFF_MAX_NS ? d : SCHED_BACKOFF_MAX_NS));
}

struct sched_cache *sched_cache_new(void)
{
        struct sched_cache *c = xcalloc(1, sizeof(*c));
        c->next_due = INT64_MAX;
        return c;
}

void sched_cache_free(struct sched_cache *c)
{
        if (!c)
                return;
        for (size_t i = 0; i < c->pods.nb; i++) {
                for (struct hent *h = c->pods.b[i], *nx; h; h = nx) {
                        nx = h->next;
                        struct pod_ent *e = (struct pod_ent *)h;
                        json_decref(e->pod);
                        free(e->node);
                        free(e->sig);
                        free(e->h.key);
                        free(e);
                }
        }
        for (size_t i = 0; i < c->nodes.nb; i++) {
                for (struct hent *h = c->nodes.b[i], *nx; h; h = nx) {
                        nx = h->next;
                        node_ent_free((struct node_ent *)h);
                }
        }
        free(c->pods.b);
        free(c->nodes.b);
        free(c);
}

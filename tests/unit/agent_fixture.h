/* agent_fixture.h — helpers shared by the agent's unit tests (test_agent.c with the fake
 * runtime, test_agent_crun.c with real crun): small API calls through the agent's own HTTP
 * client and polling a pod until a predicate holds.  The including file defines
 * `static struct hc *hc;` and WAIT_POD_SECONDS first. */
#ifndef JOBD_AGENT_FIXTURE_H
#define JOBD_AGENT_FIXTURE_H

static json_t *J(const char *s)
{
        json_error_t e;
        json_t *j = json_loads(s, 0, &e);
        if (!j)
                fprintf(stderr, "bad json: %s\n", e.text);
        return j;
}

static json_t *get(const char *path)
{
        struct hresp r;
        if (hc_request(hc, "GET", path, NULL, NULL, NULL, &r) < 0 || r.code != 200) {
                hresp_release(&r);
                return NULL;
        }
        return r.body;
}

static _unused_ int post(const char *path, const char *body)
{
        json_t *b = J(body);
        struct hresp r;
        int e = hc_request(hc, "POST", path, NULL, b, NULL, &r);
        int code = e < 0 ? e : r.code;
        hresp_release(&r);
        json_decref(b);
        return code;
}

typedef bool (*pod_pred)(json_t *pod);

/* Poll the pod until pred holds (or 15 s pass); returns the pod (owned) or NULL. */
static json_t *wait_pod(const char *name, pod_pred pred)
{
        char *path = xasprintf("/api/v1/namespaces/default/pods/%s", name);
        int64_t deadline = clock_mono_ns() + WAIT_POD_SECONDS * 1000000000LL;
        json_t *pod = NULL;
        while (clock_mono_ns() < deadline) {
                json_decref(pod);
                pod = get(path);
                if (pred(pod))
                        break;
                usleep(20 * 1000);
        }
        free(path);
        if (!pred(pod)) {
                char *s = pod ? json_dumps(pod, JSON_INDENT(1)) : NULL;
                fprintf(stderr, "  pod %s never reached the expected state:\n%s\n", name,
                        s ? s : "(absent)");
                free(s);
                json_decref(pod);
                return NULL;
        }
        return pod;
}

static _unused_ bool succeeded(json_t *p)
{
        return streq(jstr(p, "status.phase"), "Succeeded");
}
static _unused_ bool failed(json_t *p)
{
        return streq(jstr(p, "status.phase"), "Failed");
}
static _unused_ bool running(json_t *p)
{
        return streq(jstr(p, "status.phase"), "Running");
}
static _unused_ bool absent(json_t *p)
{
        return p == NULL;
}
static _unused_ bool restarted_twice(json_t *p)
{
        int64_t n = 0;
        jint(json_array_get(jget(p, "status.containerStatuses"), 0), "restartCount", &n);
        return n >= 2;
}
static _unused_ bool unschedulable(json_t *p)
{
        json_t *c;
        size_t i;
        json_array_foreach(jget(p, "status.conditions"), i, c) if (streq(jstr(c, "type"), "PodScheduled") &&
                                                                  streq(jstr(c, "status"), "False"))
                return true;
        return false;
}

#endif

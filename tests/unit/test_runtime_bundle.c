/* test_runtime_bundle.c — config.json generation: Kubernetes' command/args/Entrypoint/Cmd
 * rules, $(VAR) expansion, env merging, workingDir, user, cgroup limits, capabilities,
 * the security defaults of security-baseline.md, and privileged mode. */
#include "harness.h"
#include "runtime/bundle.h"

static json_t *J(const char *s)
{
        json_error_t e;
        json_t *j = json_loads(s, 0, &e);
        if (!j)
                fprintf(stderr, "bad json: %s: %s\n", e.text, s);
        return j;
}

static char *args_of(const char *ctr, const char *img, const char *env)
{
        json_t *c = J(ctr), *i = J(img), *e = J(env ? env : "[]");
        json_t *a = bundle_argv(c, i, e);
        char *s = json_dumps(a, JSON_COMPACT);
        json_decref(a);
        json_decref(c);
        json_decref(i);
        json_decref(e);
        return s;
}

TEST(argv_rules)
{
        const char *img = "{\"Entrypoint\":[\"/ep\",\"x\"],\"Cmd\":[\"def\"]}";
        char *s = args_of("{}", img, NULL);
        CHECK_STR(s, "[\"/ep\",\"x\",\"def\"]");
        free(s);
        s = args_of("{\"args\":[\"a\",\"b\"]}", img, NULL);
        CHECK_STR(s, "[\"/ep\",\"x\",\"a\",\"b\"]");
        free(s);
        s = args_of("{\"command\":[\"/bin/sh\"]}", img, NULL);
        CHECK_STR(s, "[\"/bin/sh\"]");
        free(s);
        s = args_of("{\"command\":[\"/bin/sh\"],\"args\":[\"-c\",\"true\"]}", img, NULL);
        CHECK_STR(s, "[\"/bin/sh\",\"-c\",\"true\"]");
        free(s);
        s = args_of("{}", "{\"Cmd\":[\"sh\"]}", NULL);
        CHECK_STR(s, "[\"sh\"]");
        free(s);
}

TEST(var_expansion)
{
        char *s = args_of("{\"command\":[\"echo\",\"$(A)-$(B)-$$(A)-$(MISSING)-$(A\"]}", "{}",
                          "[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"two\"}]");
        CHECK_STR(s, "[\"echo\",\"1-two-$(A)-$(MISSING)-$(A\"]");
        free(s);
        /* image Entrypoint is never expanded, args are */
        s = args_of("{\"args\":[\"$(A)\"]}", "{\"Entrypoint\":[\"$(A)\"]}",
                    "[{\"name\":\"A\",\"value\":\"1\"}]");
        CHECK_STR(s, "[\"$(A)\",\"1\"]");
        free(s);
}

TEST(env_merge)
{
        json_t *img = J("{\"Env\":[\"PATH=/bin\",\"A=img\",\"B=img\"]}");
        json_t *env = J("[{\"name\":\"B\",\"value\":\"pod\"},{\"name\":\"C\",\"value\":\"c=d\"}]");
        json_t *e = bundle_env(img, env, "h1");
        char *s = json_dumps(e, JSON_COMPACT);
        CHECK_STR(s, "[\"PATH=/bin\",\"A=img\",\"B=pod\",\"HOSTNAME=h1\",\"C=c=d\"]");
        free(s);
        json_decref(e);
        json_decref(img);
        json_decref(env);
}

static json_t *config(const char *pod, const char *ctr, char *err)
{
        json_t *p = J(pod), *c = J(ctr), *env = json_array();
        json_t *img = J("{\"Entrypoint\":[\"sh\"],\"WorkingDir\":\"/img\",\"User\":\"1000:1001\"}");
        struct bundle_in in = {.pod = p, .container = c, .image_config = img, .env = env,
                               .rootfs = "/r", .hostname = "pod1", .netns_path = "/run/ns1",
                               .cgroup_path = "/jobd/x"};
        json_t *cfg = bundle_config(&in, err, 256);
        json_decref(p);
        json_decref(c);
        json_decref(img);
        json_decref(env);
        return cfg;
}

static bool has_str(json_t *arr, const char *s)
{
        json_t *x;
        size_t i;
        json_array_foreach(arr, i, x) if (streq(json_string_value(x), s)) return true;
        return false;
}

TEST(defaults_are_the_baseline)
{
        char err[256];
        json_t *cfg = config("{\"spec\":{}}", "{\"name\":\"c\"}", err);
        CHECK(cfg != NULL);
        json_t *caps = jget(cfg, "process.capabilities.bounding");
        CHECK_INT(json_array_size(caps), 9);
        CHECK(has_str(caps, "CAP_CHOWN") && has_str(caps, "CAP_KILL"));
        CHECK(!has_str(caps, "CAP_NET_RAW") && !has_str(caps, "CAP_SYS_ADMIN") &&
              !has_str(caps, "CAP_MKNOD"));
        CHECK(jget(cfg, "process.capabilities.inheritable") == NULL);
        CHECK(jget(cfg, "process.capabilities.ambient") == NULL);
        CHECK(jbool(cfg, "process.noNewPrivileges"));
        CHECK(has_str(jget(cfg, "linux.maskedPaths"), "/proc/kcore"));
        CHECK(has_str(jget(cfg, "linux.readonlyPaths"), "/proc/sys"));
        json_t *sc = json_array_get(jget(cfg, "linux.seccomp.syscalls"), 0);
        CHECK(has_str(jget(sc, "names"), "mount") && has_str(jget(sc, "names"), "init_module"));
        int64_t v = 0;
        CHECK(jint(cfg, "linux.resources.pids.limit", &v) && v == 4096);
        CHECK(jint(cfg, "linux.resources.cpu.shares", &v) && v == 2);
        CHECK(jget(cfg, "linux.resources.memory") == NULL);
        CHECK_STR(jstr(cfg, "process.cwd"), "/img");
        CHECK(jint(cfg, "process.user.uid", &v) && v == 1000);
        CHECK(jint(cfg, "process.user.gid", &v) && v == 1001);
        CHECK_STR(jstr(cfg, "hostname"), "pod1");
        CHECK_STR(jstr(cfg, "linux.cgroupsPath"), "/jobd/x");
        bool netns = false, cgroupns = false;
        json_t *ns;
        size_t i;
        json_array_foreach(jget(cfg, "linux.namespaces"), i, ns)
        {
                netns |= streq(jstr(ns, "type"), "network") && streq(jstr(ns, "path"), "/run/ns1");
                cgroupns |= streq(jstr(ns, "type"), "cgroup");
        }
        CHECK(netns && cgroupns);
        json_decref(cfg);
}

TEST(resources_to_cgroup_limits)
{
        char err[256];
        json_t *cfg = config("{\"spec\":{}}",
                             "{\"name\":\"c\",\"resources\":{\"requests\":{\"cpu\":\"250m\"},"
                             "\"limits\":{\"cpu\":\"1500m\",\"memory\":\"64Mi\"}}}",
                             err);
        int64_t v = 0;
        CHECK(jint(cfg, "linux.resources.cpu.shares", &v) && v == 256);
        CHECK(jint(cfg, "linux.resources.cpu.quota", &v) && v == 150000);
        CHECK(jint(cfg, "linux.resources.cpu.period", &v) && v == 100000);
        CHECK(jint(cfg, "linux.resources.memory.limit", &v) && v == 64LL * 1024 * 1024);
        CHECK(jint(cfg, "linux.resources.memory.swap", &v) && v == 64LL * 1024 * 1024);
        json_decref(cfg);
        /* limits only: requests default to limits */
        cfg = config("{\"spec\":{}}", "{\"name\":\"c\",\"resources\":{\"limits\":{\"cpu\":\"2\"}}}", err);
        CHECK(jint(cfg, "linux.resources.cpu.shares", &v) && v == 2048);
        json_decref(cfg);
}

TEST(security_context)
{
        char err[256];
        json_t *cfg = config("{\"spec\":{\"securityContext\":{\"runAsUser\":5,\"runAsGroup\":6,"
                             "\"supplementalGroups\":[7],\"fsGroup\":8}}}",
                             "{\"name\":\"c\",\"workingDir\":\"/w\",\"securityContext\":{"
                             "\"runAsUser\":9,\"readOnlyRootFilesystem\":true,"
                             "\"allowPrivilegeEscalation\":true,\"capabilities\":{\"add\":[\"NET_RAW\","
                             "\"CAP_SYS_TIME\"],\"drop\":[\"KILL\"]}}}",
                             err);
        int64_t v = 0;
        CHECK(jint(cfg, "process.user.uid", &v) && v == 9);
        CHECK(jint(cfg, "process.user.gid", &v) && v == 6);
        CHECK_INT(json_array_size(jget(cfg, "process.user.additionalGids")), 2);
        CHECK(jbool(cfg, "root.readonly"));
        CHECK(!jbool(cfg, "process.noNewPrivileges"));
        CHECK_STR(jstr(cfg, "process.cwd"), "/w");
        json_t *caps = jget(cfg, "process.capabilities.effective");
        CHECK(has_str(caps, "CAP_NET_RAW") && has_str(caps, "CAP_SYS_TIME"));
        CHECK(!has_str(caps, "CAP_KILL"));
        CHECK_INT(json_array_size(caps), 10);
        json_decref(cfg);

        cfg = config("{\"spec\":{}}", "{\"name\":\"c\",\"securityContext\":{\"capabilities\":{\"drop\":[\"ALL\"]}}}", err);
        CHECK_INT(json_array_size(jget(cfg, "process.capabilities.bounding")), 0);
        json_decref(cfg);

        CHECK(config("{\"spec\":{}}", "{\"name\":\"c\",\"securityContext\":{\"capabilities\":{\"add\":[\"BOGUS\"]}}}", err) == NULL);
        CHECK_STR(err, "unknown capability \"BOGUS\"");
}

TEST(privileged)
{
        char err[256];
        json_t *cfg = config("{\"spec\":{}}", "{\"name\":\"c\",\"securityContext\":{\"privileged\":true}}", err);
        CHECK_INT(json_array_size(jget(cfg, "process.capabilities.bounding")), 41);
        CHECK(jget(cfg, "linux.seccomp") == NULL);
        CHECK(jget(cfg, "linux.maskedPaths") == NULL);
        CHECK(!jbool(cfg, "process.noNewPrivileges"));
        CHECK(jbool(json_array_get(jget(cfg, "linux.resources.devices"), 0), "allow"));
        json_decref(cfg);
}

TEST(cap_bound_filters)
{
        char err[256];
        json_t *p = J("{\"spec\":{}}"), *c = J("{\"name\":\"c\",\"securityContext\":{\"privileged\":true}}");
        json_t *env = json_array(), *img = J("{\"Cmd\":[\"sh\"]}");
        struct bundle_in in = {.pod = p, .container = c, .image_config = img, .env = env,
                               .rootfs = "/r", .cap_bound = 0x1ffffffffffULL & ~(1ULL << 24)};
        json_t *cfg = bundle_config(&in, err, sizeof(err));
        CHECK_INT(json_array_size(jget(cfg, "process.capabilities.bounding")), 40);
        CHECK(!has_str(jget(cfg, "process.capabilities.bounding"), "CAP_SYS_RESOURCE"));
        json_decref(cfg);
        json_decref(p);
        json_decref(c);
        json_decref(env);
        json_decref(img);
}

TEST(host_network_shares_uts)
{
        json_t *p = J("{\"spec\":{\"hostNetwork\":true}}"), *c = J("{\"name\":\"c\"}");
        json_t *env = json_array(), *img = J("{\"Cmd\":[\"sh\"]}");
        char err[256];
        struct bundle_in in = {.pod = p, .container = c, .image_config = img, .env = env,
                               .rootfs = "/r", .hostname = "h", .host_network = true};
        json_t *cfg = bundle_config(&in, err, sizeof(err));
        CHECK(jget(cfg, "hostname") == NULL);
        json_t *ns;
        size_t i;
        bool net = false, uts = false;
        json_array_foreach(jget(cfg, "linux.namespaces"), i, ns)
        {
                net |= streq(jstr(ns, "type"), "network");
                uts |= streq(jstr(ns, "type"), "uts");
        }
        CHECK(!net && !uts);
        json_decref(cfg);
        json_decref(p);
        json_decref(c);
        json_decref(env);
        json_decref(img);
}

TEST(no_command_is_an_error)
{
        char err[256];
        json_t *p = J("{\"spec\":{}}"), *c = J("{\"name\":\"c\"}"), *env = json_array(), *img = J("{}");
        struct bundle_in in = {.pod = p, .container = c, .image_config = img, .env = env, .rootfs = "/r"};
        CHECK(bundle_config(&in, err, sizeof(err)) == NULL);
        CHECK_STR(err, "no command specified");
        json_decref(p);
        json_decref(c);
        json_decref(env);
        json_decref(img);
}

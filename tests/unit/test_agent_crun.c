/* test_agent_crun.c — real containers: the agent with crun under conmon, busybox built
 * offline by scripts/build-images.sh, in-process API server and scheduler.  Exit codes,
 * OOM kills, volumes and env, capabilities, deletion within the grace period, and an agent
 * restart that re-adopts a running container.  Skipped (0 tests) without root, crun or
 * conmon.  Waits poll with deadlines; nothing sleeps to synchronise. */
#include <arpa/inet.h>
#include <dirent.h>
#include <sys/stat.h>
#include "harness.h"
#include "agent/agent.h"
#include "api/api.h"
#include "api/client.h"
#include "api/server.h"
#include "base/log.h"
#include "base/util.h"
#include "client/http.h"
#include "image/safepath.h"
#include "scheduler/scheduler.h"
#include "store/store.h"

#define WAIT_POD_SECONDS 30LL
#include "agent_fixture.h"

static void ensure_up(void)
{
        fixture_up("crun", true);
}

static char *agent_logs_c(const char *pod, const char *ctr, const char *query)
{
        json_t *node = get("/api/v1/nodes/test-node");
        int64_t port = 0;
        jint(node, "status.daemonEndpoints.kubeletEndpoint.Port", &port);
        json_decref(node);
        char *path = xasprintf("/containerLogs/default/%s/%s", pod, ctr);
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
        char *out = NULL;
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
                char *req = xasprintf("GET %s?%s HTTP/1.0\r\n\r\n", path, query ? query : "");
                if (write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
                        struct buf b;
                        buf_init(&b, 1 << 20);
                        char tmp[4096];
                        ssize_t n;
                        while ((n = read(fd, tmp, sizeof(tmp))) > 0)
                                if (buf_append(&b, tmp, (size_t)n) < 0)
                                        break;
                        char *body = b.data ? strstr(b.data, "\r\n\r\n") : NULL;
                        out = xstrdup(body ? body + 4 : "");
                        buf_release(&b);
                }
                free(req);
        }
        close(fd);
        free(path);
        return out;
}

static char *agent_logs(const char *pod, const char *query)
{
        return agent_logs_c(pod, "c", query);
}

static bool available(void)
{
        return geteuid() == 0 && access("/usr/bin/crun", X_OK) == 0 &&
               access("/usr/bin/conmon", X_OK) == 0 && access("/bin/busybox", X_OK) == 0;
}

#define POD(name, policy, extra_spec, ctr)                                                         \
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" name "\"},"          \
        "\"spec\":{\"restartPolicy\":\"" policy "\"," extra_spec "\"containers\":[{\"name\":\"c\"," \
        "\"image\":\"busybox\",\"imagePullPolicy\":\"IfNotPresent\"," ctr "}]}}"

static int create(const char *body)
{
        return post("/api/v1/namespaces/default/pods", body);
}

static int64_t exit_code(json_t *p)
{
        int64_t code = -1;
        jint(json_array_get(jget(p, "status.containerStatuses"), 0), "state.terminated.exitCode", &code);
        return code;
}

static const char *term_reason(json_t *p)
{
        return jstr(json_array_get(jget(p, "status.containerStatuses"), 0), "state.terminated.reason");
}

TEST(crun_echo_exit_codes_and_logs)
{
        if (!available())
                return;
        ensure_up();
        CHECK_INT(create(POD("hello", "Never", "",
                             "\"command\":[\"sh\",\"-c\",\"echo out; echo err >&2; echo -n part\"]")),
                  201);
        CHECK_INT(create(POD("three", "Never", "", "\"command\":[\"sh\",\"-c\",\"exit 3\"]")), 201);
        json_t *p = wait_pod("hello", succeeded);
        CHECK(p != NULL);
        CHECK_INT(exit_code(p), 0);
        CHECK_STR(term_reason(p), "Completed");
        json_decref(p);
        char *logs = agent_logs("hello", NULL);
        CHECK(logs && strstr(logs, "out\n") && strstr(logs, "err\n") && strstr(logs, "part"));
        free(logs);
        logs = agent_logs("hello", "tailLines=1");
        CHECK(logs && !strstr(logs, "out\n"));
        free(logs);
        p = wait_pod("three", failed);
        CHECK(p != NULL);
        CHECK_INT(exit_code(p), 3);
        CHECK_STR(term_reason(p), "Error");
        json_decref(p);
}

TEST(crun_memory_limit_oomkills)
{
        if (!available())
                return;
        ensure_up();
        CHECK_INT(create(POD("hog", "Never", "",
                             "\"resources\":{\"limits\":{\"memory\":\"16Mi\"}},"
                             "\"command\":[\"sh\",\"-c\",\"a=xxxxxxxxxxxxxxxx; while true; do a=$a$a; done\"]")),
                  201);
        json_t *p = wait_pod("hog", failed);
        CHECK(p != NULL);
        CHECK_INT(exit_code(p), 137);
        CHECK_STR(term_reason(p), "OOMKilled");
        json_decref(p);
}

TEST(crun_volumes_env_workdir)
{
        if (!available())
                return;
        ensure_up();
        CHECK_INT(post("/api/v1/namespaces/default/configmaps",
                       "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"files\"},"
                       "\"data\":{\"greeting\":\"hi from cm\",\"other\":\"x\"}}"),
                  201);
        CHECK_INT(post("/api/v1/namespaces/default/secrets",
                       "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"creds\"},"
                       "\"data\":{\"token\":\"dG9wc2VjcmV0\"}}"),
                  201);
        char *hp = xasprintf("%s/hostdir", data_dir);
        mkdir(hp, 0755);
        char *hf = xasprintf("%s/hostdir/file", data_dir);
        FILE *f = fopen(hf, "we");
        fputs("from host\n", f);
        fclose(f);
        char *body = xasprintf(
                POD("vols", "Never",
                    "\"volumes\":[{\"name\":\"cm\",\"configMap\":{\"name\":\"files\",\"items\":[{\"key\":"
                    "\"greeting\",\"path\":\"sub/hello.txt\"}]}},{\"name\":\"sec\",\"secret\":{"
                    "\"secretName\":\"creds\",\"defaultMode\":256}},{\"name\":\"scratch\",\"emptyDir\":{}},"
                    "{\"name\":\"mem\",\"emptyDir\":{\"medium\":\"Memory\"}},{\"name\":\"host\",\"hostPath\":"
                    "{\"path\":\"%s\",\"type\":\"Directory\"}},{\"name\":\"dapi\",\"downwardAPI\":{\"items\":"
                    "[{\"path\":\"name\",\"fieldRef\":{\"fieldPath\":\"metadata.name\"}}]}}],",
                    "\"workingDir\":\"/work\",\"env\":[{\"name\":\"TOKEN\",\"valueFrom\":{\"secretKeyRef\":{"
                    "\"name\":\"creds\",\"key\":\"token\"}}}],"
                    "\"volumeMounts\":[{\"name\":\"cm\",\"mountPath\":\"/cfg\"},{\"name\":\"sec\","
                    "\"mountPath\":\"/sec\",\"readOnly\":true},{\"name\":\"scratch\",\"mountPath\":\"/work\"},"
                    "{\"name\":\"scratch\",\"mountPath\":\"/sub\",\"subPath\":\"deep/er\"},{\"name\":\"mem\","
                    "\"mountPath\":\"/mem\"},{\"name\":\"host\",\"mountPath\":\"/host\",\"readOnly\":true},"
                    "{\"name\":\"dapi\",\"mountPath\":\"/dapi\"}],"
                    "\"command\":[\"sh\",\"-c\",\"cat /cfg/sub/hello.txt; echo; cat /sec/token; echo; "
                    "stat -c %%a /sec/token; pwd; echo $TOKEN; cat /host/file; cat /dapi/name; echo; "
                    "touch /sub/x && echo subok; (touch /host/y 2>/dev/null && echo hostrw) || echo hostro; "
                    "grep ' /mem ' /proc/mounts | cut -d' ' -f3\"]"),
                hp);
        CHECK_INT(create(body), 201);
        free(body);
        json_t *p = wait_pod("vols", succeeded);
        CHECK(p != NULL);
        json_decref(p);
        char *logs = agent_logs("vols", NULL);
        CHECK(logs && strstr(logs, "hi from cm\ntopsecret\n400\n/work\ntopsecret\nfrom host\nvols\n"
                                   "subok\nhostro\ntmpfs\n"));
        if (logs && !strstr(logs, "hi from cm\ntopsecret"))
                fprintf(stderr, "  logs: %s\n", logs);
        free(logs);
        char *sub = xasprintf("%s/agent/pods", data_dir);
        free(sub);
        free(hp);
        free(hf);
}

TEST(crun_privileges)
{
        if (!available())
                return;
        ensure_up();
        CHECK_INT(create(POD("unpriv", "Never", "",
                             "\"command\":[\"sh\",\"-c\",\"mkdir -p /mnt; mount -t tmpfs none /mnt 2>/dev/null && echo mounted "
                             "|| echo denied; ping -c1 -W1 127.0.0.1 >/dev/null 2>&1 && echo raw || echo noraw\"]")),
                  201);
        CHECK_INT(create(POD("priv", "Never", "",
                             "\"securityContext\":{\"privileged\":true},"
                             "\"command\":[\"sh\",\"-c\",\"mkdir -p /mnt; mount -t tmpfs none /mnt 2>/dev/null && echo mounted "
                             "|| echo denied\"]")),
                  201);
        CHECK_INT(create(POD("rawcap", "Never", "",
                             "\"securityContext\":{\"capabilities\":{\"add\":[\"NET_RAW\"]}},"
                             "\"command\":[\"sh\",\"-c\",\"ping -c1 -W1 127.0.0.1 >/dev/null 2>&1 && echo raw || "
                             "echo noraw\"]")),
                  201);
        CHECK_INT(create(POD("rawdrop", "Never", "",
                             "\"securityContext\":{\"capabilities\":{\"add\":[\"NET_RAW\"],\"drop\":[\"NET_RAW\"]}},"
                             "\"command\":[\"sh\",\"-c\",\"ping -c1 -W1 127.0.0.1 >/dev/null 2>&1 && echo raw || "
                             "echo noraw\"]")),
                  201);
        const char *names[] = {"unpriv", "priv", "rawcap", "rawdrop"};
        const char *want[] = {"denied\nnoraw\n", "mounted\n", "raw\n", "noraw\n"};
        for (int i = 0; i < 4; i++) {
                json_t *p = wait_pod(names[i], succeeded);
                CHECK(p != NULL);
                json_decref(p);
                char *logs = agent_logs(names[i], NULL);
                CHECK(logs && streq(logs, want[i]));
                if (!logs || !streq(logs, want[i]))
                        fprintf(stderr, "  %s: %s\n", names[i], logs ? logs : "(null)");
                free(logs);
        }
}

TEST(crun_delete_within_grace)
{
        if (!available())
                return;
        ensure_up();
        CHECK_INT(create(POD("sleeper", "Never", "\"terminationGracePeriodSeconds\":1,",
                             "\"command\":[\"sleep\",\"300\"]")),
                  201);
        json_t *p = wait_pod("sleeper", running);
        CHECK(p != NULL);
        char *dir = p ? xasprintf("%s/agent/pods/%s", data_dir, jstr(p, "metadata.uid")) : NULL;
        json_decref(p);
        struct hresp r;
        CHECK(hc_request(hc, "DELETE", "/api/v1/namespaces/default/pods/sleeper", NULL, NULL, NULL, &r) == 0);
        hresp_release(&r);
        int64_t t0 = clock_mono_ns();
        p = wait_pod("sleeper", absent);
        CHECK(clock_mono_ns() - t0 < 6LL * 1000000000LL);
        CHECK(dir && access(dir, F_OK) != 0);
        free(dir);
}

TEST(crun_agent_restart_readopts)
{
        if (!available())
                return;
        ensure_up();
        CHECK_INT(create(POD("survivor", "Never", "",
                             "\"command\":[\"sh\",\"-c\",\"sleep 2; echo done; exit 7\"]")),
                  201);
        json_t *p = wait_pod("survivor", running);
        CHECK(p != NULL);
        json_decref(p);
        agent_stop();
        /* the container keeps running without the agent */
        struct agent_config cfg = saved_cfg;
        CHECK_INT(agent_start(&cfg), 0);
        p = wait_pod("survivor", failed);
        CHECK(p != NULL);
        CHECK_INT(exit_code(p), 7);
        int64_t restarts = -1;
        jint(json_array_get(jget(p, "status.containerStatuses"), 0), "restartCount", &restarts);
        CHECK_INT(restarts, 0);
        json_decref(p);
        char *logs = agent_logs("survivor", NULL);
        CHECK(logs && streq(logs, "done\n"));
        free(logs);
}

TEST(crun_image_never_pull)
{
        if (!available())
                return;
        ensure_up();
        CHECK_INT(post("/api/v1/namespaces/default/pods",
                       "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"noimg\"},"
                       "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nosuch\",\"imagePullPolicy\":"
                       "\"Never\"}]}}"),
                  201);
        bool ok = false;
        for (int i = 0; i < 500 && !ok; i++) {
                json_t *q = get("/api/v1/namespaces/default/pods/noimg");
                json_t *cs = json_array_get(jget(q, "status.containerStatuses"), 0);
                ok = streq(jstr(cs, "state.waiting.reason"), "ErrImageNeverPull") &&
                     streq(jstr(q, "status.phase"), "Pending");
                json_decref(q);
                if (!ok)
                        usleep(20 * 1000);
        }
        CHECK(ok);
}

TEST(crun_cpu_limit_throttles)
{
        if (!available())
                return;
        ensure_up();
        CHECK_INT(create(POD("spin", "Never", "",
                             "\"resources\":{\"limits\":{\"cpu\":\"10m\"}},"
                             "\"command\":[\"sh\",\"-c\",\"timeout 1 sh -c 'while :; do :; done'; "
                             "grep nr_throttled /sys/fs/cgroup/cpu/cpu.stat || "
                             "grep nr_throttled /sys/fs/cgroup/cpu,cpuacct/cpu.stat\"]")),
                  201);
        json_t *p = wait_pod("spin", succeeded);
        CHECK(p != NULL);
        json_decref(p);
        char *logs = agent_logs("spin", NULL);
        const char *nt = logs ? strstr(logs, "nr_throttled ") : NULL;
        long n = nt ? strtol(nt + 13, NULL, 10) : 0;
        CHECK(n > 0);
        if (n <= 0)
                fprintf(stderr, "  logs: %s\n", logs ? logs : "(null)");
        free(logs);
}

static bool deadline_exceeded(json_t *p)
{
        return streq(jstr(p, "status.phase"), "Failed") &&
               streq(jstr(p, "status.reason"), "DeadlineExceeded");
}

TEST(crun_active_deadline)
{
        if (!available())
                return;
        ensure_up();
        CHECK_INT(create(POD("deadline", "Never",
                             "\"activeDeadlineSeconds\":1,\"terminationGracePeriodSeconds\":1,",
                             "\"command\":[\"sleep\",\"300\"]")),
                  201);
        json_t *p = wait_pod("deadline", deadline_exceeded);
        CHECK(p != NULL);
        CHECK_STR(jstr(p, "status.message"),
                  "Pod was active on the node longer than the specified deadline");
        json_decref(p);
}

TEST(crun_subpath_symlink_stays_in_volume)
{
        /* CVE-2017-1002101: an init container plants a symlink to / in the volume; the
         * main container's subPath through it must resolve inside the volume */
        if (!available())
                return;
        ensure_up();
        CHECK_INT(post("/api/v1/namespaces/default/pods",
                       "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"escape\"},"
                       "\"spec\":{\"restartPolicy\":\"Never\",\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}}],"
                       "\"initContainers\":[{\"name\":\"plant\",\"image\":\"busybox\",\"imagePullPolicy\":\"IfNotPresent\",\"command\":"
                       "[\"ln\",\"-s\",\"/\",\"/v/escape\"],\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":\"/v\"}]}],"
                       "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"imagePullPolicy\":\"IfNotPresent\",\"command\":[\"sh\",\"-c\","
                       "\"ls /x | wc -l; test -e /x/passwd && echo HOST || echo contained\"],"
                       "\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":\"/x\",\"subPath\":\"escape/etc\"}]}]}}"),
                  201);
        json_t *p = wait_pod("escape", succeeded);
        CHECK(p != NULL);
        json_decref(p);
        char *logs = agent_logs("escape", NULL);
        CHECK(logs && streq(logs, "0\ncontained\n"));
        if (!logs || !streq(logs, "0\ncontained\n"))
                fprintf(stderr, "  logs: %s\n", logs ? logs : "(null)");
        free(logs);
}

TEST(crun_exit_while_agent_down)
{
        if (!available())
                return;
        ensure_up();
        CHECK_INT(create(POD("downtime", "Never", "",
                             "\"command\":[\"sh\",\"-c\",\"sleep 1; echo bye; exit 5\"]")),
                  201);
        json_t *p = wait_pod("downtime", running);
        CHECK(p != NULL);
        json_decref(p);
        agent_stop();
        /* wait until conmon recorded the exit while no agent was running */
        char *exits = xasprintf("%s/agent/runtime/exits", data_dir);
        bool seen = false;
        for (int i = 0; i < 1000 && !seen; i++) {
                DIR *d = opendir(exits);
                struct dirent *de;
                while (d && (de = readdir(d)))
                        seen |= de->d_name[0] != '.';
                if (d)
                        closedir(d);
                if (!seen)
                        usleep(10 * 1000);
        }
        free(exits);
        CHECK(seen);
        struct agent_config cfg = saved_cfg;
        CHECK_INT(agent_start(&cfg), 0);
        p = wait_pod("downtime", failed);
        CHECK(p != NULL);
        CHECK_INT(exit_code(p), 5);
        json_decref(p);
        char *logs = agent_logs("downtime", NULL);
        CHECK(logs && streq(logs, "bye\n"));
        free(logs);
}

TEST(crun_hostpath_types_projected_and_sized_memory)
{
        if (!available())
                return;
        ensure_up();
        char *dir = xasprintf("%s/hp-new/sub", data_dir);
        char *file = xasprintf("%s/hp-file", data_dir);
        char *body = xasprintf(
                POD("hptypes", "Never",
                    "\"volumes\":[{\"name\":\"d\",\"hostPath\":{\"path\":\"%s\",\"type\":\"DirectoryOrCreate\"}},"
                    "{\"name\":\"f\",\"hostPath\":{\"path\":\"%s\",\"type\":\"FileOrCreate\"}},"
                    "{\"name\":\"m\",\"emptyDir\":{\"medium\":\"Memory\",\"sizeLimit\":\"8Mi\"}},"
                    "{\"name\":\"p\",\"projected\":{\"sources\":[{\"configMap\":{\"name\":\"files\",\"items\":"
                    "[{\"key\":\"other\",\"path\":\"cm-other\"}]}},{\"secret\":{\"name\":\"creds\"}},"
                    "{\"downwardAPI\":{\"items\":[{\"path\":\"ns\",\"fieldRef\":{\"fieldPath\":"
                    "\"metadata.namespace\"}}]}}]}}],",
                    "\"volumeMounts\":[{\"name\":\"d\",\"mountPath\":\"/d\"},{\"name\":\"f\",\"mountPath\":\"/f\"},"
                    "{\"name\":\"m\",\"mountPath\":\"/m\"},{\"name\":\"p\",\"mountPath\":\"/p\"}],"
                    "\"command\":[\"sh\",\"-c\",\"echo hi > /d/x && echo d-ok; echo filed > /f && echo f-ok; "
                    "df -k /m | tail -1 | awk '{print $2}'; cat /p/cm-other /p/token /p/ns; echo\"]"),
                dir, file);
        /* configmap "files" and secret "creds" come from crun_volumes_env_workdir; make sure */
        post("/api/v1/namespaces/default/configmaps",
             "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"files\"},"
             "\"data\":{\"greeting\":\"hi from cm\",\"other\":\"x\"}}");
        post("/api/v1/namespaces/default/secrets",
             "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"creds\"},"
             "\"data\":{\"token\":\"dG9wc2VjcmV0\"}}");
        CHECK_INT(create(body), 201);
        free(body);
        json_t *p = wait_pod("hptypes", succeeded);
        CHECK(p != NULL);
        json_decref(p);
        char *logs = agent_logs("hptypes", NULL);
        CHECK(logs && streq(logs, "d-ok\nf-ok\n8192\nxtopsecretdefault\n"));
        if (!logs || !streq(logs, "d-ok\nf-ok\n8192\nxtopsecretdefault\n"))
                fprintf(stderr, "  logs: %s\n", logs ? logs : "(null)");
        free(logs);
        char *x = xasprintf("%s/x", dir);
        CHECK(access(x, F_OK) == 0);
        free(x);
        /* a type that does not match keeps the pod in ContainerCreating with FailedMount */
        body = xasprintf(POD("hpbad", "Never",
                             "\"volumes\":[{\"name\":\"d\",\"hostPath\":{\"path\":\"%s\",\"type\":\"Directory\"}}],",
                             "\"volumeMounts\":[{\"name\":\"d\",\"mountPath\":\"/d\"}],\"command\":[\"true\"]"),
                         file);
        CHECK_INT(create(body), 201);
        free(body);
        bool mount_failed = false;
        for (int i = 0; i < 500 && !mount_failed; i++) {
                json_t *evs = get("/api/v1/namespaces/default/events");
                json_t *e;
                size_t k;
                json_array_foreach(jget(evs, "items"), k, e) mount_failed |=
                        streq(jstr(e, "involvedObject.name"), "hpbad") &&
                        streq(jstr(e, "reason"), "FailedMount") &&
                        strstr(jstr(e, "message") ?: "", "is not a directory") != NULL;
                json_decref(evs);
                if (!mount_failed)
                        usleep(20 * 1000);
        }
        CHECK(mount_failed);
        p = get("/api/v1/namespaces/default/pods/hpbad");
        CHECK_STR(jstr(p, "status.phase"), "Pending");
        json_decref(p);
        free(dir);
        free(file);
}

TEST(crun_containers_share_the_pod_network)
{
        if (!available())
                return;
        ensure_up();
        CHECK_INT(post("/api/v1/namespaces/default/pods",
                       "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"duo\"},"
                       "\"spec\":{\"restartPolicy\":\"Never\",\"containers\":["
                       "{\"name\":\"server\",\"image\":\"busybox\",\"imagePullPolicy\":\"IfNotPresent\",\"command\":[\"sh\",\"-c\","
                       "\"nc -l -p 8080 > /dev/null; echo served\"]},"
                       "{\"name\":\"client\",\"image\":\"busybox\",\"imagePullPolicy\":\"IfNotPresent\",\"command\":[\"sh\",\"-c\","
                       "\"for i in $(seq 1 100); do echo hi | nc 127.0.0.1 8080 && break; sleep 0.1; done; "
                       "hostname\"]}]}}"),
                  201);
        json_t *p = wait_pod("duo", succeeded);
        CHECK(p != NULL);
        json_decref(p);
        char *logs = agent_logs_c("duo", "server", NULL);
        CHECK(logs && streq(logs, "served\n"));
        free(logs);
        logs = agent_logs_c("duo", "client", NULL);
        CHECK(logs && streq(logs, "duo\n"));
        free(logs);
}

static bool succeeded_after_restart(json_t *p)
{
        int64_t n = 0;
        jint(json_array_get(jget(p, "status.containerStatuses"), 0), "restartCount", &n);
        return streq(jstr(p, "status.phase"), "Succeeded") && n == 1;
}

TEST(crun_restart_in_place_after_agent_restart)
{
        /* the second attempt starts under a new agent, whose mount namespace lacks the
         * first agent's pinned network namespace */
        if (!available())
                return;
        ensure_up();
        CHECK_INT(create(POD("phoenix", "OnFailure", "\"volumes\":[{\"name\":\"d\",\"emptyDir\":{}}],",
                             "\"volumeMounts\":[{\"name\":\"d\",\"mountPath\":\"/d\"}],"
                             "\"command\":[\"sh\",\"-c\",\"if [ -f /d/m ]; then ping -c1 -W1 127.0.0.1 >/dev/null "
                             "2>&1; echo again; exit 0; fi; touch /d/m; sleep 1; exit 1\"]")),
                  201);
        json_t *p = wait_pod("phoenix", running);
        CHECK(p != NULL);
        json_decref(p);
        agent_stop();
        struct agent_config cfg = saved_cfg;
        CHECK_INT(agent_start(&cfg), 0);
        p = wait_pod("phoenix", succeeded_after_restart);
        CHECK(p != NULL);
        json_decref(p);
        char *logs = agent_logs("phoenix", NULL);
        CHECK(logs && streq(logs, "again\n"));
        free(logs);
}

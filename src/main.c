/* main.c — the jobd program: `jobd server` (API server + store + controllers).
 *
 * Signals are blocked in every thread and taken synchronously with sigwait() in main, so
 * shutdown is ordinary code: stop accepting, end watches, stop controllers, close the
 * store (whose last commit is already durable). */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <fcntl.h>
#include "agent/agent.h"
#include "api/api.h"
#include "api/client.h"
#include "api/server.h"
#include "base/log.h"
#include "base/util.h"
#include "controller/gc.h"
#include "controller/job_controller.h"
#include "registry/registry.h"
#include "scheduler/scheduler.h"

struct server_opts {
        const char *listen;
        int port;
        const char *data_dir;
        bool disable_agent;
        int64_t backoff_base_ms, backoff_cap_ms, sync_period_ms;
        struct agent_flags agent;
};

static void usage(FILE *f)
{
        fputs("usage: jobd server [options]\n"
              "  --listen ADDR          listen address (default 127.0.0.1; loopback only until TLS)\n"
              "  --port N               port (default 6443; 0 picks a free one)\n"
              "  --data-dir DIR         state directory (default /var/lib/jobd)\n"
              "  --watch-history N      watch events kept for resuming watches (default 20000)\n"
              "  --job-backoff-base MS  pod re-creation backoff base (default 10000)\n"
              "  --job-backoff-cap MS   pod re-creation backoff cap (default 600000)\n"
              "  --job-sync-period MS   how long the Job controller batches pod events (default 100;\n"
              "                         upstream batches for 1000, which caps a Job at about\n"
              "                         parallelism pods per second)\n"
              "  --disable-agent        do not run the embedded node agent\n"
              "  --debug                verbose logging\n"
              "embedded node agent:\n",
              f);
        agent_flags_usage(f);
}

static int write_file_atomic(const char *path, const char *data)
{
        _cleanup_free_ char *tmp = xasprintf("%s.tmp", path);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        size_t n = strlen(data);
        ssize_t w = write(fd, data, n);
        int r = (w == (ssize_t)n && fsync(fd) == 0) ? 0 : -EIO;
        close(fd);
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        return r;
}

static void ensure_namespace(const char *name)
{
        _cleanup_json_ json_t *ns = json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind",
                                              "Namespace", "metadata", "name", name);
        struct kresp r;
        kc_request("POST", "/api/v1/namespaces", NULL, ns, NULL, &r);
        if (r.code != 201 && r.code != 409)
                log_warn("cannot create namespace %s: %d", name, r.code);
        kresp_release(&r);
}

static int cmd_server(int argc, char **argv)
{
        struct server_opts o = {.listen = "127.0.0.1",
                                .port = 6443,
                                .data_dir = "/var/lib/jobd",
                                .backoff_base_ms = 10000,
                                .backoff_cap_ms = 600000,
                                .sync_period_ms = 100};
        static const struct option opts[] = {
                {"listen", required_argument, NULL, 'l'},
                {"port", required_argument, NULL, 'p'},
                {"data-dir", required_argument, NULL, 'd'},
                {"watch-history", required_argument, NULL, 'w'},
                {"job-backoff-base", required_argument, NULL, 'b'},
                {"job-backoff-cap", required_argument, NULL, 'c'},
                {"job-sync-period", required_argument, NULL, 's'},
                {"disable-agent", no_argument, NULL, 'A'},
                AGENT_LONG_OPTIONS,
                {"debug", no_argument, NULL, 'D'},
                {"help", no_argument, NULL, 'h'},
                {NULL, 0, NULL, 0},
        };
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
                int handled = agent_flag(&o.agent, c, optarg, "jobd server");
                if (handled < 0)
                        return 2;
                if (handled)
                        continue;
                switch (c) {
                case 'l':
                        o.listen = optarg;
                        break;
                case 'p':
                        o.port = atoi(optarg);
                        if (o.port < 0 || o.port > 65535) {
                                fprintf(stderr, "jobd: invalid --port %s\n", optarg);
                                return 2;
                        }
                        break;
                case 'd':
                        o.data_dir = optarg;
                        break;
                case 'w':
                        store_history_size = (size_t)strtoull(optarg, NULL, 10);
                        if (store_history_size < 16 || store_history_size > 10000000) {
                                fprintf(stderr, "jobd: --watch-history must be 16..10000000\n");
                                return 2;
                        }
                        break;
                case 'b':
                        o.backoff_base_ms = strtoll(optarg, NULL, 10);
                        break;
                case 'c':
                        o.backoff_cap_ms = strtoll(optarg, NULL, 10);
                        break;
                case 's':
                        o.sync_period_ms = strtoll(optarg, NULL, 10);
                        break;
                case 'A':
                        o.disable_agent = true;
                        break;
                case 'D':
                        log_min_level = LOG_DEBUG;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "jobd server: unexpected argument '%s'\n", argv[optind]);
                return 2;
        }
        int r = mkdir_p(o.data_dir, 0700);
        if (r < 0) {
                log_error("cannot create data dir %s: %s", o.data_dir, strerror(-r));
                return 1;
        }
        /* every thread created from here on inherits the blocked set */
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        signal(SIGPIPE, SIG_IGN);

        _cleanup_free_ char *db = xasprintf("%s/jobd.db", o.data_dir);
        char err[512];
        if ((r = store_open(db, &api.store, err, sizeof(err))) < 0) {
                log_error("%s", err);
                return 1;
        }
        api.data_dir = o.data_dir;
        ensure_namespace("default");
        ensure_namespace("kube-system");
        ensure_namespace("kube-public");
        ensure_namespace("kube-node-lease");
        if ((r = api_server_start(o.listen, (uint16_t)o.port, err, sizeof(err))) < 0) {
                log_error("%s", err);
                store_close(api.store);
                return 1;
        }
        uint16_t port = api_server_port();
        _cleanup_free_ char *kc_path = xasprintf("%s/kubeconfig", o.data_dir);
        _cleanup_free_ char *kc = xasprintf(
                "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: "
                "http://%s:%u\n  name: jobd\ncontexts:\n- context:\n    cluster: jobd\n    "
                "namespace: default\n    user: jobd\n  name: jobd\ncurrent-context: jobd\n"
                "users:\n- name: jobd\n  user: {}\n",
                o.listen, port);
        if ((r = write_file_atomic(kc_path, kc)) < 0)
                log_warn("cannot write %s: %s", kc_path, strerror(-r));
        gc_start(api.store);
        if (o.backoff_base_ms <= 0 || o.backoff_cap_ms < o.backoff_base_ms ||
            o.sync_period_ms < 0) {
                log_error("invalid --job-backoff-base/--job-backoff-cap/--job-sync-period");
                return 2;
        }
        struct job_controller_config jc;
        job_controller_config_default(&jc);
        jc.backoff_base_ns = o.backoff_base_ms * 1000000LL;
        jc.backoff_cap_ns = o.backoff_cap_ms * 1000000LL;
        jc.sync_period_ns = o.sync_period_ms * 1000000LL;
        jc.ttl_propagation = "Foreground";
        if ((r = job_controller_start(&jc)) < 0)
                log_error("job controller failed to start: %s", strerror(-r));
        if ((r = scheduler_start()) < 0)
                log_error("scheduler failed to start: %s", strerror(-r));
        if (!o.disable_agent) {
                const char *host = streq(o.listen, "0.0.0.0") ? "127.0.0.1" : o.listen;
                _cleanup_free_ char *url = xasprintf("http://%s:%u", host, port);
                struct agent_config ac = o.agent.cfg;
                ac.server_url = url;
                ac.data_dir = o.data_dir;
                if (!ac.runtime)
                        ac.runtime = "crun";
                if ((r = agent_start(&ac)) < 0)
                        log_error("the embedded node agent failed to start: %s", strerror(-r));
        }
        log_info("jobd server listening on http://%s:%u, data in %s", o.listen, port,
                 o.data_dir);
        log_info("kubeconfig: %s  (kubectl --kubeconfig %s get jobs)", kc_path, kc_path);
        printf("LISTENING %u\n", port);
        fflush(stdout);
        int sig = 0;
        sigwait(&set, &sig);
        log_info("signal %d: shutting down", sig);
        agent_stop();
        /* end every watch first: HTTP watch threads and controller informers return */
        store_shutdown(api.store);
        api_server_stop();
        job_controller_stop();
        scheduler_stop();
        gc_stop();
        store_close(api.store);
        return 0;
}

int main(int argc, char **argv)
{
        if (argc < 2 || streq(argv[1], "-h") || streq(argv[1], "--help")) {
                fputs("usage: jobd server [options]     run the API server, controllers and the "
                      "embedded node agent\n"
                      "       jobd agent --server URL [options]  a node agent joining a server\n"
                      "       jobd image pull|import|ls|rm|prune ...  manage a node's images\n",
                      argc < 2 ? stderr : stdout);
                return argc < 2 ? 2 : 0;
        }
        if (streq(argv[1], "server"))
                return cmd_server(argc - 1, argv + 1);
        if (streq(argv[1], "agent"))
                return agent_main(argc - 1, argv + 1);
        if (streq(argv[1], "image")) {
                if (argc > 2 && (streq(argv[2], "pull") || streq(argv[2], "prune")))
                        return registry_cli(argc - 1, argv + 1);
                return agent_image_cli(argc - 1, argv + 1);
        }
        fprintf(stderr, "jobd: unknown command '%s' (try: jobd server)\n", argv[1]);
        return 2;
}

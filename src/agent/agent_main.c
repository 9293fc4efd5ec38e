/* agent_main.c — `jobd agent`: the node agent as its own process, joining a server over
 * HTTP (more nodes = more agents).  The embedded agent of `jobd server` is the same code
 * started by agent_start(); this only adds flags and a signal wait, like cmd_server. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include "agent/agent.h"
#include "base/log.h"
#include "image/safepath.h"

static void agent_usage(FILE *f)
{
        fputs("usage: jobd agent --server URL [options]\n"
              "  --server URL               the jobd server (http://127.0.0.1:6443)\n"
              "  --data-dir DIR             state directory (default /var/lib/jobd)\n"
              "  --node-name NAME           node name (default: hostname)\n"
              "  --node-label K=V           extra node label (repeatable, up to 32)\n"
              "  --runtime NAME             crun (default), runc or fake\n"
              "  --restart-backoff-base MS  container restart backoff base (default 10000)\n"
              "  --restart-backoff-cap MS   container restart backoff cap (default 300000)\n"
              "  --max-pods N               node pod capacity (default 110)\n"
              "  --debug                    verbose logging\n",
              f);
}

int agent_main(int argc, char **argv)
{
        struct agent_config cfg = {.data_dir = "/var/lib/jobd", .runtime = "crun"};
        const char *labels[33] = {0};
        int nlabels = 0;
        static const struct option opts[] = {
                {"server", required_argument, NULL, 's'},
                {"data-dir", required_argument, NULL, 'd'},
                {"node-name", required_argument, NULL, 'n'},
                {"node-label", required_argument, NULL, 'L'},
                {"runtime", required_argument, NULL, 'r'},
                {"restart-backoff-base", required_argument, NULL, 'R'},
                {"restart-backoff-cap", required_argument, NULL, 'C'},
                {"max-pods", required_argument, NULL, 'm'},
                {"debug", no_argument, NULL, 'D'},
                {"help", no_argument, NULL, 'h'},
                {NULL, 0, NULL, 0},
        };
        int c;
        optind = 0;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
                switch (c) {
                case 's':
                        cfg.server_url = optarg;
                        break;
                case 'd':
                        cfg.data_dir = optarg;
                        break;
                case 'n':
                        cfg.node_name = optarg;
                        break;
                case 'L':
                        if (nlabels >= 32 || !strchr(optarg, '=')) {
                                fprintf(stderr, "jobd agent: --node-label K=V (at most 32)\n");
                                return 2;
                        }
                        labels[nlabels++] = optarg;
                        break;
                case 'r':
                        if (!streq(optarg, "crun") && !streq(optarg, "runc") && !streq(optarg, "fake")) {
                                fprintf(stderr, "jobd agent: --runtime must be crun, runc or fake\n");
                                return 2;
                        }
                        cfg.runtime = optarg;
                        break;
                case 'R':
                        cfg.backoff_base_ms = strtoll(optarg, NULL, 10);
                        break;
                case 'C':
                        cfg.backoff_cap_ms = strtoll(optarg, NULL, 10);
                        break;
                case 'm':
                        cfg.max_pods = atoi(optarg);
                        break;
                case 'D':
                        log_min_level = LOG_DEBUG;
                        break;
                case 'h':
                        agent_usage(stdout);
                        return 0;
                default:
                        agent_usage(stderr);
                        return 2;
                }
        }
        if (!cfg.server_url || optind < argc) {
                agent_usage(stderr);
                return 2;
        }
        cfg.node_labels = labels;
        int r = mkdir_p(cfg.data_dir, 0700);
        if (r < 0) {
                log_error("cannot create data dir %s: %s", cfg.data_dir, strerror(-r));
                return 1;
        }
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        signal(SIGPIPE, SIG_IGN);
        if ((r = agent_start(&cfg)) < 0) {
                log_error("jobd agent: cannot start: %s", strerror(-r));
                return 1;
        }
        printf("AGENT READY\n");
        fflush(stdout);
        int sig = 0;
        sigwait(&set, &sig);
        log_info("signal %d: agent shutting down (containers keep running)", sig);
        agent_stop();
        return 0;
}

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

void agent_flags_usage(FILE *f)
{
        fputs("  --node-name NAME           node name (default: hostname)\n"
              "  --node-label K=V           extra node label (repeatable, up to 32)\n"
              "  --runtime NAME             crun (default), runc or fake\n"
              "  --restart-backoff-base MS  container restart backoff base (default 10000)\n"
              "  --restart-backoff-cap MS   container restart backoff cap (default 300000)\n"
              "  --max-pods N               node pod capacity (default 110)\n",
              f);
}

int agent_flag(struct agent_flags *f, int opt, const char *arg, const char *prog)
{
        switch (opt) {
        case 'n':
                f->cfg.node_name = arg;
                return 1;
        case 'L':
                if (f->nlabels >= AGENT_MAX_LABELS || !strchr(arg, '=')) {
                        fprintf(stderr, "%s: --node-label K=V (at most %d)\n", prog,
                                AGENT_MAX_LABELS);
                        return -EINVAL;
                }
                f->labels[f->nlabels++] = arg;
                f->cfg.node_labels = f->labels;
                return 1;
        case 'r':
                if (!streq(arg, "crun") && !streq(arg, "runc") && !streq(arg, "fake")) {
                        fprintf(stderr, "%s: --runtime must be crun, runc or fake\n", prog);
                        return -EINVAL;
                }
                f->cfg.runtime = arg;
                return 1;
        case 'R':
                f->cfg.backoff_base_ms = strtoll(arg, NULL, 10);
                return 1;
        case 'C':
                f->cfg.backoff_cap_ms = strtoll(arg, NULL, 10);
                return 1;
        case 'm':
                f->cfg.max_pods = atoi(arg);
                return 1;
        }
        return 0;
}

static void agent_usage(FILE *f)
{
        fputs("usage: jobd agent --server URL [options]\n"
              "  --server URL               the jobd server (http://127.0.0.1:6443)\n"
              "  --data-dir DIR             state directory (default /var/lib/jobd)\n",
              f);
        agent_flags_usage(f);
        fputs("  --debug                    verbose logging\n", f);
}

int agent_main(int argc, char **argv)
{
        struct agent_flags af = {.cfg = {.data_dir = "/var/lib/jobd", .runtime = "crun"}};
        struct agent_config *cfgp = &af.cfg;
        static const struct option opts[] = {
                {"server", required_argument, NULL, 's'},
                {"data-dir", required_argument, NULL, 'd'},
                AGENT_LONG_OPTIONS,
                {"debug", no_argument, NULL, 'D'},
                {"help", no_argument, NULL, 'h'},
                {NULL, 0, NULL, 0},
        };
        int c;
        optind = 0;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
                int handled = agent_flag(&af, c, optarg, "jobd agent");
                if (handled < 0)
                        return 2;
                if (handled)
                        continue;
                switch (c) {
                case 's':
                        cfgp->server_url = optarg;
                        break;
                case 'd':
                        cfgp->data_dir = optarg;
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
        if (!cfgp->server_url || optind < argc) {
                agent_usage(stderr);
                return 2;
        }
        int r = mkdir_p(cfgp->data_dir, 0700);
        if (r < 0) {
                log_error("cannot create data dir %s: %s", cfgp->data_dir, strerror(-r));
                return 1;
        }
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        signal(SIGPIPE, SIG_IGN);
        if ((r = agent_start(cfgp)) < 0) {
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

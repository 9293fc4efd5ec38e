/* agent.h — the jobd node agent (the kubelet of jobd).  It talks to the server only
 * through the HTTP API, even when embedded in `jobd server`. */
#ifndef JOBD_AGENT_H
#define JOBD_AGENT_H
#include "base/base.h"

struct agent_config {
        const char *server_url; /* "http://127.0.0.1:6443" */
        const char *node_name;  /* NULL = hostname */
        const char *data_dir;   /* agent state lives under <data_dir>/agent */
        const char *runtime;    /* "crun" (default), "runc", "fake" */
        const char *const *node_labels; /* "k=v", NULL-terminated, may be NULL */
        int64_t backoff_base_ms; /* container restart backoff (CrashLoopBackOff); 0 = 10 s */
        int64_t backoff_cap_ms;  /* 0 = 300 s */
        int max_pods;            /* node "pods" capacity; 0 = 110 */
};

/* The agent's flags, shared by `jobd server` (embedded agent) and `jobd agent`: splice
 * AGENT_LONG_OPTIONS into a getopt_long table and hand each option to agent_flag(). */
#define AGENT_LONG_OPTIONS                                                                     \
        {"node-name", required_argument, NULL, 'n'},                                           \
                {"node-label", required_argument, NULL, 'L'},                                  \
                {"runtime", required_argument, NULL, 'r'},                                     \
                {"restart-backoff-base", required_argument, NULL, 'R'},                        \
                {"restart-backoff-cap", required_argument, NULL, 'C'},                         \
                {"max-pods", required_argument, NULL, 'm'}
#define AGENT_MAX_LABELS 32
struct agent_flags {
        struct agent_config cfg; /* node_labels points into labels once parsed */
        const char *labels[AGENT_MAX_LABELS + 1];
        int nlabels;
};
/* 1 if opt was an agent flag (stored in f), 0 if not, -EINVAL for a bad value (a message
 * naming prog was printed). */
int agent_flag(struct agent_flags *f, int opt, const char *arg, const char *prog);
void agent_flags_usage(FILE *out);

int agent_start(const struct agent_config *cfg);
void agent_stop(void);

/* `jobd agent --server URL [...]`: a standalone agent process joining a server; argv[0]
 * is "agent".  Runs until SIGTERM/SIGINT; returns the exit code. */
int agent_main(int argc, char **argv);

/* `jobd image ...`: argv[0] is "image" (or anything), then
 * [--data-dir DIR] import FILE [--name NAME] | ls | rm NAME...; returns the exit code. */
int agent_image_cli(int argc, char **argv);
#endif

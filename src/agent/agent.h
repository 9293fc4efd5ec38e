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

int agent_start(const struct agent_config *cfg);
void agent_stop(void);

/* `jobd agent --server URL [...]`: a standalone agent process joining a server; argv[0]
 * is "agent".  Runs until SIGTERM/SIGINT; returns the exit code. */
int agent_main(int argc, char **argv);

/* `jobd image ...`: argv[0] is "image" (or anything), then
 * [--data-dir DIR] import FILE [--name NAME] | ls | rm NAME...; returns the exit code. */
int agent_image_cli(int argc, char **argv);
#endif

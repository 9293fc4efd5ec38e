/* bundle.h — OCI runtime config (config.json) for one container of a pod: a pure function
 * of the PodSpec, the image config and what the agent prepared (rootfs, env, mounts,
 * namespaces), so every rule is unit-testable without a runtime. */
#ifndef JOBD_BUNDLE_H
#define JOBD_BUNDLE_H
#include <stdbool.h>
#include "base/jsonu.h"

struct bundle_in {
        json_t *pod;          /* the Pod */
        json_t *container;    /* its container (or init container) */
        json_t *image_config; /* {Entrypoint, Cmd, Env, WorkingDir, User} */
        json_t *env;          /* resolved container env: array of {name, value}, in order */
        json_t *mounts;       /* extra OCI mounts (volumes, /etc/hosts ...), may be NULL */
        const char *rootfs;
        const char *hostname;
        const char *netns_path; /* NULL = new namespace */
        const char *cgroup_path;
        bool host_network;
        uint64_t cap_bound; /* capabilities the agent itself may grant (0 = all) */
};

/* Kubernetes' command/args rules: command replaces Entrypoint (and drops Cmd), args
 * replace Cmd; $(VAR) references expand from env ("$$" escapes).  Returns an array. */
json_t *bundle_argv(json_t *container, json_t *image_config, json_t *env);
/* Expand $(VAR) in s with vars (object name → string); unknown references stay. */
char *bundle_expand(const char *s, json_t *vars);
/* The final process env ("K=V" array): image env, then container env overriding. */
json_t *bundle_env(json_t *image_config, json_t *env, const char *hostname);
/* config.json; NULL with err on an invalid spec (e.g. unknown capability). */
json_t *bundle_config(const struct bundle_in *in, char *err, size_t errlen);

/* containerd 2.0's default capability set (security-baseline.md E1). */
extern const char *const bundle_default_caps[];
#endif

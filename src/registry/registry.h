/* registry.h — pulling images from OCI distribution registries into the agent's image
 * store (src/image/store.h layout), the way a kubelet + containerd do it.
 *
 * The agent loads the configuration once at start (registry_config_load: mirrors,
 * plain-HTTP/TLS settings and credentials from <data-dir>/registries.yaml), and for every
 * container calls registry_ensure_image(), which applies the pull policy and returns the
 * waiting reason, messages and events in the kubelet's words; registry_pull() is the
 * bare pull underneath.  Pulls of the same image by concurrent callers in one process
 * share one download; the record returned is the store record image_lookup() returns
 * afterwards.  Credentials: registries.yaml auth, and the pod's imagePullSecrets
 * (registry_pod_pull_secrets) — username/password, auth, or identitytoken.
 *
 * Errors are negative errno values with a message in err that never contains secrets.
 * The agent maps them to Kubernetes' waiting reasons and events:
 *
 *   -EINVAL       the reference is not a valid image name       → InvalidImageName
 *                 (message: `couldn't parse image name "X": invalid reference format...`)
 *   -ENOENT       manifest/tag/repository not found, or no linux/amd64 in an index
 *                                                                → ErrImagePull
 *   -EACCES       unauthorized/forbidden (no or wrong credentials) → ErrImagePull
 *   -EBADMSG      a manifest or blob failed digest/size verification, or a layer was
 *                 refused (hostile or corrupt tar: absolute paths, "..", links out of
 *                 the layer, device nodes, oversize entries)     → ErrImagePull
 *   -EPROTO       unsupported media type or schema, bad JSON, TLS failure (unknown CA,
 *                 certificate mismatch)                          → ErrImagePull
 *   -EFBIG        manifest larger than 4 MiB, more than 128 layers, layer over its cap
 *                                                                → ErrImagePull
 *   -ECONNREFUSED / -ETIMEDOUT / -EHOSTUNREACH / -EIO   network (registry unreachable,
 *                 connection reset, 5xx after all endpoints)     → ErrImagePull
 *   anything else local failures (disk full: -ENOSPC, ...)       → ErrImagePull
 *
 * After an ErrImagePull the kubelet reports ImagePullBackOff while it waits (10 s
 * doubling to 5 min); ErrImageNeverPull is a policy decision (registry_ensure_image).
 * Events, as the kubelet words them:
 *   Pulling  `Pulling image "perl"`
 *   Pulled   `Successfully pulled image "perl" in 1.2s (1.2s including waiting). Image
 *            size: N bytes.`   — N is the record's "size"; registry_pull_event() formats it
 *   Failed   `Failed to pull image "perl": <err>`
 */
#ifndef JOBD_REGISTRY_H
#define JOBD_REGISTRY_H
#include <stdbool.h>
#include "base/jsonu.h"

/* ---- references (ref.c) ---- */
struct registry_ref {
        char *domain;     /* "docker.io", "127.0.0.1:5000" */
        char *path;       /* "library/perl" */
        char *tag;        /* "latest" when neither tag nor digest was given; NULL with digest only */
        char *digest;     /* "sha256:<64 hex>" or NULL */
        bool tag_implied; /* no tag and no digest in the input: "latest" was supplied */
};
/* Parse and normalise as docker/distribution's ParseNormalizedNamed + kubelet's default
 * tag: "perl" → docker.io/library/perl:latest.  -EINVAL with the kubelet's message. */
int registry_ref_parse(const char *s, struct registry_ref *ret, char *err, size_t errlen);
void registry_ref_release(struct registry_ref *r);
/* "docker.io/library/perl:latest", or "...@sha256:..." when a digest is set (the name the
 * store records the image under).  Caller frees. */
char *registry_ref_string(const struct registry_ref *r);
/* "docker.io/library/perl" (caller frees). */
char *registry_ref_name(const struct registry_ref *r);
/* Kubernetes' default imagePullPolicy for an image string: "Always" when the tag is
 * latest or absent (and no digest), else "IfNotPresent".  Invalid names → "IfNotPresent". */
const char *registry_default_pull_policy(const char *image);

/* ---- configuration (config.c) ---- */
struct registry_config; /* opaque, immutable after load: share it between threads */
/* Load <data_dir>/registries.yaml or <data_dir>/registries.json (k3s registries.yaml
 * shape, see config.c); a missing file gives the default configuration.  *ret is never
 * NULL on success.  -EINVAL with a message on a malformed file. */
int registry_config_load(const char *data_dir, struct registry_config **ret, char *err,
                         size_t errlen);
/* Parse a configuration document already in memory (json_t: same shape). */
int registry_config_from_json(json_t *doc, struct registry_config **ret, char *err,
                              size_t errlen);
void registry_config_free(struct registry_config *c);

/* ---- pulls (pull.c) ---- */
enum registry_phase {
        REGISTRY_RESOLVING,   /* fetching manifests */
        REGISTRY_DOWNLOADING, /* layer bytes arriving (and being unpacked as they arrive) */
        REGISTRY_LAYER_DONE,  /* one layer verified and in the store (or already there) */
        REGISTRY_DONE,        /* the record is written */
};
struct registry_progress {
        enum registry_phase phase;
        const char *ref;    /* normalised reference */
        const char *digest; /* the layer (DOWNLOADING / LAYER_DONE) */
        int layer, layers;  /* index of this layer, number of layers */
        uint64_t layer_done, layer_total;
        uint64_t done, total; /* all layers, compressed bytes */
};
/* Called from pull threads, serialised per pull; must not block for long. */
typedef void (*registry_progress_fn)(void *ud, const struct registry_progress *p);

/* Pull ref into the image store at image_dir (<data_dir>/agent/images).  pull_secrets is
 * a JSON array of Secret objects (type kubernetes.io/dockerconfigjson or
 * kubernetes.io/dockercfg, data base64 as the API returns them) or NULL.  On success
 * *ret_record is the store record (owned): {name, id, layers, config, size, created,
 * digest (manifest digest), repoDigest ("docker.io/library/perl@sha256:...")}. */
int registry_pull(const struct registry_config *cfg, const char *image_dir, const char *ref,
                  json_t *pull_secrets, registry_progress_fn progress, void *ud,
                  json_t **ret_record, char *err, size_t errlen);
/* The Pulled event message: `Successfully pulled image "perl" in 1.234s (1.234s including
 * waiting). Image size: 12345 bytes.` into out. */
void registry_pull_event(const char *image, int64_t pull_ns, int64_t total_ns, int64_t size,
                         char *out, size_t outlen);
/* Counters for tests and benchmarks: blob and manifest GETs this process has made. */
struct registry_stats {
        uint64_t blob_gets, manifest_gets, shared_waits;
};
void registry_stats_get(struct registry_stats *ret);

/* ---- pull policy, as the kubelet's image manager applies it (ensure.c) ---- */
struct registry_ensure {
        /* NULL: the image is ready.  Else the container's waiting reason:
         * "InvalidImageName", "ErrImageNeverPull" or "ErrImagePull" (the agent turns a
         * repeated ErrImagePull into "ImagePullBackOff" while it backs off). */
        const char *reason;
        /* the waiting message, also the Warning event's message */
        char message[2048];
        /* the Warning event's reason on failure: "InspectFailed", "ErrImageNeverPull",
         * "Failed"; NULL on success */
        const char *event_reason;
        /* true when a pull was attempted: the agent emits `Pulling image "x"` before the
         * call (when the policy says so: see registry_needs_pull) */
        bool pulled;
        /* the Normal "Pulled" event on success: `Successfully pulled image "x" in 1.2s
         * (1.2s including waiting). Image size: N bytes.` or `Container image "x"
         * already present on machine` */
        char pulled_message[512];
        /* the store record (owned) and containerStatuses[].imageID
         * ("docker.io/library/perl@sha256:..."), on success */
        json_t *record;
        char image_id[512];
};
/* Would registry_ensure_image() contact a registry?  (policy Always, or IfNotPresent and
 * the image is absent; NULL policy = Kubernetes' default for the image).  Lets the agent
 * emit "Pulling" first and run the pull off its main loop. */
bool registry_needs_pull(const char *image_dir, const char *image, const char *policy);
/* Make image available under policy ("Always", "IfNotPresent", "Never"; NULL =
 * default).  Returns 0 (ready) or the negative errno of the failure; *ret is filled in
 * either case (release it with registry_ensure_release). */
int registry_ensure_image(const struct registry_config *cfg, const char *image_dir,
                          const char *image, const char *policy, json_t *pull_secrets,
                          registry_progress_fn progress, void *ud, struct registry_ensure *ret);
void registry_ensure_release(struct registry_ensure *r);

/* ---- the pod's imagePullSecrets (secrets.c) ---- */
struct hc;
/* GET every spec.imagePullSecrets[].name of pod from its namespace through the agent's
 * API client.  Returns a JSON array of Secret objects (owned, maybe empty) for
 * registry_pull()/registry_ensure_image().  Secrets that cannot be read are skipped and
 * warn gets the kubelet's Warning event text (reason "FailedToRetrieveImagePullSecret"):
 * `Unable to retrieve some image pull secrets (a, b); attempting to pull the image may
 * not succeed.` — warn[0] == 0 when all were read. */
json_t *registry_pod_pull_secrets(struct hc *c, json_t *pod, char *warn, size_t warnlen);

/* ---- store maintenance (prune.c) ---- */
/* Remove every image record whose name is not in in_use (normalised references, may be
 * NULL = nothing in use) and every layer no remaining record references.  Excludes pulls
 * in progress in any process (store lock).  *ret_removed (owned) lists removed names. */
int registry_prune(const char *image_dir, const char *const *in_use, size_t n_in_use,
                   json_t **ret_removed, char *err, size_t errlen);

/* The store lock: pulls hold it shared from their first layer to their record, prune
 * holds it exclusively.  image_remove()/image_import() (src/image/store.c) garbage-
 * collect or create layers too: taking it exclusively around them makes them safe
 * against concurrent pulls.  Returns an fd (close it to unlock) or a negative errno. */
int registry_store_lock(const char *image_dir, bool exclusive);

/* `jobd image pull|prune ...`: argv[0] is "image" (as agent_image_cli), argv[1] the verb:
 *   pull [--data-dir D] [--secret FILE.json]... [--quiet] REF...  (several REFs in parallel)
 *   prune [--data-dir D] [--in-use REF]...
 * Returns the exit code. */
int registry_cli(int argc, char **argv);
#endif

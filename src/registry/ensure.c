/* ensure.c — pull policies with the kubelet's words.
 *
 * The kubelet's image manager (pkg/kubelet/images) decides per container whether to
 * pull, and what the pod shows when it cannot: InvalidImageName before anything else,
 * ErrImageNeverPull for policy Never with the image absent, ErrImagePull when a pull
 * fails (and ImagePullBackOff while it backs off, which is the agent's timer), and the
 * Pulled event either "already present on machine" or "Successfully pulled ... Image
 * size: N bytes.".  Keeping those decisions and strings here, next to the pull, means
 * the agent only maps a struct to its status and events, and the tests of this module
 * pin the exact text users see in `kubectl describe pod`.
 */
#include "base/util.h"
#include "image/store.h"
#include "registry/registry.h"

static const char *effective_policy(const char *image, const char *policy)
{
        if (policy && (streq(policy, "Always") || streq(policy, "IfNotPresent") ||
                       streq(policy, "Never")))
                return policy;
        return registry_default_pull_policy(image);
}

static void set_image_id(struct registry_ensure *r, const char *image)
{
        const char *rd = jstr(r->record, "repoDigest");
        if (rd) {
                snprintf(r->image_id, sizeof(r->image_id), "%s", rd);
                return;
        }
        /* imported images have no registry digest: name@config-id, as containerd shows */
        struct registry_ref ref;
        char err[256];
        const char *id = jstr(r->record, "id") ?: "";
        if (registry_ref_parse(image, &ref, err, sizeof(err)) == 0) {
                _cleanup_free_ char *name = registry_ref_name(&ref);
                snprintf(r->image_id, sizeof(r->image_id), "%s@%s", name, id);
                registry_ref_release(&ref);
        } else {
                snprintf(r->image_id, sizeof(r->image_id), "%s", id);
        }
}

bool registry_needs_pull(const char *image_dir, const char *image, const char *policy)
{
        const char *p = effective_policy(image, policy);
        if (streq(p, "Never"))
                return false;
        if (streq(p, "Always"))
                return true;
        json_t *rec = image_lookup(image_dir, image);
        bool absent = rec == NULL;
        json_decref(rec);
        return absent;
}

int registry_ensure_image(const struct registry_config *cfg, const char *image_dir,
                          const char *image, const char *policy, json_t *pull_secrets,
                          registry_progress_fn progress, void *ud, struct registry_ensure *ret)
{
        *ret = (struct registry_ensure){0};
        struct registry_ref ref;
        char err[1536];
        int r = registry_ref_parse(image, &ref, err, sizeof(err));
        if (r < 0) {
                ret->reason = "InvalidImageName";
                ret->event_reason = "InspectFailed";
                snprintf(ret->message, sizeof(ret->message),
                         "Failed to apply default image tag \"%s\": %s", image, err);
                return r;
        }
        registry_ref_release(&ref);
        const char *p = effective_policy(image, policy);
        json_t *present = image_lookup(image_dir, image);
        if (present && !streq(p, "Always")) {
                ret->record = present;
                snprintf(ret->pulled_message, sizeof(ret->pulled_message),
                         "Container image \"%s\" already present on machine", image);
                set_image_id(ret, image);
                return 0;
        }
        json_decref(present);
        if (streq(p, "Never")) {
                ret->reason = "ErrImageNeverPull";
                ret->event_reason = "ErrImageNeverPull";
                snprintf(ret->message, sizeof(ret->message),
                         "Container image \"%s\" is not present with pull policy of Never", image);
                return -ENOENT;
        }
        ret->pulled = true;
        int64_t t0 = clock_mono_ns();
        r = registry_pull(cfg, image_dir, image, pull_secrets, progress, ud, &ret->record, err,
                          sizeof(err));
        int64_t t1 = clock_mono_ns();
        if (r < 0) {
                ret->reason = "ErrImagePull";
                ret->event_reason = "Failed";
                snprintf(ret->message, sizeof(ret->message), "Failed to pull image \"%s\": %s",
                         image, err);
                return r;
        }
        int64_t size = 0;
        jint(ret->record, "size", &size);
        registry_pull_event(image, t1 - t0, t1 - t0, size, ret->pulled_message,
                            sizeof(ret->pulled_message));
        set_image_id(ret, image);
        return 0;
}

void registry_ensure_release(struct registry_ensure *r)
{
        json_decref(r->record);
        r->record = NULL;
}

/* secrets.c — a pod's imagePullSecrets, fetched the way the kubelet does.
 *
 * The kubelet reads each spec.imagePullSecrets[].name from the pod's namespace, skips
 * the ones it cannot read (pulling may still work: public images, or credentials in the
 * node's registry configuration) and tells the user with a Warning event.  The agent
 * talks to the server only through the HTTP API, so this goes through its client
 * (src/client/http.h).  The Secrets are returned as the API serves them (data base64):
 * registry_pull() decodes only the docker config types, only for the registry at hand.
 */
#include "client/http.h"
#include "registry/registry.h"

json_t *registry_pod_pull_secrets(struct hc *c, json_t *pod, char *warn, size_t warnlen)
{
        json_t *out = json_array();
        if (warn && warnlen)
                warn[0] = 0;
        const char *ns = jstr(pod, "metadata.namespace") ?: "default";
        json_t *refs = jget(pod, "spec.imagePullSecrets"), *ref;
        size_t i;
        struct buf failed;
        buf_init(&failed, 4096);
        json_array_foreach(refs, i, ref)
        {
                const char *name = jstr(ref, "name");
                if (!name || !*name)
                        continue;
                _cleanup_free_ char *ens = hc_escape(ns), *ename = hc_escape(name);
                _cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/secrets/%s", ens, ename);
                struct hresp resp;
                int r = hc_request(c, "GET", path, NULL, NULL, NULL, &resp);
                if (r == 0 && resp.code == 200 && json_is_object(resp.body)) {
                        json_array_append(out, resp.body);
                } else if (buf_printf(&failed, "%s%s", failed.len ? ", " : "", name) < 0) {
                        /* the list is for a message only: a truncated one is fine */
                }
                hresp_release(&resp);
        }
        if (failed.len && warn && warnlen)
                snprintf(warn, warnlen,
                         "Unable to retrieve some image pull secrets (%s); attempting to pull the "
                         "image may not succeed.",
                         failed.data);
        buf_release(&failed);
        return out;
}

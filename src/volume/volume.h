/* volume.h — pod volumes on the node: emptyDir (disk or Memory), hostPath (with type
 * checks), configMap, secret, downwardAPI and projected (files on tmpfs), and the OCI
 * bind mounts of a container's volumeMounts with subPath resolved inside the volume. */
#ifndef JOBD_VOLUME_H
#define JOBD_VOLUME_H
#include "base/jsonu.h"

/* Fetch a namespaced object (plural "configmaps"/"secrets"); *ret_code = HTTP status. */
typedef json_t *(*vol_get_fn)(const char *plural, const char *ns, const char *name, int *ret_code);

/* Set up every volume of the pod under pod_dir/_volumes (a name no container can have); *ret_paths maps volume name →
 * host path.  Errors carry kubelet's message ("configmap \"x\" not found"). */
int volumes_setup(json_t *pod, const char *pod_dir, vol_get_fn get, json_t **ret_paths,
                  char *err, size_t errlen);
/* Unmount and remove what volumes_setup made (never touches hostPath contents). */
void volumes_teardown(json_t *pod, const char *pod_dir);
/* OCI mounts for the container's volumeMounts. */
int volumes_container_mounts(json_t *pod, json_t *container, json_t *paths, json_t **ret_mounts,
                             char *err, size_t errlen);
/* Files of a configMap/secret/downwardAPI volume: {relative path: {data, mode}}.  Pure;
 * exposed for tests.  secret data is base64 in the object. */
int volume_files(json_t *pod, json_t *vol, json_t *obj, json_t **ret, char *err, size_t errlen);
/* Downward API values (fieldRef paths, resourceFieldRef) as kubelet renders them; NULL
 * for an unsupported path.  Caller frees. */
char *pod_field_value(json_t *pod, const char *path);
char *pod_resource_value(json_t *pod, json_t *container, const char *resource, const char *divisor);
#endif

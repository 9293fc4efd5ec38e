/* store.h — the agent's local image store: named images made of unpacked layers.
 *
 * Layout under dir (normally <data_dir>/agent/images):
 *   layers/<sha256-hex>/       one unpacked layer (overlayfs whiteouts), shared by images
 *   refs/<sha256-of-name>.json {name, id, layers:[hex...], config:{Entrypoint,Cmd,Env,
 *                               WorkingDir,User}, size, created}
 */
#ifndef JOBD_IMAGE_STORE_H
#define JOBD_IMAGE_STORE_H
#include "base/jsonu.h"

/* "busybox" → "docker.io/library/busybox:latest" (as containerd/CRI name images). */
char *image_normalize(const char *ref);

/* Import an OCI archive, a docker-save archive or (with name) a plain rootfs tarball.
 * Returns 0 and the names imported (json array, owned) or negative with err. */
int image_import(const char *dir, const char *path, const char *name, json_t **ret_names,
                 char *err, size_t errlen);
/* The image record for ref (owned) or NULL. */
json_t *image_lookup(const char *dir, const char *ref);
/* Every record (json array, owned). */
json_t *image_list(const char *dir);
/* Remove the name; layers no longer referenced are deleted. -ENOENT if unknown. */
int image_remove(const char *dir, const char *ref);
/* Absolute path of a layer directory (caller frees). */
char *image_layer_path(const char *dir, const char *hex);
/* Import every archive in import_dir (plain tarballs are named after the file:
 * "busybox.tar" → busybox, "perl_5.36.tar.gz" → perl:5.36) that is not imported yet. */
void image_autoimport(const char *dir, const char *import_dir);
#endif

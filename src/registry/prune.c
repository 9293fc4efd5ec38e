/* prune.c — remove images no pod uses, and the layers only they used.
 *
 * The caller knows which images are in use (the agent: every container image of every
 * pod on the node, running or not); this file knows the store layout (src/image/store.h)
 * and the one hazard of garbage collection in it: a pull unpacks layers into layers/
 * before it writes the record that references them.  Pulls hold the store lock shared
 * for their whole duration and prune takes it exclusively, so a layer is never collected
 * between its unpacking and its record.  Temporary directories (".pull-*") of crashed
 * pulls are collected too, and partial blobs no process holds.  image_import() does not
 * take the lock, so its ".tmp-*" directories are left alone (an import racing a prune
 * can still lose a freshly unpacked layer: run prune from the agent's loop, which also
 * runs the imports).
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include "image/safepath.h"
#include "image/store.h"
#include "registry/registry_int.h"

static json_t *load_record(const char *path)
{
        struct buf b;
        if (reg_read_file(path, 4u << 20, &b) < 0)
                return NULL;
        char perr[64];
        json_t *j = b.len ? jparse(b.data, b.len, 32, perr, sizeof(perr)) : NULL;
        buf_release(&b);
        return j;
}

static bool in_use(json_t *used, json_t *rec)
{
        const char *name = jstr(rec, "name"), *rd = jstr(rec, "repoDigest");
        return (name && json_object_get(used, name)) || (rd && json_object_get(used, rd));
}

int registry_prune(const char *image_dir, const char *const *in_use_refs, size_t n_in_use,
                   json_t **ret_removed, char *err, size_t errlen)
{
        *ret_removed = NULL;
        _cleanup_json_ json_t *used = json_object();
        for (size_t i = 0; i < n_in_use; i++) {
                _cleanup_free_ char *a = image_normalize(in_use_refs[i]);
                json_object_set_new(used, a, json_true());
                struct registry_ref r;
                char e[256];
                if (registry_ref_parse(in_use_refs[i], &r, e, sizeof(e)) == 0) {
                        _cleanup_free_ char *b = registry_ref_string(&r);
                        json_object_set_new(used, b, json_true());
                        registry_ref_release(&r);
                }
        }
        _cleanup_close_ int lock = reg_store_lock(image_dir, true);
        if (lock < 0) {
                snprintf(err, errlen, "cannot lock the image store %s: %s", image_dir,
                         strerror(-lock));
                return lock;
        }
        json_t *removed = json_array();
        _cleanup_json_ json_t *keep_layers = json_object();
        _cleanup_free_ char *refs = xasprintf("%s/refs", image_dir);
        DIR *d = opendir(refs);
        if (d) {
                struct dirent *de;
                while ((de = readdir(d))) {
                        size_t n = strlen(de->d_name);
                        if (de->d_name[0] == '.' || n < 6 || !streq(de->d_name + n - 5, ".json"))
                                continue;
                        _cleanup_free_ char *p = xasprintf("%s/%s", refs, de->d_name);
                        _cleanup_json_ json_t *rec = load_record(p);
                        if (!rec)
                                continue;
                        if (in_use(used, rec)) {
                                json_t *l;
                                size_t i;
                                json_array_foreach(jget(rec, "layers"), i, l)
                                        json_object_set(keep_layers, json_string_value(l),
                                                        json_true());
                                continue;
                        }
                        if (unlinkat(dirfd(d), de->d_name, 0) == 0)
                                json_array_append_new(removed,
                                                      json_string(jstr(rec, "name") ?: de->d_name));
                }
                closedir(d);
        }
        _cleanup_free_ char *layers = xasprintf("%s/layers", image_dir);
        d = opendir(layers);
        if (d) {
                struct dirent *de;
                while ((de = readdir(d))) {
                        /* ".tmp-*" belong to image_import(), which does not take our lock */
                        if (de->d_name[0] == '.' && !startswith(de->d_name, ".pull-"))
                                continue;
                        if (json_object_get(keep_layers, de->d_name))
                                continue;
                        rm_rf_at(dirfd(d), de->d_name);
                }
                closedir(d);
        }
        _cleanup_free_ char *tmp = xasprintf("%s/tmp", image_dir);
        d = opendir(tmp);
        if (d) {
                struct dirent *de;
                while ((de = readdir(d))) {
                        if (!startswith(de->d_name, "blob-"))
                                continue;
                        int fd = openat(dirfd(d), de->d_name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
                        if (fd < 0)
                                continue;
                        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
                                unlinkat(dirfd(d), de->d_name, 0);
                        close(fd);
                }
                closedir(d);
        }
        *ret_removed = removed;
        return 0;
}

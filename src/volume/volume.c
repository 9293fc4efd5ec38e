/* volume.c — pod volumes (see volume.h).
 *
 * Secret, configMap, downwardAPI and projected volumes and Memory emptyDirs are tmpfs
 * mounts made inside the runtime's private mount namespace (runtime.h), so secret bytes
 * never reach the node's disk (security-baseline G5) and the host mount table stays
 * untouched; the agent writes their files through mntns_path().  Every path that comes
 * from a PodSpec (item paths, subPath) is cleaned (no "..", no absolute) and resolved
 * with openat2(RESOLVE_IN_ROOT) inside the volume, and the mount source is the path that
 * resolution actually reached, so a symlink planted in a volume cannot point a bind mount
 * at the host (CVE-2017-1002101).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include "base/buf.h"
#include "image/safepath.h"
#include "runtime/runtime.h"
#include "types/quantity.h"
#include "volume/volume.h"

static int fail(char *err, size_t errlen, int code, const char *fmt, ...) _printf_(4, 5);
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
        return code;
}

static int b64val(int c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+' || c == '-')
                return 62;
        if (c == '/' || c == '_')
                return 63;
        return -1;
}

/* base64 → bytes (NUL-terminated for convenience); *len set. NULL on bad input. */
static char *b64decode(const char *s, size_t *len)
{
        size_t n = strlen(s);
        char *out = xmalloc(n / 4 * 3 + 4);
        size_t o = 0;
        uint32_t acc = 0;
        int bits = 0;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '=' || s[i] == '\n' || s[i] == '\r')
                        continue;
                int v = b64val((unsigned char)s[i]);
                if (v < 0) {
                        free(out);
                        return NULL;
                }
                acc = (acc << 6) | (uint32_t)v;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        out[o++] = (char)((acc >> bits) & 0xff);
                }
        }
        out[o] = 0;
        *len = o;
        return out;
}

/* ---------- downward API values ---------- */

static char *bracket_key(const char *path, const char *prefix)
{
        /* metadata.labels['key'] */
        size_t pl = strlen(prefix);
        if (strncmp(path, prefix, pl) != 0 || path[pl] != '[')
                return NULL;
        const char *s = path + pl + 1;
        char q = *s;
        if (q != '\'' && q != '"')
                return NULL;
        const char *e = strchr(s + 1, q);
        if (!e || e[1] != ']')
                return NULL;
        return xstrndup(s + 1, (size_t)(e - s - 1));
}

static char *kv_lines(json_t *o)
{
        /* downward API label/annotation files: sorted key="escaped value" lines */
        const char *k;
        json_t *v;
        json_t *keys = json_array();
        json_object_foreach(o, k, v) json_array_append_new(keys, json_string(k));
        size_t n = json_array_size(keys);
        for (size_t i = 1; i < n; i++)
                for (size_t j = i; j > 0 &&
                                   strcmp(json_string_value(json_array_get(keys, j - 1)),
                                          json_string_value(json_array_get(keys, j))) > 0;
                     j--) {
                        json_t *a = json_incref(json_array_get(keys, j - 1));
                        json_array_set(keys, j - 1, json_array_get(keys, j));
                        json_array_set_new(keys, j, a);
                }
        struct buf b;
        buf_init(&b, 0);
        int e = 0;
        for (size_t i = 0; i < n && e == 0; i++) {
                const char *key = json_string_value(json_array_get(keys, i));
                _cleanup_json_ json_t *val = json_string(json_string_value(json_object_get(o, key)) ?: "");
                _cleanup_free_ char *q = json_dumps(val, JSON_ENCODE_ANY);
                e = buf_printf(&b, "%s%s=%s", i ? "\n" : "", key, q);
        }
        json_decref(keys);
        return b.data ? buf_steal(&b) : xstrdup("");
}

char *pod_field_value(json_t *pod, const char *path)
{
        if (!path)
                return NULL;
        static const char *const simple[] = {"metadata.name", "metadata.namespace", "metadata.uid",
                                             "spec.nodeName", "spec.serviceAccountName",
                                             "status.hostIP", "status.podIP", NULL};
        for (size_t i = 0; simple[i]; i++)
                if (streq(path, simple[i]))
                        return xstrdup(jstr(pod, path) ?: "");
        if (streq(path, "spec.serviceAccountName"))
                return xstrdup("default");
        if (streq(path, "status.podIPs") || streq(path, "status.hostIPs")) {
                struct buf b;
                buf_init(&b, 0);
                json_t *x;
                size_t i;
                int e = 0;
                json_array_foreach(jget(pod, path), i, x) if (e == 0) e =
                        buf_printf(&b, "%s%s", i ? "," : "", jstr(x, "ip") ?: "");
                return b.data ? buf_steal(&b) : xstrdup("");
        }
        if (streq(path, "metadata.labels"))
                return kv_lines(jget(pod, "metadata.labels"));
        if (streq(path, "metadata.annotations"))
                return kv_lines(jget(pod, "metadata.annotations"));
        _cleanup_free_ char *lk = bracket_key(path, "metadata.labels");
        if (lk)
                return xstrdup(json_string_value(json_object_get(jget(pod, "metadata.labels"), lk)) ?: "");
        _cleanup_free_ char *ak = bracket_key(path, "metadata.annotations");
        if (ak)
                return xstrdup(
                        json_string_value(json_object_get(jget(pod, "metadata.annotations"), ak)) ?: "");
        return NULL;
}

char *pod_resource_value(json_t *pod, json_t *container, const char *resource, const char *divisor)
{
        /* "limits.cpu" / "requests.memory" ...; an unset limit is the node's allocatable,
         * which the agent does not know here: report the request or 0 instead */
        if (!resource)
                return NULL;
        const char *dot = strchr(resource, '.');
        if (!dot)
                return NULL;
        _cleanup_free_ char *kind = xstrndup(resource, (size_t)(dot - resource));
        json_t *v = json_object_get(jget(jget(container, "resources"), kind), dot + 1);
        if (!v && streq(kind, "limits"))
                v = json_object_get(jget(container, "resources.requests"), dot + 1);
        struct quantity q = {0}, d = {0};
        char e[64];
        if (json_is_string(v))
                quantity_parse(json_string_value(v), &q, e, sizeof(e));
        if (!divisor || quantity_parse(divisor, &d, e, sizeof(e)) < 0 || d.milli <= 0)
                d.milli = 1000;
        if (!v && streq(dot + 1, "cpu") && streq(kind, "limits"))
                return xstrdup("1");
        int64_t val = q.milli / d.milli + (q.milli % d.milli ? 1 : 0); /* ceil, as upstream */
        return xasprintf("%lld", (long long)val);
}

/* ---------- file sets ---------- */

static int add_file(json_t *files, const char *path, const char *data, size_t len, int64_t mode,
                    char *err, size_t errlen)
{
        _cleanup_free_ char *clean = NULL;
        if (safepath_clean(path, &clean) < 0 || startswith(path, "/") || strstr(path, ".."))
                return fail(err, errlen, -EINVAL, "invalid path \"%s\": must be relative and may "
                                                  "not contain the '..' path",
                            path);
        json_object_set_new(files, clean,
                            json_pack("{s:s%, s:I}", "data", data, len, "mode", (json_int_t)mode));
        return 0;
}

static int source_files(json_t *pod, json_t *src, json_t *obj, bool secret, int64_t defmode,
                        json_t *files, char *err, size_t errlen)
{
        json_t *data = jget(obj, "data"), *bdata = jget(obj, "binaryData");
        json_t *items = jget(src, "items");
        int r;
        if (json_array_size(items) == 0) {
                const char *k;
                json_t *v;
                json_t *maps[2] = {data, secret ? NULL : bdata};
                for (int m = 0; m < 2; m++) {
                        json_object_foreach(maps[m], k, v)
                        {
                                size_t len = 0;
                                _cleanup_free_ char *dec = NULL;
                                const char *s = json_string_value(v) ?: "";
                                if (secret || m == 1) {
                                        dec = b64decode(s, &len);
                                        if (!dec)
                                                return fail(err, errlen, -EINVAL,
                                                            "bad base64 in key %s", k);
                                        s = dec;
                                } else {
                                        len = strlen(s);
                                }
                                if ((r = add_file(files, k, s, len, defmode, err, errlen)) < 0)
                                        return r;
                        }
                }
                return 0;
        }
        json_t *it;
        size_t i;
        json_array_foreach(items, i, it)
        {
                const char *key = jstr(it, "key"), *path = jstr(it, "path");
                json_t *v = json_object_get(data, key ?: "");
                bool bin = false;
                if (!v && !secret) {
                        v = json_object_get(bdata, key ?: "");
                        bin = v != NULL;
                }
                if (!v) {
                        if (jbool(src, "optional"))
                                continue;
                        return fail(err, errlen, -ENOENT, "configmap references non-existent "
                                                          "config key: %s",
                                    key ?: "");
                }
                int64_t mode = defmode;
                jint(it, "mode", &mode);
                size_t len = 0;
                _cleanup_free_ char *dec = NULL;
                const char *s = json_string_value(v) ?: "";
                if (secret || bin) {
                        dec = b64decode(s, &len);
                        if (!dec)
                                return fail(err, errlen, -EINVAL, "bad base64 in key %s", key);
                        s = dec;
                } else {
                        len = strlen(s);
                }
                if ((r = add_file(files, path ?: key, s, len, mode, err, errlen)) < 0)
                        return r;
        }
        return 0;
}

static int downward_files(json_t *pod, json_t *src, int64_t defmode, json_t *files, char *err,
                          size_t errlen)
{
        json_t *it;
        size_t i;
        json_array_foreach(jget(src, "items"), i, it)
        {
                _cleanup_free_ char *v = NULL;
                if (jget(it, "fieldRef"))
                        v = pod_field_value(pod, jstr(it, "fieldRef.fieldPath"));
                else if (jget(it, "resourceFieldRef")) {
                        const char *cn = jstr(it, "resourceFieldRef.containerName");
                        json_t *c, *found = NULL;
                        size_t j;
                        json_array_foreach(jget(pod, "spec.containers"), j, c) if (streq(jstr(c, "name"), cn))
                                found = c;
                        v = pod_resource_value(pod, found, jstr(it, "resourceFieldRef.resource"),
                                               jstr(it, "resourceFieldRef.divisor"));
                }
                if (!v)
                        return fail(err, errlen, -EINVAL, "unsupported downward API field for %s",
                                    jstr(it, "path") ?: "");
                int64_t mode = defmode;
                jint(it, "mode", &mode);
                int r = add_file(files, jstr(it, "path") ?: "", v, strlen(v), mode, err, errlen);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Fetched objects for a volume: a stub fetcher for tests passes obj directly. */
int volume_files(json_t *pod, json_t *vol, json_t *obj, json_t **ret, char *err, size_t errlen)
{
        json_t *files = json_object();
        int r = 0;
        int64_t mode = 0644;
        if (jget(vol, "configMap")) {
                jint(vol, "configMap.defaultMode", &mode);
                r = source_files(pod, jget(vol, "configMap"), obj, false, mode, files, err, errlen);
        } else if (jget(vol, "secret")) {
                jint(vol, "secret.defaultMode", &mode);
                r = source_files(pod, jget(vol, "secret"), obj, true, mode, files, err, errlen);
        } else if (jget(vol, "downwardAPI")) {
                jint(vol, "downwardAPI.defaultMode", &mode);
                r = downward_files(pod, jget(vol, "downwardAPI"), mode, files, err, errlen);
        }
        if (r < 0) {
                json_decref(files);
                return r;
        }
        *ret = files;
        return 0;
}

static int write_files(const char *host_dir, json_t *files, char *err, size_t errlen)
{
        _cleanup_free_ char *via = mntns_path(host_dir);
        _cleanup_close_ int root = open(via, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return fail(err, errlen, -errno, "open %s: %s", host_dir, strerror(errno));
        const char *path;
        json_t *f;
        json_object_foreach(files, path, f)
        {
                const char *slash = strrchr(path, '/');
                _cleanup_close_ int pfd = -1;
                const char *base = path;
                if (slash) {
                        _cleanup_free_ char *dir = xstrndup(path, (size_t)(slash - path));
                        pfd = safepath_open_dir(root, dir, true);
                        base = slash + 1;
                } else {
                        pfd = fcntl(root, F_DUPFD_CLOEXEC, 3);
                }
                if (pfd < 0)
                        return fail(err, errlen, pfd, "cannot create %s", path);
                int64_t mode = 0644;
                jint(f, "mode", &mode);
                int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                                (mode_t)(mode & 0777));
                if (fd < 0)
                        return fail(err, errlen, -errno, "cannot write %s", path);
                size_t len = json_string_length(json_object_get(f, "data"));
                const char *d = json_string_value(json_object_get(f, "data"));
                bool ok = write(fd, d, len) == (ssize_t)len;
                fchmod(fd, (mode_t)(mode & 0777));
                close(fd);
                if (!ok)
                        return fail(err, errlen, -EIO, "cannot write %s", path);
        }
        return 0;
}

static int tmpfs_at(const char *dir, const char *size)
{
        if (mkdir_p(dir, 0755) < 0)
                return -errno;
        if (!mntns_active())
                return 0; /* fake runtime / unprivileged tests: a plain directory */
        _cleanup_free_ char *opts = size ? xasprintf("mode=0755,size=%s", size) : xstrdup("mode=0755");
        return mntns_mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts);
}

static int hostpath_check(json_t *hp, char *err, size_t errlen)
{
        const char *path = jstr(hp, "path"), *type = jstr(hp, "type");
        if (!path || path[0] != '/')
                return fail(err, errlen, -EINVAL, "hostPath must be absolute");
        struct stat st;
        bool exists = stat(path, &st) == 0;
        if (!type || !*type)
                return 0;
        if (streq(type, "DirectoryOrCreate")) {
                if (!exists)
                        return mkdir_p(path, 0755);
                if (!S_ISDIR(st.st_mode))
                        return fail(err, errlen, -ENOTDIR, "hostPath type check failed: %s is not a directory", path);
                return 0;
        }
        if (streq(type, "FileOrCreate")) {
                if (!exists) {
                        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
                        if (fd < 0)
                                return fail(err, errlen, -errno, "hostPath type check failed: cannot create %s", path);
                        close(fd);
                        return 0;
                }
                if (!S_ISREG(st.st_mode))
                        return fail(err, errlen, -EINVAL, "hostPath type check failed: %s is not a file", path);
                return 0;
        }
        struct {
                const char *t, *what;
                mode_t m;
        } checks[] = {{"Directory", "directory", S_IFDIR}, {"File", "file", S_IFREG},
                      {"Socket", "socket", S_IFSOCK},     {"CharDevice", "character device", S_IFCHR},
                      {"BlockDevice", "block device", S_IFBLK}};
        for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
                if (!streq(type, checks[i].t))
                        continue;
                if (!exists || (st.st_mode & S_IFMT) != checks[i].m)
                        return fail(err, errlen, -EINVAL, "hostPath type check failed: %s is not a %s",
                                    path, checks[i].what);
                return 0;
        }
        return fail(err, errlen, -EINVAL, "unsupported hostPath type %s", type);
}

int volumes_setup(json_t *pod, const char *pod_dir, vol_get_fn get, json_t **ret_paths,
                  char *err, size_t errlen)
{
        json_t *paths = json_object();
        json_t *v;
        size_t i;
        const char *ns = jstr(pod, "metadata.namespace") ?: "default";
        int r = 0;
        json_array_foreach(jget(pod, "spec.volumes"), i, v)
        {
                const char *name = jstr(v, "name") ?: "";
                _cleanup_free_ char *dir = xasprintf("%s/_volumes/%s", pod_dir, name);
                if (jget(v, "hostPath")) {
                        if ((r = hostpath_check(jget(v, "hostPath"), err, errlen)) < 0)
                                break;
                        json_object_set_new(paths, name, json_string(jstr(v, "hostPath.path")));
                        continue;
                }
                if (jget(v, "emptyDir")) {
                        if (streq(jstr(v, "emptyDir.medium"), "Memory")) {
                                const char *sz = jstr(v, "emptyDir.sizeLimit");
                                _cleanup_free_ char *bytes = NULL;
                                if (sz) {
                                        struct quantity q;
                                        char qe[64];
                                        if (quantity_parse(sz, &q, qe, sizeof(qe)) == 0)
                                                bytes = xasprintf("%lld", (long long)quantity_value(&q));
                                }
                                r = tmpfs_at(dir, bytes);
                        } else {
                                r = mkdir_p(dir, 0777);
                                chmod(dir, 0777);
                        }
                        if (r < 0) {
                                fail(err, errlen, r, "emptyDir %s: %s", name, strerror(-r));
                                break;
                        }
                        json_object_set_new(paths, name, json_string(dir));
                        continue;
                }
                json_t *obj = NULL;
                bool needs_tmpfs = false;
                if (jget(v, "configMap") || jget(v, "secret")) {
                        bool secret = jget(v, "secret") != NULL;
                        const char *on = secret ? jstr(v, "secret.secretName") : jstr(v, "configMap.name");
                        int code = 0;
                        obj = get(secret ? "secrets" : "configmaps", ns, on ?: "", &code);
                        if (!obj && !jbool(v, secret ? "secret.optional" : "configMap.optional")) {
                                r = fail(err, errlen, -ENOENT, "%s \"%s\" not found",
                                         secret ? "secret" : "configmap", on ?: "");
                                break;
                        }
                        if (!obj)
                                obj = json_object();
                        needs_tmpfs = true;
                } else if (jget(v, "downwardAPI")) {
                        needs_tmpfs = true;
                } else if (jget(v, "projected")) {
                        if ((r = tmpfs_at(dir, NULL)) < 0) {
                                fail(err, errlen, r, "projected %s: %s", name, strerror(-r));
                                break;
                        }
                        json_t *src;
                        size_t j;
                        json_array_foreach(jget(v, "projected.sources"), j, src)
                        {
                                _cleanup_json_ json_t *vol = json_object(), *o2 = NULL;
                                json_t *files = NULL;
                                if (jget(src, "configMap") || jget(src, "secret")) {
                                        bool secret = jget(src, "secret") != NULL;
                                        const char *on = jstr(src, secret ? "secret.name" : "configMap.name");
                                        int code = 0;
                                        o2 = get(secret ? "secrets" : "configmaps", ns, on ?: "", &code);
                                        if (!o2 && !jbool(src, secret ? "secret.optional" : "configMap.optional")) {
                                                r = fail(err, errlen, -ENOENT, "%s \"%s\" not found",
                                                         secret ? "secret" : "configmap", on ?: "");
                                                break;
                                        }
                                        if (!o2)
                                                o2 = json_object();
                                        json_object_set(vol, secret ? "secret" : "configMap",
                                                        jget(src, secret ? "secret" : "configMap"));
                                } else if (jget(src, "downwardAPI")) {
                                        json_object_set(vol, "downwardAPI", jget(src, "downwardAPI"));
                                } else if (jget(src, "serviceAccountToken")) {
                                        /* no token issuer yet: an empty token file */
                                        files = json_object();
                                        add_file(files, jstr(src, "serviceAccountToken.path") ?: "token",
                                                 "", 0, 0644, err, errlen);
                                }
                                if (!files && (r = volume_files(pod, vol, o2, &files, err, errlen)) < 0)
                                        break;
                                r = write_files(dir, files, err, errlen);
                                json_decref(files);
                                if (r < 0)
                                        break;
                        }
                        if (r < 0)
                                break;
                        json_object_set_new(paths, name, json_string(dir));
                        continue;
                } else {
                        r = fail(err, errlen, -EOPNOTSUPP, "volume \"%s\": this volume type is not "
                                                           "supported on this node",
                                 name);
                        break;
                }
                json_t *files = NULL;
                if (needs_tmpfs) {
                        r = volume_files(pod, v, obj, &files, err, errlen);
                        if (r == 0 && (r = tmpfs_at(dir, NULL)) < 0)
                                fail(err, errlen, r, "tmpfs for %s: %s", name, strerror(-r));
                        if (r == 0)
                                r = write_files(dir, files, err, errlen);
                }
                json_decref(files);
                json_decref(obj);
                if (r < 0)
                        break;
                json_object_set_new(paths, name, json_string(dir));
        }
        if (r < 0) {
                json_decref(paths);
                return r;
        }
        *ret_paths = paths;
        return 0;
}

void volumes_teardown(json_t *pod, const char *pod_dir)
{
        json_t *v;
        size_t i;
        json_array_foreach(jget(pod, "spec.volumes"), i, v)
        {
                if (jget(v, "hostPath"))
                        continue;
                _cleanup_free_ char *dir = xasprintf("%s/_volumes/%s", pod_dir, jstr(v, "name") ?: "");
                if (mntns_active())
                        mntns_umount(dir);
                rm_rf(dir);
        }
        _cleanup_free_ char *vd = xasprintf("%s/_volumes", pod_dir);
        rm_rf(vd);
}

/* The real path of sub inside vol_dir, resolved inside it (created as a directory when
 * missing, as the kubelet does). */
static int resolve_subpath(const char *vol_dir, const char *sub, char **ret, char *err, size_t errlen)
{
        _cleanup_free_ char *clean = NULL;
        if (safepath_clean(sub, &clean) < 0 || sub[0] == '/')
                return fail(err, errlen, -EINVAL, "invalid subPath \"%s\"", sub);
        _cleanup_free_ char *via = mntns_path(vol_dir);
        _cleanup_close_ int root = open(via, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return fail(err, errlen, -errno, "open volume %s", vol_dir);
        int fd = safepath_open(root, clean, O_PATH, 0);
        if (fd == -ENOENT) {
                int d = safepath_open_dir(root, clean, true);
                if (d >= 0)
                        close(d);
                fd = safepath_open(root, clean, O_PATH, 0);
        }
        if (fd < 0)
                return fail(err, errlen, fd, "subPath \"%s\" cannot be resolved in the volume", sub);
        char lp[64], real[4096];
        snprintf(lp, sizeof(lp), "/proc/self/fd/%d", fd);
        ssize_t n = readlink(lp, real, sizeof(real) - 1);
        close(fd);
        if (n <= 0)
                return fail(err, errlen, -EIO, "subPath \"%s\" cannot be resolved", sub);
        real[n] = 0;
        /* the path seen here is in the agent's view; inside the runtime namespace the
         * same mounts exist at the same places (or via /proc/<holder>/root for tmpfs) */
        _cleanup_free_ char *vprefix = mntns_path("");
        const char *p = real;
        if (*vprefix && startswith(real, vprefix))
                p = real + strlen(vprefix);
        *ret = xstrdup(p);
        return 0;
}

int volumes_container_mounts(json_t *pod, json_t *container, json_t *paths, json_t **ret_mounts,
                             char *err, size_t errlen)
{
        json_t *mounts = json_array(), *vm;
        size_t i;
        json_array_foreach(jget(container, "volumeMounts"), i, vm)
        {
                const char *name = jstr(vm, "name"), *dst = jstr(vm, "mountPath");
                const char *src = json_string_value(json_object_get(paths, name ?: ""));
                if (!src || !dst || dst[0] != '/') {
                        json_decref(mounts);
                        return fail(err, errlen, -EINVAL, "volumeMount \"%s\" has no volume",
                                    name ?: "");
                }
                _cleanup_free_ char *real = NULL;
                const char *sub = jstr(vm, "subPath");
                if (sub && *sub) {
                        int r = resolve_subpath(src, sub, &real, err, errlen);
                        if (r < 0) {
                                json_decref(mounts);
                                return r;
                        }
                        src = real;
                }
                json_t *opts = json_pack("[s,s]", "rbind", "rprivate");
                if (jbool(vm, "readOnly"))
                        json_array_append_new(opts, json_string("ro"));
                json_array_append_new(mounts, json_pack("{s:s, s:s, s:s, s:o}", "destination", dst,
                                                        "type", "bind", "source", src, "options",
                                                        opts));
        }
        *ret_mounts = mounts;
        return 0;
}

/* store.c — the local image store (see store.h).
 *
 * Layers are keyed by the sha256 of the layer blob as stored (compressed or not) and
 * unpacked exactly once into layers/<hex>: extraction goes to a temporary directory that is
 * renamed into place only when complete, so a crash never leaves a half layer that later
 * images would trust.  Archive blobs are verified against their descriptors' digests and
 * sizes before use (content is named by what it is, never by what a manifest claims), and
 * digests are validated as "sha256:" + 64 hex before they touch a path.  References are
 * small JSON files written atomically; removal garbage-collects unreferenced layers.
 */
#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"
#include "image/safepath.h"
#include "image/store.h"
#include "image/tar.h"

#define MAX_META (4u << 20)

char *image_normalize(const char *ref)
{
        if (!ref || !*ref)
                return xstrdup("");
        const char *slash = strchr(ref, '/');
        _cleanup_free_ char *full = NULL;
        if (!slash)
                full = xasprintf("docker.io/library/%s", ref);
        else {
                _cleanup_free_ char *first = xstrndup(ref, (size_t)(slash - ref));
                if (!strchr(first, '.') && !strchr(first, ':') && !streq(first, "localhost"))
                        full = xasprintf("docker.io/%s", ref);
                else
                        full = xstrdup(ref);
        }
        const char *last = strrchr(full, '/');
        if (!strchr(last, ':') && !strchr(last, '@'))
                return xasprintf("%s:latest", full);
        return TAKE_PTR(full);
}

static void hex_of(const unsigned char *d, size_t n, char *out)
{
        for (size_t i = 0; i < n; i++)
                snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void sha256_str(const char *s, char out[65])
{
        unsigned char md[32];
        unsigned int len = 0;
        EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL);
        hex_of(md, 32, out);
}

static int sha256_file(const char *path, char out[65], uint64_t *ret_size)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        EVP_MD_CTX *c = EVP_MD_CTX_new();
        EVP_DigestInit_ex(c, EVP_sha256(), NULL);
        char buf[65536];
        ssize_t n;
        uint64_t total = 0;
        while ((n = read(fd, buf, sizeof(buf))) > 0) {
                EVP_DigestUpdate(c, buf, (size_t)n);
                total += (uint64_t)n;
        }
        unsigned char md[32];
        unsigned int len = 0;
        EVP_DigestFinal_ex(c, md, &len);
        EVP_MD_CTX_free(c);
        if (n < 0)
                return -errno;
        hex_of(md, 32, out);
        if (ret_size)
                *ret_size = total;
        return 0;
}

static bool valid_digest(const char *d)
{
        if (!startswith(d, "sha256:") || strlen(d) != 71)
                return false;
        for (const char *p = d + 7; *p; p++)
                if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
                        return false;
        return true;
}

static json_t *load_json(const char *path)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return NULL;
        struct buf b;
        buf_init(&b, MAX_META);
        char tmp[8192];
        ssize_t n;
        while ((n = read(fd, tmp, sizeof(tmp))) > 0) {
                if (buf_append(&b, tmp, (size_t)n) < 0) {
                        buf_release(&b);
                        return NULL;
                }
        }
        char err[128];
        json_t *j = b.len ? jparse(b.data, b.len, JSON_MAX_DEPTH, err, sizeof(err)) : NULL;
        buf_release(&b);
        return j;
}

static int write_json_atomic(const char *path, json_t *j)
{
        _cleanup_free_ char *tmp = xasprintf("%s.tmp", path);
        _cleanup_free_ char *s = json_dumps(j, JSON_INDENT(1));
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        size_t n = strlen(s);
        int r = write(fd, s, n) == (ssize_t)n && fsync(fd) == 0 ? 0 : -EIO;
        close(fd);
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        return r;
}

/* The store lock shared with registry pulls (src/registry): an flock on
 * <dir>/registry.lock.  Pulls hold it shared while they unpack and record; import and
 * remove create and garbage-collect layers, so they hold it exclusively. */
static int store_lock(const char *dir)
{
        _cleanup_free_ char *p = xasprintf("%s/registry.lock", dir);
        int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0 && errno == ENOENT && mkdir_p(dir, 0755) == 0)
                fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
        while (flock(fd, LOCK_EX) < 0) {
                if (errno != EINTR) {
                        int e = -errno;
                        close(fd);
                        return e;
                }
        }
        return fd;
}

char *image_layer_path(const char *dir, const char *hex)
{
        return xasprintf("%s/layers/%s", dir, hex);
}

/* Unpack blob file into layers/<hex> once. */
static int ensure_layer(const char *dir, const char *blob, const char *hex, char *err, size_t errlen)
{
        _cleanup_free_ char *final = image_layer_path(dir, hex);
        struct stat st;
        if (stat(final, &st) == 0)
                return 0;
        char rnd[9];
        random_suffix(rnd, 8);
        rnd[8] = 0;
        _cleanup_free_ char *tmp = xasprintf("%s/layers/.tmp-%s-%s", dir, hex, rnd);
        if (mkdir(tmp, 0755) < 0)
                return -errno;
        struct tar_opts o = {.whiteouts = true, .same_owner = geteuid() == 0};
        int r = tar_extract_file(blob, tmp, &o, err, errlen);
        if (r == 0 && rename(tmp, final) < 0)
                r = errno == EEXIST || errno == ENOTEMPTY ? 0 : -errno;
        if (r < 0 || stat(tmp, &st) == 0)
                rm_rf(tmp);
        return r;
}

static int save_ref(const char *dir, const char *name, const char *id, json_t *layers,
                    json_t *config, uint64_t size)
{
        _cleanup_free_ char *norm = image_normalize(name);
        char h[65];
        sha256_str(norm, h);
        char created[40];
        time_format_rfc3339(clock_now_s(), created, sizeof(created));
        _cleanup_json_ json_t *rec = json_pack("{s:s, s:s, s:O, s:O, s:I, s:s}", "name", norm, "id",
                                               id, "layers", layers, "config", config, "size",
                                               (json_int_t)size, "created", created);
        _cleanup_free_ char *path = xasprintf("%s/refs/%s.json", dir, h);
        return write_json_atomic(path, rec);
}

static json_t *pick_config(json_t *cfg)
{
        json_t *c = jget(cfg, "config");
        json_t *out = json_object();
        const char *keys[] = {"Entrypoint", "Cmd", "Env", "WorkingDir", "User"};
        for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
                json_t *v = json_object_get(c, keys[i]);
                if (v && !json_is_null(v))
                        json_object_set(out, keys[i], v);
        }
        return out;
}

/* Top-level entry names of an uncompressed tar (for format detection). */
static void scan_names(const char *path, bool *oci, bool *docker)
{
        *oci = *docker = false;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return;
        char h[512];
        off_t off = 0;
        for (int i = 0; i < 100000; i++) {
                if (pread(fd, h, 512, off) != 512 || h[0] == 0)
                        return;
                if (memcmp(h + 257, "ustar", 5) != 0)
                        return;
                char name[101];
                memcpy(name, h, 100);
                name[100] = 0;
                const char *n = startswith(name, "./") ? name + 2 : name;
                if (streq(n, "oci-layout") || streq(n, "index.json"))
                        *oci = true;
                if (streq(n, "manifest.json"))
                        *docker = true;
                char sz[13];
                memcpy(sz, h + 124, 12);
                sz[12] = 0;
                long long size = strtoll(sz, NULL, 8);
                off += 512 + (size + 511) / 512 * 512;
        }
}

static int verify_blob(const char *root, const char *digest, int64_t want_size, char **ret_path,
                       char *err, size_t errlen)
{
        if (!valid_digest(digest)) {
                snprintf(err, errlen, "invalid digest \"%s\"", digest ? digest : "");
                return -EINVAL;
        }
        char *p = xasprintf("%s/blobs/sha256/%s", root, digest + 7);
        char hex[65];
        uint64_t size = 0;
        int r = sha256_file(p, hex, &size);
        if (r < 0) {
                snprintf(err, errlen, "missing blob %s", digest);
                free(p);
                return r;
        }
        if (!streq(hex, digest + 7)) {
                snprintf(err, errlen, "unexpected commit digest sha256:%s, expected %s", hex, digest);
                free(p);
                return -EINVAL;
        }
        if (want_size >= 0 && (uint64_t)want_size != size) {
                snprintf(err, errlen, "unexpected commit size %llu, expected %lld",
                         (unsigned long long)size, (long long)want_size);
                free(p);
                return -EINVAL;
        }
        *ret_path = p;
        return 0;
}

static int import_oci(const char *dir, const char *root, const char *name, json_t *names,
                      char *err, size_t errlen)
{
        _cleanup_free_ char *ip = xasprintf("%s/index.json", root);
        _cleanup_json_ json_t *index = load_json(ip);
        json_t *m;
        size_t i;
        int imported = 0;
        json_array_foreach(jget(index, "manifests"), i, m)
        {
                const char *md = jstr(m, "digest");
                int64_t msz = -1;
                jint(m, "size", &msz);
                _cleanup_free_ char *mpath = NULL;
                int r = verify_blob(root, md, msz, &mpath, err, errlen);
                if (r < 0)
                        return r;
                _cleanup_json_ json_t *man = load_json(mpath);
                if (jget(man, "manifests")) { /* nested index: take the first linux/amd64 or first */
                        json_t *sub, *pick = NULL;
                        size_t j;
                        json_array_foreach(jget(man, "manifests"), j, sub)
                        {
                                if (!pick || (streq(jstr(sub, "platform.architecture"), "amd64") &&
                                              streq(jstr(sub, "platform.os"), "linux")))
                                        pick = sub;
                        }
                        _cleanup_free_ char *p2 = NULL;
                        int64_t s2 = -1;
                        jint(pick, "size", &s2);
                        if ((r = verify_blob(root, jstr(pick, "digest"), s2, &p2, err, errlen)) < 0)
                                return r;
                        json_decref(man);
                        man = load_json(p2);
                }
                const char *cd = jstr(man, "config.digest");
                int64_t csz = -1;
                jint(man, "config.size", &csz);
                _cleanup_free_ char *cpath = NULL;
                if ((r = verify_blob(root, cd, csz, &cpath, err, errlen)) < 0)
                        return r;
                _cleanup_json_ json_t *cfg = load_json(cpath);
                _cleanup_json_ json_t *layers = json_array();
                json_t *l;
                size_t j;
                uint64_t total = 0;
                json_array_foreach(jget(man, "layers"), j, l)
                {
                        _cleanup_free_ char *lp = NULL;
                        int64_t lsz = -1;
                        jint(l, "size", &lsz);
                        if ((r = verify_blob(root, jstr(l, "digest"), lsz, &lp, err, errlen)) < 0)
                                return r;
                        if ((r = ensure_layer(dir, lp, jstr(l, "digest") + 7, err, errlen)) < 0)
                                return r;
                        json_array_append_new(layers, json_string(jstr(l, "digest") + 7));
                        total += lsz > 0 ? (uint64_t)lsz : 0;
                }
                const char *ref = name;
                json_t *ann = jget(m, "annotations");
                if (!ref)
                        ref = json_string_value(json_object_get(ann, "io.containerd.image.name"));
                if (!ref)
                        ref = json_string_value(json_object_get(ann, "org.opencontainers.image.ref.name"));
                if (!ref) {
                        snprintf(err, errlen, "the OCI archive names no image: use --name");
                        return -EINVAL;
                }
                _cleanup_json_ json_t *c = pick_config(cfg);
                if ((r = save_ref(dir, ref, cd, layers, c, total)) < 0)
                        return r;
                json_array_append_new(names, json_string(ref));
                imported++;
                if (name)
                        break;
        }
        if (!imported) {
                snprintf(err, errlen, "the OCI archive has no manifests");
                return -EINVAL;
        }
        return 0;
}

static int import_docker(const char *dir, const char *root, const char *name, json_t *names,
                         char *err, size_t errlen)
{
        _cleanup_free_ char *mp = xasprintf("%s/manifest.json", root);
        _cleanup_json_ json_t *man = load_json(mp);
        if (!json_is_array(man) || json_array_size(man) == 0) {
                snprintf(err, errlen, "bad manifest.json in docker archive");
                return -EINVAL;
        }
        json_t *m;
        size_t i;
        int r;
        json_array_foreach(man, i, m)
        {
                _cleanup_free_ char *cclean = NULL;
                if (safepath_clean(jstr(m, "Config"), &cclean) < 0) {
                        snprintf(err, errlen, "bad Config in manifest.json");
                        return -EINVAL;
                }
                _cleanup_free_ char *cpath = xasprintf("%s/%s", root, cclean);
                char chex[65];
                if ((r = sha256_file(cpath, chex, NULL)) < 0) {
                        snprintf(err, errlen, "missing %s", cclean);
                        return r;
                }
                _cleanup_json_ json_t *cfg = load_json(cpath);
                _cleanup_json_ json_t *layers = json_array();
                json_t *l;
                size_t j;
                uint64_t total = 0;
                json_array_foreach(jget(m, "Layers"), j, l)
                {
                        _cleanup_free_ char *lclean = NULL;
                        if (safepath_clean(json_string_value(l), &lclean) < 0) {
                                snprintf(err, errlen, "bad layer path in manifest.json");
                                return -EINVAL;
                        }
                        _cleanup_free_ char *lp = xasprintf("%s/%s", root, lclean);
                        char hex[65];
                        uint64_t sz = 0;
                        struct stat st;
                        if (lstat(lp, &st) < 0 || !S_ISREG(st.st_mode) ||
                            (r = sha256_file(lp, hex, &sz)) < 0) {
                                snprintf(err, errlen, "missing layer %s", lclean);
                                return -EINVAL;
                        }
                        if ((r = ensure_layer(dir, lp, hex, err, errlen)) < 0)
                                return r;
                        json_array_append_new(layers, json_string(hex));
                        total += sz;
                }
                _cleanup_free_ char *id = xasprintf("sha256:%s", chex);
                _cleanup_json_ json_t *c = pick_config(cfg);
                json_t *tags = jget(m, "RepoTags"), *t;
                if (name) {
                        if ((r = save_ref(dir, name, id, layers, c, total)) < 0)
                                return r;
                        json_array_append_new(names, json_string(name));
                        break;
                }
                if (json_array_size(tags) == 0) {
                        snprintf(err, errlen, "the docker archive names no image: use --name");
                        return -EINVAL;
                }
                json_array_foreach(tags, j, t)
                {
                        if ((r = save_ref(dir, json_string_value(t), id, layers, c, total)) < 0)
                                return r;
                        json_array_append_new(names, json_incref(t));
                }
        }
        return 0;
}

static int ensure_dirs(const char *dir)
{
        _cleanup_free_ char *a = xasprintf("%s/layers", dir), *b = xasprintf("%s/refs", dir),
                            *c = xasprintf("%s/tmp", dir);
        int r;
        if ((r = mkdir_p(a, 0755)) < 0 || (r = mkdir_p(b, 0755)) < 0 || (r = mkdir_p(c, 0700)) < 0)
                return r;
        return 0;
}

int image_import(const char *dir, const char *path, const char *name, json_t **ret_names,
                 char *err, size_t errlen)
{
        *ret_names = NULL;
        err[0] = 0;
        int r = ensure_dirs(dir);
        _cleanup_close_ int lock = r == 0 ? store_lock(dir) : -1;
        if (r == 0 && lock < 0)
                r = lock;
        if (r < 0) {
                snprintf(err, errlen, "cannot create the image store in %s: %s", dir, strerror(-r));
                return r;
        }
        struct stat st;
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
                snprintf(err, errlen, "%s: not a readable file", path);
                return -ENOENT;
        }
        bool oci, docker;
        scan_names(path, &oci, &docker);
        json_t *names = json_array();
        if (oci || docker) {
                char rnd[9];
                random_suffix(rnd, 8);
                rnd[8] = 0;
                _cleanup_free_ char *tmp = xasprintf("%s/tmp/import-%s", dir, rnd);
                if (mkdir(tmp, 0700) < 0) {
                        json_decref(names);
                        return -errno;
                }
                struct tar_opts o = {.whiteouts = false};
                r = tar_extract_file(path, tmp, &o, err, errlen);
                if (r == 0)
                        r = oci ? import_oci(dir, tmp, name, names, err, errlen)
                                : import_docker(dir, tmp, name, names, err, errlen);
                rm_rf(tmp);
        } else {
                if (!name) {
                        snprintf(err, errlen, "%s is a plain rootfs tarball: give it a name with "
                                              "--name", path);
                        json_decref(names);
                        return -EINVAL;
                }
                char hex[65];
                uint64_t size = 0;
                if ((r = sha256_file(path, hex, &size)) == 0 &&
                    (r = ensure_layer(dir, path, hex, err, errlen)) == 0) {
                        _cleanup_json_ json_t *layers = json_pack("[s]", hex);
                        _cleanup_json_ json_t *cfg = json_pack(
                                "{s:[s]}", "Env",
                                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
                        _cleanup_free_ char *id = xasprintf("sha256:%s", hex);
                        r = save_ref(dir, name, id, layers, cfg, size);
                        json_array_append_new(names, json_string(name));
                }
        }
        if (r < 0) {
                if (!err[0])
                        snprintf(err, errlen, "import of %s failed: %s", path, strerror(-r));
                json_decref(names);
                return r;
        }
        *ret_names = names;
        return 0;
}

json_t *image_lookup(const char *dir, const char *ref)
{
        _cleanup_free_ char *norm = image_normalize(ref);
        char h[65];
        sha256_str(norm, h);
        _cleanup_free_ char *path = xasprintf("%s/refs/%s.json", dir, h);
        json_t *rec = load_json(path);
        if (rec && !streq(jstr(rec, "name"), norm)) {
                json_decref(rec);
                return NULL;
        }
        return rec;
}

json_t *image_list(const char *dir)
{
        json_t *out = json_array();
        _cleanup_free_ char *rd = xasprintf("%s/refs", dir);
        DIR *d = opendir(rd);
        if (!d)
                return out;
        struct dirent *de;
        while ((de = readdir(d))) {
                size_t n = strlen(de->d_name);
                if (n < 6 || !streq(de->d_name + n - 5, ".json"))
                        continue;
                _cleanup_free_ char *p = xasprintf("%s/%s", rd, de->d_name);
                json_t *rec = load_json(p);
                if (rec)
                        json_array_append_new(out, rec);
        }
        closedir(d);
        return out;
}

int image_remove(const char *dir, const char *ref)
{
        _cleanup_free_ char *norm = image_normalize(ref);
        char h[65];
        sha256_str(norm, h);
        _cleanup_free_ char *path = xasprintf("%s/refs/%s.json", dir, h);
        _cleanup_close_ int lock = store_lock(dir);
        if (lock < 0)
                return lock;
        if (unlink(path) < 0)
                return -errno;
        /* garbage-collect layers no image refers to any more */
        _cleanup_json_ json_t *all = image_list(dir);
        _cleanup_json_ json_t *used = json_object();
        json_t *rec, *l;
        size_t i, j;
        json_array_foreach(all, i, rec) json_array_foreach(jget(rec, "layers"), j, l)
                json_object_set(used, json_string_value(l), json_true());
        _cleanup_free_ char *ld = xasprintf("%s/layers", dir);
        DIR *d = opendir(ld);
        if (!d)
                return 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.' || json_object_get(used, de->d_name))
                        continue;
                rm_rf_at(dirfd(d), de->d_name);
        }
        closedir(d);
        return 0;
}

static char *name_from_file(const char *file)
{
        _cleanup_free_ char *base = xstrdup(file);
        const char *exts[] = {".tar.gz", ".tgz", ".tar.zst", ".tar.xz", ".tar"};
        size_t n = strlen(base);
        for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
                size_t e = strlen(exts[i]);
                if (n > e && streq(base + n - e, exts[i])) {
                        base[n - e] = 0;
                        break;
                }
        }
        char *us = strrchr(base, '_');
        if (us)
                *us = ':';
        return TAKE_PTR(base);
}

void image_autoimport(const char *dir, const char *import_dir)
{
        DIR *d = opendir(import_dir);
        if (!d)
                return;
        _cleanup_free_ char *donedir = xasprintf("%s/imported", dir);
        mkdir_p(donedir, 0755);
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                _cleanup_free_ char *p = xasprintf("%s/%s", import_dir, de->d_name);
                struct stat st;
                if (stat(p, &st) < 0 || !S_ISREG(st.st_mode))
                        continue;
                /* remember what was imported by file identity, so restarts are cheap */
                _cleanup_free_ char *mark = xasprintf("%s/%s.%lld.%lld", donedir, de->d_name,
                                                      (long long)st.st_size,
                                                      (long long)st.st_mtime);
                if (access(mark, F_OK) == 0)
                        continue;
                bool oci, docker;
                scan_names(p, &oci, &docker);
                _cleanup_free_ char *nm = oci || docker ? NULL : name_from_file(de->d_name);
                char err[512];
                json_t *names = NULL;
                if (image_import(dir, p, nm, &names, err, sizeof(err)) < 0) {
                        log_warn("agent: auto-import of %s failed: %s", p, err);
                        continue;
                }
                json_decref(names);
                int fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
                if (fd >= 0)
                        close(fd);
                log_info("agent: imported %s", p);
        }
        closedir(d);
}

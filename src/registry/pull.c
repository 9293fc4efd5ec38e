/* pull.c — one image pull: resolve the reference on the configured endpoints, verify
 * every manifest and blob by digest, download the missing layers a few at a time while
 * unpacking them, and only then write the store record that makes the image exist.
 *
 * Ordering is what keeps the store honest: a layer directory appears (by rename) only
 * after its blob hashed to the digest the manifest named, and the ref record appears
 * only after every layer it lists is present, so a crash or a failure at any point
 * leaves either the old image or the new one, never half of one.  Partially downloaded
 * blobs stay in <image_dir>/tmp/blob-<hex>.partial under an flock, so a second attempt
 * (this process or another) resumes with a Range request instead of starting over, and
 * two processes never write the same partial file.
 *
 * Concurrent pulls of the same image in one process share one pull through the
 * in-flight table: the first caller does the work, the others wait for its result.  A
 * shared flock on <image_dir>/registry.lock marks "pull in progress" for
 * registry_prune(), which must not collect layers a pull has unpacked but not yet
 * recorded.
 */
#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "base/log.h"
#include "base/util.h"
#include "image/safepath.h"
#include "image/store.h"
#include "registry/registry_int.h"

#define MAX_MANIFEST (4u << 20)
#define MAX_CONFIG_BLOB (8u << 20)
#define MAX_LAYERS 128
#define MAX_LAYER_BLOB (16ULL << 30)
#define BLOB_ATTEMPTS 3
#define REFUSED_TAIL_MAX (64ULL << 20) /* bytes still fetched after a layer was refused */

#define ACCEPT_MANIFESTS                                                                      \
        "application/vnd.oci.image.index.v1+json, "                                            \
        "application/vnd.docker.distribution.manifest.list.v2+json, "                          \
        "application/vnd.oci.image.manifest.v1+json, "                                         \
        "application/vnd.docker.distribution.manifest.v2+json"

/* ---- stats ---- */
static atomic_uint_fast64_t st_blob, st_manifest, st_shared;

void reg_stats_add(int kind)
{
        if (kind == 0)
                atomic_fetch_add(&st_blob, 1);
        else if (kind == 1)
                atomic_fetch_add(&st_manifest, 1);
        else
                atomic_fetch_add(&st_shared, 1);
}

void registry_stats_get(struct registry_stats *ret)
{
        ret->blob_gets = atomic_load(&st_blob);
        ret->manifest_gets = atomic_load(&st_manifest);
        ret->shared_waits = atomic_load(&st_shared);
}

/* ---- small helpers ---- */
static void hex_of(const unsigned char *d, size_t n, char *out)
{
        static const char x[] = "0123456789abcdef";
        for (size_t i = 0; i < n; i++) {
                out[2 * i] = x[d[i] >> 4];
                out[2 * i + 1] = x[d[i] & 15];
        }
        out[2 * n] = 0;
}

static void sha256_hex(const void *p, size_t n, char out[65])
{
        unsigned char md[32];
        unsigned int len = 0;
        EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
        hex_of(md, 32, out);
}

static bool valid_digest(const char *d)
{
        if (!d || !startswith(d, "sha256:") || strlen(d) != 71)
                return false;
        for (const char *p = d + 7; *p; p++)
                if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
                        return false;
        return true;
}

static bool is_loopback(const char *host)
{
        return startswith(host, "localhost") || startswith(host, "127.") ||
               startswith(host, "[::1]");
}

int registry_store_lock(const char *image_dir, bool exclusive)
{
        return reg_store_lock(image_dir, exclusive);
}

int reg_store_lock(const char *image_dir, bool exclusive)
{
        _cleanup_free_ char *p = xasprintf("%s/registry.lock", image_dir);
        int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0 && errno == ENOENT && mkdir_p(image_dir, 0755) == 0)
                fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
        while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
                if (errno != EINTR) {
                        int e = -errno;
                        close(fd);
                        return e;
                }
        }
        return fd;
}

static int ensure_store(const char *image_dir)
{
        const char *sub[] = {"layers", "refs", "tmp"};
        for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
                _cleanup_free_ char *p = xasprintf("%s/%s", image_dir, sub[i]);
                int r = mkdir_p(p, i == 2 ? 0700 : 0755);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- the state of one pull ---- */
struct layer_job {
        const char *digest;
        int64_t size;
        int index;
        uint64_t done;
};

struct pull {
        const struct registry_config *cfg;
        const char *image_dir;
        const char *canon;
        struct registry_ref ref;
        struct reg_session *sess;
        registry_progress_fn progress;
        void *ud;
        pthread_mutex_t mu; /* progress, next job, first error */
        struct layer_job *jobs;
        int njobs, next_job, nlayers;
        uint64_t done, total;
        atomic_bool failed;
        int err_code;
        char err[1024];
};

static void report(struct pull *p, enum registry_phase ph, struct layer_job *j, uint64_t ldone)
{
        if (!p->progress)
                return;
        struct registry_progress pr = {.phase = ph, .ref = p->canon, .layers = p->nlayers,
                                       .done = p->done, .total = p->total};
        if (j) {
                pr.digest = j->digest;
                pr.layer = j->index;
                pr.layer_done = ldone;
                pr.layer_total = (uint64_t)j->size;
        }
        p->progress(p->ud, &pr);
}

static void set_error(struct pull *p, int code, const char *msg)
{
        pthread_mutex_lock(&p->mu);
        if (!p->err_code) {
                p->err_code = code;
                snprintf(p->err, sizeof(p->err), "%s", msg);
        }
        atomic_store(&p->failed, true);
        pthread_mutex_unlock(&p->mu);
}

/* ---- one layer ---- */
struct blob_dl {
        struct pull *p;
        struct layer_job *j;
        int fd; /* the partial file */
        EVP_MD_CTX *md;
        struct reg_unpack *u;
        char *tmpdir;
        uint64_t fed, last_report;
        int unpack_err;
        bool oversize;
};

static int dl_restart(struct blob_dl *d)
{
        if (d->u)
                reg_unpack_abort(d->u);
        rm_rf(d->tmpdir);
        d->u = reg_unpack_new(d->tmpdir, d->p->cfg->max_layer_bytes);
        EVP_DigestInit_ex(d->md, EVP_sha256(), NULL);
        if (ftruncate(d->fd, 0) < 0)
                return -errno;
        pthread_mutex_lock(&d->p->mu);
        d->p->done -= d->fed;
        pthread_mutex_unlock(&d->p->mu);
        d->fed = 0;
        return 0;
}

static int dl_feed(struct blob_dl *d, const void *buf, size_t n, bool to_file)
{
        if (atomic_load(&d->p->failed))
                return -ECANCELED;
        if (d->fed + n > (uint64_t)d->j->size) {
                d->oversize = true;
                return -EBADMSG;
        }
        if (to_file) {
                size_t w = 0;
                while (w < n) {
                        ssize_t k = pwrite(d->fd, (const char *)buf + w, n - w,
                                           (off_t)(d->fed + w));
                        if (k < 0 && errno == EINTR)
                                continue;
                        if (k < 0)
                                return -errno;
                        w += (size_t)k;
                }
        }
        EVP_DigestUpdate(d->md, buf, n);
        /* after a refusal keep downloading so that the error names the real cause
         * (corrupt bytes show up as a digest mismatch), unless much is left to fetch */
        if (!d->unpack_err) {
                int r = reg_unpack_write(d->u, buf, n);
                if (r < 0)
                        d->unpack_err = r;
        } else if ((uint64_t)d->j->size - d->fed > REFUSED_TAIL_MAX) {
                return -EBADMSG;
        }
        d->fed += n;
        pthread_mutex_lock(&d->p->mu);
        d->p->done += n;
        d->j->done = d->fed;
        if (d->fed - d->last_report >= (1u << 20) || d->fed == (uint64_t)d->j->size) {
                d->last_report = d->fed;
                report(d->p, REGISTRY_DOWNLOADING, d->j, d->fed);
        }
        pthread_mutex_unlock(&d->p->mu);
        return 0;
}

static int on_first(void *ud, bool ranged)
{
        struct blob_dl *d = ud;
        if (d->fed > 0 && !ranged)
                return dl_restart(d);
        return 0;
}

static int on_data(void *ud, const void *buf, size_t n)
{
        return dl_feed(ud, buf, n, true);
}

static int pull_layer(struct pull *p, struct layer_job *j, char *err, size_t errlen)
{
        const char *hex = j->digest + 7;
        _cleanup_free_ char *final = image_layer_path(p->image_dir, hex);
        struct stat st;
        if (stat(final, &st) == 0)
                return 0;
        _cleanup_free_ char *partial = xasprintf("%s/tmp/blob-%s.partial", p->image_dir, hex);
        _cleanup_close_ int fd = open(partial, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) {
                snprintf(err, errlen, "cannot create %s: %s", partial, strerror(errno));
                return -errno;
        }
        while (flock(fd, LOCK_EX) < 0)
                if (errno != EINTR)
                        return -errno;
        if (stat(final, &st) == 0) /* another process finished it meanwhile */
                return 0;
        if (fstat(fd, &st) < 0)
                return -errno;
        if ((uint64_t)st.st_size > (uint64_t)j->size && ftruncate(fd, 0) < 0)
                return -errno;
        char rnd[9];
        random_suffix(rnd, 8);
        rnd[8] = 0;
        struct blob_dl d = {.p = p, .j = j, .fd = fd, .md = EVP_MD_CTX_new()};
        d.tmpdir = xasprintf("%s/layers/.pull-%s-%s", p->image_dir, hex, rnd);
        d.u = reg_unpack_new(d.tmpdir, p->cfg->max_layer_bytes);
        EVP_DigestInit_ex(d.md, EVP_sha256(), NULL);
        int r = 0;
        /* resume: replay what an earlier attempt already verified-by-length on disk */
        uint64_t have = (uint64_t)(fstat(fd, &st) == 0 ? st.st_size : 0);
        if (have > 0) {
                size_t cap = 1u << 20;
                _cleanup_free_ char *b = xmalloc(cap);
                uint64_t off = 0;
                while (r == 0 && off < have) {
                        ssize_t k = pread(fd, b, cap, (off_t)off);
                        if (k <= 0) {
                                r = k < 0 ? -errno : -EIO;
                                break;
                        }
                        r = dl_feed(&d, b, (size_t)k, false);
                        off += (uint64_t)k;
                }
        }
        for (int attempt = 0; r == 0 && d.fed < (uint64_t)j->size && attempt < BLOB_ATTEMPTS;
             attempt++) {
                r = reg_get_blob(p->sess, j->digest, d.fed, on_first, on_data, &d, err, errlen);
                if (r == -ECONNREFUSED || r == -EIO || r == -ETIMEDOUT || r == -EHOSTUNREACH) {
                        if (attempt + 1 < BLOB_ATTEMPTS && !d.unpack_err) {
                                log_warn("registry: %s: %s; resuming at byte %llu", j->digest,
                                         err, (unsigned long long)d.fed);
                                r = 0;
                        }
                }
        }
        unsigned char md[32];
        unsigned int mdlen = 0;
        char got[65];
        EVP_DigestFinal_ex(d.md, md, &mdlen);
        EVP_MD_CTX_free(d.md);
        hex_of(md, 32, got);
        bool drop_partial = false;
        if (d.oversize) {
                snprintf(err, errlen,
                         "failed commit on ref \"layer-%s\": blob is larger than the %lld bytes "
                         "its descriptor declares",
                         j->digest, (long long)j->size);
                r = -EBADMSG;
                drop_partial = true;
        } else if (r == 0 && d.fed != (uint64_t)j->size) {
                snprintf(err, errlen,
                         "failed commit on ref \"layer-%s\": unexpected commit size %llu, "
                         "expected %lld",
                         j->digest, (unsigned long long)d.fed, (long long)j->size);
                r = -EBADMSG;
                drop_partial = true;
        } else if (r == 0 && !streq(got, hex)) {
                snprintf(err, errlen,
                         "failed commit on ref \"layer-%s\": unexpected commit digest "
                         "sha256:%s, expected %s: failed precondition",
                         j->digest, got, j->digest);
                r = -EBADMSG;
                drop_partial = true;
        }
        if (r == 0 || (r == -EBADMSG && d.unpack_err && !drop_partial)) {
                /* verified bytes: the pipeline's verdict (refusal reasons) is the answer */
                r = reg_unpack_finish(d.u, err, errlen);
                if (r == 0 && d.unpack_err)
                        r = -EBADMSG;
                d.u = NULL;
                if (r < 0) {
                        char tmp[1024];
                        snprintf(tmp, sizeof(tmp), "%s", err);
                        snprintf(err, errlen, "layer %s: %.900s", j->digest, tmp);
                        drop_partial = true;
                }
        }
        if (d.u)
                reg_unpack_abort(d.u);
        if (r == 0 && rename(d.tmpdir, final) < 0) {
                if (errno != EEXIST && errno != ENOTEMPTY) {
                        r = -errno;
                        snprintf(err, errlen, "rename into %s: %s", final, strerror(errno));
                }
        }
        if (r < 0 || stat(d.tmpdir, &st) == 0)
                rm_rf(d.tmpdir);
        if (r == 0 || drop_partial)
                unlink(partial);
        free(d.tmpdir);
        return r;
}

/* Layer pipelines running in this process, across all pulls: each is a download, a
 * decompressor process and two threads, so many pods pulling different images at once
 * must not multiply them without bound (the kubelet serialises pulls by default; this
 * lets a few run side by side). */
static pthread_mutex_t slots_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slots_cond = PTHREAD_COND_INITIALIZER;
static int slots_used;

static void slot_get(int max)
{
        pthread_mutex_lock(&slots_mu);
        while (slots_used >= max)
                pthread_cond_wait(&slots_cond, &slots_mu);
        slots_used++;
        pthread_mutex_unlock(&slots_mu);
}

static void slot_put(void)
{
        pthread_mutex_lock(&slots_mu);
        slots_used--;
        pthread_cond_signal(&slots_cond);
        pthread_mutex_unlock(&slots_mu);
}

static void *worker_main(void *ud)
{
        struct pull *p = ud;
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        for (;;) {
                pthread_mutex_lock(&p->mu);
                struct layer_job *j = NULL;
                if (p->next_job < p->njobs && !atomic_load(&p->failed))
                        j = &p->jobs[p->next_job++];
                pthread_mutex_unlock(&p->mu);
                if (!j)
                        break;
                char err[1024] = "";
                slot_get(p->cfg->max_parallel_layers);
                int r = pull_layer(p, j, err, sizeof(err));
                slot_put();
                if (r < 0) {
                        if (r != -ECANCELED)
                                set_error(p, r, err[0] ? err : strerror(-r));
                        break;
                }
                pthread_mutex_lock(&p->mu);
                p->done += (uint64_t)j->size - j->done;
                j->done = (uint64_t)j->size;
                report(p, REGISTRY_LAYER_DONE, j, (uint64_t)j->size);
                pthread_mutex_unlock(&p->mu);
        }
        return NULL;
}

/* ---- manifests ---- */
static char *media_type(const char *ctype, json_t *body)
{
        const char *mt = jstr(body, "mediaType");
        if (ctype && *ctype && !startswith(ctype, "application/json") &&
            !startswith(ctype, "text/plain"))
                return xstrndup(ctype, strcspn(ctype, "; "));
        if (mt)
                return xstrdup(mt);
        if (jget(body, "manifests"))
                return xstrdup("application/vnd.oci.image.index.v1+json");
        return xstrdup("application/vnd.oci.image.manifest.v1+json");
}

static bool is_index(const char *mt)
{
        return streq(mt, "application/vnd.oci.image.index.v1+json") ||
               streq(mt, "application/vnd.docker.distribution.manifest.list.v2+json");
}

static bool is_manifest(const char *mt)
{
        return streq(mt, "application/vnd.oci.image.manifest.v1+json") ||
               streq(mt, "application/vnd.docker.distribution.manifest.v2+json");
}

/* GET a manifest by tag or digest and verify it. want_digest/want_size may be unset. */
static int get_manifest(struct pull *p, const char *reference, const char *want_digest,
                        int64_t want_size, json_t **ret, char **ret_mt, char ret_digest[72],
                        char *err, size_t errlen)
{
        reg_stats_add(1);
        _cleanup_free_ char *path = xasprintf("%s/manifests/%s", p->ref.path, reference);
        struct buf b;
        _cleanup_free_ char *ctype = NULL, *hdr_digest = NULL;
        int r = reg_get_small(p->sess, path, ACCEPT_MANIFESTS, MAX_MANIFEST, &b, &ctype,
                              &hdr_digest, err, errlen);
        if (r == -EFBIG) {
                snprintf(err, errlen, "manifest %s is larger than %u bytes", reference,
                         MAX_MANIFEST);
                return r;
        }
        if (r < 0)
                return r;
        char hex[65];
        sha256_hex(b.data ? b.data : "", b.len, hex);
        snprintf(ret_digest, 72, "sha256:%s", hex);
        if (want_digest && !streq(ret_digest, want_digest)) {
                snprintf(err, errlen, "manifest digest mismatch: got %s, expected %s", ret_digest,
                         want_digest);
                buf_release(&b);
                return -EBADMSG;
        }
        if (!want_digest && hdr_digest && valid_digest(hdr_digest) && !streq(hdr_digest, ret_digest)) {
                snprintf(err, errlen,
                         "manifest digest mismatch: content is %s but the registry says %s",
                         ret_digest, hdr_digest);
                buf_release(&b);
                return -EBADMSG;
        }
        if (want_size >= 0 && (uint64_t)want_size != b.len) {
                snprintf(err, errlen, "manifest %s: size %zu, descriptor says %lld", ret_digest,
                         b.len, (long long)want_size);
                buf_release(&b);
                return -EBADMSG;
        }
        char perr[128];
        json_t *j = jparse(b.data ? b.data : "", b.len, 32, perr, sizeof(perr));
        buf_release(&b);
        if (!json_is_object(j)) {
                snprintf(err, errlen, "manifest %s is not valid JSON: %s", ret_digest, perr);
                json_decref(j);
                return -EPROTO;
        }
        *ret_mt = media_type(ctype, j);
        *ret = j;
        return 0;
}

static json_t *pick_platform(json_t *index)
{
        json_t *m, *best = NULL;
        size_t i;
        json_array_foreach(jget(index, "manifests"), i, m)
        {
                if (!streq(jstr(m, "platform.os"), "linux") ||
                    !streq(jstr(m, "platform.architecture"), "amd64"))
                        continue;
                const char *mt = jstr(m, "mediaType");
                if (mt && !is_manifest(mt) && !is_index(mt))
                        continue;
                if (!best || !jstr(m, "platform.variant"))
                        best = m;
        }
        return best;
}

/* Resolve the reference to an image manifest (through at most two index levels). */
static int resolve(struct pull *p, json_t **ret_manifest, char ret_top[72], char *err,
                   size_t errlen)
{
        const char *reference = p->ref.digest ? p->ref.digest : p->ref.tag;
        json_t *m = NULL;
        char *mt = NULL;
        char d[72];
        int r = get_manifest(p, reference, p->ref.digest, -1, &m, &mt, d, err, errlen);
        if (r < 0)
                return r;
        memcpy(ret_top, d, 72);
        for (int depth = 0; r == 0 && is_index(mt); depth++) {
                json_t *pick = depth < 2 ? pick_platform(m) : NULL;
                if (!pick) {
                        snprintf(err, errlen,
                                 "no match for platform in manifest %s: not found (no "
                                 "linux/amd64 entry)",
                                 d);
                        r = depth < 2 ? -ENOENT : -EPROTO;
                        break;
                }
                _cleanup_free_ char *cd = xstrdup(jstr(pick, "digest") ? jstr(pick, "digest") : "");
                int64_t sz = -1;
                jint(pick, "size", &sz);
                if (!valid_digest(cd)) {
                        snprintf(err, errlen, "index %s names an invalid digest", d);
                        r = -EPROTO;
                        break;
                }
                json_decref(m);
                free(mt);
                m = NULL;
                mt = NULL;
                r = get_manifest(p, cd, cd, sz, &m, &mt, d, err, errlen);
        }
        if (r == 0 && !is_manifest(mt)) {
                snprintf(err, errlen, "unsupported manifest media type %s", mt);
                r = -EPROTO;
        }
        if (r == 0) {
                int64_t sv = 0;
                jint(m, "schemaVersion", &sv);
                if (sv != 2) {
                        snprintf(err, errlen, "unsupported manifest schemaVersion %lld",
                                 (long long)sv);
                        r = -EPROTO;
                }
        }
        free(mt);
        if (r < 0) {
                json_decref(m);
                return r;
        }
        *ret_manifest = m;
        return 0;
}

static bool layer_type_ok(const char *mt)
{
        static const char *ok[] = {
                "application/vnd.oci.image.layer.v1.tar",
                "application/vnd.oci.image.layer.v1.tar+gzip",
                "application/vnd.oci.image.layer.v1.tar+zstd",
                "application/vnd.oci.image.layer.nondistributable.v1.tar",
                "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
                "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
                "application/vnd.docker.image.rootfs.diff.tar",
        };
        if (!mt)
                return true;
        for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
                if (streq(mt, ok[i]))
                        return true;
        return false;
}

static int get_config(struct pull *p, json_t *manifest, json_t **ret, char *err, size_t errlen)
{
        const char *cd = jstr(manifest, "config.digest");
        int64_t csz = -1;
        jint(manifest, "config.size", &csz);
        if (!valid_digest(cd) || csz < 0) {
                snprintf(err, errlen, "manifest has no valid config descriptor");
                return -EPROTO;
        }
        if (csz > (int64_t)MAX_CONFIG_BLOB) {
                snprintf(err, errlen, "image config is %lld bytes (limit %u)", (long long)csz,
                         MAX_CONFIG_BLOB);
                return -EFBIG;
        }
        reg_stats_add(0);
        _cleanup_free_ char *path = xasprintf("%s/blobs/%s", p->ref.path, cd);
        struct buf b;
        int r = reg_get_small(p->sess, path, NULL, MAX_CONFIG_BLOB, &b, NULL, NULL, err, errlen);
        if (r < 0)
                return r;
        char hex[65];
        sha256_hex(b.data ? b.data : "", b.len, hex);
        if (!streq(hex, cd + 7) || b.len != (size_t)csz) {
                snprintf(err, errlen,
                         "failed commit on ref \"config-%s\": unexpected commit digest "
                         "sha256:%s, expected %s: failed precondition",
                         cd, hex, cd);
                buf_release(&b);
                return -EBADMSG;
        }
        char perr[128];
        json_t *j = jparse(b.data ? b.data : "", b.len, 32, perr, sizeof(perr));
        buf_release(&b);
        if (!json_is_object(j)) {
                json_decref(j);
                snprintf(err, errlen, "image config is not valid JSON: %s", perr);
                return -EPROTO;
        }
        *ret = j;
        return 0;
}

/* ---- records ---- */
static int write_atomic(const char *path, const char *s)
{
        _cleanup_free_ char *tmp = xasprintf("%s.tmp-%d", path, (int)getpid());
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return -errno;
        size_t n = strlen(s);
        int r = write(fd, s, n) == (ssize_t)n && fsync(fd) == 0 ? 0 : -EIO;
        close(fd);
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0)
                unlink(tmp);
        return r;
}

/* refs/<sha256(name)>.json as src/image/store.h lays it out; name must be what
 * image_normalize() makes of it, because image_lookup() checks that. */
static int save_record(const char *image_dir, const char *name, json_t *rec)
{
        _cleanup_free_ char *norm = image_normalize(name);
        char h[65];
        sha256_hex(norm, strlen(norm), h);
        json_object_set_new(rec, "name", json_string(norm));
        _cleanup_free_ char *s = json_dumps(rec, JSON_INDENT(1));
        _cleanup_free_ char *path = xasprintf("%s/refs/%s.json", image_dir, h);
        return write_atomic(path, s);
}

static json_t *pick_config(json_t *cfg)
{
        json_t *c = jget(cfg, "config");
        json_t *out = json_object();
        const char *keys[] = {"Entrypoint", "Cmd", "Env", "WorkingDir", "User"};
        for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
                json_t *v = json_object_get(c, keys[i]);
                if (v && !json_is_null(v) && !(json_is_string(v) && !*json_string_value(v)))
                        json_object_set(out, keys[i], v);
        }
        return out;
}

/* ---- endpoints ---- */
static char *url_host(const char *url)
{
        const char *h = strstr(url, "://");
        h = h ? h + 3 : url;
        return xstrndup(h, strcspn(h, "/"));
}

static size_t build_endpoints(const struct registry_config *cfg, const char *domain,
                              struct reg_endpoint *eps, size_t max)
{
        size_t n = 0;
        if (!domain)
                return 0;
        const struct reg_host *m = reg_config_mirror(cfg, domain);
        for (size_t i = 0; m && i < m->n_endpoints && n < max; i++) {
                struct reg_endpoint *e = &eps[n++];
                e->base = xstrdup(m->endpoints[i]);
                e->host = url_host(e->base);
                const struct reg_host *c = reg_config_host(cfg, e->host);
                e->skip_verify = c && c->skip_verify;
                e->ca_file = c ? c->ca_file : NULL;
                e->cert_file = c ? c->cert_file : NULL;
                e->key_file = c ? c->key_file : NULL;
        }
        if ((!m || !m->disable_default) && n < max) {
                struct reg_endpoint *e = &eps[n++];
                const char *host = streq(domain, "docker.io") ? "registry-1.docker.io" : domain;
                const struct reg_host *c = reg_config_host(cfg, domain);
                bool insecure = c && c->insecure;
                e->base = xasprintf("%s://%s", insecure ? "http" : "https", host);
                e->host = xstrdup(domain);
                e->http_fallback = !insecure && is_loopback(host);
                e->skip_verify = (c && c->skip_verify) || e->http_fallback;
                e->ca_file = c ? c->ca_file : NULL;
                e->cert_file = c ? c->cert_file : NULL;
                e->key_file = c ? c->key_file : NULL;
        }
        return n;
}

static void creds_for(const struct registry_config *cfg, const struct reg_endpoint *e,
                      const struct registry_ref *ref, json_t *secrets, struct reg_cred **v,
                      size_t *n)
{
        const struct reg_host *c = reg_config_host(cfg, e->host);
        if (c && (c->username || c->identity_token)) {
                *v = xrealloc(*v, (*n + 1) * sizeof(**v));
                (*v)[(*n)++] = (struct reg_cred){
                        c->username ? xstrdup(c->username) : NULL,
                        c->password ? xstrdup(c->password) : NULL,
                        c->identity_token ? xstrdup(c->identity_token) : NULL};
        }
        reg_creds_from_secrets(secrets, e->host, ref->path, v, n);
        if (!streq(e->host, ref->domain))
                reg_creds_from_secrets(secrets, ref->domain, ref->path, v, n);
}

static bool layers_present(const char *image_dir, json_t *rec)
{
        json_t *l;
        size_t i;
        json_array_foreach(jget(rec, "layers"), i, l)
        {
                const char *hex = json_string_value(l);
                if (!hex || strlen(hex) != 64 || strchr(hex, '/'))
                        return false;
                _cleanup_free_ char *lp = image_layer_path(image_dir, hex);
                struct stat st;
                if (stat(lp, &st) < 0)
                        return false;
        }
        return json_array_size(jget(rec, "layers")) > 0;
}

/* ---- the pull ---- */
static int do_pull(struct pull *p, json_t *secrets, json_t **ret_record, char *err,
                   size_t errlen)
{
        int r = ensure_store(p->image_dir);
        if (r < 0) {
                snprintf(err, errlen, "cannot create the image store in %s: %s", p->image_dir,
                         strerror(-r));
                return r;
        }
        _cleanup_close_ int lockfd = reg_store_lock(p->image_dir, false);
        if (lockfd < 0) {
                snprintf(err, errlen, "cannot lock the image store: %s", strerror(-lockfd));
                return lockfd;
        }
        report(p, REGISTRY_RESOLVING, NULL, 0);
        struct reg_endpoint eps[16] = {{0}};
        size_t neps = build_endpoints(p->cfg, p->ref.domain, eps, ARRAY_SIZE(eps));
        json_t *manifest = NULL;
        char top[72] = "";
        struct reg_cred *creds = NULL;
        size_t ncreds = 0;
        r = -ENOENT;
        snprintf(err, errlen, "no endpoint configured for %s", p->ref.domain);
        for (size_t i = 0; i < neps; i++) {
                creds_for(p->cfg, &eps[i], &p->ref, secrets, &creds, &ncreds);
                p->sess = reg_session_new(&eps[i], p->ref.path, creds, ncreds);
                char e1[900];
                r = resolve(p, &manifest, top, e1, sizeof(e1));
                if (r == 0)
                        break;
                if (r == -ENOENT && startswith(e1, "unexpected status")) /* a 404 */
                        snprintf(err, errlen,
                                 "failed to pull and unpack image \"%s\": failed to resolve "
                                 "reference \"%s\": %s: not found",
                                 p->canon, p->canon, p->canon);
                else
                        snprintf(err, errlen,
                                 "failed to pull and unpack image \"%s\": failed to resolve "
                                 "reference \"%s\": %s",
                                 p->canon, p->canon, e1);
                log_debug("registry: %s on %s: %s", p->canon, eps[i].base, e1);
                reg_session_free(p->sess);
                p->sess = NULL;
                for (size_t k = 0; k < ncreds; k++)
                        reg_cred_release(&creds[k]);
                free(creds);
                creds = NULL;
                ncreds = 0;
                if (r == -EBADMSG)
                        break; /* a lying endpoint: do not paper over it with another */
        }
        for (size_t i = 0; i < neps; i++) {
                free(eps[i].base);
                free(eps[i].host);
        }
        if (r < 0)
                return r;
        /* up to date (policy Always, the common case): the registry names the manifest we
         * already have and every layer is here, so the record stands as it is */
        json_t *have = image_lookup(p->image_dir, p->canon);
        if (have && streq(jstr(have, "digest"), top) && layers_present(p->image_dir, have)) {
                report(p, REGISTRY_DONE, NULL, 0);
                *ret_record = have;
                json_decref(manifest);
                reg_session_free(p->sess);
                p->sess = NULL;
                for (size_t k = 0; k < ncreds; k++)
                        reg_cred_release(&creds[k]);
                free(creds);
                return 0;
        }
        json_decref(have);
        json_t *config = NULL;
        _cleanup_json_ json_t *layers_out = json_array();
        uint64_t total = 0;
        json_t *layers = jget(manifest, "layers");
        size_t nl = json_array_size(layers);
        if (!json_is_array(layers) || nl == 0) {
                snprintf(err, errlen, "manifest %s lists no layers", top);
                r = -EPROTO;
        } else if (nl > MAX_LAYERS) {
                snprintf(err, errlen, "image has %zu layers (limit %d)", nl, MAX_LAYERS);
                r = -EFBIG;
        }
        if (r == 0)
                r = get_config(p, manifest, &config, err, errlen);
        if (r == 0) {
                p->jobs = xcalloc(nl, sizeof(*p->jobs));
                p->nlayers = (int)nl;
                json_t *l;
                size_t i;
                json_array_foreach(layers, i, l)
                {
                        const char *d = jstr(l, "digest");
                        int64_t sz = -1;
                        jint(l, "size", &sz);
                        if (!valid_digest(d) || sz < 0 || (uint64_t)sz > MAX_LAYER_BLOB) {
                                snprintf(err, errlen, "layer %zu has an invalid descriptor", i);
                                r = sz > 0 ? -EFBIG : -EPROTO;
                                break;
                        }
                        if (!layer_type_ok(jstr(l, "mediaType"))) {
                                snprintf(err, errlen, "unsupported layer media type %s",
                                         jstr(l, "mediaType"));
                                r = -EPROTO;
                                break;
                        }
                        json_array_append_new(layers_out, json_string(d + 7));
                        total += (uint64_t)sz;
                        _cleanup_free_ char *lp = image_layer_path(p->image_dir, d + 7);
                        struct stat st;
                        if (stat(lp, &st) == 0)
                                continue;
                        bool dup = false;
                        for (int k = 0; k < p->njobs; k++)
                                dup = dup || streq(p->jobs[k].digest, d);
                        if (!dup)
                                p->jobs[p->njobs++] = (struct layer_job){d, sz, (int)i, 0};
                }
        }
        if (r == 0) {
                for (int k = 0; k < p->njobs; k++)
                        p->total += (uint64_t)p->jobs[k].size;
                int nthreads = p->cfg->max_concurrent < p->njobs ? p->cfg->max_concurrent : p->njobs;
                pthread_t th[16];
                int started = 0;
                for (int k = 0; k < nthreads; k++)
                        if (pthread_create(&th[k], NULL, worker_main, p) == 0)
                                started++;
                if (nthreads > 0 && started == 0) {
                        snprintf(err, errlen, "cannot start download threads");
                        r = -EAGAIN;
                }
                for (int k = 0; k < started; k++)
                        pthread_join(th[k], NULL);
                if (r == 0 && p->err_code) {
                        r = p->err_code;
                        snprintf(err, errlen, "failed to pull and unpack image \"%s\": %s",
                                 p->canon, p->err);
                }
        }
        if (r == 0) {
                _cleanup_json_ json_t *rec = json_object();
                char created[40];
                time_format_rfc3339(clock_now_s(), created, sizeof(created));
                _cleanup_free_ char *name = registry_ref_name(&p->ref);
                _cleanup_free_ char *repo_digest = xasprintf("%s@%s", name, top);
                json_object_set_new(rec, "id", json_string(jstr(manifest, "config.digest")));
                json_object_set(rec, "layers", layers_out);
                json_object_set_new(rec, "config", pick_config(config));
                json_object_set_new(rec, "size", json_integer((json_int_t)total));
                json_object_set_new(rec, "created", json_string(created));
                json_object_set_new(rec, "digest", json_string(top));
                json_object_set_new(rec, "repoDigest", json_string(repo_digest));
                r = save_record(p->image_dir, p->canon, rec);
                if (r < 0)
                        snprintf(err, errlen, "cannot write the image record: %s", strerror(-r));
                if (r == 0)
                        *ret_record = json_deep_copy(rec);
                report(p, REGISTRY_DONE, NULL, 0);
        }
        json_decref(config);
        json_decref(manifest);
        reg_session_free(p->sess);
        p->sess = NULL;
        for (size_t k = 0; k < ncreds; k++)
                reg_cred_release(&creds[k]);
        free(creds);
        free(p->jobs);
        p->jobs = NULL;
        return r;
}

/* ---- in-flight table: one pull per (store, image) at a time in this process ---- */
struct inflight {
        struct inflight *next;
        char *key;
        bool done;
        int refs, rc;
        json_t *record;
        char err[1024];
};
static pthread_mutex_t if_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t if_cond = PTHREAD_COND_INITIALIZER;
static struct inflight *if_head;

static void inflight_put(struct inflight *f)
{
        if (--f->refs == 0) {
                json_decref(f->record);
                free(f->key);
                free(f);
        }
}

int registry_pull(const struct registry_config *cfg, const char *image_dir, const char *ref,
                  json_t *pull_secrets, registry_progress_fn progress, void *ud,
                  json_t **ret_record, char *err, size_t errlen)
{
        *ret_record = NULL;
        err[0] = 0;
        struct pull p = {.cfg = cfg, .image_dir = image_dir, .progress = progress, .ud = ud};
        int r = registry_ref_parse(ref, &p.ref, err, errlen);
        if (r < 0)
                return r;
        struct registry_config *defcfg = NULL;
        if (!cfg) {
                registry_config_from_json(NULL, &defcfg, err, errlen);
                p.cfg = defcfg;
        }
        _cleanup_free_ char *canon = registry_ref_string(&p.ref);
        p.canon = canon;
        _cleanup_free_ char *key = xasprintf("%s\n%s", image_dir, canon);

        pthread_mutex_lock(&if_mu);
        struct inflight *f;
        for (f = if_head; f; f = f->next)
                if (streq(f->key, key))
                        break;
        if (f) {
                f->refs++;
                reg_stats_add(2);
                while (!f->done)
                        pthread_cond_wait(&if_cond, &if_mu);
                r = f->rc;
                if (r == 0)
                        *ret_record = json_deep_copy(f->record);
                else
                        snprintf(err, errlen, "%s", f->err);
                inflight_put(f);
                pthread_mutex_unlock(&if_mu);
                registry_ref_release(&p.ref);
                registry_config_free(defcfg);
                return r;
        }
        f = xcalloc(1, sizeof(*f));
        f->key = xstrdup(key);
        f->refs = 1;
        f->next = if_head;
        if_head = f;
        pthread_mutex_unlock(&if_mu);

        pthread_mutex_init(&p.mu, NULL);
        json_t *rec = NULL;
        r = do_pull(&p, pull_secrets, &rec, err, errlen);
        pthread_mutex_destroy(&p.mu);
        /* the store's own name for the input, when it differs (index.docker.io/..., name:tag@digest) */
        if (r == 0) {
                _cleanup_free_ char *alias = image_normalize(ref);
                if (!streq(alias, canon)) {
                        json_t *copy = json_deep_copy(rec);
                        save_record(image_dir, alias, copy);
                        json_decref(copy);
                }
        }

        pthread_mutex_lock(&if_mu);
        f->done = true;
        f->rc = r;
        f->record = rec ? json_deep_copy(rec) : NULL;
        snprintf(f->err, sizeof(f->err), "%s", err);
        for (struct inflight **pp = &if_head; *pp; pp = &(*pp)->next)
                if (*pp == f) {
                        *pp = f->next;
                        break;
                }
        inflight_put(f);
        pthread_cond_broadcast(&if_cond);
        pthread_mutex_unlock(&if_mu);
        *ret_record = rec;
        registry_ref_release(&p.ref);
        registry_config_free(defcfg);
        return r;
}

/* Go's time.Duration.String() of a duration truncated to milliseconds, as the kubelet
 * prints pull times. */
static void go_duration(int64_t ns, char *out, size_t n)
{
        int64_t ms = ns / 1000000;
        if (ms <= 0) {
                snprintf(out, n, "%s", ns > 0 ? "0s" : "0s");
                return;
        }
        if (ms < 1000) {
                snprintf(out, n, "%lldms", (long long)ms);
                return;
        }
        int64_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, frac = ms % 1000;
        char sec[32];
        if (frac) {
                snprintf(sec, sizeof(sec), "%lld.%03lld", (long long)s, (long long)frac);
                size_t l = strlen(sec);
                while (sec[l - 1] == '0')
                        sec[--l] = 0;
        } else {
                snprintf(sec, sizeof(sec), "%lld", (long long)s);
        }
        if (h)
                snprintf(out, n, "%lldh%lldm%ss", (long long)h, (long long)m, sec);
        else if (m)
                snprintf(out, n, "%lldm%ss", (long long)m, sec);
        else
                snprintf(out, n, "%ss", sec);
}

void registry_pull_event(const char *image, int64_t pull_ns, int64_t total_ns, int64_t size,
                         char *out, size_t outlen)
{
        char a[48], b[48];
        go_duration(pull_ns, a, sizeof(a));
        go_duration(total_ns, b, sizeof(b));
        snprintf(out, outlen,
                 "Successfully pulled image \"%s\" in %s (%s including waiting). Image size: "
                 "%lld bytes.",
                 image, a, b, (long long)size);
}

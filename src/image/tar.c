/* tar.c — a small streaming tar reader (ustar, GNU long names, pax) that writes only
 * through directory fds resolved with safepath_open (RESOLVE_IN_ROOT).
 *
 * Why not libarchive: its extraction helpers follow the process cwd and string paths; the
 * guarantees we need (containerd's TestBreakouts list: absolute/relative symlink escapes,
 * hard links out of the root, whiteouts of the root or through symlinks, chmod through a
 * link — CVE-2021-32760) come from doing every write relative to an fd whose path was
 * resolved inside the root, and from never opening the final component with symlink
 * following.  Data is budgeted after decompression (decompression bombs) and each entry
 * is bound to its declared size.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include "base/buf.h"
#include "image/safepath.h"
#include "image/tar.h"

#define BLK 512

struct rd {
        int fd;
        uint64_t off;
};

static int read_full(struct rd *r, void *p, size_t n)
{
        size_t got = 0;
        while (got < n) {
                ssize_t k = read(r->fd, (char *)p + got, n - got);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        return got == 0 ? 0 : -EIO;
                got += (size_t)k;
        }
        r->off += n;
        return 1;
}

static int skip(struct rd *r, uint64_t n)
{
        char tmp[8192];
        while (n > 0) {
                size_t k = n > sizeof(tmp) ? sizeof(tmp) : (size_t)n;
                int e = read_full(r, tmp, k);
                if (e <= 0)
                        return e < 0 ? e : -EIO;
                n -= k;
        }
        return 0;
}

static int64_t num(const char *p, size_t n)
{
        if ((unsigned char)p[0] & 0x80) { /* base-256 */
                int64_t v = p[0] & 0x3f;
                for (size_t i = 1; i < n; i++) {
                        if (v > (INT64_MAX >> 8))
                                return -1;
                        v = (v << 8) | (unsigned char)p[i];
                }
                return v;
        }
        int64_t v = 0;
        size_t i = 0;
        while (i < n && (p[i] == ' ' || p[i] == 0))
                i++;
        for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
                if (v > (INT64_MAX >> 3))
                        return -1;
                v = v * 8 + (p[i] - '0');
        }
        return v;
}

static char *field(const char *p, size_t n)
{
        return xstrndup(p, strnlen(p, n));
}

struct entry {
        char *path, *link;
        int64_t size, uid, gid, mtime, mode, devmaj, devmin;
        char type;
};

static void entry_release(struct entry *e)
{
        free(e->path);
        free(e->link);
        *e = (struct entry){0};
}

/* pax "len key=value\n" records; only the keys that change extraction are honoured */
static int parse_pax(const char *d, size_t n, struct entry *ov)
{
        size_t i = 0;
        while (i < n) {
                char *end;
                long len = strtol(d + i, &end, 10);
                if (len <= 0 || (size_t)len > n - i || *end != ' ')
                        return -EINVAL;
                const char *kv = end + 1, *stop = d + i + len - 1; /* at '\n' */
                const char *eq = memchr(kv, '=', (size_t)(stop - kv));
                if (!eq || *stop != '\n')
                        return -EINVAL;
                size_t kl = (size_t)(eq - kv);
                _cleanup_free_ char *val = xstrndup(eq + 1, (size_t)(stop - eq - 1));
                if (kl == 4 && !memcmp(kv, "path", 4)) {
                        free(ov->path);
                        ov->path = TAKE_PTR(val);
                } else if (kl == 8 && !memcmp(kv, "linkpath", 8)) {
                        free(ov->link);
                        ov->link = TAKE_PTR(val);
                } else if (kl == 4 && !memcmp(kv, "size", 4)) {
                        ov->size = strtoll(val, NULL, 10);
                } else if (kl == 3 && !memcmp(kv, "uid", 3)) {
                        ov->uid = strtoll(val, NULL, 10);
                } else if (kl == 3 && !memcmp(kv, "gid", 3)) {
                        ov->gid = strtoll(val, NULL, 10);
                }
                i += (size_t)len;
        }
        return 0;
}

static int fail(char *err, size_t errlen, int code, const char *fmt, ...) _printf_(4, 5);
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
        return code;
}

/* Split clean path into parent fd (resolved in root, created if needed) and base name. */
static int open_parent(int root, const char *clean, char **ret_base)
{
        const char *slash = strrchr(clean, '/');
        *ret_base = xstrdup(slash ? slash + 1 : clean);
        if (!slash)
                return safepath_open(root, ".", O_PATH | O_DIRECTORY, 0);
        _cleanup_free_ char *dir = xstrndup(clean, (size_t)(slash - clean));
        return safepath_open_dir(root, dir, true);
}

static int write_data(struct rd *r, int fd, int64_t size, uint64_t *budget)
{
        char tmp[65536];
        int64_t left = size;
        while (left > 0) {
                size_t k = left > (int64_t)sizeof(tmp) ? sizeof(tmp) : (size_t)left;
                int e = read_full(r, tmp, k);
                if (e <= 0)
                        return e < 0 ? e : -EIO;
                if (*budget < k)
                        return -EFBIG;
                *budget -= k;
                size_t w = 0;
                while (w < k) {
                        ssize_t x = write(fd, tmp + w, k - w);
                        if (x < 0) {
                                if (errno == EINTR)
                                        continue;
                                return -errno;
                        }
                        w += (size_t)x;
                }
                left -= (int64_t)k;
        }
        uint64_t pad = (uint64_t)((BLK - size % BLK) % BLK);
        return skip(r, pad);
}

static int apply(struct rd *r, int root, struct entry *e, const struct tar_opts *o,
                 uint64_t *budget, char *err, size_t errlen)
{
        _cleanup_free_ char *clean = NULL;
        if (safepath_clean(e->path, &clean) < 0) {
                if (e->type == '5' && (streq(e->path, "./") || streq(e->path, ".") ||
                                       streq(e->path, "/")))
                        return 1; /* the root itself */
                return fail(err, errlen, -EINVAL, "invalid path in archive: %s", e->path);
        }
        _cleanup_free_ char *base = NULL;
        _cleanup_close_ int pfd = open_parent(root, clean, &base);
        if (pfd < 0)
                return fail(err, errlen, pfd, "cannot resolve parent of %s", clean);
        if (o->whiteouts && startswith(base, ".wh.")) {
                const char *victim = base + 4;
                if (streq(victim, ".wh..opq")) {
                        int dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        if (dfd < 0)
                                return -errno;
                        int x = fsetxattr(dfd, "trusted.overlay.opaque", "y", 1, 0);
                        close(dfd);
                        return x < 0 ? fail(err, errlen, -errno, "opaque whiteout %s", clean) : 1;
                }
                if (!*victim || streq(victim, ".") || streq(victim, "..") ||
                    startswith(victim, ".wh."))
                        return fail(err, errlen, -EINVAL, "invalid whiteout: %s", clean);
                rm_rf_at(pfd, victim);
                if (mknodat(pfd, victim, S_IFCHR | 0, makedev(0, 0)) < 0)
                        return fail(err, errlen, -errno, "whiteout %s", clean);
                return 1;
        }
        struct stat st;
        bool exists = fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
        if (exists && !(e->type == '5' && S_ISDIR(st.st_mode)))
                rm_rf_at(pfd, base);
        mode_t mode = (mode_t)(e->mode & 07777);
        int fd = -1;
        switch (e->type) {
        case '5':
                if (!(exists && S_ISDIR(st.st_mode)) && mkdirat(pfd, base, 0700) < 0)
                        return fail(err, errlen, -errno, "mkdir %s", clean);
                fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                break;
        case '0':
        case '7':
        case 0:
                fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (fd < 0)
                        return fail(err, errlen, -errno, "create %s", clean);
                {
                        int x = write_data(r, fd, e->size, budget);
                        if (x < 0) {
                                close(fd);
                                return fail(err, errlen, x,
                                            x == -EFBIG ? "archive exceeds the size budget at %s"
                                                        : "write %s",
                                            clean);
                        }
                        e->size = 0; /* consumed */
                }
                break;
        case '2':
                if (!e->link || !*e->link)
                        return fail(err, errlen, -EINVAL, "empty symlink target: %s", clean);
                if (symlinkat(e->link, pfd, base) < 0)
                        return fail(err, errlen, -errno, "symlink %s", clean);
                if (o->same_owner)
                        fchownat(pfd, base, (uid_t)e->uid, (gid_t)e->gid, AT_SYMLINK_NOFOLLOW);
                return 1;
        case '1': {
                _cleanup_free_ char *tclean = NULL, *tbase = NULL;
                if (!e->link || safepath_clean(e->link, &tclean) < 0)
                        return fail(err, errlen, -EINVAL, "invalid hard link target for %s",
                                    clean);
                _cleanup_close_ int tpfd = open_parent(root, tclean, &tbase);
                if (tpfd < 0)
                        return fail(err, errlen, -EINVAL, "hard link target outside: %s", clean);
                if (linkat(tpfd, tbase, pfd, base, 0) < 0)
                        return fail(err, errlen, -errno, "hard link %s", clean);
                return 1; /* never chmod/chown through a link (CVE-2021-32760) */
        }
        case '3':
        case '4':
        case '6': {
                mode_t t = e->type == '3' ? S_IFCHR : e->type == '4' ? S_IFBLK : S_IFIFO;
                if (mknodat(pfd, base, t | mode,
                            makedev((unsigned)e->devmaj, (unsigned)e->devmin)) < 0)
                        return fail(err, errlen, -errno, "mknod %s", clean);
                if (o->same_owner)
                        fchownat(pfd, base, (uid_t)e->uid, (gid_t)e->gid, AT_SYMLINK_NOFOLLOW);
                return 1;
        }
        default:
                return 1; /* unknown types are skipped */
        }
        if (fd < 0)
                return fail(err, errlen, -errno, "open %s", clean);
        if (o->same_owner)
                (void)!fchown(fd, (uid_t)e->uid, (gid_t)e->gid);
        fchmod(fd, mode);
        struct timespec ts[2] = {{e->mtime, 0}, {e->mtime, 0}};
        futimens(fd, ts);
        close(fd);
        return 1;
}

int tar_extract_fd(int in_fd, int dest_fd, const struct tar_opts *o, char *err, size_t errlen)
{
        struct rd r = {.fd = in_fd};
        uint64_t budget = o->max_bytes ? o->max_bytes : (16ULL << 30);
        struct entry ov = {.size = -1, .uid = -1, .gid = -1}; /* pending pax/GNU overrides */
        char h[BLK];
        int zeros = 0;
        snprintf(err, errlen, "corrupt archive");
        for (;;) {
                int k = read_full(&r, h, BLK);
                if (k < 0)
                        return k;
                if (k == 0)
                        break; /* EOF without the two zero blocks: tolerated */
                bool zero = true;
                for (int i = 0; i < BLK && zero; i++)
                        zero = h[i] == 0;
                if (zero) {
                        if (++zeros == 2)
                                break;
                        continue;
                }
                zeros = 0;
                int64_t sum = 0, want = num(h + 148, 8);
                for (int i = 0; i < BLK; i++)
                        sum += (i >= 148 && i < 156) ? ' ' : (unsigned char)h[i];
                if (sum != want)
                        return fail(err, errlen, -EINVAL, "tar header checksum mismatch");
                struct entry e = {0};
                e.type = h[156];
                e.size = num(h + 124, 12);
                e.mode = num(h + 100, 8);
                e.uid = num(h + 108, 8);
                e.gid = num(h + 116, 8);
                e.mtime = num(h + 136, 12);
                e.devmaj = num(h + 329, 8);
                e.devmin = num(h + 337, 8);
                if (e.size < 0 || e.size > (int64_t)(64ULL << 30))
                        return fail(err, errlen, -EINVAL, "bad entry size");
                if (e.type == 'x' || e.type == 'g' || e.type == 'L' || e.type == 'K') {
                        if (e.size > (1 << 20))
                                return fail(err, errlen, -EINVAL, "oversize metadata entry");
                        _cleanup_free_ char *d = xmalloc((size_t)e.size + 1);
                        if (read_full(&r, d, (size_t)e.size) <= 0 && e.size > 0)
                                return -EIO;
                        d[e.size] = 0;
                        if (skip(&r, (uint64_t)((BLK - e.size % BLK) % BLK)) < 0)
                                return -EIO;
                        if (e.type == 'x' && parse_pax(d, (size_t)e.size, &ov) < 0)
                                return fail(err, errlen, -EINVAL, "bad pax header");
                        if (e.type == 'L') {
                                free(ov.path);
                                ov.path = xstrdup(d);
                        } else if (e.type == 'K') {
                                free(ov.link);
                                ov.link = xstrdup(d);
                        }
                        continue;
                }
                if (ov.path) {
                        e.path = TAKE_PTR(ov.path);
                } else {
                        _cleanup_free_ char *name = field(h, 100);
                        _cleanup_free_ char *prefix = field(h + 345, 155);
                        e.path = (memcmp(h + 257, "ustar", 5) == 0 && *prefix)
                                         ? xasprintf("%s/%s", prefix, name)
                                         : xstrdup(name);
                }
                e.link = ov.link ? TAKE_PTR(ov.link) : field(h + 157, 100);
                if (ov.size >= 0)
                        e.size = ov.size;
                if (ov.uid >= 0)
                        e.uid = ov.uid;
                if (ov.gid >= 0)
                        e.gid = ov.gid;
                ov = (struct entry){.size = -1, .uid = -1, .gid = -1};
                if (e.type == '5' && e.size != 0)
                        e.size = 0;
                int x = apply(&r, dest_fd, &e, o, &budget, err, errlen);
                if (x < 0) {
                        entry_release(&e);
                        return x;
                }
                if (e.size > 0 && skip(&r, (uint64_t)(e.size + (BLK - e.size % BLK) % BLK)) < 0) {
                        entry_release(&e);
                        return -EIO;
                }
                entry_release(&e);
        }
        free(ov.path);
        free(ov.link);
        err[0] = 0;
        return 0;
}

/* Which decompressor a file needs, from its magic bytes. */
static const char *decompressor(int fd)
{
        unsigned char m[6] = {0};
        ssize_t n = pread(fd, m, sizeof(m), 0);
        if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
                return "gzip";
        if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
                return "zstd";
        if (n >= 6 && m[0] == 0xfd && !memcmp(m + 1, "7zXZ", 4))
                return "xz";
        return NULL;
}

int tar_extract_file(const char *path, const char *dest_dir, const struct tar_opts *o, char *err,
                     size_t errlen)
{
        _cleanup_close_ int in = open(path, O_RDONLY | O_CLOEXEC);
        if (in < 0)
                return fail(err, errlen, -errno, "cannot open %s", path);
        _cleanup_close_ int dest = open(dest_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dest < 0)
                return fail(err, errlen, -errno, "cannot open %s", dest_dir);
        const char *dec = decompressor(in);
        if (!dec)
                return tar_extract_fd(in, dest, o, err, errlen);
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        pid_t pid = fork();
        if (pid < 0) {
                close(p[0]);
                close(p[1]);
                return -errno;
        }
        if (pid == 0) {
                dup2(in, 0);
                dup2(p[1], 1);
                execlp(dec, dec, "-dc", (char *)NULL);
                _exit(127);
        }
        close(p[1]);
        int r = tar_extract_fd(p[0], dest, o, err, errlen);
        close(p[0]); /* a still-writing decompressor gets EPIPE and exits */
        int st = 0;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
        if (r == 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
                return fail(err, errlen, -EIO, "%s could not decompress the archive", dec);
        return r;
}

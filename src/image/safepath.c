/* safepath.c — see safepath.h.  openat2 exists on every kernel jobd targets (≥ 5.6); a
 * kernel without it gets -ENOSYS rather than a silently weaker string-based fallback. */
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "base/buf.h"
#include "image/safepath.h"

int safepath_clean(const char *in, char **ret)
{
        *ret = NULL;
        if (!in || strlen(in) > 4096)
                return -EINVAL;
        struct buf b;
        buf_init(&b, 0);
        const char *p = in;
        while (*p) {
                while (*p == '/')
                        p++;
                const char *e = strchrnul(p, '/');
                size_t n = (size_t)(e - p);
                if (n == 0)
                        break;
                if (n == 2 && p[0] == '.' && p[1] == '.') {
                        buf_release(&b);
                        return -EINVAL;
                }
                if (!(n == 1 && p[0] == '.')) {
                        int r = b.len ? buf_puts(&b, "/") : 0;
                        if (r == 0)
                                r = buf_append(&b, p, n);
                        (void)r;
                }
                p = e;
        }
        if (b.len == 0) {
                buf_release(&b);
                return -EINVAL;
        }
        *ret = buf_steal(&b);
        return 0;
}

int safepath_open(int rootfd, const char *rel, int flags, mode_t mode)
{
        struct open_how how = {
                .flags = (uint64_t)(flags | O_CLOEXEC),
                .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        long fd = syscall(SYS_openat2, rootfd, rel && *rel ? rel : ".", &how, sizeof(how));
        return fd < 0 ? -errno : (int)fd;
}

int safepath_open_dir(int rootfd, const char *rel, bool create)
{
        int fd = safepath_open(rootfd, rel, O_PATH | O_DIRECTORY, 0);
        if (fd >= 0 || fd != -ENOENT || !create)
                return fd;
        _cleanup_free_ char *cp = xstrdup(rel);
        int cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
        if (cur < 0)
                return -errno;
        char *save = NULL;
        for (char *c = strtok_r(cp, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (mkdirat(cur, c, 0755) < 0 && errno != EEXIST) {
                        int e = -errno;
                        close(cur);
                        return e;
                }
                /* resolve the component again inside the root: it may be a symlink */
                /* re-resolve the prefix from the real root: the component may be a
                 * symlink, which must resolve against the root, not against cur */
                close(cur);
                size_t upto = (size_t)(c - cp) + strlen(c);
                _cleanup_free_ char *prefix = xstrndup(rel, upto);
                cur = safepath_open(rootfd, prefix, O_PATH | O_DIRECTORY, 0);
                if (cur < 0)
                        return cur;
        }
        return cur;
}

int rm_rf_at(int dfd, const char *name)
{
        struct stat st;
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISDIR(st.st_mode))
                return unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
        int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        struct dirent *de;
        int r = 0;
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                int e = rm_rf_at(dirfd(d), de->d_name);
                if (e < 0 && r == 0)
                        r = e;
        }
        closedir(d);
        if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
                r = -errno;
        return r;
}

int rm_rf(const char *path)
{
        return rm_rf_at(AT_FDCWD, path);
}

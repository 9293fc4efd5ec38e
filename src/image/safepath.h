/* safepath.h — the one path-resolution primitive (security-baseline consequence 5): every
 * path that comes from an image, a PodSpec or a volume is resolved *inside* a root
 * directory fd with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), never by
 * concatenating strings, so symlinks and ".." cannot lead outside the root. */
#ifndef JOBD_SAFEPATH_H
#define JOBD_SAFEPATH_H
#include <stdbool.h>
#include "base/base.h"
#include "base/util.h" /* mkdir_p */

/* Normalise a relative path from untrusted input: strips leading "/" and "./", collapses
 * "//" and "/./"; refuses ".." components and empty results with -EINVAL.  Caller frees. */
int safepath_clean(const char *in, char **ret);
/* openat2 inside root: flags as for openat (O_CLOEXEC is added). */
int safepath_open(int rootfd, const char *rel, int flags, mode_t mode);
/* Open (O_PATH|O_DIRECTORY) the directory rel inside root, creating missing components
 * with mode 0755 when create is set. "" means the root itself. */
int safepath_open_dir(int rootfd, const char *rel, bool create);
/* Remove name (recursively if a directory) relative to dirfd without following links. */
int rm_rf_at(int dirfd, const char *name);
/* rm -rf path (no symlink following). */
int rm_rf(const char *path);
#endif

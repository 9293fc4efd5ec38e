/* tar.h — safe extraction of (possibly compressed) tar streams into a directory: image
 * layers, OCI/docker archives, plain rootfs tarballs. */
#ifndef JOBD_TAR_H
#define JOBD_TAR_H
#include <stdbool.h>
#include "base/base.h"

struct tar_opts {
        uint64_t max_bytes;  /* budget of bytes written after decompression (0 = 16 GiB) */
        bool whiteouts;      /* OCI whiteouts → overlayfs whiteouts (layer mode) */
        bool same_owner;     /* keep uid/gid from the archive (root only) */
};

/* Extract the tar stream read from in_fd into the directory dest_fd.  Refuses entries that
 * would escape the directory (".." components, links resolved outside), invalid
 * whiteouts and oversize content, with -EINVAL/-EFBIG and a message in err. */
int tar_extract_fd(int in_fd, int dest_fd, const struct tar_opts *o, char *err, size_t errlen);
/* Same, from a file that may be gzip/zstd/xz compressed (decompressed by the system's
 * gzip/zstd/xz in a child process: no decompressor code runs in jobd). */
int tar_extract_file(const char *path, const char *dest_dir, const struct tar_opts *o, char *err,
                     size_t errlen);
#endif

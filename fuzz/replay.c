/* replay.c — runs a libFuzzer target over every file of its corpus directories without
 * libFuzzer, so the sanitizer build in the test command replays the corpora with gcc.
 * Usage: fuzz_x-replay DIR_OR_FILE...  Prints "N passed, 0 failed" (a crash aborts). */
#include <dirent.h>
#include <sys/stat.h>
#include <fcntl.h>
#include "base/base.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 22)) {
                close(fd);
                return 0;
        }
        uint8_t *buf = xmalloc((size_t)st.st_size + 1);
        ssize_t n = read(fd, buf, (size_t)st.st_size);
        close(fd);
        if (n >= 0)
                LLVMFuzzerTestOneInput(buf, (size_t)n);
        free(buf);
        return n >= 0;
}

int main(int argc, char **argv)
{
        int count = 0;
        for (int i = 1; i < argc; i++) {
                DIR *d = opendir(argv[i]);
                if (!d) {
                        count += run_file(argv[i]);
                        continue;
                }
                struct dirent *de;
                while ((de = readdir(d))) {
                        if (de->d_name[0] == '.')
                                continue;
                        _cleanup_free_ char *p = xasprintf("%s/%s", argv[i], de->d_name);
                        count += run_file(p);
                }
                closedir(d);
        }
        printf("%d passed, 0 failed\n", count);
        return 0;
}

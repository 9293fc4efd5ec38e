/* test_image.c — safe tar extraction (containerd TestBreakouts-style hostile entries),
 * whiteouts, and the image store's import/lookup/remove of plain rootfs tarballs. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "harness.h"
#include "base/buf.h"
#include "image/safepath.h"
#include "image/store.h"
#include "image/tar.h"

static void tar_add(struct buf *b, const char *name, char type, const char *link, const char *data)
{
        char h[512] = {0};
        size_t n = data ? strlen(data) : 0;
        snprintf(h, 100, "%s", name);
        snprintf(h + 100, 8, "%07o", type == '5' ? 0755 : 0644);
        snprintf(h + 108, 8, "%07o", 0);
        snprintf(h + 116, 8, "%07o", 0);
        snprintf(h + 124, 12, "%011o", (unsigned)n);
        snprintf(h + 136, 12, "%011o", 0);
        h[156] = type;
        if (link)
                snprintf(h + 157, 100, "%s", link);
        memcpy(h + 257, "ustar", 6);
        memcpy(h + 263, "00", 2);
        memset(h + 148, ' ', 8);
        unsigned sum = 0;
        for (int i = 0; i < 512; i++)
                sum += (unsigned char)h[i];
        snprintf(h + 148, 8, "%06o", sum);
        CHECK(buf_append(b, h, 512) == 0);
        if (n) {
                CHECK(buf_append(b, data, n) == 0);
                char z[512] = {0};
                CHECK(buf_append(b, z, (512 - n % 512) % 512) == 0);
        }
}

static char tmpdir[256];

static void setup(void)
{
        snprintf(tmpdir, sizeof(tmpdir), "/tmp/jobd-test-image-XXXXXX");
        CHECK(mkdtemp(tmpdir) != NULL);
        char p[300];
        snprintf(p, sizeof(p), "%s/root", tmpdir);
        mkdir(p, 0755);
        snprintf(p, sizeof(p), "%s/outside", tmpdir);
        mkdir(p, 0755);
        snprintf(p, sizeof(p), "%s/outside/sentinel", tmpdir);
        int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        CHECK(write(fd, "unbroken", 8) == 8);
        close(fd);
}

static int extract(struct buf *b, bool whiteouts, char *err)
{
        char z[1024] = {0};
        CHECK(buf_append(b, z, sizeof(z)) == 0);
        char p[300];
        snprintf(p, sizeof(p), "%s/a.tar", tmpdir);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        CHECK(write(fd, b->data, b->len) == (ssize_t)b->len);
        close(fd);
        snprintf(p, sizeof(p), "%s/root", tmpdir);
        struct tar_opts o = {.whiteouts = whiteouts, .max_bytes = 1 << 20};
        char ap[300];
        snprintf(ap, sizeof(ap), "%s/a.tar", tmpdir);
        return tar_extract_file(ap, p, &o, err, 256);
}

static bool sentinel_ok(void)
{
        char p[300], d[32] = {0};
        snprintf(p, sizeof(p), "%s/outside/sentinel", tmpdir);
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        ssize_t n = read(fd, d, sizeof(d) - 1);
        close(fd);
        struct stat st;
        stat(p, &st);
        return n == 8 && streq(d, "unbroken") && (st.st_mode & 07777) == 0644;
}

static bool exists_in(const char *rel)
{
        char p[400];
        snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
        struct stat st;
        return lstat(p, &st) == 0;
}

static void teardown(void)
{
        rm_rf(tmpdir);
}

TEST(safepath_clean_rules)
{
        char *s = NULL;
        CHECK(safepath_clean("./a//b/./c/", &s) == 0);
        CHECK_STR(s, "a/b/c");
        free(s);
        CHECK(safepath_clean("/etc/passwd", &s) == 0);
        CHECK_STR(s, "etc/passwd");
        free(s);
        CHECK(safepath_clean("a/../../b", &s) == -EINVAL);
        CHECK(safepath_clean("..", &s) == -EINVAL);
        CHECK(safepath_clean("./", &s) == -EINVAL);
}

TEST(plain_files_and_dirs)
{
        setup();
        struct buf b;
        buf_init(&b, 0);
        tar_add(&b, "./", '5', NULL, NULL);
        tar_add(&b, "bin/", '5', NULL, NULL);
        tar_add(&b, "bin/hello", '0', NULL, "hi there\n");
        tar_add(&b, "bin/sh", '2', "hello", NULL);
        tar_add(&b, "bin/hl", '1', "bin/hello", NULL);
        tar_add(&b, "deep/er/file", '0', NULL, "x");
        char err[256];
        CHECK_INT(extract(&b, true, err), 0);
        CHECK(exists_in("root/bin/hello"));
        CHECK(exists_in("root/bin/sh"));
        CHECK(exists_in("root/deep/er/file"));
        char p[300];
        snprintf(p, sizeof(p), "%s/root/bin/hl", tmpdir);
        struct stat st;
        CHECK(stat(p, &st) == 0 && st.st_nlink == 2);
        buf_release(&b);
        teardown();
}

TEST(symlink_escapes_stay_inside)
{
        /* SymlinkAbsolute / SymlinkUpAndOut: a file written through the link lands inside */
        setup();
        struct buf b;
        buf_init(&b, 0);
        char target[300];
        snprintf(target, sizeof(target), "%s/outside", tmpdir);
        tar_add(&b, "abs", '2', target, NULL);
        tar_add(&b, "abs/sentinel", '0', NULL, "broken");
        tar_add(&b, "up", '2', "../../../../../../../..", NULL);
        snprintf(target, sizeof(target), "%s/outside/sentinel", tmpdir + 1);
        tar_add(&b, target, '0', NULL, "broken"); /* up-and-out via path: rooted */
        char err[256];
        extract(&b, true, err);
        CHECK(sentinel_ok());
        buf_release(&b);
        teardown();
}

TEST(dotdot_and_hardlink_out_refused)
{
        setup();
        struct buf b;
        buf_init(&b, 0);
        tar_add(&b, "../outside/sentinel", '0', NULL, "broken");
        char err[256];
        CHECK(extract(&b, true, err) == -EINVAL);
        CHECK(strstr(err, "invalid path") != NULL);
        CHECK(sentinel_ok());
        buf_release(&b);

        buf_init(&b, 0);
        tar_add(&b, "hl", '1', "../outside/sentinel", NULL);
        CHECK(extract(&b, true, err) < 0);
        CHECK(sentinel_ok());
        buf_release(&b);

        /* HardlinkSymlinkChmod (CVE-2021-32760): a link to a symlink pointing out, then a
         * chmod through it, must not touch the host file */
        buf_init(&b, 0);
        char target[300];
        snprintf(target, sizeof(target), "%s/outside/sentinel", tmpdir);
        tar_add(&b, "sym", '2', target, NULL);
        tar_add(&b, "hard", '1', "sym", NULL);
        tar_add(&b, "hard", '0', NULL, "x");
        extract(&b, true, err);
        CHECK(sentinel_ok());
        buf_release(&b);
        teardown();
}

TEST(whiteouts)
{
        setup();
        struct buf b;
        buf_init(&b, 0);
        tar_add(&b, "etc/", '5', NULL, NULL);
        tar_add(&b, "etc/.wh.passwd", '0', NULL, NULL);
        tar_add(&b, "opt/.wh..wh..opq", '0', NULL, NULL);
        char err[256];
        CHECK_INT(extract(&b, true, err), 0);
        char p[300];
        snprintf(p, sizeof(p), "%s/root/etc/passwd", tmpdir);
        struct stat st;
        CHECK(lstat(p, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
        buf_release(&b);

        static const char *bad[] = {".wh..", "etc/.wh..", ".wh..wh..wh.x"};
        for (size_t i = 0; i < 3; i++) {
                buf_init(&b, 0);
                tar_add(&b, bad[i], '0', NULL, NULL);
                CHECK(extract(&b, true, err) < 0);
                buf_release(&b);
        }
        /* WhiteoutSymlink: a whiteout through a symlinked parent stays inside */
        buf_init(&b, 0);
        char target[300];
        snprintf(target, sizeof(target), "%s/outside", tmpdir);
        tar_add(&b, "lnk", '2', target, NULL);
        tar_add(&b, "lnk/.wh.sentinel", '0', NULL, NULL);
        extract(&b, true, err);
        CHECK(sentinel_ok());
        buf_release(&b);
        teardown();
}

TEST(size_budget)
{
        setup();
        struct buf b;
        buf_init(&b, 0);
        char *big = xmalloc(2 << 20);
        memset(big, 'a', (2 << 20) - 1);
        big[(2 << 20) - 1] = 0;
        tar_add(&b, "big", '0', NULL, big);
        free(big);
        char err[256];
        CHECK(extract(&b, true, err) == -EFBIG);
        buf_release(&b);
        teardown();
}

TEST(store_import_lookup_remove)
{
        setup();
        struct buf b;
        buf_init(&b, 0);
        tar_add(&b, "bin/", '5', NULL, NULL);
        tar_add(&b, "bin/true", '0', NULL, "#!/bin/sh\n");
        char z[1024] = {0};
        CHECK(buf_append(&b, z, sizeof(z)) == 0);
        char p[300], dir[300];
        snprintf(p, sizeof(p), "%s/rootfs.tar", tmpdir);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        CHECK(write(fd, b.data, b.len) == (ssize_t)b.len);
        close(fd);
        snprintf(dir, sizeof(dir), "%s/store", tmpdir);
        char err[512];
        json_t *names = NULL;
        CHECK(image_import(dir, p, NULL, &names, err, sizeof(err)) == -EINVAL);
        CHECK(strstr(err, "--name") != NULL);
        CHECK_INT(image_import(dir, p, "busybox", &names, err, sizeof(err)), 0);
        json_decref(names);
        json_t *rec = image_lookup(dir, "docker.io/library/busybox:latest");
        CHECK(rec != NULL);
        CHECK_STR(jstr(rec, "name"), "docker.io/library/busybox:latest");
        CHECK_INT(json_array_size(jget(rec, "layers")), 1);
        char *lp = image_layer_path(dir, json_string_value(json_array_get(jget(rec, "layers"), 0)));
        char tp[400];
        snprintf(tp, sizeof(tp), "%s/bin/true", lp);
        CHECK(access(tp, F_OK) == 0);
        json_decref(rec);
        CHECK(image_lookup(dir, "perl") == NULL);
        CHECK_INT(image_remove(dir, "busybox"), 0);
        CHECK(access(lp, F_OK) != 0);
        CHECK(image_remove(dir, "busybox") == -ENOENT);
        free(lp);
        buf_release(&b);
        teardown();
}

TEST(normalize)
{
        char *s = image_normalize("busybox");
        CHECK_STR(s, "docker.io/library/busybox:latest");
        free(s);
        s = image_normalize("me/perl:5");
        CHECK_STR(s, "docker.io/me/perl:5");
        free(s);
        s = image_normalize("localhost:5000/x");
        CHECK_STR(s, "localhost:5000/x:latest");
        free(s);
}

/* ---------- OCI and docker-save archives ---------- */
#include <openssl/evp.h>

static void sha_hex(const char *d, size_t n, char out[65])
{
        unsigned char md[32];
        unsigned int len = 0;
        EVP_Digest(d, n, md, &len, EVP_sha256(), NULL);
        for (int i = 0; i < 32; i++)
                snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void put_file(const char *dir, const char *rel, const char *d, size_t n)
{
        char p[600];
        snprintf(p, sizeof(p), "%s/%s", dir, rel);
        char *slash = strrchr(p, '/');
        *slash = 0;
        mkdir_p(p, 0755);
        *slash = '/';
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        CHECK(write(fd, d, n) == (ssize_t)n);
        close(fd);
}

static void layer1(struct buf *b)
{
        buf_init(b, 0);
        tar_add(b, "etc/", '5', NULL, NULL);
        tar_add(b, "etc/passwd", '0', NULL, "root:x:0:0::/:/bin/sh\n");
        tar_add(b, "etc/gone", '0', NULL, "old\n");
        char z[1024] = {0};
        CHECK(buf_append(b, z, sizeof(z)) == 0);
}

static void layer2(struct buf *b)
{
        buf_init(b, 0);
        tar_add(b, "etc/.wh.gone", '0', NULL, NULL);
        tar_add(b, "etc/new", '0', NULL, "new\n");
        char z[1024] = {0};
        CHECK(buf_append(b, z, sizeof(z)) == 0);
}

TEST(import_oci_archive)
{
        setup();
        char lay[300], store[300], out[300];
        snprintf(lay, sizeof(lay), "%s/oci", tmpdir);
        snprintf(store, sizeof(store), "%s/store", tmpdir);
        snprintf(out, sizeof(out), "%s/oci.tar", tmpdir);
        struct buf l1, l2;
        layer1(&l1);
        layer2(&l2);
        char h1[65], h2[65], hc[65], hm[65];
        sha_hex(l1.data, l1.len, h1);
        sha_hex(l2.data, l2.len, h2);
        char *cfg = xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Entrypoint\":"
                              "[\"/bin/app\"],\"Cmd\":[\"--x\"],\"Env\":[\"A=1\"],\"WorkingDir\":\"/w\","
                              "\"User\":\"1000\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        sha_hex(cfg, strlen(cfg), hc);
        char *man = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                              "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":"
                              "\"sha256:%s\",\"size\":%zu},\"layers\":[{\"mediaType\":\"application/vnd.oci.image."
                              "layer.v1.tar\",\"digest\":\"sha256:%s\",\"size\":%zu},{\"mediaType\":\"application/"
                              "vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:%s\",\"size\":%zu}]}",
                              hc, strlen(cfg), h1, l1.len, h2, l2.len);
        sha_hex(man, strlen(man), hm);
        char *idx = xasprintf("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image."
                              "manifest.v1+json\",\"digest\":\"sha256:%s\",\"size\":%zu,\"annotations\":{"
                              "\"org.opencontainers.image.ref.name\":\"example.com/app:1\"}}]}",
                              hm, strlen(man));
        char rel[200];
        put_file(lay, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
        put_file(lay, "index.json", idx, strlen(idx));
        snprintf(rel, sizeof(rel), "blobs/sha256/%s", hm);
        put_file(lay, rel, man, strlen(man));
        snprintf(rel, sizeof(rel), "blobs/sha256/%s", hc);
        put_file(lay, rel, cfg, strlen(cfg));
        snprintf(rel, sizeof(rel), "blobs/sha256/%s", h1);
        put_file(lay, rel, l1.data, l1.len);
        snprintf(rel, sizeof(rel), "blobs/sha256/%s", h2);
        put_file(lay, rel, l2.data, l2.len);
        char *cmd = xasprintf("tar -C %s -cf %s .", lay, out);
        CHECK(system(cmd) == 0);
        free(cmd);
        char err[512];
        json_t *names = NULL;
        CHECK_INT(image_import(store, out, NULL, &names, err, sizeof(err)), 0);
        CHECK_STR(json_string_value(json_array_get(names, 0)), "example.com/app:1");
        json_decref(names);
        json_t *rec = image_lookup(store, "example.com/app:1");
        CHECK(rec != NULL);
        CHECK_INT(json_array_size(jget(rec, "layers")), 2);
        CHECK_STR(jstr(rec, "config.WorkingDir"), "/w");
        CHECK_STR(jstr(rec, "config.User"), "1000");
        char *id = xasprintf("sha256:%s", hc);
        CHECK_STR(jstr(rec, "id"), id);
        free(id);
        char p[600];
        snprintf(p, sizeof(p), "%s/layers/%s/etc/gone", store, h2);
        struct stat st;
        CHECK(lstat(p, &st) == 0 && S_ISCHR(st.st_mode)); /* whiteout for overlayfs */
        json_decref(rec);

        /* a blob that does not match its digest is refused */
        snprintf(rel, sizeof(rel), "blobs/sha256/%s", h1);
        put_file(lay, rel, "tampered", 8);
        cmd = xasprintf("tar -C %s -cf %s .", lay, out);
        CHECK(system(cmd) == 0);
        free(cmd);
        char store2[300];
        snprintf(store2, sizeof(store2), "%s/store2", tmpdir);
        CHECK(image_import(store2, out, NULL, &names, err, sizeof(err)) < 0);
        CHECK(strstr(err, "unexpected commit digest") != NULL);
        free(cfg);
        free(man);
        free(idx);
        buf_release(&l1);
        buf_release(&l2);
        teardown();
}

TEST(import_docker_save_archive_gzip_layer)
{
        setup();
        char lay[300], store[300], out[300];
        snprintf(lay, sizeof(lay), "%s/docker", tmpdir);
        snprintf(store, sizeof(store), "%s/store", tmpdir);
        snprintf(out, sizeof(out), "%s/docker.tar", tmpdir);
        struct buf l1, l2;
        layer1(&l1);
        layer2(&l2);
        put_file(lay, "aaa/layer.tar", l1.data, l1.len);
        put_file(lay, "bbb/layer.tar", l2.data, l2.len);
        char *cmd = xasprintf("gzip -n %s/bbb/layer.tar && mv %s/bbb/layer.tar.gz %s/bbb/layer.tar",
                              lay, lay, lay);
        CHECK(system(cmd) == 0);
        free(cmd);
        const char *cfg = "{\"config\":{\"Cmd\":[\"sh\"],\"Env\":[\"PATH=/bin\"]}}";
        put_file(lay, "cfg.json", cfg, strlen(cfg));
        const char *man = "[{\"Config\":\"cfg.json\",\"RepoTags\":[\"mytool:2\",\"mytool:latest\"],"
                          "\"Layers\":[\"aaa/layer.tar\",\"bbb/layer.tar\"]}]";
        put_file(lay, "manifest.json", man, strlen(man));
        cmd = xasprintf("tar -C %s -cf %s .", lay, out);
        CHECK(system(cmd) == 0);
        free(cmd);
        char err[512];
        json_t *names = NULL;
        CHECK_INT(image_import(store, out, NULL, &names, err, sizeof(err)), 0);
        CHECK_INT(json_array_size(names), 2);
        json_decref(names);
        json_t *rec = image_lookup(store, "mytool");
        CHECK(rec != NULL);
        CHECK_STR(jstr(rec, "name"), "docker.io/library/mytool:latest");
        CHECK_INT(json_array_size(jget(rec, "layers")), 2);
        char *top = xstrdup(json_string_value(json_array_get(jget(rec, "layers"), 1)) ?: "");
        char p[600];
        snprintf(p, sizeof(p), "%s/layers/%s/etc/new", store, top);
        CHECK(access(p, F_OK) == 0);
        json_decref(rec);
        rec = image_lookup(store, "mytool:2");
        CHECK(rec != NULL);
        json_decref(rec);
        json_t *all = image_list(store);
        CHECK_INT(json_array_size(all), 2);
        json_decref(all);
        /* removing one tag keeps the shared layers for the other */
        CHECK_INT(image_remove(store, "mytool:2"), 0);
        CHECK(access(p, F_OK) == 0);
        rec = image_lookup(store, "mytool");
        CHECK(rec != NULL);
        json_decref(rec);
        CHECK_INT(image_remove(store, "mytool"), 0);
        CHECK(access(p, F_OK) != 0); /* last reference gone: layers collected */
        free(top);
        buf_release(&l1);
        buf_release(&l2);
        teardown();
}

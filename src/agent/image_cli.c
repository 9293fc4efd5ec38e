/* image_cli.c — `jobd image import|ls|rm`: the offline way to put images into a node's
 * store until registry pulls exist.  It works on the store directly (no server needed),
 * the same files the agent reads, so an import is visible to the next pod that asks. */
#include <getopt.h>
#include "agent/agent.h"
#include "base/jsonu.h"
#include "image/store.h"

static void image_usage(FILE *f)
{
        fputs("usage: jobd image [--data-dir DIR] import FILE [--name NAME]\n"
              "       jobd image [--data-dir DIR] ls\n"
              "       jobd image [--data-dir DIR] rm NAME...\n"
              "FILE is an OCI archive, a docker-save archive, or a plain rootfs tarball\n"
              "(optionally gzip/zstd/xz compressed), which needs --name.\n",
              f);
}

static void human_size(int64_t n, char *out, size_t len)
{
        const char *u[] = {"B", "kB", "MB", "GB", "TB"};
        double v = (double)n;
        size_t i = 0;
        while (v >= 1000 && i + 1 < ARRAY_SIZE(u)) {
                v /= 1000;
                i++;
        }
        snprintf(out, len, i ? "%.3g%s" : "%.0f%s", v, u[i]);
}

int agent_image_cli(int argc, char **argv)
{
        const char *data_dir = "/var/lib/jobd", *name = NULL;
        static const struct option opts[] = {{"data-dir", required_argument, NULL, 'd'},
                                             {"name", required_argument, NULL, 'n'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
        int c;
        optind = 0;
        while ((c = getopt_long(argc, argv, "+d:n:h", opts, NULL)) != -1) {
                if (c == 'd')
                        data_dir = optarg;
                else if (c == 'n')
                        name = optarg;
                else {
                        image_usage(c == 'h' ? stdout : stderr);
                        return c == 'h' ? 0 : 2;
                }
        }
        /* options may also follow the verb */
        char **rest = argv + optind;
        int nrest = argc - optind;
        if (nrest > 0) {
                optind = 0;
                int sub_argc = nrest;
                char **sub = rest - 1; /* getopt skips sub[0] */
                char *save0 = sub[0];
                sub[0] = (char *)"image";
                while ((c = getopt_long(sub_argc + 1, sub, "d:n:h", opts, NULL)) != -1) {
                        if (c == 'd')
                                data_dir = optarg;
                        else if (c == 'n')
                                name = optarg;
                        else {
                                sub[0] = save0;
                                image_usage(stderr);
                                return 2;
                        }
                }
                sub[0] = save0;
                rest = sub + optind;
                nrest = sub_argc + 1 - optind;
        }
        if (nrest < 1) {
                image_usage(stderr);
                return 2;
        }
        _cleanup_free_ char *dir = xasprintf("%s/agent/images", data_dir);
        const char *verb = rest[0];
        if (streq(verb, "import")) {
                if (nrest != 2) {
                        image_usage(stderr);
                        return 2;
                }
                char err[1024];
                json_t *names = NULL;
                if (image_import(dir, rest[1], name, &names, err, sizeof(err)) < 0) {
                        fprintf(stderr, "error: %s\n", err);
                        return 1;
                }
                json_t *n;
                size_t i;
                json_array_foreach(names, i, n)
                {
                        _cleanup_free_ char *norm = image_normalize(json_string_value(n));
                        printf("imported %s\n", norm);
                }
                json_decref(names);
                return 0;
        }
        if (streq(verb, "ls") || streq(verb, "list")) {
                _cleanup_json_ json_t *all = image_list(dir);
                printf("%-50s %-20s %s\n", "IMAGE", "IMAGE ID", "SIZE");
                json_t *rec;
                size_t i;
                json_array_foreach(all, i, rec)
                {
                        const char *id = jstr(rec, "id") ?: "";
                        if (startswith(id, "sha256:"))
                                id += 7;
                        int64_t sz = 0;
                        jint(rec, "size", &sz);
                        char hs[32];
                        human_size(sz, hs, sizeof(hs));
                        printf("%-50s %-20.13s %s\n", jstr(rec, "name") ?: "", id, hs);
                }
                return 0;
        }
        if (streq(verb, "rm") || streq(verb, "remove")) {
                int rc = 0;
                for (int i = 1; i < nrest; i++) {
                        int r = image_remove(dir, rest[i]);
                        _cleanup_free_ char *norm = image_normalize(rest[i]);
                        if (r < 0) {
                                fprintf(stderr, "error: image \"%s\" not found\n", norm);
                                rc = 1;
                        } else {
                                printf("deleted %s\n", norm);
                        }
                }
                return nrest < 2 ? 2 : rc;
        }
        image_usage(stderr);
        return 2;
}

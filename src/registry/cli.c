/* cli.c — `jobd image pull` and `jobd image prune`.
 *
 * They work on the node's store directly, like `jobd image import`: an operator can
 * pre-pull on a node (or prune it) without a server.  Several references on one command
 * line are pulled in parallel, each on its own thread, which also makes the in-flight
 * sharing observable from the outside (`pull X X` downloads X once; --stats prints the
 * counters).  On a terminal a status line shows bytes and layers as they arrive; off a
 * terminal only results are printed, so scripts and logs stay clean.
 */
#include <getopt.h>
#include <pthread.h>
#include "base/util.h"
#include "client/http.h"
#include "image/store.h"
#include "registry/registry.h"

static void usage(FILE *f)
{
        fputs("usage: jobd image pull [--data-dir DIR] [--secret FILE]... [--server URL --pod NS/NAME]\n"
              "                      [--policy P] [--quiet] [--stats] REF...\n"
              "       jobd image prune [--data-dir DIR] [--server URL] [--in-use REF]...\n"
              "pull: fetch images from their registries (or the mirrors configured in\n"
              "      DIR/registries.yaml) into the node's image store; FILE is a Secret\n"
              "      (kubernetes.io/dockerconfigjson or dockercfg) in JSON, or a list of them;\n"
              "      --pod takes the imagePullSecrets of that pod from the server;\n"
              "      --policy Always|IfNotPresent|Never decides as a kubelet would and prints\n"
              "      its waiting reason and events.\n"
              "prune: remove every image no pod uses, and unused layers: in use are the\n"
              "      --in-use images and, with --server, every container image of every pod\n"
              "      the server knows.\n",
              f);
}

static void human(uint64_t n, char *out, size_t len)
{
        const char *u[] = {"B", "kB", "MB", "GB", "TB"};
        double v = (double)n;
        size_t i = 0;
        while (v >= 1000 && i + 1 < ARRAY_SIZE(u)) {
                v /= 1000;
                i++;
        }
        snprintf(out, len, i ? "%.1f%s" : "%.0f%s", v, u[i]);
}

struct job {
        const char *ref, *policy;
        const struct registry_config *cfg;
        const char *image_dir;
        json_t *secrets;
        bool tty, quiet;
        int rc;
        int64_t t0, t1;
        json_t *record;
        char err[3200];
};

static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;

static void on_progress(void *ud, const struct registry_progress *p)
{
        struct job *j = ud;
        if (!j->tty || j->quiet)
                return;
        pthread_mutex_lock(&out_mu);
        char a[32], b[32];
        human(p->done, a, sizeof(a));
        human(p->total, b, sizeof(b));
        double secs = (double)(clock_mono_ns() - j->t0) / 1e9;
        char rate[32] = "";
        if (secs > 0.2) {
                human((uint64_t)((double)p->done / secs), rate, sizeof(rate));
                size_t l = strlen(rate);
                snprintf(rate + l, sizeof(rate) - l, "/s");
        }
        switch (p->phase) {
        case REGISTRY_RESOLVING:
                fprintf(stderr, "\r\033[K%s: resolving", p->ref);
                break;
        case REGISTRY_DOWNLOADING:
                fprintf(stderr, "\r\033[K%s: %s / %s %s%s", p->ref, a, b, rate,
                        p->done >= p->total ? " (unpacking)" : "");
                break;
        case REGISTRY_LAYER_DONE:
                fprintf(stderr, "\r\033[K%.19s: pull complete (layer %d/%d)\n", p->digest,
                        p->layer + 1, p->layers);
                fprintf(stderr, "%s: %s / %s %s", p->ref, a, b, rate);
                break;
        case REGISTRY_DONE:
                fprintf(stderr, "\r\033[K");
                break;
        }
        fflush(stderr);
        pthread_mutex_unlock(&out_mu);
}

static void *pull_main(void *ud)
{
        struct job *j = ud;
        j->t0 = clock_mono_ns();
        if (j->policy) {
                struct registry_ensure e;
                j->rc = registry_ensure_image(j->cfg, j->image_dir, j->ref, j->policy, j->secrets,
                                              on_progress, j, &e);
                if (j->rc < 0)
                        snprintf(j->err, sizeof(j->err), "%s (event %s): %s", e.reason,
                                 e.event_reason, e.message);
                else
                        snprintf(j->err, sizeof(j->err), "%s%s\n  imageID: %s",
                                 e.pulled ? "" : "(no pull) ", e.pulled_message, e.image_id);
                j->record = TAKE_PTR(e.record);
                registry_ensure_release(&e);
        } else {
                j->rc = registry_pull(j->cfg, j->image_dir, j->ref, j->secrets, on_progress, j,
                                      &j->record, j->err, sizeof(j->err));
        }
        j->t1 = clock_mono_ns();
        return NULL;
}

static int add_secrets(json_t *all, const char *file)
{
        json_error_t je;
        json_t *j = json_load_file(file, JSON_REJECT_DUPLICATES, &je);
        if (!j) {
                fprintf(stderr, "error: %s: %s\n", file, je.text);
                return -EINVAL;
        }
        if (json_is_array(j))
                json_array_extend(all, j);
        else if (json_is_array(json_object_get(j, "items")))
                json_array_extend(all, json_object_get(j, "items"));
        else
                json_array_append(all, j);
        json_decref(j);
        return 0;
}

/* Every container image of every pod the server knows (conservative: all nodes). */
static int add_pods_images(json_t *inuse, const char *server)
{
        struct hc *c = hc_new(server);
        struct hresp resp;
        int r = hc_request(c, "GET", "/api/v1/pods", NULL, NULL, NULL, &resp);
        if (r < 0 || resp.code != 200) {
                fprintf(stderr, "error: cannot list pods from %s (%s): not pruning\n", server,
                        r < 0 ? strerror(-r) : "HTTP error");
                hresp_release(&resp);
                hc_free(c);
                return -EIO;
        }
        json_t *pod;
        size_t i;
        json_array_foreach(jget(resp.body, "items"), i, pod)
        {
                const char *lists[] = {"spec.containers", "spec.initContainers",
                                       "spec.ephemeralContainers"};
                for (size_t k = 0; k < ARRAY_SIZE(lists); k++) {
                        json_t *ctr;
                        size_t j;
                        json_array_foreach(jget(pod, lists[k]), j, ctr)
                        {
                                if (jstr(ctr, "image"))
                                        json_array_append_new(inuse, json_string(jstr(ctr, "image")));
                        }
                }
        }
        hresp_release(&resp);
        hc_free(c);
        return 0;
}

/* The pod's imagePullSecrets, read from the server as the agent reads them. */
static int add_pod_secrets(json_t *all, const char *server, const char *nsname)
{
        const char *slash = strchr(nsname, '/');
        _cleanup_free_ char *ns = slash ? xstrndup(nsname, (size_t)(slash - nsname)) : xstrdup("default");
        const char *name = slash ? slash + 1 : nsname;
        struct hc *c = hc_new(server);
        _cleanup_free_ char *ens = hc_escape(ns), *ename = hc_escape(name);
        _cleanup_free_ char *path = xasprintf("/api/v1/namespaces/%s/pods/%s", ens, ename);
        struct hresp resp;
        int r = hc_request(c, "GET", path, NULL, NULL, NULL, &resp);
        if (r < 0 || resp.code != 200) {
                fprintf(stderr, "error: cannot read pod %s/%s from %s (%s)\n", ns, name, server,
                        r < 0 ? strerror(-r) : "HTTP error");
                hresp_release(&resp);
                hc_free(c);
                return -ENOENT;
        }
        char warn[1024];
        json_t *secrets = registry_pod_pull_secrets(c, resp.body, warn, sizeof(warn));
        if (warn[0])
                fprintf(stderr, "warning: FailedToRetrieveImagePullSecret: %s\n", warn);
        json_array_extend(all, secrets);
        json_decref(secrets);
        hresp_release(&resp);
        hc_free(c);
        return 0;
}

int registry_cli(int argc, char **argv)
{
        if (argc < 2) {
                usage(stderr);
                return 2;
        }
        const char *verb = argv[1];
        const char *data_dir = "/var/lib/jobd", *policy = NULL, *server = NULL, *pod = NULL;
        bool quiet = false, stats = false;
        _cleanup_json_ json_t *secrets = json_array();
        _cleanup_json_ json_t *inuse = json_array();
        static const struct option opts[] = {{"data-dir", required_argument, NULL, 'd'},
                                             {"secret", required_argument, NULL, 's'},
                                             {"in-use", required_argument, NULL, 'u'},
                                             {"policy", required_argument, NULL, 'p'},
                                             {"server", required_argument, NULL, 'U'},
                                             {"pod", required_argument, NULL, 'P'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"stats", no_argument, NULL, 'S'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
        optind = 1;
        int c;
        while ((c = getopt_long(argc - 1, argv + 1, "d:s:u:p:qh", opts, NULL)) != -1) {
                switch (c) {
                case 'd':
                        data_dir = optarg;
                        break;
                case 's':
                        if (add_secrets(secrets, optarg) < 0)
                                return 2;
                        break;
                case 'u':
                        json_array_append_new(inuse, json_string(optarg));
                        break;
                case 'p':
                        policy = optarg;
                        break;
                case 'U':
                        server = optarg;
                        break;
                case 'P':
                        pod = optarg;
                        break;
                case 'q':
                        quiet = true;
                        break;
                case 'S':
                        stats = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        char **rest = argv + 1 + optind;
        int nrest = argc - 1 - optind;
        _cleanup_free_ char *image_dir = xasprintf("%s/agent/images", data_dir);
        char err[2048];
        if (streq(verb, "prune")) {
                if (nrest || pod) {
                        usage(stderr);
                        return 2;
                }
                if (server && add_pods_images(inuse, server) < 0)
                        return 1;
                size_t n = json_array_size(inuse);
                const char **v = xcalloc(n + 1, sizeof(char *));
                for (size_t i = 0; i < n; i++)
                        v[i] = json_string_value(json_array_get(inuse, i));
                json_t *removed = NULL;
                int r = registry_prune(image_dir, v, n, &removed, err, sizeof(err));
                free(v);
                if (r < 0) {
                        fprintf(stderr, "error: %s\n", err);
                        return 1;
                }
                size_t i;
                json_t *x;
                json_array_foreach(removed, i, x) printf("deleted %s\n", json_string_value(x));
                printf("%zu image(s) removed\n", json_array_size(removed));
                json_decref(removed);
                return 0;
        }
        if (!streq(verb, "pull") || nrest < 1) {
                usage(stderr);
                return 2;
        }
        if (!!server != !!pod) {
                fprintf(stderr, "error: --server and --pod go together\n");
                return 2;
        }
        if (pod && add_pod_secrets(secrets, server, pod) < 0)
                return 1;
        struct registry_config *cfg = NULL;
        if (registry_config_load(data_dir, &cfg, err, sizeof(err)) < 0) {
                fprintf(stderr, "error: %s\n", err);
                return 1;
        }
        bool tty = isatty(2);
        struct job *jobs = xcalloc((size_t)nrest, sizeof(*jobs));
        pthread_t *th = xcalloc((size_t)nrest, sizeof(*th));
        for (int i = 0; i < nrest; i++) {
                jobs[i] = (struct job){.ref = rest[i], .cfg = cfg, .image_dir = image_dir,
                                       .secrets = json_array_size(secrets) ? secrets : NULL,
                                       .tty = tty && nrest == 1, .quiet = quiet,
                                       .policy = policy};
                if (pthread_create(&th[i], NULL, pull_main, &jobs[i]) != 0)
                        pull_main(&jobs[i]), th[i] = 0;
        }
        int rc = 0;
        for (int i = 0; i < nrest; i++) {
                if (th[i])
                        pthread_join(th[i], NULL);
                struct job *j = &jobs[i];
                if (j->rc < 0 && j->policy) {
                        fprintf(stderr, "error: %s\n", j->err);
                        rc = 1;
                } else if (j->rc < 0) {
                        fprintf(stderr, "error: Failed to pull image \"%s\": %s\n", j->ref, j->err);
                        rc = 1;
                } else if (j->policy) {
                        printf("%s\n", j->err);
                } else if (quiet) {
                        printf("%s\n", jstr(j->record, "name"));
                } else {
                        int64_t sz = 0;
                        jint(j->record, "size", &sz);
                        char ev[1024];
                        registry_pull_event(j->ref, j->t1 - j->t0, j->t1 - j->t0, sz, ev,
                                            sizeof(ev));
                        printf("%s\n  %s %s\n", ev, jstr(j->record, "name"),
                               jstr(j->record, "digest") ?: "");
                }
                json_decref(j->record);
        }
        if (stats) {
                struct registry_stats s;
                registry_stats_get(&s);
                printf("stats: blob_gets=%llu manifest_gets=%llu shared_waits=%llu\n",
                       (unsigned long long)s.blob_gets, (unsigned long long)s.manifest_gets,
                       (unsigned long long)s.shared_waits);
        }
        free(jobs);
        free(th);
        registry_config_free(cfg);
        return rc;
}

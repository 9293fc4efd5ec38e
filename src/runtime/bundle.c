/* bundle.c — config.json from a PodSpec container (see bundle.h).
 *
 * The defaults are security-baseline.md's (E1–E3, E5, E10; consequence 6): containerd
 * 2.0's nine capabilities with empty inheritable/ambient sets, no_new_privs unless the
 * pod allows escalation, containerd's masked and read-only /proc and /sys paths, a
 * private cgroup namespace, a pids limit, RLIMIT_NOFILE 1024, and a seccomp filter.
 * The seccomp filter is a deny list of the calls moby's profile exists to stop (mount,
 * module loading, kexec, bpf, keyrings, namespace escapes, clock setting ...) rather than
 * moby's full allow list — a deliberate, documented gap: the allow list needs the exact
 * syscall table of the libseccomp in use.  Privileged containers get every capability,
 * no seccomp, no masking and writable /sys, as Kubernetes does.
 */
#include "base/buf.h"
#include "runtime/bundle.h"
#include "types/quantity.h"

const char *const bundle_default_caps[] = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_KILL", NULL,
};

static const char *const all_caps[] = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
        "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE", NULL,
};

static const char *const masked_paths[] = {
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
        "/sys/firmware", "/sys/devices/virtual/powercap", NULL,
};
static const char *const readonly_paths[] = {
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static const char *const seccomp_denied[] = {
        "acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module",
        "delete_module", "finit_module", "get_kernel_syms", "get_mempolicy", "init_module",
        "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie",
        "mbind", "mount", "mount_setattr", "move_mount", "move_pages", "name_to_handle_at",
        "nfsservctl", "open_by_handle_at", "open_tree", "fsopen", "fsconfig", "fsmount",
        "fspick", "perf_event_open", "pivot_root", "process_vm_readv", "process_vm_writev",
        "query_module", "quotactl", "reboot", "request_key", "set_mempolicy", "setns",
        "settimeofday", "swapoff", "swapon", "sysfs", "_sysctl", "umount", "umount2",
        "unshare", "uselib", "userfaultfd", "ustat", "vm86", "vm86old", NULL,
};

char *bundle_expand(const char *s, json_t *vars)
{
        struct buf b;
        buf_init(&b, 1 << 20);
        int e = 0;
        for (const char *p = s; *p && e == 0;) {
                if (p[0] == '$' && p[1] == '$') {
                        e = buf_puts(&b, "$");
                        p += 2;
                } else if (p[0] == '$' && p[1] == '(') {
                        const char *close = strchr(p + 2, ')');
                        if (!close) {
                                e = buf_puts(&b, p);
                                break;
                        }
                        _cleanup_free_ char *name = xstrndup(p + 2, (size_t)(close - p - 2));
                        json_t *v = json_object_get(vars, name);
                        if (json_is_string(v))
                                e = buf_puts(&b, json_string_value(v));
                        else
                                e = buf_append(&b, p, (size_t)(close - p + 1));
                        p = close + 1;
                } else {
                        e = buf_append(&b, p, 1);
                        p++;
                }
        }
        if (!b.data)
                return xstrdup("");
        return buf_steal(&b);
}

static json_t *env_vars(json_t *env)
{
        json_t *vars = json_object(), *e;
        size_t i;
        json_array_foreach(env, i, e)
        {
                const char *n = jstr(e, "name"), *v = jstr(e, "value");
                if (n)
                        json_object_set_new(vars, n, json_string(v ? v : ""));
        }
        return vars;
}

static json_t *js_take(char *s)
{
        json_t *j = json_string(s);
        free(s);
        return j;
}

json_t *bundle_argv(json_t *container, json_t *image_config, json_t *env)
{
        json_t *cmd = jget(container, "command"), *args = jget(container, "args");
        json_t *ep = jget(image_config, "Entrypoint"), *icmd = jget(image_config, "Cmd");
        json_t *out = json_array(), *x;
        _cleanup_json_ json_t *vars = env_vars(env);
        size_t i;
        json_t *first, *second;
        bool expand_first, expand_second;
        if (json_array_size(cmd) > 0) {
                first = cmd;
                second = args;
                expand_first = expand_second = true;
        } else if (json_array_size(args) > 0) {
                first = ep;
                second = args;
                expand_first = false;
                expand_second = true;
        } else {
                first = ep;
                second = icmd;
                expand_first = expand_second = false;
        }
        json_array_foreach(first, i, x)
        {
                const char *s = json_string_value(x) ?: "";
                json_array_append_new(out, expand_first ? js_take(bundle_expand(s, vars))
                                                        : json_string(s));
        }
        json_array_foreach(second, i, x)
        {
                const char *s = json_string_value(x) ?: "";
                json_array_append_new(out, expand_second ? js_take(bundle_expand(s, vars))
                                                         : json_string(s));
        }
        return out;
}

json_t *bundle_env(json_t *image_config, json_t *env, const char *hostname)
{
        json_t *order = json_array(), *vals = json_object(), *x;
        size_t i;
        json_array_foreach(jget(image_config, "Env"), i, x)
        {
                const char *kv = json_string_value(x);
                const char *eq = kv ? strchr(kv, '=') : NULL;
                if (!eq)
                        continue;
                _cleanup_free_ char *k = xstrndup(kv, (size_t)(eq - kv));
                if (!json_object_get(vals, k))
                        json_array_append_new(order, json_string(k));
                json_object_set_new(vals, k, json_string(eq + 1));
        }
        if (hostname && !json_object_get(vals, "HOSTNAME")) {
                json_array_append_new(order, json_string("HOSTNAME"));
                json_object_set_new(vals, "HOSTNAME", json_string(hostname));
        }
        json_array_foreach(env, i, x)
        {
                const char *k = jstr(x, "name"), *v = jstr(x, "value");
                if (!k)
                        continue;
                if (!json_object_get(vals, k))
                        json_array_append_new(order, json_string(k));
                json_object_set_new(vals, k, json_string(v ? v : ""));
        }
        json_t *out = json_array();
        json_array_foreach(order, i, x)
        {
                const char *k = json_string_value(x);
                char *kv = xasprintf("%s=%s", k, json_string_value(json_object_get(vals, k)));
                json_array_append_new(out, json_string(kv));
                free(kv);
        }
        json_decref(order);
        json_decref(vals);
        return out;
}

static char *cap_name(const char *k8s)
{
        if (startswith(k8s, "CAP_"))
                return xstrdup(k8s);
        return xasprintf("CAP_%s", k8s);
}

static bool cap_known(const char *c)
{
        for (size_t i = 0; all_caps[i]; i++)
                if (streq(all_caps[i], c))
                        return true;
        return false;
}

static int64_t qmilli(json_t *v)
{
        struct quantity q;
        char err[64];
        if (!json_is_string(v) || quantity_parse(json_string_value(v), &q, err, sizeof(err)) < 0)
                return -1;
        return q.milli;
}

static json_t *mount_new(const char *dst, const char *type, const char *src, const char *opts)
{
        json_t *m = json_pack("{s:s, s:s, s:s}", "destination", dst, "type", type, "source", src);
        json_t *o = json_array();
        _cleanup_free_ char *cp = xstrdup(opts);
        char *save = NULL;
        for (char *t = strtok_r(cp, ",", &save); t; t = strtok_r(NULL, ",", &save))
                json_array_append_new(o, json_string(t));
        json_object_set_new(m, "options", o);
        return m;
}

static bool sc_bool(json_t *c, json_t *pod, const char *key, bool *ret)
{
        json_t *v = jget(jget(c, "securityContext"), key);
        if (!json_is_boolean(v))
                v = jget(jget(pod, "spec.securityContext"), key);
        if (!json_is_boolean(v))
                return false;
        *ret = json_is_true(v);
        return true;
}

static bool sc_int(json_t *c, json_t *pod, const char *key, int64_t *ret)
{
        if (jint(jget(c, "securityContext"), key, ret))
                return true;
        return jint(jget(pod, "spec.securityContext"), key, ret);
}

json_t *bundle_config(const struct bundle_in *in, char *err, size_t errlen)
{
        json_t *c = in->container;
        bool privileged = jbool(c, "securityContext.privileged");
        _cleanup_json_ json_t *cfg = json_object();
        jset_str(cfg, "ociVersion", "1.0.2");

        /* process */
        json_t *proc = jobj(cfg, "process");
        json_object_set_new(proc, "terminal", json_false());
        json_object_set_new(proc, "args", bundle_argv(c, in->image_config, in->env));
        if (json_array_size(json_object_get(proc, "args")) == 0) {
                snprintf(err, errlen, "no command specified");
                return NULL;
        }
        json_object_set_new(proc, "env", bundle_env(in->image_config, in->env,
                                                    in->host_network ? NULL : in->hostname));
        const char *wd = jstr(c, "workingDir");
        if (!wd || !*wd)
                wd = jstr(in->image_config, "WorkingDir");
        jset_str(proc, "cwd", wd && *wd ? wd : "/");

        int64_t uid = 0, gid = 0;
        const char *iu = jstr(in->image_config, "User");
        if (iu && *iu) {
                char *end;
                long u = strtol(iu, &end, 10);
                if (end != iu && (*end == 0 || *end == ':')) {
                        uid = u;
                        if (*end == ':')
                                gid = strtol(end + 1, NULL, 10);
                }
        }
        sc_int(c, in->pod, "runAsUser", &uid);
        sc_int(c, in->pod, "runAsGroup", &gid);
        json_t *user = jobj(proc, "user");
        jset_int(user, "uid", uid);
        jset_int(user, "gid", gid);
        json_t *groups = json_array(), *g;
        size_t i;
        json_array_foreach(jget(in->pod, "spec.securityContext.supplementalGroups"), i, g)
                json_array_append(groups, g);
        int64_t fsg;
        if (jint(in->pod, "spec.securityContext.fsGroup", &fsg))
                json_array_append_new(groups, json_integer(fsg));
        if (json_array_size(groups))
                json_object_set_new(user, "additionalGids", groups);
        else
                json_decref(groups);

        /* capabilities: defaults + add - drop; inheritable and ambient stay empty (E5) */
        json_t *caps = json_array();
        if (privileged) {
                for (size_t k = 0; all_caps[k]; k++)
                        json_array_append_new(caps, json_string(all_caps[k]));
        } else {
                bool drop_all = false;
                json_t *x;
                json_array_foreach(jget(c, "securityContext.capabilities.drop"), i, x)
                        drop_all |= streq(json_string_value(x), "ALL") ||
                                    streq(json_string_value(x), "CAP_ALL");
                if (!drop_all)
                        for (size_t k = 0; bundle_default_caps[k]; k++)
                                json_array_append_new(caps, json_string(bundle_default_caps[k]));
                json_array_foreach(jget(c, "securityContext.capabilities.add"), i, x)
                {
                        const char *s = json_string_value(x);
                        if (streq(s, "ALL")) {
                                json_array_clear(caps);
                                for (size_t k = 0; all_caps[k]; k++)
                                        json_array_append_new(caps, json_string(all_caps[k]));
                                continue;
                        }
                        _cleanup_free_ char *n = cap_name(s ? s : "");
                        if (!cap_known(n)) {
                                snprintf(err, errlen, "unknown capability \"%s\"", s ? s : "");
                                json_decref(caps);
                                return NULL;
                        }
                        bool have = false;
                        json_t *y;
                        size_t j;
                        json_array_foreach(caps, j, y) have |= streq(json_string_value(y), n);
                        if (!have)
                                json_array_append_new(caps, json_string(n));
                }
                json_array_foreach(jget(c, "securityContext.capabilities.drop"), i, x)
                {
                        _cleanup_free_ char *n = cap_name(json_string_value(x) ?: "");
                        for (size_t j = 0; j < json_array_size(caps); j++) {
                                if (streq(json_string_value(json_array_get(caps, j)), n)) {
                                        json_array_remove(caps, j);
                                        j--;
                                }
                        }
                }
        }
        if (in->cap_bound) {
                /* never ask for what the agent's own bounding set lacks: capset would fail */
                for (size_t j = 0; j < json_array_size(caps); j++) {
                        const char *n = json_string_value(json_array_get(caps, j));
                        for (size_t k = 0; all_caps[k]; k++) {
                                if (streq(all_caps[k], n) && !(in->cap_bound & (1ULL << k))) {
                                        json_array_remove(caps, j);
                                        j--;
                                        break;
                                }
                        }
                }
        }
        json_t *capo = jobj(proc, "capabilities");
        json_object_set(capo, "bounding", caps);
        json_object_set(capo, "effective", caps);
        json_object_set(capo, "permitted", caps);
        json_decref(caps);
        bool ape = true;
        bool have_ape = sc_bool(c, NULL, "allowPrivilegeEscalation", &ape);
        json_object_set_new(proc, "noNewPrivileges",
                            json_boolean(!privileged && !(have_ape && ape)));
        json_object_set_new(proc, "rlimits",
                            json_pack("[{s:s, s:i, s:i}]", "type", "RLIMIT_NOFILE", "hard", 1024,
                                      "soft", 1024));

        /* root */
        json_t *root = jobj(cfg, "root");
        jset_str(root, "path", in->rootfs);
        json_object_set_new(root, "readonly",
                            json_boolean(jbool(c, "securityContext.readOnlyRootFilesystem")));
        if (!in->host_network && in->hostname)
                jset_str(cfg, "hostname", in->hostname);

        /* mounts */
        json_t *mounts = json_array();
        json_array_append_new(mounts, mount_new("/proc", "proc", "proc", "nosuid,noexec,nodev"));
        json_array_append_new(mounts, mount_new("/dev", "tmpfs", "tmpfs",
                                                "nosuid,strictatime,mode=755,size=65536k"));
        json_array_append_new(mounts, mount_new("/dev/pts", "devpts", "devpts",
                                                "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5"));
        json_array_append_new(mounts, mount_new("/dev/shm", "tmpfs", "shm",
                                                "nosuid,noexec,nodev,mode=1777,size=65536k"));
        json_array_append_new(mounts, mount_new("/dev/mqueue", "mqueue", "mqueue",
                                                "nosuid,noexec,nodev"));
        json_array_append_new(mounts, mount_new("/sys", "sysfs", "sysfs",
                                                privileged ? "nosuid,noexec,nodev,rw"
                                                           : "nosuid,noexec,nodev,ro"));
        json_array_append_new(mounts, mount_new("/sys/fs/cgroup", "cgroup", "cgroup",
                                                privileged ? "nosuid,noexec,nodev,relatime,rw"
                                                           : "nosuid,noexec,nodev,relatime,ro"));
        json_t *m;
        json_array_foreach(in->mounts, i, m) json_array_append(mounts, m);
        json_object_set_new(cfg, "mounts", mounts);

        /* linux */
        json_t *lx = jobj(cfg, "linux");
        json_t *ns = json_array();
        json_array_append_new(ns, json_pack("{s:s}", "type", "pid"));
        json_array_append_new(ns, json_pack("{s:s}", "type", "ipc"));
        json_array_append_new(ns, json_pack("{s:s}", "type", "mount"));
        json_array_append_new(ns, json_pack("{s:s}", "type", "cgroup"));
        if (!in->host_network) {
                json_array_append_new(ns, json_pack("{s:s}", "type", "uts"));
                if (in->netns_path)
                        json_array_append_new(ns, json_pack("{s:s, s:s}", "type", "network", "path",
                                                            in->netns_path));
                else
                        json_array_append_new(ns, json_pack("{s:s}", "type", "network"));
        }
        json_object_set_new(lx, "namespaces", ns);
        if (in->cgroup_path)
                jset_str(lx, "cgroupsPath", in->cgroup_path);

        json_t *res = jobj(lx, "resources");
        json_object_set_new(res, "devices",
                            json_pack("[{s:b, s:s}]", "allow", privileged, "access", "rwm"));
        int64_t lim_mem = qmilli(jget(c, "resources.limits.memory"));
        if (lim_mem > 0) {
                int64_t bytes = (lim_mem + 999) / 1000;
                json_t *mem = jobj(res, "memory");
                jset_int(mem, "limit", bytes);
                jset_int(mem, "swap", bytes);
        }
        json_t *cpu = jobj(res, "cpu");
        int64_t req_cpu = qmilli(jget(c, "resources.requests.cpu"));
        int64_t lim_cpu = qmilli(jget(c, "resources.limits.cpu"));
        if (req_cpu < 0)
                req_cpu = lim_cpu;
        int64_t shares = req_cpu > 0 ? req_cpu * 1024 / 1000 : 2;
        jset_int(cpu, "shares", shares < 2 ? 2 : shares > 262144 ? 262144 : shares);
        if (lim_cpu > 0) {
                int64_t quota = lim_cpu * 100000 / 1000;
                jset_int(cpu, "quota", quota < 1000 ? 1000 : quota);
                jset_int(cpu, "period", 100000);
        }
        jset_int(jobj(res, "pids"), "limit", 4096);

        if (!privileged) {
                json_t *mp = json_array(), *rp = json_array();
                for (size_t k = 0; masked_paths[k]; k++)
                        json_array_append_new(mp, json_string(masked_paths[k]));
                for (size_t k = 0; readonly_paths[k]; k++)
                        json_array_append_new(rp, json_string(readonly_paths[k]));
                json_object_set_new(lx, "maskedPaths", mp);
                json_object_set_new(lx, "readonlyPaths", rp);
                const char *sp = jstr(c, "securityContext.seccompProfile.type");
                if (!sp)
                        sp = jstr(in->pod, "spec.securityContext.seccompProfile.type");
                if (!streq(sp, "Unconfined")) {
                        json_t *names = json_array();
                        for (size_t k = 0; seccomp_denied[k]; k++)
                                json_array_append_new(names, json_string(seccomp_denied[k]));
                        json_object_set_new(
                                lx, "seccomp",
                                json_pack("{s:s, s:[s,s,s], s:[{s:o, s:s, s:i}]}", "defaultAction",
                                          "SCMP_ACT_ALLOW", "architectures", "SCMP_ARCH_X86_64",
                                          "SCMP_ARCH_X86", "SCMP_ARCH_X32", "syscalls", "names",
                                          names, "action", "SCMP_ACT_ERRNO", "errnoRet", 1));
                }
        }
        return TAKE_PTR(cfg);
}

"""The embedded node agent with real containers (crun under conmon) and the real kubectl:
the guide's Job end to end with a perl image built offline, Job failure with backoff,
OnFailure restarts, kubectl logs -f, deletion within the grace period, the image CLI, and
a SIGKILLed server (agent included) whose containers keep running and are re-adopted
with exact Job accounting.  Images come from scripts/build-images.sh, dropped into
<data-dir>/images/ for the agent's auto-import.  Skipped without root, crun or conmon."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from harness import JOBD, ROOT, Server, _failed_checks, check, run, test, wait_for

if os.geteuid() != 0 or not shutil.which("crun") or not shutil.which("conmon"):
    print("skipped: needs root, crun and conmon")
    print("0 passed, 0 failed")
    sys.exit(0)

IMAGES = tempfile.mkdtemp(prefix="jobd-images-")
subprocess.run([os.path.join(ROOT, "scripts", "build-images.sh"), IMAGES], check=True,
               stdout=subprocess.DEVNULL)

FLAGS = ["--node-name", "node-a", "--restart-backoff-base", "200", "--restart-backoff-cap",
         "1000", "--job-backoff-base", "200", "--job-backoff-cap", "1000"]


LOGS = []  # temp dirs of every server started here (their server.log)


def new_server(data_dir=None):
    srv = Server(*FLAGS, data_dir=data_dir)
    LOGS.append(srv.tmp)
    os.makedirs(os.path.join(srv.data_dir, "images"), exist_ok=True)
    for f in ("busybox.tar", "perl.tar"):
        dst = os.path.join(srv.data_dir, "images", f)
        if not os.path.exists(dst):
            os.link(os.path.join(IMAGES, f), dst) if same_fs(IMAGES, srv.data_dir) else \
                shutil.copy(os.path.join(IMAGES, f), dst)
    return srv.start()


def same_fs(a, b):
    return os.stat(a).st_dev == os.stat(os.path.dirname(b) if not os.path.exists(b) else b).st_dev


srv = new_server()


def kubectl(*args, input=None, timeout=60):
    return srv.kubectl(*args, input=input, timeout=timeout)


def apply(doc):
    rc, out, err = kubectl("create", "-f", "-", input=json.dumps(doc))
    check(rc == 0, f"create {doc['kind']} {doc['metadata']['name']}", out + err)


def pod(name):
    code, body, _ = srv.api("GET", f"/api/v1/namespaces/default/pods/{name}")
    return body if code == 200 else None


def job_pods(job):
    code, body, _ = srv.api("GET", "/api/v1/namespaces/default/pods?labelSelector=job-name%3D" + job)
    return body.get("items", []) if code == 200 else []


def job(name):
    code, body, _ = srv.api("GET", f"/apis/batch/v1/namespaces/default/jobs/{name}")
    return body if code == 200 else None


def job_cond(name, cond):
    j = job(name)
    for c in (j or {}).get("status", {}).get("conditions", []):
        if c["type"] == cond and c["status"] == "True":
            return j
    return None


def busybox_job(name, script, policy="Never", completions=1, parallelism=1, backoff=6,
                volumes=None, mounts=None):
    c = {"name": "c", "image": "busybox", "imagePullPolicy": "IfNotPresent",
         "command": ["sh", "-c", script]}
    if mounts:
        c["volumeMounts"] = mounts
    spec = {"containers": [c], "restartPolicy": policy, "terminationGracePeriodSeconds": 2}
    if volumes:
        spec["volumes"] = volumes
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
            "spec": {"completions": completions, "parallelism": parallelism,
                     "backoffLimit": backoff, "template": {"spec": spec}}}


def pod_dirs():
    d = os.path.join(srv.data_dir, "agent", "pods")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


@test
def node_and_images():
    rc, out, err = kubectl("get", "nodes")
    check(rc == 0 and re.search(r"^node-a\s+Ready\s", out, re.M), "node-a is Ready", out + err)
    p = subprocess.run([JOBD, "image", "ls", "--data-dir", srv.data_dir], capture_output=True,
                       text=True)
    check(p.returncode == 0 and "docker.io/library/busybox:latest" in p.stdout and
          "docker.io/library/perl:latest" in p.stdout, "jobd image ls lists the imports",
          p.stdout + p.stderr)


@test
def pi_job_end_to_end():
    with open(os.path.join(ROOT, "examples", "pi.yaml")) as f:
        y = f.read()
    y = re.sub(r"^(\s*)image: perl$", r"\1image: perl\n\1imagePullPolicy: IfNotPresent", y,
               flags=re.M)
    rc, out, err = kubectl("create", "-f", "-", input=y)
    check(rc == 0 and "job.batch/pi created" in out, "create pi", out + err)
    wait_for(lambda: job_cond("pi", "Complete"), "job pi Complete", timeout=150, interval=0.5)
    rc, out, err = kubectl("get", "job", "pi")
    check(re.search(r"^pi\s+Complete\s+2/2\s", out, re.M), "kubectl get job pi: Complete 2/2",
          out + err)
    rc, out, err = kubectl("logs", "job/pi")
    digits = out.strip()
    check(rc == 0 and digits.startswith("3.14159265358979323846") and len(digits) == 2001,
          "kubectl logs job/pi prints pi to 2000 digits", out[:200] + err)
    pods = job_pods("pi")
    check(len(pods) == 2, "two pods ran", [p["metadata"]["name"] for p in pods])
    for p in pods:
        cs = p["status"]["containerStatuses"][0]
        check(p["status"]["phase"] == "Succeeded" and
              cs["state"]["terminated"]["reason"] == "Completed" and
              cs["state"]["terminated"]["exitCode"] == 0, "pod Succeeded/Completed", p["status"])
    uids = [p["metadata"]["uid"] for p in pods]
    check(all(u in pod_dirs() for u in uids), "pod dirs (logs) kept while the job exists",
          pod_dirs())
    rc, out, err = kubectl("delete", "job", "pi")
    check(rc == 0, "delete job pi", out + err)
    wait_for(lambda: not job_pods("pi"), "pi pods deleted", timeout=30)
    wait_for(lambda: not any(u in pod_dirs() for u in uids), "containers, rootfs and logs gone",
             timeout=30)


@test
def failing_job_backs_off_and_fails():
    apply(busybox_job("fail", "echo failing; exit 2", backoff=1))
    j = wait_for(lambda: job_cond("fail", "Failed"), "job fail Failed", timeout=60)
    reason = [c.get("reason") for c in (j or {}).get("status", {}).get("conditions", [])
              if c["type"] == "Failed"]
    check(reason == ["BackoffLimitExceeded"], "BackoffLimitExceeded", j and j.get("status"))
    pods = job_pods("fail")
    check(len(pods) == 2, "backoffLimit 1: two pods", len(pods))
    for p in pods:
        t = p["status"]["containerStatuses"][0]["state"].get("terminated", {})
        check(p["status"]["phase"] == "Failed" and t.get("exitCode") == 2 and
              t.get("reason") == "Error", "pod Failed with exit code 2", p["status"])
    rc, out, err = kubectl("logs", pods[0]["metadata"]["name"])
    check(out == "failing\n", "logs of a failed pod", out + err)


@test
def on_failure_restarts_in_place():
    apply(busybox_job("retry", "if [ -f /data/once ]; then echo second; exit 0; fi; "
                      "touch /data/once; echo first; exit 1", policy="OnFailure",
                      volumes=[{"name": "d", "emptyDir": {}}],
                      mounts=[{"name": "d", "mountPath": "/data"}]))
    wait_for(lambda: job_cond("retry", "Complete"), "job retry Complete", timeout=60)
    pods = job_pods("retry")
    check(len(pods) == 1, "one pod", len(pods))
    if pods:
        cs = pods[0]["status"]["containerStatuses"][0]
        check(cs["restartCount"] == 1, "restartCount 1", cs)
        check(cs["lastState"].get("terminated", {}).get("exitCode") == 1, "lastState exit 1", cs)
        name = pods[0]["metadata"]["name"]
        rc, out, err = kubectl("logs", name)
        check(out == "second\n", "current logs", out + err)
        rc, out, err = kubectl("logs", name, "--previous")
        check(out == "first\n", "--previous logs", out + err)


@test
def logs_follow_streams_until_exit():
    rc, out, err = kubectl("run", "ticker", "--image=busybox", "--image-pull-policy=IfNotPresent",
                           "--restart=Never", "--", "sh", "-c",
                           "for i in 1 2 3 4; do echo tick $i; sleep 0.3; done")
    check(rc == 0, "run ticker", out + err)
    wait_for(lambda: (pod("ticker") or {}).get("status", {}).get("phase") in ("Running", "Succeeded"),
             "ticker started")
    t0 = time.monotonic()
    rc, out, err = kubectl("logs", "-f", "ticker", timeout=30)
    check(rc == 0 and out == "tick 1\ntick 2\ntick 3\ntick 4\n", "logs -f saw every line", out + err)
    check(time.monotonic() - t0 < 15, "logs -f ended with the container")
    rc, out, err = kubectl("logs", "ticker", "--tail=2", "--timestamps")
    lines = out.splitlines()
    check(len(lines) == 2 and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z tick 3$", lines[0]),
          "--tail=2 --timestamps", out + err)


@test
def delete_running_pod_within_grace():
    rc, out, err = kubectl("run", "sleeper", "--image=busybox", "--image-pull-policy=IfNotPresent",
                           "--restart=Never", "--", "sleep", "300")
    wait_for(lambda: (pod("sleeper") or {}).get("status", {}).get("phase") == "Running",
             "sleeper running")
    uid = pod("sleeper")["metadata"]["uid"]
    t0 = time.monotonic()
    rc, out, err = kubectl("delete", "pod", "sleeper", "--grace-period=2", timeout=60)
    took = time.monotonic() - t0
    check(rc == 0, "delete pod", out + err)
    check(took < 10, f"stopped within its grace period ({took:.1f}s)")
    check(pod("sleeper") is None, "pod gone")
    check(uid not in pod_dirs(), "pod dir removed", pod_dirs())


@test
def image_never_pull_and_cli():
    rc, out, err = kubectl("run", "ghost", "--image=nosuch:1", "--image-pull-policy=Never",
                           "--restart=Never")
    def waiting():
        cs = ((pod("ghost") or {}).get("status", {}).get("containerStatuses") or [{}])[0]
        return cs.get("state", {}).get("waiting", {}).get("reason") == "ErrImageNeverPull"
    wait_for(waiting, "ErrImageNeverPull")
    rc, out, err = kubectl("get", "pod", "ghost")
    check("ErrImageNeverPull" in out, "kubectl shows ErrImageNeverPull", out + err)
    kubectl("delete", "pod", "ghost", "--grace-period=0", "--force")


@test
def pod_updates_while_containers_restart():
    # every watch event replaces the agent's copy of the pod (and frees the old one) while
    # the pod's worker builds the next attempt from it: hammer label updates at a
    # crash-looping pod; the ASan server used to die of a heap-use-after-free here
    ctrs = [{"name": f"c{i}", "image": "busybox", "imagePullPolicy": "IfNotPresent",
             "command": ["sh", "-c", "echo flap; exit 1"],
             "env": [{"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['n']"}}}]}
            for i in range(4)]
    apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "flappy", "labels": {"n": "0"}},
           "spec": {"restartPolicy": "OnFailure", "terminationGracePeriodSeconds": 1,
                    "containers": ctrs}})
    stop = time.monotonic() + 6
    sent = [0, 0]

    def hammer(k):
        i = 0
        while time.monotonic() < stop and srv.proc and srv.proc.poll() is None:
            i += 1
            try:
                code, _, _ = srv.api("PATCH", "/api/v1/namespaces/default/pods/flappy",
                                     {"metadata": {"labels": {"n": f"{k}-{i}"}}},
                                     ctype="application/merge-patch+json")
            except OSError:
                break
            sent[k] += code == 200
    ts = [threading.Thread(target=hammer, args=(k,)) for k in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check(srv.proc.poll() is None, "server survived the updates", srv.logtext()[-3000:])
    check(sum(sent) > 50, "labels updated while it restarted", sent)
    p = wait_for(lambda: (lambda q: q if q and all(
                     cs["restartCount"] >= 2 for cs in q["status"]["containerStatuses"])
                     else None)(pod("flappy")), "flappy's containers restarted twice", timeout=30)
    check(p is not None, "restarts went on")
    rc, out, err = kubectl("delete", "pod", "flappy", "--grace-period=1", timeout=60)
    check(rc == 0, "delete flappy", out + err)


@test
def agent_sigkill_keeps_containers_and_accounting():
    apply(busybox_job("steady", "sleep 4; echo ok", completions=3, parallelism=3))
    # its second attempt starts under the restarted agent, in a fresh mount namespace
    # (and its configMap volume, a tmpfs of the old agent's mount namespace, is set up again)
    apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "phx"},
           "data": {"k": "v1"}})
    apply(busybox_job("phoenix", "if [ -f /d/m ]; then ping -c1 -W1 127.0.0.1 >/dev/null 2>&1; "
                      "echo again; cat /cfg/k; exit 0; fi; touch /d/m; sleep 3; exit 1",
                      policy="OnFailure",
                      volumes=[{"name": "d", "emptyDir": {}},
                               {"name": "c", "configMap": {"name": "phx"}}],
                      mounts=[{"name": "d", "mountPath": "/d"},
                              {"name": "c", "mountPath": "/cfg"}]))
    wait_for(lambda: len([p for p in job_pods("steady") + job_pods("phoenix")
                          if p.get("status", {}).get("phase") == "Running"]) == 4,
             "four pods running", timeout=60)
    data_dir = srv.data_dir
    srv.kill()
    srv.proc = None
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    check(out.count("conmon") >= 3, "conmon monitors survive the server", out[-2000:])
    srv2 = Server(*FLAGS, data_dir=data_dir)
    LOGS.append(srv2.tmp)
    srv2.start()
    globals()["srv"] = srv2
    j = wait_for(lambda: job_cond("steady", "Complete"), "job steady Complete after restart",
                 timeout=60)
    st = (j or {}).get("status", {})
    check(st.get("succeeded") == 3 and not st.get("failed"), "exactly 3 succeeded, 0 failed", st)
    pods = job_pods("steady")
    check(len(pods) == 3, "no extra pods were created", len(pods))
    for p in pods:
        cs = p["status"]["containerStatuses"][0]
        check(cs["restartCount"] == 0 and cs["state"].get("terminated", {}).get("exitCode") == 0,
              "re-adopted container finished with exit 0", cs)
    rc, out, err = srv2.kubectl("logs", pods[0]["metadata"]["name"]) if pods else (1, "", "")
    check(out == "ok\n", "logs survive the restart", out + err)
    wait_for(lambda: job_cond("phoenix", "Complete"), "job phoenix Complete after restart",
             timeout=60)
    pods = job_pods("phoenix")
    check(len(pods) == 1 and pods[0]["status"]["containerStatuses"][0]["restartCount"] == 1,
          "restarted in place once, under the new agent", pods and pods[0]["status"])
    if pods:
        rc, out, err = srv2.kubectl("logs", pods[0]["metadata"]["name"])
        check(out == "again\nv1", "second attempt ran with its pod network and volumes", out + err)


@test
def runc_runtime_runs_pods():
    if not shutil.which("runc"):
        return
    r = Server("--runtime", "runc", "--node-name", "node-r")
    os.makedirs(os.path.join(r.data_dir, "images"), exist_ok=True)
    shutil.copy(os.path.join(IMAGES, "busybox.tar"), os.path.join(r.data_dir, "images"))
    r.start()
    try:
        rc, out, err = r.kubectl("run", "viarunc", "--image=busybox", "--image-pull-policy=IfNotPresent",
                                 "--restart=Never", "--", "sh", "-c", "echo runc here; exit 4")
        check(rc == 0, "run a pod on runc", out + err)

        def done():
            code, body, _ = r.api("GET", "/api/v1/namespaces/default/pods/viarunc")
            return body if code == 200 and body.get("status", {}).get("phase") == "Failed" else None
        p = wait_for(done, "runc pod Failed", timeout=60)
        t = ((p or {}).get("status", {}).get("containerStatuses") or [{}])[0].get("state", {})
        check(t.get("terminated", {}).get("exitCode") == 4, "runc exit code 4", t)
        check(t.get("terminated", {}).get("containerID", "").startswith("runc://"), "runc containerID", t)
        rc, out, err = r.kubectl("logs", "viarunc")
        check(out == "runc here\n", "runc logs", out + err)
        r.kubectl("delete", "pod", "viarunc")
        wait_for(lambda: not os.listdir(os.path.join(r.data_dir, "agent", "pods")), "runc pod cleaned")
        check(r.stop() == 0, "runc server exits cleanly", r.logtext()[-3000:])
    finally:
        if _failed_checks:  # its temp dir goes now: keep its log like the others'
            if r.proc:
                r.stop()
            keep = os.path.join(tempfile.gettempdir(), "jobd-test-agent-server-runc.log")
            try:
                shutil.copy(os.path.join(r.tmp, "server.log"), keep)
                print(f"  server log kept in {keep}")
            except OSError:
                pass
        r.cleanup()


@test
def cleanup_everything():
    rc, out, err = kubectl("delete", "jobs", "--all", timeout=60)
    kubectl("delete", "pods", "--all", "--grace-period=1", timeout=60)
    wait_for(lambda: not pod_dirs(), "no pod directories left", timeout=60)
    rc = srv.stop()
    check(rc == 0, "server exits cleanly (no ASan reports)", srv.logtext()[-3000:])
    if _failed_checks:
        # keep the servers' whole logs for whoever investigates (the temp dirs go away)
        for i, tmp in enumerate(LOGS):
            keep = os.path.join(tempfile.gettempdir(), f"jobd-test-agent-server-{i}.log")
            try:
                shutil.copy(os.path.join(tmp, "server.log"), keep)
                print(f"  server log kept in {keep}")
            except OSError:
                pass
    srv.cleanup()
    for tmp in LOGS:
        shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(IMAGES, ignore_errors=True)


run()

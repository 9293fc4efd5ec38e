"""Job controller scenarios against a real jobd server, with the test acting as the node:
it registers a Node (the server's scheduler binds pods to it) and writes pod status through
pods/{name}/status, as Kubernetes' integration tests do.  kubectl is the real one."""
import json
import os
import re

from harness import ROOT, Node, Server, check, run, test, wait_for

PI = os.path.join(ROOT, "examples", "pi.yaml")
srv = Server("--disable-agent", "--job-backoff-base", "200", "--job-backoff-cap", "1000",
             "--job-sync-period", "50").start()
node = Node(srv).register()


def job(name):
    code, body, _ = srv.api("GET", f"/apis/batch/v1/namespaces/default/jobs/{name}")
    return body if code == 200 else None


def pods_of(name, bound=True):
    ps = node.pods(selector=f"job-name={name}")
    return [p for p in ps if not bound or p["spec"].get("nodeName") == node.name]


def live(ps):
    return [p for p in ps if p["status"].get("phase") not in ("Succeeded", "Failed")
            and not p["metadata"].get("deletionTimestamp")]


def cond(j, typ):
    for c in (j or {}).get("status", {}).get("conditions", []):
        if c["type"] == typ and c["status"] == "True":
            return c
    return None


def create(manifest):
    rc, out, err = srv.kubectl("create", "-f", "-", input=manifest)
    check(rc == 0, "job created", out + err)


def job_yaml(name, completions=1, parallelism=1, extra_spec="", command='["sh", "-c", "true"]',
             restart="Never"):
    return f"""apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
  completions: {completions}
  parallelism: {parallelism}
{extra_spec}  template:
    spec:
      containers:
      - name: main
        image: busybox:1.36
        command: {command}
      restartPolicy: {restart}
"""


def get_row(name):
    rc, out, err = srv.kubectl("get", "job", name)
    return out.splitlines()[1] if rc == 0 and len(out.splitlines()) > 1 else out + err


@test
def guide_job_completes_and_delete_removes_pods():
    rc, out, err = srv.kubectl("create", "-f", PI)
    check(rc == 0 and out.strip() == "job.batch/pi created", "create pi", out + err)
    ps = wait_for(lambda: len(pods_of("pi")) == 2 and pods_of("pi"), "2 pods bound to the node")
    check(re.match(r"pi\s+Running\s+0/2\s", get_row("pi")), "Running 0/2", get_row("pi"))
    p0 = ps[0]
    check(p0["metadata"]["generateName"] == "pi-" and
          p0["metadata"]["ownerReferences"][0]["kind"] == "Job" and
          "batch.kubernetes.io/job-tracking" in p0["metadata"].get("finalizers", []),
          "pod has generateName, owner reference and tracking finalizer", p0["metadata"])
    rc, out, err = srv.kubectl("get", "pods", "-l", "job-name=pi")
    check(rc == 0 and len(re.findall(r"^pi-\w{5}\s", out, re.M)) == 2, "get pods -l job-name=pi", out)
    for p in ps:
        node.set_status(p, "Running")
    wait_for(lambda: (job("pi")["status"].get("ready") == 2), "status.ready = 2")
    w = srv.kubectl_bg("wait", "--for=condition=complete", "job/pi", "--timeout=60s")
    for p in ps:
        check(node.set_status(p, "Succeeded") == 200, "pod status written")
    out, err = w.communicate(timeout=90)
    check(w.returncode == 0 and "job.batch/pi condition met" in out, "kubectl wait complete", out + err)
    j = job("pi")
    check(j["status"].get("succeeded") == 2 and cond(j, "Complete") and cond(j, "SuccessCriteriaMet")
          and j["status"].get("completionTime"), "Complete with counts", j["status"])
    check(cond(j, "Complete")["reason"] == "CompletionsReached", "CompletionsReached", j["status"])
    check(re.match(r"pi\s+Complete\s+2/2\s", get_row("pi")), "Complete 2/2", get_row("pi"))
    rc, out, err = srv.kubectl("describe", "job", "pi")
    check(re.search(r"Pods Statuses:\s+0 Active \(0 Ready\) / 2 Succeeded / 0 Failed", out),
          "describe pods statuses", out)
    check(re.search(r"Normal\s+SuccessfulCreate\s+.*job-controller\s+Created pod: pi-", out) and
          re.search(r"Normal\s+Completed\s+.*Job completed", out), "describe events", out)
    wait_for(lambda: all(not p["metadata"].get("finalizers") for p in pods_of("pi")),
             "tracking finalizers removed from counted pods")
    rc, out, err = srv.kubectl("delete", "job", "pi")
    check(rc == 0 and 'job.batch "pi" deleted' in out, "delete job pi", out + err)
    wait_for(lambda: not pods_of("pi", bound=False), "pods of pi are gone")


@test
def backoff_limit_exceeded():
    create(job_yaml("fails", extra_spec="  backoffLimit: 1\n"))
    failed = set()

    def fail_new():
        for p in live(pods_of("fails")):
            if p["metadata"]["name"] not in failed:
                node.set_status(p, "Failed", exit_code=3)
                failed.add(p["metadata"]["name"])
        return cond(job("fails"), "Failed")

    c = wait_for(fail_new, "Job Failed", timeout=30, interval=0.1)
    check(c and c["reason"] == "BackoffLimitExceeded" and
          c["message"] == "Job has reached the specified backoff limit", "BackoffLimitExceeded", c)
    check(len(failed) == 2 and job("fails")["status"].get("failed") == 2, "two failures counted",
          job("fails")["status"])
    check(cond(job("fails"), "FailureTarget"), "FailureTarget set first", job("fails")["status"])
    rc, out, err = srv.kubectl("describe", "job", "fails")
    check(re.search(r"Warning\s+BackoffLimitExceeded", out), "describe shows BackoffLimitExceeded", out)
    check(re.match(r"fails\s+Failed\s+0/1\s", get_row("fails")), "get job shows Failed", get_row("fails"))


@test
def indexed_completion():
    create(job_yaml("idx", completions=3, parallelism=3, extra_spec="  completionMode: Indexed\n"))
    ps = wait_for(lambda: len(pods_of("idx")) == 3 and pods_of("idx"), "3 indexed pods")
    by_index = {}
    for p in ps or []:
        ann = p["metadata"].get("annotations", {})
        idx = ann.get("batch.kubernetes.io/job-completion-index")
        by_index[idx] = p
        env = {e["name"]: e for e in p["spec"]["containers"][0].get("env", [])}
        check("JOB_COMPLETION_INDEX" in env, "JOB_COMPLETION_INDEX env", env)
        check(p["spec"].get("hostname") == f"idx-{idx}", "hostname idx-<index>", p["spec"])
        check(p["metadata"]["name"].startswith(f"idx-{idx}-"), "name idx-<index>-xxxxx", p["metadata"]["name"])
    check(sorted(by_index) == ["0", "1", "2"], "indexes 0,1,2", sorted(by_index))
    node.set_status(by_index["0"], "Succeeded")
    node.set_status(by_index["2"], "Succeeded")
    wait_for(lambda: job("idx")["status"].get("completedIndexes") == "0,2", "completedIndexes 0,2")
    node.set_status(by_index["1"], "Succeeded")
    wait_for(lambda: cond(job("idx"), "Complete"), "indexed job Complete")
    check(job("idx")["status"].get("completedIndexes") == "0-2", "completedIndexes 0-2",
          job("idx")["status"])


@test
def suspend_and_resume():
    create(job_yaml("sus", completions=2, parallelism=2, extra_spec="  suspend: true\n"))
    wait_for(lambda: cond(job("sus"), "Suspended"), "Suspended condition")
    check(not pods_of("sus", bound=False), "no pods while suspended")
    check(re.match(r"sus\s+Suspended\s", get_row("sus")), "STATUS Suspended", get_row("sus"))
    rc, out, err = srv.kubectl("patch", "job", "sus", "--type=merge", "-p", '{"spec":{"suspend":false}}')
    check(rc == 0, "resume via kubectl patch", out + err)
    wait_for(lambda: len(pods_of("sus")) == 2, "pods created after resume")

    def resumed():
        # the controller creates the pods first and writes the Job's status after
        j = job("sus")
        sc = [c for c in j["status"].get("conditions", []) if c["type"] == "Suspended"]
        return j if sc and sc[0]["status"] == "False" else None

    j = wait_for(resumed, "Suspended=False after resume") or job("sus")
    sc = [c for c in j["status"].get("conditions", []) if c["type"] == "Suspended"]
    check(sc and sc[0]["status"] == "False" and sc[0]["reason"] == "JobResumed", "JobResumed", sc)
    check(j["status"].get("startTime"), "startTime set on resume", j["status"])


@test
def active_deadline_exceeded():
    create(job_yaml("deadline", extra_spec="  activeDeadlineSeconds: 1\n"))
    ps = wait_for(lambda: pods_of("deadline"), "deadline pod bound")
    for p in ps or []:
        node.set_status(p, "Running")
    # FailureTarget first; the terminal Failed only once the node has stopped the pod
    c = wait_for(lambda: cond(job("deadline"), "FailureTarget"), "deadline FailureTarget")
    check(c and c["reason"] == "DeadlineExceeded", "FailureTarget DeadlineExceeded", c)
    p = wait_for(lambda: [p for p in pods_of("deadline") if p["metadata"].get("deletionTimestamp")],
                 "the running pod is being deleted")
    check(not cond(job("deadline"), "Failed"), "not Failed while its pod still runs", job("deadline"))

    def stopped():
        node.finish_deleting()
        return cond(job("deadline"), "Failed")

    c = wait_for(stopped, "deadline Failed after the node stopped the pod")
    check(c and c["reason"] == "DeadlineExceeded" and
          c["message"] == "Job was active longer than specified deadline", "DeadlineExceeded", c)
    check(not pods_of("deadline", bound=False), "the deleted pod is gone", pods_of("deadline", False))


@test
def pod_failure_policy_fail_job():
    spec = """  backoffLimit: 6
  podFailurePolicy:
    rules:
    - action: FailJob
      onExitCodes:
        containerName: main
        operator: In
        values: [42]
"""
    create(job_yaml("pfp", extra_spec=spec))
    ps = wait_for(lambda: pods_of("pfp"), "pfp pod bound")
    node.set_status(ps[0], "Failed", exit_code=42)
    c = wait_for(lambda: cond(job("pfp"), "Failed"), "pfp Failed", timeout=20)
    check(c and c["reason"] == "PodFailurePolicy" and "exit code 42" in c["message"],
          "failed by pod failure policy", c)


@test
def ttl_after_finished_deletes_job():
    create(job_yaml("ttl", extra_spec="  ttlSecondsAfterFinished: 0\n"))
    ps = wait_for(lambda: pods_of("ttl"), "ttl pod bound")
    node.set_status(ps[0], "Succeeded")
    wait_for(lambda: job("ttl") is None, "Job deleted by TTL controller", timeout=30)
    wait_for(lambda: not pods_of("ttl", bound=False), "its pods deleted too", timeout=30)


@test
def unschedulable_pod_reports_reason():
    create(job_yaml("big").replace("command:", "resources: {requests: {cpu: '64'}}\n        command:"))
    def unsched():
        ps = node.pods(selector="job-name=big")
        for p in ps:
            for c in p["status"].get("conditions", []):
                if c["type"] == "PodScheduled" and c["status"] == "False":
                    return c
        return None
    c = wait_for(unsched, "PodScheduled=False")
    check(c and c.get("reason") == "Unschedulable" and "Insufficient cpu" in c.get("message", ""),
          "Unschedulable with Insufficient cpu", c)


@test
def clean_shutdown():
    check(srv.stop() == 0, "server exits 0 on SIGTERM (and ASan found nothing)", srv.logtext())


run()

"""The real kubectl against jobd server: the issue's "must show" list for the API server.
Pods get their status from the test acting as the node (harness.Node)."""
import json
import os
import re
import time

from harness import ROOT, Node, Server, check, run, test, wait_for

PI = os.path.join(ROOT, "examples", "pi.yaml")
srv = Server("--disable-agent").start()


@test
def version_and_api_resources():
    rc, out, err = srv.kubectl("version", "-o", "json")
    check(rc == 0, "kubectl version works", err)
    check('"minor": "32"' in out, "server reports minor 32", out)
    rc, out, err = srv.kubectl("api-resources")
    check(rc == 0, "api-resources works", err)
    for pat in [r"jobs\s+batch/v1\s+true\s+Job", r"pods\s+po\s+v1\s+true\s+Pod",
                r"namespaces\s+ns\s+v1\s+false\s+Namespace", r"configmaps\s+cm\s+v1",
                r"events\s+ev\s+v1", r"nodes\s+no\s+v1\s+false"]:
        check(re.search(pat, out), f"api-resources lists {pat}", out)


@test
def create_pi_and_duplicate():
    rc, out, err = srv.kubectl("create", "-f", PI)
    check(rc == 0 and out.strip() == "job.batch/pi created", "create -f pi.yaml", out + err)
    rc, out, err = srv.kubectl("create", "-f", PI)
    check(rc == 1, "second create fails")
    check('Error from server (AlreadyExists): error when creating' in err and
          'jobs.batch "pi" already exists' in err, "AlreadyExists message", err)


@test
def get_jobs_tables():
    rc, out, err = srv.kubectl("get", "jobs")
    lines = out.splitlines()
    check(rc == 0 and re.match(r"NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$", lines[0]),
          "jobs table header", out + err)
    check(re.match(r"pi\s+Running\s+0/2\s+", lines[1]), "pi row Running 0/2", out)
    rc, out, err = srv.kubectl("get", "jobs", "-o", "wide")
    check(re.search(r"CONTAINERS\s+IMAGES\s+SELECTOR", out), "wide columns", out)
    check(re.search(r"pi\s+perl\s+batch.kubernetes.io/controller-uid=[0-9a-f-]{36}", out),
          "wide row shows container, image and selector", out)
    rc, out, err = srv.kubectl("get", "jobs", "-A")
    check(re.search(r"NAMESPACE\s+NAME", out) and re.search(r"default\s+pi\s+Running", out),
          "-A shows the namespace column", out)
    rc, out, err = srv.kubectl("get", "jobs", "-l", "job-name=pi")
    check(rc == 0 and re.search(r"^pi\s", out, re.M), "-l job-name=pi finds pi", out + err)
    rc, out, err = srv.kubectl("get", "jobs", "-l", "team=nobody")
    check(rc == 0 and "No resources found in default namespace." in err, "-l filters", out + err)
    rc, out, err = srv.kubectl("get", "jobs", "--show-labels")
    check("job-name=pi" in out, "--show-labels", out)


@test
def get_job_json_yaml_defaults():
    rc, out, err = srv.kubectl("get", "job", "pi", "-o", "json")
    check(rc == 0, "get -o json", err)
    job = json.loads(out)
    spec = job["spec"]
    uid = job["metadata"]["uid"]
    check(spec["backoffLimit"] == 4 and spec["completions"] == 2 and spec["parallelism"] == 2,
          "guide's values kept", spec)
    check(spec["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}},
          "generated selector", spec.get("selector"))
    labels = spec["template"]["metadata"]["labels"]
    check(labels == {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "pi",
                     "controller-uid": uid, "job-name": "pi"}, "four job labels on template", labels)
    check(job["metadata"]["labels"] == labels, "job labels copied from template", job["metadata"])
    c = spec["template"]["spec"]["containers"][0]
    check(c["imagePullPolicy"] == "Always", "imagePullPolicy defaults to Always for perl", c)
    check(spec["completionMode"] == "NonIndexed" and spec["suspend"] is False and
          spec["podReplacementPolicy"] == "TerminatingOrFailed", "job defaults", spec)
    check(spec["template"]["spec"]["terminationGracePeriodSeconds"] == 30 and
          spec["template"]["spec"]["dnsPolicy"] == "ClusterFirst", "pod template defaults", spec)
    check(job["metadata"]["generation"] == 1, "generation 1", job["metadata"])
    rc, out, err = srv.kubectl("get", "job", "pi", "-o", "yaml")
    check(rc == 0 and "backoffLimit: 4" in out and "kind: Job" in out, "get -o yaml", out + err)
    rc, out, err = srv.kubectl("get", "jobs", "-o", "json")
    check(rc == 0 and json.loads(out)["items"][0]["metadata"]["name"] == "pi", "list -o json", out)


@test
def describe_job():
    rc, out, err = srv.kubectl("describe", "job", "pi")
    check(rc == 0, "describe works", err)
    for pat in [r"Name:\s+pi", r"Namespace:\s+default", r"Parallelism:\s+2", r"Completions:\s+2",
                r"Completion Mode:\s+NonIndexed", r"Backoff Limit:\s+4",
                r"Selector:\s+batch.kubernetes.io/controller-uid=", r"Image:\s+perl",
                r"print bpi\(2000\)"]:
        check(re.search(pat, out), f"describe shows {pat}", out)


@test
def watch_sees_update():
    import select
    p = srv.kubectl_bg("get", "job", "pi", "-w", "--output-watch-events")
    lines = []

    buf = [""]

    def read_line(timeout):
        # raw reads: select() cannot see lines already sitting in Python's text buffer
        r, _, _ = select.select([p.stdout], [], [], timeout)
        if r:
            chunk = os.read(p.stdout.fileno(), 65536).decode()
            buf[0] += chunk
            *done, buf[0] = buf[0].split("\n")
            lines.extend(done)
            return bool(chunk)
        return False

    # kubectl prints the header and current row first; only then is its watch open
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any(" pi " in f" {l} " for l in lines):
        read_line(0.5)
    code, body, _ = srv.api("PATCH", "/apis/batch/v1/namespaces/default/jobs/pi",
                            {"metadata": {"labels": {"watched": "yes"}}},
                            ctype="application/merge-patch+json")
    check(code == 200, "merge patch applied", body)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any(l.startswith("MODIFIED") for l in lines):
        read_line(0.5)
    p.kill()
    p.wait()
    check(any(l.startswith("MODIFIED") and " pi " in f" {l} " for l in lines),
          "get -w printed a MODIFIED event for pi", lines)


@test
def apply_created_configured_unchanged():
    manifest = open(PI).read().replace("name: pi", "name: pi-apply")
    rc, out, err = srv.kubectl("apply", "-f", "-", input=manifest)
    check(rc == 0 and out.strip() == "job.batch/pi-apply created", "apply creates", out + err)
    rc, out, err = srv.kubectl("apply", "-f", "-", input=manifest)
    check(rc == 0 and out.strip() == "job.batch/pi-apply unchanged", "apply unchanged", out + err)
    changed = manifest.replace("metadata:\n  name: pi-apply",
                               "metadata:\n  name: pi-apply\n  labels:\n    team: a")
    changed = changed.replace("parallelism: 2", "parallelism: 1")
    rc, out, err = srv.kubectl("apply", "-f", "-", input=changed)
    check(rc == 0 and out.strip() == "job.batch/pi-apply configured", "apply configures", out + err)
    code, job, _ = srv.api("GET", "/apis/batch/v1/namespaces/default/jobs/pi-apply")
    check(job["spec"]["parallelism"] == 1 and job["metadata"]["labels"].get("team") == "a",
          "apply's strategic merge patch took effect", job)
    immut = changed.replace("image: perl", "image: perl:5.34")
    rc, out, err = srv.kubectl("apply", "-f", "-", input=immut)
    check(rc != 0 and "field is immutable" in err, "template change is rejected as immutable",
          out + err)
    rc, out, err = srv.kubectl("delete", "-f", "-", input=changed)
    check(rc == 0 and 'job.batch "pi-apply" deleted' in out, "delete -f", out + err)
    code, _, _ = srv.api("GET", "/apis/batch/v1/namespaces/default/jobs/pi-apply")
    check(code == 404, "deleted job is gone")


@test
def imperative_generators_protobuf():
    rc, out, err = srv.kubectl("create", "namespace", "team-x")
    check(rc == 0 and out.strip() == "namespace/team-x created", "create namespace", out + err)
    rc, out, err = srv.kubectl("create", "configmap", "c", "--from-literal=a=b", "-n", "team-x")
    check(rc == 0 and out.strip() == "configmap/c created", "create configmap", out + err)
    code, cm, _ = srv.api("GET", "/api/v1/namespaces/team-x/configmaps/c")
    check(cm.get("data") == {"a": "b"}, "configmap data decoded from protobuf", cm)
    rc, out, err = srv.kubectl("create", "secret", "generic", "s", "--from-literal=a=b", "-n", "team-x")
    check(rc == 0 and out.strip() == "secret/s created", "create secret", out + err)
    code, sec, _ = srv.api("GET", "/api/v1/namespaces/team-x/secrets/s")
    check(sec.get("data") == {"a": "Yg=="} and sec.get("type") == "Opaque", "secret decoded", sec)
    rc, out, err = srv.kubectl("create", "job", "j", "--image=busybox", "-n", "team-x", "--", "echo", "hi")
    check(rc == 0 and out.strip() == "job.batch/j created", "create job", out + err)
    code, job, _ = srv.api("GET", "/apis/batch/v1/namespaces/team-x/jobs/j")
    c = job["spec"]["template"]["spec"]["containers"][0]
    check(c["command"] == ["echo", "hi"] and c["image"] == "busybox", "job decoded", c)
    rc, out, err = srv.kubectl("get", "ns")
    check(re.search(r"team-x\s+Active", out) and re.search(r"default\s+Active", out), "get ns", out)
    rc, out, err = srv.kubectl("get", "cm,secrets", "-n", "team-x")
    check(re.search(r"configmap/c\s+1", out) and re.search(r"secret/s\s+Opaque\s+1", out),
          "get cm,secrets tables", out + err)
    rc, out, err = srv.kubectl("create", "configmap", "c", "--from-literal=a=b", "-n", "nope")
    check(rc != 0 and 'namespaces "nope" not found' in err, "missing namespace is NotFound", err)


@test
def validation_errors():
    bad = open(PI).read().replace("name: pi", "name: bad").replace("restartPolicy: Never", "restartPolicy: Always")
    rc, out, err = srv.kubectl("create", "-f", "-", input=bad)
    check(rc != 0 and 'The Job "bad" is invalid' in err and
          'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"' in err,
          "restartPolicy Always rejected with Kubernetes' message", err)
    code, body, _ = srv.api("POST", "/apis/batch/v1/namespaces/default/jobs", b"{\"kind\":",)
    check(code == 400 and body.get("kind") == "Status" and body.get("reason") == "BadRequest",
          "malformed JSON is 400 Status", body)
    code, body, _ = srv.api("POST", "/apis/batch/v1/namespaces/default/jobs",
                            b"{" + b"\"a\":" * 1 + b"[" * 5000 + b"]" * 5000 + b"}")
    check(code == 400, "deeply nested JSON is 400", body)
    code, body, _ = srv.api("POST", "/api/v1/namespaces/default/configmaps",
                            b"x" * (3 * 1024 * 1024 + 10))
    check(code == 413 and body.get("reason") == "RequestEntityTooLarge", "3 MiB cap → 413", body)
    code, body, _ = srv.api("GET", "/apis/batch/v1/namespaces/default/jobs?labelSelector=a%20in%20(")
    check(code == 400, "bad label selector → 400", body)
    code, body, _ = srv.api("GET", "/api/v1/pods?fieldSelector=spec.bogus%3Dx")
    check(code == 400 and "field label not supported: spec.bogus" in body.get("message", ""),
          "unsupported field selector → 400", body)
    code, body, _ = srv.api("GET", "/apis/batch/v1/namespaces/default/jobs/nope")
    check(code == 404 and body.get("message") == 'jobs.batch "nope" not found', "NotFound Status", body)
    code, body, _ = srv.api("GET", "/apis/nothing/v1/things")
    check(code == 404, "unknown path 404", body)


@test
def strict_field_validation():
    bad = open(PI).read().replace("name: pi", "name: typo").replace("  backoffLimit: 4", "  backoffLimit: 4\n  bogusField: 1")
    rc, out, err = srv.kubectl("create", "-f", "-", input=bad)
    check(rc != 0 and 'strict decoding error: unknown field "spec.bogusField"' in err,
          "create -f rejects unknown fields (fieldValidation=Strict)", out + err)
    rc, out, err = srv.kubectl("create", "--validate=false", "-f", "-", input=bad)
    check(rc == 0, "--validate=false creates (fieldValidation=Ignore)", out + err)
    code, job, _ = srv.api("GET", "/apis/batch/v1/namespaces/default/jobs/typo")
    check(code == 200 and "bogusField" not in job["spec"], "the unknown field is not stored", job)
    code, body, headers = srv.api("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Warn",
                                  {"metadata": {"name": "warned"}, "data": {}, "extra": 1})
    check(code == 201 and 'unknown field \"extra\"' in headers.get("Warning", ""),
          "fieldValidation=Warn answers with a Warning header", headers)
    srv.api("DELETE", "/apis/batch/v1/namespaces/default/jobs/typo", {"propagationPolicy": "Background"})


@test
def conflict_on_stale_update():
    code, job, _ = srv.api("GET", "/apis/batch/v1/namespaces/default/jobs/pi")
    stale = json.loads(json.dumps(job))
    job["metadata"].setdefault("annotations", {})["a"] = "1"
    code, body, _ = srv.api("PUT", "/apis/batch/v1/namespaces/default/jobs/pi", job)
    check(code == 200, "update with current rv", body)
    stale["metadata"].setdefault("annotations", {})["a"] = "2"
    code, body, _ = srv.api("PUT", "/apis/batch/v1/namespaces/default/jobs/pi", stale)
    check(code == 409 and body.get("reason") == "Conflict" and
          "the object has been modified" in body.get("message", ""), "stale rv → 409", body)


@test
def wait_for_delete_and_field_selector():
    other = open(PI).read().replace("name: pi", "name: other")
    rc, out, err = srv.kubectl("create", "-f", "-", input=other)
    check(rc == 0, "create other", err)
    p = srv.kubectl_bg("wait", "--for=delete", "job/other", "--timeout=30s")
    code, body, _ = srv.api("DELETE", "/apis/batch/v1/namespaces/default/jobs/other",
                            {"propagationPolicy": "Background"})
    check(code == 200, "delete other", body)
    out, err = p.communicate(timeout=40)
    check(p.returncode == 0, "kubectl wait --for=delete returns", out + err)


@test
def raw_delete_defaults_to_orphan_with_warning():
    manifest = open(PI).read().replace("name: pi", "name: orphan-me")
    srv.kubectl("create", "-f", "-", input=manifest)
    code, body, headers = srv.api("DELETE", "/apis/batch/v1/namespaces/default/jobs/orphan-me")
    check(code == 200, "delete without policy", body)
    check("child pods are preserved by default" in headers.get("Warning", ""),
          "Warning header about orphaning", headers)


@test
def list_paging():
    for i in range(5):
        srv.api("POST", "/api/v1/namespaces/default/configmaps",
                {"metadata": {"name": f"page-{i}"}, "data": {"i": str(i)}})
    names = []
    cont = ""
    for _ in range(10):
        code, body, _ = srv.api("GET", "/api/v1/namespaces/default/configmaps?limit=2" +
                                (f"&continue={cont}" if cont else ""))
        names += [i["metadata"]["name"] for i in body["items"]]
        cont = body["metadata"].get("continue")
        if not cont:
            break
    check([n for n in names if n.startswith("page-")] == [f"page-{i}" for i in range(5)],
          "limit/continue pages through every item once", names)


@test
def clean_shutdown():
    rc = srv.stop()
    check(rc == 0, "server exits 0 on SIGTERM (and ASan found nothing)", srv.logtext())


run()

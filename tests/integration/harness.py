"""harness.py — integration-test harness: a real `jobd server` (the ASan build), the real
kubectl, and the raw HTTP API.  A test module defines functions decorated with @test;
run() executes them in order and prints "N passed, N failed" as its last line.

Each check() that fails marks the current test failed and prints the evidence, but the
test continues, so one run shows every broken expectation.  Nothing here sleeps and hopes:
waits poll a condition with a deadline and fail loudly when it passes.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JOBD = os.environ.get("JOBD_BIN", os.path.join(ROOT, "build", "asan", "jobd"))

_tests = []
_failed_checks = []


def test(fn):
    _tests.append(fn)
    return fn


def check(cond, what, evidence=""):
    if not cond:
        _failed_checks.append(what)
        print(f"  CHECK FAILED: {what}")
        if evidence:
            print("    " + str(evidence).replace("\n", "\n    ")[:3000])
    return cond


def wait_for(pred, what, timeout=20.0, interval=0.05):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = pred()
            if last:
                return last
        except Exception as e:  # noqa: BLE001 - report what kept failing
            last = e
        time.sleep(interval)
    check(False, f"timed out waiting for {what}", last)
    return None


class Server:
    def __init__(self, *extra, data_dir=None):
        self.tmp = tempfile.mkdtemp(prefix="jobd-it-")
        self.data_dir = data_dir or os.path.join(self.tmp, "data")
        self.extra = list(extra)
        self.cache = os.path.join(self.tmp, "kcache")
        self.proc = None
        self.port = None

    def start(self):
        self.log = open(os.path.join(self.tmp, "server.log"), "ab")
        self.proc = subprocess.Popen(
            [JOBD, "server", "--port", "0", "--data-dir", self.data_dir] + self.extra,
            stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("LISTENING "):
            raise RuntimeError("server did not start: " + self.logtext())
        self.port = int(line.split()[1])
        self.kubeconfig = os.path.join(self.data_dir, "kubeconfig")
        return self

    def logtext(self):
        try:
            with open(os.path.join(self.tmp, "server.log"), "rb") as f:
                return f.read().decode(errors="replace")[-6000:]
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM):
        """Stops the server; returns its exit code (ASan reports make it non-zero)."""
        if not self.proc:
            return 0
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc.stdout.close()
        self.proc = None
        return rc

    def kill(self):
        return self.stop(signal.SIGKILL)

    def cleanup(self):
        if self.proc:
            self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- clients ---
    def kubectl(self, *args, input=None, timeout=60):
        cmd = ["kubectl", "--kubeconfig", self.kubeconfig, "--cache-dir", self.cache] + list(args)
        p = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr

    def kubectl_bg(self, *args):
        cmd = ["kubectl", "--kubeconfig", self.kubeconfig, "--cache-dir", self.cache] + list(args)
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def api(self, method, path, body=None, ctype="application/json", accept="application/json",
            raw=False):
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, bytearray)) else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                     method=method)
        req.add_header("Content-Type", ctype)
        req.add_header("Accept", accept)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                payload = r.read()
                return r.status, (payload if raw else json.loads(payload or b"null")), dict(r.headers)
        except urllib.error.HTTPError as e:
            payload = e.read()
            try:
                doc = json.loads(payload)
            except ValueError:
                doc = payload
            return e.code, doc, dict(e.headers)


class Node:
    """The test acting as a node, like Kubernetes' integration tests: it registers a Node,
    binds pending pods to itself and writes their status through pods/{name}/status."""

    def __init__(self, srv, name="test-node"):
        self.srv = srv
        self.name = name

    def register(self):
        code, body, _ = self.srv.api("POST", "/api/v1/nodes", {
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": self.name, "labels": {"kubernetes.io/hostname": self.name}},
            "status": {"conditions": [{"type": "Ready", "status": "True"}],
                       "capacity": {"cpu": "2", "memory": "8Gi", "pods": "110"},
                       "allocatable": {"cpu": "2", "memory": "8Gi", "pods": "110"}}})
        check(code == 201, "node registered", body)
        return self

    def pods(self, ns="default", selector=None):
        q = f"?labelSelector={urllib.parse.quote(selector)}" if selector else ""
        code, body, _ = self.srv.api("GET", f"/api/v1/namespaces/{ns}/pods{q}")
        return body.get("items", []) if code == 200 else []

    def bind(self, pod):
        ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
        code, body, _ = self.srv.api("POST", f"/api/v1/namespaces/{ns}/pods/{name}/binding", {
            "apiVersion": "v1", "kind": "Binding", "metadata": {"name": name},
            "target": {"apiVersion": "v1", "kind": "Node", "name": self.name}})
        return code

    def set_status(self, pod, phase, exit_code=None, restarts=0, reason=None):
        ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
        for _ in range(10):
            code, cur, _ = self.srv.api("GET", f"/api/v1/namespaces/{ns}/pods/{name}")
            if code != 200:
                return code
            now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            statuses = []
            for c in cur["spec"]["containers"]:
                if phase == "Running":
                    state = {"running": {"startedAt": now}}
                elif phase in ("Succeeded", "Failed"):
                    ec = exit_code if exit_code is not None else (0 if phase == "Succeeded" else 1)
                    state = {"terminated": {"exitCode": ec,
                                            "reason": reason or ("Completed" if ec == 0 else "Error"),
                                            "startedAt": now, "finishedAt": now}}
                else:
                    state = {"waiting": {"reason": "ContainerCreating"}}
                statuses.append({"name": c["name"], "image": c["image"], "imageID": "",
                                 "ready": phase == "Running", "restartCount": restarts,
                                 "started": phase == "Running", "state": state})
            st = cur.get("status", {})
            ready = "True" if phase == "Running" else "False"
            conds = [c for c in st.get("conditions", []) if c["type"] == "PodScheduled"]
            conds += [{"type": "Initialized", "status": "True", "lastTransitionTime": now},
                      {"type": "ContainersReady", "status": ready, "lastTransitionTime": now},
                      {"type": "Ready", "status": ready, "lastTransitionTime": now}]
            st.update({"phase": phase, "hostIP": "127.0.0.1", "podIP": "10.244.0.2",
                       "startTime": st.get("startTime", now), "containerStatuses": statuses,
                       "conditions": conds})
            cur["status"] = st
            code, body, _ = self.srv.api("PUT", f"/api/v1/namespaces/{ns}/pods/{name}/status", cur)
            if code != 409:
                return code
        return 409

    def finish_deleting(self, ns="default"):
        """What a kubelet does for pods being deleted: stop them, then delete with grace 0."""
        for p in self.pods(ns):
            if p["metadata"].get("deletionTimestamp"):
                self.srv.api("DELETE", f"/api/v1/namespaces/{ns}/pods/{p['metadata']['name']}",
                             {"gracePeriodSeconds": 0})

    def bind_all(self, ns="default"):
        n = 0
        for p in self.pods(ns):
            if not p["spec"].get("nodeName") and not p["metadata"].get("deletionTimestamp"):
                if self.bind(p) == 201:
                    n += 1
        return n


def run():
    passed = failed = 0
    only = sys.argv[1:] if len(sys.argv) > 1 else None
    for fn in _tests:
        if only and fn.__name__ not in only:
            continue
        before = len(_failed_checks)
        print(f"- {fn.__name__}")
        t0 = time.monotonic()
        try:
            fn()
        except Exception:  # noqa: BLE001 - a crashing test is a failed test
            traceback.print_exc()
            _failed_checks.append(fn.__name__ + " raised")
        ok = len(_failed_checks) == before
        print(f"  {'ok' if ok else 'FAIL'} ({time.monotonic() - t0:.1f}s)")
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


import urllib.parse  # noqa: E402  (used by Node.pods)

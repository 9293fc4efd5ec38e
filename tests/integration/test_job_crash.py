"""Crash test for exactly-once Job accounting: a 500-completion Job with parallelism 20 runs
against the test node while the server is SIGKILLed at random moments (at least 10 times)
and restarted on the same data dir.  At the end `succeeded` must be exactly 500, exactly
500 pods succeeded (none counted twice, none lost), and a watch started before the Job —
re-established across restarts — never saw more than 20 active pods at once."""
import http.client
import json
import random
import threading
import time

from harness import Node, Server, check, run, test, wait_for

COMPLETIONS, PARALLELISM, KILLS = 500, 20, 10
srv = Server("--disable-agent", "--job-sync-period", "20", "--job-backoff-base", "100").start()
node = Node(srv).register()
stop = threading.Event()
lock = threading.Lock()
state = {"max_active": 0, "pods": {}, "relists": 0, "kills": 0}


def is_active(p):
    return (p["status"].get("phase") in (None, "Pending", "Running")
            and not p["metadata"].get("deletionTimestamp"))


def record(pods):
    active = sum(1 for p in pods.values() if is_active(p))
    state["max_active"] = max(state["max_active"], active)


def watcher():
    rv = None
    pods = state["pods"]
    while not stop.is_set():
        try:
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
            if rv is None:
                conn.request("GET", "/api/v1/namespaces/default/pods?labelSelector=job-name%3Dcrash")
                lst = json.loads(conn.getresponse().read())
                with lock:
                    pods.clear()
                    for p in lst["items"]:
                        pods[p["metadata"]["name"]] = p
                    record(pods)
                    state["relists"] += 1
                rv = lst["metadata"]["resourceVersion"]
            conn.request("GET", "/api/v1/namespaces/default/pods?labelSelector=job-name%3Dcrash"
                         f"&watch=true&resourceVersion={rv}&allowWatchBookmarks=true")
            resp = conn.getresponse()
            while not stop.is_set():
                line = resp.readline()
                if not line:
                    break
                ev = json.loads(line)
                if ev["type"] == "ERROR":  # 410: history gone after a restart
                    rv = None
                    break
                obj = ev["object"]
                rv = obj["metadata"]["resourceVersion"]
                if ev["type"] == "BOOKMARK":
                    continue
                with lock:
                    if ev["type"] == "DELETED":
                        pods.pop(obj["metadata"]["name"], None)
                    else:
                        pods[obj["metadata"]["name"]] = obj
                    record(pods)
            conn.close()
        except (OSError, http.client.HTTPException, ValueError):
            time.sleep(0.05)  # the server is down: retry until it is back


def kubelet():
    """Marks bound pods Succeeded at once; finishes deletions."""
    while not stop.is_set():
        try:
            for p in node.pods(selector="job-name=crash"):
                if p["metadata"].get("deletionTimestamp"):
                    srv.api("DELETE", f"/api/v1/namespaces/default/pods/{p['metadata']['name']}",
                            {"gracePeriodSeconds": 0})
                elif p["spec"].get("nodeName") == node.name and p["status"].get("phase") == "Pending":
                    node.set_status(p, "Succeeded")
        except (OSError, ValueError, AttributeError):
            pass
        time.sleep(0.02)


@test
def exact_accounting_across_sigkills():
    threads = [threading.Thread(target=watcher, daemon=True), threading.Thread(target=kubelet, daemon=True)]
    for t in threads:
        t.start()
    wait_for(lambda: state["relists"] >= 1, "watch established before the Job")
    code, body, _ = srv.api("POST", "/apis/batch/v1/namespaces/default/jobs", {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "crash"},
        "spec": {"completions": COMPLETIONS, "parallelism": PARALLELISM, "backoffLimit": 0,
                 "template": {"spec": {"containers": [{"name": "c", "image": "busybox:1.36"}],
                                       "restartPolicy": "Never"}}}})
    check(code == 201, "job created", body)
    rnd = random.Random()
    while state["kills"] < KILLS:
        time.sleep(rnd.uniform(0.05, 0.3))
        code, j, _ = srv.api("GET", "/apis/batch/v1/namespaces/default/jobs/crash")
        if code == 200 and j["status"].get("succeeded", 0) >= COMPLETIONS:
            break
        srv.kill()
        state["kills"] += 1
        srv.start()
    check(state["kills"] >= KILLS, f"server was SIGKILLed {KILLS} times while the Job ran",
          state["kills"])

    def complete():
        code, j, _ = srv.api("GET", "/apis/batch/v1/namespaces/default/jobs/crash")
        return j if code == 200 and any(c["type"] == "Complete" and c["status"] == "True"
                                        for c in j["status"].get("conditions", [])) else None

    j = wait_for(complete, "Job Complete after the crashes", timeout=180, interval=0.2)
    stop.set()
    if j:
        check(j["status"].get("succeeded") == COMPLETIONS, "succeeded is exactly 500", j["status"])
        check(not j["status"].get("failed"), "nothing failed", j["status"])
    code, lst, _ = srv.api("GET", "/api/v1/namespaces/default/pods?labelSelector=job-name%3Dcrash")
    names = [p["metadata"]["name"] for p in lst["items"] if p["status"].get("phase") == "Succeeded"]
    check(len(names) == COMPLETIONS and len(set(names)) == COMPLETIONS,
          "exactly 500 distinct pods succeeded", len(names))
    check(all(not p["metadata"].get("finalizers") for p in lst["items"]),
          "no tracking finalizer left behind")
    check(state["max_active"] <= PARALLELISM, "never more than 20 active pods at once",
          state["max_active"])
    print(f"  kills={state['kills']} relists={state['relists']} max_active={state['max_active']}")
    check(srv.stop() == 0, "final clean shutdown (ASan clean)", srv.logtext())


run()

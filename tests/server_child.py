"""The command tests/server.rs runs under `aws-mfa exec --server`, one mode per test.

  boto3 N        N calls of sts.get_caller_identity() in one long-lived boto3 session; prints
                 a JSON object: the ARNs answered and the access key each call was signed with
  probe          raw HTTP requests to the credentials endpoint (no token, a wrong one, …) and
                 what the environment holds; prints a JSON object
  signals        reports each forwarded signal it gets ("got SIGUSR1"), exits 7 on SIGTERM
  count-int      counts SIGINT; after "ready", reads a line and prints "INT <count>"
  latency N      N requests for credentials, one connection each; prints a JSON object:
                 the statuses and the milliseconds each took (median, 90th percentile, max)
"""

import http.client
import json
import os
import signal
import sys
import time
import urllib.parse


def boto3_calls(n):
    import boto3

    session = boto3.session.Session()
    sts = session.client("sts")
    arns, keys = [], []
    for _ in range(n):
        arns.append(sts.get_caller_identity()["Arn"])
        # The key the call was signed with, read without asking for a refresh.
        keys.append(sts._request_signer._credentials._access_key)
    print(json.dumps({"arns": arns, "keys": keys}), flush=True)


def request(method, path, headers):
    url = urllib.parse.urlsplit(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"])
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request(method, path, headers=headers)
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return {"status": response.status, "body": body}


def listening(port):
    """The local addresses and inodes of the sockets listening on `port` (/proc/net)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if int(port_hex, 16) == port and fields[3] == "0A":
                found.append((address, fields[9]))
    return found


def own_sockets():
    """The inodes of the sockets this process holds open."""
    inodes = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink("/proc/self/fd/" + fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.append(target[len("socket:[") : -1])
    return inodes


def probe():
    uri = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
    token = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    path = urllib.parse.urlsplit(uri).path
    wrong = ("0" if token[0] != "0" else "1") + token[1:]
    cases = {
        "no_token": request("GET", path, {}),
        "wrong_token": request("GET", path, {"Authorization": wrong}),
        "bearer": request("GET", path, {"Authorization": "Bearer " + token}),
        "token_prefix": request("GET", path, {"Authorization": token[:-1]}),
        "no_token_other_path": request("GET", "/", {}),
        "other_path": request("GET", "/", {"Authorization": token}),
        "post": request("POST", path, {"Authorization": token}),
        "good": request("GET", path, {"Authorization": token}),
    }
    names = [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_SECURITY_TOKEN",
        "AWS_PROFILE",
        "AWS_CREDENTIAL_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_REGION",
        "AWS_MFA_PROFILE",
    ]
    env = {name: os.environ.get(name) for name in names}
    port = urllib.parse.urlsplit(uri).port
    listeners = listening(port)
    inherited = [inode for _, inode in listeners if inode in own_sockets()]
    print(
        json.dumps(
            {
                "uri": uri,
                "token": token,
                "cases": cases,
                "env": env,
                "listening": [address for address, _ in listeners],
                "inherited": inherited,
            }
        ),
        flush=True,
    )


def signals():
    names = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGWINCH", "SIGUSR1", "SIGUSR2"]

    def report(signum, _frame):
        name = signal.Signals(signum).name
        # os.write, not print: a signal may come while a print still holds stdout.
        os.write(1, ("got " + name + "\n").encode())
        if name == "SIGTERM":
            os._exit(7)

    for name in names:
        signal.signal(getattr(signal, name), report)
    print("ready", flush=True)
    while True:
        signal.pause()


def count_int():
    count = 0

    def seen(_signum, _frame):
        nonlocal count
        count += 1
        # os.write, not print: the signal may come while print("ready") still holds stdout.
        os.write(1, b"got INT\n")

    signal.signal(signal.SIGINT, seen)
    print("ready", flush=True)
    sys.stdin.readline()
    print("INT %d" % count, flush=True)


def latency(n):
    token = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    path = urllib.parse.urlsplit(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]).path
    took, statuses = [], set()
    for _ in range(n):
        start = time.perf_counter()
        statuses.add(request("GET", path, {"Authorization": token})["status"])
        took.append((time.perf_counter() - start) * 1000)
    took.sort()
    print(
        json.dumps(
            {
                "statuses": sorted(statuses),
                "median_ms": took[len(took) // 2],
                "p90_ms": took[len(took) * 9 // 10],
                "max_ms": took[-1],
            }
        ),
        flush=True,
    )


mode = sys.argv[1]
if mode == "boto3":
    boto3_calls(int(sys.argv[2]))
elif mode == "probe":
    probe()
elif mode == "signals":
    signals()
elif mode == "count-int":
    count_int()
elif mode == "latency":
    latency(int(sys.argv[2]))
else:
    sys.exit("unknown mode " + mode)

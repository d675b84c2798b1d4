"""Runs argv under a new pseudo-terminal (its controlling terminal, stdin, stdout and
stderr) and types a Ctrl-C on it as a user would: once "ready" shows, one ^C; once the
command says "got INT", a line break. Prints JSON: the exit code and all the terminal saw.

  python3 server_pty.py TIMEOUT ARGV...
"""

import json
import os
import pty
import select
import sys
import time

timeout = float(sys.argv[1])
argv = sys.argv[2:]
deadline = time.monotonic() + timeout

pid, master = pty.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)

seen = b""
sent_intr = sent_line = timed_out = False
while True:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        timed_out = True
        break
    ready, _, _ = select.select([master], [], [], remaining)
    if not ready:
        continue
    try:
        data = os.read(master, 4096)
    except OSError:
        data = b""
    if not data:
        break
    seen += data
    if not sent_intr and b"ready" in seen:
        # The terminal's interrupt character: the kernel signals the foreground group.
        os.write(master, b"\x03")
        sent_intr = True
    if sent_intr and not sent_line and b"got INT" in seen:
        os.write(master, b"\n")
        sent_line = True
if timed_out:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
print(
    json.dumps(
        {
            "code": os.waitstatus_to_exitcode(status),
            "timed_out": timed_out,
            "tty": seen.decode("utf-8", "replace"),
        }
    )
)

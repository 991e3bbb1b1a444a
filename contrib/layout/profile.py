#!/usr/bin/python3
"""Runs a profiling build of the server under callgrind for one idle authenticated
session per client command line and writes the callgrind files of each process into
OUT/<n>/ (see README.md). Root: makes a throwaway user, removed afterwards.

    profile.py BINARY OUT [SSH-COMMAND...]

BINARY must be unstripped and built with -DDB_REEXEC_PATH='"/tmp/dbprof/dropbear"'.
DBKEYGEN names another dropbearmulti to make the host key with (for a MINIMAL BINARY)."""
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time

EXE = "/tmp/dbprof/dropbear"


def main():
    binary, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    clients = sys.argv[3:] or ["ssh"]
    os.makedirs(os.path.dirname(EXE), exist_ok=True)
    if os.path.lexists(EXE):
        os.unlink(EXE)
    os.symlink(binary, EXE)
    work = tempfile.mkdtemp(prefix="dbprof-")
    os.chmod(work, 0o755)
    user = "dbpf%d" % (os.getpid() % 100000)
    home = os.path.join(work, user)
    subprocess.run(["useradd", "-m", "-d", home, "-s", "/bin/sh", user], check=True)
    try:
        subprocess.run(["usermod", "-p", "*", user], check=True)
        uk = os.path.join(work, "uk")
        subprocess.run(["ssh-keygen", "-q", "-N", "", "-t", "ed25519", "-f", uk], check=True)
        os.makedirs(home + "/.ssh", mode=0o700)
        shutil.copy(uk + ".pub", home + "/.ssh/authorized_keys")
        subprocess.run(["chown", "-R", user, home + "/.ssh"], check=True)
        hk = os.path.join(work, "hk")
        # MINIMAL has no key generator: DBKEYGEN names a binary that has one
        keygen = os.environ.get("DBKEYGEN", binary)
        subprocess.run([keygen, "dropbearkey", "-t", "ed25519", "-f", hk], check=True,
                       capture_output=True)
        for n, cmd in enumerate(clients):
            cg = os.path.join(work, "cg%d" % n)
            os.mkdir(cg)
            os.chmod(cg, 0o1777)  # a connection writes its file after dropping root
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            s.close()
            srv = subprocess.Popen(
                ["valgrind", "--tool=callgrind", "--trace-children=yes",
                 "--callgrind-out-file=%s/cg.%%p" % cg, EXE, "-F", "-E", "-p",
                 "127.0.0.1:%d" % port, "-r", hk], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True)
            try:
                time.sleep(3)  # no probing connect: it would be a profile of its own
                c = subprocess.Popen(
                    cmd.split() + ["-F", "/dev/null", "-i", uk, "-o", "IdentitiesOnly=yes",
                                   "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                                   "-o", "UserKnownHostsFile=/dev/null", "-p", str(port),
                                   "%s@127.0.0.1" % user, "echo up; exec sleep 300"],
                    stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
                for _ in range(300):  # callgrind creates each file root-only at start
                    for f in os.listdir(cg):
                        os.chmod(os.path.join(cg, f), 0o666)
                    if c.poll() is not None or select.select([c.stdout], [], [], 0.1)[0]:
                        break
                time.sleep(2)
                c.kill()
                c.wait()
                time.sleep(3)
            finally:
                os.killpg(srv.pid, 15)
                try:
                    srv.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(srv.pid, 9)
                    srv.wait()
            dst = os.path.join(out, str(n))
            os.makedirs(dst, exist_ok=True)
            for f in os.listdir(cg):
                p = os.path.join(cg, f)
                if os.path.getsize(p):
                    shutil.copy(p, dst)
                    fns = sum(1 for ln in open(p, errors="replace") if ln.startswith("fn="))
                    print("%s: %s/%s %d functions" % (cmd, dst, f, fns))
    finally:
        subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True)
        subprocess.run(["userdel", "-r", "-f", user], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

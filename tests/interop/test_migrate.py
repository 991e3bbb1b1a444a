"""Moving a server from OpenSSH keeps its identity (issue 6).

OpenSSH's sshd runs with host keys made by ssh-keygen; OpenSSH's ssh records them in a
known_hosts file; sshd stops and our dropbear starts on the same port with -r naming
those same OpenSSH-format files; ssh with StrictHostKeyChecking=yes and that known_hosts
logs in without a warning, for each host key type.
"""
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import Server, free_port
from users import can_create_users, throwaway_user

pytestmark = pytest.mark.skipif(not can_create_users(), reason="needs root (useradd)")

TYPES = [("ed25519", [], "ssh-ed25519"),
         ("ecdsa", ["-b", "256"], "ecdsa-sha2-nistp256"),
         ("ecdsa", ["-b", "384"], "ecdsa-sha2-nistp384"),
         ("ecdsa", ["-b", "521"], "ecdsa-sha2-nistp521"),
         ("rsa", ["-b", "3072"], "rsa-sha2-512"),
         ("rsa", ["-b", "2048"], "rsa-sha2-256")]


def start_sshd(d, port, hostkey, user_keys):
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privsep directory
    cfg = os.path.join(d, "sshd_config")
    with open(cfg, "w") as f:
        f.write("\n".join([
            "Port %d" % port, "ListenAddress 127.0.0.1", "HostKey " + hostkey,
            "PidFile " + os.path.join(d, "sshd.pid"), "UsePAM no",
            "AuthorizedKeysFile " + user_keys, "StrictModes no",
            "PasswordAuthentication no", "KbdInteractiveAuthentication no",
            "LogLevel DEBUG1", ""]))
    log = open(os.path.join(d, "sshd.log"), "wb")
    p = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", cfg], stdout=log,
                         stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    end = time.time() + 10
    while time.time() < end:
        if p.poll() is not None:
            pytest.fail("sshd exited: " + open(os.path.join(d, "sshd.log")).read())
        if "Server listening" in open(os.path.join(d, "sshd.log")).read():
            return p
        time.sleep(0.05)
    os.killpg(p.pid, signal.SIGKILL)
    pytest.fail("sshd did not start")


def stop(p):
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=5)


def ssh(port, user, ident, known_hosts, alg, strict, command="echo migrated-ok"):
    return subprocess.run(
        ["ssh", "-F", "/dev/null", "-o", "UserKnownHostsFile=" + known_hosts,
         "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=" + strict,
         "-o", "HostKeyAlgorithms=" + alg, "-o", "BatchMode=yes",
         "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-i", ident,
         "-o", "PreferredAuthentications=publickey", "-o", "ConnectTimeout=10",
         "-p", str(port), "%s@127.0.0.1" % user, command],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("ktype,bits,alg", TYPES, ids=[t[2] for t in TYPES])
def test_sshd_host_keys_move_to_dropbear(tmp_path, ktype, bits, alg):
    d = str(tmp_path)
    hostkey = os.path.join(d, "ssh_host_%s_key" % ktype)
    subprocess.run(["ssh-keygen", "-q", "-t", ktype] + bits + ["-N", "", "-f", hostkey],
                   check=True, timeout=60)
    ident = os.path.join(d, "id_ed25519")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ident],
                   check=True, timeout=60)
    known = os.path.join(d, "known_hosts")
    with throwaway_user() as u:
        keys = u.authorize(open(ident + ".pub").read())
        port = free_port()
        p = start_sshd(d, port, hostkey, keys)
        try:
            first = ssh(port, u.name, ident, known, alg, "accept-new")
        finally:
            stop(p)
        assert first.returncode == 0 and "migrated-ok" in first.stdout, first.stderr
        recorded = open(known).read()
        assert "[127.0.0.1]:%d" % port in recorded
        assert open(hostkey + ".pub").read().split()[1] in recorded

        srv = Server(tmp_path / "ours", [hostkey])
        os.makedirs(srv.dir, exist_ok=True)
        srv.port = port
        args = ["dropbear", "-F", "-E", "-p", "127.0.0.1:%d" % port, "-r", hostkey,
                "-P", os.path.join(srv.dir, "pid")]
        from conftest import _binary
        srv.logf = open(srv.log_path, "ab")
        srv.proc = subprocess.Popen([_binary()] + args, stdout=srv.logf, stderr=srv.logf,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            assert srv._wait_ready(10.0), srv.log()
            second = ssh(port, u.name, ident, known, alg, "yes")
        finally:
            srv.stop()
        assert "WARNING" not in second.stderr and "differs" not in second.stderr
        assert second.returncode == 0, second.stderr + srv.log()
        assert second.stdout.strip() == "migrated-ok"


CONVERT_TYPES = [("ed25519", None), ("ecdsa", "256"), ("ecdsa", "384"), ("ecdsa", "521"),
                 ("rsa", "2048")]


@pytest.mark.parametrize("ktype,bits", CONVERT_TYPES,
                         ids=["%s%s" % (t, b or "") for t, b in CONVERT_TYPES])
def test_converted_key_logs_in_with_openssh_ssh(tmp_path, hostkeys, server_factory,
                                                ktype, bits):
    """A key made by our dropbearkey, converted by our dropbearconvert to OpenSSH's
    format, is used as it is by OpenSSH's `ssh -i` (issue 6, item 2)."""
    from conftest import _binary
    d = str(tmp_path)
    dbkey = os.path.join(d, "id_db")
    args = [_binary(), "dropbearkey", "-t", ktype, "-f", dbkey, "-C", "conv@test"]
    if bits:
        args += ["-s", bits]
    subprocess.run(args, check=True, capture_output=True, timeout=120)
    oskey = os.path.join(d, "id_openssh")
    r = subprocess.run([_binary(), "dropbearconvert", "dropbear", "openssh", dbkey, oskey],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert (os.stat(oskey).st_mode & 0o777) == 0o600
    assert open(oskey).read().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    pub = open(dbkey + ".pub").read()
    y = subprocess.run(["ssh-keygen", "-y", "-f", oskey], capture_output=True, text=True,
                       timeout=60)
    assert y.returncode == 0 and y.stdout.split()[:2] == pub.split()[:2], y.stderr
    with throwaway_user() as u:
        u.authorize(pub)
        srv = server_factory([hostkeys["ed25519"].path])
        known = os.path.join(d, "known_hosts")
        with open(known, "w") as f:
            f.write("[127.0.0.1]:%d %s\n" % (srv.port, hostkeys["ed25519"].line))
        r = ssh(srv.port, u.name, oskey, known, "ssh-ed25519", "yes",
                command="echo converted-ok")
        assert r.returncode == 0, r.stderr + srv.log()
        assert r.stdout.strip() == "converted-ok"
        assert re.search(r"Pubkey auth succeeded for '%s'" % u.name, srv.log())

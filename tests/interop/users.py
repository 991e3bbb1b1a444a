"""Throwaway local users for interop tests (CI runs as root).

Each user gets a home under /tmp, a password, and is removed (with its home) at
teardown. Nothing else on the machine is touched: no /etc/ssh, no root's ~/.ssh.

    from users import throwaway_user
    with throwaway_user(password="pw") as u:
        u.name, u.home, u.uid, u.gid, u.password
        u.authorize(pubkey_line, options="no-pty")   # writes ~/.ssh/authorized_keys
"""
import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import itertools

_counter = itertools.count()


def can_create_users():
    return os.geteuid() == 0 and shutil.which("useradd") is not None


class User:
    def __init__(self, name, home, password):
        self.name = name
        self.home = home
        self.password = password
        pw = pwd.getpwnam(name)
        self.uid = pw.pw_uid
        self.gid = pw.pw_gid

    def ssh_dir(self):
        d = os.path.join(self.home, ".ssh")
        os.makedirs(d, mode=0o700, exist_ok=True)
        os.chown(d, self.uid, self.gid)
        return d

    def authorize(self, *lines, options=None):
        """Writes ~/.ssh/authorized_keys with the given public key lines (replacing it),
        each prefixed by options when given; owned by the user, mode 0600."""
        path = os.path.join(self.ssh_dir(), "authorized_keys")
        with open(path, "w") as f:
            for line in lines:
                line = line.strip()
                f.write((options + " " + line if options else line) + "\n")
        os.chown(path, self.uid, self.gid)
        os.chmod(path, 0o600)
        return path

    def write(self, relpath, data, mode=0o644):
        path = os.path.join(self.home, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w" if isinstance(data, str) else "wb") as f:
            f.write(data)
        os.chown(path, self.uid, self.gid)
        os.chmod(path, mode)
        return path


@contextlib.contextmanager
def throwaway_user(password="Secret-pw-1", shell="/bin/sh", groups=None):
    """Creates a user named dbt<pid>x<n> with home /tmp/dbt-home-.../NAME."""
    name = "dbt%dx%d" % (os.getpid() % 100000, next(_counter))
    base = tempfile.mkdtemp(prefix="dbt-home-")
    os.chmod(base, 0o755)
    home = os.path.join(base, name)
    cmd = ["useradd", "-m", "-d", home, "-s", shell, "-K", "UMASK=022"]
    if groups:
        cmd += ["-G", ",".join(groups)]
    subprocess.run(cmd + [name], check=True, timeout=30, capture_output=True)
    try:
        if password is not None:
            subprocess.run(["chpasswd"], input="%s:%s\n" % (name, password), text=True,
                           check=True, timeout=30, capture_output=True)
        yield User(name, home, password)
    finally:
        subprocess.run(["pkill", "-KILL", "-u", name], timeout=10, capture_output=True)
        subprocess.run(["userdel", "-r", "-f", name], timeout=30, capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def throwaway_group():
    name = "dbg%dx%d" % (os.getpid() % 100000, next(_counter))
    subprocess.run(["groupadd", name], check=True, timeout=30, capture_output=True)
    try:
        yield name
    finally:
        subprocess.run(["groupdel", name], timeout=30, capture_output=True)

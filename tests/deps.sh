#!/bin/sh
# Installs what building and testing need, from Debian's packages. Idempotent: does
# nothing when everything is there. Uses sudo when not run as root.
set -e
# musl-tools, dpkg-dev, bzip2, xz-utils (apt-get source unpacks), autoconf, automake, libtool
# (libxcrypt's build): make STATIC=1 builds the libraries from Debian's sources with musl.
# whois: mkpasswd, for password hashes of every kind in the tests.
# systemd (systemd-socket-activate, systemd-analyze), xinetd, fail2ban (fail2ban-regex and
# its stock dropbear filter), man-db and groff-base: the service, logging and man page tests
# (tests/interop/test_service.py). policy-rc.d below keeps their services from starting.
# xvfb, xauth, x11-apps, x11-utils: X11 forwarding (tests/interop/test_x11.py); strace: the
# xauth commands dbclient -X runs (test_x11.py).
PKGS="gcc make libc6-dev libtomcrypt-dev libtommath-dev zlib1g-dev libcrypt-dev
 musl-tools dpkg-dev bzip2 xz-utils autoconf automake libtool perl whois
 clang libclang-rt-14-dev valgrind file git openssh-client openssh-server dropbear-bin
 python3 python3-pytest python3-paramiko python3-cryptography python3-asyncssh sshfs rsync sshpass
 socat tmux procps
 openssl curl systemd xinetd fail2ban man-db groff-base
 xvfb xauth x11-apps x11-utils strace"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
# Package installs must not start the machine's own sshd: tests run their own servers.
nopolicy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod 755 /usr/sbin/policy-rc.d
	nopolicy=1
fi
echo "deps: installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
[ -z "$nopolicy" ] || $SUDO rm -f /usr/sbin/policy-rc.d
fi
# OpenRC (test_service.py's OpenRC test): its package conflicts with sysv-rc and would
# take over the machine's init, so its files are unpacked, not installed, into
# OPENRC_ROOT; the test runs them in a private mount namespace.
OPENRC_ROOT=${OPENRC_ROOT:-/opt/dbtest-openrc}
if [ ! -x "$OPENRC_ROOT/sbin/openrc-run" ]; then
	SUDO_=""
	[ "$(id -u)" -eq 0 ] || SUDO_=sudo
	tmpd=$(mktemp -d)
	chmod 755 "$tmpd"
	if (cd "$tmpd" && apt-get download openrc librc1 libeinfo1 >/dev/null 2>&1); then
		$SUDO_ mkdir -p "$OPENRC_ROOT"
		for d in "$tmpd"/*.deb; do $SUDO_ dpkg-deb -x "$d" "$OPENRC_ROOT"; done
		echo "deps: OpenRC unpacked in $OPENRC_ROOT (not installed)"
	else
		echo "deps: could not download OpenRC: its test will be skipped"
	fi
	rm -rf "$tmpd"
fi

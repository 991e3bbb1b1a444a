#!/bin/sh
# contrib/musl/deps.sh PREFIX: libtomcrypt, libtommath, zlib and libxcrypt for the static musl
# build, compiled with musl-gcc from Debian's own source packages, installed under PREFIX
# (include/, lib/). Everything lives under PREFIX's parent: a private apt configuration
# (the machine's sources are never touched), the fetched sources, the builds. Each library
# is built once; a stamp file holding its configuration makes a second run a no-op.
#
# Source versions are those of the installed -dev packages (what the dynamic build links),
# so that both builds use the same code; MUSL_DEPS_SUITE names the Debian suite to look in.
set -e
PREFIX=${1:?usage: deps.sh PREFIX}
mkdir -p "$PREFIX"
PREFIX=$(cd "$PREFIX" && pwd)
TOP=$(dirname "$PREFIX")
HERE=$(cd "$(dirname "$0")" && pwd)
SUITE=${MUSL_DEPS_SUITE:-bookworm}
MIRROR=${MUSL_DEPS_MIRROR:-http://deb.debian.org/debian}
CC=musl-gcc
# -fPIE: the binary is static-pie. Section flags let the final link keep only what is used.
# No unwind tables: C libraries without exceptions need none.
OPT="-Os -fPIE -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables"
JOBS=$(nproc 2>/dev/null || echo 1)

command -v $CC >/dev/null || { echo "contrib/musl/deps.sh: $CC not found (apt-get install musl-tools)" >&2; exit 1; }
# libxcrypt's hashes: the Makefile passes yescrypt alone when our own code computes
# bcrypt and SHA-crypt (DB_OWN_PWHASH in options.h), an empty list when it computes
# yescrypt too (DB_OWN_YESCRYPT): no libxcrypt is built then. Unset: all of them.
XCRYPT_HASHES=${XCRYPT_HASHES-yescrypt,sha512crypt,sha256crypt,bcrypt,bcrypt_a,bcrypt_y}
[ -f "$PREFIX/.done" ] && [ "$PREFIX/.done" -nt "$0" ] && [ "$PREFIX/.done" -nt "$HERE/tomcrypt_musl.h" ] &&
	[ "$PREFIX/.done" -nt "$HERE/tommath_musl.h" ] &&
	[ "$(cat "$PREFIX/.xcrypt" 2>/dev/null)" = "$OPT $XCRYPT_HASHES" ] && exit 0

APT="$TOP/apt"
SRC="$TOP/src"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$SRC" "$PREFIX/include" "$PREFIX/lib"
# Private apt configuration: our own deb-src list, index and cache under build/.
cat >"$APT/sources.list" <<EOF
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main
EOF
aptq() {
	apt-get -q -o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" \
		-o APT::Sandbox::User=root "$@"
}

# fetch SRCPKG DEVPKG: unpacks Debian's source (patches applied) and prints its directory.
fetch() {
	v=$(dpkg-query -W -f='${source:Version}' "$2" 2>/dev/null || true)
	spec=$1; [ -n "$v" ] && spec="$1=$v"
	uv=${v#*:}; uv=${uv%-*}
	d=$(ls -d "$SRC/$1-${uv:-}"*/ 2>/dev/null | head -n 1)
	if [ -z "$d" ]; then
		[ -f "$APT/.updated" ] || { aptq update >&2 && touch "$APT/.updated"; }
		(cd "$SRC" && aptq source "$spec" >&2)
		d=$(ls -d "$SRC/$1-${uv:-}"*/ | head -n 1)
	fi
	echo "${d%/}"
}

# Each library's configuration (compiler flags, switches): its stamp file holds it, and a
# library whose configuration changed is built again (stamp NAME CONFIG / done NAME CONFIG).
stamp() { [ -f "$PREFIX/.$1" ] && [ "$(cat "$PREFIX/.$1")" = "$2" ]; }
done_() { printf '%s\n' "$2" >"$PREFIX/.$1"; }
# zlib: SSH's compression is the zlib format, never gzip: NO_GZIP leaves out the gzip
# wrapper and with it crc32 and its tables (10 kB).
ZLIB_OPT="$OPT -DNO_GZIP"
# libtomcrypt's configuration is tomcrypt_musl.h: its contents are part of the stamp.
TOMCRYPT_CFG="$OPT $(cksum <"$HERE/tomcrypt_musl.h")"
# libtommath's class configuration: tommath_musl.h goes after its tommath_class.h.
TOMMATH_CFG="$OPT $(cksum <"$HERE/tommath_musl.h")"
# The libraries' compiler warnings go to a log, not to make's output.
LOG="$TOP/build.log"

if ! stamp tommath "$TOMMATH_CFG"; then
	d=$(fetch libtommath libtommath-dev)
	h="$d/tommath_class.h"
	[ -f "$h.orig" ] || cp "$h" "$h.orig"
	cat "$h.orig" "$HERE/tommath_musl.h" >"$h"
	make -C "$d" -f makefile clean >/dev/null
	make -C "$d" -f makefile -j"$JOBS" CC=$CC CFLAGS="$OPT" IGNORE_SPEED=1 libtommath.a >>"$LOG" 2>&1 ||
		{ tail -n 30 "$LOG" >&2; exit 1; }
	cp "$d/libtommath.a" "$PREFIX/lib/"
	cp "$d/tommath.h" "$PREFIX/include/"
	done_ tommath "$TOMMATH_CFG"
fi

if ! stamp tomcrypt "$TOMCRYPT_CFG"; then
	d=$(fetch libtomcrypt libtomcrypt-dev)
	# Our configuration goes in front of libtomcrypt's own tomcrypt_custom.h, so that
	# the library and our code see the same one.
	h="$d/src/headers/tomcrypt_custom.h"
	[ -f "$h.orig" ] || cp "$h" "$h.orig"
	cat "$HERE/tomcrypt_musl.h" "$h.orig" >"$h"
	make -C "$d" -f makefile clean >/dev/null
	make -C "$d" -f makefile -j"$JOBS" CC=$CC IGNORE_SPEED=1 \
		CFLAGS="$OPT -DLTM_DESC -DUSE_LTM -I$PREFIX/include" libtomcrypt.a >>"$LOG" 2>&1 ||
		{ tail -n 30 "$LOG" >&2; exit 1; }
	cp "$d/libtomcrypt.a" "$PREFIX/lib/"
	cp "$d"/src/headers/*.h "$PREFIX/include/"
	done_ tomcrypt "$TOMCRYPT_CFG"
fi

if ! stamp zlib "$ZLIB_OPT"; then
	d=$(fetch zlib zlib1g-dev)
	(cd "$d" && make distclean >/dev/null 2>&1 || true)
	(cd "$d" && CC=$CC CFLAGS="$ZLIB_OPT" ./configure --static --prefix="$PREFIX" >/dev/null &&
		make -j"$JOBS" libz.a >/dev/null)
	cp "$d/libz.a" "$PREFIX/lib/"
	cp "$d/zlib.h" "$d/zconf.h" "$PREFIX/include/"
	done_ zlib "$ZLIB_OPT"
fi

# Hashes: what current distributions write to /etc/shadow. yescrypt ($y$, Debian 11+,
# Ubuntu 22.04+, Fedora 35+, Arch), sha512crypt ($6$, older defaults and RHEL), sha256crypt
# ($5$) and bcrypt ($2b$, chpasswd -c BCRYPT; $2a$ and $2y$ are libxcrypt's bcrypt_a and
# bcrypt_y). With DB_OWN_PWHASH our common/pwhash.c computes all but yescrypt, and
# XCRYPT_HASHES is yescrypt alone; with DB_OWN_YESCRYPT too (the default) it is empty and
# libxcrypt is not built. Not gost-yescrypt:
# no distribution writes it by default and its GOST hash costs tens of kB; not md5crypt
# or DES: obsolete, and a user still holding one can be given a new password.
if [ -z "$XCRYPT_HASHES" ]; then
	# none: a libcrypt.a or crypt.h left from an earlier configuration must not be found
	rm -f "$PREFIX/lib/libcrypt.a" "$PREFIX/include/crypt.h"
	done_ xcrypt "$OPT $XCRYPT_HASHES"
elif ! stamp xcrypt "$OPT $XCRYPT_HASHES"; then
	d=$(fetch libxcrypt libcrypt-dev)
	[ -x "$d/configure" ] || (cd "$d" && autoreconf -fi >/dev/null 2>&1)
	# yescrypt includes <linux/mman.h>: musl-gcc does not look in /usr/include, so the
	# kernel's headers (linux-libc-dev) are offered through a directory of links.
	k="$TOP/kernel-headers"; ma=$(gcc -print-multiarch)
	mkdir -p "$k"
	ln -sfn /usr/include/linux "$k/linux"; ln -sfn /usr/include/asm-generic "$k/asm-generic"
	ln -sfn "/usr/include/$ma/asm" "$k/asm"
	# a fresh build directory: its objects do not depend on the flags, so a kept one
	# would link objects compiled with old ones
	rm -rf "$TOP/xcrypt-build"
	mkdir -p "$TOP/xcrypt-build"
	(cd "$TOP/xcrypt-build" && CC=$CC CFLAGS="$OPT -isystem $k" "$d/configure" -q --prefix="$PREFIX" \
		--disable-shared --enable-static --disable-obsolete-api --disable-werror \
		--enable-hashes=$XCRYPT_HASHES >/dev/null &&
		make -j"$JOBS" libcrypt.la >/dev/null)
	cp "$TOP/xcrypt-build/.libs/libcrypt.a" "$PREFIX/lib/"
	cp "$TOP/xcrypt-build/crypt.h" "$PREFIX/include/"
	done_ xcrypt "$OPT $XCRYPT_HASHES"
fi
# musl-gcc's specs know no -static-pie (they would give the binary musl's dynamic loader
# as interpreter): ours start from rcrt1.o (self-relocating) and link without one.
specs=$(sed -n 's/.*-specs "\{0,1\}\([^" ]*\)"\{0,1\}.*/\1/p' "$(command -v $CC)")
[ -f "$specs" ] || { echo "contrib/musl/deps.sh: cannot find musl-gcc's specs file" >&2; exit 1; }
sed -e 's|%{!shared: \([^ ]*\)/Scrt1.o}|%{static-pie:\1/rcrt1.o} %{!static-pie:%{!shared: \1/Scrt1.o}}|' \
    -e 's|^-dynamic-linker \([^ ]*\)|%{static-pie:-static -pie --no-dynamic-linker -z text} %{!static-pie:-dynamic-linker \1}|' \
    "$specs" >"$PREFIX/musl.specs"
grep -q rcrt1.o "$PREFIX/musl.specs" && grep -q no-dynamic-linker "$PREFIX/musl.specs" ||
	{ echo "contrib/musl/deps.sh: could not make static-pie specs from $specs" >&2; exit 1; }
touch "$PREFIX/.done"

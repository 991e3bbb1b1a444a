#!/bin/sh
# contrib/layout/regen.sh [--lto [--minimal]]: README.md's procedure in one command, as
# root, from the top of the tree: builds the profiling binary (unstripped), profiles an
# idle session of each client under callgrind and writes contrib/layout/hot.ld, or with
# --lto, from an LTO build, contrib/layout/hot-lto.ld, or with --lto --minimal, from an
# LTO build of MINIMAL (its own: LTO inlines and clones differently there),
# contrib/layout/hot-minimal-lto.ld. The peers' ssh is taken from
# ../shared/peers/openssh-10 when it is there (SSH10= overrides).
set -e
LTO=0 MIN=0 MODE= NAME=
[ "$1" = --lto ] && { LTO=1 MODE=--lto NAME=-lto; shift; }
[ "$1" = --minimal ] && [ $LTO = 1 ] && { MIN=1 NAME=-minimal-lto; shift; }
[ $# = 0 ] || { echo "usage: contrib/layout/regen.sh [--lto [--minimal]]" >&2; exit 2; }
OUT=contrib/layout/hot$NAME.ld B=build/prof$NAME P=/tmp/prof$NAME
SSH10=${SSH10:-../shared/peers/openssh-10/bin/ssh}
rm -rf "$B" "$P"
# The link line make prints, run again without -s: mkhot.py needs the symbols.
make STATIC=1 MINIMAL=$MIN LTO=$LTO BUILD="$B" -j2 \
	CC="gcc -specs build/musl/prefix/musl.specs -DDB_REEXEC_PATH='\"/tmp/dbprof/dropbear\"'" \
	>"$B.log" 2>&1 || { tail "$B.log"; exit 1; }
link=$(grep -e "-o $B/dropbearmulti " "$B.log" | tail -1)
[ -n "$link" ] || { echo "regen.sh: no link line in $B.log" >&2; exit 1; }
eval "$(printf '%s\n' "$link" | sed 's| -s | |')"
clients="ssh"
[ -x "$SSH10" ] && clients="$clients $SSH10"
if [ $MIN = 1 ]; then
	# MINIMAL has only the default algorithms, and no key generator
	make STATIC=1 -j2 >/dev/null
	DBKEYGEN=$PWD/build/static/dropbearmulti /usr/bin/python3 contrib/layout/profile.py \
		"$B/dropbearmulti" "$P" $clients
else
	/usr/bin/python3 contrib/layout/profile.py "$B/dropbearmulti" "$P" $clients \
		"ssh -c aes128-ctr -m hmac-sha2-256 -o KexAlgorithms=curve25519-sha256" \
		"ssh -c aes256-gcm@openssh.com -o KexAlgorithms=ecdh-sha2-nistp256"
fi
# Each callgrind file by the process it profiled: the signer helper, a connection, or
# the listener (under LTO signer_helper is inlined into its caller: serve_loop names it).
role() {
	for f in "$1"/cg.*; do
		r=listener
		# (LTO may make a function file-local: "serve_loop.lto_priv.0")
		grep -Eq '^c?fn=.* (signer_helper|serve_loop)(\.lto_priv\.[0-9]+)?$' "$f" && r=signer
		grep -Eq '^c?fn=.* svr_conn_run(\.lto_priv\.[0-9]+)?$' "$f" && [ $r = listener ] && r=conn
		[ $r = "$2" ] && echo "$f"
	done
	true
}
n=$(ls -d "$P"/[0-9]* | wc -l)
L=$(role "$P/0" listener) C=$(role "$P/0" conn) S=$(role "$P/0" signer)
O=$(i=1; while [ $i -lt "$n" ]; do role "$P/$i" conn; i=$((i + 1)); done | paste -sd,)
[ -n "$L" ] && [ -n "$C" ] || { echo "regen.sh: missing profiles in $P" >&2; exit 1; }
/usr/bin/python3 contrib/layout/mkhot.py $MODE "$B/dropbearmulti.map" "$B/dropbearmulti" \
	"$OUT" "both=$L&$C" "connection=$C" ${O:+"other-clients=$O"} \
	"end:listener=$L!$C" ${S:+"signer=$S"}

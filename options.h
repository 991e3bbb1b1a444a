/* options.h: compile-time switches and limits. Every switch says what it costs;
 * every limit says why it has the value it has. Set a switch to 0 to leave the
 * code out of the binary (section GC drops it). */
#ifndef OPTIONS_H
#define OPTIONS_H

/* make MINIMAL=1 (-DDB_MINIMAL=1): a small server-only binary with mlkem768x25519 and
 * curve25519, ed25519, chacha20-poly1305 and public-key authentication only, numeric
 * addresses only (DB_DNS), no forwarding of any kind (DB_SVR_*FWD, DB_STREAMLOCAL,
 * DB_X11FWD: refused). The Makefile leaves out the
 * client, dropbearkey and dropbearconvert faces; the switches below marked DB_FULL go. */
#ifndef DB_MINIMAL
#define DB_MINIMAL 0
#endif
#define DB_FULL (!DB_MINIMAL)

/* ---- identity */
#define DB_NAME    "dropbear"
#define DB_VERSION "2026.1"

/* ---- signing keys (host keys, user keys, dropbearkey) */
#define DB_KEY_ED25519 1   /* our own Ed25519 module, ~6 KB */
#define DB_KEY_ECDSA   DB_FULL   /* libtomcrypt ECC, NIST P-256/384/521, ~20 KB */
#define DB_KEY_RSA     DB_FULL   /* RSA over libtommath (key-rsa.c's own keygen and signing) */
/* Private keys in the text formats, OpenSSH's openssh-key-v1 (bcrypt-pbkdf + AES for
 * encrypted ones) and PEM (PKCS#1, SEC1, PKCS#8), besides Dropbear's own binary format,
 * for host keys, dbclient -i, dropbearkey -y and dropbearconvert. Off, a text key file is
 * refused as unsupported. MINIMAL static file: -45,088 bytes (keyfile-openssh,
 * keyfile-pem, bcrypt, der, ecc and the AES-CTR/GCM/CBC and libtommath they pulled in). */
#define DB_KEYFILE_TEXT DB_FULL

/* ---- key generation defaults (dropbearkey) */
#define DB_RSA_DEFAULT_BITS   3072
#define DB_RSA_MIN_BITS       1024
#define DB_RSA_MAX_BITS       8192
#define DB_ECDSA_DEFAULT_BITS 256

/* ---- limits on untrusted input */
/* Largest key file we read: an 8192-bit RSA key in any format is under 10 KB. */
#define DB_MAX_KEYFILE        65536
/* Largest public key blob (RSA 16384-bit would be ~2 KB; 8192 is far beyond). */
#define DB_MAX_PUBKEY_BLOB    8192
/* Largest RSA modulus accepted from a peer or a file, in bits. */
#define DB_RSA_MAX_ACCEPT_BITS 16384
/* Smallest RSA modulus accepted for signatures from a peer or a file. */
#define DB_RSA_MIN_ACCEPT_BITS 1024
/* Largest key comment kept (ssh-keygen allows long comments; ours are truncated). */
#define DB_MAX_COMMENT        1024

/* ---- transport (RFC 4253) */
/* Largest packet we accept, as RFC 4253 section 6.1 requires at least: 35000 bytes of
 * packet_length + padding + payload. Also bounds inflated payloads. */
#define DB_MAX_PACKET        35000
/* Largest payload we send or accept after decompression (RFC 4253 6.1: 32768 + headers). */
#define DB_MAX_PAYLOAD       32768
/* Identification line: RFC 4253 4.2 allows 255 characters including CR LF. */
#define DB_MAX_IDENT_LINE    255
/* Lines a server may send before its identification (client side), and their total. */
#define DB_MAX_PRE_IDENT_LINES 50
#define DB_MAX_PRE_IDENT_BYTES 8192
/* TCP_QUICKACK after each socket read before authentication (common/conn.c): a peer
 * that writes with Nagle on (OpenSSH's ssh with no tty) otherwise waits for our delayed
 * ACK (40 ms on Linux) twice per login. +46 bytes of text (conn.o, on vs off). */
#ifndef DB_TCP_QUICKACK
#define DB_TCP_QUICKACK      1
#endif
/* Seconds allowed for the identification exchange and the first key exchange. */
#define DB_IDENT_TIMEOUT     30
/* Rekey after this many bytes in either direction, or this many seconds. */
#define DB_REKEY_BYTES       (1ull << 30)
#define DB_REKEY_SECONDS     3600
/* Packets we queue while a key exchange is in progress before stopping reads. */
#define DB_MAX_QUEUED_DURING_KEX 64

/* Key exchange methods. Each costs its own code: x25519 ~3 KB (shares Ed25519's field),
 * ECDH a few hundred bytes over the ECDSA code, DH groups ~1 KB of primes. */
/* mlkem768x25519-sha256 (post-quantum hybrid, ML-KEM-768 with SHA-3/SHAKE): +9,224 bytes
 * (`size` text+data of dropbearmulti, -Os, switch on vs off; objects: mlkem768 5.6 KB,
 * sha3 2.0 KB, kex row 1.5 KB). Stack per exchange about 6 KiB, heap 2.4 KiB (client). */
#define DB_KEX_MLKEM768X25519 1
#define DB_KEX_CURVE25519    1
/* sntrup761x25519-sha512 and its @openssh.com alias, the Streamlined NTRU Prime +
 * X25519 hybrid (post-quantum): +7,992 bytes of text+data (the stripped x86-64 -Os
 * binary grows 8,192); 25 KB of stack during the exchange. A minimal build keeps
 * mlkem768x25519-sha256 only, which every client that speaks sntrup761 also speaks. */
#define DB_KEX_SNTRUP761X25519 DB_FULL
#define DB_KEX_ECDH          DB_FULL
#define DB_KEX_DH_GROUP16    DB_FULL
#define DB_KEX_DH_GROUP14_256 DB_FULL
#define DB_KEX_DH_GROUP14_SHA1 0 /* SHA-1: off unless needed by an old peer */
/* Host key signature algorithm ssh-rsa (SHA-1): off by default. */
#define DB_SIG_SSH_RSA       0

/* Ciphers and MACs. */
#define DB_CIPHER_CHACHAPOLY 1 /* chacha20-poly1305@openssh.com */
#define DB_CIPHER_AES_GCM    DB_FULL /* aes128/256-gcm@openssh.com */
#define DB_CIPHER_AES_CTR    DB_FULL /* aes128/192/256-ctr */
#define DB_MAC_SHA2          DB_FULL /* hmac-sha2-256/512 and their -etm@openssh.com */
#define DB_MAC_SHA1          0 /* hmac-sha1, hmac-sha1-etm@openssh.com: off */
/* zlib, zlib@openssh.com. Sending: our own common/deflate.c (6.1 KB static, ~77 KB of
 * state per compressing direction); receiving: zlib's inflate (11 KB static). With
 * zlib's deflate instead (deflate.o 7.9 KB + trees.o 8.8 KB, 96 KB of state) the static
 * binary was 8 KB larger (436,816 -> 428,624 bytes). */
#define DB_COMPRESSION       DB_FULL
/* Fast paths beside the portable code (common/crypto/): AES-CTR and AES-GCM
 * on AES-NI + PCLMULQDQ, SHA-256 on SHA-NI, ChaCha20 and Poly1305 on AVX2 (each chosen
 * once from CPUID, x86-64 only). Off in MINIMAL. (Poly1305 with 64-bit limbs was one;
 * it is now the portable code wherever __int128 exists, in every build:
 * crypto/poly1305_64.h.) Cost in the static musl binary (make STATIC=1): +7.8 KB of text (552065
 * -> 559825: aesni 3.4 KB, chacha_avx2 2.1 KB, poly1305_64 1.1 KB, sha256ni 0.8 KB),
 * file 588056 -> 592152 bytes. sha256ni's rounds unrolled by hand since: 827 -> 1258
 * bytes of text (+431). Poly1305 in radix 2^64 since: 1267 -> 1037 bytes (-230);
 * chacha_avx2 always inlined and at -O2 (~1.3x faster): 2581 -> 2990 (+409).
 * Poly1305 four blocks at a time on AVX2 (poly1305_avx2.c) from 256 bytes on: +2.4 KB
 * counted (0.46 against 1.42 cycles/byte; chacha20-poly1305 downloads 1.22-1.27x the
 * throughput, 0.76x the server cycles/byte). AES and GHASH without AES-NI (other CPUs,
 * AES-192, this off) are ours in every build, bitsliced and constant time
 * (crypto/aes_ct.c, ghash_ct.c; libtomcrypt's T-tables leaked through the cache): 1.9x
 * the cycles of libtomcrypt's small-code AES-CTR (19 against 10 cycles/byte), GCM 0.75x
 * of its table-free GCM's (27 against 36; tests/bench/aes_portable.c); static binary
 * 8,192 bytes smaller. */
#ifndef DB_FAST_CRYPTO
#define DB_FAST_CRYPTO       DB_FULL
#endif

/* Our own printf family (common/fmt.c) in place of the C library's: set by the Makefile
 * for the static build, where musl's vfprintf and the floating point it carries then stay
 * out of the file: static -8,192 bytes (musl -13,015, fmt.o +4,343), MINIMAL -4,096.
 * The dynamic build uses the C library's. */
#ifndef DB_OWN_PRINTF
#define DB_OWN_PRINTF        0
#endif

/* Our own reading of /etc/passwd, /etc/group and /etc/shadow (common/pwdb.c) in place of
 * the C library's getpwnam, getgrgid, getgrouplist, getspnam, ...: on in the static musl
 * builds (the Makefile passes -DDB_STATIC_MUSL=1), where musl's readers and its nscd
 * client stay out of the file. The dynamic (glibc) build keeps the C library's, which
 * honour NSS (nsswitch.conf: LDAP, systemd's users, ...); the static binary sees only
 * the files (musl's readers asked nscd too, which few musl systems run). make size:
 * static 436,816 -> 428,624 bytes (musl -9,111: getpw_a, getgr_a, getgrouplist,
 * getspnam_r, nscd_query, getline, ...; ours +2,534), MINIMAL 174,576 -> 166,384 (musl
 * -9,357, ours +2,690). */
#ifndef DB_STATIC_MUSL
#define DB_STATIC_MUSL       0
#endif
#ifndef DB_OWN_PWDB
#define DB_OWN_PWDB          DB_STATIC_MUSL
#endif
/* The longest passwd or shadow line read (a longer one is skipped as malformed), and of
 * a group line its name, password and gid (its members are compared as they are read,
 * never kept: a group may have any number). glibc's first try (_SC_GETPW_R_SIZE_MAX) is
 * the same 1024; a hash of yescrypt or SHA-512 crypt is ~110. */
#define DB_PWDB_LINE_MAX     1024

/* ---- server */
/* Listening addresses (-p) one dropbear may have; Dropbear's own limit. */
#define DB_MAX_LISTEN        10
#define DB_DEFAULT_PORT      "22"
#define DB_PIDFILE           "/var/run/dropbear.pid"
/* Host key files read when no -r is given, and where -R creates missing ones. */
#define DB_ED25519_HOST_KEY  "/etc/dropbear/dropbear_ed25519_host_key"
#define DB_ECDSA_HOST_KEY    "/etc/dropbear/dropbear_ecdsa_host_key"
#define DB_RSA_HOST_KEY      "/etc/dropbear/dropbear_rsa_host_key"
/* Unauthenticated connections at once, in total and from one address (Dropbear's
 * MAX_UNAUTH_CLIENTS / MAX_UNAUTH_PER_IP): a bound on pre-auth processes and memory.
 * They are not a refusal: a new connection beyond either takes the place of the oldest
 * unauthenticated one of its own address (per address), or (in total) of the address
 * holding the most slots within the network (IPv4 /24, IPv6 /64) holding the most, so
 * that one flooding source cannot lock out a login from anywhere else. */
#define DB_MAX_UNAUTH_CLIENTS 30
#define DB_MAX_UNAUTH_PER_IP 5
/* Connections the listener accepts per wakeup (one poll for a burst, not one each). */
#define DB_ACCEPT_BURST 8
/* Prefix lengths that group addresses into one network for the choice above: what one
 * host, or one customer behind a provider, usually has. */
#define DB_UNAUTH_NET4_BITS  24
#define DB_UNAUTH_NET6_BITS  64
/* One log line per displaced address per this many seconds (later ones are counted
 * and reported with the next line): a flood does not flood the log. */
#define DB_DISPLACE_LOG_INTERVAL 60
/* Each connection's process re-executes this binary (the accepted socket and the
 * listener's pipe passed by a hidden option) instead of running in a plain fork of the
 * daemon: a fresh address-space layout per connection, so that a peer that crashes its
 * connection and retries learns nothing about the next one's (Dropbear does the same).
 * The listener spawns it (vfork and execve, no copy of its own image; musl's posix_spawn
 * cost 1.9 kB more of the static binary), and an exec per connection, about 2 ms of
 * CPU here (100,000 connections: tests/soak/soak.py); 0 runs each connection in a
 * plain fork instead. */
#ifndef DB_REEXEC
#define DB_REEXEC            1
#endif
/* What the listener executes for that: the running binary. Only a profiling build
 * (contrib/layout/README.md: valgrind cannot follow an exec of /proc/self/exe) names
 * another path, with -DDB_REEXEC_PATH='"..."'. */
#ifndef DB_REEXEC_PATH
#define DB_REEXEC_PATH       "/proc/self/exe"
#endif
/* stderr that is systemd's journal (JOURNAL_STREAM names it): log lines carry no
 * name or date of their own (the journal adds both) and a "<N>" priority. About 290
 * bytes of the static binary (log.o; the file itself did not grow a page). Off in MINIMAL:
 * lines to the journal then carry their own date too. */
#ifndef DB_LOG_JOURNAL
#define DB_LOG_JOURNAL       DB_FULL
#endif
/* Local time (the C library's time-zone code: TZ, /etc/localtime): the date of -E log
 * lines, and authorized_keys' expiry-time without a final Z (OpenSSH reads it as local
 * time). Off (MINIMAL), -E lines are dated in UTC, as syslog lines always are, and an
 * expiry-time without Z makes its key line unusable (fail closed; "YYYYMMDD[HHMM[SS]]Z"
 * works). MINIMAL static file: 161,784 -> 153,568 bytes (musl -6,637: __tz, mktime,
 * __secs_to_tm and their helpers; ours +436). UTC dates are common/civil.c in every build. */
#ifndef DB_LOCALTIME
#define DB_LOCALTIME         DB_FULL
#endif
/* systemd socket activation with Accept=no (sd_listen_fds(3)): LISTEN_PID and
 * LISTEN_FDS name listening sockets from fd 3 that the server uses instead of -p.
 * About 970 bytes of the static binary (svr-listen.o). Off in MINIMAL, which systemd
 * starts as a daemon (-F) or per connection (Accept=yes with -i) instead. */
#ifndef DB_SYSTEMD_SOCKETS
#define DB_SYSTEMD_SOCKETS   DB_FULL
#endif
/* Seconds from connect to successful authentication: an outer bound (OpenSSH's
 * LoginGraceTime 120; Dropbear's AUTH_TIMEOUT was 300). */
#define DB_AUTH_TIMEOUT      120
/* Seconds from the end of the first key exchange to successful authentication, the
 * pre-auth deadline. Without password methods (-s) nobody types: a key login takes
 * under a second, an agent that asks for a touch or a confirmation a few; 20 leaves
 * room. With password or keyboard-interactive a person reads a prompt and types,
 * perhaps twice after a typo: 60, half OpenSSH's 120 for the whole login, which also
 * covers the TCP connect and key exchange (bounded here by DB_IDENT_TIMEOUT). */
#define DB_PREAUTH_KEY_TIMEOUT 20
#define DB_PREAUTH_PASSWORD_TIMEOUT 60
/* Failed authentication attempts ("none" does not count) before disconnecting. */
#define DB_MAX_AUTH_TRIES    10
/* Packets a peer may send before authenticating: a bound on work an anonymous peer can
 * cause (key exchanges, auth attempts, ignored messages) within the auth timeout. */
#define DB_MAX_UNAUTH_PACKETS 1000
/* Outgoing bytes queued on a connection above which local producers (channels reading
 * their fds, listeners accepting) wait until the socket drains: backpressure. */
#define DB_OUTQ_SOFT         (256 * 1024)
/* Above this we stop reading the peer too. It is well above DB_OUTQ_SOFT so that two
 * peers that both hold back channel output keep reading each other (as OpenSSH always
 * reads): only replies we owe a peer that never reads what we send can reach it. */
#define DB_OUTQ_READ_STOP    (2 * DB_OUTQ_SOFT)
/* Hard cap of the outgoing queue: the read limit plus the largest burst one packet can
 * make us add (the messages held back during a key exchange, flushed at NEWKEYS).
 * Reaching it is fatal. */
#define DB_OUTQ_MAX          (DB_OUTQ_READ_STOP + (DB_MAX_QUEUED_DURING_KEX + 8) * (DB_MAX_PACKET + 256))
/* Raw input buffered per connection: one whole packet plus what follows it. */
#define DB_INQ_MAX           (2 * DB_MAX_PACKET + 1024)
/* Extensions accepted in one EXT_INFO (RFC 8308), and user names kept (for logs). */
#define DB_MAX_EXTENSIONS    32
#define DB_MAX_USERNAME      256
/* Channel receive window: each channel starts with DB_RECV_WINDOW (Dropbear's 24576,
 * small RSS per idle channel) and doubles it at a window adjust while data flows and
 * the local fd keeps up (nothing queued), up to DB_RECV_WINDOW_GROW (as OpenSSH's
 * window grows): bulk transfers are not stopped by the window every 24 KiB, an idle or
 * interactive channel stays small. -W sets a fixed window instead, as in Dropbear
 * (from 1 up to Dropbear's 10 MB maximum), which is then also the cap. */
#define DB_RECV_WINDOW       24576
/* OpenSSH's maximum. (It was held at DB_RECV_WINDOW while larger windows let paramiko
 * kill connections: its late WINDOW_ADJUST after CLOSE is now ignored, channel-msg.c.) */
#define DB_RECV_WINDOW_GROW  (2 * 1024 * 1024)
#define DB_MAX_RECV_WINDOW   (10 * 1024 * 1024)
/* Paths we keep (home, shell, authorized_keys). */
#define DB_MAX_PATH          4096
/* permitopen / permitlisten / environment options kept from one authorized_keys line. */
#define DB_MAX_PERMIT        16

/* ---- server authentication (server/svr-auth*.c, server/svr-user.c, common/authkeys.c) */
/* password and keyboard-interactive: crypt(3) links libxcrypt (static: ~50 KB with every
 * hash kind, 27 KB with yescrypt alone when DB_OWN_PWHASH checks the others, none when
 * DB_OWN_YESCRYPT checks yescrypt too). */
#define DB_AUTH_PASSWORD      DB_FULL
/* bcrypt ($2a$ $2b$ $2y$) and SHA-crypt ($5$ $6$) hashes checked by our own code
 * (common/pwhash.c, on common/bcrypt.c's Blowfish and libtomcrypt's SHA-2, both linked
 * anyway), crypt_r only for the other kinds (yescrypt $y$, ...); the dynamic build runs
 * the same code for these prefixes. The static build's libxcrypt is then built with
 * yescrypt alone (contrib/musl/deps.sh, from the Makefile's reading of this switch).
 * make size STATIC=1: libcrypt.a 49,846 -> 27,307 bytes, ours +3,253 (pwhash.o 3,117),
 * counted total 501,485 -> 482,199, stripped file 506,512 -> 490,128 (with LTO
 * 502,384 -> 481,904); the dynamic file stays 921,760 (Debian's libcrypt keeps all). */
#define DB_OWN_PWHASH         DB_AUTH_PASSWORD
/* yescrypt ($y$, the default of Debian 11+, Ubuntu 22.04+, Fedora 35+) checked by our own
 * code too (common/yescrypt.c, on libtomcrypt's SHA-256), with DB_OWN_PWHASH. The static
 * build then builds and links no libxcrypt at all (the Makefile passes deps.sh an empty
 * hash list, and DB_SYSTEM_CRYPT=0); the dynamic build keeps the system's crypt_r for the
 * other kinds. A setting asking for more than 1 GiB (libxcrypt's largest cost, 11) or a
 * time factor t above 8 is refused (common/yescrypt.h); crypt_r would try it.
 * make size STATIC=1: libcrypt.a 27,313 bytes -> none, ours +7,253 (yescrypt.o 6,769),
 * counted total 481,605 -> 461,310, stripped file 490,128 -> 469,648 (with LTO 481,904
 * -> 461,456); MINIMAL (no password auth) stays 178,672. One hash at the default
 * setting: 18 ms of CPU, as libxcrypt's SSE2 code (27 ms without transparent huge
 * pages: common/yescrypt.c). */
#define DB_OWN_YESCRYPT       DB_OWN_PWHASH
/* yescrypt's bounds (common/yescrypt.h says why): a setting asking for more is refused
 * before any work. */
/* V (N*r*128 bytes) plus the small buffers (B, XY, S-boxes): cost 11 fits. */
#define YESCRYPT_MAX_MEM (((unsigned long long)1 << 30) + ((unsigned long long)1 << 20))
/* The time factor t: the default flavor passes over V t - 1 times (no $y$ writer sets
 * it; libxcrypt takes up to 2^32). */
#define YESCRYPT_MAX_T 8
/* The work, N r p (t + 1) in 128-byte blocks (p and t multiply the passes over V, not
 * its size): cost 11 is 2^23, the default 2^17 (about 19 ms here). Without this bound a
 * setting small in memory but with a large p (up to 2^30 / r) would keep a login
 * attempt busy for hours; this one allows about 2.5 s. */
#define YESCRYPT_MAX_WORK ((unsigned long long)1 << 24)
/* 1: hash kinds our code does not compute go to the system's crypt_r (libcrypt linked);
 * 0: they fail like a wrong password. Set by the Makefile (static build, both switches
 * above on), not by hand. */
#ifndef DB_SYSTEM_CRYPT
#define DB_SYSTEM_CRYPT       1
#endif
#if DB_AUTH_PASSWORD && !DB_SYSTEM_CRYPT && !(DB_OWN_PWHASH && DB_OWN_YESCRYPT)
#error "DB_SYSTEM_CRYPT=0 needs DB_OWN_PWHASH and DB_OWN_YESCRYPT"
#endif
/* authorized_keys lines read per lookup, and the longest line kept: longer lines are
 * skipped whole (Dropbear's MAX_AUTHKEYS_LINES and MAX_AUTHKEYS_LINE; a 16384-bit RSA
 * key is ~2.8 KB of base64, leaving room for options). */
#define DB_MAX_AUTHKEYS_LINES 300
#define DB_MAX_AUTHKEYS_LINE  4200
/* publickey requests per connection whose key is looked up in authorized_keys: each
 * lookup reads a file; a key not found is not an auth failure (Dropbear), so this, not
 * -T, bounds the reading an anonymous client can cause. Dropbear's 15: an agent holding
 * ten keys still gets in (OpenSSH's ssh queries each key, then signs with the one
 * accepted: eleven lookups), where OpenSSH's MaxAuthTries 6 would not. */
#define DB_MAX_PUBKEY_LOOKUPS 15
/* environment="NAME=value" in authorized_keys: 0 makes a line carrying it not match, as
 * OpenSSH's default PermitUserEnvironment no (a user's own variables such as LD_PRELOAD
 * could defeat a forced command). 1 accepts it and hands it to the session layer. */
#define DB_AUTHKEYS_ENVIRONMENT 0
/* Read ~/.ssh/authorized_keys2 after authorized_keys, as Debian's sshd does (its default
 * AuthorizedKeysFile), so that migrated accounts keep working. A few dozen bytes. */
#define DB_AUTHKEYS2          1
/* Longest SSH_PUBKEYINFO passed (the first word of the matching key line's comment, with
 * Dropbear's character rules); a longer one is not passed at all. */
#define DB_MAX_PUBKEYINFO     256
/* Bytes of the -b banner file sent (Dropbear's MAX_BANNER_SIZE). */
#define DB_MAX_BANNER         2000
/* Longest password accepted (longer ones fail without a crypt() of them). */
#define DB_MAX_PASSWORD       256
/* Every counted auth failure is answered after 250 ms + up to 100 ms (random), counted
 * from the request's arrival, so that a crypt() or a missing user shows no difference
 * (Dropbear's delay). */
#define DB_AUTH_FAIL_DELAY_MS 250
#define DB_AUTH_FAIL_JITTER_MS 100
/* Every other failure reply (a public key that is not authorized or a user that
 * does not exist, an unknown method) waits until this long after the request arrived, so
 * that reading authorized_keys and the account checks of an existing user take no
 * measurable longer than refusing a missing one (OpenSSH's minimum failure time). */
#define DB_AUTH_MIN_REPLY_MS  10
/* The failure reply to "none" leaves at once instead of after DB_AUTH_MIN_REPLY_MS (as
 * OpenSSH's): its work is the same account lookup for a user that exists or not
 * (svr_user_check reads passwd, shells and shadow for both). 10 ms off every login of
 * a client that starts with "none" (OpenSSH's, ours). +36 bytes of text (svr-auth.o,
 * on vs off). Under -B the none failure keeps the floor (its answer reads the hash). */
#ifndef DB_AUTH_NONE_AT_ONCE
#define DB_AUTH_NONE_AT_ONCE  1
#endif
/* Supplementary groups looked at for -G. */
#define DB_MAX_GROUPS         1024
/* Supplementary groups a session gets at most (DB_OWN_PWDB): the kernel's NGROUPS_MAX
 * (fixed since Linux 2.6.4, /proc/sys/kernel/ngroups_max), where initgroups cuts the
 * list; musl's sysconf(_SC_NGROUPS_MAX) says 32. */
#define DB_NGROUPS_MAX        65536

/* ---- forwarding (common/fwdspec.c, server/svr-tcpfwd.c, server/svr-agentfwd.c,
 * client/cli-tcpfwd.c, client/cli-agentfwd.c, client/cli-proxy.c) */
/* The server's forwarding kinds (Dropbear's DROPBEAR_SVR_LOCALTCPFWD, _REMOTETCPFWD,
 * _AGENTFWD). One left out is refused the standard way, as -j / -k / no-agent-forwarding
 * refuse it: direct-tcpip (ssh -L, -W) with CHANNEL_OPEN_FAILURE "administratively
 * prohibited", tcpip-forward (ssh -R) with REQUEST_FAILURE, auth-agent-req@openssh.com
 * (ssh -A) with CHANNEL_FAILURE; the session goes on. authorized_keys options about them
 * (permitopen, no-port-forwarding, ...) still parse. Costs in the MINIMAL static
 * binary (bytes make size counts, one switch on vs all three off): local +2,726, remote
 * +5,164, agent +3,432 (musl's mkdtemp and umask included); all three +8,941 (they
 * share fwdnet.c), the file 186,856 -> 195,048. Full static build, all three on vs off:
 * +3,732 bytes of text+data (the client's forwarding keeps fwdnet.c and fwdspec.c). */
#ifndef DB_SVR_LOCALTCPFWD
#define DB_SVR_LOCALTCPFWD    DB_FULL
#endif
#ifndef DB_SVR_REMOTETCPFWD
#define DB_SVR_REMOTETCPFWD   DB_FULL
#endif
#ifndef DB_SVR_AGENTFWD
#define DB_SVR_AGENTFWD       DB_FULL
#endif
/* Longest host name or address kept from a -L/-R spec, a forwarding request or a
 * permitopen/permitlisten option: a DNS name is at most 253 characters (RFC 1035 2.3.4). */
#define DB_MAX_FWD_HOST       256
/* -L / -R forwardings one client may ask for (OpenSSH has no limit; ours bounds memory). */
#define DB_MAX_CLI_FWDS       32
/* Ports one server connection may listen on for tcpip-forward (RFC 4254 7.1): each is a
 * socket or two and a small record. */
#define DB_MAX_SVR_LISTENERS  16
/* listen() backlog of a forwarding listener: connections waiting there while we do not
 * accept (backpressure) are held by the kernel, not by us. */
#define DB_FWD_BACKLOG        16
/* Milliseconds a forwarding listener stops accepting after running out of descriptors
 * (the waiting connection stays in the backlog), instead of spinning on it. */
#define DB_FWD_ACCEPT_PAUSE_MS 1000
/* Hops in a multihop host list user@h1,user@h2,... (each hop is one process). */
#define DB_MAX_HOPS           8
/* Host names through the C library's resolver (DNS, /etc/hosts; in the static build our
 * own, DB_OWN_RESOLVER below) for the daemon's -p addresses and forwarding (direct-tcpip
 * targets, tcpip-forward and -L/-R bind addresses). Off, addresses are numeric only (IPv4, IPv6 with %scope, "localhost" as
 * 127.0.0.1 and ::1; ports as numbers) by common/resolve.c, and musl's resolver
 * (getaddrinfo, DNS queries, resolv.conf, /etc/hosts, /etc/services, its address
 * sorting: musl 74.4 -> 56.5 kB) leaves the file: MINIMAL 219,624 -> 199,144 bytes
 * (resolve.o +916). dbclient needs it for host names: on wherever the client is built. */
#ifndef DB_DNS
#define DB_DNS                DB_FULL
#endif
/* With DB_DNS, host names through our own stub resolver (common/dns.c) instead of the C
 * library's getaddrinfo: /etc/hosts, then A/AAAA queries over UDP to the nameservers of
 * /etc/resolv.conf (nameserver, search/domain, options ndots/timeout/attempts, with
 * musl's defaults and bounds), in RFC 6724 order; ports as numbers only (no
 * /etc/services). On in the static musl builds (the Makefile passes -DDB_STATIC_MUSL=1),
 * where musl's resolver does no more than this: make size STATIC=1, stripped file
 * 436,816 -> 424,528 bytes (musl 78,049 -> 57,460: getaddrinfo, res_msend, dns_parse,
 * qsort, strtol, mbstowcs, ... leave; dns.o +5,973). The dynamic glibc build keeps
 * getaddrinfo, which honours NSS (nsswitch.conf, systemd-resolved, mDNS, LDAP, ...). */
#ifndef DB_OWN_RESOLVER
#define DB_OWN_RESOLVER       DB_STATIC_MUSL
#endif
/* Its limits: nameserver lines used (musl's and glibc's MAXNS), addresses kept per
 * name (musl's), the longest hosts / resolv.conf line read (a longer one is skipped
 * whole: a truncated line could be misread), and the bytes of a UDP reply read (512
 * without EDNS, which we do not ask for). */
#define DNS_MAXNS            3
#define DNS_MAXADDRS         48
#define DNS_LINE_MAX         512
#define DNS_REPLY_MAX        768
/* Unix-domain socket forwarding (OpenSSH's PROTOCOL 2.4): the server's
 * direct-streamlocal@openssh.com and streamlocal-forward@openssh.com
 * (server/svr-streamlocal.c) and dbclient's -L / -R with socket paths. Costs 3.6 KB of
 * code and data in the static binary (size(1), make STATIC=1 with it DB_FULL vs 0); off
 * in MINIMAL builds. */
#define DB_STREAMLOCAL        DB_FULL
/* dbclient -D / DynamicForward: a SOCKS4, SOCKS4a and SOCKS5 server on a local port whose
 * connections go out as direct-tcpip channels (common/socks.c, client/cli-socks.c).
 * Costs 3.9 KB of code and data in the static binary (size(1), make STATIC=1 with it
 * 1 vs 0; the file grows in page steps). */
#define DB_CLI_SOCKS          1
/* SOCKS clients negotiating at once (each holds a ~600-byte record; more wait in the
 * listen backlog) and how long one may take to send its request. */
#define DB_CLI_SOCKS_PENDING  16
#define DB_CLI_SOCKS_TIMEOUT_MS 30000

/* X11 forwarding (RFC 4254 6.3): the server's x11-req (server/svr-x11.c: a display
 * listener on localhost, xauth run with the client's cookie) and dbclient's -X / -Y and
 * ForwardX11 (client/cli-x11.c: the fake cookie checked and replaced, -X untrusted with
 * `xauth generate`, common/x11proto.c). Cost in the static musl binary (make STATIC=1,
 * this switch DB_FULL vs 0): +9,464 bytes of text+data (524,910 -> 534,374: cli-x11 4.0 KB,
 * svr-x11 3.6 KB, x11proto 1.3 KB, the rest option parsing and hooks), stripped file
 * 530,712 -> 543,000 (page steps); off in MINIMAL. */
#ifndef DB_X11FWD
#define DB_X11FWD             DB_FULL
#endif
/* The first display number tried (OpenSSH's X11DisplayOffset 10: clear of local X
 * servers), and how many after it (OpenSSH's MAX_DISPLAYS): TCP port 6000 + N. */
#define DB_X11_DISPLAY_OFFSET 10
#define DB_X11_MAX_DISPLAYS   1000
/* xauth(1), run as the user by the server (add / remove the cookie) and by dbclient
 * (reading the real cookie); OpenSSH's XAuthLocation default on Debian. */
#define DB_XAUTH_PATH         "/usr/bin/xauth"
/* Milliseconds an x11 channel may take to send its connection setup (a 48-byte message,
 * sent at once by every X client) before dbclient closes it: a channel the server opens
 * and never uses does not hold one of DB_MAX_CHANNELS slots for ever. */
#define DB_X11_SETUP_TIMEOUT_MS 30000
/* Seconds dbclient -X (untrusted) asks the X server to keep its generated cookie while
 * no client uses it (`xauth generate ... timeout N`): OpenSSH's ForwardX11Timeout
 * default of 20 minutes plus its 60-second slack. ForwardX11Timeout is not read. */
#define DB_X11_UNTRUSTED_TIMEOUT 1260

/* ---- channels and sessions (common/channel.c, server/svr-session.c, svr-chansession.c,
 * svr-pty.c, svr-env.c, svr-utmp.c) */
/* Channels open at once on one connection (Dropbear's MAX_CHANNELS is 60): the table is
 * an array of pointers, a channel costs ~200 bytes plus its queues when an fd is slow. */
#define DB_MAX_CHANNELS       64
/* Largest maximum packet we advertise and the most data bytes we put in one
 * CHANNEL_DATA: the payload (type, channel, length, data; 13 bytes of header for
 * EXTENDED_DATA) must stay under DB_MAX_PAYLOAD, which the packet layer enforces. */
#define DB_CHAN_MAX_DATA      (DB_MAX_PAYLOAD - 64)
/* Full chunks a channel reads from its fd in one wake-up before the socket gets them (a
 * bulk source then costs one poll() per this many packets, not one per packet). The
 * output queue's soft limit bounds it too. */
#define DB_CHAN_READ_BURST    4
/* Channel and global request names and channel type names we accept (the longest
 * standard one is "keepalive@openssh.com"; vendor names are short). */
#define DB_MAX_REQ_NAME       64
/* env requests kept per session (LANG, LC_*: ~13 names), and the longest NAME=value. */
#define DB_MAX_SESS_ENV       32
#define DB_MAX_ENV_LEN        1024
/* Command of an exec request or a subsystem name: Linux's ARG_MAX for one argument. */
#define DB_MAX_COMMAND        (128 * 1024)
/* TERM value of a pty-req, and encoded terminal modes (RFC 4254 8: 5 bytes per mode,
 * about 60 modes exist). */
#define DB_MAX_TERM           64
#define DB_MAX_TTY_MODES      1024
/* Keepalives (-K) sent without any answer before the connection is dropped (Dropbear's
 * DEFAULT_KEEPALIVE_LIMIT). */
#define DB_KEEPALIVE_LIMIT    3
/* Bytes of /etc/motd shown to a pty login shell. */
#define DB_MAX_MOTD           8192
/* sftp-server programs looked for, in order, when -S is not given (Debian, RHEL, others). */
#define DB_SFTP_SERVER_PATHS  "/usr/lib/openssh/sftp-server", \
                              "/usr/libexec/openssh/sftp-server", \
                              "/usr/libexec/sftp-server", "/usr/lib/ssh/sftp-server"
/* The built-in SFTP server (server/sftp/): runs in the session's child when no external
 * sftp-server is found (or with -S internal-sftp, or a forced command internal-sftp),
 * and as the sftp-server face. Cost, switch on vs off: the static musl binary grows
 * 16,384 bytes (588,056 -> 604,440), `size` text+data of the dynamic -Os build 22,276
 * (313,304 -> 335,580); 10 KB of bss (the handle table, the home path). A session holds
 * at most ~340 KB of buffers (one largest request plus one read, one largest reply plus
 * DB_SFTP_FLUSH), grown only as requests need. */
#define DB_SFTP_BUILTIN       DB_FULL
/* Largest request or reply (OpenSSH's sftp-server's SFTP_MAX_MSG_LENGTH), and the most
 * a READ returns or a WRITE should carry (limits@openssh.com tells clients). */
#define DB_SFTP_MAX_PACKET    (256 * 1024)
#define DB_SFTP_MAX_READ      (DB_SFTP_MAX_PACKET - 1024)
/* Open files and directories per session: a fixed table of 16-byte slots. */
#define DB_SFTP_MAX_HANDLES   256
/* Replies are written out once this many bytes wait (and whenever no whole request is
 * buffered); the queue's cap is that plus one largest reply. Reads from the channel are
 * this big. */
#define DB_SFTP_FLUSH         (64 * 1024)
#define DB_SFTP_OUT_MAX       (DB_SFTP_FLUSH + DB_SFTP_MAX_PACKET + 64)
#define DB_SFTP_READ_CHUNK    (64 * 1024)
/* Entries per READDIR reply (OpenSSH's 100): each is under NAME_MAX + an ls line. */
#define DB_SFTP_READDIR       100
/* Zero-copy READs (server/sftp/sftp-splice.c, Linux splice(2)): a READ of at least
 * DB_SFTP_SPLICE_MIN bytes goes from the page cache to the channel's pipe without passing
 * through the server's memory (its CPU per GB got: about a third of the plain path's).
 * Cost: static binary +816 bytes of text (543,000 bytes on disk either way); a private
 * 512 KB pipe per session that holds page references, not copies. */
#define DB_SFTP_SPLICE        DB_SFTP_BUILTIN
#define DB_SFTP_SPLICE_MIN    (16 * 1024)
/* copy-data moves this much per pread/pwrite (on the stack). */
#define DB_SFTP_COPY_CHUNK    (32 * 1024)
/* PATH children get: Debian's OpenSSH defaults, so that programs in /usr/local/bin are
 * found by `ssh host cmd` as they are under OpenSSH and Debian's Dropbear. */
#define DB_DEFAULT_PATH       "/usr/local/bin:/usr/bin:/bin:/usr/games"
#define DB_DEFAULT_ROOT_PATH  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* ---- client (client/cli-*.c, common/knownhosts.c, common/sshconfig.c, common/agent.c) */
/* Longest known_hosts line read; longer ones are skipped (an RSA-16384 entry is ~2.9 KB;
 * a comma list of a few hundred names fits too). Lines are streamed: no file size limit. */
#define DB_KH_MAX_LINE        16384
/* Longest ~/.ssh/config line, Include nesting (OpenSSH's READCONF_MAX_DEPTH), values
 * kept per multi-valued keyword (IdentityFile, LocalForward, RemoteForward), and the
 * largest config file read. */
#define DB_CFG_MAX_LINE       4096
#define DB_CFG_MAX_DEPTH      16
#define DB_CFG_MAX_MULTI      16
#define DB_CFG_MAX_FILE       (4 * 1024 * 1024)
/* Identity files tried (-i, IdentityFile, the four defaults). */
#define DB_CLI_MAX_IDENTITIES 16
/* Largest ssh-agent reply (OpenSSH's agent limit), keys taken from it, and how long a
 * reply may take (an agent may ask its user to confirm a signature). */
#define DB_AGENT_MAX_MSG      (256 * 1024)
#define DB_AGENT_MAX_KEYS     64
#define DB_AGENT_TIMEOUT_MS   60000
/* Password / keyboard-interactive rounds asked of a person (OpenSSH's
 * NumberOfPasswordPrompts), and prompts answered in one keyboard-interactive request. */
#define DB_CLI_PASSWORD_TRIES 3
#define DB_CLI_MAX_KBD_PROMPTS 16

#endif

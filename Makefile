# dropbearmulti: one binary, four faces. Sources are picked up by wildcard so that
# adding a module is adding a file.
#
#   make              release build: -Os, section GC, stripped
#   make STATIC=1     the same, a fully static static-pie binary linked with musl
#                     (-Oz but for the hot code: see SPEED_SRCS)
#                     (build/static/): the four libraries are built with musl-gcc from
#                     Debian's source packages by contrib/musl/deps.sh, once
#   make SAN=1        with ASan+UBSan, not stripped (build/san/): make check runs part of
#                     the interop suite against it
#   make MINIMAL=1    static, server only: curve25519, ed25519, chacha20-poly1305,
#                     public-key auth, numeric addresses (no DNS), no forwarding
#                     (build/minimal/)
#   make size         bytes per module and per library in the static binary
#   make STATIC=1 LTO=0   the static binary without link-time optimization
#                     (build/static-nolto; MINIMAL=1 LTO=0: build/minimal-nolto)
#   make check        unit tests (ASan+UBSan), interop tests against the dynamic and
#                     the static binary
#   make install PREFIX=/usr/local DESTDIR=...

# LTO: link-time optimization of our code, on by default for the static builds (STATIC=1,
# MINIMAL=1: static 445,040 -> 436,816 bytes, MINIMAL 178,672 -> 174,576), off for the
# others (LTO=1: build/lto). Its partitions lose the file names contrib/layout/hot.ld
# orders the code by, so LTO links contrib/layout/hot-lto.ld (hot-minimal-lto.ld for
# MINIMAL), made from a profile of an LTO build (contrib/layout/README.md);
# tests/bench/memory.py, RUNS=5 N=10, LTO against not: idle RSS and RSS per session the
# same within noise. LTO=0 builds the static binaries without it, in their own
# directories (build/static-nolto, build/minimal-nolto). make size takes its per-module
# figures from the build without LTO, whose link map names the modules.
ifeq ($(MINIMAL),1)
STATIC   := 1
endif
ifeq ($(STATIC),1)
LTO      ?= 1
ifneq ($(LTO),1)
BUILD    ?= $(if $(filter 1,$(MINIMAL)),build/minimal-nolto,build/static-nolto)
endif
else ifeq ($(LTO),1)
BUILD    ?= build/lto
endif
ifeq ($(MINIMAL),1)
BUILD    ?= build/minimal
endif
ifeq ($(STATIC),1)
BUILD    ?= build/static
MUSL_PREFIX ?= build/musl/prefix
# musl-gcc's own specs with -static-pie taught (made by contrib/musl/deps.sh).
CC       := gcc -specs $(MUSL_PREFIX)/musl.specs
endif
# SAN=1: the same binary with ASan and UBSan (build/san/), for the sanitizer pass of
# make check (tests/run-all.sh): any report aborts the process and fails the run.
ifeq ($(SAN),1)
BUILD    ?= build/san
CFLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDFLAGS  := -fsanitize=address,undefined
endif
CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build

WARN     := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
# LTM_DESC: libtomcrypt's bignum back end is libtommath.
DEFS     := -std=c11 -D_GNU_SOURCE -DLTM_DESC -I. -Icommon -I$(BUILD)/gen
CFLAGS   ?= -Os -ffunction-sections -fdata-sections -fstack-protector-strong \
            -D_FORTIFY_SOURCE=2
LDFLAGS  ?= -Wl,--gc-sections -Wl,-O1 -s
LIBS     := -ltomcrypt -ltommath -lz -lcrypt
# The dynamic build (and SAN=1) links the same four Debian libraries from their -dev
# packages' static archives (libtomcrypt.a, ...), glibc alone shared: each shared
# library cost every process its mapped pages (libtomcrypt.so alone ~370 kB of RSS, and
# libgmp.so it pulls in ~120 kB), its relocation-dirtied pages and ld.so's time at each
# per-connection re-exec, where the archives give only the members we use, laid out by
# contrib/layout/hot.ld with our code. The unit tests and the fuzzers keep the shared
# libraries ($(LIBS)).
BIN_LIBS := $(if $(filter 1,$(STATIC)),$(LIBS),-Wl,-Bstatic $(LIBS) -Wl,-Bdynamic)
# Segments aligned to 64 kB (the kernel then loads the binary at a 64 kB boundary): the
# fault-around windows (64 kB, aligned in the address space) fall where hot.ld's
# layout puts its groups instead of at a random page phase from one process to the
# next (the file grows by the padding, ~100 kB, never mapped). Relative relocations
# packed (DT_RELR, glibc 2.36): the first segment 16 kB instead of 32 kB of every
# process, and less for ld.so to apply. tests/bench/memory.py RUNS=5 N=10 against
# Debian's dropbear 2022.83, before -> after these three: idle RSS 2836 -> ~2050 kB
# (0.75x), RSS per session 3182 -> ~2220 kB (0.73x).
DYN_LDFLAGS := $(if $(filter 1,$(STATIC)),,-Wl,-z,max-page-size=0x10000 -Wl,-z,pack-relative-relocs)
# The static build: musl, static-pie (ASLR), against the libraries contrib/musl/deps.sh builds
# under MUSL_PREFIX (shared by every static build directory, built once).
MUSL_PREFIX ?= build/musl/prefix
MUSL_DEPS   := $(MUSL_PREFIX)/.done
ifeq ($(STATIC),1)
# libxcrypt's hashes (contrib/musl/deps.sh): yescrypt alone when our own code checks
# bcrypt and SHA-crypt (DB_OWN_PWHASH in options.h, read for the full build: MINIMAL,
# which shares the libraries, has no password authentication), none when it checks
# yescrypt too (DB_OWN_YESCRYPT): no libxcrypt is then built or linked, and
# DB_SYSTEM_CRYPT=0 tells svr-auth-passwd.c there is no crypt_r (musl's own, which
# libc.a would otherwise give, is not wanted either). The choice is kept in a stamp
# rewritten when it changes, which reruns deps.sh and so rebuilds libxcrypt.
comma := ,
OWN_PWHASH := $(shell printf '\043include "options.h"\n\043if DB_AUTH_PASSWORD && DB_OWN_PWHASH\nyes\n\043if DB_OWN_YESCRYPT\nall\n\043endif\n\043endif\n' | \
                cc -E -P -I. -x c - 2>/dev/null)
XCRYPT_HASHES := $(if $(filter all,$(OWN_PWHASH)),,$(if $(filter yes,$(OWN_PWHASH)),yescrypt,yescrypt$(comma)sha512crypt$(comma)sha256crypt$(comma)bcrypt$(comma)bcrypt_a$(comma)bcrypt_y))
ifeq ($(XCRYPT_HASHES),)
LIBS     := $(filter-out -lcrypt,$(LIBS))
BIN_LIBS := $(filter-out -lcrypt,$(BIN_LIBS))
DEFS     += -DDB_SYSTEM_CRYPT=0
endif
XCRYPT_WANT := $(dir $(MUSL_PREFIX)).xcrypt-hashes
# (written when missing too: an empty list, no libxcrypt at all, equals a missing file's
# empty reading, and a fresh checkout would then have no stamp to depend on)
$(shell mkdir -p $(dir $(XCRYPT_WANT)) && { [ -f $(XCRYPT_WANT) ] && \
	[ "$$(cat $(XCRYPT_WANT) 2>/dev/null)" = '$(XCRYPT_HASHES)' ] || \
	printf '%s\n' '$(XCRYPT_HASHES)' >$(XCRYPT_WANT); })
# DB_OWN_PRINTF: the printf family is common/fmt.c's, not musl's (options.h says what it saves).
DEFS     += -isystem $(MUSL_PREFIX)/include -DDB_OWN_PRINTF=1
# DB_STATIC_MUSL: the C library is musl (options.h: DB_OWN_RESOLVER, DB_OWN_PWDB).
DEFS     += -DDB_STATIC_MUSL=1
# No unwind tables: C without exceptions needs none, and they were 1/12 of the file.
# -Oz (GCC 12): full -4,096 bytes (514,696 -> 510,600; text -3,686), MINIMAL text -1,888;
# SPEED_SRCS below keep -Os.
CFLAGS   += -fPIE -fno-asynchronous-unwind-tables -fno-unwind-tables -Oz
LDFLAGS  += -static-pie -L$(MUSL_PREFIX)/lib -Wl,-Map,$(BUILD)/dropbearmulti.map
# Relative relocations packed as DT_RELR (8 bytes per 63 pointers, not 24 per pointer),
# applied by contrib/musl/relr-start.c before musl's _start (musl 1.2.3 reads only
# DT_RELA): static -16 KB, MINIMAL -4 KB.
LDFLAGS  += -Wl,-z,pack-relative-relocs -Wl,-e,db_relr_start
STATIC_SRCS := contrib/musl/relr-start.c
# musl's libc.a as Debian builds it aligns each function's section to 16 bytes: 2.3 kB of
# padding in MINIMAL, 2.9 kB in the full link. The link takes a copy whose code sections
# align to 1 byte (objcopy; x86 code needs no alignment, and musl's hot copy loops are
# not what this binary waits on): MINIMAL 199,144 -> 195,048 bytes.
MUSL_LIBC   ?= /usr/lib/x86_64-linux-musl/libc.a
MUSL_LIBC1  := build/musl/libc-align1
LDFLAGS  += -L$(MUSL_LIBC1)
DEPS     := $(MUSL_DEPS)
LINK_DEPS := $(MUSL_LIBC1)/libc.a
endif
ifeq ($(LTO),1)
CFLAGS   += -flto=auto
LDFLAGS  += -flto=auto
# contrib/musl/relr-start.c runs before relocation: compiled on its own, where what it
# may use (PC-relative addressing, no stack protector) is what its source says, not what
# LTO's partitions and inlining make of it.
$(BUILD)/obj/contrib/musl/relr-start.o: CFLAGS += -fno-lto
endif
# Code layout (contrib/layout/): the code the daemon and a connection run goes first in
# the text segment, so each process maps fewer 64 kB fault-around windows of the binary
# (RSS). A list of input sections: stale entries match nothing and cost nothing.
# make LAYOUT= links in the linker's own order (about 1 kB smaller: strings merge
# across all of .rodata).
# LTO builds take contrib/layout/hot-lto.ld, the same made from a profile of an LTO build
# (contrib/layout/regen.sh --lto): hot.ld's entries name our object files, which LTO's
# partitions replace. MINIMAL's LTO inlines and clones differently: it has its own,
# hot-minimal-lto.ld (regen.sh --lto --minimal).
ifneq ($(SAN),1)
LAYOUT   ?= contrib/layout/hot$(if $(filter 1,$(LTO)),$(if $(filter 1,$(MINIMAL)),-minimal)-lto).ld
endif
ifneq ($(LAYOUT),)
LAYOUT_LD := $(LAYOUT)
endif
# The static builds link $(BUILD)/layout.ld instead: the same (nothing with LAYOUT=) with
# the read-only data moved into the first segment (contrib/layout/rodata-first.ld says
# why): MINIMAL -4 kB, full -8 kB; tests/bench/memory.py, static against the same code
# linked with hot.ld alone (RUNS=3 N=10): idle RSS 492 -> 436 kB, RSS/session 600 -> 583.
ifeq ($(STATIC),1)
LAYOUT_LD := $(BUILD)/layout.ld
endif
ifneq ($(LAYOUT_LD),)
LDFLAGS  += -Wl,-T,$(LAYOUT_LD)
endif
# MINIMAL: the options.h switches a small server-only binary leaves out.
ifeq ($(MINIMAL),1)
DEFS     += -DDB_MINIMAL=1
endif

FACE_DIRS := common server client keygen convert
ifeq ($(MINIMAL),1)
FACE_DIRS := common server
endif
# A face's subsystem folders (common/crypto/, server/sftp/, ...) are picked up too.
SRCS      := multicall.c $(foreach d,$(FACE_DIRS),$(wildcard $(d)/*.c $(d)/*/*.c)) $(STATIC_SRCS)
OBJS      := $(SRCS:%.c=$(BUILD)/obj/%.o)
# The SFTP server's files use only common/: the unit tests and fuzzers link them too.
CORE_SRCS := $(wildcard common/*.c common/*/*.c server/sftp/*.c)
ifeq ($(STATIC),1)
# The static builds compile for size with GCC's -Oz, except the code a transfer or a key
# exchange spends its time in (primitives, the packet and channel data path, SFTP),
# which keeps -Os; MINIMAL keeps it for the primitives and curve25519 alone (its
# -Oz packet and channel code: -1.1 kB). (A change of this list alone does not
# rebuild: make clean.)
SPEED_SRCS := $(wildcard common/crypto/*.c common/fe25519*.c common/curve25519.c)
ifneq ($(MINIMAL),1)
SPEED_SRCS += $(wildcard common/cipher*.c common/mac.c common/packet.c common/buf.c \
              common/compress.c common/deflate.c common/channel*.c common/conn.c \
              common/bcrypt.c server/sftp/*.c)
endif
$(SPEED_SRCS:%.c=$(BUILD)/obj/%.o): CFLAGS += -Os
endif
FACES     := dropbear dbclient dropbearkey dropbearconvert sftp-server

.PHONY: all clean check unit interop install uninstall fuzz bench run size man deflate-bench
.SECONDARY:
all: $(BUILD)/dropbearmulti $(FACES:%=$(BUILD)/%) man

# Each face's -h text and man page come from one source, doc/FACE.opts, through
# contrib/mkface.awk: a C header the face includes, and the troff page.
MAN_HEADERS := options.h common/bcrypt.h common/askpass.h
MANPAGES    := $(BUILD)/man/dropbear.8 $(BUILD)/man/dbclient.1 $(BUILD)/man/dropbearkey.1 \
               $(BUILD)/man/dropbearconvert.1 $(BUILD)/man/sftp-server.8
man: $(MANPAGES)
$(BUILD)/gen/%_usage.h: doc/%.opts contrib/mkface.awk $(MAN_HEADERS)
	@mkdir -p $(dir $@)
	awk -v mode=c -f contrib/mkface.awk $(MAN_HEADERS) $< > $@.tmp && mv $@.tmp $@
$(BUILD)/man/%.1 $(BUILD)/man/%.8: doc/%.opts contrib/mkface.awk $(MAN_HEADERS)
	@mkdir -p $(dir $@)
	awk -v mode=man -f contrib/mkface.awk $(MAN_HEADERS) $< > $@.tmp && mv $@.tmp $@
# The same text zlib-compressed (contrib/zusage.c, a tool built for this machine with
# its zlib, says why): what the faces include.
.PRECIOUS: $(BUILD)/gen/%_usage.h
$(BUILD)/gen/%_usagez.h: $(BUILD)/gen/%_usage.h contrib/zusage.c $(MAN_HEADERS)
	cc -std=c11 -D_GNU_SOURCE $(filter -D%,$(DEFS)) -I. -Icommon -I$(BUILD)/gen \
		-DUSAGE_H='"$*_usage.h"' -o $(BUILD)/gen/zusage-$* contrib/zusage.c -lz
	$(BUILD)/gen/zusage-$* > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/server/svr-main.o: $(BUILD)/gen/dropbear_usagez.h
$(BUILD)/obj/client/cli-main.o: $(BUILD)/gen/dbclient_usagez.h
$(BUILD)/obj/keygen/dropbearkey.o: $(BUILD)/gen/dropbearkey_usagez.h
$(BUILD)/obj/convert/dropbearconvert.o: $(BUILD)/gen/dropbearconvert_usagez.h
# sftp-main.c is in CORE_SRCS: the unit-test and fuzz objects include it too
$(BUILD)/obj/server/sftp/sftp-main.o $(BUILD)/tobj/server/sftp/sftp-main.o \
$(BUILD)/fobj/server/sftp/sftp-main.o: $(BUILD)/gen/sftp-server_usagez.h

# The static build's libraries ($(DEPS), their stamp) are prerequisites too: a changed
# library configuration (contrib/musl/) recompiles against its headers and relinks.
# The compiler and flags an object was built with are a prerequisite too (a stamp file
# rewritten only when they change): LTO on or off in one build directory recompiles.
FLAGS_STAMP := $(BUILD)/.flags
FLAGS_NOW   := $(CC) $(DEFS) $(CFLAGS) $(LDFLAGS)$(if $(filter 1,$(STATIC)),, $(DYN_LDFLAGS) $(BIN_LIBS))
$(shell mkdir -p $(BUILD) && { [ "$$(cat $(FLAGS_STAMP) 2>/dev/null)" = '$(FLAGS_NOW)' ] || \
	printf '%s\n' '$(FLAGS_NOW)' >$(FLAGS_STAMP); })
$(MUSL_LIBC1)/libc.a: $(MUSL_LIBC)
	@mkdir -p $(dir $@)
	objcopy --set-section-alignment '.text*=1' $< $@.tmp && mv $@.tmp $@
# Which layout a build directory links is kept the same way (LTO=0 and 1 take different
# ones): a change rewrites $(BUILD)/layout.ld.
LAYOUT_STAMP := $(BUILD)/.layout
$(shell { [ "$$(cat $(LAYOUT_STAMP) 2>/dev/null)" = '$(LAYOUT)' ] || \
	printf '%s\n' '$(LAYOUT)' >$(LAYOUT_STAMP); })
$(BUILD)/layout.ld: $(LAYOUT) contrib/layout/rodata-first.ld $(LAYOUT_STAMP)
	@mkdir -p $(dir $@)
	{ $(if $(LAYOUT),sed -e '/^  \. = ALIGN(CONSTANT (MAXPAGESIZE));$$/d' \
		-e 's/^INSERT BEFORE \.rodata;$$/INSERT AFTER .relr.dyn;/' $(LAYOUT) &&) \
		cat contrib/layout/rodata-first.ld; } >$@.tmp && mv $@.tmp $@
$(BUILD)/dropbearmulti: $(OBJS) $(DEPS) $(LINK_DEPS) $(FLAGS_STAMP) $(LAYOUT_LD)
	$(CC) $(CFLAGS) -o $@ $(OBJS) $(LDFLAGS) $(DYN_LDFLAGS) $(BIN_LIBS)

$(FACES:%=$(BUILD)/%): | $(BUILD)/dropbearmulti
	ln -sf dropbearmulti $@

$(BUILD)/obj/%.o: %.c $(DEPS) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(DEFS) $(WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(OBJS:.o=.d)

$(MUSL_DEPS): contrib/musl/deps.sh contrib/musl/tomcrypt_musl.h contrib/musl/tommath_musl.h \
              $(XCRYPT_WANT)
	XCRYPT_HASHES=$(XCRYPT_HASHES) sh contrib/musl/deps.sh $(MUSL_PREFIX)

# ---- unit tests: each tests/unit/test_*.c is one program linked against common/,
# built with sanitizers so that a memory error fails the run.
TEST_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=all
TEST_SRCS   := $(wildcard tests/unit/test_*.c)
TEST_BINS   := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TEST_OBJS   := $(CORE_SRCS:%.c=$(BUILD)/tobj/%.o)
TEST_LIB    := $(BUILD)/tobj/libcore.a
# An archive, so that each test program pulls in only the modules it uses.
$(TEST_LIB): $(TEST_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/tobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(DEFS) $(WARN) $(TEST_CFLAGS) -MMD -MP -c -o $@ $<

-include $(TEST_OBJS:.o=.d)
# the test programs' own dependencies too: a changed header rebuilds them
-include $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tobj/tests/unit/%.d) $(BUILD)/tobj/tests/unit/harness.d

$(BUILD)/tests/%: $(BUILD)/tobj/tests/unit/%.o $(BUILD)/tobj/tests/unit/harness.o $(TEST_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(LIBS)

unit: $(TEST_BINS)
	@sh tests/run-unit.sh $(TEST_BINS)

interop: all
	@sh tests/run-interop.sh

# make check: everything, closing with one combined "N passed, N failed" line.
# The interop suite runs twice: against the dynamic and the static (musl) binary; its
# server and client parts a third time against the ASan+UBSan build.
check: all $(TEST_BINS)
	@$(MAKE) --no-print-directory STATIC=1 all >/dev/null
	@$(MAKE) --no-print-directory MINIMAL=1 all >/dev/null
	@$(MAKE) --no-print-directory SAN=1 all >/dev/null
	@sh tests/run-all.sh $(TEST_BINS)

# ---- fuzz targets (clang + libFuzzer): build/fuzz/fuzz_*. common/ is compiled once
# with coverage instrumentation into an archive each target links against; server/ and
# client/ into a second one for the targets that run whole connections. -DDB_FUZZ is the
# fuzzing build switch (fixed random seed, the transport in the clear after NEWKEYS, see
# conn-kex.c): only these objects have it, never dropbearmulti. A target names extra link
# flags (-Wl,--wrap=... for the OS side effects it stubs) in a " * fuzz-link: " line.
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS  := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_CC    := clang
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
              -DDB_FUZZ
FUZZ_OBJS  := $(CORE_SRCS:%.c=$(BUILD)/fobj/%.o)
FUZZ_LIB   := $(BUILD)/fobj/libcore.a
FUZZ_FACE_SRCS := $(filter-out server/sftp/%,$(wildcard server/*.c client/*.c))
FUZZ_FACE_OBJS := $(FUZZ_FACE_SRCS:%.c=$(BUILD)/fobj/%.o)
FUZZ_FACE_LIB  := $(BUILD)/fobj/libfaces.a
$(BUILD)/fobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(DEFS) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<
-include $(FUZZ_OBJS:.o=.d) $(FUZZ_FACE_OBJS:.o=.d)
$(BUILD)/fobj/server/svr-main.o: $(BUILD)/gen/dropbear_usagez.h
$(BUILD)/fobj/client/cli-main.o: $(BUILD)/gen/dbclient_usagez.h
$(FUZZ_LIB): $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $^
$(FUZZ_FACE_LIB): $(FUZZ_FACE_OBJS)
	rm -f $@
	ar rcs $@ $^
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) $(FUZZ_FACE_LIB) $(wildcard tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(DEFS) $(FUZZ_FLAGS) -fsanitize=fuzzer -Wall -Wextra -Werror -o $@ $< \
		$(shell sed -n 's/^ \* fuzz-link: //p' $<) $(FUZZ_FACE_LIB) $(FUZZ_LIB) $(LIBS)
fuzz: $(FUZZ_BINS)

# make run: host keys in build/run (made once), then the server in the foreground.
RUN_PORT ?= 2222
run: all
	@mkdir -p $(BUILD)/run
	@for t in ed25519 ecdsa rsa; do \
		[ -f $(BUILD)/run/host_$$t ] || $(BUILD)/dropbearkey -t $$t -f $(BUILD)/run/host_$$t >/dev/null || exit 1; \
	done
	@echo "Host key fingerprints:"; for t in ed25519 ecdsa rsa; do \
		$(BUILD)/dropbearkey -y -f $(BUILD)/run/host_$$t | sed -n 's/^Fingerprint: /  '$$t': /p'; done
	@echo "Starting dropbear on 127.0.0.1:$(RUN_PORT); connect with:"
	@echo "  ssh -p $(RUN_PORT) $$(id -un)@127.0.0.1     (or: $(BUILD)/dbclient -p $(RUN_PORT) 127.0.0.1)"
	@[ "$$(id -u)" = 0 ] || echo "Not root: password logins cannot work (no access to /etc/shadow);" \
		"log in with a key in ~/.ssh/authorized_keys."
	@echo "Stop it with Ctrl-C."
	exec $(BUILD)/dropbear -F -E -p 127.0.0.1:$(RUN_PORT) -P $(BUILD)/run/dropbear.pid \
		-r $(BUILD)/run/host_ed25519 \
		-r $(BUILD)/run/host_ecdsa -r $(BUILD)/run/host_rsa

# make size: the static binary's bytes per library and per module, from the link map of
# the same build without LTO (build/static-nolto: LTO's partitions do not name the
# modules), and the file sizes of both, the LTO one (build/static) being what is shipped;
# make size MINIMAL=1 for the minimal one.
SIZE_NAME := $(if $(filter 1,$(MINIMAL)),minimal,static)
size:
	@$(MAKE) --no-print-directory STATIC=1 LTO=0 BUILD=build/$(SIZE_NAME)-nolto all >/dev/null
	@$(MAKE) --no-print-directory STATIC=1 LTO=1 BUILD=build/$(SIZE_NAME) all >/dev/null
	@/usr/bin/python3 contrib/size-report.py build/$(SIZE_NAME)-nolto/dropbearmulti.map \
		build/$(SIZE_NAME)-nolto/dropbearmulti build/$(SIZE_NAME)/dropbearmulti

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin
	install -m 0755 $(BUILD)/dropbearmulti $(DESTDIR)$(PREFIX)/bin/dropbearmulti
	ln -sf ../bin/dropbearmulti $(DESTDIR)$(PREFIX)/sbin/dropbear
	ln -sf dropbearmulti $(DESTDIR)$(PREFIX)/bin/dbclient
	ln -sf dropbearmulti $(DESTDIR)$(PREFIX)/bin/dropbearkey
	ln -sf dropbearmulti $(DESTDIR)$(PREFIX)/bin/dropbearconvert
	install -d $(DESTDIR)$(PREFIX)/libexec
	ln -sf ../bin/dropbearmulti $(DESTDIR)$(PREFIX)/libexec/sftp-server
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0644 $(BUILD)/man/dropbear.8 $(DESTDIR)$(PREFIX)/share/man/man8/dropbear.8
	install -m 0644 $(BUILD)/man/sftp-server.8 $(DESTDIR)$(PREFIX)/share/man/man8/sftp-server.8
	for p in dbclient dropbearkey dropbearconvert; do \
		install -m 0644 $(BUILD)/man/$$p.1 $(DESTDIR)$(PREFIX)/share/man/man1/$$p.1 || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/dropbearmulti $(DESTDIR)$(PREFIX)/sbin/dropbear \
		$(DESTDIR)$(PREFIX)/bin/dbclient $(DESTDIR)$(PREFIX)/bin/dropbearkey \
		$(DESTDIR)$(PREFIX)/bin/dropbearconvert $(DESTDIR)$(PREFIX)/libexec/sftp-server \
		$(DESTDIR)$(PREFIX)/share/man/man8/dropbear.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/sftp-server.8 \
		$(DESTDIR)$(PREFIX)/share/man/man1/dbclient.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/dropbearkey.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/dropbearconvert.1

clean:
	rm -rf $(BUILD)

# make bench: throughput, connect latency and memory of ours and the references', the
# goals' ratios and a plot (tests/bench/bench.py; build/bench/). QUICK=1: under a minute.
# Needs root (a throwaway user, as the interop tests); installs missing Debian packages.
bench: all
	@QUICK=$(QUICK) /usr/bin/python3 tests/bench/bench.py

# make deflate-bench: common/deflate.c against zlib's deflate as compress.c used it
# (sizes and MB/s; tests/bench/deflate_bench.c), with the release build's -Os, on our
# sources, a log (dpkg's), the binary and random bytes.
deflate-bench: $(BUILD)/bench/deflate_bench $(BUILD)/dropbearmulti
	cat common/*.c common/*.h > $(BUILD)/bench/source.txt
	$(BUILD)/bench/deflate_bench $(BUILD)/bench/source.txt \
		$(wildcard /var/log/dpkg.log) $(BUILD)/dropbearmulti
$(BUILD)/bench/deflate_bench: tests/bench/deflate_bench.c common/deflate.c common/deflate.h
	@mkdir -p $(dir $@)
	cc -std=c11 -D_GNU_SOURCE -Os -Icommon $(WARN) -o $@ tests/bench/deflate_bench.c \
		common/deflate.c -lz

# dropbearmulti: one binary, four faces. Sources are picked up by wildcard so that
# adding a module is adding a file.
#
#   make              release build: -Os, section GC, stripped
#   make STATIC=1     the same, fully static (libtomcrypt.a needs -lgmp)
#   make check        unit tests (ASan+UBSan) and interop tests
#   make install PREFIX=/usr/local DESTDIR=...

CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build

WARN     := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
# LTM_DESC: libtomcrypt's bignum back end is libtommath.
DEFS     := -std=c11 -D_GNU_SOURCE -DLTM_DESC -I. -Icommon
CFLAGS   ?= -Os -ffunction-sections -fdata-sections -fstack-protector-strong \
            -D_FORTIFY_SOURCE=2
LDFLAGS  ?= -Wl,--gc-sections -Wl,-O1 -s
LIBS     := -ltomcrypt -ltommath -lz -lcrypt
ifeq ($(STATIC),1)
LDFLAGS  += -static
LIBS     += -lgmp
endif

FACE_DIRS := common server client keygen convert
SRCS      := multicall.c $(foreach d,$(FACE_DIRS),$(wildcard $(d)/*.c))
OBJS      := $(SRCS:%.c=$(BUILD)/obj/%.o)
CORE_SRCS := $(wildcard common/*.c)
FACES     := dropbear dbclient dropbearkey dropbearconvert

.PHONY: all clean check unit interop install fuzz bench run
.SECONDARY:
all: $(BUILD)/dropbearmulti $(FACES:%=$(BUILD)/%)

$(BUILD)/dropbearmulti: $(OBJS)
	$(CC) $(CFLAGS) -o $@ $(OBJS) $(LDFLAGS) $(LIBS)

$(FACES:%=$(BUILD)/%): | $(BUILD)/dropbearmulti
	ln -sf dropbearmulti $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(DEFS) $(WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(OBJS:.o=.d)

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

$(BUILD)/tests/%: $(BUILD)/tobj/tests/unit/%.o $(BUILD)/tobj/tests/unit/harness.o $(TEST_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(LIBS)

unit: $(TEST_BINS)
	@sh tests/run-unit.sh $(TEST_BINS)

interop: all
	@sh tests/run-interop.sh

# make check: everything, closing with one combined "N passed, N failed" line.
check: all $(TEST_BINS)
	@sh tests/run-all.sh $(TEST_BINS)

# ---- fuzz targets (clang + libFuzzer): build/fuzz/fuzz_*
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer,address,undefined
$(BUILD)/fuzz/%: tests/fuzz/%.c $(CORE_SRCS)
	@mkdir -p $(dir $@)
	clang $(DEFS) $(FUZZ_FLAGS) -Wall -Wextra -Werror -o $@ $< $(CORE_SRCS) $(LIBS)
fuzz: $(FUZZ_BINS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin
	install -m 0755 $(BUILD)/dropbearmulti $(DESTDIR)$(PREFIX)/bin/dropbearmulti
	ln -sf ../bin/dropbearmulti $(DESTDIR)$(PREFIX)/sbin/dropbear
	ln -sf dropbearmulti $(DESTDIR)$(PREFIX)/bin/dbclient
	ln -sf dropbearmulti $(DESTDIR)$(PREFIX)/bin/dropbearkey
	ln -sf dropbearmulti $(DESTDIR)$(PREFIX)/bin/dropbearconvert

clean:
	rm -rf $(BUILD)

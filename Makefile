# retort - build, test, benchmark and demo.
#
#   make            build/retort and build/libretort.a
#   make test       install missing dependencies (as root), build with
#                   AddressSanitizer + UBSan, run every test, print a summary
#   make soak       the schema-diff property test with thousands of random
#                   schema pairs per dialect (make test runs 100 each)
#   make demo       build and run the example project on SQLite
#   make bench      benchmarks (see bench/README.md)
#   make install    PREFIX=/usr/local (install-python: the Python package only)
#
# Dependencies come through pkg-config; scripts/install-deps installs the
# Debian packages.

CC         ?= cc
PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr/local
BUILD      ?= build
# libpq is opened at run time (lib/dialect/postgres/libpq.h): its headers
# are needed to build, but nothing links it.
PKGS       := sqlite3 libcrypto inih

OPT        ?= -O2 -g
SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
WARN       := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes
STD        := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L

PKG_CFLAGS  = $(shell $(PKG_CONFIG) --cflags $(PKGS) libpq)
PKG_LIBS    = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lpg_query -ldl

ifeq ($(SAN),1)
OPT        := -O1 -g
EXTRA      := $(SAN_FLAGS)
endif
ifeq ($(FUZZ),1)
OPT        := -O1 -g
EXTRA      := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
endif

ALL_CFLAGS  = $(STD) $(OPT) $(WARN) $(EXTRA) -pthread -Iinclude -Ilib $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(EXTRA) -pthread $(LDFLAGS)

LIB_SRC  := $(sort $(wildcard lib/*.c lib/util/*.c lib/schema/*.c lib/dialect/*.c lib/dialect/*/*.c lib/lint/*.c))
CLI_SRC  := $(sort $(wildcard cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/test_replay_%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/%)

.PHONY: all deps test test-run unit demo bench install clean fuzz fuzz-bins soak
all: $(BUILD)/retort $(BUILD)/libretort.a $(BUILD)/libretort.so

# V=1 shows the full commands.
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# The library's objects serve both the archive and the shared library:
# position-independent, and only RT_API functions visible outside it.
LIB_CFLAGS := -fPIC -fvisibility=hidden -DRETORT_BUILDING
$(BUILD)/obj/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) -c $< -o $@

SONAME := libretort.so.0
$(BUILD)/libretort.a: $(LIB_OBJ)
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)$(AR) rcs $@ $^

$(BUILD)/$(SONAME): $(LIB_OBJ)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--no-undefined -o $@ $^ $(PKG_LIBS)

$(BUILD)/libretort.so: $(BUILD)/$(SONAME)
	$(Q)ln -sf $(SONAME) $@

$(BUILD)/retort: $(CLI_OBJ) $(BUILD)/libretort.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libretort.a $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h tests/unit/pgtest.h $(BUILD)/libretort.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libretort.a $(PKG_LIBS) $$($(PKG_CONFIG) --libs cmocka)

# test_property's schema generator lives in tests/unit/property/.
PROP_SRC := $(sort $(wildcard tests/unit/property/*.c))
$(BUILD)/tests/test_property: tests/unit/test_property.c $(PROP_SRC) tests/unit/property/property.h tests/unit/unit.h $(BUILD)/libretort.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(PROP_SRC) $(BUILD)/libretort.a $(PKG_LIBS) $$($(PKG_CONFIG) --libs cmocka)

# Fuzz targets replayed over their corpus and past crashes (tests/fuzz/replay.c).
$(BUILD)/tests/test_replay_%: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/libretort.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -DFUZZ_NAME='"$*"' $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/libretort.a $(PKG_LIBS)

# libFuzzer binaries (make fuzz builds them with clang into build/fuzz).
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libretort.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libretort.a $(PKG_LIBS)

unit: $(UNIT_BIN) $(REPLAY_BIN) $(BUILD)/embed-app
fuzz-bins: $(FUZZ_BIN)

deps:
	@scripts/install-deps --auto

# The test build is separate (build/asan) so sanitizer flags never leak
# into the release binary.
test: deps
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 all unit
	@tests/run build/asan

# tests/unit/test_property.c: SOAK_PAIRS random schema pairs per dialect,
# each migrated both ways on SQLite and PostgreSQL, in the test build
# (RT_PROPERTY_SEED picks other pairs).
SOAK_PAIRS ?= 2500
SOAK_BUILD ?= build/asan
soak: deps
	@$(MAKE) --no-print-directory BUILD=$(SOAK_BUILD) SAN=1 all unit
	@RT_PROPERTY_PAIRS=$(SOAK_PAIRS) TESTS=test_property tests/run $(SOAK_BUILD)

demo: deps
	@$(MAKE) --no-print-directory all
	@examples/run-demo $(BUILD)/retort

# Each fuzz target for FUZZ_SECONDS (default 60); crashes are kept in
# tests/fuzz/regressions/, which make test replays.
FUZZ_SECONDS ?= 60
fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang FUZZ=1 fuzz-bins
	@tests/fuzz/run build/fuzz $(FUZZ_SECONDS)

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/run $(BUILD)/retort

install: all install-python
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/retort $(DESTDIR)$(PREFIX)/bin/retort
	install -m 644 $(BUILD)/libretort.a $(DESTDIR)$(PREFIX)/lib/libretort.a
	install -m 644 include/retort.h $(DESTDIR)$(PREFIX)/include/retort.h
	install -m 644 docs/retort.1 $(DESTDIR)$(PREFIX)/share/man/man1/retort.1
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(shell sed -n 's/^#define RETORT_VERSION "\(.*\)"/\1/p' include/retort.h)|' \
		-e 's|@REQUIRES@|$(PKGS)|' retort.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/retort.pc

# The Python package (python/retort) where the system's python3 finds it:
# the site-packages directory under PREFIX it searches, else PREFIX's own.
PYTHON    ?= $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || echo python3)
PYTHONDIR ?= $(shell $(PYTHON) -c 'import site, sys; d = [p for p in site.getsitepackages() if p.startswith("$(PREFIX)/lib/")]; print(d[0] if d else "$(PREFIX)/lib/python%d.%d/site-packages" % sys.version_info[:2])')
.PHONY: install-python
install-python:
	install -d $(DESTDIR)$(PYTHONDIR)/retort
	install -m 644 python/retort/*.py $(DESTDIR)$(PYTHONDIR)/retort/

# The library example, linked with the library just built.
$(BUILD)/embed-app: examples/embed/app.c $(BUILD)/libretort.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libretort.a $(PKG_LIBS)

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

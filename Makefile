# retort - build, test, benchmark and demo.
#
#   make            build/retort and build/libretort.a
#   make test       install missing dependencies (as root), build with
#                   AddressSanitizer + UBSan, run every test, print a summary
#   make soak       the schema-diff property test with thousands of random
#                   schema pairs per dialect (make test runs 100 each)
#   make demo       build and run the example project on SQLite
#   make bench      benchmarks (see bench/README.md)
#   make install    PREFIX=/usr/local DESTDIR=... (BINDIR, LIBDIR, INCLUDEDIR,
#                   MANDIR, PKGCONFIGDIR override the places); make uninstall
#                   (install-python: the Python package only)
#
# CC, AR, CFLAGS and LDFLAGS are taken from the environment (CFLAGS is
# added after the project's own flags).
#
# Dependencies come through pkg-config; scripts/install-deps installs the
# Debian packages.

CC         ?= cc
PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BUILD      ?= build
# libpq, libmariadb and libcrypto are opened at run time (lib/dialect/postgres/libpq.h,
# lib/dialect/mysql/libmariadb.h, lib/util/sha256.h): their headers are
# needed to build, but nothing links them.
PKGS       := sqlite3 inih

OPT        ?= -O2 -g
SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
WARN       := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes
STD        := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L

PKG_CFLAGS  = $(shell $(PKG_CONFIG) --cflags $(PKGS) libpq libmariadb libcrypto)
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

.PHONY: all deps deps-build deps-test deps-fuzz deps-bench test test-run unit list-tests demo bench install install-completion uninstall clean fuzz fuzz-bins soak
all: $(BUILD)/retort $(BUILD)/libretort.a $(BUILD)/libretort.so $(BUILD)/retort.pc

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

# test_api sees only retort.h and links the shared library, so whatever the
# header promises must be exported.
$(BUILD)/tests/test_api: tests/unit/test_api.c include/retort.h $(BUILD)/libretort.so
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -L$(BUILD) -lretort -Wl,-rpath,$(abspath $(BUILD)) $$($(PKG_CONFIG) --libs cmocka)

# test_threads runs the library on eight threads under ThreadSanitizer: the
# library's sources are compiled again for it with -fsanitize=thread (its
# own objects, so -j works), whatever the build's other flags.
TSAN_CFLAGS = $(STD) -O1 -g $(WARN) -fsanitize=thread -pthread -Iinclude -Ilib $(PKG_CFLAGS) -MMD -MP
TSAN_OBJ := $(LIB_SRC:%.c=$(BUILD)/tsan/%.o)
$(BUILD)/tsan/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (tsan)")
	$(Q)$(CC) $(TSAN_CFLAGS) -DRETORT_BUILDING -c $< -o $@

$(BUILD)/tests/test_threads: tests/unit/test_threads.c $(TSAN_OBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(TSAN_CFLAGS) -o $@ $< $(TSAN_OBJ) $(PKG_LIBS) $$($(PKG_CONFIG) --libs cmocka)

# Fuzz targets replayed over their corpus and past crashes (tests/fuzz/replay.c).
$(BUILD)/tests/test_replay_%: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/libretort.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -DFUZZ_NAME='"$*"' $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/libretort.a $(PKG_LIBS)

# libFuzzer binaries (make fuzz builds them with clang into build/fuzz).
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libretort.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libretort.a $(PKG_LIBS)

unit: $(UNIT_BIN) $(REPLAY_BIN) $(BUILD)/embed-app $(BUILD)/embed-embedded
# The test programs of this tree, one a line: tests/run runs these, not
# whatever test_* another branch or a removed test left in the build.
list-tests:
	@printf '%s\n' $(notdir $(UNIT_BIN) $(REPLAY_BIN))
fuzz-bins: $(FUZZ_BIN)

# Each target installs only the packages it needs (scripts/install-deps groups).
deps:
	@scripts/install-deps --auto
deps-%:
	@scripts/install-deps --auto $*

# The test build is separate (build/asan) so sanitizer flags never leak
# into the release binary.
test: deps-test
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 all unit
	@tests/run build/asan

# tests/unit/test_property.c: SOAK_PAIRS random schema pairs per dialect,
# each migrated both ways on SQLite and PostgreSQL, in the test build
# (RT_PROPERTY_SEED picks other pairs).
SOAK_PAIRS ?= 2500
SOAK_BUILD ?= build/asan
soak: deps-test
	@$(MAKE) --no-print-directory BUILD=$(SOAK_BUILD) SAN=1 all unit
	@RT_PROPERTY_PAIRS=$(SOAK_PAIRS) TESTS=test_property tests/run $(SOAK_BUILD)

demo: deps-build
	@$(MAKE) --no-print-directory all
	@examples/run-demo $(BUILD)/retort

# Each fuzz target for FUZZ_SECONDS (default 60); crashes are kept in
# tests/fuzz/regressions/, which make test replays.
FUZZ_SECONDS ?= 60
fuzz: deps-fuzz
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang FUZZ=1 fuzz-bins
	@tests/fuzz/run build/fuzz $(FUZZ_SECONDS)

bench: deps-bench
	@$(MAKE) --no-print-directory all
	@bench/run $(BUILD)/retort

# retort.pc for the places this build installs to.  Libs is for linking
# the shared library; Libs.private and Requires.private add what the
# archive needs (pkg-config --static).
VERSION := $(shell sed -n 's/^#define RETORT_VERSION "\(.*\)"/\1/p' include/retort.h)
$(BUILD)/retort.pc: retort.pc.in include/retort.h Makefile
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|$(VERSION)|' -e 's|@REQUIRES_PRIVATE@|$(PKGS)|' \
		-e 's|@LIBS_PRIVATE@|-lpg_query -ldl -pthread|' $< > $@

INSTALLED := $(BINDIR)/retort $(LIBDIR)/libretort.a $(LIBDIR)/$(SONAME) $(LIBDIR)/libretort.so \
	$(INCLUDEDIR)/retort.h $(MANDIR)/man1/retort.1 $(PKGCONFIGDIR)/retort.pc

install: all install-python
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PKGCONFIGDIR)
	install -m 755 $(BUILD)/retort $(DESTDIR)$(BINDIR)/retort
	install -m 644 $(BUILD)/libretort.a $(DESTDIR)$(LIBDIR)/libretort.a
	install -m 755 $(BUILD)/$(SONAME) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libretort.so
	install -m 644 include/retort.h $(DESTDIR)$(INCLUDEDIR)/retort.h
	install -m 644 docs/retort.1 $(DESTDIR)$(MANDIR)/man1/retort.1
	install -m 644 $(BUILD)/retort.pc $(DESTDIR)$(PKGCONFIGDIR)/retort.pc
	$(MAKE) --no-print-directory install-completion

# Shell completion, printed by the retort just built (retort completion SHELL).
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
COMPLETIONS := $(BASHCOMPDIR)/retort $(ZSHCOMPDIR)/_retort $(FISHCOMPDIR)/retort.fish
install-completion: $(BUILD)/retort
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	$(BUILD)/retort completion bash > $(DESTDIR)$(BASHCOMPDIR)/retort
	$(BUILD)/retort completion zsh > $(DESTDIR)$(ZSHCOMPDIR)/_retort
	$(BUILD)/retort completion fish > $(DESTDIR)$(FISHCOMPDIR)/retort.fish

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED) $(COMPLETIONS))
	rm -rf $(DESTDIR)$(PYTHONDIR)/retort

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

# The example with its migrations compiled in: `retort embed` writes them
# as C data, then it is an ordinary source file of the program.
EMBED_MIGRATIONS := $(sort $(wildcard examples/embed/migrations/*.sql))
$(BUILD)/embed-project.c: $(BUILD)/retort examples/embed/retort.ini $(EMBED_MIGRATIONS)
	@$(if $(Q),echo "  EMBED   $@")
	$(Q)$(BUILD)/retort -q -c examples/embed/retort.ini embed -o $@

$(BUILD)/embed-embedded: examples/embed/embedded.c $(BUILD)/embed-project.c $(BUILD)/libretort.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/embed-project.c $(BUILD)/libretort.a $(PKG_LIBS)

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TSAN_OBJ:.o=.d)

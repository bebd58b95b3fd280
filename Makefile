# Hallmark — build, provision a demo, test, install.
# `make run` and `make test` are the two commands a newcomer needs (see README.md).

PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   ?= $(PREFIX)/bin
LIBEXEC  ?= $(PREFIX)/lib/hallmark/cgi-bin
SHAREDIR ?= $(PREFIX)/share/hallmark
SYSCONF  ?= /etc/hallmark
STATEDIR ?= /var/lib/hallmark
# Debian's web-server configuration directories: make install also puts
# Hallmark's part in their conf-available/ when they exist (under DESTDIR).
LIGHTTPD_CONFDIR ?= /etc/lighttpd
APACHE_CONFDIR   ?= /etc/apache2
# nginx's part goes to its snippets/ (as hallmark.conf), passing the CGIs
# to the fcgiwrap listening on FCGIWRAP_SOCKET (Debian's by default).
NGINX_CONFDIR    ?= /etc/nginx
FCGIWRAP_SOCKET  ?= /run/fcgiwrap.socket
# ... and the systemd units that send notifications and purge, not enabled,
# when this exists under DESTDIR. Their User=: CGI_USER, else cgi_user from
# an existing hallmark.conf, else www-data.
SYSTEMD_UNITDIR  ?= /etc/systemd/system
CGI_USER         ?=
PORT     ?= 8080

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wformat=2 -Wshadow \
           -Wstrict-prototypes -Wmissing-prototypes -Wvla -Werror
DEFS     = -DHM_DEFAULT_CONFIG='"$(SYSCONF)/hallmark.conf"'
CPPFLAGS += -Isrc/lib -Isrc/model

# The CGIs are linked statically: the dynamic loader is a third of a CGI
# request's cost (DESIGN.md, Performance). A sanitizer build cannot be static.
SAN ?=
ifeq ($(SAN),1)
BUILD   ?= build-san
OUT     ?= build-san/cgi-bin
CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
STATIC   =
else
BUILD   ?= build
OUT     ?= cgi-bin
STATIC  ?= -static
endif

LIBS_CORE = -lsqlite3 -lsodium -lm -lpthread
# Debian ships no static qrencode, cairo's and pango's need their whole font
# stack, and libvips is large: the executables that need them are linked
# dynamically, and only they pay for it. The printed documents' text is
# laid out by pango (shaping, right-to-left text) and drawn by cairo.
LIBS_PRINT  = $(shell pkg-config --libs pangocairo cairo libqrencode libpng 2>/dev/null) \
              -lqrencode -lpng -lz
# -isystem: warnings in GLib's headers are not ours to fix under -Werror.
CFLAGS_PRINT = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags pangocairo 2>/dev/null))
LIBS_UPLOAD = $(shell pkg-config --libs vips 2>/dev/null)
CFLAGS_UPLOAD = $(shell pkg-config --cflags vips 2>/dev/null)
LIBS_CTL    = -ljansson -lcurl

LIB_SRC   = $(sort $(wildcard src/lib/*.c))
MODEL_SRC = $(sort $(wildcard src/model/*.c))
ADMIN_SRC = $(sort $(wildcard src/admin/*.c))
PRINT_SRC = $(sort $(wildcard src/print/*.c))
SEND_SRC  = $(sort $(wildcard src/send/*.c))
CTL_SRC   = $(sort $(wildcard src/ctl/*.c))
LIB_OBJ   = $(LIB_SRC:src/%.c=$(BUILD)/%.o)
MODEL_OBJ = $(MODEL_SRC:src/%.c=$(BUILD)/%.o)
ADMIN_OBJ = $(ADMIN_SRC:src/%.c=$(BUILD)/%.o)
PRINT_OBJ = $(PRINT_SRC:src/%.c=$(BUILD)/%.o)
SEND_OBJ  = $(SEND_SRC:src/%.c=$(BUILD)/%.o)
CTL_OBJ   = $(CTL_SRC:src/%.c=$(BUILD)/%.o)
LIBA      = $(BUILD)/libhallmark.a

# Each src/NAME.c but hallmarkctl.c is the main of cgi-bin/NAME.cgi.
CGIS  = $(patsubst src/%.c,$(OUT)/%.cgi,$(filter-out src/hallmarkctl.c,$(wildcard src/*.c)))
TOOLS = $(OUT)/hallmarkctl

UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# Debian packages the build, the demo and the tests need; `make deps`
# installs whichever are missing (as root), so a fresh bookworm needs nothing else.
DEB_BUILD = gcc make pkg-config libc6-dev libsqlite3-dev libsodium-dev libqrencode-dev \
            libpng-dev zlib1g-dev libcairo2-dev libpango1.0-dev fonts-dejavu-core libvips-dev \
            libjansson-dev libcurl4-openssl-dev lighttpd lighttpd-modules-lua tzdata \
            gettext python3
DEB_TEST  = python3 curl apache2 nginx fcgiwrap zbar-tools poppler-utils python3-aiosmtpd \
            chromium chromium-driver python3-selenium nodejs npm
DEB_BENCH = wrk curl sqlite3
DEB_FUZZ  = clang libclang-rt-dev
DEB_VALGRIND = valgrind

.PHONY: all deps deps-test run reset lint i18n test unit http fuzz valgrind bench install clean pot FORCE
all: $(CGIS) $(TOOLS)

deps:
	@sh tests/deps.sh $(DEB_BUILD)

deps-test:
	@sh tests/deps.sh $(DEB_BUILD) $(DEB_TEST)
	@$(MAKE) -s --no-print-directory $(AXE)

# axe-core, which the browser tests inject into each page, from the npm
# registry exactly as tests/browser/package-lock.json records it (version
# and integrity hash); installed again only when the lock file changes.
AXE = tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package-lock.json tests/browser/package.json
	cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

HDRS = $(wildcard src/lib/*.h src/model/*.h src/admin/*.h src/print/*.h src/send/*.h src/ctl/*.h)

$(BUILD)/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Isrc/admin $(DEFS) $(WARN) $(CFLAGS) -c $< -o $@

# The migrations travel inside the binaries that apply them.
$(BUILD)/schema_sql.h: $(sort $(wildcard schema/*.sql)) src/model/embed-schema.sh
	@mkdir -p $(dir $@)
	sh src/model/embed-schema.sh $(sort $(wildcard schema/*.sql)) > $@.tmp && mv $@.tmp $@

$(BUILD)/model/schema.o: src/model/schema.c $(BUILD)/schema_sql.h $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -I$(BUILD) $(DEFS) $(WARN) $(CFLAGS) -c $< -o $@

# The languages: each src/po/LANG.po, checked by msgfmt and compiled into
# the binaries (src/po/README.md).
PO_LANGS = $(sort $(basename $(notdir $(wildcard src/po/*.po))))
# A language's staff catalog (src/po/staff/LANG.po), when there is one,
# joins its customer catalog.
$(BUILD)/po/%.mo: src/po/%.po $(wildcard src/po/staff/*.po) $(BUILD)/po/langs
	@mkdir -p $(dir $@)
	@if [ -f src/po/staff/$*.po ]; then \
	    echo "msgcat $< src/po/staff/$*.po | msgfmt --check -o $@"; \
	    msgcat --use-first -o $(BUILD)/po/$*.all.po $< src/po/staff/$*.po && \
	    msgfmt --check -o $@ $(BUILD)/po/$*.all.po; \
	else \
	    echo "msgfmt --check -o $@ $<"; msgfmt --check -o $@ $<; \
	fi

# The list of catalogs itself: one removed is a language (or its staff
# texts) gone.
PO_LIST = $(PO_LANGS) staff: $(sort $(notdir $(wildcard src/po/staff/*.po)))
$(BUILD)/po/langs: FORCE
	@mkdir -p $(dir $@)
	@echo '$(PO_LIST)' | cmp -s - $@ || echo '$(PO_LIST)' > $@

$(BUILD)/catalog.c: $(BUILD)/po/langs $(PO_LANGS:%=$(BUILD)/po/%.mo) src/po/compile.py
	python3 src/po/compile.py $@ $(filter %.mo,$^)

$(BUILD)/catalog.o: $(BUILD)/catalog.c src/lib/i18n.h
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -c $< -o $@

# After changing a customer- or staff-facing text: the catalogs' templates
# and every LANG.po follow (src/po/README.md).
pot:
	@sh tests/deps.sh gettext python3
	python3 src/po/extract.py

$(LIBA): $(LIB_OBJ) $(MODEL_OBJ) $(BUILD)/catalog.o
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(OUT)/%.cgi: $(BUILD)/%.o $(LIBA)
	@mkdir -p $(OUT)
	$(CC) $(LDFLAGS) $(STATIC) -o $@ $< $(LIBA) $(LIBS_CORE)

$(OUT)/admin.cgi: $(BUILD)/admin.o $(ADMIN_OBJ) $(LIBA)
	@mkdir -p $(OUT)
	$(CC) $(LDFLAGS) $(STATIC) -o $@ $(BUILD)/admin.o $(ADMIN_OBJ) $(LIBA) $(LIBS_CORE)

# Delivering notifications (src/send/) is hallmarkctl's alone: no CGI
# links libcurl or talks to the network. Its other commands that need more
# than a few lines live in src/ctl/.
$(BUILD)/hallmarkctl.o $(SEND_OBJ) $(CTL_OBJ): CPPFLAGS += -Isrc/send -Isrc/ctl
$(OUT)/hallmarkctl: $(BUILD)/hallmarkctl.o $(SEND_OBJ) $(CTL_OBJ) $(LIBA)
	@mkdir -p $(OUT)
	$(CC) $(LDFLAGS) -o $@ $(BUILD)/hallmarkctl.o $(SEND_OBJ) $(CTL_OBJ) $(LIBA) $(LIBS_CTL) $(LIBS_CORE)

# The printed documents' layout (src/print/) is linked into print.cgi alone.
$(BUILD)/print.o $(PRINT_OBJ): CFLAGS += $(CFLAGS_PRINT) -Isrc/print
$(OUT)/print.cgi: $(BUILD)/print.o $(PRINT_OBJ) $(LIBA)
	@mkdir -p $(OUT)
	$(CC) $(LDFLAGS) -o $@ $(BUILD)/print.o $(PRINT_OBJ) $(LIBA) $(LIBS_PRINT) $(LIBS_CORE)

$(BUILD)/upload.o: CFLAGS += $(CFLAGS_UPLOAD)
$(OUT)/upload.cgi: $(BUILD)/upload.o $(LIBA)
	@mkdir -p $(OUT)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBA) $(LIBS_UPLOAD) $(LIBS_CORE)

$(BUILD)/tests/%: tests/unit/%.c $(LIBA) tests/unit/check.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(DEFS) -DHM_TESTING $(WARN) -Wno-missing-prototypes $(CFLAGS) $(LDFLAGS) \
	    -o $@ $< $(LIBA) $(LIBS_CORE)

run: deps all
	@sh src/scripts/run-demo.sh $(PORT)

# var/ may be a link to /var/lib/hallmark-demo (see src/scripts/run-demo.sh).
reset:
	@if [ -L var ] && [ "$$(readlink var)" = /var/lib/hallmark-demo ]; then \
	    echo "rm -rf /var/lib/hallmark-demo"; rm -rf /var/lib/hallmark-demo; fi
	rm -rf var

unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

# Build-time rules the compiler cannot check (tests/lint/lint.py: literal
# SQL, escaped output, the request layer, form keys), with their self-test.
lint:
	@sh tests/deps.sh python3
	python3 tests/lint/lint.py

# The catalogs: up to date with the sources, every shipped language
# complete, variables and formats kept (tests/i18n/check.py).
i18n:
	@sh tests/deps.sh gettext python3
	python3 tests/i18n/check.py

# Every test: the lint, the catalogs, unit tests of the library, then HTTP
# tests through lighttpd, the browser's among them (their screenshots:
# $(BUILD)/screenshots/). SAN=1 runs the same suite built with
# AddressSanitizer and UBSan.
test: deps-test lint i18n all $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN) > $(BUILD)/unit.log 2>&1; s=$$?; cat $(BUILD)/unit.log; \
	HALLMARK_CGI_BIN=$(abspath $(OUT)) HALLMARK_SCREENSHOTS=$(abspath $(BUILD))/screenshots \
	    python3 tests/http/run.py --unit-log $(BUILD)/unit.log --unit-status $$s

http: deps-test all
	HALLMARK_CGI_BIN=$(abspath $(OUT)) HALLMARK_SCREENSHOTS=$(abspath $(BUILD))/screenshots \
	    python3 tests/http/run.py $(T)

# A short, bounded libFuzzer run of each harness (not part of make test).
FUZZ_SECONDS ?= 30
fuzz:
	@sh tests/deps.sh $(DEB_BUILD) $(DEB_FUZZ)
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# The unit tests and a sample of CGI requests under valgrind (memcheck). The
# CGIs are built again, dynamically linked, in build-vg/: valgrind sees the
# heap of a static binary not at all (tests/valgrind/run.py).
valgrind: deps-test $(UNIT_BIN)
	@sh tests/deps.sh $(DEB_VALGRIND)
	$(MAKE) BUILD=build-vg OUT=build-vg/cgi-bin STATIC= all
	python3 tests/valgrind/run.py --cgi-bin build-vg/cgi-bin $(UNIT_BIN)

# Throughput of the order page beside a minimal SQLite CGI and a static file.
bench: deps all
	@sh tests/deps.sh $(DEB_BENCH)
	sh tests/bench/run.sh

install: all
	LIGHTTPD_CONFDIR="$(LIGHTTPD_CONFDIR)" APACHE_CONFDIR="$(APACHE_CONFDIR)" \
	    NGINX_CONFDIR="$(NGINX_CONFDIR)" FCGIWRAP_SOCKET="$(FCGIWRAP_SOCKET)" \
	    SYSTEMD_UNITDIR="$(SYSTEMD_UNITDIR)" CGI_USER="$(CGI_USER)" \
	    sh src/scripts/install.sh "$(DESTDIR)" "$(PREFIX)" "$(SYSCONF)" "$(STATEDIR)" "$(OUT)"

clean:
	rm -rf build build-san build-vg cgi-bin/*.cgi cgi-bin/hallmarkctl

# A prerequisite that is never up to date (the list of languages).
FORCE:

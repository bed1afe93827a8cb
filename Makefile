# ringlab - build, run, test, benchmark. `make run` and `make test` do all the set-up.
#
#   make            build everything into build/
#   make run        start the shell (build/ringlab)
#   make test       unit, transcript and end-to-end tests
#   make check      the tests again under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      optimised build (-O3, link-time optimisation), benchmarks, build/bench.json
#   make fuzz       fuzz the command parser and the script reader (clang libFuzzer)
#   make grade      grade the labs: [LAB=xmit] [IMPL=labs|solution|DIR] [HIDDEN=1|0]
#   make test-grade the grader's own tests (part of make test)
#   make handout    dist/ringlab-student-VERSION.tar.gz: the students' copy, no solution source
#   make autograder dist/autograder.zip for Gradescope [LAB=xmit]
#   make grade-class SUBMISSIONS=DIR [LAB=xmit]: a class, build/class/gradebook.csv + summary.md
#   make docs       regenerate docs/commands.md from the shell's command table, docs/img/ plots
#   make install    PREFIX=/usr/local DESTDIR= : binary, man page, docs
#   make clean

CC ?= cc
BUILD ?= build
OPT ?= -O2 -g
PREFIX ?= /usr/local
XCFLAGS ?=
XLDFLAGS ?=

CPPFLAGS_ALL := -Ikit/include -Ikit -D_GNU_SOURCE
CFLAGS_ALL := -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
	-fno-strict-aliasing $(OPT) $(XCFLAGS)
# Lab code is built position-independent so a driver .so can be made from it.
PIC := -fPIC
LDLIBS_KIT := -lpcap -ldl -lm
LDLIBS_SHELL := -lreadline -lncurses -lcjson
LDLIBS_TEST := -lcriterion

KIT_SRC := $(sort $(wildcard kit/sim/*.c kit/hw/*.c kit/core/*.c kit/drivers/*.c kit/exp/*.c))
SOL_SRC := $(sort $(wildcard solutions/*/*.c))
# A student handout (make handout) has no solution source: solutions/libsolutions.a holds the
# reference compiled, solutions/MANIFEST its solutions/L/F.c names. SOL_FILES names the
# reference's files either way; lab_files gives lab L's file names (xmit.c ...).
REF_PREBUILT := $(if $(SOL_SRC),,$(wildcard solutions/libsolutions.a))
SOL_FILES := $(if $(REF_PREBUILT),$(shell cat solutions/MANIFEST),$(SOL_SRC))
lab_files = $(notdir $(filter solutions/$(1)/%,$(SOL_FILES)))
SHELL_SRC := $(sort $(wildcard shell/*.c shell/view/*.c))
SHELL_MAIN := shell/main.c
SHELL_LIB_SRC := $(filter-out $(SHELL_MAIN),$(SHELL_SRC))
KIT_TEST_SRC := $(sort $(wildcard tests/kit/*.c))
SHELL_TEST_SRC := $(sort $(wildcard tests/shell/*.c tests/view/*.c))
HDRS := $(wildcard kit/include/ringkit/*.h kit/*.h kit/*/*.h shell/*.h shell/view/*.h tests/*.h tests/*/*.h)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
# make V=1 shows the commands
Q := $(if $(V),,@)
say = $(if $(V),,@echo "  $(1)	$(2)")

KIT_OBJ := $(call obj,$(KIT_SRC))
SOL_OBJ := $(call obj,$(SOL_FILES))
SHELL_LIB_OBJ := $(call obj,$(SHELL_LIB_SRC))

BIN_RINGLAB := $(BUILD)/ringlab
BIN_KIT_TESTS := $(BUILD)/tests/kit_tests
BIN_SHELL_TESTS := $(BUILD)/tests/shell_tests
BIN_BENCH := $(BUILD)/ringlab-bench
# The fault drivers (each a model answer with one bug): sources here, compiled only in a handout.
TEST_DRIVERS := $(patsubst tests/drivers/%,$(BUILD)/tests/drivers/%.so,\
	$(sort $(basename $(wildcard tests/drivers/*.c tests/drivers/*.so))))
# One probe per lab function (tests/probes/probe.c), named as the contract's table names them.
PROBE_FNS := $(shell sed -n 's/^\tFN("[a-z]*", [a-z_]*, \([a-z_]*\)),$$/\1/p' kit/drivers/lab_table.c)
TEST_DRIVERS += $(patsubst %,$(BUILD)/tests/probes/%.so,$(PROBE_FNS))

.PHONY: all run test check bench fuzz docs install clean deps deps-build deps-test \
	test-unit test-transcripts test-e2e test-layering

all: deps-build $(BIN_RINGLAB) $(TEST_DRIVERS) $(if $(wildcard tests/bench/bench_main.c),$(BIN_BENCH))

# ---- set-up: install Debian's -dev packages when missing --------------------
# Each entry is header:package; tools are command:package.
BUILD_DEPS := readline/readline.h:libreadline-dev ncurses.h:libncurses-dev \
	pcap/pcap.h:libpcap-dev cjson/cJSON.h:libcjson-dev
TEST_DEPS := criterion/criterion.h:libcriterion-dev
TEST_TOOLS := tmux:tmux gnuplot:gnuplot-nox xmllint:libxml2-utils patch:patch zip:zip unzip:unzip
# make bench counts instructions per packet with callgrind
BENCH_TOOLS := valgrind:valgrind

define install_missing
	@missing=""; \
	for e in $(1); do h=$${e%%:*}; p=$${e##*:}; \
		printf '#include <%s>\n' "$$h" | $(CC) -E -x c - >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	for e in $(2); do c=$${e%%:*}; p=$${e##*:}; \
		command -v "$$c" >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "ringlab: installing$$missing"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null || \
			{ echo "ringlab: apt-get install failed:$$missing"; exit 1; }; \
		else \
			echo "ringlab: missing packages:$$missing"; \
			echo "install them with:  sudo apt-get update && sudo apt-get install -y$$missing"; \
			exit 1; \
		fi; \
	fi
endef

deps-build:
	$(call install_missing,$(BUILD_DEPS),)

deps-test: deps-build
	$(call install_missing,$(TEST_DEPS),$(TEST_TOOLS))

# ---- objects -------------------------------------------------------------------
# A build directory remembers the flags it was built with: other flags in the same BUILD
# (make bench's -O3 over a -O2 build, say) rebuild every object instead of mixing them.
FLAGS_STAMP := $(BUILD)/flags
FLAGS_NOW := $(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(PIC)
$(shell mkdir -p $(BUILD) && { [ "$$(cat $(FLAGS_STAMP) 2>/dev/null)" = '$(FLAGS_NOW)' ] || \
	echo '$(FLAGS_NOW)' > $(FLAGS_STAMP); })

$(BUILD)/obj/%.o: %.c $(HDRS) Makefile $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(PIC) -c $< -o $@

$(BUILD)/libringkit.a: $(KIT_OBJ)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

ifneq ($(REF_PREBUILT),)
# the handout's reference: each object is a member of the archive, named L__F.o
$(BUILD)/obj/solutions/%.o: solutions/libsolutions.a solutions/MANIFEST
	@mkdir -p $(dir $@)
	$(Q)ar p solutions/libsolutions.a $(subst /,__,$*).o > $@
endif

$(BUILD)/libsolutions.a: $(SOL_OBJ)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/libshell.a: $(SHELL_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# The shell exports its symbols (-rdynamic) so a driver .so loaded with
# `driver FILE.so` resolves kit functions against it.
LINK_KIT = -Wl,--whole-archive $(BUILD)/libsolutions.a -Wl,--no-whole-archive $(BUILD)/libringkit.a

$(BIN_RINGLAB): $(call obj,$(SHELL_MAIN)) $(BUILD)/libshell.a $(BUILD)/libringkit.a $(BUILD)/libsolutions.a
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS_ALL) -rdynamic $(call obj,$(SHELL_MAIN)) $(BUILD)/libshell.a $(LINK_KIT) \
		$(LDLIBS_SHELL) $(LDLIBS_KIT) $(XLDFLAGS) -o $@

$(BIN_BENCH): $(call obj,tests/bench/bench_main.c) $(BUILD)/libringkit.a $(BUILD)/libsolutions.a
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS_ALL) $< $(LINK_KIT) $(LDLIBS_KIT) $(XLDFLAGS) -o $@

$(BIN_KIT_TESTS): $(call obj,$(KIT_TEST_SRC)) $(BUILD)/libringkit.a $(BUILD)/libsolutions.a | $(TEST_DRIVERS) deps-test
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS_ALL) -rdynamic $(call obj,$(KIT_TEST_SRC)) $(LINK_KIT) $(LDLIBS_TEST) \
		$(LDLIBS_KIT) $(XLDFLAGS) -o $@

$(BIN_SHELL_TESTS): $(call obj,$(SHELL_TEST_SRC)) $(BUILD)/libshell.a $(BUILD)/libringkit.a $(BUILD)/libsolutions.a | $(TEST_DRIVERS) deps-test
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS_ALL) -rdynamic $(call obj,$(SHELL_TEST_SRC)) $(BUILD)/libshell.a $(LINK_KIT) \
		$(LDLIBS_TEST) $(LDLIBS_SHELL) $(LDLIBS_KIT) $(XLDFLAGS) -o $@

# Test drivers: lab functions in a .so, loaded with `driver FILE.so`.
# (Built without the sanitizers even under `make check`: they crash on purpose, and UBSan
# would end the program before the shell's oops handler sees the fault.)
ifneq ($(REF_PREBUILT),)
$(BUILD)/tests/drivers/%.so: tests/drivers/%.so
	@mkdir -p $(dir $@)
	$(Q)cp $< $@
endif
$(BUILD)/tests/drivers/%.so: tests/drivers/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(call say,SO,$@)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(filter-out -fsanitize%,$(CFLAGS_ALL)) -fPIC -shared -Wl,-Bsymbolic $< -o $@

$(BUILD)/tests/probes/%.so: tests/probes/probe.c $(HDRS)
	@mkdir -p $(dir $@)
	$(call say,SO,$@)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(filter-out -fsanitize%,$(CFLAGS_ALL)) -DPROBE_$* -fPIC -shared \
		-Wl,-Bsymbolic $< -o $@

# `driver student` in the shell: the lab sources of labs/ as one driver .so (none exist yet).
LAB_SRC := $(sort $(wildcard labs/*/*.c))
$(BUILD)/student.so: $(LAB_SRC) $(HDRS)
	@test -n "$(LAB_SRC)" || { echo "no lab sources in labs/"; exit 1; }
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -fPIC -shared -Wl,-Bsymbolic $(LAB_SRC) -o $@

include tests/grade/grade.mk

# `driver student LAB [DIR]`: lab LAB's files (from labs/LAB or DIR) as a driver .so; the
# other labs stay linked. Always rebuilt: DIR may change between calls.
STUDENT_DIR ?=
STUDENT_SO_SRC = $(addprefix $(or $(STUDENT_DIR),labs/$(STUDENT_LAB))/,$(call lab_files,$(STUDENT_LAB)))
.PHONY: student-so
student-so:
	@test -n "$(STUDENT_LAB)" -a -n "$(call lab_files,$(STUDENT_LAB))" || { echo "student-so: STUDENT_LAB must name a lab"; exit 1; }
	@mkdir -p $(BUILD)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(filter-out -Werror -fsanitize%,$(CFLAGS_ALL)) -fPIC -shared -Wl,-Bsymbolic \
		$(STUDENT_SO_SRC) -o $(BUILD)/student-$(STUDENT_LAB).so

# ---- running ----------------------------------------------------------------------
run: all
	@$(BIN_RINGLAB)

# ---- tests ------------------------------------------------------------------------
TEST_BINS := $(BIN_KIT_TESTS) $(if $(SHELL_TEST_SRC),$(BIN_SHELL_TESTS))

# The phases run one after the other even under make -j (each builds in parallel): the
# grader's tests and the course tools' tests build and run the same grade binaries.
TEST_PHASES := test-layering test-unit test-transcripts test-e2e test-grade test-course
test: deps-test all $(TEST_BINS) $(TEST_DRIVERS)
	@for t in $(TEST_PHASES); do \
		$(MAKE) --no-print-directory GRADE_TEST_EXTRA=0 $$t || exit 1; \
	done
	@echo "make test: all passed"

test-unit: $(TEST_BINS) $(TEST_DRIVERS)
	@for t in $(TEST_BINS); do \
		echo "== $$t"; \
		RINGLAB_BUILD=$(BUILD) timeout 900 $$t --jobs 2 || exit 1; \
	done

test-transcripts: $(BIN_RINGLAB) $(TEST_DRIVERS)
	@if [ -x tests/transcripts/run.sh ] && ls tests/transcripts/*.rl >/dev/null 2>&1; then \
		RINGLAB_BUILD=$(BUILD) tests/transcripts/run.sh $(BIN_RINGLAB); \
	fi

test-e2e: $(BIN_RINGLAB)
	@if [ -x tests/e2e/run.sh ]; then RINGLAB_BUILD=$(BUILD) tests/e2e/run.sh $(BIN_RINGLAB); fi

# kit/ is a library: no UI headers, no printing to stdout.
test-layering:
	@bad=$$(grep -rlE '#include *[<"](readline|editline|ncurses|curses|cjson)' kit || true); \
	if [ -n "$$bad" ]; then echo "layering: kit/ includes a UI header: $$bad"; exit 1; fi; \
	bad=$$(grep -rnE '\b(printf|puts|putchar)\(|\bstdout\b' kit --include=*.c || true); \
	if [ -n "$$bad" ]; then echo "layering: kit/ prints to stdout:"; echo "$$bad"; exit 1; fi; \
	bad=$$(grep -rnE '#include *"(\.\./)*kit/|#include *"(core|sim|hw|drivers)/' shell || true); \
	if [ -n "$$bad" ]; then echo "layering: shell/ reaches into kit internals:"; echo "$$bad"; exit 1; fi; \
	echo "layering: ok"

SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
check: deps-test
	@$(MAKE) --no-print-directory $(TEST_DRIVERS) # help's examples name build/tests/drivers/
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		$(MAKE) --no-print-directory BUILD=build/check OPT="-O1 -g" XCFLAGS="$(SAN)" \
		XLDFLAGS="$(SAN)" test-unit test-transcripts
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		RINGLAB_BUILD=$(BUILD) tests/fuzz/random.sh build/check/ringlab 1 4
	@echo "make check: all passed under ASan + UBSan"

bench: deps-build
	$(call install_missing,,$(BENCH_TOOLS))
	@$(MAKE) --no-print-directory BUILD=build/bench OPT="-O3 -DNDEBUG -flto=auto" build/bench/ringlab-bench
	@build/bench/ringlab-bench --json build/bench.json

FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined
fuzz: deps-build
	@command -v clang >/dev/null || { echo "make fuzz needs clang: apt-get install -y clang"; exit 1; }
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang OPT="-O1 -g" \
		XCFLAGS="$(FUZZ_SAN)" build/fuzz/fuzz_cmd
	@mkdir -p build/fuzz/corpus && cp tests/fuzz/corpus/* build/fuzz/corpus/
	@build/fuzz/fuzz_cmd -max_total_time=$${FUZZ_SECONDS:-60} -max_len=512 \
		-timeout=10 build/fuzz/corpus

$(BUILD)/fuzz_cmd: $(call obj,tests/fuzz/fuzz_cmd.c) $(BUILD)/libshell.a $(BUILD)/libringkit.a $(BUILD)/libsolutions.a
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer,address,undefined -rdynamic $(call obj,tests/fuzz/fuzz_cmd.c) \
		$(BUILD)/libshell.a $(LINK_KIT) $(LDLIBS_SHELL) $(LDLIBS_KIT) -o $@

# The guide's plots: NAME:EXPERIMENT PARAMETERS (commas for blanks), each docs/img/NAME.svg.
DOC_PLOTS := livelock:livelock livelock-ratio200:livelock,ratio=200 coalesce:coalesce \
	batching:batching lro:lro
docs: deps-test $(BIN_RINGLAB)
	@$(BIN_RINGLAB) --gen-docs > docs/commands.md && echo "docs/commands.md regenerated"
	@mkdir -p $(BUILD)/docs docs/img
	$(Q)for p in $(DOC_PLOTS); do n=$${p%%:*}; e=$$(echo $${p#*:} | tr , ' '); \
		$(BIN_RINGLAB) -c "experiment $$e -o $(BUILD)/docs/$$n.svg" >/dev/null && \
		cp $(BUILD)/docs/$$n.svg docs/img/$$n.svg || exit 1; \
	done; echo "docs/img/*.svg regenerated"

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/doc/ringlab
	install -m 755 $(BIN_RINGLAB) $(DESTDIR)$(PREFIX)/bin/ringlab
	install -m 644 docs/ringlab.1 $(DESTDIR)$(PREFIX)/share/man/man1/ringlab.1
	install -m 644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/ringlab/

clean:
	rm -rf build

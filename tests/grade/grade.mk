# grade.mk - the grader's part of the Makefile: make grade, make test-grade, one lab's grade binary.
#
#   make grade [LAB=xmit] [IMPL=labs|solution|DIR] [HIDDEN=1|0] [GRADE_OUT=build/grade]
#
# A lab is any labs/L/ with tests/points. Its grade binary links the lab's tests (and with
# HIDDEN=1 the hidden ones in solutions/L/hidden-tests/), the student's files for lab L built
# with ASan + UBSan, the reference for every other lab, the kit and the shell.

GRADE_LABS := $(patsubst labs/%/tests/points,%,$(sort $(wildcard labs/*/tests/points)))
GRADE_OUT ?= $(BUILD)/grade
IMPL ?= labs
HIDDEN ?= 1
GRADE_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
GRADE_TEST_SRC := $(sort $(wildcard labs/*/tests/*.c solutions/*/hidden-tests/*.c))
GRADE_HARNESS := $(call obj,tests/grade/grade.c)
GRADE_LIBS := $(BUILD)/libshell.a $(BUILD)/libringkit.a

# graded tests and the harness see grade.h
$(call obj,$(GRADE_TEST_SRC)): CPPFLAGS_ALL += -Itests/grade

.PHONY: grade grade-bin test-grade

grade: deps-test $(BIN_RINGLAB) $(GRADE_LIBS) $(SOL_OBJ) $(GRADE_HARNESS)
	@LAB="$(LAB)" IMPL="$(IMPL)" HIDDEN="$(HIDDEN)" GRADE_OUT="$(GRADE_OUT)" BUILD="$(BUILD)" \
		MAKE="$(MAKE)" GRADE_LABS="$(GRADE_LABS)" SOL_FILES="$(SOL_FILES)" tests/grade/grade.sh

# The grader's own tests: the reference scores full marks (three times), the skeletons 0,
# each mutant loses points, each variant keeps full marks, crashes and hangs cost their tests.
# make test leaves out the slower extras (GRADE_TEST_EXTRA=0: each hole alone, the faults other
# than the crash and the hang, a file that does not build); make test-grade runs them all.
GRADE_TEST_EXTRA ?= 1
test: GRADE_TEST_EXTRA = 0
test-grade: deps-test $(BIN_RINGLAB) $(GRADE_LIBS) $(SOL_OBJ) $(GRADE_HARNESS) $(BUILD)/grade-bin/check_results
	@if [ -n "$(REF_PREBUILT)" ]; then echo "test-grade: skipped (a student handout has no reference source)"; \
	else BUILD="$(BUILD)" MAKE="$(MAKE)" GRADE_LABS="$(GRADE_LABS)" GRADE_TEST_EXTRA=$(GRADE_TEST_EXTRA) \
		tests/grade/mutants.sh; fi

# One lab's binary (grade.sh calls this): GLAB the lab, GSRC the folder with the student's
# files, GKEY a name for that folder, GHIDDEN 1 with the hidden tests.
ifdef GLAB
G_DIR := $(BUILD)/grade-bin/$(GKEY)/$(GLAB)
G_NAMES := $(call lab_files,$(GLAB))
G_STUDENT_OBJ := $(addprefix $(G_DIR)/,$(G_NAMES:.c=.o))
G_TEST_OBJ := $(call obj,$(wildcard labs/$(GLAB)/tests/*.c) \
	$(if $(filter 1,$(GHIDDEN)),$(wildcard solutions/$(GLAB)/hidden-tests/*.c)))
G_OTHER_SOL := $(filter-out $(BUILD)/obj/solutions/$(GLAB)/%,$(SOL_OBJ))
G_RUNNER := $(BUILD)/grade-bin/runner-$(GLAB).o
G_BIN := $(G_DIR)/grade$(if $(filter 1,$(GHIDDEN)),-hidden)

$(G_DIR)/%.o: $(GSRC)/%.c $(HDRS) Makefile tests/grade/grade.mk
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(filter-out -Werror,$(CFLAGS_ALL)) -O1 $(GRADE_SAN) \
		-fdiagnostics-color=never -c $< -o $@

$(G_RUNNER): tests/grade/runner.c tests/grade/verdict.h Makefile tests/grade/grade.mk
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -Wno-format-truncation -DGRADE_SUITE=$(GLAB) -c $< -o $@

$(G_BIN): $(G_RUNNER) $(G_TEST_OBJ) $(GRADE_HARNESS) $(G_STUDENT_OBJ) $(G_OTHER_SOL) $(GRADE_LIBS)
	$(Q)$(CC) $(CFLAGS_ALL) $(GRADE_SAN) -rdynamic $(G_RUNNER) $(G_TEST_OBJ) $(GRADE_HARNESS) \
		$(G_STUDENT_OBJ) $(G_OTHER_SOL) $(BUILD)/libshell.a $(BUILD)/libringkit.a \
		$(LDLIBS_TEST) $(LDLIBS_SHELL) $(LDLIBS_KIT) -o $@

grade-bin: $(G_BIN)
	@echo $(G_BIN)
endif

$(BUILD)/grade-bin/check_results: tests/grade/check_results.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $< -lcjson -lm -o $@

# ---- a course: make handout, make autograder, make grade-class -----------------------
COURSE := tests/grade/course
VERSION = $(shell git describe --tags --always --dirty 2>/dev/null || cat .version 2>/dev/null || echo unknown)
.PHONY: handout autograder grade-class grade-prereqs grade-merge-path test-course

handout: deps-build $(SOL_OBJ) $(TEST_DRIVERS)
	@test -n "$(SOL_SRC)" || { echo "handout: needs the reference's source in solutions/L/ (this tree is a handout already)"; exit 1; }
	@BUILD="$(BUILD)" VERSION="$(VERSION)" SOL_SRC="$(SOL_SRC)" $(COURSE)/handout.sh

autograder: deps-test
	$(call install_missing,,zip:zip)
	@test -n "$(SOL_SRC)" || { echo "autograder: needs the reference's source and hidden tests (the instructor's tree)"; exit 1; }
	@for l in $(or $(LAB),$(GRADE_LABS)); do test -f labs/$$l/tests/points || \
		{ echo "autograder: no lab '$$l' with tests (labs with tests: $(GRADE_LABS))"; exit 2; }; done
	@BUILD="$(BUILD)" LABS="$(or $(LAB),$(GRADE_LABS))" $(COURSE)/autograder.sh

# Everything a grading run shares, built once (setup.sh, grade-class).
grade-prereqs: deps-test $(BIN_RINGLAB) $(GRADE_LIBS) $(SOL_OBJ) $(GRADE_HARNESS) \
		$(BUILD)/grade-bin/results_merge $(BUILD)/grade-bin/class_report
	@for l in $(GRADE_LABS); do $(MAKE) -s --no-print-directory grade-bin GLAB=$$l \
		GSRC=solutions/$$l GKEY=solution GHIDDEN=1 >/dev/null || exit 1; done

grade-merge-path: $(BUILD)/grade-bin/results_merge
	@echo $(BUILD)/grade-bin/results_merge

grade-class: grade-prereqs
	@SUBMISSIONS="$(SUBMISSIONS)" LAB="$(LAB)" BUILD="$(BUILD)" MAKE="$(MAKE)" \
		GRADE_LABS="$(GRADE_LABS)" CLASS_OUT="$(or $(CLASS_OUT),$(BUILD)/class)" $(COURSE)/grade_class.sh

$(BUILD)/grade-bin/results_merge $(BUILD)/grade-bin/class_report: $(BUILD)/grade-bin/%: $(COURSE)/%.c $(COURSE)/slurp.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $< -lcjson -o $@

# The course tools' own test: the handout unpacked and graded, the autograder on sample
# submissions, a small class graded.
test-course: deps-test grade-prereqs
	$(call install_missing,,zip:zip unzip:unzip)
	@BUILD="$(BUILD)" MAKE="$(MAKE)" GRADE_LABS="$(GRADE_LABS)" $(COURSE)/test_course.sh

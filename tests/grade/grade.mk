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
		MAKE="$(MAKE)" GRADE_LABS="$(GRADE_LABS)" tests/grade/grade.sh

# The grader's own tests: the reference scores full marks (three times), the skeletons 0,
# each mutant loses points, each variant keeps full marks, crashes and hangs cost their tests.
# make test leaves out the slower extras (GRADE_TEST_EXTRA=0: each hole alone, the faults other
# than the crash and the hang, a file that does not build); make test-grade runs them all.
GRADE_TEST_EXTRA ?= 1
test: GRADE_TEST_EXTRA = 0
test-grade: deps-test $(BIN_RINGLAB) $(GRADE_LIBS) $(SOL_OBJ) $(GRADE_HARNESS) $(BUILD)/grade-bin/check_results
	@BUILD="$(BUILD)" MAKE="$(MAKE)" GRADE_LABS="$(GRADE_LABS)" GRADE_TEST_EXTRA=$(GRADE_TEST_EXTRA) \
		tests/grade/mutants.sh

# One lab's binary (grade.sh calls this): GLAB the lab, GSRC the folder with the student's
# files, GKEY a name for that folder, GHIDDEN 1 with the hidden tests.
ifdef GLAB
G_DIR := $(BUILD)/grade-bin/$(GKEY)/$(GLAB)
G_NAMES := $(notdir $(wildcard solutions/$(GLAB)/*.c))
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

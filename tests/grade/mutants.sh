#!/bin/sh
# mutants.sh - the grader's own tests (make test-grade, part of make test), for every lab L with
# labs/L/tests/points:
#
#   - the skeletons are what labs/cut.sh makes from solutions/ (cut.sh --check);
#   - IMPL=solution scores full marks, three times over, with the same table each time, and a
#     results.json that check_results accepts (score, tests[] with max_score, visibility,
#     execution_time);
#   - the skeleton (IMPL=labs) scores 0;
#   - each tests/mutants/L/*.patch (a typical student bug) loses points (the run stops at the
#     first failing test unless the patch names verdicts with "# expect:"), each
#     tests/variants/L/*.patch (a correct but different answer) keeps full marks;
#   - each tests/grade/faults/L/*.patch (a crashing, hanging, overflowing student file) gets
#     the verdicts its "# expect: TEST VERDICT" lines name on those tests, and every other test
#     passes; "# expect:" lines in a mutant are checked the same way (its other tests may fail);
#   - each hole of the skeleton alone costs points: the model answer with only that LAB(L) region
#     cut (labs/cut.sh --hole N) loses points, so every hole is reached by some graded test and
#     it is the student's version of that code that ran;
#   - a failing test's replay script stops at the unmet expectation (the first mutant of a lab);
#   - a test without a points line, and a points line without a test, are refused.
#
# GRADE_TEST_EXTRA=0 (what make test sets) leaves out the slower extras: the holes, the faults
# other than the crash and the hang, and the file that does not build; make test-grade runs all.
#
# Patches apply with `patch -p1` to a copy of solutions/ (diff -u a/solutions/L/F.c b/...).
set -u
: "${BUILD:=build}" "${MAKE:=make}" "${GRADE_TEST_EXTRA:=1}"
ROOT=$(pwd)
WORK=$BUILD/grade-test
labs=${GRADE_LABS:-}
pass=0 failed=0 failures=""
rm -rf "$WORK"
mkdir -p "$WORK"

ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); failures="$failures
  $*"; echo "FAIL $*"; }

# run NAME LAB IMPL: run the grader, output in $WORK/NAME.txt, its status in $WORK/NAME.rc
# (a 4th argument "fast": stop at the first failing test, for a run that only has to lose points)
run() {
	LAB=$2 IMPL=$3 HIDDEN=1 GRADE_OUT="$WORK/out/$1" BUILD="$BUILD" MAKE="$MAKE" \
		GRADE_LABS="$labs" GRADE_FAIL_FAST=$([ "${4:-}" = fast ] && echo 1 || echo 0) \
		tests/grade/grade.sh >"$WORK/$1.txt" 2>&1
	echo $? >"$WORK/$1.rc"
}

# Runs two at a time (spawn ... then settle): most of a run is waiting on the compiler, the
# linker and process start-up, not CPU.
running=0
spawn() {
	run "$@" &
	running=$((running + 1))
	if [ $running -ge "${GRADE_TEST_JOBS:-2}" ]; then
		wait
		running=0
	fi
}
settle() {
	wait
	running=0
}

# result NAME: $rc, and the score in $got/$max, of a finished run
result() {
	rc=$(cat "$WORK/$1.rc" 2>/dev/null || echo 99)
	got=$(sed -n 's/^Score: \([0-9]*\)\/\([0-9]*\)$/\1/p' "$WORK/$1.txt" | tail -n 1)
	max=$(sed -n 's/^Score: \([0-9]*\)\/\([0-9]*\)$/\2/p' "$WORK/$1.txt" | tail -n 1)
	got=${got:--1} max=${max:--1}
}

# extra PATCH: true if PATCH is an extra left out with GRADE_TEST_EXTRA=0 (a fault that is not
# the crash or the hang)
extra() {
	[ "$GRADE_TEST_EXTRA" != 1 ] || return 1
	case $1 in
	tests/grade/faults/*/crash.patch | tests/grade/faults/*/hang.patch) return 1 ;;
	tests/grade/faults/*) return 0 ;;
	*) return 1 ;;
	esac
}

# patched NAME PATCH: a copy of solutions/ with PATCH applied, in $WORK/src/NAME; its path in $src
patched() {
	src="$WORK/src/$1"
	mkdir -p "$src"
	cp -R solutions "$src/"
	(cd "$src" && patch -s -p1 <"$ROOT/$2") >"$WORK/$1.patch.txt" 2>&1
}

# verdict_of FILE TEST: the verdict column of TEST's row in a grade table
verdict_of() {
	awk -v t="$2" '$1 == t && $1 != "Score:" && $2 ~ /^[0-9]+\/[0-9]+$/ { print $3; exit }' "$1"
}

# expectations NAME PATCH ALL: the "# expect: TEST VERDICT" lines; ALL=1: the others must pass
expectations() {
	want=$(sed -n 's/^# expect: *//p' "$2")
	[ -n "$want" ] || return 0
	echo "$want" | while read -r t v; do
		have=$(verdict_of "$WORK/$1.txt" "$t")
		if [ "$have" = "$v" ]; then
			echo "ok   $1: $t is $v"
		else
			echo "FAIL $1: $t is ${have:-missing}, expected $v (see $WORK/$1.txt)"
		fi
	done >"$WORK/$1.expect"
	if [ "$3" = 1 ]; then
		others=$(awk -v list="$(echo "$want" | awk '{ print $1 }')" '
			BEGIN { n = split(list, a, "\n"); for (i = 1; i <= n; i++) skip[a[i]] = 1 }
			$1 != "Score:" && $2 ~ /^[0-9]+\/[0-9]+$/ && !($1 in skip) && $3 != "PASS" { printf " %s(%s)", $1, $3 }' \
			"$WORK/$1.txt")
		if [ -n "$others" ]; then
			echo "FAIL $1: other tests did not pass:$others" >>"$WORK/$1.expect"
		else
			echo "ok   $1: every other test passes" >>"$WORK/$1.expect"
		fi
	fi
	while read -r line; do
		case $line in
		ok*) ok "${line#ok   }" ;;
		*) bad "${line#FAIL }" ;;
		esac
	done <"$WORK/$1.expect"
}

if ./labs/cut.sh --check >"$WORK/cut.txt" 2>&1; then
	ok "labs/cut.sh --check: every skeleton is what cut.sh makes from solutions/"
else
	bad "labs/cut.sh --check: $(head -n 1 "$WORK/cut.txt")"
fi

if [ -z "$labs" ]; then
	echo "test-grade: no lab has graded tests yet"
fi
for lab in $labs; do
	# the reference, three times (the first alone: it builds what every run shares), the
	# skeleton, and every patched copy, two runs at a time
	run "$lab-solution-1" "$lab" solution
	spawn "$lab-solution-2" "$lab" solution
	spawn "$lab-solution-3" "$lab" solution
	spawn "$lab-skeleton" "$lab" labs
	for kind in mutants variants faults; do
		dir=tests/$kind/$lab
		[ $kind = faults ] && dir=tests/grade/faults/$lab
		for p in "$dir"/*.patch; do
			[ -f "$p" ] || continue
			extra "$p" && continue
			n="$lab-$(echo $kind | sed 's/s$//')-$(basename "$p" .patch)"
			how=full
			[ $kind = mutants ] && ! grep -q '^# expect:' "$p" && how=fast
			if patched "$n" "$p"; then
				spawn "$n" "$lab" "$src/solutions/$lab" $how
			fi
		done
	done
	n="$lab-nobuild"
	[ "$GRADE_TEST_EXTRA" = 1 ] || : >"$WORK/$lab-holes.txt"
	mkdir -p "$WORK/src/$n"
	if [ "$GRADE_TEST_EXTRA" = 1 ]; then
		cp -R solutions "$WORK/src/$n/"
		for f in "$WORK/src/$n/solutions/$lab"/*.c; do
			echo "this line is not C" >>"$f"
		done
		spawn "$n" "$lab" "$WORK/src/$n/solutions/$lab"
		labs/cut.sh --holes "$lab" >"$WORK/$lab-holes.txt" 2>&1
	fi
	while read -r f k fn; do
		n="$lab-hole-$k-$(basename "$f" .c)"
		mkdir -p "$WORK/src/$n"
		cp -R solutions "$WORK/src/$n/"
		if labs/cut.sh --hole "$k" --out "$WORK/cut/$n" "$lab" >/dev/null 2>&1; then
			cp "$WORK/cut/$n/$(basename "$f")" "$WORK/src/$n/$f"
			spawn "$n" "$lab" "$WORK/src/$n/solutions/$lab" fast
		fi
	done <"$WORK/$lab-holes.txt"
	settle
	for i in 1 2 3; do
		result "$lab-solution-$i"
		if [ "$rc" = 0 ] && [ "$got" = "$max" ] && [ "$max" -gt 0 ]; then
			ok "$lab: IMPL=solution run $i scores $got/$max"
		else
			bad "$lab: IMPL=solution run $i scores $got/$max, status $rc (see $WORK/$lab-solution-$i.txt)"
		fi
	done
	full=$max
	if cmp -s "$WORK/$lab-solution-1.txt" "$WORK/$lab-solution-2.txt" &&
		cmp -s "$WORK/$lab-solution-1.txt" "$WORK/$lab-solution-3.txt"; then
		ok "$lab: the three runs print the same table"
	else
		bad "$lab: the three runs differ: diff $WORK/$lab-solution-1.txt $WORK/$lab-solution-2.txt"
	fi
	json="$WORK/out/$lab-solution-1/$lab/results.json"
	if "$BUILD/grade-bin/check_results" "$json" "$full" "$full" >"$WORK/$lab-json.txt" 2>&1; then
		ok "$lab: results.json is Gradescope's format, score $full of $full"
	else
		bad "$lab: results.json: $(head -n 1 "$WORK/$lab-json.txt")"
	fi

	# the skeleton
	result "$lab-skeleton"
	if [ "$got" = 0 ] && [ "$rc" != 0 ] && [ "$max" = "$full" ]; then
		ok "$lab: the skeleton scores 0/$max"
	else
		bad "$lab: the skeleton scores $got/$max, status $rc (see $WORK/$lab-skeleton.txt)"
	fi

	# a file that does not compile: 0, the compiler's messages, every test in results.json at 0
	[ "$GRADE_TEST_EXTRA" = 1 ] && result "$lab-nobuild"
	json="$WORK/out/$lab-nobuild/$lab/results.json"
	if [ "$GRADE_TEST_EXTRA" != 1 ]; then
		:
	elif [ "$got" = 0 ] && [ "$rc" != 0 ] && grep -q "does not build" "$WORK/$lab-nobuild.txt" &&
		"$BUILD/grade-bin/check_results" "$json" 0 "$full" >"$WORK/$lab-nobuild-json.txt" 2>&1; then
		ok "$lab: a file that does not compile scores 0/$full, results.json lists every test"
	else
		bad "$lab: a file that does not compile: $got/$max, status $rc (see $WORK/$lab-nobuild.txt, $WORK/$lab-nobuild-json.txt)"
	fi

	first=""
	for p in tests/mutants/"$lab"/*.patch; do
		[ -f "$p" ] || continue
		n="$lab-mutant-$(basename "$p" .patch)" src="$WORK/src/$n"
		if [ ! -f "$WORK/$n.rc" ]; then
			bad "$n: the patch does not apply: $(head -n 1 "$WORK/$n.patch.txt")"
			continue
		fi
		result "$n"
		if [ "$got" -ge 0 ] && [ "$got" -lt "$full" ] && [ "$rc" != 0 ]; then
			ok "$n loses points: $got/$max"
		else
			bad "$n keeps full marks or did not run: $got/$max, status $rc (see $WORK/$n.txt)"
		fi
		expectations "$n" "$p" 0
		[ -n "$first" ] || first=$n:$src/solutions/$lab
		json="$WORK/out/$n/$lab/results.json"
		if [ "$got" -ge 0 ] && grep -q '^# expect:' "$p" &&
			! "$BUILD/grade-bin/check_results" "$json" "$got" "$full" >"$WORK/$n-json.txt" 2>&1; then
			bad "$n: results.json: $(head -n 1 "$WORK/$n-json.txt")"
		fi
	done
	for p in tests/variants/"$lab"/*.patch; do
		[ -f "$p" ] || continue
		n="$lab-variant-$(basename "$p" .patch)"
		if [ ! -f "$WORK/$n.rc" ]; then
			bad "$n: the patch does not apply: $(head -n 1 "$WORK/$n.patch.txt")"
			continue
		fi
		result "$n"
		if [ "$got" = "$full" ] && [ "$rc" = 0 ]; then
			ok "$n keeps full marks: $got/$max"
		else
			bad "$n loses points: $got/$max, status $rc (see $WORK/$n.txt)"
		fi
	done
	for p in tests/grade/faults/"$lab"/*.patch; do
		[ -f "$p" ] || continue
		extra "$p" && continue
		n="$lab-fault-$(basename "$p" .patch)"
		if [ ! -f "$WORK/$n.rc" ]; then
			bad "$n: the patch does not apply: $(head -n 1 "$WORK/$n.patch.txt")"
			continue
		fi
		expectations "$n" "$p" 1
	done

	while read -r f k fn; do
		n="$lab-hole-$k-$(basename "$f" .c)"
		result "$n"
		if [ "$got" -ge 0 ] && [ "$got" -lt "$full" ]; then
			ok "$lab: hole $k of $f (in ${fn:-the file's top}) alone costs points: $got/$max"
		else
			bad "$lab: hole $k of $f (in ${fn:-the file's top}) alone costs nothing: $got/$max, status $rc (see $WORK/$n.txt)"
		fi
	done <"$WORK/$lab-holes.txt"

	# the first mutant's first failing test replays in the shell and stops where it failed
	if [ -n "$first" ]; then
		n=${first%%:*} dir=${first#*:}
		t=$(awk '$2 ~ /^0\/[0-9]+$/ && $3 == "FAIL" { print $1; exit }' "$WORK/$n.txt")
		line=$(awk -v t="$t" 'f && /^ *line [0-9]+ `expect/ { print $2; exit } $1 == t { f = 1 }' "$WORK/$n.txt")
		rl="$WORK/out/$n/$lab/$t.rl"
		if [ -z "$t" ] || [ -z "$line" ] || [ ! -f "$rl" ]; then
			bad "$n: no failing expectation to replay (see $WORK/$n.txt)"
		else
			RINGLAB_BUILD="$BUILD/grade-test" "$BUILD/ringlab" --driver "student:$lab:$dir" -f "$rl" \
				>"$WORK/$n.replay" 2>&1
			rrc=$?
			if [ "$rrc" = 1 ] && grep -q "^$rl:$line: expect" "$WORK/$n.replay" &&
				[ "$(grep -c "^$rl:[0-9]*: " "$WORK/$n.replay")" = 1 ]; then
				ok "$n: the replay of $t stops at its line $line, the unmet expectation"
			else
				bad "$n: the replay of $t (status $rrc) does not stop at line $line: see $WORK/$n.replay"
			fi
		fi
	fi

	# refusals: a points line without a test, a test without a points line
	bin=$(ls "$BUILD"/grade-bin/solution/"$lab"/grade* 2>/dev/null | head -n 1)
	if [ -n "$bin" ]; then
		cp "labs/$lab/tests/points" "$WORK/$lab-points-extra"
		echo "no_such_test 1 README" >>"$WORK/$lab-points-extra"
		hp=""
		[ -f "solutions/$lab/hidden-tests/points" ] && hp="solutions/$lab/hidden-tests/points"
		GRADE_OUT="$WORK/out/refuse" GRADE_POINTS="$WORK/$lab-points-extra $hp" "$bin" \
			>"$WORK/$lab-refuse1.txt" 2>&1
		r1=$?
		awk 'NR == 1 && /^#/ { print; next } !done && /^[a-z]/ { done = 1; next } { print }' \
			"labs/$lab/tests/points" >"$WORK/$lab-points-short"
		GRADE_OUT="$WORK/out/refuse" GRADE_POINTS="$WORK/$lab-points-short $hp" "$bin" \
			>"$WORK/$lab-refuse2.txt" 2>&1
		r2=$?
		if [ $r1 = 2 ] && grep -q "no Test($lab, no_such_test)" "$WORK/$lab-refuse1.txt" &&
			[ $r2 = 2 ] && grep -q "has no points line" "$WORK/$lab-refuse2.txt"; then
			ok "$lab: a points line without a test and a test without a points line are refused"
		else
			bad "$lab: refusals: status $r1 and $r2 (see $WORK/$lab-refuse1.txt, $WORK/$lab-refuse2.txt)"
		fi
	fi
done

echo "test-grade: $pass passed, $failed failed"
if [ $failed -gt 0 ]; then
	echo "failed:$failures"
	exit 1
fi
exit 0

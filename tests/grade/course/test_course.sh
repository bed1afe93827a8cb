#!/bin/sh
# test_course.sh - make test-course: the course tools tested as an instructor uses them.
#
# 1. make handout: the tarball has no solution source, no hidden test, no mutant, and no line
#    of a solution's cut regions anywhere; unpacked in a temporary folder it builds, `make run`
#    loads the skeletons with `driver student`, and its `make grade` prints the same table as
#    the instructor's tree for the skeleton and full public marks for the solution's files.
# 2. make autograder: the zip unpacked as Gradescope does, setup.sh, then run_autograder on
#    sample submissions (the solution, the skeleton, one that crashes, one that does not
#    compile, one that hangs), each results.json checked.
# 3. make grade-class on a small class (five students, one with a blank in its name).
#
# From the Makefile: BUILD, MAKE, GRADE_LABS.
set -u
: "${BUILD:=build}" "${MAKE:=make}"
top=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
check() { # description command...
	d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
score_of() { sed -n 's/^Score: \([0-9]*\/[0-9]*\)$/\1/p' "$1" | tail -n 1; }
pub_max() { awk '!/^[ \t]*(#|$)/ { s += $2 } END { print s + 0 }' "labs/$1/tests/points"; }
all_max() {
	awk '!/^[ \t]*(#|$)/ { s += $2 } END { print s + 0 }' "labs/$1/tests/points" \
		$( [ -f "solutions/$1/hidden-tests/points" ] && echo "solutions/$1/hidden-tests/points")
}
checker=$BUILD/grade-bin/check_results
$MAKE -s --no-print-directory "$checker" >/dev/null || { echo "test-course: check_results does not build"; exit 1; }
# the labs with tests and a skeleton
labs=""
for l in $GRADE_LABS; do
	ls "labs/$l"/*.c >/dev/null 2>&1 && labs="$labs $l"
done

# ---- 1. the handout -------------------------------------------------------------------
$MAKE -s --no-print-directory handout > "$tmp/handout.txt" 2>&1 || { cat "$tmp/handout.txt"; exit 1; }
tarball=$(sed -n 's/^\(dist\/ringlab-student-[^:]*\.tar\.gz\):.*/\1/p' "$tmp/handout.txt")
check "make handout wrote $tarball" test -f "$tarball"
tar -tzf "$tarball" > "$tmp/list"
check "the tarball has no solutions/L/*.c" sh -c "! grep -E '/solutions/[^/]+/.*\.c$' '$tmp/list'"
check "the tarball has the fault drivers compiled, not their source" \
	sh -c "! grep -E '/tests/drivers/.*\.c$' '$tmp/list' && grep -qE '/tests/drivers/.*\.so$' '$tmp/list'"
check "the tarball has no hidden test" sh -c "! grep -E 'hidden-tests' '$tmp/list'"
check "the tarball has no mutant or variant" sh -c "! grep -E '/tests/(mutants|variants)/' '$tmp/list'"
check "the tarball has the reference as a static archive" grep -q '/solutions/libsolutions.a$' "$tmp/list"
mkdir -p "$tmp/h"
tar -C "$tmp/h" -xzf "$tarball"
h=$(echo "$tmp"/h/ringlab-student-*)
# every statement of a cut region (the model answer's own lines, not in any skeleton) is absent
for f in solutions/*/*.c; do
	lab=$(basename "$(dirname "$f")")
	awk -v lab="$lab" '
		index($0, "LAB(" lab "):") { inlab = 1; next }
		index($0, "LAB(" lab ") stub:") { inlab = 0 }
		inlab { gsub(/^[ \t]+|[ \t]+$/, "") }
		inlab && /;/ && !/^(\/\*|\*|\/\/)/ && length($0) >= 24 { print }
	' "$f"
done | sort -u > "$tmp/cut-lines"
# what the skeletons and the kit's own code say is public already (the kit's idioms)
cat labs/*/*.c 2>/dev/null | sed 's/^[ \t]*//; s/[ \t]*$//' | sort -u > "$tmp/skel-lines"
git ls-files -- 'kit/*.c' 'kit/*.h' 'shell/*.c' | xargs grep -ohF -f "$tmp/cut-lines" | sort -u >> "$tmp/skel-lines"
sort -u -o "$tmp/skel-lines" "$tmp/skel-lines"
comm -23 "$tmp/cut-lines" "$tmp/skel-lines" > "$tmp/secret"
n=$(wc -l < "$tmp/secret")
if [ "$n" -gt 0 ] && grep -rIlF -f "$tmp/secret" "$h" > "$tmp/leaks"; then
	bad "no line of the model answers' cut regions in the handout ($n lines checked); found in:"
	sed 's/^/       /' "$tmp/leaks"
else
	ok "no line of the model answers' cut regions in the handout ($n lines checked)"
fi
if (cd "$h" && $MAKE -s -j2 all > "$tmp/h-build.txt" 2>&1); then
	ok "the handout builds from scratch"
else
	bad "the handout builds from scratch:"
	tail -n 20 "$tmp/h-build.txt"
fi
first=$(echo $labs | cut -d' ' -f1)
(cd "$h" && printf 'driver student %s\ndriver\n' "$first" | $MAKE -s run) > "$tmp/h-run.txt" 2>&1
check "the handout's make run loads the $first skeleton with driver student" \
	grep -q "lab $first .*from the file" "$tmp/h-run.txt"
for l in $labs; do
	$MAKE -s --no-print-directory grade LAB="$l" HIDDEN=0 > "$tmp/i-$l.txt" 2>&1
	(cd "$h" && $MAKE -s --no-print-directory grade LAB="$l") > "$tmp/h-$l.txt" 2>&1
	# what make itself says (a first build of the harness, the exit status) is not the table
	sed -i -e '/^make: \*\*\*/d' -e '/^  \(CC\|LD\|AR\|SO\)	/d' "$tmp/i-$l.txt" "$tmp/h-$l.txt"
	check "lab $l's skeleton: the handout's make grade prints the instructor's table ($(score_of "$tmp/h-$l.txt"))" \
		cmp -s "$tmp/i-$l.txt" "$tmp/h-$l.txt"
	[ -s "$tmp/h-$l.txt" ] && ! cmp -s "$tmp/i-$l.txt" "$tmp/h-$l.txt" && diff "$tmp/i-$l.txt" "$tmp/h-$l.txt" | head -n 10
	cp solutions/"$l"/*.c "$h/labs/$l/"
	(cd "$h" && $MAKE -s --no-print-directory grade LAB="$l") > "$tmp/h-$l-sol.txt" 2>&1
	check "lab $l: the solution's files in the handout score full public marks ($(score_of "$tmp/h-$l-sol.txt"), expected $(pub_max "$l")/$(pub_max "$l"))" \
		test "$(score_of "$tmp/h-$l-sol.txt")" = "$(pub_max "$l")/$(pub_max "$l")"
done

# ---- 2. the autograder ----------------------------------------------------------------
# the autograder's samples need a lab with the grader's fault files (a crash, a hang)
al=""
for l in $labs; do
	[ -f "tests/grade/faults/$l/crash.patch" ] && [ -f "tests/grade/faults/$l/hang.patch" ] && al=$l && break
done
[ -n "$al" ] || { echo "test-course: no lab has tests/grade/faults/L/crash.patch and hang.patch"; exit 1; }
$MAKE -s --no-print-directory autograder LAB="$al" > "$tmp/ag.txt" 2>&1 || { cat "$tmp/ag.txt"; exit 1; }
check "make autograder wrote dist/autograder.zip" test -f dist/autograder.zip
unzip -Z1 dist/autograder.zip > "$tmp/zlist"
check "the zip has setup.sh and run_autograder at its top" sh -c "grep -qx setup.sh '$tmp/zlist' && grep -qx run_autograder '$tmp/zlist'"
src=$tmp/ag/source
mkdir -p "$src"
(cd "$src" && unzip -q "$top/dist/autograder.zip")
# The instructor's build, copied in with its times, saves this test a second build of the kit;
# setup.sh still runs make, which finds it up to date.
cp -a "$BUILD" "$src/"
if (cd "$src" && bash ./setup.sh) > "$tmp/setup.txt" 2>&1; then ok "setup.sh"; else bad "setup.sh:"; tail -n 20 "$tmp/setup.txt"; fi
sample() { # name -> $tmp/sub-NAME/ with the lab's files
	d=$tmp/sub-$1
	mkdir -p "$d/$al"
	cp solutions/"$al"/*.c "$d/$al/"
	echo "$d"
}
s=$(sample solution)
s=$(sample skeleton); cp labs/"$al"/*.c "$s/$al/"
s=$(sample crash); patch -s -d "$s/$al" -p3 < "tests/grade/faults/$al/crash.patch"
s=$(sample hang); patch -s -d "$s/$al" -p3 < "tests/grade/faults/$al/hang.patch"
s=$(sample nocompile); cp labs/"$al"/*.c "$s/$al/"; f=$(ls "$s/$al"/*.c | head -n 1); echo 'int broken = ;' >> "$f"
s=$(sample missing); rm -f "$s/$al"/*.c; echo 'my notes' > "$s/notes.txt"
for name in solution skeleton crash hang nocompile missing; do
	r=$tmp/root-$name
	mkdir -p "$r"
	ln -s "$src" "$r/source"
	ln -s "$tmp/sub-$name" "$r/submission"
	start=$(date +%s)
	AUTOGRADER_ROOT=$r "$src/run_autograder" > "$tmp/run-$name.txt" 2>&1
	secs=$(($(date +%s) - start))
	j=$r/results/results.json
	if [ ! -f "$j" ]; then
		bad "autograder $name: no results.json"
		cat "$tmp/run-$name.txt"
		continue
	fi
	case $name in
	solution) want="$(all_max "$al") $(all_max "$al")" ;;
	*) want="" ;;
	esac
	# shellcheck disable=SC2086
	check "autograder $name: results.json in Gradescope's format (${secs}s)" "$checker" "$j" $want
	score=$(sed -n 's/^[[:space:]]*"score":[[:space:]]*\([0-9.]*\),*$/\1/p' "$j" | head -n 1)
	case $name in
	solution) check "autograder solution: full marks, public and hidden ($score)" test "$score" = "$(all_max "$al")" ;;
	skeleton) check "autograder skeleton: 0 ($score)" test "$score" = 0 ;;
	nocompile)
		check "autograder nocompile: 0 ($score)" test "$score" = 0
		check "autograder nocompile: the compiler's error is in the output" grep -q 'error' "$j"
		;;
	missing)
		check "autograder missing: 0 ($score)" test "$score" = 0
		check "autograder missing: the output names the missing file" grep -q "no $(ls solutions/"$al"/*.c | sed 's|.*/||' | head -n 1) submitted" "$j"
		;;
	crash) check "autograder crash: a test is CRASH, the others graded ($score)" sh -c "grep -q 'CRASH' '$j' && [ '$score' -gt 0 ]" ;;
	hang) check "autograder hang: a test is TIMEOUT, the others graded ($score)" sh -c "grep -q 'TIMEOUT' '$j' && [ '$score' -gt 0 ]" ;;
	esac
	check "autograder $name: hidden tests are after_published" grep -q '"after_published"' "$j"
done

# ---- 3. a class -----------------------------------------------------------------------
c=$tmp/class
mkdir -p "$c/alice/$al" "$c/bob/$al" "$c/carol/$al" "$c/dave/$al" "$c/erin smith/$al"
cp solutions/"$al"/*.c "$c/alice/$al/"
cp labs/"$al"/*.c "$c/bob/$al/"
cp solutions/"$al"/*.c "$c/carol/$al/"
mut=$(ls tests/mutants/"$al"/*.patch | head -n 1)
patch -s -d "$c/carol/$al" -p3 < "$mut"
cp labs/"$al"/*.c "$c/dave/$al/"; echo 'int broken = ;' >> "$(ls "$c/dave/$al"/*.c | head -n 1)"
cp "$tmp/sub-crash/$al"/*.c "$c/erin smith/$al/"
$MAKE -s --no-print-directory grade-class SUBMISSIONS="$c" LAB="$al" CLASS_OUT="$tmp/class-out" \
	> "$tmp/class.txt" 2>&1
cat "$tmp/class.txt" | sed 's/^/     /'
g=$tmp/class-out/gradebook.csv
row() { grep "^$1,$al," "$g" | cut -d, -f3-4; }
m=$(all_max "$al")
check "grade-class: alice (the solution) $(row alice), expected $m,$m" test "$(row alice)" = "$m,$m"
check "grade-class: bob (the skeleton) $(row bob), expected 0,$m" test "$(row bob)" = "0,$m"
check "grade-class: carol ($(basename "$mut" .patch)) loses points: $(row carol)" sh -c "[ \$(echo '$(row carol)' | cut -d, -f1) -lt $m ]"
check "grade-class: dave (does not compile) $(row dave), expected 0,$m" test "$(row dave)" = "0,$m"
check "grade-class: \"erin smith\" (crashes) is graded, loses points: $(row "erin smith")" \
	sh -c "[ \$(echo '$(row "erin smith")' | cut -d, -f1) -lt $m ]"
ntests=$(awk '!/^[ \t]*(#|$)/' "labs/$al/tests/points" $( [ -f "solutions/$al/hidden-tests/points" ] && echo "solutions/$al/hidden-tests/points") | wc -l)
cols=$(head -n 1 "$g" | tr ',' '\n' | grep -c "^$al/")
check "grade-class: one gradebook column per test ($cols, expected $ntests)" test "$cols" = "$ntests"
check "grade-class: summary.md has a row per test" test "$(grep -c "^| $al/" "$tmp/class-out/summary.md")" = "$ntests"
first_test=$(awk '!/^[ \t]*(#|$)/ { print $1; exit }' "labs/$al/tests/points")
check "grade-class: summary counts bob and dave failing $al/$first_test: $(grep "^| $al/$first_test |" "$tmp/class-out/summary.md" | cut -d'|' -f4)" \
	sh -c "grep '^| $al/$first_test |' '$tmp/class-out/summary.md' | grep -Eq '\| ([2-9])/5 \|'"

echo "test-course: $pass passed, $fail failed"
[ "$fail" = 0 ]

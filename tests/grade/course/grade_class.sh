#!/bin/sh
# grade_class.sh - make grade-class: every student's folder graded, in parallel, into a gradebook.
#
#   make grade-class SUBMISSIONS=DIR [LAB=L]
#
# DIR holds one folder per student: DIR/NAME/L/*.c as in labs/, or with LAB given, that lab's
# files directly in DIR/NAME/. Each student is graded by make grade (public and hidden tests) in
# their own process, as many at once as the machine has cores; a crash, a hang or a compile error
# is that student's zero on that test or lab, never the run's end. Writes
# $CLASS_OUT/gradebook.csv and $CLASS_OUT/summary.md (CLASS_OUT defaults to build/class).
#
# From the Makefile: SUBMISSIONS, LAB, BUILD, MAKE, GRADE_LABS, CLASS_OUT, JOBS.
set -u
: "${BUILD:=build}" "${MAKE:=make}" "${CLASS_OUT:=$BUILD/class}"
labs=${LAB:-${GRADE_LABS:-}}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
if [ -z "${SUBMISSIONS:-}" ] || [ ! -d "$SUBMISSIONS" ]; then
	echo "grade-class: SUBMISSIONS must name a folder with one folder per student (got '${SUBMISSIONS:-}')"
	exit 2
fi
for lab in $labs; do
	if [ ! -f "labs/$lab/tests/points" ]; then
		echo "grade-class: no lab '$lab' with tests (labs with tests: ${GRADE_LABS:-none})"
		exit 2
	fi
done
students=$(find "$SUBMISSIONS" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | LC_ALL=C sort)
if [ -z "$students" ]; then
	echo "grade-class: $SUBMISSIONS has no student folders"
	exit 2
fi
rm -rf "$CLASS_OUT"
mkdir -p "$CLASS_OUT/out"

# What every student's build shares (the kit, the tests, the runner) is built once, first.
for lab in $labs; do
	$MAKE -s --no-print-directory grade-bin GLAB="$lab" GSRC="solutions/$lab" GKEY=solution \
		GHIDDEN=1 >/dev/null || { echo "grade-class: the grader for lab $lab does not build"; exit 2; }
done

n=$(printf '%s\n' "$students" | wc -l)
echo "grade-class: $n student$( [ "$n" = 1 ] || echo s), lab$(printf ' %s' $labs), $jobs at a time"
# Each student's folder is graded through a link with a plain name (make cannot take blanks).
sub=$(cd "$SUBMISSIONS" && pwd)
mkdir -p "$CLASS_OUT/in"
i=0
printf '%s\n' "$students" | while IFS= read -r s; do
	i=$((i + 1))
	k=$(printf 's%04d' "$i")
	ln -s "$sub/$s" "$CLASS_OUT/in/$k"
	printf '%s %s\n' "$k" "$s"
done > "$CLASS_OUT/students.txt"
export MAKE CLASS_OUT labs
cut -d' ' -f1 "$CLASS_OUT/students.txt" | xargs -P "$jobs" -I{} sh -c '
	k=$1
	mkdir -p "$CLASS_OUT/out/$k"
	$MAKE -s --no-print-directory grade LAB="$labs" IMPL="$CLASS_OUT/in/$k" HIDDEN=1 \
		GRADE_OUT="$CLASS_OUT/out/$k" > "$CLASS_OUT/out/$k/grade.txt" 2>&1
	printf "  %-28s %s\n" "$(grep "^$k " "$CLASS_OUT/students.txt" | cut -d" " -f2-)" \
		"$(grep "^Score:" "$CLASS_OUT/out/$k/grade.txt" | tail -n 1)"
' sh {}

for lab in $labs; do
	for p in labs/$lab/tests/points solutions/$lab/hidden-tests/points; do
		[ -f "$p" ] && awk -v lab="$lab" '!/^[ \t]*(#|$)/ { print lab, $1, $2 }' "$p"
	done
done > "$CLASS_OUT/columns.txt"
"$BUILD/grade-bin/class_report" "$CLASS_OUT/columns.txt" "$CLASS_OUT/out" \
	"$CLASS_OUT/gradebook.csv" "$CLASS_OUT/summary.md" "$CLASS_OUT/students.txt"

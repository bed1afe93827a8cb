#!/bin/sh
# grade.sh - make grade: build each lab's grade binary on the student's code, run it, add up.
#
# From the Makefile, with LAB (empty: every lab with labs/L/tests/points), IMPL (labs: the
# files in labs/L; solution: solutions/L; a folder: DIR/L/ if it exists, else DIR itself),
# HIDDEN (1: the hidden tests too, where solutions/L/hidden-tests exists), GRADE_OUT, BUILD,
# MAKE. Exit status 0 only at full marks; 2 when a lab's tests or points are refused.
set -u
: "${BUILD:=build}" "${GRADE_OUT:=$BUILD/grade}" "${IMPL:=labs}" "${HIDDEN:=1}" "${MAKE:=make}"
labs=${LAB:-${GRADE_LABS:-}}
OUTER_TIMEOUT=${GRADE_OUTER_TIMEOUT:-120}
status=0 total=0 max=0 names=""

json_escape() { # stdin -> one JSON string body
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' | tr -d '\000-\010\013-\037' |
		awk '{ printf "%s\\n", $0 }'
}

points_sum() { # the points files -> their total
	awk '!/^[ \t]*(#|$)/ { s += $2 } END { print s + 0 }' "$@"
}

# The lab does not build, or the student's files are missing ($WHY says which): results.json
# says so, every test scores 0.
write_build_failure() { # lab dir msgfile pointsfiles...
	lab=$1 dir=$2 msgfile=$3
	shift 3
	mkdir -p "$dir"
	{
		printf '{\n  "score": 0,\n  "execution_time": 0,\n  "visibility": "visible",\n'
		printf '  "stdout_visibility": "hidden",\n  "output": "lab %s: %s:\\n' "$lab" "${WHY:-the code does not build}"
		head -n 40 "$msgfile" | json_escape
		printf '",\n  "tests": ['
		awk -v lab="$lab" -v why="${WHY:-the code does not build}" 'FNR == 1 { hidden = FILENAME ~ /hidden-tests/ } !/^[ \t]*(#|$)/ {
			printf "%s\n    {\"name\": \"%s/%s\", \"number\": \"%d\", \"score\": 0, ", n++ ? "," : "", lab, $1, n
			printf "\"max_score\": %d, \"status\": \"failed\", \"execution_time\": 0, ", $2
			printf "\"output\": \"not graded: %s\", ", why
			printf "\"visibility\": \"%s\"}", hidden ? "after_published" : "visible"
		}' "$@"
		printf '\n  ]\n}\n'
	} >"$dir/results.json"
}

if [ -z "$labs" ]; then
	echo "grade: no lab has tests yet (labs/L/tests/points)"
	exit 2
fi
for lab in $labs; do
	if [ ! -f "labs/$lab/tests/points" ]; then
		echo "grade: no lab '$lab' with tests (labs with tests: ${GRADE_LABS:-none})"
		status=2
		continue
	fi
	case $IMPL in
	labs) src=labs/$lab key=labs drv=student:$lab ;;
	solution)
		if [ ! -d "solutions/$lab" ]; then
			echo "grade: IMPL=solution needs the reference's source, which this tree (a student handout) does not have"
			exit 2
		fi
		src=solutions/$lab key=solution drv=student:$lab:solutions/$lab
		;;
	*)
		src=${IMPL%/}
		[ -d "$src/$lab" ] && src=$src/$lab
		key=dir$(printf %s "$src" | tr -c 'A-Za-z0-9_' '_')
		drv=student:$lab:$src
		;;
	esac
	points="labs/$lab/tests/points"
	hidden=0
	if [ "$HIDDEN" = 1 ] && [ -f "solutions/$lab/hidden-tests/points" ]; then
		points="$points solutions/$lab/hidden-tests/points"
		hidden=1
	fi
	labmax=$(points_sum $points)
	out="$GRADE_OUT/$lab"
	mkdir -p "$out"
	rm -f "$out"/*.rl "$out"/*.log "$out"/*.pcap "$out"/*.verdict "$out/results.json"
	msg="$out/build.txt"
	missing=""
	for f in $(printf '%s\n' ${SOL_FILES:-solutions/"$lab"/*.c} | grep "^solutions/$lab/"); do
		[ -f "$src/${f##*/}" ] || missing="$missing ${f##*/}"
	done
	if [ -n "$missing" ]; then
		echo "grade: lab $lab needs$missing (as $lab/FILE or FILE in the folder graded)" | tee "$msg"
		WHY="no$missing submitted" write_build_failure "$lab" "$out" "$msg" $points
		echo "lab $lab: $src, nothing to build"
		echo "Score: 0/$labmax"
		total=$((total)) max=$((max + labmax)) status=$((status == 2 ? 2 : 1)) names="$names $lab"
		continue
	fi
	if ! bin=$($MAKE -s --no-print-directory grade-bin GLAB="$lab" GSRC="$src" GKEY="$key" \
		GHIDDEN=$hidden 2>"$msg"); then
		cat "$msg"
		write_build_failure "$lab" "$out" "$msg" $points
		if grep -q "^$src/" "$msg"; then
			echo "lab $lab: $src does not build (the compiler's messages above)"
		else
			echo "lab $lab: the graded tests do not build with $src (the messages above)"
		fi
		echo "Score: 0/$labmax"
		max=$((max + labmax)) status=$((status == 2 ? 2 : 1)) names="$names $lab"
		continue
	fi
	cat "$msg"
	bin=$(printf '%s\n' "$bin" | tail -n 1)
	log="$out/grade.txt"
	GRADE_OUT="$GRADE_OUT" GRADE_DRIVER="$drv" GRADE_IMPL="$src" GRADE_POINTS="$points" \
		ASAN_OPTIONS="detect_leaks=0:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:allow_user_segv_handler=1:abort_on_error=0" \
		UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
		timeout -k 5 "$OUTER_TIMEOUT" "$bin" > "$log" 2>&1
	rc=$?
	cat "$log"
	case $rc in
	0 | 1) ;;
	2) status=2 ;;
	124 | 137) echo "grade: lab $lab stopped after ${OUTER_TIMEOUT}s; $out/results.json has what was graded" ;;
	*) echo "grade: lab $lab's grader ended with status $rc; $out/results.json has what was graded" ;;
	esac
	got=$(sed -n 's/^Score: \([0-9]*\)\/[0-9]*$/\1/p' "$log" | tail -n 1)
	total=$((total + ${got:-0})) max=$((max + labmax)) names="$names $lab"
	[ "${got:-0}" = "$labmax" ] || [ $status = 2 ] || status=1
done
set -- $names
if [ $# -gt 1 ]; then
	echo "Score: $total/$max (labs:$names)"
fi
exit $status

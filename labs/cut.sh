#!/bin/sh
# cut.sh - make the labs' skeletons from the model answers: labs/L/F.c from solutions/L/F.c.
#
#   labs/cut.sh [--check] [LAB...]      (no LAB: every lab with LAB(L) markers in solutions/L)
#   labs/cut.sh --holes LAB             list the holes: FILE NUMBER FUNCTION, one a line
#   labs/cut.sh --hole N --out DIR LAB  cut only hole N of each file (the others keep the
#                                       solution) into DIR/F.c: the grader's own tests check
#                                       that each hole alone costs points
#
# In solutions/L/*.c each hole of lab L is marked (the solution stays valid C):
#
#   /* LAB(L): the hole's contract, two to four lines:
#    * what to do, pre/postconditions, who owns what. */
#       ... the solution's lines: cut ...
#   /* LAB(L) stub:
#       ... lines the skeleton gets instead, uncommented: a benign stub ...
#   */
#   /* LAB(L) end */
#
# The skeleton keeps the LAB(L): comment, drops the solution's lines, emits the stub's and drops
# the stub:/end marker lines; "model answer" in the first line becomes "your code". Markers of
# other labs are left as they are. --check compares with the committed skeletons instead of
# writing them: a difference is printed and the status is 1.
set -u
cd "$(dirname "$0")/.." || exit 2
check=0 list=0 only=0 outdir=""
while [ $# -gt 0 ]; do
	case $1 in
	--check) check=1 ;;
	--holes) list=1 ;;
	--hole) only=${2:?--hole needs a number}; shift ;;
	--out) outdir=${2:?--out needs a folder}; shift ;;
	*) break ;;
	esac
	shift
done
labs="$*"
if [ -z "$labs" ]; then
	for d in solutions/*/; do
		l=$(basename "$d")
		grep -l "LAB($l):" "$d"*.c >/dev/null 2>&1 && labs="$labs $l"
	done
fi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
status=0
for lab in $labs; do
	if [ ! -d "solutions/$lab" ]; then
		echo "cut.sh: no lab '$lab' in solutions/"
		status=2
		continue
	fi
	for src in solutions/"$lab"/*.c; do
		name=${src##*/}
		out="$tmp/$name"
		if ! awk -v lab="$lab" -v file="$src" -v only="$only" -v list="$list" '
			function fail(msg) { printf "cut.sh: %s:%d: %s\n", file, NR, msg > "/dev/stderr"; bad = 1; exit 1 }
			BEGIN { open = "/* LAB(" lab "):"; stub = "/* LAB(" lab ") stub:"; end = "/* LAB(" lab ") end */"; st = 0 }
			NR == 1 && !only { sub(/model answer/, "your code") }
			/^[a-z].*\(/ { fn = $0; sub(/\(.*/, "", fn); sub(/.*[ *]/, "", fn) }
			st == 0 {
				if (index($0, stub) || index($0, end)) fail("a stub: or end marker outside a LAB(" lab "): hole")
				if (index($0, open)) {
					holes++
					if (list) printf "%s %d %s\n", file, holes, fn
					if (only && holes != only) { print; st = 5; next }
				}
				print
				if (index($0, open)) st = index($0, "*/") ? 2 : 1
				next
			}
			st == 5 { print; if (index($0, end)) st = 0; next }
			st == 1 { print; if (index($0, "*/")) st = 2; next }
			st == 2 {
				if (index($0, open)) fail("a LAB(" lab "): hole inside another (no end marker before it)")
				if (index($0, stub)) { st = 3; next }
				if (index($0, end)) { st = 0; next }
				next
			}
			st == 3 {
				if ($0 ~ /^[ \t]*\*\/[ \t]*$/) { st = 4; next }
				if (index($0, "LAB(" lab ")")) fail("a marker inside the stub (close it with a line holding only */)")
				print
				next
			}
			st == 4 {
				if (index($0, end)) { st = 0; next }
				fail("expected " end " right after the stub")
			}
			END {
				if (bad) exit 1
				if (st != 0) { printf "cut.sh: %s: the last LAB(%s): hole has no end marker\n", file, lab > "/dev/stderr"; exit 1 }
				if (!holes) { printf "cut.sh: %s: no LAB(%s): hole\n", file, lab > "/dev/stderr"; exit 1 }
			}' "$src" > "$out"; then
			status=2
			continue
		fi
		dst="labs/$lab/$name"
		if [ $list = 1 ]; then
			grep -v '^$' "$out" | grep "^$src " || true
			continue
		fi
		if [ -n "$outdir" ]; then
			mkdir -p "$outdir"
			cp "$out" "$outdir/$name"
			continue
		fi
		if [ $check = 1 ]; then
			if [ ! -f "$dst" ]; then
				echo "cut.sh: $dst is not made yet (labs/cut.sh $lab makes it)"
			elif ! cmp -s "$out" "$dst"; then
				echo "cut.sh: $dst is not what labs/cut.sh makes from $src (run labs/cut.sh $lab):"
				diff -u "$dst" "$out" | head -n 40
				[ $status = 2 ] || status=1
			fi
		else
			mkdir -p "labs/$lab"
			if ! cmp -s "$out" "$dst"; then
				cp "$out" "$dst"
				echo "cut.sh: wrote $dst"
			fi
		fi
	done
done
exit $status

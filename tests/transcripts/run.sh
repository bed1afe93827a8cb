#!/bin/sh
# run.sh BIN [NAME...] - run each tests/transcripts/NAME.rl through `BIN -f NAME.rl` and compare
# stdout+stderr with NAME.out exactly and the exit status with NAME.status (0 if absent).
#
# Each script runs in a fresh temporary directory holding the script itself, `drivers` (the test
# driver .so files of $RINGLAB_BUILD/tests/drivers) and `data` (tests/data), so paths in the
# transcripts are short and whatever a script writes (pcaps) stays out of the tree.
# A first line "#! OPTIONS" adds ringlab options (e.g. #! --keep-going, for the error cases).
# Lines "#~ SED-EXPRESSION" (comments to ringlab) are applied to the output before the comparison:
# for what differs from run to run, like bench's wall-clock numbers.
# BLESS=1 rewrites the .out/.status files from what the binary does now (review the diff!).
set -u
BIN=${1:?usage: run.sh BIN [NAME...]}
shift
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$ROOT/tests/transcripts
BUILD=${RINGLAB_BUILD:-build}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
TMO=${TRANSCRIPT_TIMEOUT:-60}

if [ $# -eq 0 ]; then
	set -- $(cd "$DIR" && ls *.rl | sed 's/\.rl$//')
fi
pass=0
fail=0
failed=""
for name in "$@"; do
	work=$(mktemp -d)
	for f in "$DIR"/*.rl; do ln -s "$f" "$work/"; done
	ln -s "$BUILD/tests/drivers" "$work/drivers"
	ln -s "$ROOT/tests/data" "$work/data"
	opts=$(sed -n '1s/^#! *//p' "$DIR/$name.rl")
	# shellcheck disable=SC2086 # the options are words
	(cd "$work" && HOME=$work timeout "$TMO" "$BIN" $opts -f "$name.rl" >"$work/actual" 2>&1 </dev/null)
	status=$?
	grep '^#~ ' "$DIR/$name.rl" | sed 's/^#~ //' >"$work/mask"
	if [ -s "$work/mask" ]; then
		sed -E -f "$work/mask" "$work/actual" >"$work/masked" && mv "$work/masked" "$work/actual"
	fi
	if [ "${BLESS:-}" = 1 ]; then
		cp "$work/actual" "$DIR/$name.out"
		if [ "$status" != 0 ]; then echo "$status" >"$DIR/$name.status"; else rm -f "$DIR/$name.status"; fi
	fi
	want=0
	[ -f "$DIR/$name.status" ] && want=$(cat "$DIR/$name.status")
	if [ -f "$DIR/$name.out" ] && diff -u --label "$name.out (expected)" --label "$name (actual)" \
		"$DIR/$name.out" "$work/actual" >"$work/diff" && [ "$status" = "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name (exit status $status, expected $want)"
		[ -f "$DIR/$name.out" ] || echo "  no $name.out: write it (BLESS=1 $0 $BIN $name)"
		[ -f "$work/diff" ] && head -80 "$work/diff"
	fi
	rm -rf "$work"
done
echo "transcripts: $pass passed, $fail failed"
[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }

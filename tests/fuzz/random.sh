#!/bin/sh
# random.sh BIN [SEED] [SCRIPTS] - random commands from the command table's own examples, with the
# solution and with faulty drivers loaded: no crash, no hang over 20 s, no sanitizer report, and a
# clean `check -j` after `reset`. make check runs it on the ASan + UBSan build.
#
# The examples of every command and alias (ringlab --gen-docs, the indented lines of each help
# text) are the vocabulary; each script loads a driver, runs 40 of them picked by a seeded
# generator (some with a word dropped or a number changed), then `driver solution; reset; check -j`.
set -u
BIN=${1:?usage: random.sh BIN [SEED] [SCRIPTS]}
SEED=${2:-1}
N=${3:-12}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${RINGLAB_BUILD:-build}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# examples: the two-space indented lines inside the help texts; long or file-bound ones left out
"$BIN" --gen-docs | sed -n 's/^  \([a-z_?][a-z_0-9]*\( .*\)\{0,1\}\)$/\1/p' |
	grep -Ev '^(bench|experiment|view|quit|exit|q|source|driver|tcpdump)( |$)|pcap|until idle|run for|count [0-9]{5,}' \
	>"$WORK/vocab"
[ -s "$WORK/vocab" ] || { echo "random.sh: no examples found in --gen-docs"; exit 1; }
DRIVERS="solution null_xmit double_free leak_reclaim ring_overrun skb_overrun poll_forever spin_reg"
fail=0 runs=0
i=0
while [ $i -lt "$N" ]; do
	for d in $DRIVERS; do
		s=$((SEED * 1000 + i))
		{
			[ "$d" = solution ] || echo "driver drivers/$d.so"
			echo "trace off"
			awk -v seed="$s" 'BEGIN { srand(seed) } { v[NR] = $0 } END {
				for (k = 0; k < 40; k++) {
					l = v[int(rand() * NR) + 1]; n = split(l, w, " ")
					r = rand()
					if (r < 0.15 && n > 1) { w[int(rand() * (n - 1)) + 2] = ""; }
					else if (r < 0.3) { for (j = 2; j <= n; j++) if (w[j] ~ /^[0-9]+$/) w[j] = int(rand() * 3000) }
					out = w[1]; for (j = 2; j <= n; j++) if (w[j] != "") out = out " " w[j]
					print out
					if (rand() < 0.3) print "run " int(rand() * 500)
				} }' "$WORK/vocab"
			echo "driver solution"
			echo "reset"
			echo "check -j"
		} >"$WORK/s.rl"
		(cd "$WORK" && ln -sf "$BUILD/tests/drivers" drivers 2>/dev/null;
		 HOME=$WORK timeout 20 "$BIN" --keep-going -f s.rl >"$WORK/out" 2>&1 </dev/null)
		rc=$?
		runs=$((runs + 1))
		bad=""
		[ $rc -ge 124 ] && bad="exit status $rc (a hang or a crash)"
		grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:|a bug in ringlab itself' "$WORK/out" &&
			bad="a sanitizer or ringlab bug report"
		tail -1 "$WORK/out" | grep -q '"problems":0' || [ -n "$bad" ] || bad="check -j after reset is not clean"
		if [ -n "$bad" ]; then
			fail=$((fail + 1))
			echo "FAIL random: driver $d, seed $s: $bad"
			cp "$WORK/s.rl" "$ROOT/build/random-fail-$d-$s.rl" 2>/dev/null
			grep -E 'AddressSanitizer|runtime error|bug in ringlab' "$WORK/out" | head -5 | sed 's/^/  | /'
			tail -3 "$WORK/out" | sed 's/^/  | /'
		fi
	done
	i=$((i + 1))
done
echo "random: $runs scripts, $fail failed"
[ $fail -eq 0 ]

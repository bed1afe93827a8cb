#!/bin/sh
# run.sh BIN - the interactive shell driven through tmux, as a student types: the prompt, tab
# completion of a command and a device, history recall, Enter repeating a step, Ctrl-C on a
# half-typed line and on a long run, Ctrl-D, and the history file. Skipped without tmux.
set -u
BIN=${1:?usage: run.sh BIN}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
WORK=$(mktemp -d)
pass=0
fail=0

# ---- without a terminal: options, pipes, -c, exit statuses -------------------------------
expect() { # expect NAME STATUS REGEX COMMAND...: the status, and REGEX in stdout+stderr
	name=$1 want=$2 re=$3
	shift 3
	out=$(cd "$WORK" && HOME=$WORK timeout 30 "$@" 2>&1 </dev/null)
	got=$?
	if [ "$got" = "$want" ] && printf '%s\n' "$out" | grep -Eq -- "$re"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL e2e: $name: status $got (expected $want), output:"
		printf '%s\n' "$out" | head -10 | sed 's/^/  | /'
	fi
}
pipe() { # pipe NAME STATUS REGEX INPUT: commands on a pipe
	out=$(cd "$WORK" && printf '%b' "$4" | HOME=$WORK timeout 30 "$BIN" 2>&1)
	got=$?
	if [ "$got" = "$2" ] && printf '%s\n' "$out" | grep -Eq -- "$3" &&
		! printf '%s\n' "$out" | grep -q 'ringlab>'; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL e2e: $1: status $got (expected $2), output:"
		printf '%s\n' "$out" | head -10 | sed 's/^/  | /'
	fi
}
DRV=${RINGLAB_BUILD:-build}
case $DRV in /*) ;; *) DRV=$ROOT/$DRV ;; esac
expect "--version" 0 '^ringlab [0-9]' "$BIN" --version
expect "--help" 0 'keep-going' "$BIN" --help
expect "a bad option" 2 'usage: ringlab' "$BIN" --frobnicate
expect "two files" 2 'one of -c, -f or FILE' "$BIN" a.rl b.rl
expect "--view with -c is refused" 2 'ringlab: --view is for the interactive shell, not with -c' \
	"$BIN" --view -c dev
expect "--view without a terminal is refused" 2 'ringlab: --view needs a terminal' "$BIN" --view
expect "-c runs commands" 0 'sn0: queue stopped' "$BIN" -c 'netif_stop_queue sn0; netif_queue_stopped sn0'
expect "-c stops at an error" 1 '^-c:1: ring: missing argument' "$BIN" -c 'ring; dev'
expect "-c numbers its commands as lines" 1 '^-c:3: ring: missing argument: tx or rx$' \
	"$BIN" -c 'dev; time; ring sn1; dev'
expect "--keep-going" 1 'sn0  192.168.0.1' "$BIN" -k -c 'ring; dev'
expect "a missing script" 1 'cannot read nosuch.rl' "$BIN" nosuch.rl
# -i: the shell stays after a script that stopped at an unmet expect, with its machine
out=$(cd "$WORK" && printf 'netif_queue_stopped sn0\n' | HOME=$WORK timeout 30 "$BIN" -i \
	-c 'netif_stop_queue sn0; expect sn0.queue_stopped == 0; dev' 2>&1)
got=$?
if [ "$got" = 0 ] && printf '%s\n' "$out" | grep -q '^-c:2: expect: sn0.queue_stopped is 1' &&
	printf '%s\n' "$out" | grep -q 'the script stopped at the line above; the shell is yours' &&
	printf '%s\n' "$out" | grep -q 'netif_queue_stopped(sn0) = 1' &&
	! printf '%s\n' "$out" | grep -q 'sn0  192.168.0.1'; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL e2e: -i stays after an unmet expect: status $got (expected 0), output:"
	printf '%s\n' "$out" | head -10 | sed 's/^/  | /'
fi
expect "-i needs -c or -f" 2 'ringlab: -i goes with -c or -f' "$BIN" -i
expect "--seed" 0 '^seed 42$' "$BIN" --seed 42 -c seed
expect "--seed needs a number" 2 'must be a number' "$BIN" --seed x -c seed
expect "an oops makes the exit status 3" 3 'Oops: SIGSEGV in simnic_xmit_frame' \
	"$BIN" --driver "$DRV/tests/drivers/null_xmit.so" -c 'dev_queue_xmit sn0; dev'
expect "-k: an oops and a failed command exit 1 (a failure wins)" 1 'Oops: SIGSEGV' \
	"$BIN" -k --driver "$DRV/tests/drivers/null_xmit.so" -c 'dev_queue_xmit sn0; ring; dev'
expect "-k: an oops alone exits 3" 3 'sn1  192.168.1.2' \
	"$BIN" -k --driver "$DRV/tests/drivers/null_xmit.so" -c 'dev_queue_xmit sn0; dev'
expect "--driver with a bad file" 2 'cannot read' "$BIN" --driver nosuch.so -c dev
expect "--gen-docs" 0 '^# ringlab commands' "$BIN" --gen-docs
# Ctrl-C (SIGINT) during a long run stops the whole -c string or script: status 130, and the
# commands after it do not run
interrupt() { # interrupt NAME ARGS...
	name=$1
	shift
	(cd "$WORK" && HOME=$WORK exec "$BIN" "$@" >"$WORK/int.out" 2>&1 </dev/null) &
	ipid=$!
	sleep 1
	kill -INT $ipid
	wait $ipid
	got=$?
	if [ "$got" = 130 ] && grep -q 'interrupted (Ctrl-C)' "$WORK/int.out" &&
		! grep -q 'AFTER' "$WORK/int.out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL e2e: $name: status $got (expected 130), output:"
		tail -5 "$WORK/int.out" | sed 's/^/  | /'
	fi
}
interrupt "Ctrl-C stops a -c string" -c 'trace off; pktgen sn1 count 1000000000000; run until idle; show AFTER'
printf 'trace off\npktgen sn1 count 1000000000000\nrun until idle\nshow AFTER\n' >"$WORK/long.rl"
interrupt "Ctrl-C stops a script" -f long.rl
expect "a BUG line makes the exit status 4" 4 'BUG: skb freed twice: skb#' \
	"$BIN" --driver "$DRV/tests/drivers/double_free.so" -c 'set wire_peer 0; dev_queue_xmit sn0; run'
pipe "a pipe: no prompt, no banner" 0 'sn1  192.168.1.2' 'dev\n'
pipe "a pipe: FILE:LINE errors" 1 '^<stdin>:2: unknown command .bogus.' 'dev\nbogus\ndev\n'
printf 'netif_stop_queue sn0\nnetif_queue_stopped sn0\n' >"$WORK/s.rl"
expect "ringlab FILE" 0 'netif_queue_stopped\(sn0\) = 1' "$BIN" s.rl

# ---- ringlab-bench: the simulated outcome with and without the trace --------------------
BENCH=$(dirname "$BIN")/ringlab-bench
if [ -x "$BENCH" ]; then
	plain=$("$BENCH" --sim-only --packets 3000 tx-64-nobatch rx-64-napi 2>&1)
	traced=$("$BENCH" --sim-only --trace --packets 3000 tx-64-nobatch rx-64-napi 2>&1)
	if [ "$plain" = "$traced" ] && printf '%s\n' "$plain" | grep -Eq '^rx-64-napi 3000 [0-9]+ [0-9]+ [0-9a-f]{16}$'; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL e2e: ringlab-bench --sim-only with --trace printed"
		printf '%s\n' "$traced" | sed 's/^/  | /'
		echo "  without it"
		printf '%s\n' "$plain" | sed 's/^/  | /'
	fi
	expect "ringlab-bench: a bad option" 2 'usage: ringlab-bench .*--trace' "$BENCH" --tracing
	expect "ringlab-bench: an unknown scenario" 1 "no scenario 'tx-9'" "$BENCH" --sim-only --trace tx-9
fi
[ -f "$WORK/.ringlab_history" ] && { fail=$((fail + 1)); echo "FAIL e2e: a script wrote history"; }

if ! command -v tmux >/dev/null 2>&1; then
	echo "e2e: tmux is not installed: the interactive part is skipped (apt-get install tmux)"
	echo "e2e: $pass passed, $fail failed"
	rm -rf "$WORK"
	[ $fail -eq 0 ]
	exit
fi
SOCK="ringlab-e2e-$$"
T="tmux -L $SOCK"
cleanup() { $T kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

PANE=e2e
screen() { $T capture-pane -p -J -S -200 -t "$PANE"; }
# wait_for REGEX [SECONDS]: until the pane shows it
wait_for() {
	i=0
	while [ $i -lt $((${2:-10} * 10)) ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
check() { # check NAME REGEX [SECONDS]
	if wait_for "$2" "${3:-10}"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL e2e: $1 (no /$2/ on the screen)"
		screen | grep -v '^$' | tail -15 | sed 's/^/  | /'
	fi
}
count() { screen | grep -Ec -- "$1"; }
keys() { for k in "$@"; do $T send-keys -t "$PANE" "$k"; sleep 0.15; done; }
# ends_clean NAME BEFORE-REGEX PROMPT-LINE: after leaving, the pane's last three non-empty lines
# are adjacent: the last command's output, the prompt the user left at (exactly), then the
# next program's EXITED-0 at the start of a line of its own. A prompt readline redraws after
# the handler shows as a second "ringlab> " line, or as "EXITED-0 " with the prompt's rest
# behind it (in a terminal: "EXITEDb>").
ends_clean() {
	last=$(screen | grep -n . | tail -3)
	l1=$(printf '%s\n' "$last" | sed -n 1p) l2=$(printf '%s\n' "$last" | sed -n 2p)
	l3=$(printf '%s\n' "$last" | sed -n 3p)
	if printf '%s\n' "${l1#*:}" | grep -Eq -- "$2" && [ "${l2#*:}" = "$3" ] &&
		[ "${l3#*:}" = "EXITED-0" ] && [ $((${l1%%:*} + 1)) = "${l2%%:*}" ] &&
		[ $((${l2%%:*} + 1)) = "${l3%%:*}" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL e2e: $1: the shell's last output does not end cleanly:"
		printf '%s\n' "$last" | cat -A | sed 's/^/  | /'
	fi
}

$T new-session -d -s e2e -x 120 -y 50 "env HOME=$WORK TERM=xterm INPUTRC=/dev/null $BIN; echo EXITED-\$?; sleep 30"
check "banner and prompt" 'ringlab> $'
keys 'netif_sto' Tab
check "tab completes a command" 'ringlab> netif_stop_queue $'
keys 's' Tab
check "tab completes the common part of the devices" 'ringlab> netif_stop_queue sn$'
keys '0' Enter
check "the completed command runs" '^sn0: queue stopped'
keys 'netif_wake_queue s' Tab Tab Tab
check "a second Tab lists the devices" 'sn0 +sn1'
keys '0' Enter
check "wake" '^sn0: queue running'
keys 'step 1 ' Tab Tab
check "no file names where none is expected" 'ringlab> step 1 $'
keys C-u 'dev_queue_xmit sn0' Enter
check "a frame sent" 'dev_queue_xmit sn0: 1 of 1 frames queued'
keys 'step' Enter
check "step" '^next: '
n=$(count '^next: ')
keys Enter
sleep 0.3
if [ "$(count '^next: ')" -gt "$n" ]; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL e2e: Enter on an empty line did not repeat the step"; fi
keys Up Up Up
check "history recall (Up)" 'ringlab> dev_queue_xmit sn0$'
keys C-u 'nonsense half typed' C-c
check "Ctrl-C abandons the line" 'nonsense half typed\^C'
keys 'time' Enter
check "a command after Ctrl-C" '^time \['
if screen | grep -q "unknown command 'nonsense'"; then
	fail=$((fail + 1)); echo "FAIL e2e: the abandoned line was run"; else pass=$((pass + 1)); fi
keys 'ring sn0 tx' Enter
check "a look at the ring" 'owners: '
keys Enter
sleep 0.3
# as gdb: the look in between keeps the step, so the newest output is a step's again
if screen | grep -v '^$' | tail -2 | head -1 | grep -q '^next: '; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL e2e: Enter after ring did not repeat the step before it (and time)"
	screen | grep -v '^$' | tail -6 | sed 's/^/  | /'; fi
keys 'trace off; pktgen sn1 count 100000000; run' Enter
sleep 1
keys C-c
check "Ctrl-C interrupts a long run" 'interrupted \(Ctrl-C\)' 20
keys 'poll sn1 budget x' Enter
check "an error shows the usage" 'usage: poll DEV \[budget N\]'
keys C-d
check "Ctrl-D leaves" 'EXITED-0'
ends_clean "Ctrl-D" '^usage: poll DEV' 'ringlab> '
if grep -q '^dev_queue_xmit sn0$' "$WORK/.ringlab_history" 2>/dev/null; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL e2e: ~/.ringlab_history lacks the commands"; fi
# quit: the same clean end
$T new-session -d -s e2e-quit -x 120 -y 20 "env HOME=$WORK TERM=xterm INPUTRC=/dev/null $BIN; echo EXITED-\$?; sleep 30"
PANE=e2e-quit
check "a second shell" 'ringlab> $'
keys 'seed' Enter
check "seed" '^seed 1$'
keys 'quit' Enter
check "quit leaves" 'EXITED-0'
ends_clean "quit" '^seed 1$' 'ringlab> quit'
# history: two shells at once, each line appended as it is entered; kill -9 loses nothing
rm -f "$WORK/.ringlab_history"
for h in h1 h2; do
	$T new-session -d -s e2e-$h -x 120 -y 20 "env HOME=$WORK TERM=xterm INPUTRC=/dev/null $BIN; sleep 30"
done
PANE=e2e-h1; check "history: a first shell" 'ringlab> $'
PANE=e2e-h2; check "history: a second shell" 'ringlab> $'
PANE=e2e-h1; keys 'seed 11' Enter; check "history: shell 1 runs" '^seed 11: machine reset'
PANE=e2e-h2; keys 'seed 22' Enter; check "history: shell 2 runs" '^seed 22: machine reset'
PANE=e2e-h1; keys 'seed 33' Enter; check "history: shell 1 again" '^seed 33: machine reset'
for h in h1 h2; do
	ppid=$($T list-panes -t e2e-$h -F '#{pane_pid}')
	for p in $(pgrep -P "$ppid"); do kill -9 "$p"; done
done
sleep 0.3
if [ "$(grep -c '^seed [123][123]$' "$WORK/.ringlab_history" 2>/dev/null)" = 3 ]; then
	pass=$((pass + 1))
else
	fail=$((fail + 1)); echo "FAIL e2e: two shells killed with -9 lost history:"
	sed 's/^/  | /' "$WORK/.ringlab_history" 2>/dev/null
fi
# the file is trimmed to its limit (1000 lines)
i=0; while [ $i -lt 1100 ]; do echo "time $i"; i=$((i + 1)); done >"$WORK/.ringlab_history"
$T new-session -d -s e2e-h3 -x 120 -y 20 "env HOME=$WORK TERM=xterm INPUTRC=/dev/null $BIN; echo EXITED-\$?; sleep 30"
PANE=e2e-h3; check "history: a third shell" 'ringlab> $'
keys 'seed 44' Enter 'quit' Enter
check "history: the third shell leaves" 'EXITED-0'
lines=$(wc -l <"$WORK/.ringlab_history")
if [ "$lines" -le 1000 ] && tail -1 "$WORK/.ringlab_history" | grep -q '^quit$'; then
	pass=$((pass + 1))
else
	fail=$((fail + 1)); echo "FAIL e2e: the history file has $lines lines, expected at most 1000 ending in quit"
fi
echo "e2e: $pass passed, $fail failed"
# the ring view, end to end, on its own tmux server
sh "$ROOT/tests/e2e/view.sh" "$BIN" || fail=$((fail + 1))
[ $fail -eq 0 ]

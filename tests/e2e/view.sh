#!/bin/sh
# view.sh - the ring view end to end: ringlab in tmux, `view sn0`, keys, and what a person would see.
#
#   tests/e2e/view.sh [build/ringlab]
#
# Runs on its own tmux server (-L), so it never touches the user's sessions.
# RINGLAB_ASCII=1 makes the slot glyphs plain letters (H hw, D done, W driver,
# . free) so a capture can be read; colours and line drawing are not checked.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-${RINGLAB_BUILD:-build}/ringlab}
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
SOCK=ringlab-e2e-view-$$
T=view
PASS=0

if ! command -v tmux >/dev/null 2>&1; then
	echo "view.sh: tmux not installed (make test installs it); skipped"
	exit 0
fi
if [ ! -x "$BIN" ]; then
	echo "view.sh: no $BIN (make first)"
	exit 1
fi

tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
	tm kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
}
trap cleanup EXIT INT TERM

cap() { tm capture-pane -p -t "$T"; }
keys() { tm send-keys -t "$T" "$@"; }
fail() {
	echo "view.sh: FAIL: $*"
	echo "---- screen ----"
	cap
	echo "----------------"
	exit 1
}
ok() {
	PASS=$((PASS + 1))
	echo "  ok $PASS - $*"
}
# wait_for TEXT [TENTHS]: until the screen shows TEXT
wait_for() {
	i=0
	while [ "$i" -lt "${2:-50}" ]; do
		cap | grep -qF -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# wait_gone TEXT: until the screen no longer shows TEXT
wait_gone() {
	i=0
	while [ "$i" -lt 50 ]; do
		cap | grep -qF -- "$1" || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# The TX ring's strip: two rows below its header.
tx_strip() { cap | awk '/TX ring/ { n = NR + 2 } NR == n { print; exit }'; }
tx_header() { cap | grep -m1 'TX ring'; }

tm new-session -d -s "$T" -x 80 -y 24 -c "$ROOT" \
	"env RINGLAB_ASCII=1 TERM=screen HOME=/nonexistent $BIN; echo RINGLAB-EXITED; sleep 30" ||
	fail "cannot start tmux"
tm set-option -g window-size manual >/dev/null 2>&1
wait_for "ringlab>" || fail "no prompt"

# A 16-slot TX ring on a slow wire: frames stay the NIC's long enough to see.
# BQL off: the ring, not BQL's byte limit, is what fills and stops the queue.
keys "ethtool -G sn0 tx 16" Enter
keys "ethtool -K sn0 bql off" Enter
keys "set link_speed 10" Enter
keys "view sn0" Enter
wait_for "TX ring 16 slots" || fail "view did not open"
ok "view sn0 opens the ring view"

cap | head -1 | grep -q "sn0" || fail "the title has no device name"
cap | grep -q "RX ring 256 slots" || fail "no RX ring"
ok "title names sn0; TX and RX rings drawn"

cap | grep -q "TDH=TDT 0" || fail "no TX head/tail marker"
cap | grep -q "next_to_clean=next_to_use 0" || fail "no driver markers"
cap | grep -q "RDH 0 NIC writes here" || fail "no RX head marker"
cap | grep -q "RDT 255" || fail "no RX tail marker"
ok "markers: TDH/TDT, next_to_clean/next_to_use, RDH/RDT"

cap | grep -q "RUNNING" || fail "queue badge not RUNNING"
cap | grep -q "NAPI modern" || fail "no NAPI panel"
cap | grep -q "Counters" || fail "no counters"
cap | tail -1 | grep -q "idle: nothing to do" || fail "status does not say idle"
ok "queue RUNNING, NAPI, counters, status line"

# t: one frame; slot 0 becomes the NIC's.
keys t
wait_for "hw 1" || fail "t did not post a frame"
tx_strip | grep -q "^    0 HHH " || fail "slot 0 is not hw after t: $(tx_strip)"
cap | tail -1 | grep -q "space next: sn0: TX desc 0 sent" || fail "status does not say what space does"
cap | grep -q "dev_queue_xmit sn0" || fail "t's command not in the trace"
ok "t queues a frame: slot 0 owned by the hardware, the next event in the status line"

# space: the NIC finishes it: slot 0 done (DD), waiting for reclaim.
keys Space
wait_for "done 1" || fail "space did not complete the descriptor"
tx_strip | grep -q "^    0 DDD " || fail "slot 0 is not done after space: $(tx_strip)"
cap | grep -q "TX desc 0 DD" || fail "the trace does not show the DD write-back"
ok "space: slot 0 changes owner hw -> done, the trace says so"

# x: a burst of 32 into a 16-slot ring: the queue stops.
keys x
wait_for "STOPPED" || fail "the queue did not stop when the ring filled"
cap | grep -q "RUNNING" && fail "RUNNING still shown"
ok "x fills the ring: the queue turns STOPPED"

# r runs, p pauses; the title says which.
keys r
wait_for "running at 10 steps/s" 30 || fail "r did not start running"
cap | head -1 | grep -q "RUNNING" || fail "the title does not say RUNNING"
keys p
wait_for "PAUSED" || fail "p did not pause"
ok "r runs and p pauses"

# ?: the help overlay, any key closes it.
keys "?"
wait_for "keys and legend" || fail "no help overlay"
keys Space
wait_gone "keys and legend" || fail "help did not close"
ok "? shows the help, a key closes it"

# : runs a shell command, its output in the trace pane.
keys ":" "netif_queue_stopped sn0" Enter
wait_for "> netif_queue_stopped sn0" || fail ": did not run the command"
ok ": runs a shell command into the trace pane"

# z: zoom on the RX ring (256 slots, scaled).
keys z
wait_for "zoom" || fail "z did not zoom"
keys z z
ok "z zooms"

# n: the next device.
keys n
# "RX ring" is on sn0's screen too: wait for the title to name sn1
i=0
while [ "$i" -lt 50 ] && ! cap | head -1 | grep -q "sn1"; do
	sleep 0.1
	i=$((i + 1))
done
wait_for "RX ring" && cap | head -1 | grep -q "sn1" || fail "n did not switch to sn1"
keys n
ok "n switches device"

# A terminal too small: a clear message, then back to the layout.
tm resize-window -t "$T" -x 40 -y 12 || fail "cannot resize"
wait_for "enlarge to 80x24" || fail "no enlarge message at 40x12"
cap | grep -q "TX ring" && fail "ring drawn at 40x12"
ok "40x12: enlarge to 80x24"
tm resize-window -t "$T" -x 100 -y 30
wait_for "TX ring 16 slots" || fail "not redrawn after growing"
cap | grep -q "enlarge" && fail "enlarge message left behind"
tm resize-window -t "$T" -x 80 -y 24
wait_for "TX ring 16 slots" || fail "not redrawn at 80x24"
ok "resize: redrawn when large enough again"

# q: back at the prompt, the simulation where it was.
keys q
wait_gone "TX ring 16 slots" || fail "q did not leave the view"
wait_for "ringlab>" || fail "no prompt after q"
keys "netif_queue_stopped sn0" Enter
sleep 0.3
cap | grep -q "RINGLAB-EXITED" && fail "ringlab exited"
ok "q returns to the prompt"

# Ctrl-C while paused also leaves; the shell lives on.
keys "view sn1" Enter
wait_for "ringlab  sn1" || fail "view sn1 did not open"
keys C-c
wait_gone "ringlab  sn1" || fail "Ctrl-C did not leave the view"
wait_for "ringlab>" || fail "no prompt after Ctrl-C"
ok "Ctrl-C leaves the view, the shell lives on"

# An unknown device: one line, no full screen.
keys "view sn9" Enter
sleep 0.3
cap | grep -q "sn9" || fail "no error for sn9"
cap | grep -q "ringlab  sn9" && fail "view opened for sn9"
ok "view sn9: an error line"

keys "quit" Enter
wait_for "RINGLAB-EXITED" || fail "ringlab did not quit"

# ---- the terminal's size, not $LINES/$COLUMNS ------------------------------
# capture-pane -J joins lines the terminal wrapped: a layout wider than the
# window shows as a line longer than it.
widest() { tm capture-pane -p -J -t "$T" | awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }'; }
# The layout fits 80x24: the title and each ring header on one line, nothing wrapped.
fits_80() {
	wait_for "TX ring 256 slots" || fail "$1: the view did not open"
	i=0
	while [ "$(widest)" -gt 80 ] && [ "$i" -lt 50 ]; do # until it has redrawn
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(widest)" -le 80 ] || fail "$1: a line $(widest) wide in an 80-column window"
	tx_header | grep -q "TX ring 256 slots, 1 cell = 4 slots .* free 256$" ||
		fail "$1: the TX header is not on one line: $(tx_header)"
	cap | head -1 | grep -q "^ ringlab  sn0 .*PAUSED *$" || fail "$1: the title is not on one line"
	tx_strip | grep -q "^    0 [.]\{64\} 255$" || fail "$1: the TX strip is not 64 cells: $(tx_strip)"
}
rx_strip() { cap | awk '/RX ring/ { n = NR + 2 } NR == n { print; exit }'; }
# start SESSION W H DIR ENV...: ringlab alone on a new tmux server (tmux 3.3
# crashes creating a second session once window-size is manual), on a socket
# of its own (a new server on the old one races with the old one's exit)
start() {
	T=$1
	cleanup
	SOCK=ringlab-e2e-view-$$-$1
	tm new-session -d -s "$T" -x "$2" -y "$3" -c "$4" \
		"env $5 RINGLAB_ASCII=1 TERM=screen HOME=/nonexistent $BIN; echo RINGLAB-EXITED; sleep 30" ||
		fail "cannot start tmux"
	tm set-option -g window-size manual >/dev/null 2>&1
	wait_for "ringlab>" || fail "no prompt"
}

# Stale LINES and COLUMNS in the environment (what readline exports, or a
# parent shell): the view still lays out for the window it is in.
start env 80 24 "$ROOT" "LINES=32 COLUMNS=100"
keys "view sn0" Enter
fits_80 "LINES=32 COLUMNS=100 in an 80x24 window"
keys q
wait_for "ringlab>" || fail "no prompt after q"
keys "quit" Enter
ok "stale LINES/COLUMNS in the environment: the view still fits 80x24"

# The review's case: resized while in the view, then q and view again. Run in
# a directory whose `make build/student.so` prints the environment it got, so
# `driver student` shows what the shell passes to its children.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ringlab-view.XXXXXX") || fail "no temporary directory"
trap 'cleanup; rm -rf "$WORK"' EXIT INT TERM
mkdir -p "$WORK/labs/x"
: >"$WORK/labs/x/x.c"
printf 'build/student.so:\n\t@echo "child env: LINES=[$$LINES] COLUMNS=[$$COLUMNS]"; exit 1\n' \
	>"$WORK/Makefile"
start resize 100 32 "$WORK" "-u LINES -u COLUMNS"
keys "view sn0" Enter
wait_for "TX ring 256 slots" || fail "view did not open at 100x32"
tm resize-window -t "$T" -x 80 -y 24 || fail "cannot resize"
fits_80 "resized to 80x24 in the view"
keys q
wait_gone "TX ring 256 slots" || fail "q did not leave the view"
wait_for "ringlab>" || fail "no prompt after q"
keys "view sn0" Enter
fits_80 "view again after the resize"
keys C-l
fits_80 "Ctrl-L"
ok "resized in the view, q, view again: laid out for 80x24, not 100x32"

# A 256-slot ring is 4 slots a cell at 80 columns: one slot changing owner
# still changes its cell.
keys t
wait_for "hw 1" || fail "t did not post a frame"
tx_strip | grep -q "^    0 H[.]\{63\} 255$" || fail "one hw slot in a 4-slot cell is hidden: $(tx_strip)"
keys Space
wait_for "done 1" || fail "space did not complete the descriptor"
tx_strip | grep -q "^    0 D[.]\{63\} 255$" || fail "one done slot in a 4-slot cell is hidden: $(tx_strip)"
rx_strip | grep -q "^    0 H\{64\} 255$" || fail "the RX ring is not all hw: $(rx_strip)"
keys i
wait_for "RX desc 0 DD" || fail "i did not receive a frame"
rx_strip | grep -q "^    0 DH\{63\} 255$" || fail "one done slot among hw is hidden: $(rx_strip)"
ok "scaled rings: t shows H, space D on TX; i shows D among the RX ring's H"

keys q
wait_for "ringlab>" || fail "no prompt after q"
keys "driver student" Enter
wait_for "child env:" || fail "driver student did not run make"
cap | grep -q "child env: LINES=\[\] COLUMNS=\[\]" ||
	fail "the shell exports LINES/COLUMNS: $(cap | grep 'child env:')"
ok "readline exports no LINES/COLUMNS (rl_change_environment = 0)"
keys "quit" Enter
wait_for "RINGLAB-EXITED" || fail "ringlab did not quit"

echo "view.sh: all $PASS passed"

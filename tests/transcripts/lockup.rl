#! --keep-going
# A poll that never completes is a soft lockup, not a hang: a classic poll that does nothing
# and returns 1 forever, a modern one that returns its budget without work, and a poll that
# spins on a register (100 ms of simulated time in one call). Each run stops, the device is
# broken, and `driver reload` brings it back.
trace off
driver drivers/poll_forever.so
set napi classic
pktgen sn1 count 1
run until idle
dev
driver drivers/poll_modern_forever.so
set napi modern
pktgen sn1 count 1
run until idle
driver drivers/spin_reg.so
pktgen sn1 count 1
run until idle
driver solution
pktgen sn1 count 3
run until idle
check

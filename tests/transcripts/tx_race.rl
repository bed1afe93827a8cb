# The stop/wake race of a lockless TX ring, played on purpose (race_tx_reclaim).
# A 16-slot ring full of finished frames, the TX interrupt held back by ITR: nothing reclaims.
trace off
ethtool -K sn0 bql off
ethtool -G sn0 tx 16
set sn0 itr 1000000
dev_queue_xmit sn0 count 1
run until idle
dev_queue_xmit sn0 count 20
ring sn0 tx
# a false wake (the ring is still full): xmit finds no room on entry and stops the queue, and
# just before that stop another CPU's reclaim frees the whole ring; the queue was not stopped
# yet, so it wakes nothing. Only the re-check after the stop sees the room: a reprieve.
set sn0 race_tx_reclaim 1
trace on
netif_wake_queue sn0
run for 3us
trace off
run until idle
stats sn0
# the same with a reclaim that reads the stopped bit before its smp_mb(): its next_to_clean is
# not visible to the re-check, the queue stays stopped on an empty ring until the watchdog
reset
driver drivers/wake_early.so
trace off
ethtool -K sn0 bql off
ethtool -G sn0 tx 16
set sn0 itr 1000000
dev_queue_xmit sn0 count 1
run until idle
dev_queue_xmit sn0 count 20
set sn0 race_tx_reclaim 1
trace on
netif_wake_queue sn0
run for 3us
trace off
run for 12ms
stats sn0
check

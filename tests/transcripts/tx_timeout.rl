# A TX timeout: the watchdog ticks every watchdog_timeo from the moment the device came up and
# fires when the queue is stopped and trans_start is older than that; tx_timeout only schedules
# the reset, which the kworker runs in process context: down (rings cleaned), up.
ethtool -K sn0 bql off
ethtool -G sn0 tx 16 rx 16
# every TX interrupt is lost (snull's lockup): the ring fills and nothing reclaims it
set sn0 fault_lockup 1
trace off
dev_queue_xmit sn0 count 20
netif_queue_stopped sn0
run for 9ms
stats sn0 -j
trace on
run for 2ms
trace off
stats sn0 -j
ring sn0 tx
check

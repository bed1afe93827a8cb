# trace off: only BUG and WARNING lines print, up to 10 a command, then a count.
driver drivers/busy_xmit.so
trace off
set sn0 tx_ring 16
# BQL off: the ring, not a byte limit, is what fills, so the driver hits BUSY again and again
set sn0 bql off
# a driver that returns NETDEV_TX_BUSY instead of stopping the queue: a WARNING each time
dev_queue_xmit sn0 count 40
run until idle
stats sn0
trace last 2

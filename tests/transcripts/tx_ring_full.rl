# TX until the ring fills: the driver stops the queue, the qdisc holds the rest,
# and TX completions wake the queue only once tx_wake_thresh descriptors are free.
# The interrupt only schedules NAPI; the poll reclaims (auto off: we poll).
ethtool -G sn0 tx 16
# BQL off: the ring, not a byte limit, is what fills (bql.rl shows BQL)
ethtool -K sn0 bql off
set sn0 tx_wake_thresh 4
# a slow link, so the ring fills before the first frame is out
set link_speed 10
auto off
trace off
# 20 frames: 15 fit (one slot always stays empty), 5 wait in the qdisc
dev_queue_xmit sn0 count 20
netif_queue_stopped sn0
ring sn0 tx
trace on
# each completion frees one descriptor once the poll reclaims it; the wake waits for 4
run for 200us
poll sn0
netif_queue_stopped sn0
run for 100us
poll sn0
netif_queue_stopped sn0
# auto is off: we run the qdisc ourselves; it fills the ring again
qdisc_run sn0
stats sn0 -j
check

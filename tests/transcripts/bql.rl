# BQL: the driver reports the bytes it queues and the bytes the NIC finished; past the dql
# limit BQL stops the queue itself (STACK_XOFF), and the limit grows each time the ring ran dry.
ethtool -k sn0
dev show sn0
# a cold device: limit 0, so one frame goes, then BQL holds the rest in the qdisc
dev_queue_xmit sn0 count 3
netif_queue_stopped sn0
# each completion round: starved, so the limit grows by what was sent and completed
run until idle
trace off
dev_queue_xmit sn0 count 200
run until idle
stats sn0 -j
dev show sn0 -j
# off, as a kernel built without CONFIG_BQL: no limit, no stop, nothing counted
ethtool -K sn0 bql off
ethtool -k sn0
dev_queue_xmit sn0 count 20
netif_queue_stopped sn0
run until idle
dev show sn0
set sn0 bql on
show bql
check

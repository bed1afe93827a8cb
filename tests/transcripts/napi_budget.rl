# An interrupt, a poll with budget 2 that leaves work, a second poll that completes.
auto off
# BQL off on the sender: with auto off nobody reruns its qdisc after BQL's first stop
ethtool -K sn0 bql off
trace off
dev_queue_xmit sn0 count 3
trace on
# the frames land in sn1's ring; its interrupt handler masks RX interrupts and
# schedules NAPI, and with auto off nobody polls: that is our job
run until idle
ring sn1 rx
poll sn1 budget 2
ring sn1 rx
poll sn1 budget 2
dev show sn1
stats sn1 -j
check

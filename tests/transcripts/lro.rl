# LRO on sn1 aggregates a TCP flow from sn0, and a sequence gap flushes the session.
ethtool -K sn1 lro on
ethtool -k sn1
auto off
# BQL off on the sender: with auto off nobody reruns its qdisc after BQL's first stop
ethtool -K sn0 bql off
trace off
dev_queue_xmit sn0 count 4 len 1514 proto tcp flow 1
run until idle
trace on
poll sn1 budget 3
lro show sn1
# the next segment is not the next in sequence: a gap, so the session is flushed
trace off
dev_queue_xmit sn0 count 1 len 1514 proto tcp flow 1 seq 100000
run until idle
trace on
poll sn1
lro show sn1 -j
stats sn1 -j

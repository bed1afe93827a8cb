# GRO on sn1 (modern NAPI) merges a TCP flow from sn0 in the poll, keeps what a poll that used its
# budget holds, and passes everything up at napi_complete_done; then PSH: GRO against LRO.
ethtool -K sn1 gro on
ethtool -k sn1
show gro_normal_batch
show gro_merge
auto off
# BQL off on the sender: with auto off nobody reruns its qdisc after BQL's first stop
ethtool -K sn0 bql off
trace off
dev_queue_xmit sn0 count 4 len 1514 proto tcp flow 1
run until idle
trace on
# three of the four frames: the poll returns its budget, the packet stays held (this jiffy)
poll sn1 budget 3
gro show sn1
# the last one merges too; the poll completes and napi_complete_done flushes
poll sn1
gro show sn1 -j
# held by hand, flushed by hand
trace off
dev_queue_xmit sn0 count 2 len 1514 proto tcp flow 2
run until idle
trace on
poll sn1 budget 2
napi_gro_flush sn1 old
napi_gro_flush sn1
poll sn1
# the same traffic with a PSH every 5th segment, in bursts of a poll each (rx-usecs 50):
# GRO ends its packet at each PSH, LRO aggregates across them
reset
trace off
ethtool -K sn1 gro on
ethtool -C sn1 rx-usecs 50
pktgen sn1 count 40 len 1514 proto tcp fault psh every 5
run until idle
gro show sn1
stats sn1 -j
reset
trace off
ethtool -K sn1 lro on
ethtool -C sn1 rx-usecs 50
pktgen sn1 count 40 len 1514 proto tcp fault psh every 5
run until idle
lro show sn1
stats sn1 -j
# GRO wins over LRO, as netdev_fix_features keeps GRO
ethtool -K sn1 gro on
dev show sn1
# the Linux capture through GRO: the same 524288 bytes, in far fewer skbs
reset
trace off
ethtool -K sn1 gro on
ethtool -C sn1 rx-usecs 100
pktgen sn1 pcap data/linux-tcp-bulk-512k.pcap rate 800000 fixcsum
run until idle
gro show sn1
flows sn1

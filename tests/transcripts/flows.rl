# The receiver's flows: rcv_nxt, what waits out of order, duplicates, checksums, replays.
trace off
flows
# a loss every 10th segment: the first hole holds everything after it (nothing retransmits)
pktgen sn1 count 30 proto tcp len 1000 fault loss every 10
run
flows
ss sn1 -j
# reordering: each late segment waits on the out-of-order queue, then the hole fills
reset
trace off
pktgen sn1 count 20 proto tcp len 1000 fault reorder every 4
run
flows sn1
# duplicates of delivered bytes are dropped and counted; UDP has no order or duplicates
reset
trace off
pktgen sn1 count 12 proto tcp len 200 fault dup every 3
pktgen sn1 count 12 proto udp len 200 fault dup every 3
run
flows
flows sn0
# the shared capture as it was taken: its sender used checksum offload
reset
trace off
pktgen sn1 pcap data/linux-tcp-bulk-512k.pcap rate 200000
run
flows
ethtool -S sn1
# the same, checksums recomputed: every byte checked against the capture's stream
pktgen sn1 pcap data/linux-tcp-bulk-512k.pcap rate 200000 fixcsum
run
flows
stats -j
check

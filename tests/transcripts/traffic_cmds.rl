# Traffic and experiments: pktgen, experiment, bench (good cases).
#~ /^(tx|rx)-/s/ +[0-9][0-9.]*/ N/g
trace off
pktgen sn1 count 50 len 1514 proto tcp flows 2
run
stats sn1 -j
pktgen sn1 count 20 proto tcp len 1000 fault loss every 5
pktgen sn0 count 10 rate 1000000 burst 2 vlan 0 tcp_ts off start 10us
run
stats
pktgen sn1 pcap data/linux-tcp-bulk-512k.pcap rate 100000 fixcsum
run
stats sn1 -j
experiment
experiment batching batch=1,8 ms=1
experiment batching batch=8 ms=1 -j
exp lro ms=1 -j
bench tx-64-nobatch packets 2000
check
# a rate in bits per second on the wire becomes packets per second for the frame size
pktgen sn1 count 2 len 1514 rate 5gbps
run until idle
# random faults: each frame with probability 1/8, the same for the same seed
pktgen sn1 count 40 proto tcp len 1000 fault reorder chance 8
run until idle

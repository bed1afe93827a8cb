# Looking: ring, stats, trace, check (good cases).
ethtool -G sn0 tx 8 rx 8
ethtool -G sn1 tx 8 rx 8
ring sn0 tx
ring sn1 rx
dev_queue_xmit sn0 count 2
ring sn0 tx -j
stats sn0
stats sn0 -j
stats
stats -j
trace
trace off
run
trace last 3
trace on
check
check -j
# the trace as a timeline (Chrome Trace Event JSON): everything kept, the last records, a recording
trace export all.json
trace export last.json last 50
trace record on
pktgen sn1 count 3
run until idle
trace record off
trace export run.json

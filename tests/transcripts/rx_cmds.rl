# Receive, one kernel call at a time (the good cases).
auto off
# BQL off on the sender: with auto off only our polls reclaim sn0's ring, and BQL would
# hold sn0's queue from the first frame until the watchdog
ethtool -K sn0 bql off
# ITR: at most one interrupt per millisecond on sn1
set sn1 itr 1000000
trace off
dev_queue_xmit sn0
run until idle
trace on
poll sn1
# a second frame: its RXT0 cause is raised but ITR holds the interrupt back
trace off
dev_queue_xmit sn0
run for 5us
trace on
dev show sn1
irq sn1
netif_rx_complete sn1
napi_schedule sn1
napi_complete sn1
netif_rx_schedule sn1
net_rx_action
ethtool -K sn1 lro on
lro_flush_all sn1
lro show sn1
ping sn0 192.168.0.2 count 1

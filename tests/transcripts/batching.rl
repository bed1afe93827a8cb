# The same 32 frames through each batching mode, and the doorbells (TDT writes) each costs.
# The 2007 proposals predate BQL (Linux 3.3): they run here with it off, as their kernels had it.
# none: one hard_start_xmit and one doorbell per frame.
trace off
ethtool -K sn0 batching none bql off
auto off
dev_queue_xmit sn0 count 32
stats sn0 -j
# btx (2007): the core fills dev->blist up to xmit_win; one hard_batch_xmit, one doorbell
reset
trace off
ethtool -K sn0 batching NETIF_F_BTX bql off
set sn0 xmit_win 16
auto off
netif_stop_queue sn0
dev_queue_xmit sn0 count 32
netif_wake_queue sn0
qdisc_run sn0
stats sn0 -j
# step by step: fill the list, hand it over
reset
ethtool -K sn0 batching btx bql off
set sn0 xmit_win 4
auto off
trace off
netif_stop_queue sn0
dev_queue_xmit sn0 count 4
netif_start_queue sn0
trace on
blist sn0
hard_batch_xmit sn0
# skb_blist (2007 variant): hard_start_xmit(NULL) sends dev->skb_blist
reset
trace off
ethtool -K sn0 batching skb_blist bql off
set sn0 xmit_win 16
auto off
netif_stop_queue sn0
dev_queue_xmit sn0 count 32
netif_wake_queue sn0
qdisc_run sn0
stats sn0 -j
# xmit_more (2014) without BQL: the qdisc's bulk budget is 0, so no trains: 32 doorbells
reset
trace off
ethtool -K sn0 tx-batching xmit_more bql off
auto off
netif_stop_queue sn0
dev_queue_xmit sn0 count 32
netif_wake_queue sn0
qdisc_run sn0
stats sn0 -j
# xmit_more with BQL: warm the limit up with some traffic, then 32 frames wait and go in
# trains as long as dql_avail allows; the doorbell only on the last of each
reset
trace off
ethtool -K sn0 tx-batching xmit_more
dev_queue_xmit sn0 count 100
run until idle
dev show sn0
netif_stop_queue sn0
dev_queue_xmit sn0 count 32
trace on
netif_wake_queue sn0
run until idle
trace off
stats sn0 -j

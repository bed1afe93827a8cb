# The walk-through of labs/batch/README.md §5, with the reference driver: what the handout
# quotes from the trace is checked here.
# §5.1 one batch by hand: 8 frames, one doorbell, xmit_win 7 on a 16-slot ring
ethtool -G sn0 tx 16
ethtool -K sn0 batching btx bql off
auto off
netif_stop_queue sn0
trace off
dev_queue_xmit sn0 count 20
trace on
netif_start_queue sn0
set sn0 xmit_win 8
blist sn0
hard_batch_xmit sn0
ring sn0 tx
# §5.2 the ring fills: xmit_win 1; the NIC sends, the poll reclaims and wakes: xmit_win 15
blist sn0
hard_batch_xmit sn0
trace off
run for 10us
trace on
poll sn0
expect sn0.xmit_win == 15
expect sn0.queue_stopped == 0
# §5.2 leftovers: a window of 20 for 15 free descriptors
reset
ethtool -G sn0 tx 16
ethtool -K sn0 batching btx bql off
auto off
trace off
netif_stop_queue sn0
dev_queue_xmit sn0 count 24
netif_start_queue sn0
set sn0 xmit_win 20
blist sn0
hard_batch_xmit sn0
# §5.3 skb_blist: hard_start_xmit(NULL), one doorbell
reset
ethtool -G sn0 tx 16
ethtool -K sn0 batching skb_blist bql off
auto off
trace off
netif_stop_queue sn0
dev_queue_xmit sn0 count 8
netif_start_queue sn0
trace on
blist sn0
hard_batch_xmit sn0
# §5.4 xmit_more: on a fresh device BQL's limit is 0, the first frame stops the queue
reset
ethtool -K sn0 batching xmit_more
dev_queue_xmit sn0 count 1
# after two bursts the limit is past 32 frames: one bulk of 32, one doorbell
trace off
run until idle
dev_queue_xmit sn0 count 31
run until idle
dev_queue_xmit sn0 count 32
run until idle
netif_stop_queue sn0
dev_queue_xmit sn0 count 32
trace on
netif_wake_queue sn0
step
trace off
run until idle
# §5.4 a train longer than the ring: the call that stops the queue rings
reset
ethtool -G sn0 tx 16
ethtool -K sn0 batching xmit_more
trace off
dev_queue_xmit sn0 count 40 len 1514
run until idle
netif_stop_queue sn0
dev_queue_xmit sn0 count 40
trace on
netif_wake_queue sn0
step
trace off
run until idle

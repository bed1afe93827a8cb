# Transmit, one kernel call at a time (the good cases).
auto off
# BQL off: with auto off nothing reclaims, and a cold BQL lets one frame through (bql.rl)
set sn0 bql off
skb alloc sn0
skb alloc sn0 len 1514 proto tcp flow 2 seq 1000
skb
skb -j
skb show skb#512
hard_start_xmit sn0 skb#511
skb free skb#512
skb list
dev_queue_xmit sn0
skb alloc sn0 len 100
dev_queue_xmit sn0 skb#514
xmit sn0 count 2 len 200 proto udp flow 3
netif_stop_queue sn0
netif_queue_stopped sn0
dev_queue_xmit sn0
netif_queue_stopped sn0 -j
netif_wake_queue sn0
qdisc_run sn0
netif_stop_queue sn0
netif_start_queue sn0
ethtool -K sn0 batching btx
skb alloc sn0 len 60
hard_prep_xmit sn0 skb#518
skb free skb#518
set sn0 xmit_win 2
netif_stop_queue sn0
dev_queue_xmit sn0 count 3
netif_start_queue sn0
blist sn0
hard_batch_xmit sn0
ring sn0 tx
run
check

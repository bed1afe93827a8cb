#! --keep-going
# Transmit, the wrong ways.
skb alloc
skb alloc sn5
skb alloc sn0 len 20
skb alloc sn0 len
skb alloc sn0 proto sctp
skb alloc sn0 colour red
skb frobnicate
skb free
skb free skb#99999
skb free banana
skb show skb#1 extra
dev_queue_xmit
dev_queue_xmit sn0 count 0
dev_queue_xmit sn0 count many
dev_queue_xmit sn0 skb#99999
dev_queue_xmit sn0 skb#1 extra
hard_start_xmit sn0
hard_start_xmit sn0 skb#nope
hard_start_xmit sn0 skb#1 skb#2
skb alloc sn0
hard_prep_xmit sn0 skb#766
hard_prep_xmit sn0
hard_prep_xmit sn0 skb#766 more
hard_batch_xmit
hard_batch_xmit sn0
hard_batch_xmit sn0 sn1
blist
blist sn0
blist sn0 sn1
netif_stop_queue
netif_stop_queue sn2
netif_stop_queue sn0 sn1
netif_wake_queue
netif_wake_queue eth0
netif_wake_queue sn0 now
netif_start_queue
netif_start_queue lo
netif_start_queue sn0 sn1
netif_queue_stopped
netif_queue_stopped sn3
netif_queue_stopped sn0 sn1
qdisc_run
qdisc_run sn9
qdisc_run sn0 twice
skb free skb#511 -j

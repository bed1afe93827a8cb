#! --keep-going
# What a student meets in the first hour, each the way it should read.
trace off
# the route picks the device; a ping the far end drops says why
ping 192.168.0.2
ping 192.168.1.1
ping sn0 192.168.1.2
ping 10.1.2.3
# iproute2's spellings
ip link
ip link show sn1
ip -s link show sn0
ip -s
# -j twice is -j
netif_queue_stopped sn0 -j -j
# suggestions only when a name is close
help pol
help foo
set foo 1
set tx_rign 64
# a number too big to be a step count is out of range, not "not a number"
step 18446744073709551617
# skb#last: the newest skb you hold
skb alloc sn0
skb alloc sn0 len 100
skb free skb#last
skb
dev_queue_xmit sn0 skb#last
skb free skb#last
run until idle
# a stopped queue: the driver's BUSY is not "should have been stopped"
ethtool -K sn0 bql off
ethtool -G sn0 tx 8
dev_queue_xmit sn0 count 10
skb alloc sn0
trace on
hard_start_xmit sn0 skb#last
trace off
skb free skb#last
run until idle
# a step that is CPU work says which hardware events it ran first
set link_speed 1000
dev_queue_xmit sn0 count 3
trace on
step
step
trace off
run until idle
# MISSED: the poll says so, with an empty ring
auto off
pktgen sn1 count 1
run until idle
napi_schedule sn1
poll sn1
poll sn1
auto on
# the guide's unmask_first driver under modern NAPI: MISSED, nothing waits
reset
trace off
driver drivers/unmask_first.so
set sn1 race_rx_irq 1
pktgen sn1 count 20 rate 100kpps
run until idle
stats sn1 -j

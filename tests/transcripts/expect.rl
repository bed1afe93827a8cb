#! --keep-going
# expect and run until COND: the conditions the grader's replay scripts are made of.
trace off
ethtool -K sn0 bql off
ethtool -G sn0 tx 16
dev_queue_xmit sn0 count 3
expect sn0.tx.next_to_use == 3
expect sn0.tx_packets==0
expect sn0.queue_stopped == 0
run until sn0.tx_packets >= 3
expect sn0.tx_packets == 3
expect sn0.tx.unused >= 8
expect sn0.tx.done <= 0
expect sn1.rx_packets > 2
expect sn0.napi_sched != 1
expect clean
expect no-bugs
# unmet: the actual value, the expected one and the ring
expect sn0.tx_packets == 4
expect sn0.tx.next_to_clean < 3
run until sn0.tx_packets >= 10
# the wrong ways
expect
expect sn0.tx_pakets == 1
expect sn9.tx_packets == 1
expect tx_packets == 1
expect sn0.tx_packets
expect sn0.tx_packets = 1
expect sn0.tx_packets == ten
expect sn0.tx.sideways == 1
expect dirty
run until sn0.tx_packets
# a leak and a BUG line: expect clean and expect no-bugs say so
reset
driver drivers/leak_reclaim.so
trace off
dev_queue_xmit sn0 count 2
run until idle
expect clean
expect no-bugs

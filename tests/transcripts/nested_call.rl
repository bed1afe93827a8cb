#! --keep-going
# The stack transmits inside a poll (echo replies to ICMP requests): hard_start_xmit runs
# and returns, and the rest of the poll is driver code again. The refill buffers posted
# after it belong to the driver, not to the user, and `check` finds nothing wrong.
trace off
pktgen sn1 count 178 proto icmp
run 497
# skb#539 is an RX buffer the poll posted after a reply went out: not the user's
dev_queue_xmit sn1 skb#539
skb
check
# a poll that spins after such a transmit is a soft lockup in simnic_poll
driver drivers/spin_after_xmit.so
pktgen sn1 count 3 proto icmp
run until idle
dev
# and a NULL dereference there is the driver's oops, not ringlab's: the device is broken
driver drivers/null_after_xmit.so
pktgen sn1 count 3 proto icmp
run until idle
dev
driver solution
check

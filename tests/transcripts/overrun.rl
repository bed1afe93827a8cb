# Driver memory corruption is caught: writing desc[count] or past an skb's buffer damages a
# guard area (buffer_info[count] too: tests/kit/test_canary.c, since under ASan its red zones
# guard buffer_info instead) that is checked after every driver call, after every command and
# by `check`; each report names the area, the index and the lab function. An skb whose len runs
# past its buffer is skb_over_panic, dropped before the stack reads it.
#~ s/(allocated by [a-z_]+):[0-9]+/\1:LINE/
trace off
driver drivers/ring_overrun.so
dev_queue_xmit sn0
driver drivers/skb_overrun.so
set wire_peer 0
dev_queue_xmit sn0
pktgen sn1 count 2
run until idle
driver solution
check

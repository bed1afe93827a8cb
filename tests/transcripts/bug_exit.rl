# A BUG line names what and who: an skb freed twice says where it was allocated, who freed it
# first and who freed it again. No command fails, yet the script's exit status is 4 (a BUG).
driver drivers/double_free.so
set wire_peer 0
trace off
dev_queue_xmit sn0
run

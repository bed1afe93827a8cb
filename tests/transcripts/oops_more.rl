# A NAPI poll that spins forever is a soft lockup after one second of wall time; an interrupt
# handler that calls abort() is an oops too. Either way the shell goes on.
driver drivers/spin_poll.so
dev_queue_xmit sn0
run
dev
driver reload
driver drivers/abort_intr.so
dev_queue_xmit sn0
run
driver solution
ping sn0 192.168.0.2

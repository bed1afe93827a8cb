#! --keep-going
# A driver whose hard_start_xmit dereferences NULL: the shell reports an oops, marks
# the device broken and goes on; driver reload (or reset) brings it back.
driver drivers/null_xmit.so
dev_queue_xmit sn0
dev
# sn0 is broken: this fails, and the script goes on (--keep-going)
dev_queue_xmit sn0
driver solution
dev_queue_xmit sn0
run
check

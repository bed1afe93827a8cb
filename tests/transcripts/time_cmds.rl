# Time: step, run, time, auto (good cases, then the wrong ways with --keep-going).
time
dev_queue_xmit sn0
step
s
step 3
time -j
run 2
run for 1us
run until 100us
run until idle
auto
auto off
dev_queue_xmit sn0
run
auto on
time

#! --keep-going
# Time, the wrong ways.
step 0
step many
step 1 2
run 0
run for
run for ten
run for 10
run for 10 parsecs
run until 1ns
run sometime 10us
run for 1us extra
time now
auto maybe
auto on off
step -1
auto off -j

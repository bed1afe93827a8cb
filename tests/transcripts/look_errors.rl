#! --keep-going
# Looking, the wrong ways.
ring
ring sn0
ring sn0 both
ring sn5 tx
ring sn0 tx rx
stats sn3
stats sn0 sn1
trace maybe
trace last
trace last 0
trace last many
trace off now
trace last 1 2 3
check now
ring sn1
trace off -j
flows sn9
flows sn0 sn1

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
trace export
trace export out.txt
trace export out.json last
trace export out.json first 3
trace export out.json last 0
trace record
trace record maybe
trace record off
trace record on now
trace export out.json -j
check now
ring sn1
trace off -j
flows sn9
flows sn0 sn1

#! --keep-going
# Session, the wrong ways; and an unknown command gets the closest name.
driver nosuch.so
driver turbo
driver solution extra
driver student
driver reload -j
source
source nosuch.rl
source a.rl b.rl
help nosuch
help ring poll
help -j
quit now
rign sn0 tx
netif_stop sn0
pcap
pcap sn9 x.pcap
pcap sn0 /nonexistent/dir/x.pcap
pcap stop now
pcap sn0 a.pcap b
view
view sn9
view sn0 sn1
"unterminated
source /nonexist
quit -j
driver student nosuch
driver student xmit
driver student xmit /nonexistent/dir
driver student xmit 'a$b'
# a directory is not a file of commands
source .

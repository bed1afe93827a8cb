#! --keep-going
# Traffic and experiments, the wrong ways.
pktgen
pktgen sn1
pktgen sn1 len 100
pktgen sn4 count 1
pktgen sn1 count 0
pktgen sn1 count ten
pktgen sn1 count 1 len 9000
pktgen sn1 count 1 flows 5000
pktgen sn1 count 1 proto sctp
pktgen sn1 count 1 fault gremlins
pktgen sn1 count 1 rate 999999999
pktgen sn1 count 1 count 2
pktgen sn1 pcap
pktgen sn1 pcap nosuch.pcap
experiment nosuch
experiment livelock speed
experiment livelock ms=0
experiment livelock warp=9
experiment livelock ratio=10001
experiment livelock -o
experiment livelock -o table.txt
experiment livelock -o .svg
experiment livelock ms=2 pl
bench nosuch
bench packets 1
bench packets
bench tx-64-nobatch packets 1000 extra
pktgen sn1 count 2 rate 5furlongs
pktgen sn1 count 2 rate 20gbps
pktgen sn1 count 2 fault loss every 2 chance 2
pktgen sn1 pcap data/linux-tcp-bulk-512k.pcap fixcsum fixcsum
pktgen sn1 pcap data/linux-tcp-bulk-512k.pcap fixcsum rate 0
pktgen sn1 pcap data/linux-tcp-bulk-512k.pcap fixcsum speed 3
# every and chance apply a fault: without one they are an error, not ignored
pktgen sn1 count 5 every 3
pktgen sn1 count 5 chance 3
# the word that is wrong is named, not the scenario before it
bench tx-64-nobatch junk
bench nosuch -j
bench packets abc -j

# Capture what sn0 sends and receives while it pings sn1; the pcap test reads the file back.
pcap sn0 sn0.pcap
pcap sn1 sn1.pcap
ping sn0 192.168.0.2 count 2
dev_queue_xmit sn0 count 2 len 1514 proto tcp flow 1
run
pcap stop

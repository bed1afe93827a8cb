# race_rx_irq: a frame lands at the very end of each poll (README §8 of lab napi)
set sn1 race_rx_irq 1
pktgen sn1 count 3 len 200 rate 100kpps
run until idle
expect sn1.rx_packets == 3
expect sn1.napi_missed >= 1
# 2.6.20: the reference completes, then unmasks: the interrupt comes at the unmask
reset
set sn1 napi classic
set sn1 race_rx_irq 1
pktgen sn1 count 3 len 200 rate 100kpps
run until idle
expect sn1.rx_packets == 3
# a poll that unmasks first: the interrupt finds the device still scheduled and is lost
driver drivers/unmask_first.so
reset
set sn1 napi classic
set sn1 race_rx_irq 1
pktgen sn1 count 3 len 200 rate 100kpps
run until idle
expect sn1.hw_rx_frames == 3
expect sn1.rx_packets < 3

#! --keep-going
# Receive, the wrong ways.
ping
ping sn0
ping sn0 300.1.2.3
ping sn0 192.168.0.2 count 0
ping sn0 192.168.0.2 count 2 extra
ping sn0 192.168.0.2 count 1 count 2
irq
irq sn0
irq sn7
irq sn0 sn1
napi_schedule
napi_schedule sn8
napi_schedule sn0 sn1
set sn1 napi none
napi_schedule sn1
poll sn1
set sn1 napi modern
poll
poll sn1
poll sn1 budget
poll sn1 budget zero
poll sn1 budget 0
poll sn1 budget 1 extra
poll sn1 weight 4
napi_complete
napi_complete sn4
napi_complete sn0 sn1
net_rx_action now
lro_flush_all
lro_flush_all sn1
lro_flush_all sn6
lro_flush_all sn0 sn1
lro
lro show
lro list sn0
lro show sn9
lro show sn0 sn1
# nobody answers 192.168.0.9 (sn1 is 192.168.1.2): the failure says so
trace off
ping sn0 192.168.0.9

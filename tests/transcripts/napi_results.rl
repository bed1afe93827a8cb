#! --keep-going
# napi_schedule and napi_complete: each result the kit reports, in the shell's words.
auto off
trace off
# modern NAPI: a second schedule sets MISSED (not an error); completing then says poll again
napi_schedule sn1
napi_schedule sn1
napi_complete sn1
napi_complete sn1
# completing what is not scheduled is the kernel's BUG: the command fails, the kit records it
napi_complete sn1
trace last 1
# a poll without a budget gets what net_rx_action would pass: modern, the weight
napi_schedule sn1
poll sn1
# classic NAPI: already on the poll list is nothing to do; a poll gets netdev_budget
set sn1 napi classic
napi_schedule sn1
napi_schedule sn1
poll sn1
napi_schedule sn1
napi_complete sn1
napi_complete sn1

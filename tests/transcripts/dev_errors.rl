#! --keep-going
# Devices and configuration, the wrong ways: missing arguments, bad values, too many.
dev show
dev show sn7
dev list
dev show sn0 extra
ethtool
ethtool -g
ethtool -x sn0
ethtool -g sn0 extra
ethtool -G sn0 tx
ethtool -G sn0 tx 12
ethtool -G sn0 tx 8192
ethtool -G sn0 tx 16 tx 32
ethtool -G sn0 foo 16
ethtool -K sn0 batching turbo
ethtool -G sn0 rx 64 tx 12
ethtool -g sn0
set
set weight
set weight lots
set weight 5000
set sn0 netdev_budget 10
set nosuch 1
set sn0 weight 1 2
show
show everything
show costs knobs
reset now
seed minus
seed 1 2
# negative numbers are numbers out of range: the error says the range
set mmio_write -5
ethtool -C sn0 rx-usecs -1
# lro is on or off, as help and ethtool -k say
ethtool -K sn0 lro maybe
set lro 2
# so is bql; the race knob is a count
ethtool -K sn0 bql maybe
set sn0 bql 2
set sn0 race_tx_reclaim -1
set race_tx_reclaim many
# three words: the first must be a device
set lock 1 2
set sn0 weight
ethtool sn0
seed 3 -j

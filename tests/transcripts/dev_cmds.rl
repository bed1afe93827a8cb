# Devices and configuration: dev, ethtool, set, show, reset, seed (the good cases).
dev
dev show sn0
dev -j
ethtool -g sn0
ethtool -g sn0 -j
ethtool -G sn0 rx 64 tx 32
ethtool -c sn1
ethtool -C sn1 rx-usecs 50 rx-frames 8 tx-usecs 10
ethtool -c sn1 -j
ethtool -k sn0
ethtool -K sn0 large-receive-offload on tx-batching NETIF_F_BATCH_SKBS
ethtool -k sn0 -j
ethtool -i sn0
ethtool -S sn1
set mmio_write 400
set sn1 napi classic
set weight 16
show weight
show knobs
show costs -j
show dev
reset
show mmio_write
seed
seed 42
seed

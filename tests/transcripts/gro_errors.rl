#! --keep-going
# GRO, the wrong ways.
gro
gro list
gro show sn9
gro show sn1 extra
napi_gro_flush
napi_gro_flush sn9
napi_gro_flush sn1 new
napi_gro_flush sn1 old extra
ethtool -K sn1 gro maybe
set gro_normal_batch 0
# LRO may not come on while GRO is on
ethtool -K sn1 gro on
ethtool -K sn1 lro on
# GRO is modern NAPI only
set sn1 napi classic
ethtool -K sn1 gro off
set sn1 napi classic
ethtool -K sn1 gro on
napi_gro_flush sn1
ethtool -k sn1
ethtool -K sn1 gro on lro on

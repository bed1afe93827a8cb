# Session: driver, source, help, quit (good cases).
driver
driver -j
driver drivers/null_xmit.so
driver reload
driver solution
help
help poll
help netif_rx_schedule
source session_source.rl
quit
dev

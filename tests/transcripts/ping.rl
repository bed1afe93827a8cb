# ping across the snull pair, as in LDD3 chapter 17: sn0 is 192.168.0.1, its
# "remote" 192.168.0.2 is sn1 seen through snull's twist of the third octet.
dev
ping sn0 192.168.0.2
ping sn1 192.168.1.1 count 2
stats
check

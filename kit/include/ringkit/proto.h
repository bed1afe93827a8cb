/* proto.h - Ethernet, IPv4, TCP, UDP and ICMP headers and the Internet checksum. */
/*
 * Era: none; wire formats (RFCs, IEEE 802.1Q), as every kernel has them.
 */
#ifndef RINGKIT_PROTO_H
#define RINGKIT_PROTO_H

#include "skbuff.h"
#include "types.h"

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100
#define VLAN_HLEN 4	  /* an 802.1Q tag (include/linux/if_vlan.h) */
#define VLAN_ETH_HLEN 18 /* Ethernet header with one tag */

#ifndef IPPROTO_ICMP /* <netinet/in.h> may have them already */
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#endif

#define INET_ECN_MASK 0x03 /* the ECN field: the low two bits of tos */
#define INET_ECN_CE 0x03   /* congestion experienced */
#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFSET 0x1FFF

#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8

#define TCPOPT_NOP 1
#define TCPOPT_EOL 0
#define TCPOPT_TIMESTAMP 8
#define TCPOLEN_TIMESTAMP 10

struct ethhdr {
	unsigned char h_dest[6];
	unsigned char h_source[6];
	__be16 h_proto;
} __attribute__((packed));

struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
} __attribute__((packed));

struct vlan_ethhdr {
	unsigned char h_dest[6];
	unsigned char h_source[6];
	__be16 h_vlan_proto;
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
} __attribute__((packed));

struct iphdr {
	u8 ihl : 4, version : 4; /* little-endian bitfield order */
	u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off;
	u8 ttl;
	u8 protocol;
	__sum16 check;
	__be32 saddr;
	__be32 daddr;
};

struct tcphdr {
	__be16 source;
	__be16 dest;
	__be32 seq;
	__be32 ack_seq;
	u16 res1 : 4, doff : 4, fin : 1, syn : 1, rst : 1, psh : 1, ack : 1,
		urg : 1, ece : 1, cwr : 1;
	__be16 window;
	__sum16 check;
	__be16 urg_ptr;
};

struct udphdr {
	__be16 source;
	__be16 dest;
	__be16 len;
	__sum16 check;
};

struct icmphdr {
	u8 type;
	u8 code;
	__sum16 checksum;
	__be16 id;
	__be16 sequence;
};

static inline struct ethhdr *eth_hdr(const struct sk_buff *skb)
{
	return (struct ethhdr *)skb_mac_header(skb);
}

static inline struct iphdr *ip_hdr(const struct sk_buff *skb)
{
	return (struct iphdr *)skb_network_header(skb);
}

static inline struct tcphdr *tcp_hdr(const struct sk_buff *skb)
{
	return (struct tcphdr *)skb_transport_header(skb);
}

static inline struct udphdr *udp_hdr(const struct sk_buff *skb)
{
	return (struct udphdr *)skb_transport_header(skb);
}

/* The Internet checksum (RFC 1071), the kernel's helper names. */
__wsum csum_partial(const void *buf, int len, __wsum sum);

/*
 * csum_fold and ip_fast_csum are inline, as in the kernel's
 * asm/checksum_64.h: every IPv4 header is checked with them, and the call
 * would cost as much as the sum. (Inline definitions; csum.c holds the
 * external ones.)
 *
 * csum_fold: the two 16-bit halves added with end-around carry, inverted;
 * the high half of sum + (sum rotated by 16) is that sum.
 */
inline __sum16 csum_fold(__wsum sum)
{
	u32 s = sum;

	return (__sum16)((~s - (s >> 16 | s << 16)) >> 16);
}

/* ihl 32-bit words from iph, at any alignment, summed and folded. */
inline __sum16 ip_fast_csum(const void *iph, unsigned int ihl)
{
	const unsigned char *p = iph;
	u64 acc = 0;

	if (ihl == 5) { /* no options: two 8-byte words and a 4-byte one */
		u64 a, b;
		u32 c;

		__builtin_memcpy(&a, p, 8);
		__builtin_memcpy(&b, p + 8, 8);
		__builtin_memcpy(&c, p + 16, 4);
		acc = (a & 0xffffffff) + (a >> 32) + (b & 0xffffffff) + (b >> 32) + c;
	} else {
		for (unsigned int i = 0; i < ihl; i++) {
			u32 w;

			__builtin_memcpy(&w, p + 4 * i, 4);
			acc += w;
		}
	}
	acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffffffff) + (acc >> 32);
	return csum_fold((__wsum)acc);
}
__wsum csum_tcpudp_nofold(__be32 saddr, __be32 daddr, u32 len, u8 proto,
			  __wsum sum);
__sum16 csum_tcpudp_magic(__be32 saddr, __be32 daddr, u32 len, u8 proto,
			  __wsum sum);
__wsum csum_add(__wsum a, __wsum b);
__wsum csum_sub(__wsum a, __wsum b);
/* Add a block's checksum that starts at an odd or even offset. */
__wsum csum_block_add(__wsum csum, __wsum csum2, int offset);
static inline __wsum csum_unfold(__sum16 n)
{
	return (__wsum)n;
}

/* Build an IPv4 address from dotted parts, in network order. */
static inline __be32 kit_ipv4(u8 a, u8 b, u8 c, u8 d)
{
	return htonl(((u32)a << 24) | ((u32)b << 16) | ((u32)c << 8) | d);
}

#endif

/* wire.c - the link: line-rate timing, the snull pair and its IP twist, or a sink. */
#include <string.h>

#include "nic_hw.h"

/*
 * On the wire a frame also carries its FCS (4 bytes), the preamble and SFD
 * (8) and the inter-frame gap (12), and is at least 64 bytes with FCS: a
 * 60-byte frame takes 84 byte times, a 1514-byte frame 1538. At 10 Gb/s
 * that is 67.2 ns and 1230.4 ns (numbers.md). Times are kept in picoseconds
 * so back-to-back frames do not drift.
 *
 * With wire_peer = 1 (the default) sn0 and sn1 are joined as in LDD3's
 * snull: what one sends, the other receives, with the third octet of both
 * IPv4 addresses flipped so 192.168.0.x becomes 192.168.1.x. snull then
 * recomputes the IP checksum and leaves TCP/UDP checksums wrong, relying on
 * CHECKSUM_UNNECESSARY; the kit fixes them too (RFC 1624 incremental
 * update), so captures of either side check out in Wireshark.
 * With wire_peer = 0 frames leave into a sink that counts and checks them.
 */

u64 wire_ps(const struct kit *k, unsigned int len)
{
	u64 bytes = (len < ETH_ZLEN ? ETH_ZLEN : len) + 4 + 8 + 12;
	u64 mbps = (u64)k->knob[KNOB_LINK_MBPS];

	return bytes * 8 * 1000000 / mbps;
}

/* wire_ps of the length last asked for at the same link speed: a flow's
 * frames are one length, and the division costs tens of cycles per frame. */
u64 wire_ps_last(struct kit *k, unsigned int len)
{
	if (likely(len == k->wire_last_len && k->knob[KNOB_LINK_MBPS] == k->wire_last_mbps))
		return k->wire_last_ps;
	k->wire_last_ps = wire_ps(k, len);
	k->wire_last_len = len;
	k->wire_last_mbps = k->knob[KNOB_LINK_MBPS];
	return k->wire_last_ps;
}

/* Add (a - b) to a 16-bit one's complement checksum field (RFC 1624). */
static void csum_replace(u16 *field, u16 from, u16 to)
{
	u32 s = (u16)~ntohs(*field);

	s += (u16)~from;
	s += to;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	*field = htons((u16)~s);
}

void snull_twist(unsigned char *f, unsigned int len)
{
	struct ethhdr *eth = (struct ethhdr *)f;
	struct iphdr *iph;
	unsigned char *s, *d;
	u16 s_old, d_old;

	if (len < ETH_HLEN + 20 || eth->h_proto != htons(ETH_P_IP))
		return;
	iph = (struct iphdr *)(f + ETH_HLEN);
	if (iph->version != 4 || ETH_HLEN + iph->ihl * 4u > len)
		return;
	s = (unsigned char *)&iph->saddr;
	d = (unsigned char *)&iph->daddr;
	s_old = (u16)(s[2] << 8 | s[3]);
	d_old = (u16)(d[2] << 8 | d[3]);
	s[2] ^= 1;
	d[2] ^= 1;
	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);
	if (!(ntohs(iph->frag_off) & IP_OFFSET)) {
		unsigned char *l4 = (unsigned char *)iph + iph->ihl * 4;
		unsigned int room = len - ETH_HLEN - iph->ihl * 4u;
		u16 *check = NULL;

		if (iph->protocol == IPPROTO_TCP && room >= sizeof(struct tcphdr))
			check = &((struct tcphdr *)l4)->check;
		else if (iph->protocol == IPPROTO_UDP && room >= sizeof(struct udphdr) &&
			 ((struct udphdr *)l4)->check)
			check = &((struct udphdr *)l4)->check;
		if (check) {
			u16 *cf = (u16 *)check;

			csum_replace(cf, s_old, (u16)(s[2] << 8 | s[3]));
			csum_replace(cf, d_old, (u16)(d[2] << 8 | d[3]));
		}
	}
}

static struct nic *peer_of(struct kit *k, struct nic *from)
{
	int p = from->index ^ 1;

	if (!k->knob[KNOB_WIRE_PEER] || p >= k->ndevs || !k->devs[p]->nic)
		return NULL;
	return k->devs[p]->nic;
}

static void wire_deliver(struct kit *k, struct nic *from, struct nic *to,
			 unsigned char *frame, unsigned int len, u64 t);

/* A runt, padded as the 8254x does (TCTL.PSP): out of line and cold, so the
 * common frame's path keeps no buffer on its stack. */
static __attribute__((noinline, cold)) void wire_send_padded(struct kit *k, struct nic *from,
							     struct nic *to, unsigned char *frame,
							     unsigned int len, u64 t)
{
	unsigned char pad[ETH_ZLEN];

	memcpy(pad, frame, len);
	memset(pad + len, 0, ETH_ZLEN - len);
	wire_deliver(k, from, to, pad, ETH_ZLEN, t);
}

/* k is from->k (the TX write-back has it at hand). */
void wire_send(struct kit *k, struct nic *from, unsigned char *frame, unsigned int len, u64 t)
{
	struct nic *to = peer_of(k, from);

	if (unlikely(len < ETH_ZLEN)) {
		wire_send_padded(k, from, to, frame, len, t);
		return;
	}
	wire_deliver(k, from, to, frame, len, t);
}

/* An IPv4 header's total length, read at any alignment. */
static inline unsigned int ip_tot_len(const unsigned char *ip)
{
	__be16 tot;

	__builtin_memcpy(&tot, ip + 2, sizeof(tot));
	return ntohs(tot);
}

/* A frame of at least ETH_ZLEN bytes onto the wire: into the peer, or the sink. */
static inline void wire_deliver(struct kit *k, struct nic *from, struct nic *to,
				unsigned char *frame, unsigned int len, u64 t)
{
	if (to) {
		/* the peer must have caught up to t before the frame lands; its
		 * next change may now come sooner (hw_sync looks again) */
		k->hw_cross++;
		nic_rx_frame(to, frame, len, t);
		return;
	}
	from->sink_frames++;
	from->sink_bytes += len;
	if (len >= ETH_HLEN + 20) {
		/* the header read as bytes: the frame may sit at any alignment */
		const unsigned char *ip = frame + ETH_HLEN;
		static const u8 ip45[4] = { 0x08, 0x00, 0x45, 0 }, ip45_mask[4] = { 0xff, 0xff, 0xff, 0 };
		u32 w, want, mask;

		/* the EtherType IPv4 and a version 4 header without options
		 * (0x45): the three bytes from 12 on in one load and compare */
		__builtin_memcpy(&w, frame + 12, 4);
		__builtin_memcpy(&want, ip45, 4);
		__builtin_memcpy(&mask, ip45_mask, 4);
		if (likely((w & mask) == want)) {
			/* the 20-byte sum and the length */
			if (!ip_hdr5_csum_ok(ip) || ETH_HLEN + ip_tot_len(ip) > len)
				from->sink_bad++;
		} else if (frame[12] == 0x08 && frame[13] == 0x00 && /* ETH_P_IP, not 0x45 */
			   ((ip[0] >> 4) != 4 || ip_fast_csum(ip, ip[0] & 15) ||
			    ETH_HLEN + ip_tot_len(ip) > len)) {
			from->sink_bad++;
		}
	} else if (len < ETH_HLEN) {
		from->sink_bad++;
	}
}

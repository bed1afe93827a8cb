/* nic_rx.c - the RX DMA engine: a frame lands in the buffer at RDH, or is missed. */
#include <stddef.h>
#include <string.h>

#include "nic_hw.h"
#include "pktgen.h"

/*
 * A frame arriving at time t takes the descriptor at RDH if the driver has
 * posted one (RDH != RDT): the NIC writes the frame into its buffer, writes
 * length and status (DD, EOP, and IPCS/TCPCS once it has checked the
 * checksums) back, and advances RDH. With CTRL.VME set it takes an 802.1Q tag
 * out of the frame, puts the tag in the descriptor's special field and sets
 * VP (SDM 3.2.3). With no descriptor the frame is dropped and counted in
 * rx_missed_errors, and RXO is raised.
 *
 * Coalescing: RXT0 is raised rx-usecs (RDTR) after the first frame not yet
 * signalled, or at once when rx-frames (RXFR) frames are waiting, or at once
 * when both are 0.
 */

static struct e1000_rx_desc *rx_desc(struct nic *hw, u32 i)
{
	u64 base = ((u64)hw->rdbah << 32) | hw->rdbal;

	return (struct e1000_rx_desc *)(uintptr_t)base + i;
}

static bool rx_ready(struct nic *hw)
{
	return (hw->rctl & E1000_RCTL_EN) && hw->rx_count && hw->rdh != hw->rdt;
}

static void rx_missed(struct nic *hw, unsigned int len, u64 t)
{
	hw->rx_missed++;
	hw->dev->stats.rx_missed_errors++;
	trace_emit(hw->k, t, TR_RX_MISSED, hw->dev, len, 0, 0, 0);
	nic_raise(hw, E1000_ICR_RXO, t);
}

/*
 * The sum of l4len bytes at l4 (frame offset l4off). With pl, bytes the
 * source wrote as the pattern payload and nobody touched since, those are
 * summed in O(1): one's complement addition is associative, so the result
 * is the one csum_partial gives reading every byte.
 */
static __wsum l4_sum(const unsigned char *l4, unsigned int l4off, unsigned int l4len,
		     const struct frame_payload *pl)
{
	unsigned int a, b;
	__wsum s;

	/* (a short payload is quicker read than split around) */
	if (!pl || pl->len < 64 || pl->off < l4off || pl->off + pl->len > l4off + l4len)
		return csum_partial(l4, (int)l4len, 0);
	a = pl->off - l4off;
	b = a + pl->len;
	/* the headers before it, starting from its sum (it starts at an even
	 * offset as a rule: TCP and UDP headers are even) */
	if (a & 1)
		s = csum_block_add(csum_partial(l4, (int)a, 0), pl->sum, (int)a);
	else
		s = csum_partial(l4, (int)a, pl->sum);
	if (b < l4len)
		s = csum_block_add(s, csum_partial(l4 + b, (int)(l4len - b), 0), (int)b);
	return s;
}

/* Checksum offload: check the IPv4 header and the TCP/UDP checksum, behind
 * an 802.1Q tag too (one the NIC did not strip). */
static u8 rx_csum_status(const unsigned char *f, unsigned int len, u8 *errors,
			 const struct frame_payload *pl)
{
	const struct ethhdr *eth = (const struct ethhdr *)f;
	unsigned int l2 = ETH_HLEN, ihl, tot;
	const struct iphdr *iph;
	__be16 proto = eth->h_proto;
	u8 st = 0;

	*errors = 0;
	if (proto == htons(ETH_P_8021Q) && len >= VLAN_ETH_HLEN) {
		proto = ((const struct vlan_ethhdr *)f)->h_vlan_encapsulated_proto;
		l2 = VLAN_ETH_HLEN;
	}
	if (len < l2 + 20 || proto != htons(ETH_P_IP))
		return 0;
	iph = (const struct iphdr *)(f + l2);
	ihl = iph->ihl * 4u;
	tot = ntohs(iph->tot_len);
	if (iph->version != 4 || ihl < 20 || tot < ihl || l2 + tot > len)
		return 0;
	st |= E1000_RXD_STAT_IPCS;
	if (ip_fast_csum(iph, iph->ihl))
		*errors |= E1000_RXD_ERR_IPE;
	if ((iph->protocol == IPPROTO_TCP || iph->protocol == IPPROTO_UDP) &&
	    !(ntohs(iph->frag_off) & (IP_MF | IP_OFFSET))) {
		const unsigned char *l4 = (const unsigned char *)iph + ihl;
		unsigned int l4len = tot - ihl;
		__wsum s = l4_sum(l4, (unsigned int)(l4 - f), l4len, pl);

		st |= E1000_RXD_STAT_TCPCS;
		if (iph->protocol == IPPROTO_UDP && l4len >= 8 && !((const struct udphdr *)l4)->check)
			return st; /* UDP without a checksum */
		if (csum_tcpudp_magic(iph->saddr, iph->daddr, l4len, iph->protocol, s))
			*errors |= E1000_RXD_ERR_TCPE;
	}
	return st;
}

u8 nic_rx_csum_status(const unsigned char *f, unsigned int len, u8 *errors)
{
	return rx_csum_status(f, len, errors, NULL);
}

/* The frame's length of pktgen's plain run whose template's writer w is
 * known: the writer's headers and the template's payload. */
static inline unsigned int plain_wire(const struct pktgen *g, enum writer w)
{
	return w == W_UDP_MIN ? ETH_ZLEN : PLAIN_L4 + 32 + g->tmpl.plen;
}

/*
 * src->fast_room for the memo just written: for a run rx_arrive_plain takes
 * (its emit one of the two it is chosen for) whose memo is for its untagged
 * frame, the room rx_arrive_plain asks of a buffer (64 bytes, as rx_arrive's
 * DMA check, and the template's need and frame); for any other, more than
 * any buffer has. Out of line and cold: a memo is written once a run.
 */
static __attribute__((noinline, cold)) void rx_fast_room_set(struct rx_source *src)
{
	enum writer w = src->emit == pktgen_emit_udp_min ? W_UDP_MIN :
			src->emit == pktgen_emit_tcp_ts_big ? W_TCP_TS_BIG : W_ANY;
	const struct pktgen *g;
	u64 need = 64;

	src->fast_room = ~0u;
	if (w == W_ANY)
		return; /* not pktgen's, or a run rx_arrive_plain does not take */
	g = container_of(src, struct pktgen, src);
	if (src->csum.key != plain_wire(g, w) << 1)
		return;
	if (g->tmpl.need > need)
		need = g->tmpl.need;
	if (plain_wire(g, w) > need)
		need = plain_wire(g, w);
	if (need < ~0u)
		src->fast_room = (u32)need;
}

/*
 * The checksum verdict on the frame at f. A frame of src's template (src->tmpl)
 * gets the verdict the NIC gave the last one of the same length and tag
 * handling: the verdict reads the headers' shape (fixed in a template) and
 * whether the two checksums are right (they are in every frame a template
 * writes), so it is the same for all of them. Any other frame, a driver's,
 * a capture's or a faulted one, is read as it is.
 */
static u8 rx_csum_verdict(struct rx_source *src, const unsigned char *f, unsigned int len,
			  bool vp, u8 *errors, const struct frame_payload *pl)
{
	u32 key = len << 1 | vp;
	u8 st;

	if (src && src->tmpl && src->csum.key == key) {
		*errors = src->csum.errors;
		return src->csum.status;
	}
	st = rx_csum_status(f, len, errors, pl);
	if (src && src->tmpl) {
		src->csum = (struct rx_csum_memo){ .key = key, .status = st, .errors = *errors };
		rx_fast_room_set(src);
	}
	return st;
}

/*
 * The skb owning the buffer at buf, as skb_pool_buffer_owner gives it, and
 * remembered in buf's slot (nic_hw.h) for the driver's unmap. A slot holding
 * buf already holds its owner: the pool's layout is fixed while the kit
 * lives, so an address's owner never changes (a slot never used holds
 * address 0 and no skb, which is what the pool gives for 0). A driver posts
 * again the buffers it took back lately, so its refills find their owners
 * there without working them out from the address.
 */
static inline struct sk_buff *rx_buffer_owner(struct nic *hw, const unsigned char *buf)
{
	struct nic_rx_owner *o = nic_rx_owner_slot(hw, (u64)(uintptr_t)buf);
	struct sk_buff *owner;

	if (o->addr == (u64)(uintptr_t)buf)
		return o->owner;
	owner = skb_pool_buffer_owner(hw->k, buf);
	if (owner) {
		o->addr = (u64)(uintptr_t)buf;
		o->owner = owner;
	}
	return owner;
}

/* Bytes of buffer behind a posted address (the rest of owner's skb buffer). */
static unsigned int buffer_room(const struct sk_buff *owner, const unsigned char *p)
{
	return owner ? (unsigned int)(owner->head + SKB_BUF_SIZE - p) : 0;
}

/* A frame landed at t: RXT0 now, or at the end of the coalescing window. */
static inline __attribute__((always_inline)) void rx_signal(struct nic *hw, u64 t)
{
	if (likely(!hw->rxfr && !hw->rdtr)) {
		/* no coalescing (rx-usecs and rx-frames 0), the common case
		 * first: RXT0 at once, the window the frame opens (rx_first)
		 * closed again, no count left */
		if (!hw->rx_unsignalled)
			hw->rx_first = t;
		nic_cause_cancel(hw, __builtin_ctz(E1000_ICR_RXT0));
		hw->rx_unsignalled = 0;
		nic_raise(hw, E1000_ICR_RXT0, t);
		return;
	}
	if (!hw->rx_unsignalled++)
		hw->rx_first = t;
	if (hw->rxfr && hw->rx_unsignalled >= hw->rxfr) {
		nic_cause_cancel(hw, __builtin_ctz(E1000_ICR_RXT0));
		hw->rx_unsignalled = 0;
		nic_raise(hw, E1000_ICR_RXT0, t);
	} else if (hw->rdtr) {
		nic_raise(hw, E1000_ICR_RXT0, hw->rx_first + (u64)hw->rdtr * 1024);
	}
}

/* A source whose traffic has ended leaves the NIC's list and is destroyed. */
static void rx_source_done(struct nic *hw, struct rx_source *s)
{
	for (int i = 0; i < hw->nsrc; i++) {
		if (hw->src[i] != s)
			continue;
		hw->src[i] = hw->src[--hw->nsrc];
		break;
	}
	if (s->destroy)
		s->destroy(s);
}

/* The descriptor at RDH received len bytes at t, into buf of owner's buffer,
 * from src (NULL: a frame off the wire, every byte read; its owner is
 * remembered here, a source's by rx_buffer_owner). Inline in both callers: a
 * source's frame is written back in the call that fetched it. */
static inline __attribute__((always_inline)) void
rx_writeback(struct nic *hw, struct e1000_rx_desc *d, unsigned char *buf, struct sk_buff *owner,
	     unsigned int len, u64 t, struct rx_source *src)
{
	struct frame_payload *pl = src ? &src->pl : NULL;
	struct kit *k = hw->k;
	u32 i = hw->rdh;
	u8 errors, status = 0;
	__le16 special = 0;

	/* arrival time, for the arrival-to-application latency (kit/exp/coalesce.c) */
	if (owner) {
		owner->tstamp = t;
		if (!src) {
			struct nic_rx_owner *o = nic_rx_owner_slot(hw, (u64)(uintptr_t)buf);

			o->addr = (u64)(uintptr_t)buf;
			o->owner = owner;
		}
	}

	pcap_tap(k, hw->dev, buf, len, t); /* the frame as it came off the wire */
	/* (the write-back's fields are stored together at the end: buf is an
	 * skb's buffer, never the descriptor ring, so nothing before reads them) */
	if ((hw->ctrl & E1000_CTRL_VME) && len >= VLAN_ETH_HLEN + 20 &&
	    ((struct ethhdr *)buf)->h_proto == htons(ETH_P_8021Q)) {
		/* VLAN mode: the tag goes into special, the frame closes up over it */
		special = cpu_to_le16(ntohs(((struct vlan_ethhdr *)buf)->h_vlan_TCI));
		memmove(buf + 2 * ETH_ALEN, buf + 2 * ETH_ALEN + VLAN_HLEN, len - 2 * ETH_ALEN - VLAN_HLEN);
		len -= VLAN_HLEN;
		status = E1000_RXD_STAT_VP;
		if (pl && pl->len && pl->off >= VLAN_ETH_HLEN)
			pl->off -= VLAN_HLEN; /* the payload moved with the rest */
		else if (pl)
			pl->len = 0;
	}
	status |= E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP |
		  rx_csum_verdict(src, buf, len, status & E1000_RXD_STAT_VP, &errors, pl);
	d->length = cpu_to_le16((u16)len);
	d->status = status;
	d->errors = errors;
	d->special = special;
	hw->rdh = (i + 1) % hw->rx_count;
	if (k->trace) /* (only loads in its arguments: none to work out without one) */
		trace_emit(k, t, TR_RX_DMA, hw->dev, i, i, hw->rdh, len);
	hw->rx_frames++;
	hw->rx_bytes += len;
	rx_signal(hw, t);
}

/* (out of line: inlined into the wire's sender, it would crowd hw_sync's TX path) */
__attribute__((noinline)) void nic_rx_frame(struct nic *hw, const unsigned char *frame,
					    unsigned int len, u64 t)
{
	struct e1000_rx_desc *d;
	struct sk_buff *owner;
	unsigned char *buf;
	u64 addr;

	if (!rx_ready(hw)) {
		rx_missed(hw, len, t);
		return;
	}
	d = rx_desc(hw, hw->rdh);
	addr = le64_to_cpu(d->buffer_addr);
	buf = (unsigned char *)(uintptr_t)addr;
	if (!nic_dma_ok(hw, addr, len) ||
	    buffer_room(owner = skb_pool_buffer_owner(hw->k, buf), buf) < len) {
		rx_missed(hw, len, t);
		return;
	}
	memcpy(buf, frame, len);
	snull_twist(buf, len); /* it came over the snull wire */
	rx_writeback(hw, d, buf, owner, len, t, NULL); /* a driver's frame */
}

/* A source's frame lands (the general arrival: any source, any state). */
static __attribute__((noinline)) void rx_arrive(struct nic *hw, struct rx_source *s)
{
	u64 t = s->next_at;
	unsigned int len;

	if (rx_ready(hw)) {
		struct e1000_rx_desc *d = rx_desc(hw, hw->rdh);
		u64 addr = le64_to_cpu(d->buffer_addr);
		unsigned char *buf = (unsigned char *)(uintptr_t)addr;
		struct sk_buff *owner = rx_buffer_owner(hw, buf);
		unsigned int room = buffer_room(owner, buf);

		/* 64 bytes inside an skb's buffer are inside the pool's open
		 * chunks (a buffer never crosses one): nic_dma_ok would say yes */
		if ((owner && room >= 64) || nic_dma_ok(hw, addr, 64)) {
			len = s->emit(s, buf, room);
			if (len > room)
				rx_missed(hw, len, t); /* the posted buffer is too small */
			else if (len)
				rx_writeback(hw, d, buf, owner, len, t, s);
			goto done;
		}
	}
	len = s->emit(s, NULL, 0);
	if (len)
		rx_missed(hw, len, t);
done:
	if (s->next_at == KIT_NEVER)
		rx_source_done(hw, s);
}

/*
 * The arrival of a frame of pktgen's plain run whose writer w is known (its
 * emit pktgen_emit_udp_min, 60-byte UDP frames, rx-64's; or
 * pktgen_emit_tcp_ts_big, TCP with timestamps and a payload above 64 bytes,
 * rx-1500's), in the state nearly every one finds: a descriptor posted, its
 * buffer an skb's with 64 bytes of room or more (its owner found and
 * remembered as rx_arrive finds it) and room for the template (emit_plain
 * then writes the whole frame, the template's headers and payload, and sets
 * the template flag), no capture and no trace, and the checksum verdict
 * remembered for an untagged frame of the template's length (a plain
 * writer's frame has no 802.1Q tag to take out). What
 * rx_arrive does then, step for step, with what it would test known: the
 * frame, its arrival time in the skb, the write-back with the remembered
 * verdict, RDH, the counts and the signal. Anything else takes rx_arrive
 * before a thing is changed.
 */
static inline __attribute__((always_inline)) void
rx_arrive_plain(struct nic *hw, struct rx_source *s, u8 l4proto, enum writer w)
{
	struct pktgen *g = container_of(s, struct pktgen, src);
	struct kit *k = hw->k;
	u64 t = s->next_at;
	struct e1000_rx_desc *d;
	struct sk_buff *owner;
	unsigned char *buf;
	unsigned int room, len;
	u32 i = hw->rdh;

	if (unlikely(!rx_ready(hw) || k->pcap || k->trace))
		return rx_arrive(hw, s);
	/* (no 802.1Q tag to take out whatever CTRL.VME says: these emits are
	 * chosen only for a plain writer's template, whose Ethernet header is
	 * ETH_HLEN bytes, untagged; pktgen.c) */
	d = rx_desc(hw, i);
	buf = (unsigned char *)(uintptr_t)le64_to_cpu(d->buffer_addr);
	owner = rx_buffer_owner(hw, buf);
	if (unlikely(!owner))
		return rx_arrive(hw, s);
	if (!buf) /* (no skb owns address 0: the pool gives none for it) */
		__builtin_unreachable();
	room = buffer_room(owner, buf);
	/* 64 bytes or more, the template's need and frame, and the verdict
	 * remembered for the frame: one test (fast_room, set with the memo) */
	if (unlikely(room < s->fast_room))
		return rx_arrive(hw, s);
	if ((u64)room < g->tmpl.need) /* (what fast_room holds: emit_plain's test is known) */
		__builtin_unreachable();
	g->fast_arrivals++;
	len = emit_plain(s, buf, room, l4proto, w); /* wire */
	owner->tstamp = t;
	d->length = cpu_to_le16((u16)len);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	{
		/* status, errors and special (0) side by side, from the memo's
		 * status and errors, side by side too: one load and one store */
		u16 se;
		u32 sw;

		_Static_assert(offsetof(struct rx_csum_memo, errors) ==
				       offsetof(struct rx_csum_memo, status) + 1 &&
			       offsetof(struct e1000_rx_desc, errors) ==
				       offsetof(struct e1000_rx_desc, status) + 1 &&
			       offsetof(struct e1000_rx_desc, special) ==
				       offsetof(struct e1000_rx_desc, status) + 2,
			       "status, errors (and special) side by side");
		memcpy(&se, &s->csum.status, sizeof(se));
		sw = (u32)se | E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
		memcpy(&d->status, &sw, sizeof(sw));
	}
#else
	d->status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP | s->csum.status;
	d->errors = s->csum.errors;
	d->special = 0;
#endif
	hw->rdh = (i + 1) % hw->rx_count;
	hw->rx_frames++;
	hw->rx_bytes += len;
	rx_signal(hw, t);
	if (s->next_at == KIT_NEVER)
		rx_source_done(hw, s);
}

static __attribute__((noinline)) void rx_arrive_udp_min(struct nic *hw, struct rx_source *s)
{
	rx_arrive_plain(hw, s, IPPROTO_UDP, W_UDP_MIN);
}

static __attribute__((noinline)) void rx_arrive_tcp_ts_big(struct nic *hw, struct rx_source *s)
{
	rx_arrive_plain(hw, s, IPPROTO_TCP, W_TCP_TS_BIG);
}

void nic_rx_from_source(struct nic *hw, struct rx_source *s)
{
	if (s->emit == pktgen_emit_udp_min)
		rx_arrive_udp_min(hw, s);
	else if (s->emit == pktgen_emit_tcp_ts_big)
		rx_arrive_tcp_ts_big(hw, s);
	else
		rx_arrive(hw, s);
}

/* race_rx_irq: the next frame of the earliest source lands now rather than at
 * its time (the rest of its traffic keeps its times). Returns RDH after it, or
 * -1 if no traffic is left. */
int nic_rx_pull_next(struct nic *hw)
{
	struct rx_source *s = NULL;

	hw_sync(hw->k);
	for (int i = 0; i < hw->nsrc; i++)
		if (hw->src[i]->next_at != KIT_NEVER && (!s || hw->src[i]->next_at < s->next_at))
			s = hw->src[i];
	if (!s)
		return -1;
	if (s->next_at > hw->k->now)
		s->next_at = hw->k->now;
	nic_rx_from_source(hw, s);
	hw_update(hw->k);
	return (int)hw->rdh;
}

int nic_add_source(struct nic *hw, struct rx_source *s)
{
	if (hw->nsrc == NIC_MAX_SRC)
		return -EBUSY;
	hw->src[hw->nsrc++] = s;
	hw_update(hw->k);
	return 0;
}

void nic_rx_reset(struct nic *hw)
{
	hw->rx_first = 0;
	hw->rx_unsignalled = 0;
}

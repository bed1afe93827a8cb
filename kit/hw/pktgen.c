/* pktgen.c - a remote sender feeding a device's RX side: flows, rates, bursts and faults. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nic_hw.h"
#include "core/pkttmpl.h"
#include "pktgen.h"

/*
 * Frames are made when they land: the NIC asks for the frame due now and
 * pktgen writes it straight into the RX buffer (the DMA), so a run of ten
 * million frames holds no frame in memory. Frame n arrives at
 *     start + (n / burst) * burst * interval + (n % burst) * wire time,
 * i.e. bursts back to back at line rate, spaced to keep the average rate.
 * Flows take turns; flow f of a TCP run carries bytes payload_at(key(f), .)
 * from sequence 1, with timestamps if asked (tsval from a 1 ms clock, as
 * Linux's), so the sink checks every byte.
 *
 * Faults hit every fault_every-th frame (counting from 1), or, with
 * fault_chance N, each frame with probability 1/N drawn from the machine's
 * seeded random numbers: header faults (PSH, no ACK, SYN, FIN, IP option,
 * ECN CE, timestamp going back) change that frame; loss drops it before the
 * wire; dup sends it twice; reorder swaps it with the next one. Sequence
 * numbers follow the bytes actually sent, so a faulted frame never breaks
 * the byte stream by itself: only loss and reordering do, as on a network.
 */

/* Is logical frame j faulted? Called once per frame, in order. */
static inline bool faulted(struct pktgen *g, u64 j)
{
	u64 z;

	if (!g->c.faults)
		return false;
	if (g->c.fault_chance) {
		z = (g->rng += 0x9E3779B97F4A7C15ULL);
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
		return ((z ^ (z >> 31)) % g->c.fault_chance) == 0;
	}
	return g->c.fault_every && (j + 1) % g->c.fault_every == 0;
}

static unsigned int plen_of(const struct pktgen *g, struct frame_spec *s)
{
	return g->c.len > frame_hdr_len(s) ? g->c.len - frame_hdr_len(s) : 0;
}

/* The fields every frame of the run shares, faults aside (the template's). */
static void spec_fixed(struct pktgen *g, struct frame_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->src_mac = g->smac;
	s->dst_mac = g->dev->dev_addr;
	s->saddr = kit_ipv4(10, 0, (u8)g->dev->ifindex, 2);
	s->daddr = g->dev->ip_addr;
	s->proto = g->c.proto;
	s->dport = 5001;
	s->len = g->c.len;
	s->vlan = g->c.vlan;
	s->tcp_ts = g->c.proto == IPPROTO_TCP && g->c.tcp_ts;
	if (g->c.proto == IPPROTO_TCP) {
		s->window = 512;
		s->flags = TCPF_ACK;
		s->tsecr = 1;
	} else if (g->c.proto != IPPROTO_UDP) {
		s->icmp_type = ICMP_ECHO;
	}
}

static inline void spec_vary(struct pktgen *g, u64 j, unsigned int plen, u32 f,
			     struct frame_spec *s)
{
	spec_vary_proto(g, j, g->c.proto == IPPROTO_TCP ? slot_time_ps(g, j) : 0, plen, f, s,
			g->c.proto);
}

/* The frame spec of logical frame j, faulted or not; advances its flow. */
static void spec_of(struct pktgen *g, u64 j, bool fault, struct frame_spec *s)
{
	u32 f = fault ? g->c.faults : 0;

	spec_fixed(g, s);
	s->ipopt = f & PKTGEN_F_IPOPT;
	s->tos = (f & PKTGEN_F_CE) ? INET_ECN_CE : 0;
	if (g->c.proto == IPPROTO_TCP) {
		if (f & PKTGEN_F_NOACK)
			s->flags &= (u8)~TCPF_ACK;
		if (f & PKTGEN_F_PSH)
			s->flags |= TCPF_PSH;
		if (f & PKTGEN_F_SYN)
			s->flags |= TCPF_SYN;
		if (f & PKTGEN_F_FIN)
			s->flags |= TCPF_FIN;
	}
	spec_vary(g, j, plen_of(g, s), f, s);
}

/* What a slot gets: nothing (a lost frame), a frame of the template, or a whole spec. */
enum pick { PICK_LOST, PICK_TMPL, PICK_SPEC };

/*
 * What goes into this slot. A frame without a fault is the template's with
 * its varying fields (s holds only those); a faulted one, and whatever a
 * dup or reorder holds back, is a whole spec built from scratch.
 */
static enum pick pick(struct pktgen *g, struct frame_spec *s)
{
	u64 j;
	bool f;

	if (g->have_pending) {
		g->have_pending = false;
		*s = g->pending;
		return PICK_SPEC;
	}
	j = g->next_j++;
	f = faulted(g, j);
	if (!f && likely(g->tmpl.fast)) {
		spec_vary(g, j, g->tmpl.plen, 0, s);
		return PICK_TMPL;
	}
	spec_of(g, j, f, s);
	if (!f)
		return PICK_SPEC;
	if (g->c.faults & PKTGEN_F_LOSS)
		return PICK_LOST;
	if (g->c.faults & PKTGEN_F_DUP) {
		g->have_pending = true; /* the same frame again, next slot */
		g->pending = *s;
	} else if ((g->c.faults & PKTGEN_F_REORDER) && g->next_j < g->c.count) {
		g->have_pending = true; /* j waits one slot: j+1 goes first */
		g->pending = *s;
		j = g->next_j++;
		spec_of(g, j, faulted(g, j), s);
	}
	return PICK_SPEC;
}

/* one per protocol, so the frame's fields are chosen when the run starts */
static unsigned int emit_plain_udp(struct rx_source *src, unsigned char *buf, unsigned int room)
{
	return emit_plain(src, buf, room, IPPROTO_UDP, W_ANY);
}

/* a UDP run whose template's writer is frame_write_udp_min (rx-64's frames) */
unsigned int pktgen_emit_udp_min(struct rx_source *src, unsigned char *buf, unsigned int room)
{
	return emit_plain(src, buf, room, IPPROTO_UDP, W_UDP_MIN);
}

static unsigned int emit_plain_tcp(struct rx_source *src, unsigned char *buf, unsigned int room)
{
	return emit_plain(src, buf, room, IPPROTO_TCP, W_ANY);
}

/* a TCP run whose template's writer is frame_write_tcp_ts_big (rx-1500-lro's) */
unsigned int pktgen_emit_tcp_ts_big(struct rx_source *src, unsigned char *buf, unsigned int room)
{
	return emit_plain(src, buf, room, IPPROTO_TCP, W_TCP_TS_BIG);
}

static unsigned int emit_plain_icmp(struct rx_source *src, unsigned char *buf, unsigned int room)
{
	return emit_plain(src, buf, room, IPPROTO_ICMP, W_ANY);
}

static unsigned int pktgen_emit(struct rx_source *src, unsigned char *buf, unsigned int room)
{
	struct pktgen *g = container_of(src, struct pktgen, src);
	static unsigned char scratch_[SKB_BUF_SIZE + NET_IP_ALIGN] __attribute__((aligned(8)));
	unsigned char *scratch = scratch_ + NET_IP_ALIGN; /* IP header 4-byte aligned */
	struct frame_spec s;
	unsigned int len = 0;
	u64 left;

	g->src.pl.len = 0;
	g->src.tmpl = false;
	switch (pick(g, &s)) {
	case PICK_TMPL:
		if (buf)
			len = frame_tmpl_build(&g->tmpl, buf, room, &s, &g->src.pl);
		g->src.tmpl = len != 0; /* written whole from the template */
		/* no buffer, or one too small: the frame's length, nothing written */
		if (!len)
			len = g->tmpl.wire;
		break;
	case PICK_SPEC:
		if (buf)
			len = frame_build_pl(buf, room, &s, &g->src.pl);
		if (!len)
			len = frame_build(scratch, SKB_BUF_SIZE, &s);
		break;
	case PICK_LOST:
		break;
	}
	g->slot++;
	left = (g->c.count - g->next_j) + g->have_pending;
	if (!left) {
		g->src.next_at = g->src.last_at = KIT_NEVER;
		return len;
	}
	g->src.next_at = (slot_time_ps(g, g->slot) + 999) / 1000;
	/* the final frame's slot moves only when a slot goes unused or twice used */
	if (g->slot + left - 1 != g->last_slot) {
		g->last_slot = g->slot + left - 1;
		g->src.last_at = (slot_time_ps(g, g->last_slot) + 999) / 1000;
	}
	return len;
}

static void pktgen_destroy(struct rx_source *src)
{
	struct pktgen *g = container_of(src, struct pktgen, src);

	free(g->seq);
	free(g);
}

void pktgen_cfg_default(struct pktgen_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->count = 1;
	c->len = ETH_ZLEN;
	c->flows = 1;
	c->proto = IPPROTO_UDP;
	c->burst = 1;
}

#define FAIL(...)                                \
	do {                                     \
		snprintf(err, errlen, __VA_ARGS__); \
		return -EINVAL;                  \
	} while (0)

static int check(struct kit *k, const struct pktgen_cfg *c, char *err, size_t errlen)
{
	struct frame_spec s = { .proto = c->proto, .tcp_ts = c->tcp_ts, .vlan = c->vlan,
				.ipopt = !!(c->faults & PKTGEN_F_IPOPT) };
	u64 line_pps;

	if (c->count < 1 || c->count > 1000000000000ULL)
		FAIL("count must be between 1 and 10^12 frames");
	if (c->len < ETH_ZLEN || c->len > ETH_FRAME_LEN)
		FAIL("len must be between %d and %d bytes", ETH_ZLEN, ETH_FRAME_LEN);
	if (c->proto != IPPROTO_UDP && c->proto != IPPROTO_TCP && c->proto != IPPROTO_ICMP)
		FAIL("proto must be udp, tcp or icmp");
	if (c->proto == IPPROTO_TCP && c->len <= frame_hdr_len(&s))
		FAIL("len must be at least %u for TCP%s (headers take %u bytes)",
		     frame_hdr_len(&s) + 1, c->tcp_ts ? " with timestamps" : "", frame_hdr_len(&s));
	if (c->flows < 1 || c->flows > 1024)
		FAIL("flows must be between 1 and 1024");
	if (c->vlan > 4095)
		FAIL("vlan must be between 0 and 4095");
	if (c->faults & ~0x3ffu)
		FAIL("unknown fault bits");
	line_pps = 1000000000000ULL / wire_ps(k, c->len);
	if (c->rate_pps > line_pps)
		FAIL("rate %llu pps is above the line rate: %llu pps for %u-byte frames at %ld Mb/s",
		     (unsigned long long)c->rate_pps, (unsigned long long)line_pps, c->len,
		     k->knob[KNOB_LINK_MBPS]);
	return 0;
}

int kit_pktgen(struct net_device *dev, const struct pktgen_cfg *c, char *err, size_t errlen)
{
	struct kit *k = kit_enter(dev->kit);
	struct frame_spec fixed;
	struct pktgen *g;
	struct nic *hw = dev->nic;

	if (!hw)
		FAIL("%s has no NIC", dev->name);
	if (check(k, c, err, errlen))
		return -EINVAL;
	if (hw->nsrc == NIC_MAX_SRC)
		FAIL("%s already has %d senders running: wait for one to finish", dev->name,
		     NIC_MAX_SRC);
	g = calloc(1, sizeof(*g));
	if (g)
		g->seq = calloc(c->flows, sizeof(*g->seq));
	if (!g || !g->seq) {
		free(g);
		FAIL("out of memory");
	}
	for (u32 f = 0; f < c->flows; f++)
		g->seq[f] = 1; /* each TCP flow's bytes start at sequence 1 */
	g->rng = kit_random(k); /* the seed decides the random faults */
	hw_catch_up(k);
	g->k = k;
	g->dev = dev;
	g->c = *c;
	if (!g->c.burst)
		g->c.burst = 1;
	g->wire_ps_len = wire_ps(k, c->len);
	g->interval_ps = c->rate_pps ? 1000000000000ULL / c->rate_pps : g->wire_ps_len;
	if (g->interval_ps < g->wire_ps_len)
		g->interval_ps = g->wire_ps_len;
	g->start_ps = (k->now + c->start_ns) * 1000;
	memcpy(g->smac, "\x02\0PKTG", ETH_ALEN);
	/* the device's MAC and address are fixed at probe: the headers are made once a run */
	spec_fixed(g, &fixed);
	frame_tmpl_init(&g->tmpl, &fixed);
	g->plain = !g->c.faults && g->tmpl.fast;
	g->src.emit = !g->plain ? pktgen_emit :
		      c->proto == IPPROTO_UDP && g->tmpl.write == frame_write_udp_min ?
		      pktgen_emit_udp_min :
		      c->proto == IPPROTO_UDP ? emit_plain_udp :
		      g->tmpl.write == frame_write_tcp_ts_big ? pktgen_emit_tcp_ts_big :
		      c->proto == IPPROTO_TCP ? emit_plain_tcp : emit_plain_icmp;
	g->src.destroy = pktgen_destroy;
	g->src.fast_room = ~0u; /* no verdict remembered yet (nic_rx.c) */
	g->step_ns = g->interval_ps / 1000;
	g->step_sub = (u32)(g->interval_ps % 1000);
	slot_set(g, slot_time_ps(g, 0));
	g->src.next_at = g->slot_ns;
	g->last_slot = c->count - 1;
	g->src.last_at = (slot_time_ps(g, g->last_slot) + 999) / 1000;
	for (u32 f = 0; f < c->flows && (c->proto == IPPROTO_TCP || c->proto == IPPROTO_UDP); f++)
		stack_expect_flow(k, kit_ipv4(10, 0, (u8)dev->ifindex, 2), dev->ip_addr,
				  (u16)(20000 + f), 5001, c->proto, payload_key(f));
	if (nic_add_source(hw, &g->src)) {
		free(g);
		FAIL("%s cannot take another sender", dev->name);
	}
	return 0;
}

/* calls.c - what a client may do to the machine, TX side: frames, qdisc, driver, queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit.h"
#include "core/calls.h"
#include "core/pkttmpl.h"
#include "core/qdisc.h"
#include "hw/nic_hw.h"

/*
 * Each call enters the kit (kit_current), catches the hardware up to now,
 * runs in the context the kernel path would use (process for sends,
 * softirq for polls and qdisc runs, hardirq for the interrupt), and checks
 * its arguments first: a call that cannot be made says why in err and
 * changes nothing.
 */

/* The snull address on the far side: .1 <-> .2 in the last octet. */
static __be32 remote_addr(const struct net_device *dev)
{
	u32 a = ntohl(dev->ip_addr);

	return htonl(a ^ 3);
}

/* What of frame i of p depends on i (plen: its payload bytes, the same for every i). */
static void spec_at(struct kit *k, const struct kit_pkt *p, u32 i, unsigned int plen,
		    struct frame_spec *s)
{
	s->ip_id = (u16)(p->seq + i);
	if (s->proto == IPPROTO_TCP) {
		s->seq = (p->seq ? p->seq : 1) + i * plen;
		s->off = s->seq - 1;
	} else if (s->proto == IPPROTO_UDP) {
		s->seq = p->seq + i;
		s->off = s->seq * plen;
	} else {
		s->icmp_seq = (u16)(p->seq + i);
		s->icmp_stamp = k->now;
	}
}

/* The frame the kit builds for p, and the flow registered at the receiver. */
static void spec_for(struct net_device *dev, const struct kit_pkt *p, u32 i, u8 *peer_mac,
		     struct frame_spec *s)
{
	u8 proto = p->proto ? p->proto : IPPROTO_UDP;
	unsigned int len = p->len ? p->len : ETH_ZLEN;

	memcpy(peer_mac, dev->dev_addr, ETH_ALEN);
	peer_mac[5] ^= 1;
	*s = (struct frame_spec){
		.src_mac = dev->dev_addr, .dst_mac = peer_mac, .saddr = dev->ip_addr,
		.daddr = p->daddr ? p->daddr : remote_addr(dev), .proto = proto,
		.sport = (u16)(10000 + p->flow % 50000), .dport = 5001, .len = len,
		.key = payload_key(p->flow),
	};
	if (proto == IPPROTO_TCP) {
		s->flags = TCPF_ACK;
		s->ack = 1;
	} else if (proto != IPPROTO_UDP) {
		s->icmp_type = ICMP_ECHO;
		s->icmp_id = (u16)p->flow;
	}
	spec_at(dev->kit, p, i, len > frame_hdr_len(s) ? len - frame_hdr_len(s) : 0, s);
}

/* Frame 0 of a flow registers it at the receiver (below). */
static void expect_at_peer(struct kit *k, const struct frame_spec *s);

/*
 * Frame i of a kit_pkt: the template t of its flow with v's varying fields
 * (spec_at's), byte for byte the frame_build of spec_for(dev, p, i). The
 * headers were made once for the burst (frames_start), so a frame costs a
 * copy of them and of the payload, a few stores and two checksum updates.
 * The skb is as long as the frame: headers and payload, or 60 bytes with
 * Ethernet padding.
 */
/* the line an skb the builder allocates names (one for both builders) */
#define BUILD_LINE 87

static struct sk_buff *build(struct net_device *dev, const struct frame_tmpl *t,
			     const struct frame_spec *v, u32 i)
{
	unsigned int len = t->s.len > t->hdr_len ? t->s.len : t->hdr_len;
	struct kit *k = dev->kit;
	struct sk_buff *skb;

	skb = __netdev_alloc_skb_ip_align(dev, len < ETH_ZLEN ? ETH_ZLEN : len,
					  "the kit's frame builder", BUILD_LINE);
	if (!skb)
		return NULL;
	skb_put(skb, frame_tmpl_build(t, skb->data, SKB_MAX_ALLOC - NET_IP_ALIGN, v, NULL));
	skb->protocol = htons(ETH_P_IP);
	if (i == 0)
		expect_at_peer(k, v);
	return skb;
}

/* The receiver sees the flow through the snull twist: register it as checked. */
static void expect_at_peer(struct kit *k, const struct frame_spec *s)
{
	__be32 sa = s->saddr, da = s->daddr;

	if (s->proto != IPPROTO_TCP && s->proto != IPPROTO_UDP)
		return;
	if (k->knob[KNOB_WIRE_PEER]) {
		sa ^= htonl(0x100);
		da ^= htonl(0x100);
	}
	stack_expect_flow(k, sa, da, s->sport, s->dport, s->proto, s->key);
}

/*
 * The frames of one kit_pkt (struct tx_frames): the headers are made once
 * (frames_start) and each frame writes only what depends on i (frames_at),
 * so a burst, or a sender's run, costs one frame_build and a few stores a
 * frame.
 */
static void frames_start(struct tx_frames *f, struct net_device *dev, const struct kit_pkt *p)
{
	spec_for(dev, p, 0, f->peer, &f->v);
	frame_tmpl_init(&f->t, &f->v);
	f->ready = true;
}

static struct sk_buff *frames_at(struct tx_frames *f, struct net_device *dev,
				 const struct kit_pkt *p, u32 i)
{
	spec_at(dev->kit, p, i, f->t.plen, &f->v);
	return build(dev, &f->t, &f->v, i);
}

/*
 * A client's sends on one flow make one stream: a second `dev_queue_xmit`
 * carries on from where the first stopped, so the receiver sees the flow in
 * order. The kit remembers, per device, protocol and flow, the sequence the
 * next frame takes; a kit_pkt with seq_set starts wherever it says.
 */
struct tx_flow {
	u8 dev, proto;
	u32 flow;
	u32 next;
};

static struct tx_flow *tx_flow_of(struct kit *k, const struct net_device *dev, u8 proto,
				  u32 flow)
{
	struct tx_flow *f;

	for (int i = 0; i < k->ntxf; i++) {
		f = &k->txf[i];
		if (f->dev == dev->ifindex && f->proto == proto && f->flow == flow)
			return f;
	}
	if (k->ntxf == k->captxf) {
		int cap = k->captxf ? 2 * k->captxf : 16;

		f = realloc(k->txf, (size_t)cap * sizeof(*f));
		if (!f)
			return NULL; /* the flow starts over: the receiver will say so */
		k->txf = f;
		k->captxf = cap;
	}
	f = &k->txf[k->ntxf++];
	*f = (struct tx_flow){ .dev = (u8)dev->ifindex, .proto = proto, .flow = flow,
			       .next = proto == IPPROTO_TCP ? 1 : 0 };
	return f;
}

/* p as it will be sent: the flow's next sequence unless p sets one. */
static struct tx_flow *flow_start(struct net_device *dev, const struct kit_pkt *p,
				  struct kit_pkt *q)
{
	struct tx_flow *f;

	*q = *p;
	if (!q->proto)
		q->proto = IPPROTO_UDP;
	f = tx_flow_of(dev->kit, dev, q->proto, q->flow);
	if (!p->seq_set && f)
		q->seq = f->next;
	return f;
}

/* After n frames of q: the sequence of the frame that would come next. */
static void flow_advance(struct net_device *dev, struct tx_flow *f, const struct kit_pkt *q,
			 u64 n)
{
	struct frame_spec s;
	u8 peer[ETH_ALEN];

	if (!f)
		return;
	spec_for(dev, q, (u32)n, peer, &s);
	f->next = q->proto == IPPROTO_TCP ? s.seq : q->seq + (u32)n;
}

static int check_pkt(const struct kit_pkt *p, char *err, size_t errlen)
{
	if (p->len && (p->len < ETH_ZLEN || p->len > ETH_FRAME_LEN))
		FAIL("len must be between %d and %d bytes (an Ethernet frame without FCS)", ETH_ZLEN,
		     ETH_FRAME_LEN);
	if (p->proto && p->proto != IPPROTO_UDP && p->proto != IPPROTO_TCP &&
	    p->proto != IPPROTO_ICMP)
		FAIL("proto must be udp, tcp or icmp");
	return 0;
}

/* check_pkt where there is no one to tell why (the callers' callers checked). */
static bool pkt_ok(const struct kit_pkt *p)
{
	char err[128];

	return !check_pkt(p, err, sizeof(err));
}

struct sk_buff *kit_skb_alloc(struct net_device *dev, const struct kit_pkt *p, char *err,
			      size_t errlen)
{
	enum kit_ctx prev;
	struct sk_buff *skb;
	struct tx_frames fr;
	struct tx_flow *f;
	struct kit_pkt q;

	if (check_pkt(p, err, errlen))
		return NULL;
	prev = enter(dev, CTX_PROCESS, "skb alloc");
	f = flow_start(dev, p, &q);
	frames_start(&fr, dev, &q);
	skb = frames_at(&fr, dev, &q, 0);
	if (skb)
		flow_advance(dev, f, &q, 1);
	leave(dev, prev);
	if (!skb)
		snprintf(err, errlen, "no skb: the pool is exhausted or fault_skb_alloc failed it");
	return skb;
}

int kit_dev_queue_xmit(struct net_device *dev, struct sk_buff *skb)
{
	enum kit_ctx prev = enter(dev, CTX_PROCESS, "dev_queue_xmit");
	int rc;

	skb->dev = dev;
	rc = dev_queue_xmit(skb);
	leave(dev, prev);
	return rc;
}

/* Frames first .. first + n - 1 of the sequence p describes. */
u64 xmit_frames_from(struct net_device *dev, const struct kit_pkt *p, u64 first, u64 n,
		     u64 *built)
{
	struct tx_frames fr;
	enum kit_ctx prev;
	u64 queued = 0, i;

	if (built)
		*built = 0;
	if (!pkt_ok(p))
		return 0;
	prev = enter(dev, CTX_PROCESS, "dev_queue_xmit");
	for (i = first; i < first + n && !kit_dev_broken(dev); i++) {
		struct sk_buff *skb;

		if (i == first)
			frames_start(&fr, dev, p);
		skb = frames_at(&fr, dev, p, (u32)i);

		if (!skb)
			break;
		if (dev_queue_xmit(skb) == NET_XMIT_SUCCESS)
			queued++;
	}
	leave(dev, prev);
	if (built)
		*built = i - first;
	return queued;
}

/*
 * What xmit_frames_while works out once per burst instead of per frame: the
 * skb's length (build's), and whether the template's writer can be called
 * directly (frame_tmpl_build's room check passes for every frame: the room
 * is the same each time).
 */
struct burst {
	unsigned int alloc;
	bool direct;
	u8 writer; /* W_*: the template's writer, when it can be inline */
};

enum { W_CALL, W_UDP_MIN, W_UDP_BIG }; /* through t->write; pkttmpl.h's inline ones */

static void burst_of(const struct tx_frames *f, struct burst *b)
{
	unsigned int len = f->t.s.len > f->t.hdr_len ? f->t.s.len : f->t.hdr_len;

	b->alloc = len < ETH_ZLEN ? ETH_ZLEN : len;
	b->direct = (u64)(SKB_MAX_ALLOC - NET_IP_ALIGN) >= f->t.need;
	b->writer = f->t.write == frame_write_udp_min ? W_UDP_MIN :
		    f->t.write == frame_write_udp_big ? W_UDP_BIG : W_CALL;
}

/* frames_at for a UDP flow whose writer is called directly: the same spec_at
 * fields and the same skb as build (quiet: by skb_alloc_burst, its catch-up
 * left to dev_queue_xmit's charge, which the caller makes next). */
static inline __attribute__((always_inline)) struct sk_buff *
frames_at_udp(struct tx_frames *f, struct net_device *dev, const struct kit_pkt *p, u32 i,
	      const struct burst *b, bool quiet, int writer)
{
	unsigned int len;
	struct sk_buff *skb;
	u32 seq = p->seq + i;

	if (quiet)
		skb = skb_alloc_burst(dev, b->alloc, "the kit's frame builder", BUILD_LINE);
	else
		skb = __netdev_alloc_skb_ip_align(dev, b->alloc, "the kit's frame builder",
						  BUILD_LINE);
	/* the frame's fields after the skb's stores (which may alias anything),
	 * so the writer's reads of them come from registers, not memory */
	f->v.ip_id = (u16)seq;
	f->v.seq = seq;
	f->v.off = seq * f->t.plen;
	if (!skb)
		return NULL;
	/* writer: b->writer where the caller made it a constant (the same bytes) */
	if (writer == W_UDP_MIN)
		len = frame_write_udp_min_inline(&f->t, skb->data, &f->v);
	else if (writer == W_UDP_BIG)
		len = frame_write_udp_big_inline(&f->t, skb->data, &f->v);
	else
		len = f->t.write(&f->t, skb->data, &f->v, NULL);
	skb_put(skb, len);
	skb->protocol = htons(ETH_P_IP);
	if (unlikely(i == 0))
		expect_at_peer(dev->kit, &f->v);
	return skb;
}

/*
 * The UDP loop of xmit_frames_while from frame *at on: true when more() said
 * no (the burst ends), false when the device is broken (frame *at taken,
 * not made: the general loop goes on from the next) or the burst is done.
 * What the burst found at its start holds to its end (only a client's call
 * changes it, and more() only asks: the sender's reads the device and the
 * qdisc's length): quiet, skb_burst_ok and a qdisc on the device, so each
 * allocation skips the tests whose answers it knows, its catch-up made by
 * dev_queue_xmit's charge, and dev_queue_xmit skips its test for a qdisc;
 * alone, xmit_fixed_alone as well, so it skips those tests too. writer:
 * the template's writer inline (W_UDP_MIN, W_UDP_BIG) or called (W_CALL).
 */
static inline __attribute__((always_inline)) bool
udp_loop(struct tx_frames *fr, struct net_device *dev, const struct kit_pkt *p, u64 first,
	 u64 n, u64 *at, bool (*more)(void *arg), void *arg, const struct burst *b, bool quiet,
	 bool alone, int writer)
{
	for (u64 i = *at; i < n; i++) {
		struct sk_buff *skb;

		if (!more(arg)) {
			*at = i;
			return true;
		}
		if (unlikely(kit_dev_broken(dev))) {
			*at = i + 1;
			return false;
		}
		skb = frames_at_udp(fr, dev, p, (u32)(first + i), b, quiet, writer);
		if (skb)
			dev_queue_xmit_held(skb, quiet, alone);
	}
	*at = n;
	return false;
}

u64 xmit_frames_while(struct net_device *dev, const struct kit_pkt *p, u64 first, u64 n,
		      bool (*more)(void *arg), void *arg, struct tx_frames *fr)
{
	bool ok = pkt_ok(p), udp = false;
	enum kit_ctx prev = enter(dev, CTX_PROCESS, "dev_queue_xmit");
	struct tx_frames here;
	struct burst b = { 0, false, W_CALL };
	u64 i;

	if (!fr) {
		fr = &here;
		fr->ready = false;
	}
	if (ok && fr->ready) { /* a sender's burst after its first */
		burst_of(fr, &b);
		udp = b.direct && fr->v.proto == IPPROTO_UDP;
	}
	i = 0;
	if (likely(udp)) { /* the loop below's, for a checked kit_pkt whose frames are made */
		bool done;

		/* the loop made for what the burst found (udp_loop) */
		if (unlikely(!skb_burst_ok(dev, b.alloc) || !dev->qdisc))
			done = udp_loop(fr, dev, p, first, n, &i, more, arg, &b, false, false, W_CALL);
		else if (likely(xmit_fixed_alone(dev)) && b.writer == W_UDP_MIN)
			done = udp_loop(fr, dev, p, first, n, &i, more, arg, &b, true, true, W_UDP_MIN);
		else if (likely(xmit_fixed_alone(dev)) && b.writer == W_UDP_BIG)
			done = udp_loop(fr, dev, p, first, n, &i, more, arg, &b, true, true, W_UDP_BIG);
		else if (likely(xmit_fixed_alone(dev)))
			done = udp_loop(fr, dev, p, first, n, &i, more, arg, &b, true, true, W_CALL);
		else if (b.writer == W_UDP_MIN)
			done = udp_loop(fr, dev, p, first, n, &i, more, arg, &b, true, false, W_UDP_MIN);
		else
			done = udp_loop(fr, dev, p, first, n, &i, more, arg, &b, true, false, W_CALL);
		if (done)
			goto out;
	}
	for (; i < n && more(arg); i++) {
		struct sk_buff *skb = NULL;

		if (ok && !kit_dev_broken(dev)) {
			if (!fr->ready)
				frames_start(fr, dev, p);
			skb = frames_at(fr, dev, p, (u32)(first + i));
		}
		if (skb)
			dev_queue_xmit(skb);
	}
out:
	leave(dev, prev);
	return i;
}

u64 kit_xmit_frames(struct net_device *dev, const struct kit_pkt *p, u64 n)
{
	struct kit_pkt q;
	struct tx_flow *f;
	u64 queued, built;

	if (!pkt_ok(p))
		return 0;
	f = flow_start(dev, p, &q);
	queued = xmit_frames_from(dev, &q, 0, n, &built);
	flow_advance(dev, f, &q, built); /* dropped frames are gone, not taken back */
	return queued;
}

static int held(struct sk_buff *skb, char *err, size_t errlen)
{
	if (skb->kit_place != SKB_USER)
		FAIL("skb#%u is not held by you: it is %s", skb->kit_id, skb_place_name(skb->kit_place));
	return 0;
}

int kit_hard_start_xmit(struct net_device *dev, struct sk_buff *skb, char *err, size_t errlen)
{
	enum kit_ctx prev;
	int rc;

	if (held(skb, err, errlen))
		return -EINVAL;
	if (!netif_running(dev))
		FAIL("%s is down", dev->name);
	if (kit_dev_broken(dev))
		FAIL("%s is broken after a driver crash: reset or driver reload", dev->name);
	prev = enter(dev, CTX_PROCESS, "hard_start_xmit");
	if (netif_queue_stopped(dev)) {
		dev->core.xmit_stopped++;
		kit_warn(dev->kit, dev, RULE_XMIT_STOPPED);
	}
	skb->dev = dev;
	sim_charge(dev->kit, COST_LOCK);
	rc = dev_xmit_one(dev, skb, false);
	if (rc == NETDEV_TX_BUSY)
		skb_set_place(skb, SKB_USER); /* BUSY: still yours */
	leave(dev, prev);
	return rc;
}

int kit_hard_prep_xmit(struct net_device *dev, struct sk_buff *skb, char *err, size_t errlen)
{
	struct kit *k = dev->kit;
	enum kit_ctx prev;
	int rc;

	u32 id = skb->kit_id;

	if (held(skb, err, errlen))
		return -EINVAL;
	if (!dev->hard_prep_xmit)
		FAIL("%s has no hard_prep_xmit: it belongs to the btx batching mode "
		     "(ethtool -K %s batching btx)", dev->name, dev->name);
	/* the core prepares only what it dequeues, and a down device's qdisc holds nothing */
	if (!netif_running(dev))
		FAIL("%s is down: the core calls hard_prep_xmit only on a running device", dev->name);
	if (kit_dev_broken(dev))
		FAIL("%s is broken after a driver crash: reset or driver reload", dev->name);
	prev = enter(dev, CTX_PROCESS, "hard_prep_xmit");
	sim_charge(k, COST_CALL);
	struct drvcall dc = driver_enter(k, dev, "hard_prep_xmit");
	rc = dev->hard_prep_xmit(skb, dev);
	driver_leave(k, dc);
	TRACE(k, TR_PREP, dev, id, (u32)rc, 0, 0);
	if (rc != NETDEV_TX_OK)
		dev->stats.tx_dropped++; /* as the core: the driver has freed it */
	leave(dev, prev);
	return rc;
}

static struct sk_buff_head *batch_list(struct net_device *dev, char *err, size_t errlen)
{
	if (dev->batch_mode == TX_BATCH_BTX)
		return dev->blist;
	if (dev->batch_mode == TX_BATCH_SKB_BLIST)
		return dev->skb_blist;
	snprintf(err, errlen, "%s does not batch with a list: set batching btx or skb_blist "
		 "(ethtool -K %s batching btx)", dev->name, dev->name);
	return NULL;
}

int kit_blist_fill(struct net_device *dev, char *err, size_t errlen)
{
	struct sk_buff_head *list = batch_list(dev, err, errlen);
	enum kit_ctx prev;
	unsigned int n;

	if (!list)
		return -EINVAL;
	if (netif_queue_stopped(dev))
		FAIL("the queue of %s is stopped: the core dequeues nothing until it is woken",
		     dev->name);
	prev = enter(dev, CTX_SOFTIRQ, "blist fill");
	n = qdisc_fill_batch(dev, list, dev->batch_mode == TX_BATCH_BTX);
	leave(dev, prev);
	return (int)n;
}

int kit_hard_batch_xmit(struct net_device *dev, char *err, size_t errlen)
{
	struct sk_buff_head *list = batch_list(dev, err, errlen);
	enum kit_ctx prev;
	int sent;

	if (!list)
		return -EINVAL;
	if (skb_queue_empty(list))
		FAIL("the batch list of %s is empty: fill it first (blist %s)", dev->name, dev->name);
	if (kit_dev_broken(dev))
		FAIL("%s is broken after a driver crash: reset or driver reload", dev->name);
	prev = enter(dev, CTX_SOFTIRQ, dev->batch_mode == TX_BATCH_BTX ? "hard_batch_xmit" :
								       "hard_start_xmit(NULL)");
	sent = qdisc_send_batch(dev, list);
	leave(dev, prev);
	return sent;
}

int kit_qdisc_run(struct net_device *dev)
{
	struct kit *k = dev->kit;
	struct softnet_data *sd = &k->sd;
	enum kit_ctx prev = enter(dev, CTX_SOFTIRQ, "qdisc_run");
	u64 before = dev->core.xmit_calls;

	for (int i = 0; i < sd->output_n; i++)
		if (sd->output_queue[i] == dev)
			sd->output_queue[i] = sd->output_queue[--sd->output_n];
	if (!sd->output_n)
		k->cpu.softirq_pending &= ~(1u << NET_TX_SOFTIRQ);
	qdisc_run(dev);
	leave(dev, prev);
	return (int)(dev->core.xmit_calls - before);
}

void kit_netif_stop_queue(struct net_device *dev)
{
	enum kit_ctx prev = enter(dev, CTX_PROCESS, "netif_stop_queue");

	netif_stop_queue(dev);
	leave(dev, prev);
}

void kit_netif_wake_queue(struct net_device *dev)
{
	enum kit_ctx prev = enter(dev, CTX_PROCESS, "netif_wake_queue");

	netif_wake_queue(dev);
	leave(dev, prev);
}

void kit_netif_start_queue(struct net_device *dev)
{
	enum kit_ctx prev = enter(dev, CTX_PROCESS, "netif_start_queue");

	netif_start_queue(dev);
	leave(dev, prev);
}

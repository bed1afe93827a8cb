/* test_txk_fast.c - the kernel TX path's and the frame writer's fast paths against the general ones. */
#include <criterion/criterion.h>
#include <string.h>

#include "kit.h"
#include "core/payload.h"
#include "hw/nic_hw.h"
#include "helpers.h"

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u32 rnd(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(rng >> 32);
}

static void setup(void)
{
	payload_init();
}

TestSuite(txk_fast, .init = setup, .timeout = 60);

/*
 * payload_csum_at's one difference of payload_word_sum against its
 * definition from the bytes: the window's bytes at even positions plus those
 * at odd positions shifted by 8, as a u32 (not only folded), at every start
 * of the period and at lengths around a 60-byte frame's, a 1514-byte one's
 * and a whole buffer.
 */
Test(txk_fast, payload_sum_of_every_window_start)
{
	static const unsigned int lens[] = { 0, 1, 2, 3, 13, 14, 15, 16, 1467, 1468, 1469,
					     SKB_BUF_SIZE - 1, SKB_BUF_SIZE };

	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		unsigned int len = lens[l];
		u32 lo = 0, hi = 0;

		/* the window at 0, then slid one byte at a time */
		for (unsigned int j = 0; j < len; j++) {
			if (j % 2)
				hi += payload_table[j];
			else
				lo += payload_table[j];
		}
		for (u32 at = 0; at < PAYLOAD_PERIOD; at++) {
			u32 want = lo + (hi << 8), got = payload_csum_at(at, len);

			cr_assert_eq(got, want, "at %u len %u: payload_csum_at 0x%08x, the bytes 0x%08x",
				     at, len, got, want);
			if (!len)
				continue;
			/* slide: byte at leaves (position 0 of the window, even) and byte
			 * at + len enters (position len, as the old window counts), then
			 * the window starts one on and its parities swap */
			lo -= payload_table[at];
			if (len % 2)
				hi += payload_table[at + len];
			else
				lo += payload_table[at + len];
			u32 t = lo;
			lo = hi;
			hi = t;
		}
	}
}

/* payload_csum (the reference builder's) is the same u32 as the bytes' even/odd sums. */
Test(txk_fast, payload_csum_any_key_and_offset)
{
	for (int n = 0; n < 5000; n++) {
		u32 key = rnd(), off = rnd(), lo = 0, hi = 0;
		unsigned int len = rnd() % (SKB_BUF_SIZE + 1);
		const u8 *b = payload_at(key, off);

		for (unsigned int j = 0; j < len; j++) {
			if (j % 2)
				hi += b[j];
			else
				lo += b[j];
		}
		cr_assert_eq(payload_csum(key, off, len), lo + (hi << 8),
			     "key %u off %u len %u: 0x%08x, the bytes 0x%08x", key, off, len,
			     payload_csum(key, off, len), lo + (hi << 8));
	}
}

/*
 * payload_copy_big (32-byte moves where the CPU has AVX2) against memcpy:
 * every length a frame's payload can have above 64 bytes, from every
 * alignment of the pattern and of the buffer, the bytes either side of the
 * copy untouched.
 */
Test(txk_fast, payload_copy_is_memcpy_at_every_length_and_alignment)
{
	static unsigned char want[SKB_BUF_SIZE + 128], got[SKB_BUF_SIZE + 128];

	for (unsigned int n = 65; n <= SKB_BUF_SIZE; n++)
		for (unsigned int a = 0; a < 4; a++) {
			unsigned int da = (n + a * 7) % 64, sa = (n * 3 + a * 13) % PAYLOAD_PERIOD;
			const u8 *src = payload_table + sa;

			memset(want, 0x5a, sizeof(want));
			memset(got, 0x5a, sizeof(got));
			memcpy(want + da, src, n);
			cr_assert_eq(payload_copy_big(got + da, src, n, n + 7), n + 7,
				     "n %u: the copy returned another value than it was given", n);
			for (unsigned int i = 0; i < sizeof(got); i++)
				cr_assert_eq(got[i], want[i], "n %u, at %u, buffer offset %u: byte %u is "
					     "0x%02x, expected 0x%02x", n, sa, da, i, got[i], want[i]);
		}
}

#define CANARY 0xa5
#define ROOM SKB_BUF_SIZE

static u8 mac_a[ETH_ALEN] = { 0x02, 0, 'T', 'X', 'K', 0 };
static u8 mac_b[ETH_ALEN] = { 0x02, 0, 'T', 'X', 'K', 1 };

/* buffers as an skb's: the IP header 4-byte aligned */
static unsigned char ref_[ROOM + NET_IP_ALIGN] __attribute__((aligned(8)));
static unsigned char got_[ROOM + NET_IP_ALIGN] __attribute__((aligned(8)));
static unsigned char *const ref = ref_ + NET_IP_ALIGN, *const got = got_ + NET_IP_ALIGN;

/* v built from scratch and from t, every byte of the buffer compared; the reference length. */
static unsigned int both(const struct frame_tmpl *t, const struct frame_spec *v, bool with_pl)
{
	struct frame_payload pr = { 1, 1, 1 }, pg = { 2, 2, 2 };
	struct frame_spec s;
	unsigned int lr, lg;

	frame_tmpl_spec(t, v, &s);
	memset(ref, CANARY, ROOM);
	memset(got, CANARY, ROOM);
	lr = frame_build_pl(ref, ROOM, &s, &pr);
	lg = frame_tmpl_build(t, got, ROOM, v, with_pl ? &pg : NULL);
	cr_assert_eq(lg, lr, "proto %u len %u: length %u, expected %u", s.proto, s.len, lg, lr);
	for (unsigned int i = 0; i < ROOM; i++)
		cr_assert_eq(got[i], ref[i], "proto %u len %u seq %u id %u port %u key %u off %u: "
			     "byte %u is 0x%02x, expected 0x%02x", s.proto, s.len, s.seq, s.ip_id,
			     s.sport, s.key, s.off, i, got[i], ref[i]);
	if (with_pl) {
		cr_assert_eq(pg.len, pr.len, "payload len %u, expected %u", pg.len, pr.len);
		cr_assert_eq(pg.off, pr.off, "payload off %u, expected %u", pg.off, pr.off);
		cr_assert_eq(pg.sum, pr.sum, "payload sum 0x%x, expected 0x%x", pg.sum, pr.sum);
	}
	return lr;
}

static void plain_spec(struct frame_spec *s, u8 proto, unsigned int len)
{
	*s = (struct frame_spec){ .src_mac = mac_a, .dst_mac = mac_b, .saddr = rnd(),
				  .daddr = rnd(), .proto = proto, .dport = (u16)rnd(),
				  .flags = TCPF_ACK, .window = (u16)rnd(), .tos = (u8)rnd(),
				  .len = len, .tcp_ts = proto == IPPROTO_TCP && len % 2 };
}

static void random_varying(struct frame_spec *v)
{
	v->ip_id = (u16)rnd();
	v->sport = (u16)rnd();
	v->seq = rnd();
	v->ack = rnd();
	v->tsval = rnd();
	v->key = rnd();
	v->off = rnd();
}

/*
 * The plain writers (untagged, no IP options), the minimum UDP frame's
 * (its payload length a constant) among them, against frame_build: random
 * varying fields, so the checksums' sums carry past 2^32 and through every
 * fold, with and without a frame_payload to fill.
 */
Test(txk_fast, plain_writers_and_the_minimum_udp_frame)
{
	static const u8 protos[] = { IPPROTO_UDP, IPPROTO_TCP };
	unsigned int frames = 0;

	/* past the small lengths, payloads above 64 bytes (the _big writers):
	 * odd lengths make TCP frames with timestamps */
	static const unsigned int big[] = { 150, 151, 152, 153, 200, 201, 1000, 1001,
					    ETH_FRAME_LEN - 1, ETH_FRAME_LEN };
	const unsigned int nbig = sizeof(big) / sizeof(big[0]);

	for (size_t p = 0; p < 2; p++)
		for (unsigned int len = ETH_ZLEN; len < ETH_ZLEN + 70 + nbig; len++) {
			struct frame_spec s, v;
			struct frame_tmpl t;

			plain_spec(&s, protos[p], len < ETH_ZLEN + 70 ? len : big[len - ETH_ZLEN - 70]);
			frame_tmpl_init(&t, &s);
			cr_assert(t.fast, "proto %u len %u: no fast template", s.proto, s.len);
			for (int r = 0; r < (len == ETH_ZLEN ? 20000 : 200); r++) {
				v = s;
				random_varying(&v);
				if (r < 4) /* the ends of the fields */
					v.seq = v.ip_id = v.sport = v.off = r % 2 ? 0 : 0xffffffffu;
				both(&t, &v, r % 2);
				frames++;
			}
		}
	cr_assert_gt(frames, 40000u, "built %u frames", frames);
}

/*
 * Minimum UDP frames whose checksum comes out 0 (sent as 0xffff, RFC 768),
 * and their neighbours: the UDP sequence word is chosen so that the sum
 * folds to 0xffff, at even and odd payload offsets.
 */
Test(txk_fast, minimum_udp_frame_checksum_edges)
{
	unsigned int l4 = ETH_HLEN + 20, ffff = 0;

	for (int n = 0; n < 400; n++) {
		struct frame_spec s, v;
		struct frame_tmpl t;
		u16 c0;

		plain_spec(&s, IPPROTO_UDP, ETH_ZLEN);
		frame_tmpl_init(&t, &s);
		v = s;
		random_varying(&v);
		v.seq = 0;
		both(&t, &v, false);
		/* the checksum with a sequence word of 0: c0 = ~fold(S), so S is
		 * -c0 mod 0xffff, and a word whose halves add to c0 makes the sum
		 * 0 mod 0xffff: it folds to 0xffff, the checksum is 0, sent as 0xffff.
		 * A high half of 0xffff adds nothing mod 0xffff. */
		memcpy(&c0, ref + l4 + 6, 2);
		v.seq = ntohl((u32)c0 | (n % 2 ? 0 : (u32)0xffff << 16));
		both(&t, &v, n % 3 == 0);
		if (ref[l4 + 6] == 0xff && ref[l4 + 7] == 0xff)
			ffff++;
		for (u32 d = 1; d < 3; d++) { /* one and two either side */
			v.seq = ntohl((u32)(u16)(c0 + d));
			both(&t, &v, false);
			v.seq = ntohl((u32)(u16)(c0 - d));
			both(&t, &v, true);
		}
	}
	cr_assert_gt(ffff, 390u, "%u frames of 400 with the UDP checksum sent as 0xffff", ffff);
}

/*
 * xmit_frames_while with the sender's tx_frames kept from burst to burst
 * makes a UDP flow's frames in a loop of its own (frames_at_udp: the skb's
 * length and the writer worked out once a burst); with none kept (fr NULL),
 * every burst makes its template again and takes the general loop. Two
 * machines send the same bursts of kit_pkts, one each way: a more() that
 * says no now and then, a device broken for a while mid-burst (as by a
 * crash), a driver answering NETDEV_TX_BUSY now and then, UDP frames of 60,
 * 61 and 1514 bytes, a sequence set and not, and a TCP flow (the general
 * loop both ways). Every frame handed to the driver
 * (its bytes, length and skb), what the driver found of the hardware and
 * the clock at each call, the time, every cost, the counters and what the
 * receiver saw of each flow must agree, and every trace record where both
 * keep a trace.
 */
struct burst_run {
	struct kit *m;
	struct net_device *d;
	struct rec_log log;
	int (*real_xmit)(struct sk_buff *skb, struct net_device *dev);
	int (*real_batch)(struct sk_buff_head *list, struct net_device *dev);
	int (*real_prep)(struct sk_buff *skb, struct net_device *dev);
	u64 frames, hash, seen, more_calls, xmit_calls;
	u64 break_at, mend_at; /* the device is broken from xmit call break_at to mend_at */
};

static struct burst_run *cur;

static int hashing_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct burst_run *r = cur;
	struct nic *hw = dev->nic;

	r->xmit_calls++;
	r->frames++;
	/* the hardware as the driver finds it: caught up to now before the call */
	r->seen = (r->seen ^ hw->tdh ^ hw->tx_frames << 16 ^ dev->kit->now << 32) *
		  0x100000001b3ULL;
	r->hash = (r->hash ^ skb->len ^ (u64)skb->kit_id << 20 ^ skb->protocol) * 0x100000001b3ULL;
	for (unsigned int i = 0; i < skb->len; i++)
		r->hash = (r->hash ^ skb->data[i]) * 0x100000001b3ULL;
	if (r->xmit_calls == r->break_at)
		dev->state |= 1UL << __LINK_STATE_BROKEN;
	if (r->xmit_calls % 37 == 5)
		return NETDEV_TX_BUSY; /* requeued: the next packets queue behind it */
	return r->real_xmit(skb, dev);
}

/* btx: the batch's frames hashed as hashing_xmit hashes one, in the list's
 * order, and the hardware as each call into the driver finds it */
static int hashing_batch(struct sk_buff_head *list, struct net_device *dev)
{
	struct burst_run *r = cur;
	struct nic *hw = dev->nic;

	r->xmit_calls++;
	r->seen = (r->seen ^ hw->tdh ^ hw->tx_frames << 16 ^ dev->kit->now << 32) *
		  0x100000001b3ULL;
	for (struct sk_buff *skb = list->next; skb != (struct sk_buff *)list; skb = skb->next) {
		r->frames++;
		r->hash = (r->hash ^ skb->len ^ (u64)skb->kit_id << 20 ^ skb->protocol) *
			  0x100000001b3ULL;
		for (unsigned int i = 0; i < skb->len; i++)
			r->hash = (r->hash ^ skb->data[i]) * 0x100000001b3ULL;
	}
	return r->real_batch(list, dev);
}

static int seeing_prep(struct sk_buff *skb, struct net_device *dev)
{
	struct burst_run *r = cur;

	r->seen = (r->seen ^ skb->kit_id ^ (u64)dev->nic->tdh << 32 ^ dev->kit->now << 40) *
		  0x100000001b3ULL;
	return r->real_prep(skb, dev);
}

static bool burst_more(void *arg)
{
	struct burst_run *r = arg;

	r->more_calls++;
	if (r->more_calls == r->mend_at)
		r->d->state &= ~(1UL << __LINK_STATE_BROKEN);
	return r->more_calls % 29 != 11 &&
	       skb_queue_len(&r->d->qdisc->q) < r->d->tx_queue_len;
}

enum burst_way {
	BW_TRACED = 1,	/* the machine keeps its trace */
	BW_HOLD = 2,	/* each burst queued behind a busy qdisc, then run (the sender's hold) */
	BW_XMIT_MORE = 4, /* batching xmit_more */
	BW_BTX = 8,	/* batching btx */
};

static void send_bursts(struct burst_run *r, bool keep, int way)
{
	static const struct kit_pkt pkts[] = {
		{ .len = 60, .proto = IPPROTO_UDP, .flow = 1 },
		{ .len = 61, .proto = IPPROTO_UDP, .flow = 2, .seq = 1000, .seq_set = true },
		{ .len = 1514, .proto = IPPROTO_UDP, .flow = 3 },
		{ .len = 200, .proto = IPPROTO_TCP, .flow = 4 },
		{ .len = 60, .flow = 5 }, /* proto 0: UDP */
	};
	struct tx_frames fr;

	r->m = kit_new(1);
	cr_assert_not_null(r->m, "kit_new(1) returned NULL, expected a machine");
	r->d = kit_dev_by_name(r->m, "sn0");
	tl_stop(r->m); /* a bench's machine: dev_queue_xmit's own fast path too */
	if (way & BW_TRACED)
		kit_trace_subscribe(r->m, rec_log_cb, &r->log);
	else
		trace_stop(r->m); /* and the allocation's within a burst */
	setp(r->m, r->d, "tx_ring", 64);
	if (way & BW_XMIT_MORE)
		setp(r->m, r->d, "batching", TX_BATCH_XMIT_MORE);
	if (way & BW_BTX)
		setp(r->m, r->d, "batching", TX_BATCH_BTX);
	cur = r;
	r->real_xmit = r->d->hard_start_xmit;
	r->d->hard_start_xmit = hashing_xmit;
	r->real_batch = r->d->hard_batch_xmit;
	r->real_prep = r->d->hard_prep_xmit;
	if (r->real_batch)
		r->d->hard_batch_xmit = hashing_batch;
	if (r->real_prep)
		r->d->hard_prep_xmit = seeing_prep;
	r->break_at = 150;
	r->mend_at = 400;
	for (size_t p = 0; p < sizeof(pkts) / sizeof(pkts[0]); p++) {
		u64 i = 0;

		fr.ready = false;
		for (int b = 0; b < 12; b++) {
			u64 n = b % 4 == 3 ? 5 : 32;
			bool hold = (way & BW_HOLD) && b % 3 != 2;

			kit_enter(r->m);
			if (hold)
				r->d->qdisc->running = true;
			i += xmit_frames_while(r->d, &pkts[p], i, n, burst_more, r, keep ? &fr : NULL);
			if (hold) {
				r->d->qdisc->running = false;
				kit_qdisc_run(r->d);
			}
			run_idle(r->m);
		}
	}
	r->d->hard_start_xmit = r->real_xmit;
	r->d->hard_batch_xmit = r->real_batch;
	r->d->hard_prep_xmit = r->real_prep;
	if (way & BW_TRACED)
		kit_trace_subscribe(r->m, NULL, NULL);
}

/* r[0] and r[1] sent the same; what of the two must agree (above). */
static void assert_same_bursts(struct burst_run *r, const char *how)
{
	struct net_device *d0 = r[0].d, *d1 = r[1].d;

	cr_assert_gt(r[0].frames, 1000u, "%s: %llu frames sent", how,
		     (unsigned long long)r[0].frames);
	cr_assert_gt(r[0].more_calls, r[0].mend_at, "%s: the device was not mended", how);
	cr_assert_eq(r[0].frames, r[1].frames, "%s: %llu frames, %llu the other way", how,
		     (unsigned long long)r[0].frames, (unsigned long long)r[1].frames);
	cr_assert_eq(r[0].more_calls, r[1].more_calls, "%s: more() asked %llu times, %llu", how,
		     (unsigned long long)r[0].more_calls, (unsigned long long)r[1].more_calls);
	cr_assert_eq(r[0].hash, r[1].hash, "%s: the frames' bytes differ (hash %016llx, %016llx)",
		     how, (unsigned long long)r[0].hash, (unsigned long long)r[1].hash);
	cr_assert_eq(r[0].seen, r[1].seen, "%s: the driver's calls found the hardware and the "
		     "clock otherwise (%016llx, %016llx)", how, (unsigned long long)r[0].seen,
		     (unsigned long long)r[1].seen);
	if (r[0].m->trace && r[1].m->trace) {
		cr_assert_gt(r[0].log.n, 0, "%s: no trace record", how);
		cr_assert_eq(r[0].log.n, r[1].log.n, "%s: %zu trace records, %zu", how, r[0].log.n,
			     r[1].log.n);
		for (size_t i = 0; i < r[0].log.n; i++) {
			const struct trace_rec *a = &r[0].log.r[i], *b = &r[1].log.r[i];

			cr_assert(memcmp(a, b, sizeof(*a)) == 0,
				  "%s: record %zu: type %u at %llu (%u %u %u %u), the other way type "
				  "%u at %llu (%u %u %u %u)", how, i, a->type, (unsigned long long)a->t,
				  a->a, a->b, a->c, a->d, b->type, (unsigned long long)b->t, b->a, b->b,
				  b->c, b->d);
		}
	}
	cr_assert_eq(r[0].m->now, r[1].m->now, "%s: ended at %llu ns, %llu", how,
		     (unsigned long long)r[0].m->now, (unsigned long long)r[1].m->now);
	cpu_ns_sync(r[0].m);
	cpu_ns_sync(r[1].m);
	for (int c = 0; c < CTX_NR; c++)
		cr_assert_eq(r[0].m->cpu.ns[c], r[1].m->cpu.ns[c], "%s: context %d: %llu CPU ns, %llu",
			     how, c, (unsigned long long)r[0].m->cpu.ns[c],
			     (unsigned long long)r[1].m->cpu.ns[c]);
	for (int c = 0; c < COST_NR; c++)
		cr_assert(r[0].m->cost_ns[c] == r[1].m->cost_ns[c] &&
				  r[0].m->cost_count[c] == r[1].m->cost_count[c],
			  "%s: cost %d: %llu ns in %llu, %llu ns in %llu the other way", how, c,
			  (unsigned long long)r[0].m->cost_ns[c],
			  (unsigned long long)r[0].m->cost_count[c],
			  (unsigned long long)r[1].m->cost_ns[c],
			  (unsigned long long)r[1].m->cost_count[c]);
	for (int s = 0; s < kit_stat_count(); s++)
		cr_assert_eq(kit_dev_stat(d0, s), kit_dev_stat(d1, s), "%s: %s: %llu, %llu", how,
			     kit_stat_at(s)->name, (unsigned long long)kit_dev_stat(d0, s),
			     (unsigned long long)kit_dev_stat(d1, s));
	cr_assert(memcmp(&d0->core, &d1->core, sizeof(d0->core)) == 0,
		  "%s: the core's counters differ (xmit calls %llu and %llu)", how,
		  (unsigned long long)d0->core.xmit_calls, (unsigned long long)d1->core.xmit_calls);
	cr_assert_eq(kit_flow_count(r[0].m), kit_flow_count(r[1].m), "%s: %d flows, %d", how,
		     kit_flow_count(r[0].m), kit_flow_count(r[1].m));
	for (int f = 0; f < kit_flow_count(r[0].m); f++) {
		struct kit_flow_stat a, b;

		cr_assert_eq(kit_flow_at(r[0].m, f, &a), 0, "%s: no flow %d", how, f);
		cr_assert_eq(kit_flow_at(r[1].m, f, &b), 0, "%s: no flow %d the other way", how, f);
		cr_assert(a.packets == b.packets && a.bytes == b.bytes && a.next_seq == b.next_seq,
			  "%s: flow %d: %llu packets %llu bytes next %u, the other way %llu %llu %u",
			  how, f, (unsigned long long)a.packets, (unsigned long long)a.bytes,
			  a.next_seq, (unsigned long long)b.packets, (unsigned long long)b.bytes,
			  b.next_seq);
		cr_assert_eq(a.errors + a.csum_errors, 0, "%s: flow %d: %llu stream and %llu checksum "
			     "errors", how, f, (unsigned long long)a.errors,
			     (unsigned long long)a.csum_errors);
	}
	for (int i = 0; i < 2; i++) {
		kit_free(r[i].m);
		free(r[i].log.r);
	}
}

Test(txk_fast, a_senders_udp_bursts_as_the_general_loop_makes_them)
{
	static struct burst_run r[2];

	memset(r, 0, sizeof(r));
	send_bursts(&r[0], true, BW_TRACED);
	send_bursts(&r[1], false, BW_TRACED);
	assert_same_bursts(r, "traced");
}

/*
 * The bursts of a machine without a trace (a bench's): each allocation
 * leaves its catch-up to dev_queue_xmit's charge (skb_alloc_burst), the
 * 60- and 1514-byte frames are written by pkttmpl.h's inline writers, and
 * dev_queue_xmit skips its tests of what the burst found fixed
 * (dev_queue_xmit_held),
 * against the general loop on a machine with a trace (every test made,
 * every catch-up where its charge is): frames one by one, behind a held
 * qdisc (the enqueue only), with xmit_more and with btx. The qdisc's runs
 * on the untraced machine are quiet (xmit_quiet): no records, slices or
 * watched driver calls, and the rest as the traced machine's.
 */
Test(txk_fast, a_senders_quiet_bursts_as_the_traced_general_loop)
{
	static const int ways[] = { 0, BW_HOLD, BW_XMIT_MORE, BW_HOLD | BW_XMIT_MORE,
				    BW_BTX, BW_HOLD | BW_BTX };
	static const char *const names[] = { "alone", "held", "xmit_more", "held xmit_more", "btx",
					     "held btx" };
	static struct burst_run r[2];

	for (int w = 0; w < 6; w++) {
		memset(r, 0, sizeof(r));
		send_bursts(&r[0], true, ways[w]);
		send_bursts(&r[1], false, ways[w] | BW_TRACED);
		assert_same_bursts(r, names[w]);
	}
}

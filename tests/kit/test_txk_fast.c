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
 * crash), UDP frames of 60, 61 and 1514 bytes, a sequence set and not, and a
 * TCP flow (the general loop both ways). Every frame handed to the driver
 * (its bytes, length and skb), every trace record, the time, the counters
 * and what the receiver saw of each flow must agree.
 */
struct burst_run {
	struct kit *m;
	struct net_device *d;
	struct rec_log log;
	int (*real_xmit)(struct sk_buff *skb, struct net_device *dev);
	u64 frames, hash, more_calls, xmit_calls;
	u64 break_at, mend_at; /* the device is broken from xmit call break_at to mend_at */
};

static struct burst_run *cur;

static int hashing_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct burst_run *r = cur;

	r->xmit_calls++;
	r->frames++;
	r->hash = (r->hash ^ skb->len ^ (u64)skb->kit_id << 20 ^ skb->protocol) * 0x100000001b3ULL;
	for (unsigned int i = 0; i < skb->len; i++)
		r->hash = (r->hash ^ skb->data[i]) * 0x100000001b3ULL;
	if (r->xmit_calls == r->break_at)
		dev->state |= 1UL << __LINK_STATE_BROKEN;
	return r->real_xmit(skb, dev);
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

static void send_bursts(struct burst_run *r, bool keep)
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
	kit_trace_subscribe(r->m, rec_log_cb, &r->log);
	setp(r->m, r->d, "tx_ring", 64);
	cur = r;
	r->real_xmit = r->d->hard_start_xmit;
	r->d->hard_start_xmit = hashing_xmit;
	r->break_at = 150;
	r->mend_at = 400;
	for (size_t p = 0; p < sizeof(pkts) / sizeof(pkts[0]); p++) {
		u64 i = 0;

		fr.ready = false;
		for (int b = 0; b < 12; b++) {
			u64 n = b % 4 == 3 ? 5 : 32;

			i += xmit_frames_while(r->d, &pkts[p], i, n, burst_more, r, keep ? &fr : NULL);
			run_idle(r->m);
		}
	}
	r->d->hard_start_xmit = r->real_xmit;
	kit_trace_subscribe(r->m, NULL, NULL);
}

Test(txk_fast, a_senders_udp_bursts_as_the_general_loop_makes_them)
{
	static struct burst_run r[2];
	struct net_device *d0, *d1;

	memset(r, 0, sizeof(r));
	send_bursts(&r[0], true);
	send_bursts(&r[1], false);
	d0 = r[0].d;
	d1 = r[1].d;
	cr_assert_gt(r[0].frames, 1000u, "%llu frames sent", (unsigned long long)r[0].frames);
	cr_assert_gt(r[0].more_calls, r[0].mend_at, "the device was not mended");
	cr_assert_eq(r[0].frames, r[1].frames, "%llu frames with the kept frames, %llu without",
		     (unsigned long long)r[0].frames, (unsigned long long)r[1].frames);
	cr_assert_eq(r[0].more_calls, r[1].more_calls, "more() asked %llu times, %llu without",
		     (unsigned long long)r[0].more_calls, (unsigned long long)r[1].more_calls);
	cr_assert_eq(r[0].hash, r[1].hash, "the frames' bytes differ (hash %016llx, %016llx without)",
		     (unsigned long long)r[0].hash, (unsigned long long)r[1].hash);
	cr_assert_eq(r[0].log.n, r[1].log.n, "%zu trace records, %zu without", r[0].log.n,
		     r[1].log.n);
	for (size_t i = 0; i < r[0].log.n; i++) {
		const struct trace_rec *a = &r[0].log.r[i], *b = &r[1].log.r[i];

		cr_assert(memcmp(a, b, sizeof(*a)) == 0,
			  "record %zu: type %u at %llu (%u %u %u %u), without kept frames type %u at "
			  "%llu (%u %u %u %u)", i, a->type, (unsigned long long)a->t, a->a, a->b, a->c,
			  a->d, b->type, (unsigned long long)b->t, b->a, b->b, b->c, b->d);
	}
	cr_assert_eq(r[0].m->now, r[1].m->now, "ended at %llu ns, %llu without",
		     (unsigned long long)r[0].m->now, (unsigned long long)r[1].m->now);
	for (int s = 0; s < kit_stat_count(); s++)
		cr_assert_eq(kit_dev_stat(d0, s), kit_dev_stat(d1, s), "%s: %llu, %llu without",
			     kit_stat_at(s)->name, (unsigned long long)kit_dev_stat(d0, s),
			     (unsigned long long)kit_dev_stat(d1, s));
	cr_assert_eq(kit_flow_count(r[0].m), kit_flow_count(r[1].m), "%d flows, %d without",
		     kit_flow_count(r[0].m), kit_flow_count(r[1].m));
	for (int f = 0; f < kit_flow_count(r[0].m); f++) {
		struct kit_flow_stat a, b;

		cr_assert_eq(kit_flow_at(r[0].m, f, &a), 0, "no flow %d", f);
		cr_assert_eq(kit_flow_at(r[1].m, f, &b), 0, "no flow %d without", f);
		cr_assert(a.packets == b.packets && a.bytes == b.bytes && a.next_seq == b.next_seq,
			  "flow %d: %llu packets %llu bytes next %u, without %llu %llu %u", f,
			  (unsigned long long)a.packets, (unsigned long long)a.bytes, a.next_seq,
			  (unsigned long long)b.packets, (unsigned long long)b.bytes, b.next_seq);
		cr_assert_eq(a.errors + a.csum_errors, 0, "flow %d: %llu stream and %llu checksum errors",
			     f, (unsigned long long)a.errors, (unsigned long long)a.csum_errors);
	}
	for (int i = 0; i < 2; i++) {
		kit_free(r[i].m);
		free(r[i].log.r);
	}
}

/*
 * dev_queue_xmit's common packet on a machine with neither a timeline nor a
 * trace (a bench's, an experiment's) is checked before any charge and
 * charged once (five costs, one catch-up before the driver runs). Three
 * machines send the same: one without either (that path), one with a trace
 * (run_alone with the charges apart) and one with a timeline too (the
 * qdisc's list every time). Frames one at a time into an idle ring, runs
 * past the ring's end (the driver stops the queue, the qdisc fills and
 * drains), 1514-byte frames (BQL stops the queue), a hard_start_xmit that
 * answers NETDEV_TX_BUSY now and then, one that sends a frame of its own
 * now and then, a qdisc of no room and one of batching: the clock, the CPU
 * time of each context, every cost's time and count, every counter of both
 * devices and of the core must agree, and what the receiver saw.
 */
static int (*alone_real_xmit)(struct sk_buff *skb, struct net_device *dev);
static int (*alone_inner)(struct sk_buff *skb, struct net_device *dev);
static unsigned int alone_calls;
static u64 alone_seen; /* what each call found of the hardware and the clock */

/* Every call looks at the hardware as the driver would find it (caught up
 * to now before the call) and at the clock, then calls alone_inner. */
static int alone_observe(struct sk_buff *skb, struct net_device *dev)
{
	struct nic *hw = dev->nic;

	alone_seen = (alone_seen ^ hw->tdh ^ hw->tx_frames << 16 ^ dev->kit->now << 32) *
		     0x100000001b3ULL;
	return alone_inner(skb, dev);
}

static int alone_sometimes_busy(struct sk_buff *skb, struct net_device *dev)
{
	if (++alone_calls % 7 == 3)
		return NETDEV_TX_BUSY;
	return alone_real_xmit(skb, dev);
}

static int alone_sometimes_sends_more(struct sk_buff *skb, struct net_device *dev)
{
	const struct kit_pkt udp = { .len = 60, .proto = IPPROTO_UDP, .flow = 9 };

	if (++alone_calls % 5 == 2)
		kit_xmit_frames(dev, &udp, 1);
	return alone_real_xmit(skb, dev);
}

static void one_at_a_time(struct kit *m, struct net_device *d, const struct kit_pkt *p, int n)
{
	for (int i = 0; i < n; i++) {
		kit_xmit_frames(d, p, 1);
		run_idle(m);
	}
}

static u64 seen[3];

static struct kit *send_every_way(int kind)
{
	const struct kit_pkt udp = { .len = 60, .proto = IPPROTO_UDP, .flow = 1 };
	const struct kit_pkt big = { .len = 1514, .proto = IPPROTO_UDP, .flow = 2 };
	const struct kit_pkt tcp = { .len = 100, .proto = IPPROTO_TCP, .flow = 3 };
	struct kit *m = kit_new(1);
	struct net_device *d;

	cr_assert_not_null(m, "kit_new(1) returned NULL, expected a machine");
	d = kit_dev_by_name(m, "sn0");
	if (kind < 2)
		tl_stop(m);
	if (kind == 0)
		trace_stop(m);
	cr_assert_eq(m->timeline == NULL && m->trace == NULL, kind == 0, "machine %d", kind);
	setp(m, d, "tx_ring", 64);
	alone_real_xmit = alone_inner = d->hard_start_xmit;
	d->hard_start_xmit = alone_observe;
	alone_seen = 0;
	one_at_a_time(m, d, &udp, 20);
	one_at_a_time(m, d, &tcp, 5);
	kit_xmit_frames(d, &udp, 300); /* past the ring: stopped, queued, drained */
	run_idle(m);
	kit_xmit_frames(d, &big, 200); /* BQL's limit stops the queue too */
	run_idle(m);
	alone_calls = 0;
	alone_inner = alone_sometimes_busy;
	one_at_a_time(m, d, &udp, 20);
	kit_xmit_frames(d, &udp, 100);
	run_idle(m);
	alone_calls = 0;
	alone_inner = alone_sometimes_sends_more;
	one_at_a_time(m, d, &udp, 20);
	kit_xmit_frames(d, &udp, 50);
	run_idle(m);
	alone_inner = alone_real_xmit;
	setp(m, d, "tx_queue_len", 0); /* no room: every packet dropped */
	one_at_a_time(m, d, &udp, 3);
	setp(m, d, "tx_queue_len", 1000);
	setp(m, d, "batching", TX_BATCH_XMIT_MORE);
	one_at_a_time(m, d, &udp, 5);
	kit_xmit_frames(d, &udp, 40);
	run_idle(m);
	setp(m, d, "batching", TX_BATCH_NONE);
	one_at_a_time(m, d, &udp, 5);
	d->hard_start_xmit = alone_real_xmit;
	seen[kind] = alone_seen;
	return m;
}

Test(txk_fast, a_packet_alone_untraced_as_traced_and_as_the_qdisc_would)
{
	struct kit *m[3];

	for (int i = 0; i < 3; i++)
		m[i] = send_every_way(i);
	for (int i = 1; i < 3; i++) {
		struct net_device *a = kit_dev_by_name(m[0], "sn0"), *b = kit_dev_by_name(m[i], "sn0");

		cr_assert_eq(seen[0], seen[i], "the driver's calls found the hardware and the clock "
			     "otherwise untraced (%016llx) than on machine %d (%016llx)",
			     (unsigned long long)seen[0], i, (unsigned long long)seen[i]);
		cr_assert_eq(m[0]->now, m[i]->now, "ended at %llu ns untraced, %llu on machine %d",
			     (unsigned long long)m[0]->now, (unsigned long long)m[i]->now, i);
		cpu_ns_sync(m[0]);
		cpu_ns_sync(m[i]);
		for (int c = 0; c < CTX_NR; c++)
			cr_assert_eq(m[0]->cpu.ns[c], m[i]->cpu.ns[c],
				     "context %d: %llu CPU ns untraced, %llu on machine %d", c,
				     (unsigned long long)m[0]->cpu.ns[c],
				     (unsigned long long)m[i]->cpu.ns[c], i);
		for (int c = 0; c < COST_NR; c++)
			cr_assert(m[0]->cost_ns[c] == m[i]->cost_ns[c] &&
					  m[0]->cost_count[c] == m[i]->cost_count[c],
				  "cost %d: %llu ns in %llu untraced, %llu ns in %llu on machine %d", c,
				  (unsigned long long)m[0]->cost_ns[c],
				  (unsigned long long)m[0]->cost_count[c],
				  (unsigned long long)m[i]->cost_ns[c],
				  (unsigned long long)m[i]->cost_count[c], i);
		for (int dv = 0; dv < kit_dev_count(m[0]); dv++)
			for (int s = 0; s < kit_stat_count(); s++)
				cr_assert_eq(kit_dev_stat(kit_dev_at(m[0], dv), s),
					     kit_dev_stat(kit_dev_at(m[i], dv), s),
					     "dev %d %s: %llu untraced, %llu on machine %d", dv,
					     kit_stat_at(s)->name,
					     (unsigned long long)kit_dev_stat(kit_dev_at(m[0], dv), s),
					     (unsigned long long)kit_dev_stat(kit_dev_at(m[i], dv), s), i);
		cr_assert(memcmp(&a->core, &b->core, sizeof(a->core)) == 0,
			  "the core's counters differ (xmit calls %llu and %llu, requeues %llu and %llu, "
			  "qdisc drops %llu and %llu)", (unsigned long long)a->core.xmit_calls,
			  (unsigned long long)b->core.xmit_calls, (unsigned long long)a->core.requeues,
			  (unsigned long long)b->core.requeues, (unsigned long long)a->core.qdisc_drops,
			  (unsigned long long)b->core.qdisc_drops);
		for (int r = 0; r < RULE_NR; r++)
			cr_assert_eq(kit_rule_count(m[0], (enum kit_rule)r),
				     kit_rule_count(m[i], (enum kit_rule)r),
				     "rule %d: %llu warnings untraced, %llu on machine %d", r,
				     (unsigned long long)kit_rule_count(m[0], (enum kit_rule)r),
				     (unsigned long long)kit_rule_count(m[i], (enum kit_rule)r), i);
		cr_assert_gt(kit_rule_count(m[0], RULE_TX_BUSY), 0, "no NETDEV_TX_BUSY warning");
		cr_assert_gt(a->core.requeues, 0, "no BUSY requeue was made");
		cr_assert_gt(a->core.qdisc_drops, 0, "no packet dropped for want of room");
		cr_assert_eq(a->trans_start, b->trans_start, "trans_start %lu untraced, %lu on %d",
			     a->trans_start, b->trans_start, i);
		cr_assert_eq(kit_flow_count(m[0]), kit_flow_count(m[i]), "%d flows, %d on %d",
			     kit_flow_count(m[0]), kit_flow_count(m[i]), i);
		for (int f = 0; f < kit_flow_count(m[0]); f++) {
			struct kit_flow_stat x, y;

			cr_assert_eq(kit_flow_at(m[0], f, &x), 0, "no flow %d", f);
			cr_assert_eq(kit_flow_at(m[i], f, &y), 0, "no flow %d on %d", f, i);
			cr_assert(x.packets == y.packets && x.bytes == y.bytes && x.errors == y.errors,
				  "flow %d: %llu packets %llu bytes %llu errors, on %d %llu %llu %llu", f,
				  (unsigned long long)x.packets, (unsigned long long)x.bytes,
				  (unsigned long long)x.errors, i, (unsigned long long)y.packets,
				  (unsigned long long)y.bytes, (unsigned long long)y.errors);
		}
	}
	for (int i = 0; i < 3; i++)
		kit_free(m[i]);
}

/*
 * dev_queue_xmit where the general path would only enqueue goes to
 * enqueue_only: on a qdisc that is running already (held, as the sender of
 * the batching scenarios holds it) and, without batching or a timeline, on
 * a stopped queue. Three machines stop sn0's queue and send 30 frames into
 * a qdisc of 20 (20 queued, 10 dropped), then wake it: one with the qdisc
 * held as well (q->running), one without a timeline (the stopped queue's
 * way) and one with a timeline (the general path: the enqueue, and a run
 * that finds the queue stopped). Every record, the time, every cost and
 * counter must agree, before and after the wake.
 */
static struct kit *enqueue_way(int kind, struct rec_log *l)
{
	const struct kit_pkt udp = { .len = 60, .proto = IPPROTO_UDP, .flow = 1 };
	struct kit *m = kit_new(1);
	struct net_device *d;

	cr_assert_not_null(m, "kit_new(1) returned NULL, expected a machine");
	d = kit_dev_by_name(m, "sn0");
	if (kind < 2)
		tl_stop(m);
	kit_trace_subscribe(m, rec_log_cb, l);
	setp(m, d, "tx_queue_len", 20);
	for (int round = 0; round < 3; round++) {
		kit_xmit_frames(d, &udp, 5); /* the ring has frames in flight */
		kit_netif_stop_queue(d);
		if (kind == 0)
			d->qdisc->running = true;
		kit_xmit_frames(d, &udp, 30);
		cr_assert_eq(skb_queue_len(&d->qdisc->q), 20, "machine %d: %u queued, expected 20",
			     kind, skb_queue_len(&d->qdisc->q));
		if (kind == 0)
			d->qdisc->running = false;
		kit_netif_wake_queue(d);
		run_idle(m);
		setp(m, d, "batching", round == 1 ? TX_BATCH_XMIT_MORE : TX_BATCH_NONE);
	}
	kit_trace_subscribe(m, NULL, NULL);
	return m;
}

Test(txk_fast, an_enqueue_alone_as_the_general_path)
{
	struct kit *m[3];
	struct rec_log l[3];

	memset(l, 0, sizeof(l));
	for (int i = 0; i < 3; i++)
		m[i] = enqueue_way(i, &l[i]);
	cr_assert_geq(kit_dev_by_name(m[0], "sn0")->core.qdisc_drops, 30, "%llu drops, expected 30 or more",
		     (unsigned long long)kit_dev_by_name(m[0], "sn0")->core.qdisc_drops);
	for (int i = 1; i < 3; i++) {
		struct net_device *a = kit_dev_by_name(m[0], "sn0"), *b = kit_dev_by_name(m[i], "sn0");

		cr_assert_eq(l[0].n, l[i].n, "%zu records held, %zu on machine %d", l[0].n, l[i].n, i);
		for (size_t r = 0; r < l[0].n; r++) {
			const struct trace_rec *x = &l[0].r[r], *y = &l[i].r[r];

			cr_assert(memcmp(x, y, sizeof(*x)) == 0,
				  "record %zu: type %u at %llu (%u %u %u %u) held, on machine %d type "
				  "%u at %llu (%u %u %u %u)", r, x->type, (unsigned long long)x->t,
				  x->a, x->b, x->c, x->d, i, y->type, (unsigned long long)y->t, y->a,
				  y->b, y->c, y->d);
		}
		cr_assert_eq(m[0]->now, m[i]->now, "ended at %llu ns held, %llu on machine %d",
			     (unsigned long long)m[0]->now, (unsigned long long)m[i]->now, i);
		for (int c = 0; c < COST_NR; c++)
			cr_assert(m[0]->cost_ns[c] == m[i]->cost_ns[c] &&
					  m[0]->cost_count[c] == m[i]->cost_count[c],
				  "cost %d: %llu ns in %llu held, %llu ns in %llu on machine %d", c,
				  (unsigned long long)m[0]->cost_ns[c],
				  (unsigned long long)m[0]->cost_count[c],
				  (unsigned long long)m[i]->cost_ns[c],
				  (unsigned long long)m[i]->cost_count[c], i);
		for (int s = 0; s < kit_stat_count(); s++)
			cr_assert_eq(kit_dev_stat(a, s), kit_dev_stat(b, s),
				     "%s: %llu held, %llu on machine %d", kit_stat_at(s)->name,
				     (unsigned long long)kit_dev_stat(a, s),
				     (unsigned long long)kit_dev_stat(b, s), i);
		for (int r = 0; r < RULE_NR; r++)
			cr_assert_eq(kit_rule_count(m[0], (enum kit_rule)r),
				     kit_rule_count(m[i], (enum kit_rule)r),
				     "rule %d: %llu warnings held, %llu on machine %d", r,
				     (unsigned long long)kit_rule_count(m[0], (enum kit_rule)r),
				     (unsigned long long)kit_rule_count(m[i], (enum kit_rule)r), i);
		cr_assert(memcmp(&a->core, &b->core, sizeof(a->core)) == 0,
			  "the core's counters differ (qdisc drops %llu and %llu)",
			  (unsigned long long)a->core.qdisc_drops, (unsigned long long)b->core.qdisc_drops);
	}
	for (int i = 0; i < 3; i++) {
		kit_free(m[i]);
		free(l[i].r);
	}
}

/*
 * qdisc_run's loop picks its batching mode once per run (run_loop): without
 * batching every turn is restart_single, otherwise restart's own choice. A
 * machine sends a queue's worth in each mode in turn (the mode changed
 * between runs, as the client changes it): each run must hand the packets
 * over as its own mode does, one dequeue record of one skb each without
 * batching, bulk trains with xmit_more, prepared batches with btx, and
 * lists with skb_blist, and every packet must reach the wire.
 */
Test(txk_fast, each_run_of_the_qdisc_in_its_own_batching_mode)
{
	static const int modes[] = { TX_BATCH_NONE, TX_BATCH_XMIT_MORE, TX_BATCH_BTX,
				     TX_BATCH_SKB_BLIST, TX_BATCH_NONE, TX_BATCH_BTX, TX_BATCH_NONE };
	const struct kit_pkt udp = { .len = 60, .proto = IPPROTO_UDP, .flow = 1 };
	struct kit *m = kit_new(1);
	struct net_device *d;
	struct rec_log l;
	u64 sent = 0;

	cr_assert_not_null(m, "kit_new(1) returned NULL, expected a machine");
	memset(&l, 0, sizeof(l));
	d = kit_dev_by_name(m, "sn0");
	tl_stop(m);
	kit_trace_subscribe(m, rec_log_cb, &l);
	setp(m, d, "tx_ring", 256);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		size_t from = l.n, deq1 = 0, deqn = 0, bulk = 0, batch = 0;
		u64 frames0 = kit_dev_stat(d, kit_stat_find("hw_tx_frames"));

		setp(m, d, "batching", modes[i]);
		kit_netif_stop_queue(d);
		kit_xmit_frames(d, &udp, 40);
		kit_netif_wake_queue(d);
		run_idle(m);
		for (size_t r = from; r < l.n; r++) {
			const struct trace_rec *t = &l.r[r];

			if (t->type == TR_QDISC_DEQ && t->b == 1)
				deq1++;
			else if (t->type == TR_QDISC_DEQ)
				deqn++;
			bulk += t->type == TR_QDISC_BULK;
			batch += t->type == TR_BATCH;
		}
		sent = kit_dev_stat(d, kit_stat_find("hw_tx_frames")) - frames0;
		cr_assert_eq(sent, 40, "mode %d: %llu frames sent, expected 40", modes[i],
			     (unsigned long long)sent);
		switch (modes[i]) {
		case TX_BATCH_NONE:
			cr_assert(deq1 == 40 && deqn == 0 && bulk == 0 && batch == 0,
				  "no batching: %zu single dequeues (expected 40), %zu of more, %zu bulk, "
				  "%zu batches", deq1, deqn, bulk, batch);
			break;
		case TX_BATCH_XMIT_MORE:
			cr_assert(bulk > 0 && bulk < 40 && deq1 + deqn == 0,
				  "xmit_more: %zu bulk dequeues, %zu others", bulk, deq1 + deqn);
			break;
		case TX_BATCH_BTX:
			cr_assert(batch > 0 && deqn > 0 && bulk == 0,
				  "btx: %zu batches, %zu list fills, %zu bulk", batch, deqn, bulk);
			break;
		default:
			cr_assert(deqn > 0 && batch == 0 && bulk == 0,
				  "skb_blist: %zu list fills, %zu batches, %zu bulk", deqn, batch, bulk);
			break;
		}
	}
	kit_trace_subscribe(m, NULL, NULL);
	kit_free(m);
	free(l.r);
}

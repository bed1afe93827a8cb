/* test_rx_arrive.c - the NIC's arrival of a pktgen frame, its emit inline or called. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kit.h"
#include "hw/nic_hw.h"
#include "hw/pktgen.h"
#include "helpers.h"

/*
 * nic_rx_from_source takes the emit of pktgen's plain runs of 60-byte UDP
 * and of big TCP segments with timestamps inline (pktgen.h's emit_plain),
 * any other source's through its pointer, and for those two the whole
 * arrival by rx_arrive_plain where the state allows (untraced: the
 * machines are run with and without a trace). Two machines take the same run:
 * one with no fault bits (the inline emit, for the runs it covers) and one
 * whose PSH bit faults no frame but sends every frame down the general
 * emit (pktgen_emit). Each arrival is made straight, past the ring's room
 * so frames are missed too: the descriptor written back, the frame's bytes
 * in its buffer, the skb's arrival time, RDH, the NIC's frame, byte and miss
 * counts, ICR, the coalescing state, the source's payload record, template
 * flag and next arrival must agree after every one, and so must the two
 * machines' clocks and device counters once both run to idle.
 */
struct arrive_run {
	u8 proto;
	unsigned int len;
	u32 flows, burst;
	bool inline_emit; /* the plain run's emit is one nic_rx.c takes inline */
};

static const struct arrive_run arrive_runs[] = {
	{ IPPROTO_UDP, 60, 1, 1, true },    { IPPROTO_UDP, 60, 3, 4, true },
	{ IPPROTO_UDP, 60, 7, 1, true },    { IPPROTO_TCP, 1514, 1, 1, true },
	{ IPPROTO_TCP, 1514, 3, 16, true }, { IPPROTO_TCP, 131, 2, 1, true },
	{ IPPROTO_UDP, 61, 1, 1, false },   { IPPROTO_TCP, 130, 1, 1, false },
	{ IPPROTO_UDP, 1400, 2, 1, false },
};

static struct kit *arrive_machine_of(const struct arrive_run *r, u32 faults, bool traced,
				     u32 count, u16 vlan, struct rx_source **src)
{
	struct kit *m = kit_new(1);
	struct net_device *dev;
	struct pktgen_cfg c;
	char err[256];

	cr_assert_not_null(m, "kit_new(1) returned NULL");
	kit_set_auto(m, false);
	if (!traced)
		trace_stop(m);
	dev = kit_dev_by_name(m, "sn1");
	pktgen_cfg_default(&c);
	c.count = count;
	c.proto = r->proto;
	c.tcp_ts = r->proto == IPPROTO_TCP;
	c.len = r->len;
	c.flows = r->flows;
	c.burst = r->burst;
	c.faults = faults;
	c.vlan = vlan;
	cr_assert_eq(kit_pktgen(dev, &c, err, sizeof(err)), 0, "pktgen: %s", err);
	cr_assert_eq(dev->nic->nsrc, 1, "%d sources, expected 1", dev->nic->nsrc);
	*src = dev->nic->src[0];
	return m;
}

static struct kit *arrive_machine(const struct arrive_run *r, u32 faults, bool traced,
				  struct rx_source **src)
{
	return arrive_machine_of(r, faults, traced, 2000, 0, src);
}

static struct e1000_rx_desc *arrive_desc(struct nic *hw, u32 i)
{
	return (struct e1000_rx_desc *)(uintptr_t)(((u64)hw->rdbah << 32) | hw->rdbal) + i;
}

#define SAME(what, x, y)                                                                 \
	cr_assert_eq((u64)(x), (u64)(y), "%u-byte %s run %zu, frame %u: " what " %llu, "   \
		     "expected %llu", r->len, r->proto == IPPROTO_UDP ? "UDP" : "TCP", ri, i, \
		     (unsigned long long)(x), (unsigned long long)(y))

Test(rx_arrive, a_sources_arrival_with_its_emit_inline_is_the_general_paths)
{
	for (size_t ri = 0; ri < 2 * ARRAY_SIZE(arrive_runs); ri++) {
		/* each run untraced (the fast arrival), then traced (never it) */
		const struct arrive_run *r = &arrive_runs[ri % ARRAY_SIZE(arrive_runs)];
		bool traced = ri >= ARRAY_SIZE(arrive_runs);
		struct rx_source *sa, *sb;
		struct kit *a = arrive_machine(r, 0, traced, &sa);
		struct kit *b = arrive_machine(r, PKTGEN_F_PSH, traced, &sb);
		struct pktgen *ga = container_of(sa, struct pktgen, src);
		struct pktgen *gb = container_of(sb, struct pktgen, src);
		struct nic *ha = kit_dev_by_name(a, "sn1")->nic, *hb = kit_dev_by_name(b, "sn1")->nic;
		unsigned int i = 0, landed = 0, missed = 0;
		bool inl = sa->emit == pktgen_emit_udp_min || sa->emit == pktgen_emit_tcp_ts_big;

		/* the runs the shortcut covers take it, the others do not */
		cr_assert_eq(inl, r->inline_emit,
			     "%u-byte run %zu: the emit is %s one nic_rx.c takes inline", r->len, ri,
			     inl ? "the" : "not the");
		cr_assert_neq((void *)sa->emit, (void *)sb->emit,
			      "%u-byte run %zu: the plain run takes the general emit", r->len, ri);
		/* (the fast arrival takes a buffer with an owner to be at an address
		 * other than 0: the pool gives no skb for 0) */
		cr_assert_null(skb_pool_buffer_owner(a, NULL), "address 0 has an owner");
		for (i = 0; i < 600; i++) {
			u32 at = ha->rdh;
			struct e1000_rx_desc *da = arrive_desc(ha, at), *db = arrive_desc(hb, at);
			unsigned char *ba = (unsigned char *)(uintptr_t)le64_to_cpu(da->buffer_addr);
			unsigned char *bb = (unsigned char *)(uintptr_t)le64_to_cpu(db->buffer_addr);
			bool ready = ha->rdh != ha->rdt;

			SAME("RDH before", ha->rdh, hb->rdh);
			SAME("RDT", ha->rdt, hb->rdt);
			SAME("next arrival", sa->next_at, sb->next_at);
			nic_rx_from_source(ha, sa);
			nic_rx_from_source(hb, sb);
			SAME("RDH", ha->rdh, hb->rdh);
			SAME("frames", ha->rx_frames, hb->rx_frames);
			SAME("bytes", ha->rx_bytes, hb->rx_bytes);
			SAME("missed", ha->rx_missed, hb->rx_missed);
			SAME("ICR", ha->icr, hb->icr);
			SAME("unsignalled", ha->rx_unsignalled, hb->rx_unsignalled);
			SAME("first unsignalled", ha->rx_first, hb->rx_first);
			SAME("cause_min", ha->cause_min, hb->cause_min);
			SAME("template flag", sa->tmpl, sb->tmpl);
			SAME("next arrival after", sa->next_at, sb->next_at);
			if (ready && ha->rdh != at) { /* this frame landed at descriptor at */
				struct sk_buff *oa = skb_pool_buffer_owner(a, ba);
				struct sk_buff *ob = skb_pool_buffer_owner(b, bb);
				unsigned int len = le16_to_cpu(da->length);

				SAME("length", len, le16_to_cpu(db->length));
				SAME("status", da->status, db->status);
				SAME("errors", da->errors, db->errors);
				SAME("special", da->special, db->special);
				cr_assert_eq(memcmp(ba, bb, len), 0,
					     "%u-byte run %zu, frame %u: bytes differ", r->len, ri, i);
				cr_assert(oa && ob, "run %zu, frame %u: a buffer without its skb", ri, i);
				SAME("arrival time", oa->tstamp, ob->tstamp);
				/* (the record is read only for a frame written) */
				SAME("payload length", sa->pl.len, sb->pl.len);
				if (sb->pl.len) {
					SAME("payload offset", sa->pl.off, sb->pl.off);
					SAME("payload sum", sa->pl.sum, sb->pl.sum);
				}
				landed++;
			} else {
				missed++;
			}
		}
		cr_assert_gt(landed, 100, "run %zu: %u frames landed", ri, landed);
		cr_assert_gt(missed, 100, "run %zu: %u frames missed", ri, missed);
		/* rx_arrive_plain: the untraced plain runs it is made for (60-byte
		 * UDP, big TCP segments with timestamps) take it for nearly every
		 * frame that lands, no other run ever */
		cr_assert_eq(gb->fast_arrivals, 0, "run %zu: the general emit's run took the "
			     "fast arrival %llu times", ri, (unsigned long long)gb->fast_arrivals);
		if (!traced && r->inline_emit)
			cr_assert_gt(ga->fast_arrivals, landed * 9 / 10,
				     "run %zu: %llu fast arrivals of %u frames landed", ri,
				     (unsigned long long)ga->fast_arrivals, landed);
		else
			cr_assert_eq(ga->fast_arrivals, 0, "run %zu: %llu fast arrivals, expected 0",
				     ri, (unsigned long long)ga->fast_arrivals);
		/* the rest of the run, through the driver, on both */
		hw_update(a);
		hw_update(b);
		run_idle(a);
		run_idle(b);
		SAME("clock at idle", a->now, b->now);
		for (int j = 0; j < kit_stat_count(); j++)
			SAME("device counter", kit_dev_stat(kit_dev_by_name(a, "sn1"), j),
			     kit_dev_stat(kit_dev_by_name(b, "sn1"), j));
		kit_free(a);
		kit_free(b);
	}
}

/* The bytes of the file at path, into buf (at most cap); its length. */
static size_t file_bytes(const char *path, unsigned char *buf, size_t cap)
{
	FILE *fp = fopen(path, "rb");
	size_t n;

	cr_assert_not_null(fp, "cannot open %s: %s", path, strerror(errno));
	n = fread(buf, 1, cap, fp);
	cr_assert(feof(fp), "%s is longer than %zu bytes", path, cap);
	fclose(fp);
	return n;
}

/*
 * A run's source is freed when its last frame has arrived (rx_source_done
 * calls its destroy): its fast-arrival count is read there, by a destroy
 * that notes it and then frees as before, never from the freed pktgen.
 */
static void (*ended_destroy)(struct rx_source *s);
static bool ended;
static u64 ended_fast;

static void noting_destroy(struct rx_source *s)
{
	ended = true;
	ended_fast = container_of(s, struct pktgen, src)->fast_arrivals;
	ended_destroy(s);
}

static void note_end(struct rx_source *s)
{
	ended = false;
	ended_fast = 0;
	ended_destroy = s->destroy;
	s->destroy = noting_destroy;
}

/* The source's fast arrivals so far: from the note once it has ended. */
static u64 fast_so_far(struct rx_source *s)
{
	return ended ? ended_fast : container_of(s, struct pktgen, src)->fast_arrivals;
}

/*
 * A capture on sn1 while a covered run lands: every frame must go to the
 * capture (rx_arrive's tap), untraced as traced, so the two files are the
 * same byte for byte and the untraced machine never takes the fast arrival.
 */
Test(rx_arrive, a_capture_sees_every_frame_the_fast_arrival_would_take)
{
	static unsigned char fa[1 << 20], fb[1 << 20];
	char dir[] = "/tmp/ringlab-arrive-XXXXXX", pa[64], pb[64];

	cr_assert(mkdtemp(dir), "mkdtemp %s failed: %s, expected a new directory", dir,
		  strerror(errno));
	for (size_t ri = 0; ri < ARRAY_SIZE(arrive_runs); ri++) {
		const struct arrive_run *r = &arrive_runs[ri];
		char err[256];
		size_t na, nb;

		if (!r->inline_emit)
			continue;
		snprintf(pa, sizeof(pa), "%s/untraced.pcap", dir);
		snprintf(pb, sizeof(pb), "%s/traced.pcap", dir);
		for (int traced = 0; traced < 2; traced++) {
			struct rx_source *s;
			struct kit *m = arrive_machine(r, 0, traced, &s);
			struct net_device *dev = kit_dev_by_name(m, "sn1");

			cr_assert_eq(kit_pcap_start(dev, traced ? pb : pa, err, sizeof(err)), 0,
				     "pcap: %s", err);
			note_end(s);
			hw_update(m);
			run_idle(m);
			cr_assert_gt(dev->nic->rx_frames, 200, "run %zu: %llu frames landed", ri,
				     (unsigned long long)dev->nic->rx_frames);
			cr_assert_eq(fast_so_far(s), 0,
				     "run %zu (%s): %llu fast arrivals with a capture, expected 0", ri,
				     traced ? "traced" : "untraced", (unsigned long long)fast_so_far(s));
			kit_pcap_stop(m);
			kit_free(m);
		}
		na = file_bytes(pa, fa, sizeof(fa));
		nb = file_bytes(pb, fb, sizeof(fb));
		cr_assert(na == nb && memcmp(fa, fb, na) == 0,
			  "%u-byte run %zu: the untraced capture is %zu bytes, the traced %zu, or they differ",
			  r->len, ri, na, nb);
		unlink(pa);
		unlink(pb);
	}
	rmdir(dir);
}

/*
 * A buffer posted with less room than the frame (its address near its
 * skb's end, as a driver's wrong offset would give): the general path counts
 * the frame missed and leaves RDH, so must a machine whose emit is inline.
 * Both covered writers, 64 bytes of room short of the frame and just short.
 */
Test(rx_arrive, a_frame_into_less_room_than_it_needs_is_missed)
{
	static const struct { u8 proto; unsigned int len, room; } cases[] = {
		{ IPPROTO_TCP, 1514, 1000 }, { IPPROTO_TCP, 1514, 1513 },
		{ IPPROTO_TCP, 131, 130 },   { IPPROTO_UDP, 60, 59 },
	};

	for (size_t ci = 0; ci < ARRAY_SIZE(cases); ci++) {
		const struct arrive_run r = { cases[ci].proto, cases[ci].len, 1, 1, true };
		struct rx_source *s;
		struct kit *m = arrive_machine(&r, 0, false, &s);
		struct nic *hw = kit_dev_by_name(m, "sn1")->nic;
		struct e1000_rx_desc *d;
		unsigned char *b;
		struct sk_buff *o;
		u64 missed, frames;
		u32 rdh;

		/* two frames as usual (the verdict remembered), then the short room */
		nic_rx_from_source(hw, s);
		nic_rx_from_source(hw, s);
		d = arrive_desc(hw, hw->rdh);
		b = (unsigned char *)(uintptr_t)le64_to_cpu(d->buffer_addr);
		o = skb_pool_buffer_owner(m, b);
		cr_assert_not_null(o, "case %zu: the posted buffer has no skb", ci);
		d->buffer_addr =
			cpu_to_le64((u64)(uintptr_t)(o->head + SKB_BUF_SIZE - cases[ci].room));
		missed = hw->rx_missed;
		frames = hw->rx_frames;
		rdh = hw->rdh;
		nic_rx_from_source(hw, s);
		cr_assert(hw->rx_missed == missed + 1 && hw->rx_frames == frames && hw->rdh == rdh,
			  "case %zu: a %u-byte frame into %u bytes of room: missed %llu -> %llu, "
			  "frames %llu -> %llu, RDH %u -> %u; expected one miss, RDH kept",
			  ci, cases[ci].len, cases[ci].room, (unsigned long long)missed,
			  (unsigned long long)hw->rx_missed, (unsigned long long)frames,
			  (unsigned long long)hw->rx_frames, rdh, hw->rdh);
		d->buffer_addr = cpu_to_le64((u64)(uintptr_t)b);
		kit_free(m);
	}
}

/* A covered run's last frame taken by the fast arrival ends its source: the
 * NIC lists it no more, as rx_arrive's end does. */
Test(rx_arrive, a_runs_last_fast_arrival_ends_its_source)
{
	for (size_t ri = 0; ri < ARRAY_SIZE(arrive_runs); ri++) {
		const struct arrive_run *r = &arrive_runs[ri];
		struct rx_source *s;
		struct kit *m;
		struct nic *hw;
		struct pktgen *g;
		unsigned int n = 0;
		u64 fast = 0;

		if (!r->inline_emit)
			continue;
		m = arrive_machine_of(r, 0, false, 20, 0, &s); /* 20 frames: within the ring's room */
		hw = kit_dev_by_name(m, "sn1")->nic;
		g = container_of(s, struct pktgen, src);
		note_end(s);
		while (hw->nsrc && n < 40) {
			fast = g->fast_arrivals; /* (the source is still listed: not freed) */
			nic_rx_from_source(hw, s);
			n++;
		}
		cr_assert_eq(hw->nsrc, 0, "run %zu: after %u arrivals %d sources listed, expected 0",
			     ri, n, hw->nsrc);
		/* (a burst's frames may come in one arrival) */
		cr_assert(ended && ended_fast > fast,
			  "run %zu: the last of %u arrivals %s (%llu fast before it, %llu at the end)",
			  ri, n, ended ? "not fast" : "did not free the source",
			  (unsigned long long)fast, (unsigned long long)ended_fast);
		kit_free(m);
	}
}

/* A tagged run (pktgen's vlan) never gets an emit nic_rx.c takes inline: the
 * fast arrival, which takes no tag out, is made only for untagged frames. */
Test(rx_arrive, a_tagged_run_takes_the_general_arrival)
{
	for (size_t ri = 0; ri < ARRAY_SIZE(arrive_runs); ri++) {
		const struct arrive_run *r = &arrive_runs[ri];
		struct rx_source *s;
		struct kit *m = arrive_machine_of(r, 0, false, 20, 7, &s);
		struct net_device *dev = kit_dev_by_name(m, "sn1");

		cr_assert(s->emit != pktgen_emit_udp_min && s->emit != pktgen_emit_tcp_ts_big,
			  "%u-byte run %zu with VLAN 7: an emit taken inline", r->len, ri);
		note_end(s);
		for (int i = 0; i < 20 && dev->nic->nsrc; i++)
			nic_rx_from_source(dev->nic, s);
		cr_assert_eq(fast_so_far(s), 0, "%u-byte run %zu with VLAN 7: %llu fast arrivals",
			     r->len, ri, (unsigned long long)fast_so_far(s));
		kit_free(m);
	}
}

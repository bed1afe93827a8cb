/* test_hw_fastroom.c - the fast arrival's one test of a buffer's room, and of the verdict it needs. */
#include "kit.h"
#include "hw/nic_hw.h"
#include "hw/pktgen.h"
#include "helpers.h"

TestSuite(hw_fastroom, .timeout = 60);

struct room_run {
	u8 proto;
	unsigned int len;
	u32 want_room; /* 64 bytes, or the template's frame where longer */
};

static const struct room_run room_runs[] = {
	{ IPPROTO_UDP, 60, 64 },
	{ IPPROTO_TCP, 1514, 1514 },
	{ IPPROTO_TCP, 131, 131 },
};

static struct e1000_rx_desc *room_desc(struct nic *hw, u32 i)
{
	return (struct e1000_rx_desc *)(uintptr_t)(((u64)hw->rdbah << 32) | hw->rdbal) + i;
}

/*
 * rx_arrive_plain takes a plain run's frame only into a buffer with 64
 * bytes of room or more, room for the template's need and frame, and with
 * the checksum verdict remembered for that frame: one test of the room
 * against the source's fast_room, which is more than any room until the
 * NIC has remembered a verdict (the run's first frame goes the general
 * way and remembers it) and then the larger of 64 and the frame. With the
 * run's buffers moved so their room is each length around fast_room, the
 * frame must go the fast way exactly when the room is fast_room or more,
 * land when it went so, and be missed when the room is short of the frame.
 */
Test(hw_fastroom, a_frame_goes_fast_only_into_room_enough_with_its_verdict)
{
	int checked = 0;

	for (size_t ri = 0; ri < ARRAY_SIZE(room_runs); ri++) {
		const struct room_run *r = &room_runs[ri];
		struct kit *m = kit_new(1);
		struct net_device *dev;
		struct pktgen_cfg c;
		struct rx_source *s;
		struct pktgen *g;
		struct nic *hw;
		char err[256];
		u64 fast, frames;

		cr_assert_not_null(m, "kit_new(1) returned NULL");
		kit_set_auto(m, false);
		trace_stop(m);
		dev = kit_dev_by_name(m, "sn1");
		hw = dev->nic;
		pktgen_cfg_default(&c);
		c.count = 1000;
		c.proto = r->proto;
		c.tcp_ts = r->proto == IPPROTO_TCP;
		c.len = r->len;
		cr_assert_eq(kit_pktgen(dev, &c, err, sizeof(err)), 0, "pktgen: %s", err);
		s = hw->src[hw->nsrc - 1];
		g = container_of(s, struct pktgen, src);
		cr_assert(s->emit == pktgen_emit_udp_min || s->emit == pktgen_emit_tcp_ts_big,
			  "run %zu: not a run the fast arrival takes", ri);
		cr_assert_eq(s->fast_room, ~0u, "run %zu: fast_room %u before any frame, expected "
			     "%u", ri, s->fast_room, ~0u);
		/* the first frame: no verdict remembered, the general way */
		frames = hw->rx_frames;
		nic_rx_from_source(hw, s);
		cr_assert_eq(hw->rx_frames, frames + 1, "run %zu: the first frame did not land", ri);
		cr_assert_eq(g->fast_arrivals, 0, "run %zu: the first frame went the fast way", ri);
		cr_assert_eq(s->fast_room, r->want_room, "run %zu: fast_room %u, expected %u", ri,
			     s->fast_room, r->want_room);
		for (u32 want = r->want_room - 2; want <= r->want_room + 2; want++) {
			u32 at = hw->rdh;
			struct e1000_rx_desc *d = room_desc(hw, at);
			u64 addr = le64_to_cpu(d->buffer_addr), missed = hw->rx_missed;
			struct sk_buff *owner = skb_pool_buffer_owner(m, (void *)(uintptr_t)addr);
			bool want_fast = want >= s->fast_room, want_land = want >= r->len;

			cr_assert_neq(hw->rdh, hw->rdt, "run %zu: no buffer posted", ri);
			cr_assert_not_null(owner, "run %zu: a posted buffer without its skb", ri);
			/* the buffer moved up so that want bytes of the skb's buffer are left */
			d->buffer_addr = cpu_to_le64((u64)(uintptr_t)owner->head + SKB_BUF_SIZE - want);
			fast = g->fast_arrivals;
			frames = hw->rx_frames;
			nic_rx_from_source(hw, s);
			d->buffer_addr = cpu_to_le64(addr);
			cr_assert_eq(g->fast_arrivals - fast, (u64)want_fast,
				     "%u-byte run, room %u (fast_room %u): %llu fast arrivals, "
				     "expected %d", r->len, want, s->fast_room,
				     (unsigned long long)(g->fast_arrivals - fast), want_fast);
			/* (the general way's answer for a room under 64 is the DMA
			 * check's: landed or missed, one of them) */
			cr_assert_eq(hw->rx_frames - frames + hw->rx_missed - missed, 1,
				     "%u-byte run, room %u: %llu landed and %llu missed, expected "
				     "one frame", r->len, want,
				     (unsigned long long)(hw->rx_frames - frames),
				     (unsigned long long)(hw->rx_missed - missed));
			if (want_fast || !want_land)
				cr_assert_eq(hw->rx_frames - frames, (u64)want_land,
					     "%u-byte run, room %u: %llu frames landed, expected %d",
					     r->len, want,
					     (unsigned long long)(hw->rx_frames - frames), want_land);
			checked++;
		}
		kit_free(m);
	}
	cr_assert_eq(checked, 5 * (int)ARRAY_SIZE(room_runs), "%d cases checked", checked);
}

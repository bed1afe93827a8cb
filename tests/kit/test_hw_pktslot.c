/* test_hw_pktslot.c - a plain pktgen run's arrival times added up per frame are slot_time_ps's. */
#include "kit.h"
#include "hw/nic_hw.h"
#include "hw/pktgen.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(hw_pktslot, .timeout = 60);

struct slot_run {
	u8 proto;
	unsigned int len;
	u64 rate; /* 0: line rate */
	u64 start_ns;
};

static const struct slot_run slot_runs[] = {
	{ IPPROTO_UDP, 60, 0, 0 },	  { IPPROTO_UDP, 60, 500000, 0 },
	{ IPPROTO_UDP, 60, 999999, 7 },	  { IPPROTO_UDP, 60, 1000001, 0 },
	{ IPPROTO_UDP, 60, 7777777, 3 },  { IPPROTO_UDP, 60, 333333, 999 },
	{ IPPROTO_UDP, 200, 1234567, 0 }, { IPPROTO_TCP, 1514, 0, 0 },
	{ IPPROTO_TCP, 1514, 777777, 5 }, { IPPROTO_TCP, 1514, 3, 0 },
	{ IPPROTO_ICMP, 98, 654321, 1 },
};

/* The TCP timestamp option's TSval of the frame at f (IPv4, no IP options). */
static u32 frame_tsval(const unsigned char *f)
{
	const unsigned char *tcp = f + ETH_HLEN + 20, *o = tcp + 20, *end = tcp + (tcp[12] >> 4) * 4;

	while (o < end && *o != 8)
		o += *o == 1 ? 1 : o[1];
	cr_assert(o < end, "no timestamp option in the frame");
	return (u32)o[2] << 24 | (u32)o[3] << 16 | (u32)o[4] << 8 | o[5];
}

/*
 * A plain run's emit works its next arrival out by adding the interval, as
 * whole ns and the ps over, to the last slot (a slack of ps below 1000, one
 * ns more when it goes below 0), kept apart from the source's next_at.
 * After every frame j the next arrival must be slot_time_ps(g, j + 1)
 * rounded up to the ns and the slot kept must be that slot's ps exactly,
 * a TCP frame's TSval must be 1000 + its slot's ps / 10^9 (the 1 ms clock),
 * and a next_at pulled to now (race_rx_irq) must move no slot after it: at
 * rates whose interval has ps over the ns (carries taken) and not.
 */
Test(hw_pktslot, each_arrival_is_its_slot_rounded_up, .init = setup, .fini = teardown)
{
	static unsigned char buf[SKB_BUF_SIZE];
	u64 carries = 0, slacked = 0;

	for (size_t ri = 0; ri < ARRAY_SIZE(slot_runs); ri++) {
		const struct slot_run *r = &slot_runs[ri];
		struct nic *hw = sn1->nic;
		struct pktgen_cfg c;
		struct rx_source *s;
		struct pktgen *g;
		char err[256];
		u32 prev_slack = 0;

		pktgen_cfg_default(&c);
		c.count = 5000;
		c.proto = r->proto;
		c.tcp_ts = r->proto == IPPROTO_TCP;
		c.len = r->len;
		c.rate_pps = r->rate;
		c.start_ns = r->start_ns;
		cr_assert_eq(kit_pktgen(sn1, &c, err, sizeof(err)), 0, "pktgen: %s", err);
		s = hw->src[hw->nsrc - 1];
		g = container_of(s, struct pktgen, src);
		cr_assert(g->plain, "run %zu: not a plain run", ri);
		for (u64 j = 0; j + 1 < c.count; j++) {
			u64 want_ps = slot_time_ps(g, j), next_ps = slot_time_ps(g, j + 1);
			u64 want_at = (next_ps + 999) / 1000;
			bool with_buf = r->proto == IPPROTO_TCP || j % 3 == 0;

			cr_assert_eq(g->slot_ns * 1000 - g->slot_slack, want_ps,
				     "run %zu, frame %llu: slot %llu ps, expected %llu", ri,
				     (unsigned long long)j,
				     (unsigned long long)(g->slot_ns * 1000 - g->slot_slack),
				     (unsigned long long)want_ps);
			if (j % 7 == 5)
				s->next_at = k->now; /* pulled to now, as race_rx_irq does */
			(void)s->emit(s, with_buf ? buf : NULL, with_buf ? sizeof(buf) : 0);
			cr_assert_eq(s->next_at, want_at,
				     "run %zu (rate %llu), after frame %llu: next_at %llu, expected "
				     "%llu", ri, (unsigned long long)r->rate, (unsigned long long)j,
				     (unsigned long long)s->next_at, (unsigned long long)want_at);
			cr_assert_lt(g->slot_slack, 1000, "run %zu, frame %llu: slack %u", ri,
				     (unsigned long long)j, g->slot_slack);
			if (r->proto == IPPROTO_TCP) {
				u32 ts = frame_tsval(buf), want_ts = 1000 + (u32)(want_ps / 1000000000);

				cr_assert_eq(ts, want_ts, "run %zu, frame %llu at %llu ps: TSval %u, "
					     "expected %u", ri, (unsigned long long)j,
					     (unsigned long long)want_ps, ts, want_ts);
			}
			carries += g->slot_slack > prev_slack;
			slacked += g->slot_slack != 0;
			prev_slack = g->slot_slack;
		}
		/* the source leaves the NIC's list, as a run's end takes it */
		cr_assert_eq(hw->src[hw->nsrc - 1], s, "run %zu: the source moved", ri);
		hw->nsrc--;
		s->destroy(s);
		hw_update(k);
	}
	cr_assert_gt(carries, 1000, "only %llu slots carried a ns", (unsigned long long)carries);
	cr_assert_gt(slacked, 1000, "only %llu slots with a slack", (unsigned long long)slacked);
}

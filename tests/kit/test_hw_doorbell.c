/* test_hw_doorbell.c - the TDT write's common turn in one go is the long way's, at each of its guards' edges. */
#include "tx_pair_helpers.h"

TestSuite(hw_doorbell, .timeout = 60);

/* The turn a case sets up before the write. */
enum db_case {
	DB_PLAIN,	/* the common turn: nothing due, no wrap */
	DB_DUE_AT,	/* a change due at the write's and the descriptors' charges' end, - 1, + 1 */
	DB_DUE_MMIO,	/* a change due within the write's own charge */
	DB_LOCKUP,	/* the driver at its lockup time after the write's charge, - 1, + 1 */
	DB_WRAP,	/* the tail wraps past the ring's end */
	DB_HEAD_AHEAD,	/* tdh > tdt: the frames in flight wrap */
	DB_OVERWRITE,	/* tdh > tdt, and the new tail reaches the head */
	DB_RING_UNCHECKED, /* no ring verdict kept for this memory map */
	DB_ENGINE_OFF,	/* TCTL.EN clear */
	DB_SAME,	/* the tail written as it is */
	DB_OUTSIDE,	/* a tail outside the ring */
	DB_BUSY,	/* frames still in flight (not idle) */
	DB_N
};

static const char *const db_name[DB_N] = {
	"plain", "due at the charges' end", "due within the write's charge", "lockup time",
	"wrap", "head ahead", "tail reaching the head", "ring unchecked", "engine off", "same tail", "tail outside",
	"busy engine",
};


/* Set machine m up for case c (variant v: -1, 0, +1 around an edge);
 * returns the tail to write. */
static u32 db_setup(struct tx_machine *m, enum db_case c, int v)
{
	struct kit *k = m->k;
	struct nic *hw = m->hw;
	u32 count = hw->tx_count, at = count / 2, posted = 3;
	u64 cm = k->cost[COST_MMIO_WRITE], cd = k->cost[COST_DESC];

	if (c == DB_WRAP)
		at = count - 2;
	tx_machine_ring(m, at, posted + 4, 60);
	hw_sync(k);
	if (c == DB_BUSY || c == DB_HEAD_AHEAD || c == DB_OVERWRITE)
		hw->fault_dd_delay = 1000000; /* frames in flight stay so for 1 ms */
	if (c == DB_BUSY) { /* one frame in flight ahead of the new ones */
		nic_write(hw, E1000_TDT, (at + 1) % count);
		at = (at + 1) % count;
		posted = 2;
	}
	if (c == DB_HEAD_AHEAD || c == DB_OVERWRITE) {
		/* head at the ring's end, tail wrapped to 1: frames in flight wrap */
		tx_machine_ring(m, count - 1, 8, 60);
		nic_write(hw, E1000_TDT, 1);
		at = 1;
		if (c == DB_OVERWRITE)
			return count - 1; /* descriptors the NIC owns written again */
	}
	if (c == DB_DUE_AT || c == DB_DUE_MMIO) {
		/* TXDW due then, the line masked */
		u64 due = c == DB_DUE_AT ? k->now + cm + cd * posted : k->now + cm / 2;

		hw->cause_at[0] = hw->cause_min = (u64)((s64)due + v);
		hw_update(k);
	}
	if (c == DB_LOCKUP) {
		k->lab_running = "test";
		k->lab_enter_ns = (u64)((s64)(k->now + cm) - (s64)DRIVER_LOCKUP_NS - v);
	}
	if (c == DB_RING_UNCHECKED)
		hw->tx_ring_ok_gen = 0;
	if (c == DB_ENGINE_OFF)
		nic_write(hw, E1000_TCTL, hw->tctl & ~E1000_TCTL_EN);
	if (c == DB_SAME)
		return hw->tdt;
	if (c == DB_OUTSIDE)
		return count;
	return (at + posted) % count;
}

/* The traced machine's records of the write: its doorbell and its posts. */
static u64 db_tdt_recs, db_post_recs;

static void db_count(const struct trace_rec *r, void *arg)
{
	(void)arg;
	db_tdt_recs += r->type == TR_TDT;
	db_post_recs += r->type == TR_TX_POST;
}

#define DB_SAME_FIELD(what, x, y)                                                            \
	cr_assert_eq((u64)(x), (u64)(y), "%s (variant %d): " what " %llu untraced, %llu traced", \
		     db_name[c], v, (unsigned long long)(x), (unsigned long long)(y))

/*
 * The TDT write takes its common turn in one go on an untraced machine
 * (frames posted to a running engine past a tail that does not wrap, the
 * ring's verdict kept, the write's and the descriptors' charges before the
 * hardware's next change, the driver short of its lockup time), the long
 * way (catch-up, charge, time check, doorbell, each as it comes) on a traced
 * one and in every other turn. Two machines alike but for the trace take
 * the same write in each turn, at each guard's edge and a ns either side:
 * the clock, the CPU's time, the charges' sums and counts, the ring's
 * registers, the fetch (every slot's finish time, the wire's free time),
 * the NIC's next change, hw_next, ICR, the rules broken and the DMA faults
 * must agree after it, and the traced machine's records must show the
 * write's posts and its doorbell.
 */
Test(hw_doorbell, the_common_turn_in_one_go_is_the_long_ways)
{
	int checked = 0;

	for (int ci = 0; ci < DB_N; ci++) {
		enum db_case c = (enum db_case)ci;
		bool edged = c == DB_DUE_AT || c == DB_DUE_MMIO || c == DB_LOCKUP;

		for (int v = edged ? -1 : 0; v <= (edged ? 1 : 0); v++) {
			struct tx_machine a, b;
			struct nic *ha, *hb;
			u32 va, vb;
			u64 ra = 0, rb = 0;

			tx_machine_make(&a, false);
			tx_machine_make(&b, true);
			ha = a.hw;
			hb = b.hw;
			va = db_setup(&a, c, v);
			vb = db_setup(&b, c, v);
			DB_SAME_FIELD("tail to write", va, vb);
			DB_SAME_FIELD("clock before", a.k->now, b.k->now);
			kit_enter(a.k);
			nic_write(ha, E1000_TDT, va);
			u32 tdt_before = hb->tdt;
			bool on = hb->tctl & E1000_TCTL_EN;

			db_tdt_recs = db_post_recs = 0;
			kit_trace_subscribe(b.k, db_count, NULL);
			kit_enter(b.k);
			nic_write(hb, E1000_TDT, vb);
			kit_trace_subscribe(b.k, NULL, NULL);
			/* the traced machine's write in its records, each post and the doorbell */
			if (hb->tdt != tdt_before) {
				u64 want_posts = on ? (vb + hb->tx_count - tdt_before) % hb->tx_count : 0;

				DB_SAME_FIELD("doorbell records, traced, against 1", db_tdt_recs, 1);
				DB_SAME_FIELD("post records, traced, against the posts", db_post_recs,
					      want_posts);
			}
			DB_SAME_FIELD("clock", a.k->now, b.k->now);
			DB_SAME_FIELD("CPU busy", a.k->cpu.busy, b.k->cpu.busy);
			DB_SAME_FIELD("MMIO write ns", a.k->cost_ns[COST_MMIO_WRITE],
				      b.k->cost_ns[COST_MMIO_WRITE]);
			DB_SAME_FIELD("MMIO writes", a.k->cost_count[COST_MMIO_WRITE],
				      b.k->cost_count[COST_MMIO_WRITE]);
			DB_SAME_FIELD("descriptor ns", a.k->cost_ns[COST_DESC],
				      b.k->cost_ns[COST_DESC]);
			DB_SAME_FIELD("descriptors", a.k->cost_count[COST_DESC],
				      b.k->cost_count[COST_DESC]);
			DB_SAME_FIELD("TDT", ha->tdt, hb->tdt);
			DB_SAME_FIELD("TDH", ha->tdh, hb->tdh);
			DB_SAME_FIELD("fetch point", ha->tx_sched, hb->tx_sched);
			DB_SAME_FIELD("doorbells", ha->tx_doorbells, hb->tx_doorbells);
			DB_SAME_FIELD("frames sent", ha->tx_frames, hb->tx_frames);
			DB_SAME_FIELD("wire free", ha->wire_free_up, hb->wire_free_up);
			DB_SAME_FIELD("wire slack", ha->wire_slack, hb->wire_slack);
			DB_SAME_FIELD("ring verdict", ha->tx_ring_ok_gen != 0, hb->tx_ring_ok_gen != 0);
			DB_SAME_FIELD("next change", ha->next, hb->next);
			DB_SAME_FIELD("next change worked out", nic_next_change(ha),
				      nic_next_change(hb));
			DB_SAME_FIELD("hw_next", a.k->hw_next, b.k->hw_next);
			DB_SAME_FIELD("ICR", ha->icr, hb->icr);
			DB_SAME_FIELD("DMA faults", ha->dma_faults, hb->dma_faults);
			DB_SAME_FIELD("a lockup", a.k->broke, b.k->broke);
			for (int r = 0; r < RULE_NR; r++) {
				ra += a.k->rule_count[r] * (u64)(r + 1);
				rb += b.k->rule_count[r] * (u64)(r + 1);
			}
			DB_SAME_FIELD("rules broken (weighted)", ra, rb);
			for (u32 i = 0; i < ha->tx_count; i++)
				if (ha->tx_done[i] != hb->tx_done[i])
					DB_SAME_FIELD("a slot's finish time", ha->tx_done[i],
						      hb->tx_done[i]);
			a.k->lab_running = b.k->lab_running = NULL;
			tx_machine_free(&a);
			tx_machine_free(&b);
			checked++;
		}
	}
	cr_assert_eq(checked, DB_N + 6, "%d cases checked, expected %d", checked, DB_N + 6);
}

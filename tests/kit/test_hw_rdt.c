/* test_hw_rdt.c - the RDT write's common turn in one go is the long way's, at each of its guards' edges. */
#include "kit.h"
#include "hw/nic_hw.h"
#include "helpers.h"

TestSuite(hw_rdt, .timeout = 60);

enum rdt_case {
	RC_PLAIN,	/* the common turn: nothing due */
	RC_WRAP,	/* the new tail past the ring's end */
	RC_DUE_AT,	/* a change due at the write's and the descriptors' charges' end, - 1, + 1 */
	RC_DUE_MMIO,	/* a change due within the write's own charge */
	RC_LOCKUP,	/* the driver at its lockup time after the write's charge, - 1, + 1 */
	RC_SAME,	/* the tail written as it is */
	RC_OUTSIDE,	/* a tail outside the ring */
	RC_N
};

static const char *const rc_name[RC_N] = {
	"plain", "wrap", "due at the charges' end", "due within the write's charge", "lockup time",
	"same tail", "tail outside",
};

static struct kit *rdt_machine(bool traced)
{
	char err[256];
	struct kit *m = kit_new(1);

	cr_assert_not_null(m, "kit_new(1) returned NULL");
	kit_set_auto(m, false);
	if (!traced)
		trace_stop(m);
	cr_assert_eq(kit_param_set(m, NULL, kit_param_find("wire_peer"), 0, err, sizeof(err)), 0,
		     "wire_peer: %s", err);
	kit_enter(m);
	run_idle(m);
	hw_sync(m);
	nic_write(kit_dev_by_name(m, "sn1")->nic, E1000_IMC, ~0u);
	return m;
}

/* Set machine m's sn1 up for case c (variant v); returns the tail to write. */
static u32 rdt_setup(struct kit *m, enum rdt_case c, int v)
{
	struct nic *hw = kit_dev_by_name(m, "sn1")->nic;
	u32 count = hw->rx_count, n = 5;
	u64 cm = m->cost[COST_MMIO_WRITE], cd = m->cost[COST_DESC];

	if (c == RC_WRAP)
		n = count - 3;
	if (c == RC_DUE_AT || c == RC_DUE_MMIO) {
		u64 due = c == RC_DUE_AT ? m->now + cm + cd * n : m->now + cm / 2;

		hw->cause_at[0] = hw->cause_min = (u64)((s64)due + v); /* TXDW then, masked */
		hw_update(m);
	}
	if (c == RC_LOCKUP) {
		m->lab_running = "test";
		m->lab_enter_ns = (u64)((s64)(m->now + cm) - (s64)DRIVER_LOCKUP_NS - v);
	}
	if (c == RC_SAME)
		return hw->rdt;
	if (c == RC_OUTSIDE)
		return count;
	return (hw->rdt + n) % count;
}

static u64 rc_recs;

static void rc_count(const struct trace_rec *r, void *arg)
{
	(void)arg;
	rc_recs += r->type == TR_RDT;
}

#define RC_SAME_FIELD(what, x, y)                                                            \
	cr_assert_eq((u64)(x), (u64)(y), "%s (variant %d): " what " %llu untraced, %llu traced", \
		     rc_name[c], v, (unsigned long long)(x), (unsigned long long)(y))

/*
 * The RDT write takes its common turn in one go on an untraced machine (a
 * new tail in the ring, the write's and the descriptors' charges before the
 * hardware's next change, the driver short of its lockup time), the long
 * way on a traced one and in every other turn. Two machines alike but for
 * the trace take the same write in each turn, at each guard's edge and a ns
 * either side: the clock, the CPU's time, the charges' sums and counts, RDT,
 * the doorbells, the NIC's next change, hw_next, ICR, the rules broken and
 * a lockup must agree after it, and the traced machine's records must show
 * the write when it moved the tail.
 */
Test(hw_rdt, the_common_turn_in_one_go_is_the_long_ways)
{
	int checked = 0;

	for (int ci = 0; ci < RC_N; ci++) {
		enum rdt_case c = (enum rdt_case)ci;
		bool edged = c == RC_DUE_AT || c == RC_DUE_MMIO || c == RC_LOCKUP;

		for (int v = edged ? -1 : 0; v <= (edged ? 1 : 0); v++) {
			struct kit *a = rdt_machine(false), *b = rdt_machine(true);
			struct nic *ha = kit_dev_by_name(a, "sn1")->nic;
			struct nic *hb = kit_dev_by_name(b, "sn1")->nic;
			u32 va = rdt_setup(a, c, v), vb = rdt_setup(b, c, v), rdt_before = hb->rdt;
			u64 ra = 0, rb = 0;

			RC_SAME_FIELD("tail to write", va, vb);
			RC_SAME_FIELD("clock before", a->now, b->now);
			kit_enter(a);
			nic_write(ha, E1000_RDT, va);
			rc_recs = 0;
			kit_trace_subscribe(b, rc_count, NULL);
			kit_enter(b);
			nic_write(hb, E1000_RDT, vb);
			kit_trace_subscribe(b, NULL, NULL);
			if (hb->rdt != rdt_before)
				RC_SAME_FIELD("RDT records, traced, against 1", rc_recs, 1);
			RC_SAME_FIELD("clock", a->now, b->now);
			RC_SAME_FIELD("CPU busy", a->cpu.busy, b->cpu.busy);
			RC_SAME_FIELD("MMIO write ns", a->cost_ns[COST_MMIO_WRITE],
				      b->cost_ns[COST_MMIO_WRITE]);
			RC_SAME_FIELD("MMIO writes", a->cost_count[COST_MMIO_WRITE],
				      b->cost_count[COST_MMIO_WRITE]);
			RC_SAME_FIELD("descriptor ns", a->cost_ns[COST_DESC], b->cost_ns[COST_DESC]);
			RC_SAME_FIELD("descriptors", a->cost_count[COST_DESC], b->cost_count[COST_DESC]);
			RC_SAME_FIELD("RDT", ha->rdt, hb->rdt);
			RC_SAME_FIELD("RDH", ha->rdh, hb->rdh);
			RC_SAME_FIELD("doorbells", ha->rx_doorbells, hb->rx_doorbells);
			RC_SAME_FIELD("next change", ha->next, hb->next);
			RC_SAME_FIELD("hw_next", a->hw_next, b->hw_next);
			RC_SAME_FIELD("ICR", ha->icr, hb->icr);
			RC_SAME_FIELD("a lockup", a->broke, b->broke);
			for (int r = 0; r < RULE_NR; r++) {
				ra += a->rule_count[r] * (u64)(r + 1);
				rb += b->rule_count[r] * (u64)(r + 1);
			}
			RC_SAME_FIELD("rules broken (weighted)", ra, rb);
			a->lab_running = b->lab_running = NULL;
			kit_free(a);
			kit_free(b);
			checked++;
		}
	}
	cr_assert_eq(checked, RC_N + 6, "%d cases checked, expected %d", checked, RC_N + 6);
}

/* test_rx_sync.c - netif_receive_skb's turn with a catch-up due at the stack's charge. */
#include "kit.h"
#include "core/stack.h"
#include "helpers.h"

/*
 * stack_rx_fast hands an skb whose stack charge brings a catch-up due to
 * stack_receive_synced, which charges first and reads the datagram after.
 * Two machines without a timeline, one keeping its trace (every skb takes
 * the general path), take the same traffic from pktgen: 60-byte UDP at line
 * rate (one flow, three taking turns, bursts of 16), at a set rate, 64- and
 * 200-byte UDP (a payload the common case does not compare), TCP and a socket
 * queue that fills. Every device counter, the CPU time per context, every
 * cost's time and count, the clock, the stack's counts and every flow's must
 * agree, and the untraced machine must have taken both of the turn's ways.
 */
static const struct {
	u8 proto;
	unsigned int len;
	u32 flows, count, burst;
	u64 rate;
} sync_runs[] = {
	{ IPPROTO_UDP, 60, 1, 4000, 1, 0 },	 { IPPROTO_UDP, 60, 3, 1200, 16, 0 },
	{ IPPROTO_UDP, 60, 1, 800, 1, 900000 },	 { IPPROTO_UDP, 64, 1, 600, 1, 0 },
	{ IPPROTO_UDP, 200, 2, 600, 4, 0 },	 { IPPROTO_TCP, 600, 1, 400, 1, 0 },
	{ IPPROTO_UDP, 60, 1, 2000, 32, 0 },
};

static int sync_outcome(struct kit *m, u64 *v)
{
	struct stack *s = m->stack;
	int n = 0;

	for (int i = 0; i < kit_dev_count(m); i++)
		for (int j = 0; j < kit_stat_count(); j++)
			v[n++] = kit_dev_stat(kit_dev_at(m, i), j);
	cpu_ns_sync(m);
	for (int c = 0; c < CTX_NR; c++)
		v[n++] = m->cpu.ns[c];
	for (int c = 0; c < COST_NR; c++) {
		v[n++] = m->cost_ns[c];
		v[n++] = m->cost_count[c];
	}
	v[n++] = m->now;
	v[n++] = m->sd.processed;
	v[n++] = m->sd.poll_delivered;
	v[n++] = s->sock_drops;
	v[n++] = s->ip_errors;
	v[n++] = s->other;
	v[n++] = s->app_packets;
	v[n++] = s->app_bytes;
	v[n++] = s->lat_sum;
	v[n++] = s->lat_n;
	for (int i = 0; i < kit_flow_count(m); i++) {
		struct kit_flow_stat f = flow(m, i);

		v[n++] = f.packets;
		v[n++] = f.segments;
		v[n++] = f.bytes;
		v[n++] = f.errors;
		v[n++] = f.csum_errors;
		v[n++] = f.app_bytes;
		v[n++] = f.next_seq;
		v[n++] = (u64)(f.ifindex + 1);
		v[n++] = f.started;
	}
	return n;
}

Test(rx_sync, a_catch_up_due_at_the_stacks_charge_is_the_general_paths)
{
	static u64 v[2][4096];
	int n[2];
	u64 synced = 0, general = 0;

	for (int t = 0; t < 2; t++) {
		struct kit *m = kit_new(1);
		struct net_device *d1;

		cr_assert_not_null(m, "kit_new(1) returned NULL, expected a machine");
		if (!t)
			trace_stop(m); /* the machine of the fast paths */
		tl_stop(m);
		kit_set_hw_steps(m, false);
		d1 = kit_dev_by_name(m, "sn1");
		for (size_t r = 0; r < ARRAY_SIZE(sync_runs); r++) {
			struct pktgen_cfg c;
			char err[256];

			setp(m, NULL, "sock_rcvq", r == ARRAY_SIZE(sync_runs) - 1 ? 6 : 1024);
			pktgen_cfg_default(&c);
			c.proto = sync_runs[r].proto;
			c.len = sync_runs[r].len;
			c.flows = sync_runs[r].flows;
			c.count = sync_runs[r].count;
			c.burst = sync_runs[r].burst;
			c.rate_pps = sync_runs[r].rate;
			c.tcp_ts = sync_runs[r].proto == IPPROTO_TCP;
			cr_assert_eq(kit_pktgen(d1, &c, err, sizeof(err)), 0, "pktgen: %s", err);
			run_idle(m);
		}
		n[t] = sync_outcome(m, v[t]);
		if (!t) {
			synced = m->stack->fast_synced;
			general = m->stack->sync_general;
		} else {
			cr_assert_eq(m->stack->fast_synced + m->stack->sync_general, 0,
				     "the traced machine took the turn %llu and %llu times, expected 0",
				     (unsigned long long)m->stack->fast_synced,
				     (unsigned long long)m->stack->sync_general);
		}
		check_clean(m);
		kit_free(m);
	}
	cr_assert_eq(n[0], n[1], "%d values untraced, %d traced", n[0], n[1]);
	for (int i = 0; i < n[0]; i++)
		cr_assert_eq(v[0][i], v[1][i], "value %d: %llu untraced, %llu traced", i,
			     (unsigned long long)v[0][i], (unsigned long long)v[1][i]);
	cr_assert_gt(synced, 100, "%llu datagrams taken the common way after the catch-up",
		     (unsigned long long)synced);
	cr_assert_gt(general, 10, "%llu skbs taken the general way after the catch-up",
		     (unsigned long long)general);
}

/*
 * A flow's first datagram: pktgen names its flows to the stack before the
 * first frame (the flow found last), so that datagram takes the common case
 * with the flow not yet started, and its sequence word sets where the flow
 * goes on. One to six datagrams of one flow (and of three taking turns) on
 * a fresh machine without a trace and on one with it (the general path):
 * every value sync_outcome reads, the next sequence and the started mark
 * among them, must agree after each run.
 */
Test(rx_sync, a_flows_first_datagram_as_the_general_path_takes_it)
{
	static u64 v[2][4096];

	for (u32 flows = 1; flows <= 3; flows += 2) {
		for (u32 count = 1; count <= 6; count++) {
			int n[2];

			for (int t = 0; t < 2; t++) {
				struct kit *m = kit_new(1);
				struct pktgen_cfg c;
				char err[256];

				cr_assert_not_null(m, "kit_new(1) returned NULL, expected a machine");
				if (!t)
					trace_stop(m);
				tl_stop(m);
				kit_set_hw_steps(m, false);
				pktgen_cfg_default(&c);
				c.proto = IPPROTO_UDP;
				c.len = 60;
				c.flows = flows;
				c.count = count;
				cr_assert_eq(kit_pktgen(kit_dev_by_name(m, "sn1"), &c, err, sizeof(err)),
					     0, "pktgen: %s", err);
				run_idle(m);
				cr_assert_eq(kit_flow_count(m), (int)flows,
					     "%d flows after %u datagrams, expected %u", kit_flow_count(m),
					     count, flows);
				cr_assert(flow(m, 0).started, "%u datagrams of %u flows: flow 0 not started",
					  count, flows);
				n[t] = sync_outcome(m, v[t]);
				check_clean(m);
				kit_free(m);
			}
			cr_assert_eq(n[0], n[1], "%d values untraced, %d traced", n[0], n[1]);
			for (int i = 0; i < n[0]; i++)
				cr_assert_eq(v[0][i], v[1][i],
					     "%u datagrams of %u flows: value %d is %llu untraced, %llu traced",
					     count, flows, i, (unsigned long long)v[0][i],
					     (unsigned long long)v[1][i]);
		}
	}
}

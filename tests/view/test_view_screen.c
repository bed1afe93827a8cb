/* test_view_screen.c - the whole screen model: sections, badges, NAPI, LRO, log, status, sizes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ringkit/ringkit.h>

#include "../../shell/view/model.h"
#include "../../shell/view/view.h"
#include "view_helpers.h"

static struct kit_snap ks;
static char rowbuf[1024];

static const char *row(const struct vgrid *g, int y)
{
	vgrid_row_text(g, y, rowbuf, sizeof(rowbuf));
	return rowbuf;
}

static int find(const struct vgrid *g, const char *s, int *col)
{
	return vgrid_find(g, 0, s, col);
}

static void assert_has(const struct vgrid *g, const char *s)
{
	cr_assert(find(g, s, NULL) >= 0, "the screen has no \"%s\"", s);
}

static void build(struct vgrid *g, int w, int h, struct view_input *in)
{
	if (!in->k)
		in->k = &ks;
	if (!in->dev_count)
		in->dev_count = 2;
	cr_assert_eq(vgrid_resize(g, w, h), 0, "vgrid_resize to %d x %d failed, expected 0", w, h);
	vmodel_build(g, in);
}

/* Everything a student needs is on an 80 x 24 screen. */
Test(view_screen, all_sections_fit_80x24)
{
	struct vgrid g = { 0 };
	struct dev_snap *d = dev_new();
	struct view_input in = { .d = d, .driver = "solution" };

	ks.now = 1234567;
	snprintf(ks.next_what, sizeof(ks.next_what), "sn0: TX desc 3 write-back");
	build(&g, 80, 24, &in);
	cr_assert(strstr(row(&g, 0), "sn0"), "title: %s", row(&g, 0));
	cr_assert(strstr(row(&g, 0), "t 0.001234567 s"), "time: %s", row(&g, 0));
	cr_assert(strstr(row(&g, 0), "PAUSED"), "no \"PAUSED\" in row 0: %s", row(&g, 0));
	cr_assert(strstr(row(&g, 1), "TX ring 16 slots"), "no \"TX ring 16 slots\" in row 1: %s",
		  row(&g, 1));
	cr_assert(strstr(row(&g, 5), "RX ring 16 slots"), "no \"RX ring 16 slots\" in row 5: %s",
		  row(&g, 5));
	cr_assert(strstr(row(&g, 9), "CPU"), "no \"CPU\" in row 9: %s", row(&g, 9));
	cr_assert(strstr(row(&g, 9), "hardirq") && strstr(row(&g, 9), "softirq") &&
		  strstr(row(&g, 9), "process"),
		  "expected hardirq, softirq and process in row 9: %s", row(&g, 9));
	assert_has(&g, "TX queue");
	assert_has(&g, "RUNNING");
	assert_has(&g, "Interrupt");
	assert_has(&g, "NAPI modern");
	assert_has(&g, "Counters");
	assert_has(&g, "Trace");
	cr_assert(strstr(row(&g, 23), "space"), "status: %s", row(&g, 23));
	cr_assert(strstr(row(&g, 23), "next: sn0: TX desc 3 write-back"), "status: %s", row(&g, 23));
	cr_assert(strstr(row(&g, 23), "q quit"), "no \"q quit\" in row 23: %s", row(&g, 23));
	for (int y = 0; y < 24; y++)
		cr_assert(strlen(row(&g, y)) <= 80, "row %d is %zu columns, expected <= 80: %s", y,
			  strlen(row(&g, y)), row(&g, y));
	vgrid_free(&g);
	free(d);
}

Test(view_screen, too_small_says_enlarge)
{
	struct vgrid g = { 0 };
	struct dev_snap *d = dev_new();
	struct view_input in = { .d = d };

	build(&g, 40, 12, &in);
	assert_has(&g, "enlarge to 80x24");
	assert_has(&g, "terminal 40x12");
	cr_assert_eq(find(&g, "TX ring", NULL), -1, "\"TX ring\" on row %d of 40x12, expected none",
		     find(&g, "TX ring", NULL));
	build(&g, 79, 40, &in);
	assert_has(&g, "enlarge to 80x24");
	build(&g, 200, 23, &in);
	assert_has(&g, "enlarge to 80x24");
	build(&g, 1, 1, &in); /* must not crash */
	vgrid_free(&g);
	free(d);
}

/* A full ring with the queue stopped, from a real machine: a slow wire. */
Test(view_screen, full_ring_queue_stopped)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	struct dev_snap *d = calloc(1, sizeof(*d));
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	struct vgrid g = { 0 };
	struct view_input in = { .d = d, .driver = "solution" };
	char err[128], want[64];
	int y, x;

	kit_param_set(k, sn0, kit_param_find("tx_ring"), 16, err, sizeof(err));
	kit_param_set(k, NULL, kit_param_find("link_speed"), 10, err, sizeof(err));
	kit_param_set(k, sn0, kit_param_find("bql"), 0, err, sizeof(err)); /* the ring fills */
	kit_xmit_frames(sn0, &p, 32);
	kit_run(k, 3, 0, NULL);
	kit_snapshot(k, &ks);
	kit_dev_snapshot(sn0, d);
	cr_assert(d->queue_stopped, "the queue runs with %u of 16 slots free, expected it stopped",
		  d->tx.n[SLOT_FREE]);
	build(&g, 80, 24, &in);
	y = find(&g, "STOPPED", &x);
	cr_assert(y >= 0, "no \"STOPPED\" on the screen (row %d), expected one", y);
	cr_assert_eq(vgrid_cat(&g, x, y)->style, VS_WARN, "the badge stands out");
	cr_assert_eq(find(&g, "RUNNING", NULL), -1, "\"RUNNING\" on row %d, expected none: %s",
		     find(&g, "RUNNING", NULL), row(&g, find(&g, "RUNNING", NULL)));
	snprintf(want, sizeof(want), "%u / 1000", d->qdisc_len);
	assert_has(&g, want);
	snprintf(want, sizeof(want), "hw %u", d->tx.n[SLOT_HW]);
	cr_assert(strstr(row(&g, 1), want), "%s", row(&g, 1));
	cr_assert_lt(d->tx.n[SLOT_FREE], 3, "the ring is full");
	vgrid_free(&g);
	free(d);
	kit_free(k);
}

Test(view_screen, napi_poll_in_progress)
{
	struct vgrid g = { 0 };
	struct dev_snap *d = dev_new();
	struct view_input in = { .d = d };
	int x, y;

	d->napi_state = NAPI_VIEW_POLLING;
	d->last_budget = 64;
	d->last_work = 12;
	d->napi_missed = true;
	d->icr = E1000_ICR_RXT0;
	d->ims = E1000_IMS_TX; /* RX masked while NAPI runs */
	d->irq_asserted = false;
	build(&g, 80, 24, &in);
	y = find(&g, "POLLING", &x);
	cr_assert(y >= 0, "no \"POLLING\" on the screen (row %d), expected one", y);
	cr_assert_eq(vgrid_cat(&g, x, y)->style, VS_OK,
		     "POLLING at (%d, %d) has style %d, expected %d (VS_OK)", x, y,
		     vgrid_cat(&g, x, y)->style, VS_OK);
	assert_has(&g, "NAPI modern");
	assert_has(&g, "12 of 64");
	y = find(&g, "MISSED", &x);
	cr_assert(y >= 0 && vgrid_cat(&g, x, y)->style == VS_WARN, "MISSED set stands out");
	y = find(&g, "ICR RXT0", &x);
	cr_assert(y >= 0, "no \"ICR RXT0\" on the screen (row %d), expected one", y);
	cr_assert_eq(vgrid_cat(&g, x + 4, y)->style, VS_ACTIVE, "a pending cause is lit");
	assert_has(&g, "IMS TXDW");
	cr_assert_eq(find(&g, "IMS TXDW RX", NULL), -1,
		     "\"IMS TXDW RX\" on row %d, expected none: RX is masked: %s",
		     find(&g, "IMS TXDW RX", NULL), row(&g, find(&g, "IMS TXDW RX", NULL)));
	assert_has(&g, "line low");
	d->irq_mode = SIMNIC_NAPI_CLASSIC;
	d->napi_state = NAPI_VIEW_SCHEDULED;
	d->quota = 52;
	d->irq_asserted = true;
	build(&g, 80, 24, &in);
	assert_has(&g, "NAPI classic");
	assert_has(&g, "SCHEDULED");
	assert_has(&g, "quota 52");
	assert_has(&g, "LINE UP");
	d->irq_mode = SIMNIC_NONAPI;
	build(&g, 80, 24, &in);
	assert_has(&g, "off: netif_rx");
	vgrid_free(&g);
	free(d);
}

Test(view_screen, lro_three_sessions)
{
	struct vgrid g = { 0 };
	struct dev_snap *d = dev_new();
	struct view_input in = { .d = d };
	static const u8 ip[2][4] = { { 192, 168, 0, 1 }, { 192, 168, 1, 2 } };

	d->lro = true;
	d->lro_active = 3;
	d->lro_aggregated = 40;
	d->lro_flushed = 5;
	for (int i = 0; i < 3; i++) {
		struct lro_sess_snap *s = &d->lro_sess[i];

		memcpy(&s->saddr, ip[0], 4);
		memcpy(&s->daddr, ip[1], 4);
		s->sport = htons((u16)(5001 + i));
		s->dport = htons(80);
		s->next_seq = 1000000u + 1448u * (u32)i;
		s->pkts = (u32)(3 + i);
		s->bytes = 1448u * (u32)(3 + i);
	}
	build(&g, 80, 24, &in);
	assert_has(&g, "LRO on");
	assert_has(&g, "3 of 8 sessions");
	assert_has(&g, "aggregated 40");
	for (int i = 0; i < 3; i++) {
		char want[80];
		int y;

		snprintf(want, sizeof(want), "192.168.0.1:%d > 192.168.1.2:80", 5001 + i);
		y = find(&g, want, NULL);
		cr_assert(y > 0, "session %d in 80x24", i);
		snprintf(want, sizeof(want), "%u", 1000000u + 1448u * (u32)i);
		cr_assert(strstr(row(&g, y), want), "next seq: %s", row(&g, y));
		snprintf(want, sizeof(want), "%u", 1448u * (u32)(3 + i));
		cr_assert(strstr(row(&g, y), want), "bytes: %s", row(&g, y));
	}
	cr_assert(find(&g, "Trace", NULL) < 0 || find(&g, "Trace", NULL) < 23,
		  "\"Trace\" on row %d, expected none or above the status line (23)",
		  find(&g, "Trace", NULL));
	/* taller: the column headings come back */
	build(&g, 100, 40, &in);
	assert_has(&g, "next seq");
	/* LRO off and idle: no LRO rows at all */
	d->lro = false;
	d->lro_active = 0;
	build(&g, 80, 24, &in);
	cr_assert_eq(find(&g, "LRO", NULL), -1, "\"LRO\" on row %d, expected none: %s",
		     find(&g, "LRO", NULL), row(&g, find(&g, "LRO", NULL)));
	vgrid_free(&g);
	free(d);
}

Test(view_screen, gro_held_where_lro_is)
{
	struct vgrid g = { 0 };
	struct dev_snap *d = dev_new();
	struct view_input in = { .d = d };
	static const u8 ip[2][4] = { { 10, 0, 2, 2 }, { 192, 168, 1, 2 } };

	d->gro = true;
	d->gro_held = 2;
	d->gro_stats.merged = 30;
	d->gro_stats.flushed = 4;
	for (int i = 0; i < 2; i++) {
		struct gro_flow_snap *f = &d->gro_flow[i];

		memcpy(&f->saddr, ip[0], 4);
		memcpy(&f->daddr, ip[1], 4);
		f->sport = htons((u16)(20000 + i));
		f->dport = htons(5001);
		f->next_seq = 7000u + (u32)i;
		f->segs = (u32)(2 + i);
		f->bytes = 2948u + (u32)i;
	}
	build(&g, 80, 24, &in);
	assert_has(&g, "GRO on");
	assert_has(&g, "2 held");
	assert_has(&g, "merged 30");
	cr_assert_eq(find(&g, "LRO", NULL), -1, "\"LRO\" on row %d with GRO on: %s",
		     find(&g, "LRO", NULL), row(&g, find(&g, "LRO", NULL)));
	for (int i = 0; i < 2; i++) {
		char want[80];
		int y;

		snprintf(want, sizeof(want), "10.0.2.2:%d > 192.168.1.2:5001", 20000 + i);
		y = find(&g, want, NULL);
		cr_assert(y > 0, "held flow %d not on the 80x24 screen", i);
		snprintf(want, sizeof(want), "%u", 2948u + (u32)i);
		cr_assert(strstr(row(&g, y), want), "bytes %s missing: %s", want, row(&g, y));
	}
	/* GRO off and nothing held: no box */
	d->gro = false;
	d->gro_held = 0;
	build(&g, 80, 24, &in);
	cr_assert_eq(find(&g, "GRO", NULL), -1, "\"GRO\" on row %d, expected none",
		     find(&g, "GRO", NULL));
	vgrid_free(&g);
	free(d);
}

Test(view_screen, trace_newest_at_the_bottom)
{
	struct vgrid g = { 0 };
	struct dev_snap *d = dev_new();
	static struct view_line l[50];
	struct view_input in = { .d = d, .log = l, .nlog = 50 };
	int y49, y48;

	for (int i = 0; i < 50; i++)
		snprintf(l[i].text, sizeof(l[i].text), "[    0.%06d] sn0: line %d", i, i);
	snprintf(l[10].text, sizeof(l[10].text), "%0199d", 7); /* too long: clipped */
	build(&g, 80, 24, &in);
	y49 = find(&g, "line 49", NULL);
	y48 = find(&g, "line 48", NULL);
	cr_assert_eq(y49, 22, "the newest line is just above the status line");
	cr_assert_eq(y48, 21, "\"line 48\" on row %d, expected 21", y48);
	cr_assert_eq(find(&g, "line 1 ", NULL), -1, "\"line 1 \" on row %d, expected none",
		     find(&g, "line 1 ", NULL));
	build(&g, 80, 60, &in);
	assert_has(&g, "line 30");
	cr_assert_eq(find(&g, "line 49", NULL), 58, "\"line 49\" on row %d of 60, expected 58",
		     find(&g, "line 49", NULL));
	vgrid_free(&g);
	free(d);
}

Test(view_screen, status_prompt_help_running)
{
	struct vgrid g = { 0 };
	struct dev_snap *d = dev_new();
	struct view_input in = { .d = d, .prompt = "pktgen sn0 cou" };
	int x, y;

	build(&g, 80, 24, &in);
	cr_assert(strncmp(row(&g, 23), ":pktgen sn0 cou", 15) == 0, "%s", row(&g, 23));
	cr_assert(vmodel_cursor(&g, &in, &x, &y), "the cursor is hidden, expected it shown");
	cr_assert_eq(y, 23, "the cursor is on row %d, expected 23", y);
	cr_assert_eq(x, 15, "the cursor is at column %d, expected 15", x);
	in.prompt = NULL;
	in.help = true;
	build(&g, 80, 24, &in);
	assert_has(&g, "keys and legend");
	assert_has(&g, "press any key");
	assert_has(&g, "next_to_use");
	/* the scaled cell rule in the legend, whole (the box is 80x24's widest) */
	assert_has(&g, "1 cell    W if any slot is W, else D, else H, else .  ");
	/* the longest lines, whole */
	assert_has(&g, "n       next device          z      zoom: at head, tail, off");
	assert_has(&g, "TDT RDT   tail: where the NIC stops (the doorbell moves it)");
	in.help = false;
	in.running = true;
	in.speed = 50;
	build(&g, 80, 24, &in);
	assert_has(&g, "running at 50 steps/s");
	cr_assert(strstr(row(&g, 0), "RUNNING"), "no \"RUNNING\" in row 0: %s", row(&g, 0));
	cr_assert(strstr(row(&g, 23), "p pause"), "no \"p pause\" in row 23: %s", row(&g, 23));
	in.running = false;
	ks.idle = true;
	build(&g, 80, 24, &in);
	assert_has(&g, "idle: nothing to do");
	ks.idle = false;
	in.message = "a message";
	in.message_style = VS_WARN;
	build(&g, 80, 24, &in);
	cr_assert(strstr(row(&g, 23), "a message"), "no \"a message\" in row 23: %s", row(&g, 23));
	vgrid_free(&g);
	free(d);
}

Test(view_screen, counters_right_aligned_and_more_when_wide)
{
	struct vgrid g = { 0 };
	struct dev_snap *d = dev_new();
	struct view_counter c[20];
	struct view_input in = { .d = d, .ctr = c, .nctr = 20 };
	static char names[20][16];
	int x, y;

	for (int i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]), "ctr_%d", i);
		c[i] = (struct view_counter){ names[i], (unsigned long long)i * 1000 };
	}
	build(&g, 80, 24, &in);
	y = find(&g, "ctr_5 ", &x);
	cr_assert(y > 0, "\"ctr_5 \" is on row %d, expected a row > 0", y);
	cr_assert(strstr(row(&g, y), "5000"), "no \"5000\" in row %d: %s", y, row(&g, y));
	cr_assert_eq(strlen(row(&g, y)), 79, "the value ends at the right margin: %s", row(&g, y));
	cr_assert_eq(find(&g, "ctr_6 ", NULL), -1, "six rows at 80x24");
	build(&g, 160, 24, &in);
	assert_has(&g, "ctr_17");
	vgrid_free(&g);
	free(d);
}

Test(view_screen, device_down_ring_not_allocated)
{
	struct vgrid g = { 0 };
	struct dev_snap *d = dev_new();
	struct view_input in = { .d = d };

	d->up = false;
	memset(&d->tx, 0, sizeof(d->tx));
	memset(&d->rx, 0, sizeof(d->rx));
	build(&g, 80, 24, &in);
	assert_has(&g, "not allocated (device down)");
	cr_assert(strstr(row(&g, 0), "down"), "no \"down\" in row 0: %s", row(&g, 0));
	vgrid_free(&g);
	free(d);
}

/* The TX queue panel says what BQL holds: bytes in flight against the limit,
 * XOFF standing out while BQL has stopped the queue, "off" without BQL. */
Test(view_screen, bql_row_in_the_queue_panel)
{
	struct vgrid g = { 0 };
	struct dev_snap *d = dev_new();
	struct view_input in = { .d = d };
	int x, y;

	d->bql = true;
	d->bql_inflight = 1920;
	d->bql_limit = 7620;
	build(&g, 80, 24, &in);
	y = find(&g, "1920 / 7620", &x);
	cr_assert(y >= 0, "no \"1920 / 7620\" (BQL in flight / limit) on the screen, expected one");
	cr_assert(strstr(row(&g, y), "BQL"), "row %d has the figures but no \"BQL\": %s", y,
		  row(&g, y));
	cr_assert_eq(vgrid_cat(&g, x, y)->style, VS_VALUE, "BQL running: style %d, expected %d",
		     vgrid_cat(&g, x, y)->style, VS_VALUE);
	d->bql_stopped = true;
	build(&g, 80, 24, &in);
	y = find(&g, "XOFF 1920 / 7620", &x);
	cr_assert(y >= 0, "BQL stopped: no \"XOFF 1920 / 7620\" on the screen, expected one");
	cr_assert_eq(vgrid_cat(&g, x, y)->style, VS_WARN, "BQL XOFF: style %d, expected %d (warn)",
		     vgrid_cat(&g, x, y)->style, VS_WARN);
	d->bql = d->bql_stopped = false;
	build(&g, 80, 24, &in);
	y = find(&g, "BQL", &x);
	cr_assert(y >= 0 && strstr(row(&g, y), "off"), "BQL off: row \"%s\", expected \"BQL ... off\"",
		  y >= 0 ? row(&g, y) : "(none)");
	vgrid_free(&g);
	free(d);
}

/* The receiver line sits above the trace, errors in the warning style; no line without it. */
Test(view_screen, receiver_line)
{
	struct vgrid g = { 0 };
	struct dev_snap *d = dev_new();
	const struct view_rx rx = { .app_bytes = 524288, .ooo = 5, .dups = 2, .csum_errors = 574,
				    .held = 3, .flows = 2 };
	struct view_input in = { .d = d, .driver = "solution", .rx = &rx };
	struct view_rows r;
	int y, x;

	build(&g, 80, 24, &in);
	vmodel_rows(&in, 24, &r);
	y = find(&g, "Receiver", NULL);
	cr_assert_eq(y, r.recv, "\"Receiver\" on row %d, expected %d", y, r.recv);
	cr_assert_eq(r.log, r.recv + 1, "the trace starts on row %d, expected %d", r.log, r.recv + 1);
	cr_assert(strstr(row(&g, y), "app_bytes 524288") && strstr(row(&g, y), "ooo 5") &&
		  strstr(row(&g, y), "held 3") && strstr(row(&g, y), "dups 2") &&
		  strstr(row(&g, y), "csum 574"),
		  "receiver line: %s", row(&g, y));
	cr_assert_lt(find(&g, "Trace", NULL), 23, "no Trace header above the status line");
	y = vgrid_find(&g, 0, "574", &x);
	cr_assert_eq(vgrid_cat(&g, x, y)->style, VS_WARN, "checksum errors not in the warning style");
	in.rx = NULL;
	build(&g, 80, 24, &in);
	cr_assert_lt(find(&g, "Receiver", NULL), 0, "a receiver line without receiver input");
	vgrid_free(&g);
}

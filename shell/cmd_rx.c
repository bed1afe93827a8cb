/* cmd_rx.c - the receive path: ping, the interrupt, NAPI schedule/poll/complete, LRO. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arg.h"
#include "cmd.h"
#include "dump.h"
#include "out.h"
#include "sess.h"

static struct dev_snap snap;

/* The device whose /24 holds addr, as the kernel's route lookup would pick; NULL if none. */
static struct net_device *route(struct sess *s, __be32 addr)
{
	for (int i = 0; i < kit_dev_count(s->k); i++) {
		struct net_device *dev = kit_dev_at(s->k, i);

		if ((ntohl(dev->ip_addr) & 0xffffff00u) == (ntohl(addr) & 0xffffff00u))
			return dev;
	}
	return NULL;
}

/* Why the requests since trace record from got no answer, if a host dropped them. */
static void why_no_reply(struct sess *s, u64 from)
{
	u64 now = kit_trace_total(s->k);
	size_t n = kit_trace_count(s->k);
	char line[256];

	for (u64 t = from; t < now; t++) {
		const struct trace_rec *r;

		if (now - t > n)
			continue;
		r = kit_trace_at(s->k, (size_t)(n - (now - t)));
		if (r->type != TR_NOT_OURS)
			continue;
		kit_trace_format(s->k, r, line, sizeof(line));
		out_printf("ping: %s\n", strstr(line, "] ") ? strstr(line, "] ") + 2 : line);
		return;
	}
}

static int do_ping(struct sess *s, int argc, char **argv, bool json)
{
	struct arg_kv kv[] = { { "count", 'n', 1, 10000, NULL, false, 1, NULL } };
	struct kit_ping_stat a, b;
	struct net_device *dev;
	struct in_addr addr;
	enum kit_stop why;
	char err[256], *av[8];
	u64 from;
	int rc;

	/* ping ADDR: the route picks the device, as `ping` on Linux does */
	if (inet_pton(AF_INET, argv[0], &addr) == 1) {
		dev = route(s, addr.s_addr);
		if (!dev) {
			out_error("ping: no route to %s: sn0 is on 192.168.0.0/24, sn1 on "
				  "192.168.1.0/24",
				  argv[0]);
			return CMD_FAIL;
		}
		if ((rc = arg_dev_live(s, "ping", dev->name, &dev)))
			return rc;
		av[0] = dev->name; /* as if DEV had been given */
		for (int i = 0; i < argc && i + 1 < (int)ARRAY_SIZE(av); i++)
			av[i + 1] = argv[i];
		argc++;
		argv = av;
	} else {
		if (argc < 2) {
			out_error("ping: missing argument: the address (like 192.168.0.2)");
			return CMD_USAGE;
		}
		if ((rc = arg_dev_live(s, "ping", argv[0], &dev)))
			return rc;
		if (inet_pton(AF_INET, argv[1], &addr) != 1) {
			out_error("ping: '%s' is not an IPv4 address (like 192.168.0.2)", argv[1]);
			return CMD_USAGE;
		}
	}
	from = kit_trace_total(s->k);
	if ((rc = arg_kvs("ping", argc - 2, argv + 2, kv, 1)))
		return rc;
	kit_ping_stats(s->k, &a);
	out_printf("PING %s from %s: %lld echo request%s\n", argv[1], dev->name, kv[0].v,
		   kv[0].v == 1 ? "" : "s");
	if (kit_ping(dev, addr.s_addr, (unsigned int)kv[0].v, err, sizeof(err)) < 0) {
		out_error("ping: %s", err);
		return CMD_FAIL;
	}
	if (!kit_get_auto(s->k)) {
		out_printf("auto is off: the requests wait for you to play the kernel "
			   "(irq, poll, ...); `ping` counts show in `stats`\n");
		return CMD_OK;
	}
	sess_run(s, 0, 0, &why);
	kit_ping_stats(s->k, &b);
	out_printf("--- %s ping statistics ---\n%u packets transmitted, %u received, %u%% packet loss",
		   argv[1], b.sent - a.sent, b.received - a.received,
		   b.sent == a.sent ? 0 : 100 - 100 * (b.received - a.received) / (b.sent - a.sent));
	if (b.received > a.received)
		out_printf(", rtt avg %.3f us", (double)(b.rtt_sum_ns - a.rtt_sum_ns) /
						       (b.received - a.received) / 1000.0);
	out_printf("\n");
	if (b.received == a.received) {
		why_no_reply(s, from);
		out_error("ping: no reply from %s (%u sent)", argv[1], b.sent - a.sent);
		return CMD_FAIL;
	}
	if (b.received - a.received < b.sent - a.sent) {
		out_error("ping: %u of %u replies from %s missing", (b.sent - a.sent) -
			  (b.received - a.received), b.sent - a.sent, argv[1]);
		return CMD_FAIL;
	}
	return CMD_OK;
}

static int do_irq(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev;
	int rc;

	if ((rc = arg_dev_live(s, "irq", argv[0], &dev)))
		return rc;
	if (kit_irq(dev) < 0) {
		char icr[64], ims[64];

		kit_dev_snapshot(dev, &snap);
		dump_icr(snap.icr, icr, sizeof(icr));
		dump_icr(snap.ims, ims, sizeof(ims));
		out_error("irq: %s has no interrupt to deliver (ICR %s, IMS %s)", dev->name, icr, ims);
		return CMD_FAIL;
	}
	return CMD_OK;
}

static void napi_state(struct net_device *dev)
{
	kit_dev_snapshot(dev, &snap);
	out_printf("%s: NAPI %s%s\n", dev->name, dump_napi_state(snap.napi_state),
		   snap.napi_missed ? " (MISSED)" : "");
}

static bool classic(struct sess *s, struct net_device *dev)
{
	return kit_param_get(s->k, dev, kit_param_find("napi")) == SIMNIC_NAPI_CLASSIC;
}

static int do_napi_schedule(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev;
	char err[256];
	int rc;

	if ((rc = arg_dev_live(s, "napi_schedule", argv[0], &dev)))
		return rc;
	rc = kit_napi_schedule(dev, err, sizeof(err));
	if (rc < 0) {
		out_error("napi_schedule: %s", err);
		return CMD_FAIL;
	}
	if (rc == 1) /* a normal outcome: an interrupt while the poll runs */
		out_printf("napi_schedule %s: %s\n", dev->name, classic(s, dev) ?
			   "already on the poll list: nothing to do" :
			   "already scheduled: MISSED set, the core will poll again");
	napi_state(dev);
	return CMD_OK;
}

/* Did the device complete (a rearming TR_NAPI_DONE) among the records since total? */
/* A napi_complete_done since trace record total that returned rearm (true) or not (MISSED). */
static bool done_since(struct sess *s, struct net_device *dev, u64 total, bool rearm)
{
	u64 now = kit_trace_total(s->k);
	size_t n = kit_trace_count(s->k);

	for (u64 t = total; t < now; t++) {
		const struct trace_rec *r;

		if (now - t > n)
			continue; /* fell out of the ring */
		r = kit_trace_at(s->k, (size_t)(n - (now - t)));
		if (r->type == TR_NAPI_DONE && r->dev == dev->ifindex && !r->c && !r->b == !rearm)
			return true;
	}
	return false;
}

static bool completed_since(struct sess *s, struct net_device *dev, u64 total)
{
	u64 now = kit_trace_total(s->k);
	size_t n = kit_trace_count(s->k);

	for (u64 t = total; t < now; t++) {
		const struct trace_rec *r;

		if (now - t > n)
			continue; /* fell out of the ring */
		r = kit_trace_at(s->k, (size_t)(n - (now - t)));
		if (r->type == TR_NAPI_DONE && r->dev == dev->ifindex && r->b)
			return true;
	}
	return false;
}

static int do_poll(struct sess *s, int argc, char **argv, bool json)
{
	struct arg_kv kv[] = { { "budget", 'n', 1, 65536, NULL, false, 0, NULL } };
	struct net_device *dev;
	const char *how;
	char err[256];
	int rc, work, quota;
	u64 total;

	if ((rc = arg_dev_live(s, "poll", argv[0], &dev)) ||
	    (rc = arg_kvs("poll", argc - 1, argv + 1, kv, 1)))
		return rc;
	kit_dev_snapshot(dev, &snap);
	quota = snap.quota;
	total = kit_trace_total(s->k);
	work = kit_poll(dev, (int)kv[0].v, err, sizeof(err));
	if (work < 0) {
		out_error("poll: %s", err);
		return CMD_FAIL;
	}
	kit_dev_snapshot(dev, &snap);
	if (snap.napi_state == NAPI_VIEW_IDLE)
		how = "completed, interrupts back on";
	else if (completed_since(s, dev, total))
		how = "completed, and the interrupt taken at the unmask scheduled it again";
	else if (done_since(s, dev, total, false))
		how = "still scheduled: MISSED (a napi_schedule came while it ran): poll again";
	else if (work < snap.last_budget && !classic(s, dev))
		how = "still scheduled: the poll did less than its budget but did not complete";
	else
		how = "still scheduled: more to do";
	if (classic(s, dev)) /* dev->poll(dev, &budget) does at most min(quota, budget) */
		out_printf("poll %s: budget %ld, quota %d, work %d -> %s\n", dev->name,
			   kv[0].seen ? (long)kv[0].v :
					kit_param_get(s->k, NULL, kit_param_find("netdev_budget")),
			   quota, work, how);
	else
		out_printf("poll %s: budget %d, work %d -> %s\n", dev->name, snap.last_budget, work,
			   how);
	return CMD_OK;
}

static int do_napi_complete(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev;
	char err[256];
	int rc;

	if ((rc = arg_dev_live(s, "napi_complete", argv[0], &dev)))
		return rc;
	rc = kit_napi_complete(dev, err, sizeof(err));
	if (rc < 0) {
		out_error("napi_complete: %s", err);
		return CMD_FAIL;
	}
	if (rc == 2) { /* the kit wrote the record its era's kernel would */
		out_error("napi_complete: %s was not scheduled: completing it is a kernel %s "
			  "(recorded: stats counts it)", dev->name,
			  classic(s, dev) ? "BUG in 2.6.20" : "WARNING in 6.x");
		return CMD_FAIL;
	}
	if (rc == 1)
		out_printf("napi_complete_done -> false: MISSED was set: still scheduled, poll "
			   "again\n");
	napi_state(dev);
	return CMD_OK;
}

static int do_net_rx_action(struct sess *s, int argc, char **argv, bool json)
{
	int polls = kit_net_rx_action(s->k);

	out_printf("net_rx_action: %d polls\n", polls);
	return CMD_OK;
}

static int do_lro_flush_all(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev;
	char err[256];
	int rc;

	if ((rc = arg_dev_live(s, "lro_flush_all", argv[0], &dev)))
		return rc;
	if (kit_lro_flush_all(dev, err, sizeof(err)) < 0) {
		out_error("lro_flush_all: %s", err);
		return CMD_FAIL;
	}
	kit_dev_snapshot(dev, &snap);
	out_printf("%s: %u LRO sessions open, %llu aggregates flushed so far\n", dev->name,
		   snap.lro_active, (unsigned long long)snap.lro_flushed);
	return CMD_OK;
}

static int do_lro(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev;
	int rc, w;

	if ((rc = arg_word("lro", "the subcommand", argv[0], "show", &w)))
		return rc;
	if (argc < 2) {
		out_error("lro show: missing argument: the device");
		return CMD_USAGE;
	}
	if ((rc = arg_dev(s, "lro show", argv[1], &dev)))
		return rc;
	kit_dev_snapshot(dev, &snap);
	if (json)
		out_json(dump_lro_json(&snap));
	else
		dump_lro_text(&snap);
	return CMD_OK;
}

const struct cmd cmd_rx_table[] = {
	{ "ping", NULL, 1, 4, 0, "ping [DEV] ADDR [count N]",
	  "Send ICMP echo requests from DEV's stack, as in LDD3's snull",
	  "sn0 is 192.168.0.1 and sn1 192.168.1.2. snull's twist flips the third octet of\n"
	  "both addresses on the wire, so `ping sn0 192.168.0.2` leaves sn0, arrives on\n"
	  "sn1 as 192.168.1.1 -> 192.168.1.2, is answered, and the reply comes back. With\n"
	  "`auto on` the machine runs until idle and prints ping's summary (the command\n"
	  "fails if a reply is missing, and says why when a host dropped the request);\n"
	  "with `auto off` you carry the frames yourself. Without DEV the route picks it:\n"
	  "the device whose /24 holds ADDR (192.168.0.x: sn0, 192.168.1.x: sn1).\n\n"
	  "  ping sn0 192.168.0.2\n  ping 192.168.0.2 count 3\n",
	  "$dev _ ; count:$num", NULL, do_ping },
	{ "irq", NULL, 1, 1, 0, "irq DEV", "Deliver the device's pending interrupt to its handler now",
	  "Runs the driver's interrupt handler in hardirq context, even if ITR would hold\n"
	  "the interrupt back. It fails if nothing is pending and enabled (ICR & IMS).\n"
	  "Interrupts are also delivered by themselves, as a step of their own, in both\n"
	  "auto modes: `irq` takes one before its turn.\n\n"
	  "  auto off\n  pktgen sn1 count 1\n  step\n  irq sn1\n",
	  "$dev", NULL, do_irq },
	{ "napi_schedule", "netif_rx_schedule", 1, 1, 0, "napi_schedule DEV",
	  "Put the device on the poll list and raise NET_RX",
	  "Classic NAPI: netif_rx_schedule(dev); modern: napi_schedule(&napi). What the\n"
	  "interrupt handler does after masking every cause (IMC ~0, as e1000). Already\n"
	  "scheduled is not an error: modern NAPI sets MISSED, so the core polls again\n"
	  "after the current poll; classic NAPI finds the device on the poll list and does\n"
	  "nothing.\n\n"
	  "  napi_schedule sn1\n",
	  "$dev", NULL, do_napi_schedule },
	{ "poll", NULL, 1, 3, 0, "poll DEV [budget N]",
	  "One NAPI poll of the device, as net_rx_action makes it",
	  "Calls the driver's poll in softirq context with budget N. Without a budget:\n"
	  "what net_rx_action would pass, so modern NAPI gets the device's weight and\n"
	  "classic NAPI netdev_budget (300 by default; its dev->poll still stops at its\n"
	  "quota, the weight). Every poll reclaims TX first. The modern poll stays\n"
	  "scheduled while it uses its whole budget and completes (then unmasks) once it\n"
	  "does less; the classic one, as 2.6.20's e1000, stays in polling mode while it\n"
	  "finds any work and completes after a poll that found none. The device must be\n"
	  "scheduled.\n\n"
	  "  napi_schedule sn1\n  poll sn1 budget 2\n",
	  "$dev ; budget:$num", NULL, do_poll },
	{ "napi_complete", "netif_rx_complete", 1, 1, 0, "napi_complete DEV",
	  "Take the device off the poll list (the driver's job when its poll is done)",
	  "Classic: netif_rx_complete(dev); modern: napi_complete_done(&napi, 0), which\n"
	  "returns false if MISSED was set: the device stays scheduled, poll again.\n"
	  "Completing a device that is not scheduled is a kernel BUG in 2.6.20\n"
	  "(netif_rx_complete's BUG_ON) and a WARNING in 6.x (napi_complete_done's\n"
	  "WARN_ON_ONCE): the kit records it as its era does, and the command fails.\n\n"
	  "  napi_schedule sn1\n  napi_complete sn1\n",
	  "$dev", NULL, do_napi_complete },
	{ "net_rx_action", NULL, 0, 0, 0, "net_rx_action", "Run one NET_RX softirq round now",
	  "Polls the scheduled devices in turn until netdev_budget or the time limit is\n"
	  "used up or nothing is left, as the kernel's net_rx_action.\n\n  net_rx_action\n",
	  "", NULL, do_net_rx_action },
	{ "lro_flush_all", NULL, 1, 1, 0, "lro_flush_all DEV",
	  "Flush every open LRO session of the device up the stack",
	  "What a driver calls at the end of its poll: each aggregate goes up as one skb.\n"
	  "LRO must be on (ethtool -K DEV lro on).\n\n  ethtool -K sn1 lro on\n  lro_flush_all sn1\n",
	  "$dev", NULL, do_lro_flush_all },
	{ "lro", NULL, 2, 2, CMD_F_JSON, "lro show DEV [-j]", "Show the device's LRO sessions and counters",
	  "The open sessions (addresses, ports, packets, bytes, next sequence number) and\n"
	  "the inet_lro counters aggregated, flushed and no_desc.\n\n  lro show sn1\n",
	  "show $dev", "dev, lro, lro_aggregated, lro_flushed, lro_no_desc, lro_max_aggr, "
	  "lro_max_desc, sessions[] of {saddr, daddr, sport, dport, pkts, bytes, next_seq}", do_lro },
	{ 0 },
};

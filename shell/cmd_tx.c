/* cmd_tx.c - the transmit path, one kernel call at a time: skbs, the qdisc, the driver's xmit. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arg.h"
#include "cmd.h"
#include "dump.h"
#include "out.h"
#include "sess.h"

#define PKT_KEYS                                                                       \
	{ "len", 'n', ETH_ZLEN, ETH_FRAME_LEN, NULL, false, 0, NULL },                 \
	{ "proto", 'p', 0, 0, NULL, false, 0, NULL },                                  \
	{ "flow", 'n', 0, 65535, NULL, false, 0, NULL },                               \
	{ "seq", 'n', 0, 0xffffffffLL, NULL, false, 0, NULL }

static void pkt_from(const struct arg_kv *kv, struct kit_pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->len = kv[0].seen ? (unsigned int)kv[0].v : ETH_ZLEN;
	p->proto = kv[1].seen ? (u8)kv[1].v : IPPROTO_UDP;
	p->flow = (u32)kv[2].v;
	p->seq = (u32)kv[3].v;
	p->seq_set = kv[3].seen; /* else the flow carries on */
}

static const char *proto_name(u8 p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_ICMP ? "icmp" : "udp";
}

/* {skb, len, place, dev}: one skb in `skb list -j`, `skb show -j`, `skb alloc -j` */
static cJSON *skb_json(const struct sk_buff *skb)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "skb", skb->kit_id);
	cJSON_AddNumberToObject(o, "len", skb->len);
	cJSON_AddStringToObject(o, "place", skb_place_name((enum skb_place)skb->kit_place));
	cJSON_AddStringToObject(o, "dev", skb->dev ? skb->dev->name : "");
	return o;
}

static int skb_list(struct sess *s, bool json)
{
	cJSON *a = json ? cJSON_CreateArray() : NULL;

	sess_prune(s);
	if (!json && !s->nheld)
		out_printf("you hold no skbs (skb alloc DEV makes one)\n");
	for (int i = 0; i < s->nheld; i++) {
		struct sk_buff *skb = kit_skb_find(s->k, s->held[i]);

		if (json) {
			cJSON_AddItemToArray(a, skb_json(skb));
		} else {
			out_printf("skb#%u  len %u  dev %s\n", skb->kit_id, skb->len,
				   skb->dev ? skb->dev->name : "-");
		}
	}
	if (json)
		out_json(a);
	return CMD_OK;
}

static int do_skb(struct sess *s, int argc, char **argv, bool json)
{
	struct arg_kv kv[] = { PKT_KEYS };
	struct net_device *dev;
	struct sk_buff *skb;
	struct kit_pkt p;
	char err[256];
	int sub, rc;

	if (argc == 0)
		return skb_list(s, json);
	if ((rc = arg_word("skb", "the subcommand", argv[0], "alloc|free|list|show", &sub)))
		return rc;
	if (sub == 2) {
		if (argc > 1) {
			out_error("skb list: too many arguments, from '%s'", argv[1]);
			return CMD_USAGE;
		}
		return skb_list(s, json);
	}
	if (argc < 2) {
		out_error("skb %s: missing argument: %s", argv[0], sub ? "the skb (skb#N)" : "the device");
		return CMD_USAGE;
	}
	if (sub == 1 && json) {
		out_error("skb free: -j is for skb alloc, show and list (they show skbs)");
		return CMD_USAGE;
	}
	if (sub == 0) {
		if ((rc = arg_dev_live(s, "skb alloc", argv[1], &dev)) ||
		    (rc = arg_kvs("skb alloc", argc - 2, argv + 2, kv, 4)))
			return rc;
		pkt_from(kv, &p);
		skb = kit_skb_alloc(dev, &p, err, sizeof(err));
		if (!skb) {
			out_error("skb alloc: %s", err);
			return CMD_FAIL;
		}
		sess_hold(s, skb->kit_id);
		if (json)
			out_json(skb_json(skb));
		else
			out_printf("skb#%u: %u bytes, %s flow %u, on %s, held by you\n", skb->kit_id,
				   skb->len, proto_name(p.proto), p.flow, dev->name);
		return CMD_OK;
	}
	if (argc > 2) {
		out_error("skb %s: too many arguments, from '%s'", argv[0], argv[2]);
		return CMD_USAGE;
	}
	if ((rc = arg_skb(s, sub == 1 ? "skb free" : "skb show", argv[1], sub == 1, &skb)))
		return rc;
	if (sub == 3) {
		if (json)
			out_json(skb_json(skb));
		else
			out_printf("skb#%u: %u bytes, place %s, dev %s\n", skb->kit_id, skb->len,
				   skb_place_name((enum skb_place)skb->kit_place),
				   skb->dev ? skb->dev->name : "-");
		return CMD_OK;
	}
	kit_skb_put_back(skb);
	sess_prune(s);
	return CMD_OK;
}

static int do_dev_queue_xmit(struct sess *s, int argc, char **argv, bool json)
{
	struct arg_kv kv[] = { PKT_KEYS, { "count", 'n', 1, 10000000, NULL, false, 1, NULL } };
	struct net_device *dev;
	struct sk_buff *skb;
	struct kit_pkt p;
	u64 queued;
	int rc;

	if ((rc = arg_dev_live(s, "dev_queue_xmit", argv[0], &dev)))
		return rc;
	if (argc >= 2 && (!strncmp(argv[1], "skb#", 4) || (argv[1][0] >= '0' && argv[1][0] <= '9'))) {
		if (argc > 2) {
			out_error("dev_queue_xmit: too many arguments, from '%s'", argv[2]);
			return CMD_USAGE;
		}
		if ((rc = arg_skb(s, "dev_queue_xmit", argv[1], true, &skb)))
			return rc;
		rc = kit_dev_queue_xmit(dev, skb);
		sess_prune(s);
		out_printf("dev_queue_xmit(skb#%u) -> %s\n", skb->kit_id,
			   rc == NET_XMIT_SUCCESS ? "NET_XMIT_SUCCESS" : "NET_XMIT_DROP");
		return CMD_OK;
	}
	if ((rc = arg_kvs("dev_queue_xmit", argc - 1, argv + 1, kv, 5)))
		return rc;
	pkt_from(kv, &p);
	queued = kit_xmit_frames(dev, &p, (u64)kv[4].v);
	out_printf("dev_queue_xmit %s: %llu of %lld frames queued\n", dev->name,
		   (unsigned long long)queued, kv[4].v);
	return CMD_OK;
}

/* DEV skb#N: both checked, the skb must still be yours */
static int dev_and_skb(struct sess *s, const char *cmd, char **argv, struct net_device **dev,
		       struct sk_buff **skb)
{
	int rc = arg_dev_live(s, cmd, argv[0], dev);

	return rc ? rc : arg_skb(s, cmd, argv[1], true, skb);
}

static int do_hard_start_xmit(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev;
	struct sk_buff *skb;
	char err[256];
	int rc;

	bool stopped;

	if ((rc = dev_and_skb(s, "hard_start_xmit", argv, &dev, &skb)))
		return rc;
	stopped = netif_queue_stopped(dev);
	rc = kit_hard_start_xmit(dev, skb, err, sizeof(err));
	if (rc < 0) {
		out_error("hard_start_xmit: %s", err);
		return CMD_FAIL;
	}
	sess_prune(s);
	if (rc == NETDEV_TX_OK)
		out_printf("NETDEV_TX_OK: the driver owns skb#%u now\n", skb->kit_id);
	else
		out_printf("NETDEV_TX_BUSY: skb#%u is still yours (%s)\n", skb->kit_id,
			   stopped ? "the driver had stopped the queue: the ring is full"
				   : "the ring was full");
	return CMD_OK;
}

static int do_hard_prep_xmit(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev;
	struct sk_buff *skb;
	char err[256] = "";
	u32 id;
	int rc;

	if ((rc = dev_and_skb(s, "hard_prep_xmit", argv, &dev, &skb)))
		return rc;
	id = skb->kit_id;
	rc = kit_hard_prep_xmit(dev, skb, err, sizeof(err));
	if (rc == -EINVAL && err[0]) {
		out_error("hard_prep_xmit: %s", err);
		return CMD_FAIL;
	}
	if (rc != NETDEV_TX_OK) {
		/* the driver freed it (skb_put_padto does on failure): do not touch it */
		sess_prune(s);
		out_printf("hard_prep_xmit(skb#%u) -> %d: the driver dropped and freed it (counted "
			   "in tx_dropped)\n", id, rc);
		return CMD_OK;
	}
	out_printf("hard_prep_xmit(skb#%u) -> 0 (NETDEV_TX_OK), len %u\n", id, skb->len);
	return CMD_OK;
}

static void show_blist(struct net_device *dev, bool json)
{
	static struct dev_snap snap;
	struct sk_buff_head *l = dev->batch_mode == TX_BATCH_BTX ? dev->blist : dev->skb_blist;
	int n = 0;

	kit_dev_snapshot(dev, &snap);
	if (json) {
		cJSON *j = cJSON_CreateObject(), *a;

		cJSON_AddStringToObject(j, "dev", dev->name);
		cJSON_AddStringToObject(j, "list", dev->batch_mode == TX_BATCH_BTX ? "blist" :
						    "skb_blist");
		cJSON_AddNumberToObject(j, "len", l ? l->qlen : 0);
		a = cJSON_AddArrayToObject(j, "skbs");
		for (struct sk_buff *skb = l ? l->next : NULL; l && skb != (struct sk_buff *)l;
		     skb = skb->next)
			cJSON_AddItemToArray(a, cJSON_CreateNumber(skb->kit_id));
		cJSON_AddNumberToObject(j, "xmit_win", snap.xmit_win);
		cJSON_AddNumberToObject(j, "qdisc_len", snap.qdisc_len);
		out_json(j);
		return;
	}
	out_printf("%s %s: %u skbs%s", dev->name, dev->batch_mode == TX_BATCH_BTX ? "blist" : "skb_blist",
		   l ? l->qlen : 0, l && l->qlen ? ":" : "");
	for (struct sk_buff *skb = l ? l->next : NULL; l && skb != (struct sk_buff *)l;
	     skb = skb->next) {
		if (n++ == 32) {
			out_printf(" ...");
			break;
		}
		out_printf(" skb#%u", skb->kit_id);
	}
	out_printf("  (xmit_win %d, qdisc %u)\n", snap.xmit_win, snap.qdisc_len);
}

static int do_blist(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev;
	char err[256];
	int rc;

	if ((rc = arg_dev_live(s, "blist", argv[0], &dev)))
		return rc;
	rc = kit_blist_fill(dev, err, sizeof(err));
	if (rc < 0) {
		out_error("blist: %s", err);
		return CMD_FAIL;
	}
	show_blist(dev, json);
	return CMD_OK;
}

static int do_hard_batch_xmit(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev;
	char err[256];
	int rc;

	if ((rc = arg_dev_live(s, "hard_batch_xmit", argv[0], &dev)))
		return rc;
	rc = kit_hard_batch_xmit(dev, err, sizeof(err));
	if (rc < 0) {
		out_error("hard_batch_xmit: %s", err);
		return CMD_FAIL;
	}
	out_printf("hard_batch_xmit %s: %d skbs onto the ring; ", dev->name, rc);
	show_blist(dev, false);
	return CMD_OK;
}

static bool bql_stopped(struct net_device *dev)
{
	return netdev_get_tx_queue(dev, 0)->state & (1UL << __QUEUE_STATE_STACK_XOFF);
}

/* BQL's own stop, said beside the driver's */
static const char *bql_note(struct net_device *dev)
{
	if (!bql_stopped(dev))
		return "";
	return netif_queue_stopped(dev) ? ", and BQL holds it (STACK_XOFF)" :
					  ", but BQL holds it (STACK_XOFF)";
}

static void queue_state(struct net_device *dev)
{
	out_printf("%s: queue %s%s\n", dev->name, netif_queue_stopped(dev) ? "stopped" : "running",
		   bql_note(dev));
}

static int do_queue(struct sess *s, int argc, char **argv, void (*fn)(struct net_device *),
		    const char *name)
{
	struct net_device *dev;
	int rc;

	if ((rc = arg_dev_live(s, name, argv[0], &dev)))
		return rc;
	fn(dev);
	queue_state(dev);
	return CMD_OK;
}

static int do_stop(struct sess *s, int argc, char **argv, bool json)
{
	return do_queue(s, argc, argv, kit_netif_stop_queue, "netif_stop_queue");
}

static int do_wake(struct sess *s, int argc, char **argv, bool json)
{
	return do_queue(s, argc, argv, kit_netif_wake_queue, "netif_wake_queue");
}

static int do_start(struct sess *s, int argc, char **argv, bool json)
{
	return do_queue(s, argc, argv, kit_netif_start_queue, "netif_start_queue");
}

static int do_stopped(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev;
	int rc;

	if ((rc = arg_dev(s, "netif_queue_stopped", argv[0], &dev)))
		return rc;
	if (json) {
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "dev", dev->name);
		cJSON_AddBoolToObject(j, "queue_stopped", netif_queue_stopped(dev));
		cJSON_AddBoolToObject(j, "bql_stopped", bql_stopped(dev));
		out_json(j);
	} else {
		out_printf("netif_queue_stopped(%s) = %d (%s%s)\n", dev->name, netif_queue_stopped(dev),
			   netif_queue_stopped(dev) ? "stopped" : "running", bql_note(dev));
	}
	return CMD_OK;
}

static int do_qdisc_run(struct sess *s, int argc, char **argv, bool json)
{
	static struct dev_snap snap;
	struct net_device *dev;
	int rc;

	if ((rc = arg_dev_live(s, "qdisc_run", argv[0], &dev)))
		return rc;
	rc = kit_qdisc_run(dev);
	kit_dev_snapshot(dev, &snap);
	out_printf("qdisc_run %s: %d driver calls, qdisc %u left, queue %s%s\n", dev->name, rc,
		   snap.qdisc_len, snap.queue_stopped ? "stopped" : "running", bql_note(dev));
	return CMD_OK;
}

const struct cmd cmd_tx_table[] = {
	{ "skb", NULL, 0, 10, CMD_F_JSON,
	  "skb [alloc DEV [len N] [proto P] [flow F] [seq S] | free skb#N | show skb#N | list] [-j]",
	  "Allocate an skb you hold (skb#N), free it, show it, list yours",
	  "`skb alloc` builds a real frame (Ethernet + IPv4 + UDP/TCP/ICMP, checksums valid)\n"
	  "in an skb from the pool, as a socket would, and hands it to you: its handle\n"
	  "skb#N goes to dev_queue_xmit, hard_start_xmit or hard_prep_xmit. len is the\n"
	  "frame without FCS (60..1514, default 60); flow F (0..65535, default 0) picks\n"
	  "the ports. Each flow is one stream: without seq a frame takes the flow's next\n"
	  "TCP sequence or UDP counter (after whatever it sent before); seq S starts it\n"
	  "at S instead.\n"
	  "`skb free` gives one back; `skb` lists yours.\n"
	  "Handles count up from 1 over every skb the machine makes (the RX rings hold\n"
	  "the first ones, so yours start higher: `skb alloc` prints each); skb#last (or\n"
	  "$skb) names the newest skb you still hold.\n\n"
	  "  skb alloc sn0\n  skb alloc sn0 len 1514 proto tcp flow 2\n  skb free skb#last\n",
	  "alloc|free|show|list $dev|$skb ; len:$num proto:udp|tcp|icmp flow:$num seq:$num",
	  "`skb -j` / `skb list -j`: an array of {skb, len, place, dev}; `skb alloc -j` and "
	  "`skb show -j`: one of them (skb free takes no -j)", do_skb },
	{ "dev_queue_xmit", "xmit", 1, 11, 0, "dev_queue_xmit DEV [skb#N | [count N] [len L] [proto P] [flow F] [seq S]]",
	  "Send through the qdisc: enqueue, then qdisc_run, as a socket's send does",
	  "With skb#N (or skb#last): queue that skb (yours, from skb alloc). Otherwise build count frames\n"
	  "(default 1) like `skb alloc` would and send them one by one from process\n"
	  "context, each flow carrying on where it left off (seq S to start elsewhere).\n"
	  "Each enqueue runs the qdisc: dequeue, hard_start_xmit (or the batching\n"
	  "mode's entry point), doorbell. A stopped queue leaves frames in the qdisc; a\n"
	  "full qdisc (tx_queue_len) drops.\n\n"
	  "  skb alloc sn0\n  dev_queue_xmit sn0 skb#last\n  dev_queue_xmit sn0\n"
	  "  dev_queue_xmit sn0 count 20 len 1514\n",
	  "$dev $skb|count ; count:$num len:$num proto:udp|tcp|icmp flow:$num seq:$num", NULL,
	  do_dev_queue_xmit },
	{ "hard_start_xmit", NULL, 2, 2, 0, "hard_start_xmit DEV skb#N",
	  "Call the driver's hard_start_xmit directly, bypassing the qdisc",
	  "As a driver test would: the skb goes straight to the driver under the TX lock.\n"
	  "NETDEV_TX_OK: the driver owns it (on the ring). NETDEV_TX_BUSY: the ring was\n"
	  "full and the skb is still yours (the kernel counts that as a driver bug: the\n"
	  "queue should have been stopped). Calling it on a stopped queue is a WARNING.\n\n"
	  "  skb alloc sn0\n  hard_start_xmit sn0 skb#last\n",
	  "$dev $skb", NULL, do_hard_start_xmit },
	{ "hard_prep_xmit", NULL, 2, 2, 0, "hard_prep_xmit DEV skb#N",
	  "Call the driver's hard_prep_xmit (2007 batch API, btx mode) on an skb",
	  "The batch API's per-skb preparation, done outside the driver lock: simnic pads\n"
	  "runts to 60 bytes (skb_put_padto). 0 is NETDEV_TX_OK; a negative errno means\n"
	  "the driver could not prepare it and has freed it (as skb_put_padto does on\n"
	  "failure): the core counts it in tx_dropped and never touches it again. Only\n"
	  "the btx batching mode has it (ethtool -K DEV batching btx), and only on a\n"
	  "running device.\n\n"
	  "  ethtool -K sn0 batching btx\n  skb alloc sn0\n  hard_prep_xmit sn0 skb#last\n",
	  "$dev $skb", NULL, do_hard_prep_xmit },
	{ "hard_batch_xmit", NULL, 1, 1, 0, "hard_batch_xmit DEV",
	  "Hand the filled batch list to the driver: one call, one doorbell",
	  "btx mode: hard_batch_xmit(dev->blist, dev); skb_blist mode: hard_start_xmit(NULL),\n"
	  "meaning \"send dev->skb_blist\". Fill the list first with `blist DEV`. The driver\n"
	  "takes skbs until the list is empty or the ring is full and updates xmit_win;\n"
	  "what it leaves stays on the list.\n\n  ethtool -K sn0 batching btx\n"
	  "  netif_stop_queue sn0\n  dev_queue_xmit sn0 count 4\n  netif_start_queue sn0\n"
	  "  blist sn0\n  hard_batch_xmit sn0\n",
	  "$dev", NULL, do_hard_batch_xmit },
	{ "blist", NULL, 1, 1, CMD_F_JSON, "blist DEV [-j]", "Fill the device's batch list from the qdisc, up to xmit_win",
	  "The core's half of 2007 batching: dequeue up to xmit_win skbs from the qdisc onto\n"
	  "dev->blist (btx; hard_prep_xmit runs on each) or dev->skb_blist (skb_blist\n"
	  "mode), then show the list. Needs the queue's batching mode set, and the queue\n"
	  "running (the core dequeues nothing from a stopped queue). To have packets\n"
	  "waiting in the qdisc, stop the queue, queue them, and start it again without\n"
	  "a wake (netif_start_queue does not run the qdisc):\n\n"
	  "  ethtool -K sn0 batching btx\n  set sn0 xmit_win 4\n  netif_stop_queue sn0\n"
	  "  dev_queue_xmit sn0 count 6\n  netif_start_queue sn0\n  blist sn0\n",
	  "$dev", "dev, list (blist or skb_blist), len, skbs[] (handle numbers, in order), "
	  "xmit_win, qdisc_len", do_blist },
	{ "netif_stop_queue", NULL, 1, 1, 0, "netif_stop_queue DEV", "Stop the device's TX queue (XOFF)",
	  "What a driver does when its ring is full: the core stops handing it skbs;\n"
	  "they wait in the qdisc until netif_wake_queue.\n\n  netif_stop_queue sn0\n",
	  "$dev", NULL, do_stop },
	{ "netif_wake_queue", NULL, 1, 1, 0, "netif_wake_queue DEV",
	  "Wake a stopped TX queue and schedule the qdisc",
	  "What TX reclaim does once enough descriptors are free (tx_wake_thresh): clear\n"
	  "XOFF and schedule NET_TX so the qdisc runs again.\n\n  netif_wake_queue sn0\n",
	  "$dev", NULL, do_wake },
	{ "netif_start_queue", NULL, 1, 1, 0, "netif_start_queue DEV",
	  "Start the TX queue (as at open), without scheduling the qdisc",
	  "Clears XOFF like netif_wake_queue but does not schedule NET_TX: what a driver\n"
	  "calls in open.\n\n  netif_start_queue sn0\n",
	  "$dev", NULL, do_start },
	{ "netif_queue_stopped", NULL, 1, 1, CMD_F_JSON, "netif_queue_stopped DEV [-j]",
	  "Is the TX queue stopped?",
	  "Prints 1 (stopped) or 0 (running): the driver's stop, __LINK_STATE_XOFF. When\n"
	  "BQL has stopped the queue too (__QUEUE_STATE_STACK_XOFF: too many bytes in\n"
	  "flight), the line says so; the qdisc sends nothing while either holds.\n\n"
	  "  netif_queue_stopped sn0\n", "$dev", "dev, queue_stopped, bql_stopped", do_stopped },
	{ "qdisc_run", NULL, 1, 1, 0, "qdisc_run DEV",
	  "Run the device's qdisc now (what NET_TX does)",
	  "Dequeue and hand skbs to the driver until the qdisc is empty, the queue stops,\n"
	  "or dev_tx_weight is used up. With `auto off`, this is how the queued frames\n"
	  "move after a wake.\n\n  auto off\n  qdisc_run sn0\n",
	  "$dev", NULL, do_qdisc_run },
	{ 0 },
};

/* cmd_dev.c - devices and configuration: dev, ethtool, set, show, reset, seed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arg.h"
#include "cmd.h"
#include "dump.h"
#include "out.h"
#include "param.h"
#include "sess.h"

static struct dev_snap snap; /* big (two rings of slots): one, not on the stack */

/* `ip -s link`: iproute2's counters under each device's line */
static void link_stats(struct net_device *dev)
{
	static const char *const rx[] = { "rx_bytes", "rx_packets", "rx_errors", "rx_dropped",
					  "rx_missed_errors" };
	static const char *const tx[] = { "tx_bytes", "tx_packets", "tx_errors", "tx_dropped" };
	unsigned long long v[5];

	for (int i = 0; i < 5; i++)
		v[i] = kit_stat_find(rx[i]) < 0 ? 0 : kit_dev_stat(dev, kit_stat_find(rx[i]));
	out_printf("     RX:       bytes  packets  errors  dropped  missed\n");
	out_printf("     %12llu %8llu %7llu %8llu %7llu\n", v[0], v[1], v[2], v[3], v[4]);
	for (int i = 0; i < 4; i++)
		v[i] = kit_stat_find(tx[i]) < 0 ? 0 : kit_dev_stat(dev, kit_stat_find(tx[i]));
	out_printf("     TX:       bytes  packets  errors  dropped\n");
	out_printf("     %12llu %8llu %7llu %8llu\n", v[0], v[1], v[2], v[3]);
}

static int dev_list(struct sess *s, bool json, struct net_device *only, bool stats)
{
	cJSON *a = json ? cJSON_CreateArray() : NULL;

	if (!json)
		out_printf("dev  address      mac                state   queue    napi     batching   "
			   "lro  tx_ring  rx_ring\n");
	for (int i = 0; i < kit_dev_count(s->k); i++) {
		struct net_device *dev = kit_dev_at(s->k, i);
		char ip[20], mac[20];

		if (only && dev != only)
			continue;
		kit_dev_snapshot(dev, &snap);
		if (json) {
			cJSON_AddItemToArray(a, dump_dev_json(&snap, dev));
			continue;
		}
		dump_ip(dev->ip_addr, ip, sizeof(ip));
		dump_mac(dev->dev_addr, mac, sizeof(mac));
		out_printf("%-4s %-12s %-18s %-7s %-8s %-8s %-10s %-4s %7u  %7u\n", snap.name, ip, mac,
			   snap.broken ? "BROKEN" : snap.up ? "up" : "down",
			   snap.queue_stopped ? "stopped" : "running",
			   kit_param_word(kit_param_find("napi"), snap.irq_mode),
			   kit_param_word(kit_param_find("batching"), snap.batch_mode),
			   snap.lro ? "on" : "off", snap.tx.count, snap.rx.count);
		if (stats)
			link_stats(dev);
	}
	if (json)
		out_json(a);
	return CMD_OK;
}

static int do_dev(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev;
	int rc, w;

	bool stats = false;

	/* iproute2's spelling too: ip [-s] link [show] [DEV] */
	if (argc && !strcmp(argv[0], "-s")) {
		stats = true;
		argc--, argv++;
		if (!argc || strcmp(argv[0], "link")) {
			out_error("ip -s: only `ip -s link [show] [DEV]` (the counters of each link)");
			return CMD_USAGE;
		}
	}
	if (argc && !strcmp(argv[0], "link")) {
		argc--, argv++;
		if (argc && !strcmp(argv[0], "show"))
			argc--, argv++;
		if (argc > 1) {
			out_error("ip link: too many arguments, from '%s'", argv[1]);
			return CMD_USAGE;
		}
		dev = NULL;
		if (argc && (rc = arg_dev(s, "ip link show", argv[0], &dev)))
			return rc;
		return dev_list(s, json, dev, stats && !json);
	}
	if (argc == 0)
		return dev_list(s, json, NULL, false);
	if ((rc = arg_word("dev", "the subcommand", argv[0], "show|link", &w)))
		return rc;
	if (argc < 2) {
		out_error("dev show: missing argument: the device");
		return CMD_USAGE;
	}
	if (argc > 2) {
		out_error("dev: too many arguments, from '%s'", argv[2]);
		return CMD_USAGE;
	}
	if ((rc = arg_dev(s, "dev show", argv[1], &dev)))
		return rc;
	kit_dev_snapshot(dev, &snap);
	if (json)
		out_json(dump_dev_json(&snap, dev));
	else
		dump_dev_text(&snap, dev);
	return CMD_OK;
}

static int not_a_device(struct sess *s, const char *word)
{
	char names[64] = "";
	size_t n = 0;

	for (int i = 0; i < kit_dev_count(s->k); i++)
		n += (size_t)snprintf(names + n, n < sizeof(names) ? sizeof(names) - n : 0, "%s%s",
				      i ? ", " : "", kit_dev_at(s->k, i)->name);
	out_error("set: '%s' is not a device (%s); usage: %s", word, names, cmd_find("set")->usage);
	return CMD_FAIL; /* the usage is in the message */
}

static int do_set(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev = NULL;
	int rc;

	if (argc == 3) {
		/* three words: the first can only be a device */
		if (!kit_dev_by_name(s->k, argv[0]))
			return not_a_device(s, argv[0]);
		if ((rc = arg_dev(s, "set", argv[0], &dev)))
			return rc;
		argv++;
		argc--;
	} else if (argc != 2) {
		out_error("set: expected NAME VALUE or DEV NAME VALUE");
		return CMD_USAGE;
	} else if (kit_dev_by_name(s->k, argv[0])) {
		out_error("set: missing argument: the value (set %s %s VALUE)", argv[0], argv[1]);
		return CMD_USAGE;
	}
	return param_set_words(s, "set", dev, argv[0], argv[1], true);
}

static int do_show(struct sess *s, int argc, char **argv, bool json)
{
	if (!strcmp(argv[0], "costs"))
		return param_show_group(s, PARAM_COST, json);
	if (!strcmp(argv[0], "knobs"))
		return param_show_group(s, PARAM_KERNEL, json);
	if (!strcmp(argv[0], "dev") || !strcmp(argv[0], "device"))
		return param_show_group(s, PARAM_DEVICE, json);
	return param_show_one(s, argv[0], json);
}

static int do_reset(struct sess *s, int argc, char **argv, bool json)
{
	if (!sess_reset(s))
		return CMD_FAIL;
	out_printf("machine reset: seed %llu, driver %s; time, counters and settings are back to "
		   "their defaults\n", (unsigned long long)s->seed, kit_driver_name(s->k));
	return CMD_OK;
}

static int do_seed(struct sess *s, int argc, char **argv, bool json)
{
	long long v;
	int rc;

	if (argc == 0) {
		if (json) {
			cJSON *j = cJSON_CreateObject();

			cJSON_AddNumberToObject(j, "seed", (double)s->seed);
			out_json(j);
		} else {
			out_printf("seed %llu\n", (unsigned long long)s->seed);
		}
		return CMD_OK;
	}
	if (json) {
		out_error("seed: -j only without N (it shows the seed)");
		return CMD_USAGE;
	}
	if ((rc = arg_num("seed", "the seed", argv[0], 0, SEED_MAX, &v)))
		return rc;
	s->seed = (u64)v;
	if (!sess_reset(s))
		return CMD_FAIL;
	out_printf("seed %llu: machine reset\n", (unsigned long long)s->seed);
	return CMD_OK;
}

const struct cmd cmd_dev_table[] = {
	{ "dev", "ip", 0, 4, CMD_F_JSON | CMD_F_LOOK,
	  "dev [show DEV] [-j] | ip [-s] link [show] [DEV]",
	  "List the devices, or show one in detail",
	  "Without arguments: one line per device (address, MAC, state, queue, NAPI mode,\n"
	  "batching mode, LRO, ring sizes). `dev show DEV` prints everything the kit's\n"
	  "snapshot holds about DEV: TX queue, both rings' registers and indices, the\n"
	  "interrupt registers (ICR, IMS, ITR), NAPI state and LRO. As iproute2's `ip`:\n"
	  "`ip link [show] [DEV]` is the list (or DEV's line), `ip -s link` adds each\n"
	  "device's RX and TX counters.\n\n"
	  "  dev\n  dev show sn0\n  dev show sn1 -j\n  ip link show sn0\n  ip -s link\n",
	  "show|link|-s $dev|show|link", "the dev_snap fields by name (queue_stopped, qdisc_len, xmit_win, "
	  "tx_wake_thresh (in effect), bql, bql_stopped, bql_limit, bql_inflight, bql_avail, "
	  "icr, ims, "
	  "napi_state, weight, lro_aggregated...), `tx`/`rx` ring summaries and `stats` "
	  "(the stats table); `dev -j` is an array of them", do_dev },
	{ "ethtool", NULL, 2, 12, CMD_F_JSON, "ethtool -g|-G|-c|-C|-k|-K|-S|-i DEV [NAME VALUE]... [-j]",
	  "Query or change ring sizes, coalescing, offloads; print statistics",
	  "As the real ethtool:\n"
	  "  -g DEV                 ring sizes, with the maxima\n"
	  "  -G DEV [rx N] [tx N]   change ring sizes (8..4096, multiples of 8; the device is\n"
	  "                         reopened, its rings start empty)\n"
	  "  -c DEV                 interrupt coalescing\n"
	  "  -C DEV [rx-usecs N] [rx-frames N] [tx-usecs N]\n"
	  "  -k DEV                 offloads: large-receive-offload, generic-receive-offload,\n"
	  "                         tx-batching, byte-queue-limits\n"
	  "  -K DEV [lro on|off] [gro on|off] [batching none|btx|skb_blist|xmit_more]\n"
	  "         [bql on|off]   long names work too: large-receive-offload,\n"
	  "                         generic-receive-offload, tx-batching, byte-queue-limits,\n"
	  "                         NETIF_F_BTX, hard_batch_xmit...\n"
	  "                         gro (modern NAPI only) and lro exclude each other: gro on\n"
	  "                         turns lro off (the kernel keeps GRO), lro on is refused\n"
	  "                         while gro is on\n"
	  "                         bql off is a kernel built without BQL (CONFIG_BQL=n):\n"
	  "                         no byte limit, and no xmit_more bulk dequeue\n"
	  "  -S DEV                 all counters of the stats table\n"
	  "  -i DEV                 driver information\n"
	  "All values are checked before any is applied. Configuration changes reopen\n"
	  "devices quietly: the trace printer pauses for them.\n\n"
	  "  ethtool -G sn0 tx 16\n  ethtool -K sn0 batching xmit_more\n  ethtool -S sn1\n",
	  "-g|-G|-c|-C|-k|-K|-S|-i $dev ; rx:$num tx:$num rx-usecs:$num rx-frames:$num "
	  "tx-usecs:$num lro:on|off gro:on|off batching:none|btx|skb_blist|xmit_more bql:on|off "
	  "large-receive-offload:on|off generic-receive-offload:on|off tx-batching:none|btx|skb_blist|xmit_more "
	  "byte-queue-limits:on|off",
	  "-g: rx, tx, rx_max, tx_max; -c: rx-usecs, rx-frames, tx-usecs; -k: lro, gro, batching, "
	  "bql; "
	  "-S: every counter of the stats table; -i: driver, version", ethtool_run },
	{ "set", NULL, 2, 3, 0, "set [DEV] NAME VALUE", "Set a cost, a kernel knob or a device setting",
	  "Every tunable is one row of the kit's parameter table: the cost model\n"
	  "(show costs), kernel knobs (show knobs) and per-device settings (show dev).\n"
	  "A device setting without DEV applies to every device. Words work for modes:\n"
	  "napi none|classic|modern, batching none|btx|skb_blist|xmit_more, lro on|off,\n"
	  "gro on|off.\n"
	  "Ring sizes and the NAPI mode reopen the device (quietly).\n\n"
	  "  set mmio_write 400\n  set netdev_budget 64\n  set sn1 napi classic\n"
	  "  set weight 16\n",
	  "$dev|$param $devparam $pvalue", NULL, do_set },
	{ "show", NULL, 1, 1, CMD_F_JSON, "show costs|knobs|dev|NAME [-j]",
	  "Show the cost model, the kernel knobs, the device settings, or one parameter",
	  "Each parameter with its value, unit, range, default, description and the\n"
	  "source its default comes from. Device settings show each device's value.\n\n"
	  "  show costs\n  show knobs\n  show dev\n  show weight\n",
	  "costs|knobs|dev|$param", "an array of {name, group, value, unit, min, max, default, "
	  "desc, source}; value is an object by device name for device settings, a word for "
	  "modes", do_show },
	{ "reset", NULL, 0, 0, 0, "reset", "Start a fresh machine (same seed, same driver)",
	  "Frees the machine and makes a new one at time zero. Kept: the seed, the loaded\n"
	  "driver (loaded again from its file) and the trace setting. Not kept: time,\n"
	  "counters, skbs, the auto mode and every `set`/`ethtool` change (to keep your\n"
	  "settings while reloading a rebuilt driver, use `driver reload`). Recovers\n"
	  "devices a driver crash broke.\n\n  reset\n",
	  "", NULL, do_reset },
	{ "seed", NULL, 0, 1, CMD_F_JSON, "seed [N] [-j]", "Show the seed, or reset the machine with seed N",
	  "The seed fixes every random choice of the simulation (pktgen's faults, ...):\n"
	  "the same script with the same seed prints the same output. `seed N` resets the\n"
	  "machine (see reset) with the new seed.\n\n  seed\n  seed 42\n",
	  "_", "seed (without N)", do_seed },
	{ 0 },
};

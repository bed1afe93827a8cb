/* ethtool.c - ethtool -g/-G/-c/-C/-k/-K/-S/-i over the kit's parameter and stats tables. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arg.h"
#include "cmd.h"
#include "dump.h"
#include "out.h"
#include "param.h"
#include "sess.h"

/* Settable names per option: the kernel's ethtool spellings, mapped to parameters. */
struct opt_key {
	const char *key;
	const char *param;
};
static const struct opt_key ring_keys[] = { { "rx", "rx_ring" }, { "tx", "tx_ring" }, { 0 } };
static const struct opt_key coal_keys[] = {
	{ "rx-usecs", "rx_usecs" }, { "rx-frames", "rx_frames" }, { "tx-usecs", "tx_usecs" },
	{ 0 },
};
/* features: the short spelling, then the long one ethtool -k prints */
static const struct opt_key feat_keys[] = {
	{ "lro", "lro" }, { "large-receive-offload", "lro" },
	{ "gro", "gro" }, { "generic-receive-offload", "gro" },
	{ "rxvlan", "rx_vlan" }, { "rx-vlan-offload", "rx_vlan" },
	{ "batching", "batching" }, { "tx-batching", "batching" },
	{ "bql", "bql" }, { "byte-queue-limits", "bql" }, { 0 },
};

static bool on_off(const char *param)
{
	return !strcmp(param, "lro") || !strcmp(param, "rx_vlan") || !strcmp(param, "bql") ||
	       !strcmp(param, "gro");
}

static long get(struct sess *s, struct net_device *dev, const char *name)
{
	return kit_param_get(s->k, dev, kit_param_find(name));
}

/* Check every NAME VALUE pair, then apply them all: bad input changes nothing. */
static int change(struct sess *s, const char *opt, struct net_device *dev, int argc, char **argv,
		  const struct opt_key *keys)
{
	int ids[8], n = 0, rc;
	long vals[8];
	char cmd[32];

	snprintf(cmd, sizeof(cmd), "ethtool %s", opt);
	if (argc == 0 || argc % 2) {
		out_error("%s: expected NAME VALUE pairs after the device", cmd);
		return CMD_USAGE;
	}
	for (int i = 0; i < argc; i += 2) {
		const struct opt_key *k = keys;

		while (k->key && strcmp(k->key, argv[i]))
			k++;
		if (!k->key) {
			char list[128] = "";
			size_t l = 0;

			for (k = keys; k->key; k++)
				l += (size_t)snprintf(list + l, l < sizeof(list) ? sizeof(list) - l : 0,
						      "%s%s", k == keys ? "" : ", ", k->key);
			out_error("%s: unknown setting '%s' (expected %s)", cmd, argv[i], list);
			return CMD_USAGE;
		}
		ids[n] = kit_param_find(k->param);
		for (int j = 0; j < n; j++)
			if (ids[j] == ids[n]) {
				out_error("%s: %s given twice", cmd, k->param);
				return CMD_USAGE;
			}
		if ((rc = param_parse(cmd, ids[n], argv[i + 1], &vals[n])))
			return rc;
		n++;
	}
	{ /* both on at once could only half apply: say so before anything changes */
		int lro = -1, gro = -1;

		for (int i = 0; i < n; i++) {
			if (ids[i] == kit_param_find("lro"))
				lro = (int)vals[i];
			if (ids[i] == kit_param_find("gro"))
				gro = (int)vals[i];
		}
		if (lro == 1 && gro == 1) {
			out_error("%s: lro and gro exclude each other: turn one of them on", cmd);
			return CMD_FAIL;
		}
	}
	for (int i = 0; i < n; i++)
		if ((rc = param_apply(s, cmd, dev, ids[i], vals[i])))
			return rc;
	return CMD_OK;
}

static int show_rings(struct sess *s, struct net_device *dev, bool json)
{
	const struct kit_param_desc *rx = kit_param_at(kit_param_find("rx_ring"));
	const struct kit_param_desc *tx = kit_param_at(kit_param_find("tx_ring"));

	if (json) {
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "dev", dev->name);
		cJSON_AddNumberToObject(j, "rx_max", (double)rx->max);
		cJSON_AddNumberToObject(j, "tx_max", (double)tx->max);
		cJSON_AddNumberToObject(j, "rx", (double)get(s, dev, "rx_ring"));
		cJSON_AddNumberToObject(j, "tx", (double)get(s, dev, "tx_ring"));
		out_json(j);
		return CMD_OK;
	}
	out_printf("Ring parameters for %s:\nPre-set maximums:\nRX:\t\t%ld\nTX:\t\t%ld\n"
		   "Current hardware settings:\nRX:\t\t%ld\nTX:\t\t%ld\n", dev->name, rx->max, tx->max,
		   get(s, dev, "rx_ring"), get(s, dev, "tx_ring"));
	return CMD_OK;
}

static int show_keys(struct sess *s, struct net_device *dev, bool json, const char *title,
		     const struct opt_key *keys, bool words)
{
	cJSON *j = json ? cJSON_CreateObject() : NULL;

	if (json)
		cJSON_AddStringToObject(j, "dev", dev->name);
	else
		out_printf("%s %s:\n", title, dev->name);
	for (const struct opt_key *k = keys; k->key; k++) {
		int id = kit_param_find(k->param);
		long v = kit_param_get(s->k, dev, id);
		char b[32];

		if (words && k > keys && !strcmp(k[-1].param, k->param))
			continue; /* a long spelling of the row above */
		if (words && on_off(k->param))
			snprintf(b, sizeof(b), "%s", v ? "on" : "off");
		else
			param_fmt(id, v, b, sizeof(b));
		if (json) {
			if (words && on_off(k->param))
				cJSON_AddBoolToObject(j, k->param, v != 0);
			else if (words)
				cJSON_AddStringToObject(j, k->param, b);
			else
				cJSON_AddNumberToObject(j, k->key, (double)v);
		} else if (words) {
			out_printf("%s: %s\n", k[1].key ? k[1].key : k->key, b); /* the long spelling */
		} else {
			out_printf("%s: %s\n", k->key, b);
		}
	}
	if (words && !json)
		out_printf("(tx-batching: none, btx, skb_blist or xmit_more)\n");
	if (json)
		out_json(j);
	return CMD_OK;
}

static int show_stats(struct sess *s, struct net_device *dev, bool json)
{
	if (json) {
		out_json(dump_stats_json(dev, true));
		return CMD_OK;
	}
	out_printf("NIC statistics:\n");
	for (int i = 0; i < kit_stat_count(); i++)
		out_printf("     %s: %llu\n", kit_stat_at(i)->name,
			   (unsigned long long)kit_dev_stat(dev, i));
	return CMD_OK;
}

static int show_info(struct sess *s, struct net_device *dev, bool json)
{
	if (json) {
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "dev", dev->name);
		cJSON_AddStringToObject(j, "driver", "simnic");
		cJSON_AddStringToObject(j, "version", RINGLAB_VERSION);
		cJSON_AddStringToObject(j, "lab_functions", kit_driver_name(s->k));
		out_json(j);
		return CMD_OK;
	}
	out_printf("driver: simnic\nversion: %s\nfirmware-version: 8254x model\nbus-info: ringlab\n"
		   "lab functions: %s\n", RINGLAB_VERSION, kit_driver_name(s->k));
	return CMD_OK;
}

int ethtool_run(struct sess *s, int argc, char **argv, bool json)
{
	static const char opts[] = "-g|-G|-c|-C|-k|-K|-S|-i";
	struct net_device *dev;
	int o, rc;

	if ((rc = arg_word("ethtool", "the option", argv[0], opts, &o)))
		return rc;
	if ((rc = arg_dev(s, "ethtool", argv[1], &dev)))
		return rc;
	if (o % 2 == 0 || o == 7) { /* queries take nothing more */
		if (argc > 2) {
			out_error("ethtool %s: too many arguments, from '%s'", argv[0], argv[2]);
			return CMD_USAGE;
		}
	} else if (json) {
		out_error("ethtool %s: -j is for the queries (-g, -c, -k, -S, -i)", argv[0]);
		return CMD_USAGE;
	}
	switch (o) {
	case 0: return show_rings(s, dev, json);
	case 1: return change(s, argv[0], dev, argc - 2, argv + 2, ring_keys);
	case 2: return show_keys(s, dev, json, "Coalesce parameters for", coal_keys, false);
	case 3: return change(s, argv[0], dev, argc - 2, argv + 2, coal_keys);
	case 4: return show_keys(s, dev, json, "Features for", feat_keys, true);
	case 5: return change(s, argv[0], dev, argc - 2, argv + 2, feat_keys);
	case 6: return show_stats(s, dev, json);
	default: return show_info(s, dev, json);
	}
}

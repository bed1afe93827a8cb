/* param.c - set and show: every tunable through the kit's one parameter table. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arg.h"
#include "cmd.h"
#include "out.h"
#include "param.h"
#include "sess.h"

static const char *closest_param(const char *word)
{
	const char *best = NULL;
	int bd = 1 << 30;

	for (int i = 0; i < kit_param_count(); i++) {
		const char *n = kit_param_at(i)->name;
		int d = strncmp(n, word, strlen(word)) ? cmd_distance(word, n) : 1;

		if (d < bd) {
			bd = d;
			best = n;
		}
	}
	return cmd_close_enough(word, bd) ? best : NULL;
}

int param_lookup(const char *cmd, const char *name, int *id)
{
	*id = kit_param_find(name);
	if (*id >= 0)
		return 0;
	if (closest_param(name))
		out_error("%s: no parameter '%s'; closest: %s (show costs, show knobs, show dev list "
			  "them)",
			  cmd, name, closest_param(name));
	else
		out_error("%s: no parameter '%s' (show costs, show knobs, show dev list them)", cmd,
			  name);
	return CMD_FAIL;
}

int param_parse(const char *cmd, int id, const char *word, long *v)
{
	const struct kit_param_desc *d = kit_param_at(id);
	long long x;

	if (!kit_param_parse_word(id, word, v))
		return 0;
	if ((id == kit_param_find("lro") || id == kit_param_find("rx_vlan") ||
	    id == kit_param_find("bql") || id == kit_param_find("gro")) && strcmp(word, "0") &&
	    strcmp(word, "1")) {
		/* shown and documented as on|off: 0 and 1 work too */
		out_error("%s: %s must be on or off, not '%s'", cmd, d->name, word);
		return CMD_FAIL; /* a bad value: the line says what is expected */
	}
	if (kit_param_word(id, d->def)) {
		char words[96] = "";
		size_t n = 0;

		for (long i = d->min; i <= d->max; i++)
			n += (size_t)snprintf(words + n, n < sizeof(words) ? sizeof(words) - n : 0,
					      "%s%s", i > d->min ? "|" : "", kit_param_word(id, i));
		out_error("%s: %s must be %s, not '%s'", cmd, d->name, words, word);
		return CMD_FAIL; /* a bad value: the line says what is expected */
	}
	if (arg_parse_signed(word, &x)) { /* a negative number is a number, out of range */
		out_error("%s: %s must be a number (%s), not '%s'", cmd, d->name, d->unit, word);
		return CMD_FAIL; /* a bad value: the line says what is expected */
	}
	if (x < d->min || x > d->max) {
		out_error("%s: %s must be between %ld and %ld %s, not %lld", cmd, d->name, d->min,
			  d->max, d->unit, x);
		return CMD_FAIL;
	}
	{ /* the kit's own rules (ring sizes), checked before anything changes */
		char err[160];

		if (kit_param_check(id, (long)x, err, sizeof(err))) {
			out_error("%s: %s, not %lld", cmd, err, x);
			return CMD_FAIL;
		}
	}
	*v = (long)x;
	return 0;
}

/* Words for modes (napi, batching) and for lro, rx_vlan, bql (on/off); numbers otherwise. */
static const char *word(int id, long v)
{
	if (id == kit_param_find("lro") || id == kit_param_find("rx_vlan") ||
	    id == kit_param_find("bql") || id == kit_param_find("gro"))
		return v ? "on" : "off";
	return kit_param_word(id, v);
}

void param_fmt(int id, long v, char *buf, size_t len)
{
	const char *w = word(id, v);

	if (w)
		snprintf(buf, len, "%s", w);
	else
		snprintf(buf, len, "%ld", v);
}

/* The driver keeps the wake threshold at most half its TX ring: say when that bites. */
static void wake_in_effect(struct sess *s, struct net_device *only)
{
	static struct dev_snap snap;
	int id = kit_param_find("tx_wake_thresh");

	for (int i = 0; i < kit_dev_count(s->k); i++) {
		struct net_device *dev = kit_dev_at(s->k, i);

		if ((only && dev != only) || kit_dev_snapshot(dev, &snap))
			continue;
		if (snap.tx_wake_thresh != (unsigned long)kit_param_get(s->k, dev, id))
			out_printf("%s: tx_wake_thresh in effect %u: at most half the %u-slot TX ring\n",
				   dev->name, snap.tx_wake_thresh, snap.tx.count);
	}
}

/* GRO on a device whose LRO was on switched LRO off (netdev_fix_features): say so. */
static void lro_dropped(struct sess *s, const bool *lro_was)
{
	for (int i = 0; i < kit_dev_count(s->k) && i < 8; i++) {
		struct net_device *dev = kit_dev_at(s->k, i);

		if (lro_was[i] && !kit_param_get(s->k, dev, kit_param_find("lro")))
			out_printf("%s: lro = off: LRO and GRO are exclusive, GRO wins "
				   "(as netdev_fix_features drops LRO)\n", dev->name);
	}
}

int param_apply(struct sess *s, const char *cmd, struct net_device *dev, int id, long v)
{
	const struct kit_param_desc *d = kit_param_at(id);
	char err[256], was[32], now[32], who[64] = "";
	long old = kit_param_get(s->k, dev, id);
	const char *unit;
	int rc;

	if (d->group == PARAM_DEVICE)
		snprintf(who, sizeof(who), "%s: ", dev ? dev->name : "all devices");
	bool lro_was[8] = { false };

	for (int i = 0; i < kit_dev_count(s->k) && i < 8; i++)
		lro_was[i] = kit_param_get(s->k, kit_dev_at(s->k, i), kit_param_find("lro")) != 0;
	sess_trace_detach(s);
	rc = kit_param_set(s->k, dev, id, v, err, sizeof(err));
	sess_trace_attach(s);
	if (rc) {
		out_error("%s: %s", cmd, err);
		return CMD_FAIL;
	}
	param_fmt(id, old, was, sizeof(was));
	param_fmt(id, v, now, sizeof(now));
	unit = word(id, v) ? "" : d->unit;
	if (d->group == PARAM_DEVICE && !dev)
		out_printf("%s%s = %s%s%s\n", who, d->name, now, *unit ? " " : "", unit);
	else
		out_printf("%s%s = %s%s%s (was %s)\n", who, d->name, now, *unit ? " " : "", unit, was);
	lro_dropped(s, lro_was);
	if (id == kit_param_find("tx_wake_thresh") || id == kit_param_find("tx_ring"))
		wake_in_effect(s, dev);
	return CMD_OK;
}

int param_set_words(struct sess *s, const char *cmd, struct net_device *dev, const char *name,
		    const char *value, bool announce)
{
	int id, rc;
	long v;

	if ((rc = param_lookup(cmd, name, &id)))
		return rc;
	if (dev && kit_param_at(id)->group != PARAM_DEVICE) {
		out_error("%s: %s is not a device setting (set %s VALUE)", cmd, name, name);
		return CMD_FAIL;
	}
	if ((rc = param_parse(cmd, id, value, &v)))
		return rc;
	return param_apply(s, cmd, dev, id, v);
}

static const char *group_name(enum kit_param_group g)
{
	return g == PARAM_COST ? "cost" : g == PARAM_KERNEL ? "kernel" : "device";
}

static cJSON *one_json(struct sess *s, int id)
{
	const struct kit_param_desc *d = kit_param_at(id);
	cJSON *j = cJSON_CreateObject();
	char b[32];

	cJSON_AddStringToObject(j, "name", d->name);
	cJSON_AddStringToObject(j, "group", group_name(d->group));
	if (d->group == PARAM_DEVICE) {
		cJSON *v = cJSON_AddObjectToObject(j, "value");

		for (int i = 0; i < kit_dev_count(s->k); i++) {
			struct net_device *dev = kit_dev_at(s->k, i);
			long x = kit_param_get(s->k, dev, id);

			if (kit_param_word(id, x))
				cJSON_AddStringToObject(v, dev->name, kit_param_word(id, x));
			else
				cJSON_AddNumberToObject(v, dev->name, (double)x);
		}
	} else {
		param_fmt(id, kit_param_get(s->k, NULL, id), b, sizeof(b));
		cJSON_AddNumberToObject(j, "value", (double)kit_param_get(s->k, NULL, id));
	}
	cJSON_AddStringToObject(j, "unit", d->unit);
	cJSON_AddNumberToObject(j, "min", (double)d->min);
	cJSON_AddNumberToObject(j, "max", (double)d->max);
	cJSON_AddNumberToObject(j, "default", (double)d->def);
	cJSON_AddStringToObject(j, "desc", d->desc);
	cJSON_AddStringToObject(j, "source", d->source);
	return j;
}

static void one_text(struct sess *s, int id)
{
	const struct kit_param_desc *d = kit_param_at(id);
	char v[32], def[32];

	param_fmt(id, d->def, def, sizeof(def));
	if (d->group == PARAM_DEVICE) {
		out_printf("%s =", d->name);
		for (int i = 0; i < kit_dev_count(s->k); i++) {
			struct net_device *dev = kit_dev_at(s->k, i);

			param_fmt(id, kit_param_get(s->k, dev, id), v, sizeof(v));
			out_printf("%s %s %s", i ? "," : "", dev->name, v);
		}
		out_printf(" %s", d->unit);
	} else {
		param_fmt(id, kit_param_get(s->k, NULL, id), v, sizeof(v));
		out_printf("%s = %s %s", d->name, v, d->unit);
	}
	out_printf("  (%ld..%ld, default %s)\n    %s [source: %s]\n", d->min, d->max, def, d->desc,
		   d->source);
}

int param_show_group(struct sess *s, enum kit_param_group g, bool json)
{
	cJSON *a = json ? cJSON_CreateArray() : NULL;

	for (int i = 0; i < kit_param_count(); i++) {
		if (kit_param_at(i)->group != g)
			continue;
		if (json)
			cJSON_AddItemToArray(a, one_json(s, i));
		else
			one_text(s, i);
	}
	if (json)
		out_json(a);
	return CMD_OK;
}

int param_show_one(struct sess *s, const char *name, bool json)
{
	int id, rc;

	if (kit_param_find(name) < 0) {
		out_error("show: '%s' is not costs, knobs, dev or a parameter%s%s", name,
			  closest_param(name) ? "; closest: " : "",
			  closest_param(name) ? closest_param(name) : "");
		return CMD_USAGE;
	}
	if ((rc = param_lookup("show", name, &id)))
		return rc;
	if (json)
		out_json(one_json(s, id));
	else
		one_text(s, id);
	return CMD_OK;
}

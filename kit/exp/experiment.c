/* experiment.c - the experiment registry, strict "key=value" parameters, shared helpers. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp.h"
#include "hw/nic_hw.h"

/*
 * kit_experiment(name, seed, "key=value ...") runs one experiment on fresh
 * machines made from seed and fills a table: numbers only, one column per
 * measured quantity with its unit in the name, and a note saying what to
 * look for. Parameters are checked before anything runs: an unknown key, a
 * malformed or out-of-range value, or a key given twice is one line naming
 * every accepted key with its range, and nothing is run. Same seed and same
 * parameters give the same table, bit for bit.
 */

static const struct exp_def *const experiments[] = {
	&exp_livelock,
	&exp_coalesce,
	&exp_lro,
	&exp_batching,
};

int kit_experiment_count(void)
{
	return (int)ARRAY_SIZE(experiments);
}

const struct exp_desc *kit_experiment_at(int i)
{
	return i >= 0 && i < kit_experiment_count() ? &experiments[i]->d : NULL;
}

static const struct exp_def *find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(experiments); i++)
		if (!strcmp(experiments[i]->d.name, name))
			return experiments[i];
	return NULL;
}

/* ---- parameters ---------------------------------------------------------------- */

/* "napi=none|classic|modern, rx_usecs=0..10000[,...] (us), ms=1..200 (ms)" */
static void accepted(const struct exp_def *e, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = 0;
	for (int i = 0; i < e->nkeys && at < len; i++) {
		const struct exp_key *key = &e->keys[i];
		int n;

		if (key->type == EK_NAPI)
			n = snprintf(buf + at, len - at, "%s%s=none|classic|modern", i ? ", " : "",
				     key->name);
		else
			n = snprintf(buf + at, len - at, "%s%s=%ld..%ld%s (%s)", i ? ", " : "",
				     key->name, key->min, key->max,
				     key->type == EK_LIST ? "[,...]" : "", key->unit);
		if (n < 0)
			break;
		at += (size_t)n;
	}
}

/* A whole decimal integer, nothing after it; *range false if it overflows. */
static bool parse_long(const char *s, size_t len, long *v, bool *range)
{
	char tmp[32], *end;

	*range = true;
	if (!len || !(isdigit((unsigned char)s[0]) || (s[0] == '-' && len > 1)))
		return false;
	if (len >= sizeof(tmp)) {
		for (size_t i = 1; i < len; i++)
			if (!isdigit((unsigned char)s[i]))
				return false;
		*range = false; /* all digits, just too many */
		return true;
	}
	memcpy(tmp, s, len);
	tmp[len] = 0;
	errno = 0;
	*v = strtol(tmp, &end, 10);
	if (*end)
		return false;
	*range = errno != ERANGE;
	return true;
}

/* "livelock: ms=0 is out of range; accepted: ..." */
static int bad(const struct exp_def *e, char *err, size_t errlen, const char *what)
{
	char acc[512];

	accepted(e, acc, sizeof(acc));
	snprintf(err, errlen, "%s; accepted: %s", what, acc);
	return -EINVAL;
}

/* The value of key from s[0..len): a word, an integer or a list of them. */
static int parse_value(const struct exp_def *e, const struct exp_key *key, const char *s,
		       size_t len, struct exp_val *out, char *err, size_t errlen)
{
	char msg[160];

	if (key->type == EK_NAPI) {
		char w[32];
		long v;

		if (len && len < sizeof(w)) {
			memcpy(w, s, len);
			w[len] = 0;
			if (!kit_param_parse_word(P_NAPI, w, &v)) {
				out->v = out->list[0] = v;
				out->n = 1;
				return 0;
			}
		}
		snprintf(msg, sizeof(msg), "%s=%.*s is not a receive mode", key->name, (int)len, s);
		return bad(e, err, errlen, msg);
	}
	out->n = 0;
	for (size_t at = 0; at <= len;) {
		size_t end = at;
		bool range;
		long v = 0;

		while (end < len && s[end] != ',')
			end++;
		if (!parse_long(s + at, end - at, &v, &range)) {
			snprintf(msg, sizeof(msg), "%s=%.*s is not %s", key->name, (int)len, s,
				 key->type == EK_LIST ? "a list of integers" : "an integer");
			return bad(e, err, errlen, msg);
		}
		if (!range || v < key->min || v > key->max) {
			snprintf(msg, sizeof(msg), "%s=%.*s is out of range", key->name,
				 (int)(end - at), s + at);
			return bad(e, err, errlen, msg);
		}
		if (out->n == EXP_LIST_MAX || (key->type == EK_INT && out->n == 1)) {
			snprintf(msg, sizeof(msg), "%s takes %s", key->name,
				 key->type == EK_INT ? "one value" : "at most 8 values");
			return bad(e, err, errlen, msg);
		}
		out->list[out->n++] = v;
		at = end + 1;
	}
	out->v = out->list[0];
	return 0;
}

/* Apply "key=value key=value" onto args; given[] catches a key said twice. */
static int parse_params(const struct exp_def *e, const char *p, struct exp_val *args, bool *given,
			char *err, size_t errlen)
{
	while (p && *p) {
		const char *tok, *eq;
		size_t len;
		int i;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		tok = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		len = (size_t)(p - tok);
		eq = memchr(tok, '=', len);
		if (!eq || eq == tok) {
			char msg[96];

			snprintf(msg, sizeof(msg), "expected key=value, got '%.*s'", (int)len, tok);
			return bad(e, err, errlen, msg);
		}
		for (i = 0; i < e->nkeys; i++)
			if (strlen(e->keys[i].name) == (size_t)(eq - tok) &&
			    !strncmp(e->keys[i].name, tok, (size_t)(eq - tok)))
				break;
		if (i == e->nkeys) {
			char msg[96];

			snprintf(msg, sizeof(msg), "unknown parameter '%.*s'", (int)(eq - tok),
				 tok);
			return bad(e, err, errlen, msg);
		}
		if (given) {
			if (given[i]) {
				char msg[96];

				snprintf(msg, sizeof(msg), "%s given twice", e->keys[i].name);
				return bad(e, err, errlen, msg);
			}
			given[i] = true;
		}
		if (parse_value(e, &e->keys[i], eq + 1, len - (size_t)(eq + 1 - tok), &args[i], err,
				errlen))
			return -EINVAL;
	}
	return 0;
}

int kit_experiment(const char *name, u64 seed, const char *params, struct exp_table *out, char *err,
		   size_t errlen)
{
	const struct exp_def *e = name ? find(name) : NULL;
	struct exp_val args[EXP_MAX_KEYS];
	bool given[EXP_MAX_KEYS] = { false };
	int rc;

	memset(out, 0, sizeof(*out));
	if (!e) {
		size_t at = 0;

		at += (size_t)snprintf(err, errlen,
				       "no experiment named '%s'; there are:", name ? name : "");
		for (size_t i = 0; i < ARRAY_SIZE(experiments) && at < errlen; i++)
			at += (size_t)snprintf(err + at, errlen - at, " %s",
					       experiments[i]->d.name);
		return -EINVAL;
	}
	memset(args, 0, sizeof(args));
	/* the defaults first: the same text the shell shows */
	if (parse_params(e, e->d.params, args, NULL, err, errlen) ||
	    parse_params(e, params, args, given, err, errlen))
		return -EINVAL;
	rc = e->run(seed, args, out, err, errlen);
	if (rc)
		memset(out, 0, sizeof(*out));
	else
		out->plot = e->d.plot;
	return rc;
}

/* ---- tables ------------------------------------------------------------------ */

void exp_table_init(struct exp_table *t, const char *title, const char *const *cols, int ncols)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->title, sizeof(t->title), "%s", title);
	t->ncols = ncols < EXP_MAX_COLS ? ncols : EXP_MAX_COLS;
	for (int i = 0; i < t->ncols; i++)
		t->cols[i] = cols[i];
}

double *exp_row(struct exp_table *t)
{
	if (t->nrows == EXP_MAX_ROWS)
		return NULL;
	return t->v[t->nrows++];
}

/* ---- machines ------------------------------------------------------------------ */

/* The machine kit_experiment_on was given: its cost model and knobs carry over. */
static const struct kit *exp_base;

struct kit *exp_kit(u64 seed, char *err, size_t errlen)
{
	struct kit *k = kit_new(seed);

	if (!k) {
		snprintf(err, errlen, "out of memory for a machine");
		return NULL;
	}
	if (exp_base) {
		memcpy(k->cost, exp_base->cost, sizeof(k->cost));
		memcpy(k->knob, exp_base->knob, sizeof(k->knob));
	}
	kit_set_hw_steps(k, false);
	tl_stop(k); /* nobody will export this machine's timeline */
	trace_stop(k); /* nor read its trace */
	return k;
}

int kit_experiment_on(struct kit *base, const char *name, const char *params,
		      struct exp_table *out, char *err, size_t errlen)
{
	int rc;

	exp_base = base;
	rc = kit_experiment(name, base->seed, params, out, err, errlen);
	exp_base = NULL;
	kit_enter(base);
	return rc;
}

int exp_set(struct kit *k, struct net_device *dev, const char *name, long v, char *err,
	    size_t errlen)
{
	char why[160];
	int id = kit_param_find(name);

	if (id < 0) {
		snprintf(err, errlen, "internal: no parameter %s", name);
		return -EINVAL;
	}
	if (kit_param_set(k, dev, id, v, why, sizeof(why))) {
		snprintf(err, errlen, "set %s %ld: %s", name, v, why);
		return -EINVAL;
	}
	return 0;
}

u64 exp_stat(struct net_device *dev, const char *name)
{
	int i = kit_stat_find(name);

	return i < 0 ? 0 : kit_dev_stat(dev, i);
}

u64 exp_line_pps(const struct kit *k, unsigned int len)
{
	return 1000000000000ULL / wire_ps(k, len); /* the same arithmetic as pktgen's check */
}

/* ---- measuring --------------------------------------------------------------------- */

static const char *const ctr_names[XC_NR] = {
	[XC_IRQS] = "irqs",
	[XC_HW_RX] = "hw_rx_frames",
	[XC_RX_MISSED] = "rx_missed_errors",
	[XC_RX_STACK] = "rx_stack",
	[XC_HW_TX] = "hw_tx_frames",
	[XC_DOORBELLS] = "doorbells",
	[XC_XMIT_CALLS] = "xmit_calls",
};

void exp_meas_read(struct kit *k, struct net_device *dev, struct exp_meas *m)
{
	struct kit_snap s;

	kit_snapshot(k, &s);
	m->ns = s.now;
	memcpy(m->cpu_ns, s.cpu_ns, sizeof(m->cpu_ns));
	memcpy(m->cost_ns, s.cost_ns, sizeof(m->cost_ns));
	m->app_packets = s.app_packets;
	m->app_bytes = s.app_bytes;
	m->backlog_drops = s.backlog_drops;
	m->sock_drops = s.sock_drops;
	m->time_squeeze = s.time_squeeze;
	stack_latency(k, &m->lat_sum_ns, &m->lat_n);
	for (int i = 0; i < XC_NR; i++)
		m->ctr[i] = exp_stat(dev, ctr_names[i]);
}

void exp_meas_since(struct kit *k, struct net_device *dev, struct exp_meas *m)
{
	struct exp_meas now;

	exp_meas_read(k, dev, &now);
	m->ns = now.ns - m->ns;
	for (int i = 0; i < CTX_NR; i++)
		m->cpu_ns[i] = now.cpu_ns[i] - m->cpu_ns[i];
	for (int i = 0; i < COST_NR; i++)
		m->cost_ns[i] = now.cost_ns[i] - m->cost_ns[i];
	m->app_packets = now.app_packets - m->app_packets;
	m->app_bytes = now.app_bytes - m->app_bytes;
	m->backlog_drops = now.backlog_drops - m->backlog_drops;
	m->sock_drops = now.sock_drops - m->sock_drops;
	m->time_squeeze = now.time_squeeze - m->time_squeeze;
	m->lat_sum_ns = now.lat_sum_ns - m->lat_sum_ns;
	m->lat_n = now.lat_n - m->lat_n;
	for (int i = 0; i < XC_NR; i++)
		m->ctr[i] = now.ctr[i] - m->ctr[i];
}

void exp_run_until(struct kit *k, u64 t)
{
	if (kit_now(k) < t)
		kit_run(k, 0, t, NULL);
}

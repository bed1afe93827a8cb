/* cond.c - conditions on the machine: `expect COND` and `run until COND`, for scripts and the grader. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arg.h"
#include "cmd.h"
#include "cond.h"
#include "out.h"
#include "sess.h"

/*
 * A condition is DEV.FIELD OP N. FIELD is a counter of the stats table (what
 * `ethtool -S DEV` and `stats DEV -j` print), a ring field (tx.* and rx.*, as
 * `ring DEV tx|rx -j` names them) or a field of the device's queue, interrupt
 * and NAPI state. The words may be written apart or together:
 * "sn0.tx_packets == 12" and "sn0.tx_packets==12" are the same condition.
 * Everything is read from the kit's snapshot, so a condition never changes
 * the machine it looks at.
 */

static struct dev_snap snap; /* one at a time: the shell is single-threaded */

enum { F_STAT, F_TX, F_RX, F_DEV };

struct field {
	const char *name;
	const char *desc;
};

static const struct field ring_fields[] = {
	{ "count", "descriptors in the ring" },
	{ "head", "TDH/RDH: the NIC's next descriptor" },
	{ "tail", "TDT/RDT: the last doorbell" },
	{ "next_to_use", "the driver writes here next" },
	{ "next_to_clean", "the driver reclaims from here" },
	{ "unused", "SIMNIC_DESC_UNUSED: free descriptors, one kept empty" },
	{ "free", "slots that are the driver's and empty" },
	{ "driver", "slots written, not yet given to the NIC" },
	{ "hw", "slots the NIC owns (head to tail)" },
	{ "done", "slots written back (DD), not yet reclaimed" },
	{ NULL, NULL },
};

static const struct field dev_fields[] = {
	{ "queue_stopped", "1 if the TX queue is stopped (driver or BQL)" },
	{ "bql_stopped", "1 if BQL stopped the queue (STACK_XOFF)" },
	{ "bql_avail", "dql_avail: bytes the qdisc may still bulk" },
	{ "xmit_win", "the 2007 batching API's xmit_win" },
	{ "tx_wake_thresh", "free descriptors the reclaim needs to wake the queue" },
	{ "qdisc_len", "packets waiting in the qdisc" },
	{ "blist_len", "packets on the batch list" },
	{ "up", "1 if the device is up" },
	{ "carrier", "1 if the carrier is on" },
	{ "broken", "1 if a driver crash broke the device" },
	{ "napi_sched", "1 if NAPI is scheduled or polling" },
	{ "napi_polling", "1 if the poll is running" },
	{ "napi_missed", "1 if MISSED is set (modern NAPI)" },
	{ "irq_asserted", "1 if the interrupt line is up (pending and enabled)" },
	{ "ims", "the interrupt mask (IMS)" },
	{ "icr", "causes pending (ICR, not cleared by reading it here)" },
	{ "lro_active", "LRO sessions open" },
	{ NULL, NULL },
};

static const char *const op_names[] = { "==", "!=", "<=", ">=", "<", ">" };

static int find_in(const struct field *t, const char *name)
{
	for (int i = 0; t[i].name; i++)
		if (!strcmp(t[i].name, name))
			return i;
	return -1;
}

/* The known field name closest to name, for "did you mean". */
static const char *closest(const char *name)
{
	const char *best = NULL;
	int bd = 99, d;
	char buf[64];

	for (int i = 0; i < kit_stat_count(); i++)
		if ((d = cmd_distance(name, kit_stat_at(i)->name)) < bd)
			bd = d, best = kit_stat_at(i)->name;
	for (int i = 0; dev_fields[i].name; i++)
		if ((d = cmd_distance(name, dev_fields[i].name)) < bd)
			bd = d, best = dev_fields[i].name;
	for (int r = 0; r < 2; r++)
		for (int i = 0; ring_fields[i].name; i++) {
			static char hit[64];

			snprintf(buf, sizeof(buf), "%s.%s", r ? "rx" : "tx", ring_fields[i].name);
			if ((d = cmd_distance(name, buf)) < bd) {
				bd = d;
				snprintf(hit, sizeof(hit), "%s", buf);
				best = hit;
			}
		}
	return bd <= 3 ? best : NULL;
}

static int field_parse(struct sess *s, const char *cmd, const char *word, struct cond *c)
{
	const char *dot = strchr(word, '.');
	char devname[IFNAMSIZ + 1];
	const char *f, *near;
	int i;

	if (!dot || dot == word || (size_t)(dot - word) > IFNAMSIZ || !dot[1]) {
		out_error("%s: expected DEV.FIELD (like sn0.tx_packets), not '%s'", cmd, word);
		return CMD_USAGE;
	}
	memcpy(devname, word, (size_t)(dot - word));
	devname[dot - word] = '\0';
	if ((i = arg_dev(s, cmd, devname, &c->dev)))
		return i;
	f = dot + 1;
	snprintf(c->field, sizeof(c->field), "%s", f);
	if ((i = kit_stat_find(f)) >= 0) {
		c->kind = F_STAT;
		c->index = i;
		return 0;
	}
	if ((!strncmp(f, "tx.", 3) || !strncmp(f, "rx.", 3)) && (i = find_in(ring_fields, f + 3)) >= 0) {
		c->kind = f[0] == 't' ? F_TX : F_RX;
		c->index = i;
		return 0;
	}
	if ((i = find_in(dev_fields, f)) >= 0) {
		c->kind = F_DEV;
		c->index = i;
		return 0;
	}
	near = closest(f);
	out_error("%s: %s has no field '%s'%s%s%s (fields: the counters of ethtool -S %s, tx.* and "
		  "rx.* ring fields, queue_stopped, napi_sched...; help expect lists them)", cmd,
		  c->dev->name, f, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "",
		  c->dev->name);
	return CMD_FAIL;
}

int cond_parse(struct sess *s, const char *cmd, int argc, char **argv, struct cond *c)
{
	char text[256] = "", word[128];
	size_t n = 0, w;
	const char *p;
	long long v;
	char *end;
	int rc;

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < argc; i++)
		n += (size_t)snprintf(text + n, n < sizeof(text) ? sizeof(text) - n : 0, "%s%s",
				      i ? " " : "", argv[i]);
	if (n >= sizeof(text)) {
		out_error("%s: the condition is too long (at most %zu characters)", cmd,
			  sizeof(text) - 1);
		return CMD_USAGE;
	}
	p = text;
	w = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.");
	if (!w || w >= sizeof(word)) {
		out_error("%s: expected DEV.FIELD OP N (like sn0.tx_packets == 12), not '%s'", cmd,
			  text);
		return CMD_USAGE;
	}
	memcpy(word, p, w);
	word[w] = '\0';
	if ((rc = field_parse(s, cmd, word, c)))
		return rc;
	p += w;
	p += strspn(p, " ");
	c->op = -1;
	for (int i = 0; i < (int)ARRAY_SIZE(op_names); i++)
		if (!strncmp(p, op_names[i], strlen(op_names[i]))) {
			c->op = i;
			p += strlen(op_names[i]);
			break;
		}
	if (c->op < 0) {
		out_error("%s: expected an operator (== != < <= > >=) after %s, not '%s'", cmd, word,
			  *p ? p : "the end");
		return CMD_USAGE;
	}
	p += strspn(p, " ");
	errno = 0;
	v = strtoll(p, &end, 0);
	if (end == p || errno || *end) {
		out_error("%s: expected a number after %s %s, not '%s'", cmd, word, op_names[c->op],
			  *p ? p : "the end");
		return CMD_USAGE;
	}
	c->value = v;
	snprintf(c->text, sizeof(c->text), "%s.%s %s %lld", c->dev->name, c->field, op_names[c->op],
		 v);
	return 0;
}

static long long ring_value(const struct ring_snap *r, int i)
{
	switch (i) {
	case 0: return r->count;
	case 1: return r->head;
	case 2: return r->tail;
	case 3: return r->next_to_use;
	case 4: return r->next_to_clean;
	case 5: return r->unused;
	case 6: return r->n[SLOT_FREE];
	case 7: return r->n[SLOT_DRIVER];
	case 8: return r->n[SLOT_HW];
	default: return r->n[SLOT_DONE];
	}
}

static long long dev_value(const struct dev_snap *d, int i)
{
	switch (i) {
	case 0: return d->queue_stopped;
	case 1: return d->bql_stopped;
	case 2: return d->bql_avail;
	case 3: return d->xmit_win;
	case 4: return d->tx_wake_thresh;
	case 5: return d->qdisc_len;
	case 6: return d->blist_len;
	case 7: return d->up;
	case 8: return d->carrier;
	case 9: return d->broken;
	case 10: return d->napi_state != NAPI_VIEW_IDLE;
	case 11: return d->napi_state == NAPI_VIEW_POLLING;
	case 12: return d->napi_missed;
	case 13: return d->irq_asserted;
	case 14: return d->ims;
	case 15: return d->icr;
	default: return d->lro_active;
	}
}

/* Is c about the receive side (an rx. field or an rx_ counter)? Its state line is the RX ring's. */
static bool is_rx(const struct cond *c)
{
	return c->kind == F_RX || !strncmp(c->field, "rx", 2) || !strncmp(c->field, "napi", 4) ||
	       !strncmp(c->field, "lro", 3) || !strncmp(c->field, "poll", 4);
}

long long cond_value(const struct cond *c)
{
	if (c->kind == F_STAT)
		return (long long)kit_dev_stat(c->dev, c->index);
	kit_dev_snapshot(c->dev, &snap);
	if (c->kind == F_TX)
		return ring_value(&snap.tx, c->index);
	if (c->kind == F_RX)
		return ring_value(&snap.rx, c->index);
	return dev_value(&snap, c->index);
}

bool cond_holds(const struct cond *c, long long *actual)
{
	long long a = cond_value(c), v = c->value;

	if (actual)
		*actual = a;
	switch (c->op) {
	case 0: return a == v;
	case 1: return a != v;
	case 2: return a <= v;
	case 3: return a >= v;
	case 4: return a < v;
	default: return a > v;
	}
}

void cond_state(struct net_device *dev, bool rx, char *buf, size_t len)
{
	kit_dev_snapshot(dev, &snap);
	if (rx) {
		snprintf(buf, len,
			 "%s rx ring: count %u, next_to_use %u, next_to_clean %u, RDH %u, RDT %u, unused "
			 "%u (hw %u, done %u); NAPI %s; rx_packets %llu, rx_missed_errors %llu",
			 dev->name, snap.rx.count, snap.rx.next_to_use, snap.rx.next_to_clean,
			 snap.rx.head, snap.rx.tail, snap.rx.unused, snap.rx.n[SLOT_HW],
			 snap.rx.n[SLOT_DONE],
			 snap.napi_state == NAPI_VIEW_IDLE ? "idle" :
			 snap.napi_state == NAPI_VIEW_SCHEDULED ? "scheduled" : "polling",
			 (unsigned long long)kit_dev_stat(dev, kit_stat_find("rx_packets")),
			 (unsigned long long)kit_dev_stat(dev, kit_stat_find("rx_missed_errors")));
		return;
	}
	snprintf(buf, len,
		 "%s tx ring: count %u, next_to_use %u, next_to_clean %u, TDH %u, TDT %u, unused %u "
		 "(hw %u, done %u); queue %s; tx_packets %llu, tx_busy %llu, doorbells %llu",
		 dev->name, snap.tx.count, snap.tx.next_to_use, snap.tx.next_to_clean, snap.tx.head,
		 snap.tx.tail, snap.tx.unused, snap.tx.n[SLOT_HW], snap.tx.n[SLOT_DONE],
		 snap.queue_stopped ? (snap.bql_stopped ? "stopped (BQL)" : "stopped") : "running",
		 (unsigned long long)kit_dev_stat(dev, kit_stat_find("tx_packets")),
		 (unsigned long long)kit_dev_stat(dev, kit_stat_find("tx_busy")),
		 (unsigned long long)kit_dev_stat(dev, kit_stat_find("doorbells")));
}

/* The last few BUG/WARNING records, for `expect no-bugs`. */
static void print_bugs(struct sess *s)
{
	size_t n = kit_trace_count(s->k), shown = 0;
	char line[256];

	for (size_t i = n; i-- > 0 && shown < 3;) {
		const struct trace_rec *r = kit_trace_at(s->k, i);

		if ((r->type != TR_BUG && r->type != TR_WARN) ||
		    kit_rule_kind((enum kit_rule)r->a) == RULE_KIT_ADVICE || (r->type == TR_WARN && r->b))
			continue;
		kit_trace_format(s->k, r, line, sizeof(line));
		out_printf("  %s\n", line);
		shown++;
	}
}

static int expect_clean(struct sess *s)
{
	static char report[8192];
	u64 dbl = kit_rule_count(s->k, RULE_DOUBLE_FREE);
	int n;

	report[0] = '\0';
	n = kit_check(s->k, report, sizeof(report));
	if (!n && !dbl) {
		out_printf("expect clean: ok (every skb in one place, no double free)\n");
		return CMD_OK;
	}
	if (dbl)
		out_error("expect clean: %llu double free%s (kfree_skb on an skb already freed), and "
			  "%d problem%s at the check", (unsigned long long)dbl, dbl == 1 ? "" : "s", n,
			  n == 1 ? "" : "s");
	else
		out_error("expect clean: %d problem%s at the check", n, n == 1 ? "" : "s");
	for (char *line = report, *nl; *line && (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		out_err_plain("  %s\n", line);
	}
	return CMD_FAIL;
}

static int expect_no_bugs(struct sess *s)
{
	u64 n = kit_rule_kind_count(s->k, RULE_KERNEL_BUG) + kit_rule_kind_count(s->k, RULE_KERNEL_WARN) +
		kit_rule_kind_count(s->k, RULE_KIT_BUG);

	if (!n) {
		out_printf("expect no-bugs: ok (no BUG: or WARNING: line so far)\n");
		return CMD_OK;
	}
	out_error("expect no-bugs: %llu BUG:/WARNING: record%s so far, expected none (the last:)",
		  (unsigned long long)n, n == 1 ? "" : "s");
	print_bugs(s);
	return CMD_FAIL;
}

static int do_expect(struct sess *s, int argc, char **argv, bool json)
{
	char state[512];
	struct cond c;
	long long a;
	int rc;

	if (argc == 1 && !strcmp(argv[0], "clean"))
		return expect_clean(s);
	if (argc == 1 && !strcmp(argv[0], "no-bugs"))
		return expect_no_bugs(s);
	if ((rc = cond_parse(s, "expect", argc, argv, &c)))
		return rc;
	if (cond_holds(&c, &a)) {
		out_printf("expect %s: ok (%lld)\n", c.text, a);
		return CMD_OK;
	}
	out_error("expect: %s.%s is %lld, expected %s %lld", c.dev->name, c.field, a,
		  op_names[c.op], c.value);
	cond_state(c.dev, is_rx(&c), state, sizeof(state));
	out_err_plain("  %s\n", state);
	return CMD_FAIL;
}

int cond_run_until(struct sess *s, int argc, char **argv, u64 max_steps)
{
	char t[32], state[512];
	enum kit_stop why = KIT_STOP_STEPS;
	struct cond c;
	long long a;
	u64 done = 0;
	int rc;

	if ((rc = cond_parse(s, "run until", argc, argv, &c)))
		return rc;
	while (!cond_holds(&c, &a) && done < max_steps) {
		u64 n = sess_run(s, 1, 0, &why);

		done += n;
		if (!n || why == KIT_STOP_ASKED || why == KIT_STOP_BROKEN)
			break;
	}
	arg_fmt_time(kit_now(s->k), t, sizeof(t));
	if (cond_holds(&c, &a)) {
		out_printf("ran %llu step%s to %s: %s (%lld)\n", (unsigned long long)done,
			   done == 1 ? "" : "s", t, c.text, a);
		return CMD_OK;
	}
	out_error("run until: %s still false (%s.%s is %lld) after %llu step%s to %s: %s", c.text,
		  c.dev->name, c.field, a, (unsigned long long)done, done == 1 ? "" : "s", t,
		  why == KIT_STOP_ASKED ? "interrupted" : why == KIT_STOP_BROKEN ? "a device is broken" :
		  done >= max_steps ? "step limit" : "the machine is idle");
	cond_state(c.dev, is_rx(&c), state, sizeof(state));
	out_err_plain("  %s\n", state);
	return CMD_FAIL;
}

const struct cmd cmd_cond_table[] = {
	{ "expect", NULL, 1, 3, 0, "expect DEV.FIELD OP N | clean | no-bugs",
	  "Fail unless the machine is in the state described",
	  "Check the machine's state; a failed expectation is a failed command, so a script\n"
	  "stops there (the grader's replay scripts are made of these). COND is\n"
	  "DEV.FIELD OP N with OP one of == != < <= > >=, written apart or together.\n"
	  "FIELD is any counter of `ethtool -S DEV`, a ring field or a device field:\n\n"
	  "  tx.F, rx.F      F: count head tail next_to_use next_to_clean unused, and\n"
	  "                  free driver hw done (slots per owner, as `ring` shows)\n"
	  "  queue_stopped   1 if the TX queue is stopped (driver or BQL)\n"
	  "  bql_stopped     1 if BQL stopped it (STACK_XOFF); bql_avail: bytes it allows\n"
	  "  xmit_win        the 2007 batching API's window\n"
	  "  tx_wake_thresh  free descriptors the reclaim needs to wake the queue\n"
	  "  qdisc_len, blist_len   packets in the qdisc, on the batch list\n"
	  "  up, carrier, broken    the device's state (broken: a driver crash)\n"
	  "  napi_sched, napi_polling, napi_missed   NAPI's state\n"
	  "  irq_asserted, ims, icr the interrupt line, mask and pending causes\n"
	  "  lro_active      LRO sessions open\n\n"
	  "`expect clean`: the kit's check (every skb in exactly one place, no leak, rings\n"
	  "consistent) and no double free so far. `expect no-bugs`: no BUG: or WARNING:\n"
	  "line so far (ringlab's advice does not count). A failed expectation prints the\n"
	  "actual value and the TX ring's state. `run until COND` runs until it holds.\n\n"
	  "  expect sn0.tx_packets == 0\n  expect sn0.queue_stopped==0\n"
	  "  expect sn0.tx.unused >= 32\n  expect clean\n  expect no-bugs\n",
	  "$dev|clean|no-bugs", NULL, do_expect },
	{ 0 },
};


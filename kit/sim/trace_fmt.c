/* trace_fmt.c - turn a trace record into a kernel-log line, only when asked. */
#include <stdio.h>

#include "kit.h"

static const char *icr_names(u32 v, char *buf, size_t len)
{
	static const struct { u32 bit; const char *name; } bits[] = {
		{ E1000_ICR_TXDW, "TXDW" }, { E1000_ICR_TXQE, "TXQE" }, { E1000_ICR_LSC, "LSC" },
		{ E1000_ICR_RXDMT0, "RXDMT0" }, { E1000_ICR_RXO, "RXO" }, { E1000_ICR_RXT0, "RXT0" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
		if (!(v & bits[i].bit))
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "|" : "", bits[i].name);
	}
	if (!n)
		snprintf(buf, len, "0");
	return buf;
}

static const char *softirq_name(u32 nr)
{
	return nr == NET_TX_SOFTIRQ ? "NET_TX" : nr == NET_RX_SOFTIRQ ? "NET_RX" : "TIMER";
}

static const char *proto_name(u32 p)
{
	return p == IPPROTO_TCP ? "TCP" : p == IPPROTO_UDP ? "UDP" : p == IPPROTO_ICMP ? "ICMP" : "other";
}

/* The message after "name: "; returns its length. */
static int message(const struct kit *k, const struct trace_rec *r, char *b, size_t n)
{
	char x[64], y[64];

	switch ((enum trace_type)r->type) {
	case TR_SKB_ALLOC:
		return snprintf(b, n, "skb#%u allocated, len %u", r->a, r->b);
	case TR_SKB_FREE:
		return snprintf(b, n, "skb#%u freed", r->a);
	case TR_QDISC_ENQ:
		return snprintf(b, n, "qdisc enqueue skb#%u, qlen %u", r->a, r->b);
	case TR_QDISC_DROP:
		return snprintf(b, n, "qdisc full (qlen %u = tx_queue_len): skb#%u dropped", r->b, r->a);
	case TR_QDISC_DEQ:
		if (r->b > 1)
			return snprintf(b, n, "qdisc dequeue skb#%u and %u more, qlen %u", r->a,
					r->b - 1, r->c);
		return snprintf(b, n, "qdisc dequeue skb#%u, qlen %u", r->a, r->c);
	case TR_REQUEUE:
		return snprintf(b, n, "skb#%u requeued at the head of the qdisc", r->a);
	case TR_XMIT:
		if (!r->a)
			return snprintf(b, n, "hard_start_xmit(NULL): send skb_blist -> %s",
					r->b ? "NETDEV_TX_BUSY" : "NETDEV_TX_OK");
		return snprintf(b, n, "hard_start_xmit skb#%u%s -> %s", r->a,
				r->c ? " (xmit_more)" : "", r->b ? "NETDEV_TX_BUSY" : "NETDEV_TX_OK");
	case TR_TX_BUSY:
		if (r->b)
			return snprintf(b, n, "NETDEV_TX_BUSY for skb#%u: the driver had stopped "
					"the queue (the core would not have called it)", r->a);
		return snprintf(b, n, "NETDEV_TX_BUSY for skb#%u: the queue should have been "
				"stopped before the ring filled", r->a);
	case TR_BATCH:
		return snprintf(b, n, "hard_batch_xmit: %u skbs, xmit_win now %d", r->a, (int)r->b);
	case TR_PREP:
		return snprintf(b, n, "hard_prep_xmit skb#%u -> %d", r->a, (int)r->b);
	case TR_TX_POST:
		return snprintf(b, n, "TX desc %u posted, len %u%s%s", r->a, r->b,
				(r->c & E1000_TXD_CMD_EOP) ? " EOP" : "",
				(r->c & E1000_TXD_CMD_RS) ? " RS" : "");
	case TR_TDT:
		return snprintf(b, n, "TDT %u->%u (doorbell)", r->a, r->b);
	case TR_TX_DD:
		return snprintf(b, n, "TX desc %u DD, TDH %u->%u", r->a, r->b, r->c);
	case TR_QUEUE_STOP:
		return snprintf(b, n, "netif_stop_queue (%u descriptors free)", r->a);
	case TR_QUEUE_WAKE:
		return snprintf(b, n, "netif_wake_queue (%u descriptors free)", r->a);
	case TR_QUEUE_START:
		return snprintf(b, n, "netif_start_queue");
	case TR_WATCHDOG:
		return snprintf(b, n, "NETDEV WATCHDOG: transmit queue 0 timed out (stopped, nothing "
				"sent for %u ms)", r->a);
	case TR_RX_DMA:
		return snprintf(b, n, "RX desc %u DD, len %u, RDH %u->%u", r->a, r->d, r->b, r->c);
	case TR_RX_MISSED:
		return snprintf(b, n, "RX frame (%u bytes) dropped: no free descriptor", r->a);
	case TR_RDT:
		return snprintf(b, n, "RDT %u->%u (doorbell)", r->a, r->b);
	case TR_IRQ_RAISE:
		return snprintf(b, n, "ICR |= %s", icr_names(r->a, x, sizeof(x)));
	case TR_IRQ:
		return snprintf(b, n, "IRQ %u: interrupt, ICR %s", r->b, icr_names(r->a, x, sizeof(x)));
	case TR_ICR_READ:
		return snprintf(b, n, "ICR read: %s (now clear)", icr_names(r->a, x, sizeof(x)));
	case TR_IMS:
		if (r->c == ~0u) /* e1000_irq_disable: IMC ~0 */
			return snprintf(b, n, "%s ~0 (every cause): interrupts enabled %s",
					r->b ? "IMS" : "IMC", icr_names(r->a, y, sizeof(y)));
		return snprintf(b, n, "%s %s: interrupts enabled %s", r->b ? "IMS" : "IMC",
				icr_names(r->c, x, sizeof(x)), icr_names(r->a, y, sizeof(y)));
	case TR_NAPI_SCHED:
		if (r->a)
			return snprintf(b, n, "napi_schedule: already scheduled, MISSED set");
		if (r->c)
			return snprintf(b, n, "netif_rx_reschedule: back on the poll list, quota %+d",
					(int)r->d);
		return snprintf(b, n, "%s: on the poll list, NET_RX raised",
				r->b ? "netif_rx_schedule" : "napi_schedule");
	case TR_POLL_START:
		if (r->d)
			return snprintf(b, n, "poll(dev, &budget): *budget %u, quota %u", r->a, r->b);
		return snprintf(b, n, "poll(napi, budget %u)", r->a);
	case TR_POLL:
		if (r->d)
			return snprintf(b, n, "poll done: %u packets, returns %d (%s)", r->b, (int)r->c,
					r->c ? "more to do" : "completed");
		return snprintf(b, n, "poll returns %u of budget %u%s", r->b, r->a,
				r->b >= r->a ? ": poll me again" : "");
	case TR_NAPI_DONE:
		if (r->c)
			return snprintf(b, n, "netif_rx_complete: off the poll list");
		return snprintf(b, n, "napi_complete_done(%u)%s", r->a,
				r->b ? " -> true" : " -> false (MISSED: poll again)");
	case TR_SOFTIRQ:
		if (r->a == NET_TX_SOFTIRQ)
			return snprintf(b, n, "NET_TX softirq: qdisc_run, qlen %u", r->b);
		return snprintf(b, n, "%s softirq: budget %u", softirq_name(r->a), r->b);
	case TR_SQUEEZE:
		return snprintf(b, n, "net_rx_action: time_squeeze (budget left %d, %u us used)",
				(int)r->a, r->b);
	case TR_NETIF_RX:
		return snprintf(b, n, "netif_rx skb#%u, backlog %u", r->a, r->b);
	case TR_BACKLOG_DROP:
		return snprintf(b, n, "netif_rx: backlog full, skb#%u dropped", r->a);
	case TR_RECEIVE:
		return snprintf(b, n, "netif_receive_skb skb#%u %s, %u bytes", r->a, proto_name(r->b),
				r->c);
	case TR_SOCK:
		return snprintf(b, n, "socket: flow %u, %u bytes (seq %u)", r->a, r->b, r->c);
	case TR_CSUM_ERR:
		if (r->b == IPPROTO_TCP || r->b == IPPROTO_UDP)
			return r->a == ~0u
				       ? snprintf(b, n, "%s: bad checksum, %u bytes dropped",
						  r->b == IPPROTO_TCP ? "tcp" : "udp", r->c)
				       : snprintf(b, n, "%s: bad checksum, %u bytes dropped (flow %u)",
						  r->b == IPPROTO_TCP ? "tcp" : "udp", r->c, r->a);
		return snprintf(b, n, "ip: bad header checksum, %u bytes dropped", r->c);
	case TR_SOCK_DROP:
		return snprintf(b, n, "socket: receive queue full, flow %u skb dropped", r->a);
	case TR_APP:
		return snprintf(b, n, "app: read %u skb%s, %u bytes", r->a, r->a == 1 ? "" : "s", r->b);
	case TR_LRO_AGGR:
		return snprintf(b, n, "LRO: session %u aggregated, %u packet%s, %u bytes", r->a, r->b,
				r->b == 1 ? "" : "s", r->c);
	case TR_LRO_FLUSH:
		return snprintf(b, n, "LRO: session %u flushed, %u packet%s, %u bytes", r->a, r->b,
				r->b == 1 ? "" : "s", r->c);
	case TR_LRO_NODESC:
		return snprintf(b, n, "LRO: no free descriptor for TCP port %u: passed up (no_desc)",
				r->a);
	case TR_GRO: {
		static const char *const res[] = { "GRO_MERGED", "GRO_MERGED_FREE", "GRO_HELD",
						   "GRO_NORMAL", "GRO_CONSUMED" };

		return snprintf(b, n, "napi_gro_receive skb#%u: %s", r->a,
				r->b < ARRAY_SIZE(res) ? res[r->b] : "?");
	}
	case TR_GRO_FLUSH:
		return snprintf(b, n, "GRO: flow from port %u completed, %u segment%s, %u bytes", r->a,
				r->b, r->b == 1 ? "" : "s", r->c);
	case TR_GRO_LIST:
		return snprintf(b, n, "gro_normal_list: %u skb%s, %u segment%s up", r->a,
				r->a == 1 ? "" : "s", r->b, r->b == 1 ? "" : "s");
	case TR_NOT_OURS: {
		const u8 *d = (const u8 *)&r->a, *o = (const u8 *)&r->b;

		return snprintf(b, n, "echo request for %u.%u.%u.%u dropped: this host is "
				"%u.%u.%u.%u (snull's twist flips the third octet on the wire)",
				d[0], d[1], d[2], d[3], o[0], o[1], o[2], o[3]);
	}
	case TR_ICMP: {
		const u8 *s = (const u8 *)&r->c, *d = (const u8 *)&r->d;

		return snprintf(b, n, "ICMP echo %s %u.%u.%u.%u > %u.%u.%u.%u id %u seq %u",
				r->a == ICMP_ECHO ? "request" : "reply", s[0], s[1], s[2], s[3], d[0],
				d[1], d[2], d[3], r->b >> 16, r->b & 0xffff);
	}
	case TR_WIRE:
		return snprintf(b, n, "wire: %u-byte frame %s", r->a, r->b ? "delivered" : "lost");
	case TR_STREAM_ERR: /* a=flow, b=rcv_nxt, c=seq */
		switch (r->d) {
		case 0:
			return snprintf(b, n, "tcp: flow %u seq %u is ahead of rcv_nxt %u: queued out "
					"of order", r->a, r->c, r->b);
		case 1:
			return snprintf(b, n, "tcp: flow %u seq %u is ahead of rcv_nxt %u and the "
					"out-of-order queue is full: dropped", r->a, r->c, r->b);
		case 3:
			return snprintf(b, n, "tcp: flow %u seq %u: its bytes are all there (rcv_nxt "
					"%u): duplicate, dropped", r->a, r->c, r->b);
		default:
			return snprintf(b, n, "stream error: flow %u seq %u: the bytes differ from the "
					"sender's", r->a, r->c);
		}
	case TR_BUG:
		if (r->a == RULE_SOFT_LOCKUP && (r->d >> 24) == 1)
			return snprintf(b, n, "watchdog: BUG: soft lockup - CPU#0 stuck in %s: %u "
					"polls in a row did no work and asked for more; the device "
					"is broken", kit_bug_name(k, r->d & 0xff), r->c);
		if (r->a == RULE_SOFT_LOCKUP && (r->d >> 24) == 2)
			return snprintf(b, n, "watchdog: BUG: soft lockup - CPU#0 stuck for %ums of "
					"simulated time in %s; the device is broken", r->c,
					kit_bug_name(k, r->d & 0xff));
		if (r->c && (r->d >> 24))
			return snprintf(b, n, "%s%s: skb#%u (allocated by %s, freed first by %s) "
					"freed again by %s",
					kit_rule_prefix(r->b ? RULE_KIT_BUG : RULE_KERNEL_BUG),
					kit_rule_name((enum kit_rule)r->a), r->c - 1,
					kit_bug_name(k, r->d & 0xff), kit_bug_name(k, r->d >> 8 & 0xff),
					kit_bug_name(k, r->d >> 16 & 0xff));
		if (r->c)
			return snprintf(b, n, "%s%s: skb#%u, last held by %s (allocated by %s)",
					kit_rule_prefix(r->b ? RULE_KIT_BUG : RULE_KERNEL_BUG),
					kit_rule_name((enum kit_rule)r->a), r->c - 1,
					kit_bug_name(k, r->d >> 8 & 0xff), kit_bug_name(k, r->d & 0xff));
		return snprintf(b, n, "%s%s", kit_rule_prefix(r->b ? RULE_KIT_BUG : RULE_KERNEL_BUG),
				kit_rule_name((enum kit_rule)r->a));
	case TR_WARN:
		return snprintf(b, n, "%s%s",
				kit_rule_prefix(r->b ? RULE_KIT_ADVICE : RULE_KERNEL_WARN),
				kit_rule_name((enum kit_rule)r->a));
	case TR_NOTE:
		return snprintf(b, n, "note %u: %u %u %u", r->a, r->b, r->c, r->d);
	case TR_SKB_ORPHAN:
		return snprintf(b, n, "skb#%u freed: the driver still held it after close "
				"(leaked, or lost in a crash)", r->a);
	case TR_BQL_XOFF:
		return snprintf(b, n, "BQL: %u bytes in flight > limit %u: queue stopped "
				"(STACK_XOFF)", r->a, r->b);
	case TR_BQL_XON:
		return snprintf(b, n, "BQL: %u bytes in flight, limit %u: STACK_XOFF cleared", r->a,
				r->b);
	case TR_BQL_LIMIT:
		return snprintf(b, n, "BQL: limit %u -> %u (%s), %u bytes in flight", r->a, r->b,
				r->b > r->a ? "starved: grow" : "slack: shrink", r->c);
	case TR_QDISC_BULK:
		if (r->b <= 1)
			return snprintf(b, n, "qdisc dequeue skb#%u, no bulk (BQL budget %d bytes), "
					"qlen %u", r->a, (int)r->d, r->c);
		return snprintf(b, n, "qdisc bulk dequeue skb#%u and %u more within BQL's %d bytes, "
				"qlen %u", r->a, r->b - 1, (int)r->d, r->c);
	case TR_WORK:
		if (r->a)
			return snprintf(b, n, "kworker/0:1: %s runs (process context)",
					kit_work_name(k, r->b));
		return snprintf(b, n, "schedule_work(%s): queued for kworker/0:1",
				kit_work_name(k, r->b));
	case TR_RESET:
		return snprintf(b, n, "Reset adapter: down (TX and RX rings cleaned), then up");
	case TR_RACE:
		if (r->a == 2)
			return snprintf(b, n, "race_rx_irq: a frame lands after the poll's last "
					"look (RDH %u), its cause waits in ICR", r->b);
		if (r->a == 3)
			return snprintf(b, n, "race_rx_irq: its interrupt, sent before the mask, "
					"runs the handler on another CPU");
		if (!r->a)
			return snprintf(b, n, "race_tx_reclaim: another CPU's TX reclaim runs now, "
					"between the ring-full test and netif_stop_queue "
					"(next_to_clean %u)", r->b);
		if (r->b == r->c)
			return snprintf(b, n, "race_tx_reclaim: reclaim done, next_to_clean %u, "
					"visible to the transmit side", r->b);
		return snprintf(b, n, "race_tx_reclaim: reclaim done, next_to_clean %u, but no "
				"smp_mb() since it was stored: the transmit side still sees %u", r->b,
				r->c);
	case TR_NONE:
	case TR_NR:
		break;
	}
	(void)k;
	return snprintf(b, n, "record %u", r->type);
}

size_t kit_trace_format(const struct kit *k, const struct trace_rec *r, char *buf, size_t len)
{
	const char *who = "kernel";
	int n;

	if (r->dev != 0xff && r->dev < k->ndevs)
		who = k->devs[r->dev]->name;
	n = snprintf(buf, len, "[%5llu.%06llu] %s: ", (unsigned long long)(r->t / NSEC_PER_SEC),
		     (unsigned long long)(r->t % NSEC_PER_SEC / NSEC_PER_USEC), who);
	if (n < 0 || (size_t)n >= len)
		return len ? len - 1 : 0;
	n += message(k, r, buf + n, len - (size_t)n);
	return (size_t)n < len ? (size_t)n : len - 1;
}

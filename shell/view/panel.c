/* panel.c - the view's small widgets; each takes numbers and draws into a box of the grid. */
#include <stdio.h>
#include <string.h>

#include <ringkit/ringkit.h>

#include "panel.h"

const char *vpanel_dur(unsigned long long ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%llu ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1f us", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.2f ms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", (double)ns / 1e9);
	return buf;
}

int vpanel_badge(struct vgrid *g, int x, int y, enum vstyle st, const char *text)
{
	return vgrid_printf(g, x, y, -1, st, " %s ", text);
}

/* "label ........ value" with the value right-aligned at x + w. */
static void kv(struct vgrid *g, int x, int y, int w, const char *label, const char *value,
	       enum vstyle vst)
{
	int vl = (int)strlen(value);

	vgrid_text(g, x, y, w - vl - 1, VS_LABEL, label);
	vgrid_text(g, x + w - vl, y, vl, vst, value);
}

static void kvu(struct vgrid *g, int x, int y, int w, const char *label, unsigned long long v)
{
	char b[32];

	snprintf(b, sizeof(b), "%llu", v);
	kv(g, x, y, w, label, b, v ? VS_VALUE : VS_ZERO);
}

/* ---- TX queue ------------------------------------------------------------- */

void vpanel_queue(struct vgrid *g, int x, int y, int w, int h, const struct dev_snap *s)
{
	const char *badge = s->queue_stopped ? "STOPPED" : "RUNNING";
	char b[48];
	int row = 1;

	vgrid_text(g, x, y, w, VS_HEAD, "TX queue");
	vpanel_badge(g, x + w - (int)strlen(badge) - 2, y, s->queue_stopped ? VS_WARN : VS_OK,
		     badge);
	snprintf(b, sizeof(b), "%u / %u", s->qdisc_len, s->tx_queue_len);
	if (row < h)
		kv(g, x, y + row++, w, "qdisc", b, s->qdisc_len ? VS_VALUE : VS_ZERO);
	if (row < h) {
		/* BQL: bytes in flight against the dql limit; XOFF when BQL holds the queue */
		if (s->bql)
			snprintf(b, sizeof(b), "%s%u / %u", s->bql_stopped ? "XOFF " : "",
				 s->bql_inflight, s->bql_limit);
		else
			snprintf(b, sizeof(b), "off");
		kv(g, x, y + row++, w, "BQL", b,
		   s->bql_stopped ? VS_WARN : s->bql ? VS_VALUE : VS_ZERO);
	}
	if (row < h) {
		snprintf(b, sizeof(b), "%d", s->xmit_win);
		kv(g, x, y + row++, w, "xmit_win", b, VS_VALUE);
	}
	if (row < h)
		kv(g, x, y + row++, w, "batching",
		   kit_param_word(kit_param_find("batching"), s->batch_mode), VS_VALUE);
	if (row < h)
		kvu(g, x, y + row++, w, "last batch", s->last_batch);
	if (row < h)
		kvu(g, x, y + row++, w, "doorbells", s->tx_doorbells);
	if (row < h && s->batch_mode != TX_BATCH_NONE && s->batch_mode != TX_BATCH_XMIT_MORE)
		kvu(g, x, y + row++, w, "blist", s->blist_len);
	if (row < h)
		kvu(g, x, y + row++, w, "RX doorbells", s->rx_doorbells);
}

/* ---- interrupt line and NAPI ----------------------------------------------- */

static const struct {
	u32 bit;
	const char *name;
} causes[] = {
	{ E1000_ICR_TXDW, "TXDW" }, { E1000_ICR_TXQE, "TXQE" }, { E1000_ICR_LSC, "LSC" },
	{ E1000_ICR_RXDMT0, "RXDMT0" }, { E1000_ICR_RXO, "RXO" }, { E1000_ICR_RXT0, "RXT0" },
};

/* "ICR  TXDW RXT0": the set causes by name, or hex if they do not fit. */
static void cause_row(struct vgrid *g, int x, int y, int w, const char *reg, u32 v,
		      enum vstyle on)
{
	char hex[16];
	int n = vgrid_text(g, x, y, w, VS_LABEL, reg), len = 0;

	for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++)
		if (v & causes[i].bit)
			len += 1 + (int)strlen(causes[i].name);
	if (!v) {
		vgrid_text(g, x + n + 1, y, w - n - 1, VS_ZERO, "-");
		return;
	}
	if (n + len > w) {
		snprintf(hex, sizeof(hex), " 0x%02x", v);
		vgrid_text(g, x + n, y, w - n, on, hex);
		return;
	}
	for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++)
		if (v & causes[i].bit)
			n += vgrid_printf(g, x + n, y, w - n, on, " %s", causes[i].name);
}

void vpanel_irq(struct vgrid *g, int x, int y, int w, int h, const struct dev_snap *s)
{
	static const char *const napi_badge[] = { "IDLE", "SCHEDULED", "POLLING" };
	static const enum vstyle napi_style[] = { VS_LABEL, VS_ACTIVE, VS_OK };
	char b[64], d[32];
	int row = 1;

	vgrid_text(g, x, y, w, VS_HEAD, "Interrupt");
	if (s->irq_asserted)
		vpanel_badge(g, x + w - 9, y, VS_ACTIVE, "LINE UP");
	else
		vgrid_rtext(g, x + w - 1, y, VS_LABEL, "line low");
	if (row < h)
		cause_row(g, x, y + row++, w, "ICR", s->icr, VS_ACTIVE);
	if (row < h)
		cause_row(g, x, y + row++, w, "IMS", s->ims, VS_VALUE);
	if (row < h) {
		snprintf(b, sizeof(b), "%s%s", vpanel_dur((unsigned long long)s->itr * 256, d, sizeof(d)),
			 s->throttled ? " throttled" : "");
		kv(g, x, y + row++, w, "ITR", b, s->throttled ? VS_WARN : s->itr ? VS_VALUE : VS_ZERO);
	}
	if (row >= h)
		return;
	y += row;
	h -= row;
	if (s->irq_mode == SIMNIC_NONAPI) {
		vgrid_text(g, x, y, w, VS_HEAD, "NAPI");
		vgrid_rtext(g, x + w, y, VS_LABEL, "off: netif_rx");
		return;
	}
	snprintf(b, sizeof(b), "NAPI %s", s->irq_mode == SIMNIC_NAPI_CLASSIC ? "classic" : "modern");
	vgrid_text(g, x, y, w, VS_HEAD, b);
	vpanel_badge(g, x + w - (int)strlen(napi_badge[s->napi_state % 3]) - 2, y,
		     napi_style[s->napi_state % 3], napi_badge[s->napi_state % 3]);
	if (h > 1) {
		snprintf(b, sizeof(b), "%d of %d", s->last_work, s->last_budget);
		kv(g, x, y + 1, w, "last poll work", b, s->last_budget ? VS_VALUE : VS_ZERO);
	}
	if (h > 2) {
		if (s->irq_mode == SIMNIC_NAPI_CLASSIC)
			snprintf(b, sizeof(b), "weight %d quota %d", s->weight, s->quota);
		else
			snprintf(b, sizeof(b), "weight %d", s->weight);
		vgrid_text(g, x, y + 2, w, VS_LABEL, b);
		if (s->irq_mode == SIMNIC_NAPI_MODERN)
			vgrid_rtext(g, x + w, y + 2, s->napi_missed ? VS_WARN : VS_ZERO,
				    s->napi_missed ? " MISSED " : "MISSED -");
	}
}

/* ---- counters: the stats table, as many as fit, in columns ------------------ */

void vpanel_counters(struct vgrid *g, int x, int y, int w, int h, const struct view_counter *c,
		     int n)
{
	int colw = 24, cols, rows = h - 1;

	vgrid_text(g, x, y, w, VS_HEAD, "Counters");
	if (rows < 1)
		return;
	cols = w >= 2 * colw + 2 ? (w + 2) / (colw + 2) : 1;
	colw = cols > 1 ? (w - 2 * (cols - 1)) / cols : w;
	for (int i = 0; i < n && i < rows * cols; i++)
		kvu(g, x + (i / rows) * (colw + 2), y + 1 + i % rows, colw, c[i].name, c[i].value);
}

/* ---- LRO sessions -------------------------------------------------------------- */

/* GRO takes LRO's place when it is on or holds packets (the two are exclusive). */
static bool gro_shown(const struct dev_snap *s)
{
	return s->gro || s->gro_held;
}

int vpanel_lro_rows(const struct dev_snap *s, int h)
{
	unsigned int n = gro_shown(s) ? s->gro_held : s->lro_active;
	int want;

	if (!s->lro && !s->lro_active && !gro_shown(s))
		return 0;
	want = 1 + (n ? 1 + (int)n : 0);
	if (want > h && n)
		want--; /* without the column headings */
	return want < h ? want : h;
}

static const char *ip4(__be32 a, char *buf, size_t len)
{
	const u8 *p = (const u8 *)&a;

	snprintf(buf, len, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
	return buf;
}

/* The GRO box: held packets (8 per bucket at most), counters, and each held flow. */
static void vpanel_gro(struct vgrid *g, int x, int y, int w, int h, const struct dev_snap *s)
{
	char b[160], sa[20], da[20];
	int n, rows, top;

	n = vgrid_text(g, x, y, w, VS_HEAD, "GRO");
	n += vgrid_printf(g, x + n, y, w - n, s->gro ? VS_OK : VS_WARN, " %s", s->gro ? "on" : "off");
	snprintf(b, sizeof(b), "  %u held  merged %llu  flushed %llu  normal %llu  rx_list %u",
		 s->gro_held, (unsigned long long)s->gro_stats.merged,
		 (unsigned long long)s->gro_stats.flushed, (unsigned long long)s->gro_stats.normal,
		 s->gro_rx_list);
	vgrid_text(g, x + n, y, w - n, VS_LABEL, b);
	if (h < 2 || !s->gro_held)
		return;
	top = h >= 2 + (int)s->gro_held ? 2 : 1;
	rows = h - top;
	if (top == 2)
		vgrid_text(g, x, y + 1, w, VS_LABEL,
			   "  #  flow                                       next seq    segs   bytes");
	y += top - 2;
	for (int i = 0; i < (int)s->gro_held && i < rows; i++) {
		const struct gro_flow_snap *f = &s->gro_flow[i];
		char flow[64];

		if (i == rows - 1 && (int)s->gro_held > rows) {
			vgrid_printf(g, x, y + 2 + i, w, VS_LABEL, "     ... %d more",
				     (int)s->gro_held - i);
			break;
		}
		snprintf(flow, sizeof(flow), "%s:%u > %s:%u", ip4(f->saddr, sa, sizeof(sa)),
			 ntohs(f->sport), ip4(f->daddr, da, sizeof(da)), ntohs(f->dport));
		snprintf(b, sizeof(b), "%3d  %-41s %10u %7u %7u", i, flow, f->next_seq, f->segs,
			 f->bytes);
		vgrid_text(g, x, y + 2 + i, w, VS_NORMAL, b);
	}
}

void vpanel_lro(struct vgrid *g, int x, int y, int w, int h, const struct dev_snap *s)
{
	char b[160], sa[20], da[20];
	int n, rows, top;

	if (h < 1)
		return;
	if (gro_shown(s)) {
		vpanel_gro(g, x, y, w, h, s);
		return;
	}
	n = vgrid_text(g, x, y, w, VS_HEAD, "LRO");
	n += vgrid_printf(g, x + n, y, w - n, s->lro ? VS_OK : VS_WARN, " %s", s->lro ? "on" : "off");
	snprintf(b, sizeof(b), "  %u of %d sessions  aggregated %llu  flushed %llu  no_desc %llu",
		 s->lro_active, s->lro_max_desc, (unsigned long long)s->lro_aggregated,
		 (unsigned long long)s->lro_flushed, (unsigned long long)s->lro_no_desc);
	vgrid_text(g, x + n, y, w - n, VS_LABEL, b);
	if (h < 2 || !s->lro_active)
		return;
	top = h >= 2 + (int)s->lro_active ? 2 : 1; /* column headings if they fit */
	rows = h - top;
	if (top == 2)
		vgrid_text(g, x, y + 1, w, VS_LABEL,
			   "  #  flow                                       next seq    pkts   bytes");
	y += top - 2;
	for (int i = 0; i < (int)s->lro_active && i < rows; i++) {
		const struct lro_sess_snap *l = &s->lro_sess[i];
		char flow[64];

		if (i == rows - 1 && (int)s->lro_active > rows) {
			vgrid_printf(g, x, y + 2 + i, w, VS_LABEL, "     ... %d more",
				     (int)s->lro_active - i);
			break;
		}
		snprintf(flow, sizeof(flow), "%s:%u > %s:%u", ip4(l->saddr, sa, sizeof(sa)),
			 ntohs(l->sport), ip4(l->daddr, da, sizeof(da)), ntohs(l->dport));
		snprintf(b, sizeof(b), "%3d  %-41s %10u %7u %7u", i, flow, l->next_seq, l->pkts,
			 l->bytes);
		vgrid_text(g, x, y + 2 + i, w, VS_NORMAL, b);
	}
}

/* ---- the machine line ------------------------------------------------------------ */

void vpanel_machine(struct vgrid *g, int x, int y, int w, const struct kit_snap *k)
{
	static const char *const ctx[CTX_NR] = { "process", "softirq", "hardirq" };
	char b[48], d[24];
	int n = vgrid_text(g, x, y, w, VS_HEAD, "CPU");

	for (int c = CTX_HARDIRQ; c >= CTX_PROCESS; c--) {
		unsigned long long ns = k->cpu_ns[c];

		n += vgrid_printf(g, x + n, y, w - n, VS_LABEL, "  %s ", ctx[c]);
		snprintf(b, sizeof(b), "%s", vpanel_dur(ns, d, sizeof(d)));
		n += vgrid_text(g, x + n, y, w - n, ns ? VS_VALUE : VS_ZERO, b);
		if (k->now)
			n += vgrid_printf(g, x + n, y, w - n, VS_LABEL, " %llu%%",
					  (unsigned long long)(ns * 100 / k->now));
	}
	snprintf(b, sizeof(b), "steps %llu", (unsigned long long)k->steps);
	if (n + 2 + (int)strlen(b) <= w)
		vgrid_rtext(g, x + w, y, VS_LABEL, b);
}

/* ---- the receiver line -------------------------------------------------------------- */

void vpanel_rx(struct vgrid *g, int x, int y, int w, const struct view_rx *rx)
{
	static const char *const label[] = { "flows", "app_bytes", "ooo", "held", "dups", "csum",
					     "stream", "ofo_drops" };
	const unsigned long long v[] = { (unsigned long long)rx->flows, rx->app_bytes, rx->ooo,
					 rx->held, rx->dups, rx->csum_errors, rx->stream_errors,
					 rx->ofo_drops };
	int n = vgrid_text(g, x, y, w, VS_HEAD, "Receiver");

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]) && n < w; i++) {
		char b[24];
		/* checksum and stream errors and ofo drops are losses: warn when not 0 */
		enum vstyle st = !v[i] ? VS_ZERO : i >= 5 ? VS_WARN : VS_VALUE;

		n += vgrid_printf(g, x + n, y, w - n, VS_LABEL, "  %s ", label[i]);
		snprintf(b, sizeof(b), "%llu", v[i]);
		n += vgrid_text(g, x + n, y, w - n, st, b);
	}
}

/* ---- the log ------------------------------------------------------------------------ */

void vpanel_log(struct vgrid *g, int x, int y, int w, int h, const struct view_line *l, int n)
{
	int first = n > h ? n - h : 0;

	for (int i = first; i < n; i++) {
		int row = y + (i - first), len = (int)strlen(l[i].text);

		vgrid_text(g, x, row, w, (enum vstyle)l[i].style, l[i].text);
		if (len > w)
			vgrid_glyph(g, x + w - 1, row, VG_RIGHT, VS_LABEL);
	}
}

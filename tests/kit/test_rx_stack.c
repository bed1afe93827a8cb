/* test_rx_stack.c - the stack's receive shortcuts give the answers of the checks they skip. */
#include "kit.h"
#include "core/stack.h"
/* (after kit.h: its inline helpers name their machine k too) */
#define KIT_TEST_MACHINE
#include "helpers.h"

/*
 * The stack's check of a 20-byte IPv4 header (ip_hdr5_csum_ok) against
 * ip_fast_csum's fold: headers with their checksum made right, the same with
 * one bit flipped, random ones, and the edges of the sum (every byte 0, every
 * byte 0xff, a checksum word alone of 0xffff or 0, 64-bit carries out of
 * both additions, a sum of 2^64 - 1).
 */
static void ip5_compare(const unsigned char *h, const char *what, int n)
{
	bool want = ip_fast_csum(h, 5) == 0, got = ip_hdr5_csum_ok(h);

	cr_assert_eq(got, want, "%s %d (%02x%02x %02x%02x .. %02x%02x): the fast check says %d, "
		     "ip_fast_csum %#x", what, n, h[0], h[1], h[10], h[11], h[18], h[19], got,
		     ip_fast_csum(h, 5));
}

Test(rx_stack, a_20_byte_ip_header_is_checked_as_ip_fast_csum_checks_it)
{
	unsigned char h[20];
	u64 z = 12345;
	int right = 0;

	for (int n = 0; n < 200000; n++) {
		for (int i = 0; i < 20; i++) {
			z = z * 6364136223846793005ULL + 1442695040888963407ULL;
			h[i] = (unsigned char)(z >> 56);
		}
		if (n % 8 == 1) /* runs of 0xff make the 64-bit carries */
			memset(h + (z >> 20) % 12, 0xff, 8);
		ip5_compare(h, "random header", n);
		h[10] = h[11] = 0;
		{
			__sum16 c = ip_fast_csum(h, 5);

			memcpy(h + 10, &c, 2);
		}
		cr_assert_eq(ip_fast_csum(h, 5), 0, "header %d: its checksum not made right", n);
		ip5_compare(h, "right header", n);
		right += ip_hdr5_csum_ok(h);
		h[(z >> 8) % 20] ^= (unsigned char)(1u << ((z >> 16) % 8));
		ip5_compare(h, "one bit flipped", n);
	}
	cr_assert_eq(right, 200000, "%d right headers of 200000 pass", right);
	memset(h, 0, sizeof(h));
	ip5_compare(h, "every byte 0", 0);
	h[10] = h[11] = 0xff;
	ip5_compare(h, "checksum 0xffff alone", 0);
	memset(h, 0xff, sizeof(h));
	ip5_compare(h, "every byte 0xff", 0);
	for (int w = 0; w < 10; w++) { /* one word 0, the rest 0xffff */
		memset(h, 0xff, sizeof(h));
		h[2 * w] = h[2 * w + 1] = 0;
		ip5_compare(h, "one word 0", w);
		h[2 * w + 1] = 1;
		ip5_compare(h, "one word 1", w);
	}
	memset(h, 0xff, 16); /* a + b carries, s + c carries, or neither */
	memset(h + 16, 0, 4);
	ip5_compare(h, "two words of ones", 0);
	h[16] = 1;
	ip5_compare(h, "two words of ones and 1", 0);
	h[19] = 0xff;
	ip5_compare(h, "two words of ones and more", 0);
}

/*
 * The stack takes a tag the NIC left in the data out itself (stack.c tests
 * for IP first, then for a tag): tagged UDP and TCP runs with rx_vlan off
 * reach their sinks as the same runs with the tag taken out by the NIC, every
 * frame, every byte, and every frame as with no tag at all.
 */
static void tagged_runs(int hw_tag, u16 vlan, struct kit_flow_stat *o, int *n)
{
	static const struct { u8 proto; unsigned int len; } runs[] = {
		{ IPPROTO_UDP, 64 }, { IPPROTO_TCP, 600 },
	};
	struct pktgen_cfg c;
	char err[256];

	teardown();
	setup();
	setp(k, sn1, "rx_vlan", hw_tag);
	for (size_t r = 0; r < ARRAY_SIZE(runs); r++) {
		pktgen_cfg_default(&c);
		c.count = 40;
		c.rate_pps = 100000;
		c.proto = runs[r].proto;
		c.len = runs[r].len;
		c.tcp_ts = runs[r].proto == IPPROTO_TCP;
		c.vlan = vlan;
		c.start_ns = r * 1000000; /* one run after the other, one flow each */
		cr_assert_eq(kit_pktgen(sn1, &c, err, sizeof(err)), 0, "pktgen: %s", err);
	}
	run_idle(k);
	*n = kit_flow_count(k);
	for (int i = 0; i < *n && i < 8; i++)
		cr_assert_eq(kit_flow_at(k, i, &o[i]), 0, "flow %d", i);
	check_clean(k);
}

Test(rx_stack, a_tag_left_in_the_data_is_taken_out_by_the_stack, .init = setup, .fini = teardown)
{
	struct kit_flow_stat o[3][8];
	int n[3];

	tagged_runs(0, 9, o[0], &n[0]);
	tagged_runs(1, 9, o[1], &n[1]);
	tagged_runs(0, 0, o[2], &n[2]);
	for (int m = 0; m < 3; m++)
		cr_assert_eq(n[m], 2, "case %d: %d flows, expected 2", m, n[m]);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(o[0][i].packets, 40, "flow %d: %llu packets with the tag in the data, "
			     "expected 40", i, (unsigned long long)o[0][i].packets);
		cr_assert_eq(o[0][i].errors + o[0][i].csum_errors, 0,
			     "flow %d: %llu stream and %llu checksum errors", i,
			     (unsigned long long)o[0][i].errors,
			     (unsigned long long)o[0][i].csum_errors);
		for (int m = 1; m < 3; m++) {
			cr_assert_eq(o[0][i].packets, o[m][i].packets,
				     "flow %d: %llu packets, %llu in case %d", i,
				     (unsigned long long)o[0][i].packets,
				     (unsigned long long)o[m][i].packets, m);
			if (m == 2)
				continue; /* (untagged frames of a length hold 4 bytes more) */
			cr_assert_eq(o[0][i].bytes, o[m][i].bytes,
				     "flow %d: %llu bytes, %llu in case %d", i,
				     (unsigned long long)o[0][i].bytes,
				     (unsigned long long)o[m][i].bytes, m);
			cr_assert_eq(o[0][i].app_bytes, o[m][i].app_bytes,
				     "flow %d: %llu bytes read, %llu in case %d", i,
				     (unsigned long long)o[0][i].app_bytes,
				     (unsigned long long)o[m][i].app_bytes, m);
		}
	}
}

/* Flip bit 6 of the chain's byte at (the linear part, then each segment's). */
static void flip_in_chain(struct sk_buff *const *seg, unsigned int nseg, unsigned int at)
{
	for (unsigned int i = 0; i < nseg; i++) {
		unsigned int n = i ? seg[i]->len : skb_headlen(seg[0]);

		if (at < n) {
			seg[i]->data[at] ^= 0x40;
			return;
		}
		at -= n;
	}
}

/*
 * An aggregate's payload compared segment by segment (stack_payload_walk's
 * walk of a flow of the pattern) against every byte gathered
 * and compared one by one: chains of a linear part and up to five frag_list
 * segments (empty ones too), every start and length over a range, pattern
 * bytes right, one byte changed, or the chain shorter than the length.
 */
Test(rx_stack, an_aggregates_payload_is_compared_as_every_byte_is, .init = setup,
     .fini = teardown)
{
	static const unsigned int shapes[][6] = {
		{ 100, 0 }, { 66, 1448, 1448, 0 }, { 0, 1000, 0, 7, 1500, 0 },
		{ 54, 1, 1, 1, 1, 1 }, { 1500, 1448, 10, 0 }, { 66, 0, 1448, 0, 1448, 0 },
	};
	struct flow f;
	u64 z = 99;
	int checked = 0, right = 0;

	memset(&f, 0, sizeof(f));
	f.key = payload_key(3);
	for (size_t sh = 0; sh < ARRAY_SIZE(shapes); sh++) {
		struct sk_buff *seg[6] = { 0 };
		static unsigned char all[12000];
		unsigned int total = 0, nseg = 0;

		for (int i = 0; i < 6 && (i == 0 || shapes[sh][i]); i++, nseg++) {
			seg[i] = netdev_alloc_skb(sn0, 1600);
			cr_assert_not_null(seg[i], "shape %zu: no skb", sh);
			memcpy(skb_put(seg[i], shapes[sh][i]), payload_at(f.key, 5000 + total),
			       shapes[sh][i]);
			memcpy(all + total, seg[i]->data, shapes[sh][i]);
			total += shapes[sh][i];
			if (i) {
				if (i == 1)
					skb_shinfo(seg[0])->frag_list = seg[i];
				else
					seg[i - 1]->next = seg[i];
				seg[0]->len += shapes[sh][i];
				seg[0]->data_len += shapes[sh][i];
			}
		}
		for (int t = 0; t < 3000; t++) {
			unsigned int off, len;
			u32 so;
			bool want = true, got;
			int flip = -1;

			z = z * 6364136223846793005ULL + 1442695040888963407ULL;
			off = (unsigned int)(z >> 33) % (total + 2);
			len = (unsigned int)(z >> 17) % (total + 3 - (off < total ? off : total));
			so = 5000 + off + (t % 7 == 0 ? 1 : 0); /* now and then one off */
			if (t % 5 == 1 && total) { /* one byte changed */
				flip = (int)((z >> 45) % total);
				all[flip] ^= 0x40;
			}
			for (unsigned int i = 0; i < len && want; i++)
				want = off + i < total && all[off + i] == *payload_at(f.key, so + i);
			if (flip >= 0) /* into the chain too */
				flip_in_chain(seg, nseg, (unsigned int)flip);
			got = stack_payload_walk(seg[0], off, len, &f, 0, so);
			cr_assert_eq(got, want, "shape %zu, try %d: %u bytes at %u of %u, pattern from "
				     "%u, byte %d changed: the walk says %d, every byte %d", sh, t, len,
				     off, total, so, flip, got, want);
			checked++;
			right += want;
			if (flip >= 0) { /* and back */
				all[flip] ^= 0x40;
				flip_in_chain(seg, nseg, (unsigned int)flip);
			}
		}
		skb_shinfo(seg[0])->frag_list = NULL;
		seg[0]->len -= seg[0]->data_len;
		seg[0]->data_len = 0;
		for (unsigned int i = 0; i < nseg; i++) {
			seg[i]->next = NULL;
			kfree_skb(seg[i]);
		}
	}
	cr_assert(right > checked / 10 && right < checked, "%d of %d compares right", right,
		  checked);
	check_clean(k);
}

/*
 * The payload compare (stack_bytes_eq_big: 32-byte vectors from 32 bytes on,
 * where the CPU has them) against memcmp: every length from 0 to 2,200 (past
 * the written-out compares' 2,048) at four alignments of each side, the bytes
 * the same, and one byte changed at the first, the last, every vector's first
 * and last and a random place; bytes either side of the range differ and must
 * not count.
 */
Test(rx_stack, the_payload_compare_is_memcmps_at_every_length_and_alignment, .init = setup,
     .fini = teardown)
{
	static unsigned char a[2400], b[2400];
	u64 z = 7;
	int differ = 0;

	for (unsigned int i = 0; i < sizeof(a); i++) {
		z = z * 6364136223846793005ULL + 1442695040888963407ULL;
		a[i] = (unsigned char)(z >> 56);
	}
	for (unsigned int n = 0; n <= 2200; n++) {
		for (unsigned int al = 0; al < 16; al++) {
			unsigned char *p = a + 8 + al % 4, *q = b + 8 + al / 4;
			unsigned int at[8], nat = 0;

			memset(b, 0x5a, sizeof(b));
			memcpy(q, p, n);
			cr_assert_eq(stack_bytes_eq_big(p, q, n), true,
				     "%u bytes, alignments %u and %u: the same bytes differ", n,
				     al % 4, al / 4);
			if (!n)
				continue;
			z = z * 6364136223846793005ULL + 1442695040888963407ULL;
			at[nat++] = 0;
			at[nat++] = n - 1;
			at[nat++] = (unsigned int)(z >> 33) % n;
			if (n > 32) {
				unsigned int v = (unsigned int)(z >> 20) % ((n + 31) / 32);

				at[nat++] = v * 32 < n ? v * 32 : n - 1;
				at[nat++] = v * 32 + 31 < n ? v * 32 + 31 : n - 32;
			}
			for (unsigned int j = 0; j < nat; j++) {
				bool want, got;

				q[at[j]] ^= (unsigned char)(1u << (j % 8));
				want = !memcmp(p, q, n);
				got = stack_bytes_eq_big(p, q, n);
				cr_assert_eq(got, want, "%u bytes, alignments %u and %u, byte %u "
					     "changed: the compare says %d, memcmp %d", n, al % 4,
					     al / 4, at[j], got, want);
				differ += !got;
				q[at[j]] ^= (unsigned char)(1u << (j % 8));
			}
		}
	}
	cr_assert_gt(differ, 100000, "only %d changed ranges found different", differ);
}

/*
 * UDP datagrams of one flow from sn0 as sn1 sees them (snull's twisted
 * addresses), handed to netif_receive_skb: the 0x45 header's checks, and
 * the sink's reading of a linear skb (the sequence word and payload taken
 * from the linear part without word_at's and stack_payload_ok's tests)
 * against what the general reading of the same bytes as an aggregate (the
 * word or the payload in the frag_list) finds.
 */
static void rx_cb(void *arg)
{
	netif_receive_skb(arg);
}

static struct sk_buff *udp_dgram_on(struct net_device *from, struct net_device *to,
				    unsigned int len, u32 word)
{
	struct kit_pkt p = { .len = len, .proto = IPPROTO_UDP, .flow = 2, .seq = word,
			     .seq_set = true };

	return skb_as_received(from, to, &p);
}

static struct sk_buff *udp_dgram(unsigned int len, u32 word)
{
	return udp_dgram_on(sn0, sn1, len, word);
}

/* The skb's bytes from keep on moved into a frag_list segment of their own. */
static struct sk_buff *split_at(struct sk_buff *skb, unsigned int keep)
{
	struct sk_buff *m = netdev_alloc_skb(sn0, 1600);
	unsigned int rest = skb->len - keep;

	cr_assert_not_null(m, "no skb for the segment");
	memcpy(skb_put(m, rest), skb->data + keep, rest);
	skb_trim(skb, keep);
	skb_shinfo(skb)->frag_list = m;
	skb->len += rest;
	skb->data_len += rest;
	return skb;
}

static void give_dgram(struct sk_buff *skb)
{
	kit_run_softirq(k, rx_cb, skb);
	run_idle(k);
}

Test(rx_stack, a_udp_datagram_is_checked_linear_as_in_segments, .init = setup, .fini = teardown)
{
	static const unsigned int lens[] = { 60, 64, 80, 200, 1000, 1514 };
	u64 errors = 0, packets = 0;
	u32 word = 7, hi = 0;

	for (size_t l = 0; l < ARRAY_SIZE(lens); l++) {
		unsigned int len = lens[l], plen = len - 14 - 20 - 8;

		/* 0: right, 1: first payload byte, 2: last, 3: the word; each linear,
		 * then split after the word, inside the word and inside the payload */
		for (int how = 0; how < 4; how++) {
			for (int sp = 0; sp < 4; sp++) {
				struct sk_buff *skb = udp_dgram(len, word);
				unsigned char *pl = skb->data + 28;
				struct kit_flow_stat f;

				if (how == 1)
					pl[4] ^= 0x20;
				else if (how == 2)
					pl[plen - 1] ^= 0x01;
				else if (how == 3)
					pl[3] ^= 0x04;
				if (sp)
					split_at(skb, sp == 1 ? 32 : sp == 2 ? 30 : 28 + 4 + (plen - 4) / 2);
				give_dgram(skb);
				packets++;
				errors += how != 0;
				f = flow(k, 0);
				cr_assert_eq(f.packets, packets, "%u bytes, change %d, split %d: %llu "
					     "datagrams, expected %llu", len, how, sp,
					     (unsigned long long)f.packets,
					     (unsigned long long)packets);
				cr_assert_eq(f.errors, errors, "%u bytes, change %d, split %d: %llu "
					     "stream errors, expected %llu", len, how, sp,
					     (unsigned long long)f.errors, (unsigned long long)errors);
				if ((how == 3 ? word ^ 0x04 : word) > hi) /* the word the sink saw */
					hi = how == 3 ? word ^ 0x04 : word;
				cr_assert_eq(f.next_seq, hi + 1, "%u bytes, change %d, split %d: next "
					     "word %u, expected %u", len, how, sp, f.next_seq, hi + 1);
				word += 8;
			}
		}
	}
	check_clean(k);
}

/* A 0x45 header: a total length below 20 or past the skb, or a wrong sum, is
 * an IP error; one too short for UDP's header is dropped as other; one that
 * trims the datagram is delivered (its payload then differs). */
Test(rx_stack, a_20_byte_headers_length_and_sum_are_checked, .init = setup, .fini = teardown)
{
	static const struct { u16 tot; int sum; int delivered, iperr, other; } c[] = {
		{ 0, 0, 1, 0, 0 },  { 19, 0, 0, 1, 0 }, { 20, 0, 0, 0, 1 }, { 47, 0, 0, 1, 0 },
		{ 46, 0, 1, 0, 0 }, { 36, 0, 1, 0, 0 }, { 0, 1, 0, 1, 0 },  { 0, 0, 1, 0, 0 },
	};
	struct stack *s = k->stack;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct sk_buff *skb = udp_dgram(60, (u32)i * 3);
		struct iphdr *iph = (struct iphdr *)skb->data;
		u64 ip0 = s->ip_errors, other0 = s->other, pk0 = s->nflows ? flow(k, 0).packets : 0;
		u64 ip, other, pk;

		cr_assert_eq(skb->data[0], 0x45, "a header of %#x", skb->data[0]);
		if (c[i].tot)
			iph->tot_len = htons(c[i].tot);
		iph->check = 0;
		iph->check = ip_fast_csum(iph, iph->ihl);
		if (c[i].sum)
			iph->check ^= htons(1);
		give_dgram(skb);
		ip = s->ip_errors - ip0;
		other = s->other - other0;
		pk = (s->nflows ? flow(k, 0).packets : 0) - pk0;
		cr_assert(pk == (u64)c[i].delivered && ip == (u64)c[i].iperr &&
			  other == (u64)c[i].other, "case %zu (tot %u, sum %d): %llu delivered, "
			  "%llu IP errors, %llu other; expected %d, %d, %d", i, c[i].tot, c[i].sum,
			  (unsigned long long)pk, (unsigned long long)ip, (unsigned long long)other,
			  c[i].delivered, c[i].iperr, c[i].other);
	}
	check_clean(k);
}

/*
 * netif_receive_skb's fast case (stack_rx_fast: no trace, no timeline)
 * against the general path it skips: two machines without a timeline, one
 * keeping its trace (every skb takes the general path), take the same
 * traffic: pktgen's 60-byte UDP runs of one flow and of three taking turns,
 * 64- and 200-byte UDP, TCP, a socket queue that fills, and datagrams handed up with
 * a payload byte changed, a word changed, padding to trim, a short payload,
 * a checksum not vouched for, and a header sum wrong. Every device counter,
 * the CPU time per context, every cost's time and count, the clock, every
 * flow's counts and the stack's own must agree.
 */
static void fast_traffic(struct kit *m)
{
	static const struct { u8 proto; unsigned int len; u32 flows, count, burst; u64 rate; } runs[] = {
		{ IPPROTO_UDP, 60, 1, 3000, 1, 0 },	 { IPPROTO_UDP, 60, 3, 900, 8, 0 },
		{ IPPROTO_UDP, 64, 1, 300, 1, 0 },	 { IPPROTO_UDP, 200, 1, 300, 1, 200000 },
		{ IPPROTO_TCP, 600, 1, 300, 1, 0 },	 { IPPROTO_UDP, 60, 1, 2000, 32, 0 },
	};
	struct net_device *d0 = kit_dev_by_name(m, "sn0"), *d1 = kit_dev_by_name(m, "sn1");
	struct pktgen_cfg c;
	char err[256];

	tl_stop(m);
	kit_set_hw_steps(m, false); /* as the bench's and an experiment's machines */
	for (size_t r = 0; r < ARRAY_SIZE(runs); r++) {
		if (r == 5) /* a socket queue that fills */
			setp(m, NULL, "sock_rcvq", 6);
		pktgen_cfg_default(&c);
		c.proto = runs[r].proto;
		c.len = runs[r].len;
		c.flows = runs[r].flows;
		c.count = runs[r].count;
		c.burst = runs[r].burst;
		c.rate_pps = runs[r].rate;
		c.tcp_ts = runs[r].proto == IPPROTO_TCP;
		cr_assert_eq(kit_pktgen(d1, &c, err, sizeof(err)), 0, "pktgen: %s", err);
		run_idle(m);
	}
	setp(m, NULL, "sock_rcvq", 1024);
	for (int i = 0; i < 70; i++) {
		struct sk_buff *skb = udp_dgram_on(d0, d1, i % 7 == 6 ? 100 : 60, (u32)i);
		struct iphdr *iph = (struct iphdr *)skb->data;

		switch (i % 7) {
		case 1: skb->data[40] ^= 1; break;			/* a payload byte */
		case 2: skb->data[29] ^= 1; break;			/* the word */
		case 3:							/* padding */
			iph->tot_len = htons(36);
			iph->check = 0;
			iph->check = ip_fast_csum(iph, iph->ihl);
			break;
		case 4: skb->ip_summed = CHECKSUM_NONE; break;
		case 5: iph->check ^= htons(0x10); break;		/* the header's sum */
		default: break;
		}
		kit_run_softirq(m, rx_cb, skb);
		run_idle(m);
	}
}

static void outcome(struct kit *m, u64 *v, int *n, struct kit_flow_stat *fl, int *nf)
{
	struct stack *st = m->stack;

	*n = 0;
	for (int i = 0; i < kit_dev_count(m); i++)
		for (int j = 0; j < kit_stat_count(); j++)
			v[(*n)++] = kit_dev_stat(kit_dev_at(m, i), j);
	cpu_ns_sync(m);
	for (int c = 0; c < CTX_NR; c++)
		v[(*n)++] = m->cpu.ns[c];
	for (int c = 0; c < COST_NR; c++) {
		v[(*n)++] = m->cost_ns[c];
		v[(*n)++] = m->cost_count[c];
	}
	v[(*n)++] = m->now;
	v[(*n)++] = m->sd.processed;
	v[(*n)++] = m->sd.poll_delivered;
	v[(*n)++] = st->sock_drops;
	v[(*n)++] = st->ip_errors;
	v[(*n)++] = st->other;
	v[(*n)++] = st->app_packets;
	v[(*n)++] = st->app_bytes;
	v[(*n)++] = st->lat_sum;
	v[(*n)++] = st->lat_n;
	*nf = kit_flow_count(m);
	for (int i = 0; i < *nf && i < 16; i++)
		cr_assert_eq(kit_flow_at(m, i, &fl[i]), 0, "flow %d", i);
}

Test(rx_stack, the_fast_receive_is_the_general_paths)
{
	static u64 v[2][4096];
	struct kit_flow_stat fl[2][16];
	int n[2], nf[2];

	for (int t = 0; t < 2; t++) {
		struct kit *m = kit_new(1);

		cr_assert_not_null(m, "kit_new(1) returned NULL, expected a machine");
		if (!t)
			trace_stop(m); /* the machine of the fast path */
		fast_traffic(m);
		outcome(m, v[t], &n[t], fl[t], &nf[t]);
		check_clean(m);
		kit_free(m);
	}
	cr_assert_eq(n[0], n[1], "%d values, %d traced", n[0], n[1]);
	for (int i = 0; i < n[0]; i++)
		cr_assert_eq(v[0][i], v[1][i], "value %d: %llu untraced, %llu traced", i,
			     (unsigned long long)v[0][i], (unsigned long long)v[1][i]);
	cr_assert_eq(nf[0], nf[1], "%d flows, %d traced", nf[0], nf[1]);
	cr_assert_geq(nf[0], 5, "%d flows", nf[0]);
	for (int i = 0; i < nf[0] && i < 16; i++) {
		const struct kit_flow_stat *a = &fl[0][i], *b = &fl[1][i];

		cr_assert(a->packets == b->packets && a->segments == b->segments &&
			  a->bytes == b->bytes && a->errors == b->errors && a->dups == b->dups &&
			  a->ooo == b->ooo && a->csum_errors == b->csum_errors &&
			  a->app_bytes == b->app_bytes && a->next_seq == b->next_seq &&
			  a->ifindex == b->ifindex && a->started == b->started,
			  "flow %d: %llu packets, %llu bytes, %llu errors, %llu checksum errors, "
			  "%llu read, next %u untraced; %llu, %llu, %llu, %llu, %llu, %u traced", i,
			  (unsigned long long)a->packets, (unsigned long long)a->bytes,
			  (unsigned long long)a->errors, (unsigned long long)a->csum_errors,
			  (unsigned long long)a->app_bytes, a->next_seq,
			  (unsigned long long)b->packets, (unsigned long long)b->bytes,
			  (unsigned long long)b->errors, (unsigned long long)b->csum_errors,
			  (unsigned long long)b->app_bytes, b->next_seq);
	}
	cr_assert_gt(v[0][n[0] - 7], 0, "no socket drops: the queue never filled");
}

/* test_flush.c - lab lro, graded: the header rewrite, both checksums, gso_size, the poll's flush, a real capture. */
#include "lro_frames.h"

Test(lro, headers_rewritten)
{
	static const unsigned int plen[3] = { 1000, 1448, 500 };
	struct sk_buff *skb = NULL;
	struct iphdr *iph;
	struct tcphdr *th;
	u32 seq = ISN, id = 0;
	u8 *opt;

	lro_begin("headers_rewritten");
	for (int i = 0; i < 3; i++) {
		struct seg s = seg_of(0, seq, plen[i]);

		s.ack = 7000 + (u32)i * 10;
		s.window = (u16)(2000 + i);
		s.tsval = 300 + (u32)i;
		s.tsecr = 900 + (u32)i;
		skb = feed(s);
		if (!i)
			id = skb->kit_id;
		seq += plen[i];
	}
	flush_all();
	grade_note("the aggregate: the first segment's headers, rewritten for all three");
	skb = delivered(id);
	iph = (struct iphdr *)skb->data;
	th = (struct tcphdr *)(skb->data + iph->ihl * 4);
	opt = (u8 *)(th + 1);
	check_eq(ntohs(iph->tot_len), 20 + 32 + 2948, "IP tot_len = %u, expected %u",
		 ntohs(iph->tot_len), 20 + 32 + 2948);
	check_eq(skb->len, 20u + 32 + 2948, "skb->len = %u, expected %u", skb->len, 20 + 32 + 2948);
	check_eq(ntohl(th->seq), ISN, "seq = %u, expected %u (the first segment's)", ntohl(th->seq),
		 ISN);
	check_eq(ntohl(th->ack_seq), 7020u, "ack_seq = %u, expected 7020 (the last one's)",
		 ntohl(th->ack_seq));
	check_eq(ntohs(th->window), 2002, "window = %u, expected 2002 (the last one's)",
		 ntohs(th->window));
	check_eq(get32(opt + 4), 300u, "tsval = %u, expected 300 (the first one's, kept)",
		 get32(opt + 4));
	check_eq(get32(opt + 8), 902u, "TS echo reply = %u, expected 902 (the last one's)",
		 get32(opt + 8));
	grade_note("a 1-segment session goes up untouched");
	{
		struct seg s = seg_of(1, ISN, 333);
		u8 before[20 + 32];

		skb = build(&s);
		id = skb->kit_id;
		memcpy(before, skb->data, sizeof(before));
		kit_run_softirq(k, rx_cb, skb);
		flush_all();
		skb = delivered(id);
		grade_check(!memcmp(before, skb->data, sizeof(before)), "sn1",
			    "the headers of a 1-segment session were changed");
	}
	grade_expect("clean");
}

/* Does the aggregate skb#id verify: IP header checksum, TCP over header + every payload byte? */
static void verify_csums(u32 id, unsigned int segs, const char *what)
{
	static u8 buf[65536];
	struct sk_buff *skb = delivered(id);
	struct iphdr *iph = (struct iphdr *)skb->data;
	unsigned int ihl = iph->ihl * 4u, tot = ntohs(iph->tot_len);
	__sum16 sum;

	check_eq(skb_shinfo(skb)->gso_segs, segs, "%s: the first segment's skb stands for %u "
		 "segments, expected an aggregate of %u", what, skb_shinfo(skb)->gso_segs, segs);

	grade_check(ip_fast_csum(iph, iph->ihl) == 0, "sn1",
		    "%s: IP header checksum 0x%04x does not verify (tot_len %u)", what, iph->check,
		    tot);
	grade_check(tot <= skb->len && skb_copy_bits(skb, (int)ihl, buf, (int)(tot - ihl)) == 0,
		    "sn1", "%s: cannot read %u TCP bytes from the aggregate (len %u)", what,
		    tot - ihl, skb->len);
	sum = csum_tcpudp_magic(iph->saddr, iph->daddr, tot - ihl, IPPROTO_TCP,
				csum_partial(buf, (int)(tot - ihl), 0));
	grade_check(sum == 0, "sn1", "%s: the TCP checksum over the whole aggregate does not verify "
		    "(residue 0x%04x, check field 0x%04x)", what, sum,
		    ((struct tcphdr *)(skb->data + ihl))->check);
}

Test(lro, checksums_valid)
{
	/* odd sizes put later payloads at odd offsets of the 16-bit checksum words */
	static const unsigned int plen[4] = { 999, 1001, 17, 1448 };
	u32 seq = ISN, id = 0;
	struct sk_buff *skb;

	lro_begin("checksums_valid");
	for (int i = 0; i < 4; i++) {
		struct seg s = seg_of(0, seq, plen[i]);

		s.ack = 1 + (u32)i * 5000;
		s.window = (u16)(999 * (i + 1));
		s.tsecr = 77 + (u32)i;
		skb = feed(s);
		if (!i)
			id = skb->kit_id;
		seq += plen[i];
	}
	flush_all();
	verify_csums(id, 4, "4 segments of odd sizes");
	grade_note("and without timestamps: 5-word TCP headers");
	seq = ISN;
	for (int i = 0; i < 3; i++) {
		struct seg s = seg_of(1, seq, plen[i]);

		s.ts = false;
		s.ack = 100 + (u32)i;
		skb = feed(s);
		if (!i)
			id = skb->kit_id;
		seq += plen[i];
	}
	flush_all();
	verify_csums(id, 3, "3 segments without timestamps");
	grade_expect("clean");
}

Test(lro, gso_size)
{
	static const unsigned int plen[4] = { 536, 1448, 1200, 100 };
	u32 seq = ISN, id = 0;
	struct sk_buff *skb;

	lro_begin("gso_size");
	for (int i = 0; i < 4; i++) {
		skb = feed(seg_of(0, seq, plen[i]));
		if (!i)
			id = skb->kit_id;
		seq += plen[i];
	}
	flush_all();
	skb = delivered(id);
	grade_note("gso_size: the largest payload seen (the sender's MSS as the stack will take it)");
	check_eq(skb_shinfo(skb)->gso_size, 1448, "gso_size = %u, expected 1448",
		 skb_shinfo(skb)->gso_size);
	check_eq(skb_shinfo(skb)->gso_segs, 4, "gso_segs = %u, expected 4", skb_shinfo(skb)->gso_segs);
	check_eq(skb->ip_summed, mgr->ip_summed_aggr, "ip_summed = %u, expected %u (ip_summed_aggr)",
		 skb->ip_summed, mgr->ip_summed_aggr);
	grade_expect("clean");
}

Test(lro, flush_all_at_poll_end)
{
	int n;

	lro_begin("flush_all_at_poll_end");
	n = mgr->max_desc;
	grade_note("a session in every descriptor, then lro_flush_all: every one goes up");
	for (u32 i = 0; i < 2; i++)
		for (int f = 0; f < n; f++)
			feed(seg_of(f, ISN + i * 100, 100));
	check_eq(active_sessions(), n, "%d active sessions, expected %d (every descriptor)",
		 active_sessions(), n);
	flush_all();
	assert_stats(2 * n, n, 0);
	check_eq(active_sessions(), 0, "%d sessions left after lro_flush_all, expected 0",
		 active_sessions());
	for (int f = 0; f < n; f++)
		check_eq(flow(f).segments, 2ull, "flow %d: %llu segments passed up, expected 2", f,
			 (unsigned long long)flow(f).segments);
	grade_note("through the driver: frames far apart, each poll ends with lro_flush_all");
	grade_cmd("pktgen sn1 count 30 len 1000 proto tcp tcp_ts on flows 3 rate 50kpps");
	grade_cmd("run until idle");
	grade_expect("sn1.lro_active == 0");
	grade_expect("sn1.rx_packets == 30");
	grade_expect("sn1.app_bytes >= 28020");
	grade_expect("sn1.rx_stream_errors == 0");
	grade_expect("clean");
	grade_expect("no-bugs");
}

Test(lro, linux_pcap)
{
	struct kit_flow_stat st = { 0 };
	bool found = false;

	lro_begin("linux_pcap");
	grade_note("a bulk transfer by Linux 6.18's TCP (tests/data/README.md): 363 data segments,");
	grade_note("14 with PSH, pure ACKs, SYN and FIN; replayed into sn1 at its recorded times");
	grade_note("the capture's checksums are the sender's offload placeholders: fixcsum recomputes");
	grade_note("them; the stack then compares the connection's bytes with the capture's");
	grade_cmd("pktgen sn1 pcap tests/data/linux-tcp-bulk-512k.pcap fixcsum");
	grade_cmd("run until idle");
	grade_expect("sn1.rx_packets == 574");
	grade_expect("sn1.lro_aggregated == 363");
	grade_note("the reference hands the stack 386 skbs for these 574 frames");
	grade_expect("sn1.rx_stack == 386");
	grade_expect("sn1.app_bytes == 524288");
	grade_expect("sn1.rx_stream_errors == 0");
	grade_expect("sn1.rx_csum_errors == 0");
	grade_expect("sn1.rx_ooo == 0");
	for (int i = 0; i < kit_flow_count(k); i++) {
		kit_flow_at(k, i, &st);
		if (st.proto == IPPROTO_TCP && ntohs(st.sport) == 42164) {
			found = true;
			break;
		}
	}
	grade_check(found, "sn1", "the stack saw no segment of the capture's connection (port 42164)");
	grade_check(st.checked && st.errors == 0 && st.bytes == 524288, "sn1",
		    "the connection's bytes: %llu in order, %llu stream errors, %s; expected 524288, "
		    "0, compared with the capture's", (unsigned long long)st.bytes,
		    (unsigned long long)st.errors, st.checked ? "compared" : "not compared");
	grade_expect("clean");
	grade_expect("no-bugs");
}

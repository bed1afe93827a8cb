/* test_csum.c - the stack's checksum checks: IP header always, TCP/UDP unless the skb vouches. */
#define KIT_TEST_MACHINE
#include "helpers.h"

/*
 * ip_rcv verifies the IPv4 header checksum whatever the NIC said; tcp_v4_rcv
 * and __udp4_lib_rcv verify theirs unless skb->ip_summed is
 * CHECKSUM_UNNECESSARY (or CHECKSUM_PARTIAL: bytes that never left the
 * machine). A wrong one is dropped and counted in rx_csum_errors, per device
 * and per flow, and never reaches the socket.
 */

static void rx_cb(void *arg)
{
	netif_receive_skb(arg);
}

/* A frame as sn1 would receive it from sn0, past eth_type_trans (data at the IP header). */
static struct sk_buff *frame_at(u8 proto, unsigned int len, u8 ip_summed, u32 seq)
{
	struct kit_pkt p = { .len = len, .proto = proto, .flow = 2, .seq = seq, .seq_set = true };
	char err[256];
	struct sk_buff *skb = kit_skb_alloc(sn0, &p, err, sizeof(err));

	cr_assert_not_null(skb, "kit_skb_alloc: %s", err);
	skb->protocol = eth_type_trans(skb, sn1);
	skb->ip_summed = ip_summed;
	return skb;
}

static struct sk_buff *frame(u8 proto, unsigned int len, u8 ip_summed)
{
	return frame_at(proto, len, ip_summed, 0);
}

static void deliver(struct sk_buff *skb)
{
	kit_run_softirq(k, rx_cb, skb);
	run_idle(k);
}

static u64 app_bytes(void)
{
	struct kit_snap s;

	kit_snapshot(k, &s);
	return s.app_bytes;
}

Test(csum, ip_header_checked_even_when_the_nic_vouched, .init = setup, .fini = teardown)
{
	struct sk_buff *skb = frame(IPPROTO_UDP, 100, CHECKSUM_UNNECESSARY);

	skb->data[8] ^= 0x01; /* the TTL: the header checksum no longer matches */
	deliver(skb);
	cr_assert_eq(st(sn1, "rx_csum_errors"), 1, "rx_csum_errors %llu, expected 1",
		     (unsigned long long)st(sn1, "rx_csum_errors"));
	cr_assert_eq(app_bytes(), 0, "the application read %llu bytes of a bad header, expected 0",
		     (unsigned long long)app_bytes());
	cr_assert_eq(st(sn0, "rx_csum_errors"), 0, "sn0 counted %llu, expected 0 (sn1 received it)",
		     (unsigned long long)st(sn0, "rx_csum_errors"));
	check_clean(k);
}

Test(csum, tcp_checked_unless_unnecessary, .init = setup, .fini = teardown)
{
	static const struct {
		u8 ip_summed;
		bool corrupt;
		u64 errors, bytes;
	} rows[] = {
		{ CHECKSUM_NONE, false, 0, 100 - 54 },
		{ CHECKSUM_NONE, true, 1, 0 },
		{ CHECKSUM_COMPLETE, true, 1, 0 },	/* no skb->csum in the kit: checked in full */
		{ CHECKSUM_UNNECESSARY, true, 0, 100 - 54 }, /* trusted: the NIC vouched */
		{ CHECKSUM_PARTIAL, true, 0, 100 - 54 },     /* local bytes: not checked */
	};

	u32 seq = 1; /* each row at the flow's rcv_nxt: only the checksum decides */

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct sk_buff *skb;
		u64 e0 = st(sn1, "rx_csum_errors"), b0 = app_bytes();

		skb = frame_at(IPPROTO_TCP, 100, rows[i].ip_summed, seq);
		seq += (u32)rows[i].bytes;
		if (rows[i].corrupt)
			skb->data[60] ^= 0x40; /* a payload byte */
		deliver(skb);
		cr_assert_eq(st(sn1, "rx_csum_errors") - e0, rows[i].errors,
			     "row %zu (ip_summed %u, corrupt %d): rx_csum_errors +%llu, expected +%llu",
			     i, rows[i].ip_summed, rows[i].corrupt,
			     (unsigned long long)(st(sn1, "rx_csum_errors") - e0),
			     (unsigned long long)rows[i].errors);
		cr_assert_eq(app_bytes() - b0, rows[i].bytes,
			     "row %zu: the application read %llu bytes, expected %llu", i,
			     (unsigned long long)(app_bytes() - b0), (unsigned long long)rows[i].bytes);
	}
	/* kit_skb_alloc registered the flow as sn1 sees it through snull (flow 0);
	 * these frames skip the twist: one flow, the last */
	cr_assert_eq(kit_flow_count(k), 2, "%d flows, expected 2", kit_flow_count(k));
	cr_assert_eq(flow(k, 1).csum_errors, 2, "the flow counted %llu checksum errors, expected 2",
		     (unsigned long long)flow(k, 1).csum_errors);
	cr_assert_eq(flow(k, 1).app_bytes, 3 * 46, "the flow's app_bytes %llu, expected %d",
		     (unsigned long long)flow(k, 1).app_bytes, 3 * 46);
	check_clean(k);
}

Test(csum, udp_checked_and_zero_means_none, .init = setup, .fini = teardown)
{
	struct sk_buff *skb = frame(IPPROTO_UDP, 100, CHECKSUM_NONE);
	unsigned int ihl = (skb->data[0] & 0xf) * 4u;

	skb->data[ihl + 20] ^= 0x10;
	deliver(skb);
	cr_assert_eq(st(sn1, "rx_csum_errors"), 1, "a corrupt UDP datagram: rx_csum_errors %llu, "
		     "expected 1", (unsigned long long)st(sn1, "rx_csum_errors"));
	skb = frame(IPPROTO_UDP, 100, CHECKSUM_NONE);
	skb->data[ihl + 20] ^= 0x10;
	skb->data[ihl + 6] = skb->data[ihl + 7] = 0; /* no checksum: RFC 768 */
	deliver(skb);
	cr_assert_eq(st(sn1, "rx_csum_errors"), 1, "a UDP datagram without a checksum was counted: "
		     "rx_csum_errors %llu, expected 1", (unsigned long long)st(sn1, "rx_csum_errors"));
	cr_assert_eq(app_bytes(), 100 - 42, "the application read %llu bytes, expected %d",
		     (unsigned long long)app_bytes(), 100 - 42);
	check_clean(k);
}

/* skb_checksum walks the frag_list as skb_copy_bits does, odd lengths included. */
Test(csum, skb_checksum_over_a_frag_list, .init = setup, .fini = teardown)
{
	struct sk_buff *a = dev_alloc_skb(256), *b = dev_alloc_skb(256);
	unsigned char flat[301];
	__sum16 want, got;

	cr_assert(a && b, "dev_alloc_skb returned NULL");
	for (unsigned int i = 0; i < sizeof(flat); i++)
		flat[i] = (unsigned char)(i * 37 + 11);
	memcpy(skb_put(a, 151), flat, 151);
	memcpy(skb_put(b, 150), flat + 151, 150);
	skb_shinfo(a)->frag_list = b;
	a->len += b->len;
	a->data_len = b->len;
	want = csum_fold(csum_partial(flat + 3, (int)sizeof(flat) - 3, 0));
	got = csum_fold(skb_checksum(a, 3, (int)sizeof(flat) - 3, 0));
	cr_assert_eq(got, want, "skb_checksum over the frag_list %#x, expected %#x", got, want);
	kfree_skb(a);
	check_clean(k);
}

/*
 * The sums by their definition (RFC 1071): the 32-bit words added exactly,
 * then the 16-bit and odd-byte tail, folded to 32 bits with end-around
 * carry; csum_fold as two 16-bit folds and an inversion. csum_partial and
 * csum_fold must give these very values, not only equal checksums.
 */
static u32 ref_fold64(u64 a)
{
	a = (a & 0xffffffff) + (a >> 32);
	a = (a & 0xffffffff) + (a >> 32);
	return (u32)a;
}

static __wsum ref_csum_partial(const unsigned char *p, int len, __wsum sum)
{
	u64 acc = sum;
	u32 w;
	u16 h;

	for (; len >= 4; p += 4, len -= 4) {
		memcpy(&w, p, 4);
		acc += w;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		acc += h;
		p += 2;
		len -= 2;
	}
	if (len)
		acc += *p;
	return ref_fold64(acc);
}

static __sum16 ref_csum_fold(__wsum sum)
{
	u32 s = sum;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__sum16)~s;
}

static u32 lcg(u32 *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 8;
}

Test(csum, csum_partial_is_the_rfc1071_sum_at_every_length_and_alignment)
{
	static unsigned char buf[8 + 300];
	const __wsum init[] = { 0, 1, 0xffff, 0x10000, 0xfffffffe, 0xffffffff, 0x12345678 };
	u32 x = 42;

	for (int fill = 0; fill < 3; fill++) {
		for (unsigned int i = 0; i < sizeof(buf); i++)
			buf[i] = fill == 0 ? (u8)lcg(&x) : fill == 1 ? 0xff : 0;
		for (int off = 0; off < 8; off++)
			for (int len = 0; len <= 300; len++)
				for (size_t s = 0; s < ARRAY_SIZE(init); s++) {
					__wsum got = csum_partial(buf + off, len, init[s]);
					__wsum want = ref_csum_partial(buf + off, len, init[s]);

					cr_assert_eq(got, want, "csum_partial(fill %d, offset %d, "
						     "%d bytes, sum %#x) = %#x, expected %#x",
						     fill, off, len, init[s], got, want);
				}
	}
}

Test(csum, csum_fold_and_ip_fast_csum_by_their_definition)
{
	const __wsum edge[] = { 0, 1, 0xfffe, 0xffff, 0x10000, 0x1fffe, 0xfffeffff, 0xffff0000,
				0xfffffffe, 0xffffffff };
	unsigned char hdr[60];
	u32 x = 7;

	for (size_t i = 0; i < ARRAY_SIZE(edge) + 100000; i++) {
		__wsum v = i < ARRAY_SIZE(edge) ? edge[i] : lcg(&x) << 8 ^ lcg(&x);

		cr_assert_eq(csum_fold(v), ref_csum_fold(v), "csum_fold(%#x) = %#x, expected %#x", v,
			     csum_fold(v), ref_csum_fold(v));
	}
	for (int round = 0; round < 1000; round++) {
		for (unsigned int i = 0; i < sizeof(hdr); i++)
			hdr[i] = round % 10 == 0 ? 0xff : (u8)lcg(&x);
		for (unsigned int ihl = 5; ihl <= 15; ihl++) {
			__sum16 want = ref_csum_fold(ref_csum_partial(hdr, (int)ihl * 4, 0));

			cr_assert_eq(ip_fast_csum(hdr, ihl), want,
				     "ip_fast_csum(ihl %u) = %#x, expected %#x", ihl,
				     ip_fast_csum(hdr, ihl), want);
		}
	}
}

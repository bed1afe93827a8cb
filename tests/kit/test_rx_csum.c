/* test_rx_csum.c - the NIC's RX checksum offload: the pattern's O(1) sum agrees with the full sum. */
#include <pcap/pcap.h>
#include <unistd.h>

#define KIT_TEST_MACHINE
#include "helpers.h"

/*
 * A frame pktgen writes into a posted buffer has its payload summed from the
 * pattern (the sum frame_build_pl knows) and only its headers read; a
 * replayed capture or a frame off the wire is summed byte by byte. Both must
 * say the same about the same bytes. Here the frames pktgen landed are
 * judged again from the bytes in their buffers, then replayed as a capture
 * (the full sum), unchanged, with a payload byte changed (TCPE) and with an
 * IP header byte changed (IPE).
 */

#define MAXF 64

static struct {
	unsigned char pad[2];	   /* bytes at 2 mod 4: the IP header 4-byte aligned */
	unsigned char bytes[1600];
	unsigned int len;
	u8 status, errors; /* what the NIC wrote back for pktgen's frame */
} fr[MAXF];
static unsigned int nfr;

static struct e1000_rx_desc *rx_desc(int i)
{
	struct simnic_adapter *a = netdev_priv(sn1);

	return &a->rx_ring.desc[(a->rx_ring.next_to_clean + (unsigned int)i) % a->rx_ring.count];
}

static const unsigned char *rx_buf(int i)
{
	struct simnic_adapter *a = netdev_priv(sn1);
	unsigned int n = (a->rx_ring.next_to_clean + (unsigned int)i) % a->rx_ring.count;

	return a->rx_ring.buffer_info[n].skb->data;
}

static void poll_all(void)
{
	char err[256];
	int work = kit_poll(sn1, 64, err, sizeof(err));

	cr_assert_geq(work, 0, "kit_poll: %s", err);
}

/* Where the L4 bytes of frame f are (behind a tag too); false if not IPv4 TCP/UDP. */
static bool l4_of(const unsigned char *f, unsigned int len, unsigned int *ip, unsigned int *l4,
		  unsigned int *l4len)
{
	unsigned int l2 = f[12] == 0x81 && f[13] == 0x00 ? 18 : 14;
	const struct iphdr *iph = (const struct iphdr *)(f + l2);

	if (len < l2 + 20 || f[l2 - 2] != 0x08 || f[l2 - 1] != 0x00)
		return false;
	*ip = l2;
	*l4 = l2 + iph->ihl * 4u;
	*l4len = ntohs(iph->tot_len) - iph->ihl * 4u;
	return iph->protocol == IPPROTO_TCP || iph->protocol == IPPROTO_UDP;
}

/* The errors the NIC must report for these bytes, every byte summed here. */
static u8 full_sum_errors(const unsigned char *f, unsigned int len)
{
	unsigned int ip, l4, l4len;
	const struct iphdr *iph;
	u8 e = 0;

	cr_assert(l4_of(f, len, &ip, &l4, &l4len), "a frame of %u bytes that is not IPv4 TCP/UDP",
		  len);
	iph = (const struct iphdr *)(f + ip);
	if (ip_fast_csum(iph, iph->ihl))
		e |= E1000_RXD_ERR_IPE;
	if (csum_tcpudp_magic(iph->saddr, iph->daddr, l4len, iph->protocol,
			      csum_partial(f + l4, (int)l4len, 0)))
		e |= E1000_RXD_ERR_TCPE;
	return e;
}

/* n pktgen frames of len into sn1, landed (auto off), checked, kept, polled. */
static void land(u8 proto, bool ts, unsigned int len, u16 vlan, u32 faults, unsigned int n)
{
	struct pktgen_cfg c;
	char err[256];

	cr_assert_leq(nfr + n, MAXF, "more than %d frames", MAXF);
	kit_set_auto(k, false);
	pktgen_cfg_default(&c);
	c.count = n;
	c.proto = proto;
	c.len = len;
	c.tcp_ts = ts;
	c.vlan = vlan;
	c.faults = faults;
	c.fault_every = faults ? 2 : 0;
	cr_assert_eq(kit_pktgen(sn1, &c, err, sizeof(err)), 0, "pktgen: %s", err);
	run_idle(k);
	for (unsigned int i = 0; i < n; i++, nfr++) {
		const struct e1000_rx_desc *d = rx_desc((int)i);
		u8 want;

		cr_assert(d->status & E1000_RXD_STAT_DD, "frame %u of %u bytes not landed", i, len);
		fr[nfr].len = le16_to_cpu(d->length);
		memcpy(fr[nfr].bytes, rx_buf((int)i), fr[nfr].len);
		fr[nfr].status = d->status;
		fr[nfr].errors = d->errors;
		want = full_sum_errors(fr[nfr].bytes, fr[nfr].len);
		cr_assert(d->status & E1000_RXD_STAT_IPCS && d->status & E1000_RXD_STAT_TCPCS,
			  "proto %u, %u bytes, vlan %u: status %#x, expected IPCS and TCPCS", proto,
			  len, vlan, d->status);
		cr_assert_eq(d->errors, want, "proto %u, %u bytes, vlan %u, faults %#x: errors %#x "
			     "from the pattern's sum, %#x from every byte", proto, len, vlan, faults,
			     d->errors, want);
		cr_assert_eq(want, 0, "pktgen's frame %u (%u bytes) has a wrong checksum", i, len);
	}
	poll_all();
	run_idle(k);
}

/* Every frame kept, as a capture; byte flip[i] of frame i changed (0: none). */
static void write_pcap(const char *path, const unsigned int *flip)
{
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *dumper = pcap_dump_open(pd, path);

	cr_assert_not_null(dumper, "pcap_dump_open(%s): %s", path, pcap_geterr(pd));
	for (unsigned int i = 0; i < nfr; i++) {
		struct pcap_pkthdr h = { .caplen = fr[i].len, .len = fr[i].len };
		unsigned char f[1600];

		h.ts.tv_usec = (suseconds_t)(i * 20);
		memcpy(f, fr[i].bytes, fr[i].len);
		if (flip[i])
			f[flip[i]] ^= 0x04;
		pcap_dump((u_char *)dumper, &h, f);
	}
	pcap_dump_close(dumper);
	pcap_close(pd);
}

/* Frame i changed: 1 of 3 in the middle of its payload, 1 of 3 in its TTL. */
static unsigned int flip_at(unsigned int i, u8 *want_err)
{
	unsigned int ip, l4, l4len, hl;

	l4_of(fr[i].bytes, fr[i].len, &ip, &l4, &l4len);
	hl = fr[i].bytes[ip + 9] == IPPROTO_TCP ? (fr[i].bytes[l4 + 12] >> 4) * 4u : 12;
	*want_err = 0;
	if (i % 3 == 1 && l4len > hl) {
		*want_err = E1000_RXD_ERR_TCPE;
		return l4 + hl + (l4len - hl) / 2;
	}
	if (i % 3 == 2) {
		*want_err = E1000_RXD_ERR_IPE;
		return ip + 8;
	}
	return 0;
}

/* The same bytes replayed: the NIC sums every byte and must agree, and
 * catch each changed byte. */
static void replay_and_compare(void)
{
	char path[64] = "/tmp/ringlab-rxcsum-XXXXXX", err[512];
	unsigned int flip[MAXF];
	u8 want_err[MAXF];
	struct kit_replay_info ri;
	int fd = mkstemp(path), n;

	cr_assert_geq(fd, 0, "mkstemp failed");
	close(fd);
	for (unsigned int i = 0; i < nfr; i++)
		flip[i] = flip_at(i, &want_err[i]);
	write_pcap(path, flip);
	n = kit_pktgen_pcap_opts(sn1, path, 100000, false, &ri, err, sizeof(err));
	unlink(path);
	cr_assert_eq(n, (int)nfr, "replayed %d frames, expected %u: %s", n, nfr, err);
	run_idle(k);
	for (unsigned int i = 0; i < nfr; i++) {
		const struct e1000_rx_desc *d = rx_desc((int)i);

		cr_assert_eq(le16_to_cpu(d->length), fr[i].len, "replayed frame %u: %u bytes, "
			     "expected %u", i, le16_to_cpu(d->length), fr[i].len);
		/* (a tag the NIC took out of pktgen's frame is not in the capture: no VP) */
		cr_assert_eq(d->status, fr[i].status & ~E1000_RXD_STAT_VP,
			     "replayed frame %u: status %#x, pktgen's %#x", i, d->status,
			     fr[i].status);
		cr_assert_eq(d->errors, fr[i].errors | want_err[i], "replayed frame %u (byte %u "
			     "changed): errors %#x, expected %#x", i, flip[i], d->errors,
			     fr[i].errors | want_err[i]);
	}
	poll_all();
	run_idle(k);
}

Test(rx_csum, tcp_pattern_sum_agrees_with_every_byte, .init = setup, .fini = teardown)
{
	static const unsigned int lens[] = { 60, 67, 127, 128, 333, 1000, 1513, 1514 };

	nfr = 0;
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++)
		land(IPPROTO_TCP, i % 2, lens[i], 0, 0, 3);
	land(IPPROTO_TCP, true, 700, 0, PKTGEN_F_IPOPT, 4); /* IP options on every second */
	replay_and_compare();
	check_clean(k);
}

Test(rx_csum, udp_pattern_sum_agrees_with_every_byte, .init = setup, .fini = teardown)
{
	static const unsigned int lens[] = { 60, 61, 100, 101, 129, 999, 1514 };

	nfr = 0;
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++)
		land(IPPROTO_UDP, false, lens[i], 0, 0, 3);
	replay_and_compare();
	check_clean(k);
}

/* Behind a tag left in the data, and with the tag taken out by the NIC
 * (the payload moves up four bytes with the rest of the frame). */
Test(rx_csum, tagged_pattern_sum_agrees_with_every_byte, .init = setup, .fini = teardown)
{
	nfr = 0;
	land(IPPROTO_TCP, true, 600, 9, 0, 3);
	land(IPPROTO_UDP, false, 301, 9, 0, 3);
	setp(k, sn1, "rx_vlan", 0);
	land(IPPROTO_TCP, true, 600, 9, 0, 3);
	land(IPPROTO_UDP, false, 301, 9, 0, 3);
	replay_and_compare();
	check_clean(k);
}

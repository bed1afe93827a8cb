/* test_replay.c - replayed captures: checksums as they are or fixed, every byte against the capture. */
#include <pcap/pcap.h>
#include <unistd.h>

#define KIT_TEST_MACHINE
#include "helpers.h"

/*
 * Captures are written here with libpcap's pcap_dump: one TCP flow
 * 10.1.0.1:1000 -> 10.1.0.2:2000, a SYN, then segments of MSS bytes whose
 * payload is the capture's own (not the kit's pattern), with right
 * checksums unless a test breaks one. The sink checks what it delivers
 * against the stream reassembled from the capture itself.
 */
#define MSS 100u
#define ISN 5000u
#define SADDR kit_ipv4(10, 1, 0, 1)
#define DADDR kit_ipv4(10, 1, 0, 2)

static char path[64];
static pcap_t *pd;
static pcap_dumper_t *dumper;
static unsigned int nframes;

static u8 byte_at(u32 off) /* the sender's byte at stream offset off */
{
	return (u8)(off * 13 + (off >> 7) + 3);
}

static void cap_open(void)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/ringlab-replay-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0, "mkstemp failed");
	close(fd);
	pd = pcap_open_dead(DLT_EN10MB, 65535);
	dumper = pcap_dump_open(pd, path);
	cr_assert_not_null(dumper, "pcap_dump_open(%s): %s", path, pcap_geterr(pd));
	nframes = 0;
}

static void cap_close(void)
{
	pcap_dump_close(dumper);
	pcap_close(pd);
}

/* A frame of the flow: seq relative to ISN + 1, len payload bytes; flip: a
 * payload byte to change after the checksums were computed (-1: none). */
static void cap_seg(u32 rel, unsigned int len, u8 flags, int flip)
{
	/* at 2 mod 4, so the IP header is 4-byte aligned */
	static unsigned char buf[2 + 14 + 20 + 20 + 1500] __attribute__((aligned(4)));
	unsigned char *f = buf + 2;
	struct iphdr *iph = (struct iphdr *)(f + 14);
	struct tcphdr *th = (struct tcphdr *)(f + 34);
	unsigned char *pay = f + 54;
	struct pcap_pkthdr h = { 0 };
	u32 seq = flags & 0x02 ? ISN : ISN + 1 + rel;

	memset(buf, 0, sizeof(buf));

	memcpy(f, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", 14);
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons((u16)(40 + len));
	iph->id = htons((u16)nframes);
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = SADDR;
	iph->daddr = DADDR;
	iph->check = ip_fast_csum(iph, 5);
	th->source = htons(1000);
	th->dest = htons(2000);
	th->seq = htonl(seq);
	th->ack_seq = htonl(1);
	th->doff = 5;
	f[34 + 13] = flags;
	th->window = htons(65535);
	for (unsigned int i = 0; i < len; i++)
		pay[i] = byte_at(rel + i);
	th->check = csum_tcpudp_magic(SADDR, DADDR, 20 + len, IPPROTO_TCP,
				      csum_partial(th, (int)(20 + len), 0));
	if (flip >= 0)
		pay[flip] ^= 0x20; /* on the wire, after the sender's checksum */
	h.ts.tv_usec = (suseconds_t)(nframes * 10);
	h.caplen = h.len = 54 + len;
	pcap_dump((u_char *)dumper, &h, f);
	nframes++;
}

static void cap_data(u32 i, int flip) /* the i-th MSS segment, ACK set */
{
	cap_seg(i * MSS, MSS, 0x10, flip);
}

static int replay(bool fixcsum, struct kit_replay_info *ri)
{
	char err[512];
	int n = kit_pktgen_pcap_opts(sn1, path, 100000, fixcsum, ri, err, sizeof(err));

	cr_assert_geq(n, 0, "replay of %s: %s", path, err);
	run_idle(k);
	return n;
}

/* The flow of the capture, by its tuple. */
static struct kit_flow_stat cap_flow(void)
{
	for (int i = 0; i < kit_flow_count(k); i++) {
		struct kit_flow_stat f = flow(k, i);

		if (f.saddr == SADDR && f.sport == htons(1000))
			return f;
	}
	cr_assert_fail("no flow 10.1.0.1:1000 among %d", kit_flow_count(k));
	return (struct kit_flow_stat){ 0 };
}

static void teardown_file(void)
{
	unlink(path);
	teardown();
}

/* Late segments, a duplicate and a loss: exactly the bytes before the loss, the rest held. */
Test(replay, reorder_dup_and_loss, .init = setup, .fini = teardown_file)
{
	static const u32 order[] = { 0, 2, 1, 3, 3, 5, 6, 7, 8, 9 }; /* 4 lost */
	struct kit_replay_info ri;
	struct kit_flow_stat f;
	u32 r[4][2];

	cap_open();
	cap_seg(0, 0, 0x02, -1);
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		cap_data(order[i], -1);
	cap_close();
	cr_assert_eq(replay(false, &ri), 11, "11 frames expected");
	cr_assert_eq(ri.bad_csum, 0, "%u frames with bad checksums, expected 0", ri.bad_csum);
	cr_assert_eq(ri.flows, 1, "%u flows checked against the capture, expected 1", ri.flows);
	cr_assert_eq(ri.stream_bytes, 9 * MSS, "the capture's stream holds %llu bytes, expected %u "
		     "(segment 4 is not in it)", (unsigned long long)ri.stream_bytes, 9 * MSS);
	f = cap_flow();
	cr_assert(f.checked && f.stream, "the flow is not checked against the capture");
	cr_assert_eq(f.bytes, 4 * MSS, "%llu bytes delivered, expected %u (segments 0-3)",
		     (unsigned long long)f.bytes, 4 * MSS);
	cr_assert_eq(f.app_bytes, 4 * MSS, "the application read %llu, expected %u",
		     (unsigned long long)f.app_bytes, 4 * MSS);
	cr_assert_eq(f.next_seq - f.isn, 1 + 4 * MSS, "rcv_nxt %u, expected %u", f.next_seq - f.isn,
		     1 + 4 * MSS);
	cr_assert_eq(f.ooo, 6, "rx_ooo %llu, expected 6 (segment 2, then 5-9)",
		     (unsigned long long)f.ooo);
	cr_assert_eq(f.dups, 1, "rx_dups %llu, expected 1", (unsigned long long)f.dups);
	cr_assert_eq(f.ofo_segs, 5, "%u segments held, expected 5", f.ofo_segs);
	cr_assert_eq(f.ofo_bytes, 5 * MSS, "%llu bytes held, expected %u",
		     (unsigned long long)f.ofo_bytes, 5 * MSS);
	cr_assert_eq(f.errors + f.csum_errors, 0, "%llu stream and %llu checksum errors, expected 0",
		     (unsigned long long)f.errors, (unsigned long long)f.csum_errors);
	cr_assert_eq(kit_flow_ofo(k, 0, r, 4), 1, "the held segments make one range");
	cr_assert(r[0][0] - f.isn == 1 + 5 * MSS && r[0][1] - f.isn == 1 + 10 * MSS,
		  "held [%u, %u), expected [%u, %u)", r[0][0] - f.isn, r[0][1] - f.isn,
		  1 + 5 * MSS, 1 + 10 * MSS);
	check_clean(k);
}

/* One byte flipped on the wire, the segment sent again later: dropped, counted, then whole. */
Test(replay, a_byte_flipped_on_the_wire, .init = setup, .fini = teardown_file)
{
	struct kit_replay_info ri;
	struct kit_flow_stat f;

	cap_open();
	cap_seg(0, 0, 0x02, -1);
	for (u32 i = 0; i < 10; i++)
		cap_data(i, i == 4 ? 17 : -1);
	cap_data(4, -1); /* the sender's retransmission */
	cap_close();
	replay(false, &ri);
	cr_assert_eq(ri.bad_csum, 1, "%u frames with bad checksums, expected 1", ri.bad_csum);
	cr_assert_eq(st(sn1, "rx_csum_offload_errors"), 1, "the NIC flagged %llu frames, expected 1",
		     (unsigned long long)st(sn1, "rx_csum_offload_errors"));
	cr_assert_eq(st(sn1, "rx_csum_errors"), 1, "rx_csum_errors %llu, expected 1",
		     (unsigned long long)st(sn1, "rx_csum_errors"));
	f = cap_flow();
	cr_assert_eq(f.csum_errors, 1, "the flow's rx_csum_errors %llu, expected 1",
		     (unsigned long long)f.csum_errors);
	cr_assert_eq(f.bytes, 10 * MSS, "%llu bytes delivered, expected %u",
		     (unsigned long long)f.bytes, 10 * MSS);
	cr_assert_eq(f.errors, 0, "%llu stream errors, expected 0 (the flipped copy never got in)",
		     (unsigned long long)f.errors);
	cr_assert_eq(f.ooo, 5, "rx_ooo %llu, expected 5 (5-9 waited for 4)",
		     (unsigned long long)f.ooo);
	check_clean(k);
}

/* fixcsum (tcprewrite --fixcsum) makes the flipped copy look right: it is then the stream. */
Test(replay, fixcsum_takes_the_capture_as_it_is, .init = setup, .fini = teardown_file)
{
	struct kit_replay_info ri;
	struct kit_flow_stat f;

	cap_open();
	cap_seg(0, 0, 0x02, -1);
	for (u32 i = 0; i < 10; i++)
		cap_data(i, i == 4 ? 17 : -1);
	cap_close();
	replay(true, &ri);
	cr_assert_eq(ri.bad_csum, 0, "%u frames with bad checksums after fixcsum, expected 0",
		     ri.bad_csum);
	f = cap_flow();
	cr_assert_eq(f.bytes, 10 * MSS, "%llu bytes delivered, expected %u",
		     (unsigned long long)f.bytes, 10 * MSS);
	cr_assert_eq(f.errors + f.csum_errors, 0, "%llu stream, %llu checksum errors, expected 0",
		     (unsigned long long)f.errors, (unsigned long long)f.csum_errors);
	check_clean(k);
}

static void rx_cb(void *arg)
{
	netif_receive_skb(arg);
}

/* A byte changed above the NIC (a driver, LRO, GRO) differs from the capture's stream. */
Test(replay, a_byte_changed_on_the_way_up, .init = setup, .fini = teardown_file)
{
	struct kit_replay_info ri;
	struct sk_buff *skb;
	struct kit_snap s;
	char eb[PCAP_ERRBUF_SIZE], err[512];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *rp;

	/* segment 3 with its 10th byte wrong, as a frame: written, then read back */
	cap_open();
	cap_data(3, 9);
	cap_close();
	rp = pcap_open_offline(path, eb);
	cr_assert_not_null(rp, "%s", eb);
	cr_assert_eq(pcap_next_ex(rp, &h, &d), 1, "the frame could not be read back");
	skb = netdev_alloc_skb_ip_align(sn1, 256); /* IP header 4-byte aligned */
	cr_assert_not_null(skb, "dev_alloc_skb returned NULL");
	memcpy(skb_put(skb, h->caplen), d, h->caplen);
	memcpy(skb->data, sn1->dev_addr, ETH_ALEN);
	pcap_close(rp);
	unlink(path);

	cap_open();
	cap_seg(0, 0, 0x02, -1);
	for (u32 i = 0; i < 4; i++)
		cap_data(i, -1);
	cap_close();
	kit_snapshot(k, &s);
	/* one frame each 10 us: the SYN and segments 0-2 by 35 us, segment 3 at 40 */
	cr_assert_eq(kit_pktgen_pcap_opts(sn1, path, 100000, false, &ri, err, sizeof(err)), 5,
		     "%s", err);
	kit_run(k, 0, s.now + 35000, NULL);
	cr_assert_eq(cap_flow().bytes, 3 * MSS, "%llu bytes by 35 us, expected %u",
		     (unsigned long long)cap_flow().bytes, 3 * MSS);
	/* the corrupt copy goes up first, as a driver would pass it, the NIC's word for it */
	skb->protocol = eth_type_trans(skb, sn1);
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	kit_run_softirq(k, rx_cb, skb);
	run_idle(k);
	cr_assert_eq(cap_flow().errors, 1, "rx_stream_errors %llu, expected 1",
		     (unsigned long long)cap_flow().errors);
	cr_assert_eq(st(sn1, "rx_stream_errors"), 1, "sn1 rx_stream_errors %llu, expected 1",
		     (unsigned long long)st(sn1, "rx_stream_errors"));
	cr_assert_eq(cap_flow().dups, 1, "rx_dups %llu, expected 1 (the real segment 3, late)",
		     (unsigned long long)cap_flow().dups);
	check_clean(k);
}

/* The shared capture: its sender used checksum offload, so its TCP checksums are wrong. */
Test(replay, shared_capture_with_and_without_fixcsum, .init = setup, .fini = teardown)
{
	const char *cap = "tests/data/linux-tcp-bulk-512k.pcap";
	struct kit_replay_info ri;
	struct kit_snap s;
	char err[512];
	int n;

	n = kit_pktgen_pcap_opts(sn1, cap, 800000, false, &ri, err, sizeof(err));
	cr_assert_eq(n, 574, "replayed %d frames: %s", n, err);
	cr_assert_eq(ri.bad_csum, 574, "%u frames with bad checksums, expected 574", ri.bad_csum);
	cr_assert_eq(ri.flows, 0, "%u flows with right checksums, expected 0", ri.flows);
	run_idle(k);
	kit_snapshot(k, &s);
	cr_assert_eq(st(sn1, "rx_csum_errors"), 574, "rx_csum_errors %llu, expected 574",
		     (unsigned long long)st(sn1, "rx_csum_errors"));
	cr_assert_eq(st(sn1, "rx_csum_offload_errors"), 574, "the NIC flagged %llu, expected 574",
		     (unsigned long long)st(sn1, "rx_csum_offload_errors"));
	cr_assert_eq(s.app_bytes, 0, "the application read %llu bytes, expected 0",
		     (unsigned long long)s.app_bytes);

	n = kit_pktgen_pcap_opts(sn1, cap, 800000, true, &ri, err, sizeof(err));
	cr_assert_eq(n, 574, "replayed %d frames: %s", n, err);
	cr_assert_eq(ri.bad_csum, 0, "%u frames with bad checksums after fixcsum", ri.bad_csum);
	cr_assert_eq(ri.flows, 1, "%u flows checked, expected 1 (the data direction)", ri.flows);
	cr_assert_eq(ri.stream_bytes, 524288, "the stream holds %llu bytes, expected 524288",
		     (unsigned long long)ri.stream_bytes);
	run_idle(k);
	kit_snapshot(k, &s);
	cr_assert_eq(s.app_bytes, 524288, "the application read %llu bytes, expected 524288",
		     (unsigned long long)s.app_bytes);
	cr_assert_eq(st(sn1, "app_bytes"), 524288, "sn1 app_bytes %llu, expected 524288",
		     (unsigned long long)st(sn1, "app_bytes"));
	cr_assert_eq(st(sn1, "rx_stream_errors") + st(sn1, "rx_dups") + st(sn1, "rx_ooo"), 0,
		     "stream errors %llu, dups %llu, ooo %llu, expected none",
		     (unsigned long long)st(sn1, "rx_stream_errors"),
		     (unsigned long long)st(sn1, "rx_dups"), (unsigned long long)st(sn1, "rx_ooo"));
	cr_assert_eq(st(sn1, "rx_csum_errors"), 574, "rx_csum_errors %llu, expected still 574",
		     (unsigned long long)st(sn1, "rx_csum_errors"));
	check_clean(k);
}

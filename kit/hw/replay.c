/* replay.c - replay a classic pcap file into a device's RX side, at its recorded times or a rate. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nic_hw.h"

/*
 * The capture is read once, up front, with libpcap (any classic pcap, micro-
 * or nanosecond). The destination MAC becomes the device's, so the stack
 * takes the frame as PACKET_HOST (tcprewrite --enet-dmac). With fixcsum the
 * IPv4/TCP/UDP checksums are recomputed (tcprewrite --fixcsum): a capture
 * taken on a host whose sender used checksum offload holds the partial
 * checksums its NIC would have finished, and without fixcsum those frames
 * are flagged by the NIC and dropped by the stack, as Linux would; the load
 * counts them. Then each TCP flow's bytes are reassembled from the capture
 * (replay_stream.c), and the sink checks every byte it delivers against
 * them. Frames arrive at the first frame's time offsets from now, or evenly
 * at rate_pps, never faster than the wire.
 */

#define REPLAY_MAX_FRAMES (1u << 20)
#define REPLAY_MAX_BYTES (256u << 20)

struct replay {
	struct rx_source src;
	struct kit *k;
	unsigned int n, next;
	u64 *at;		/* arrival time per frame, ns */
	u32 *off, *len;		/* frame i is bytes[off[i] .. off[i] + len[i]) */
	unsigned char *bytes;
};

static void fix_csums(unsigned char *f, unsigned int len)
{
	struct iphdr *iph = (struct iphdr *)(f + ETH_HLEN);
	unsigned int ihl, tot;
	unsigned char *l4;

	if (len < ETH_HLEN + 20 || ((struct ethhdr *)f)->h_proto != htons(ETH_P_IP))
		return;
	ihl = iph->ihl * 4u;
	tot = ntohs(iph->tot_len);
	if (iph->version != 4 || ihl < 20 || tot < ihl || ETH_HLEN + tot > len)
		return;
	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);
	if (ntohs(iph->frag_off) & (IP_MF | IP_OFFSET))
		return;
	l4 = (unsigned char *)iph + ihl;
	if (iph->protocol == IPPROTO_TCP && tot - ihl >= sizeof(struct tcphdr)) {
		struct tcphdr *th = (struct tcphdr *)l4;

		th->check = 0;
		th->check = csum_tcpudp_magic(iph->saddr, iph->daddr, tot - ihl, IPPROTO_TCP,
					      csum_partial(l4, (int)(tot - ihl), 0));
	} else if (iph->protocol == IPPROTO_UDP && tot - ihl >= sizeof(struct udphdr)) {
		struct udphdr *uh = (struct udphdr *)l4;

		uh->check = 0;
		uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, tot - ihl, IPPROTO_UDP,
					      csum_partial(l4, (int)(tot - ihl), 0));
		if (!uh->check)
			uh->check = 0xffff;
	}
}

static unsigned int replay_emit(struct rx_source *src, unsigned char *buf, unsigned int room)
{
	struct replay *r = container_of(src, struct replay, src);
	unsigned int i = r->next++, len = r->len[i];

	if (buf && len <= room)
		memcpy(buf, r->bytes + r->off[i], len);
	r->src.next_at = r->next < r->n ? r->at[r->next] : KIT_NEVER;
	return len;
}

static void replay_destroy(struct rx_source *src)
{
	struct replay *r = container_of(src, struct replay, src);

	free(r->at);
	free(r->off);
	free(r->len);
	free(r->bytes);
	free(r);
}

static int grow_slots(struct replay *r, unsigned int want, unsigned int *slots)
{
	void *a, *o, *l;

	if (want > REPLAY_MAX_FRAMES)
		return -ENOMEM;
	a = realloc(r->at, want * sizeof(*r->at));
	if (a)
		r->at = a;
	o = realloc(r->off, want * sizeof(*r->off));
	if (o)
		r->off = o;
	l = realloc(r->len, want * sizeof(*r->len));
	if (l)
		r->len = l;
	if (!a || !o || !l)
		return -ENOMEM;
	*slots = want;
	return 0;
}

static int grow_bytes(struct replay *r, size_t want, size_t *cap)
{
	unsigned char *b;

	if (want > REPLAY_MAX_BYTES || !(b = realloc(r->bytes, want)))
		return -ENOMEM;
	r->bytes = b;
	*cap = want;
	return 0;
}

/* Read every frame into r; 0, or -EINVAL with err. */
static int load(struct replay *r, struct net_device *dev, const char *path, bool fixcsum,
		struct kit_replay_info *info, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	struct pcap_pkthdr *h;
	const u_char *data;
	size_t cap = 0, used = 0;
	unsigned int slots = 0;
	int rc;

	if (!p) {
		snprintf(err, errlen, "cannot read %s: %s", path, pcap_msg(path, ebuf));
		return -EINVAL;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		snprintf(err, errlen, "%s is not an Ethernet capture (link type %d)", path,
			 pcap_datalink(p));
		pcap_close(p);
		return -EINVAL;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		if (h->caplen < ETH_HLEN || h->caplen > SKB_MAX_ALLOC)
			continue; /* runt or jumbo: not something the NIC would take */
		if (r->n == slots && grow_slots(r, slots ? slots * 2 : 1024, &slots))
			break;
		used += (6 - used % 4) % 4; /* frames at 2 mod 4: IP headers 4-byte aligned */
		if (used + h->caplen > cap && grow_bytes(r, cap ? cap * 2 : 1 << 20, &cap))
			break;
		r->at[r->n] = (u64)h->ts.tv_sec * NSEC_PER_SEC + (u64)h->ts.tv_usec;
		r->off[r->n] = (u32)used;
		r->len[r->n] = h->caplen;
		memcpy(r->bytes + used, data, h->caplen);
		memcpy(r->bytes + used, dev->dev_addr, ETH_ALEN); /* to us */
		if (fixcsum)
			fix_csums(r->bytes + used, h->caplen);
		info->bad_csum += frame_csum_bad(r->bytes + used, h->caplen);
		used += h->caplen;
		r->n++;
	}
	pcap_close(p);
	if (!r->n) {
		snprintf(err, errlen, "%s holds no Ethernet frames the NIC could receive", path);
		return -EINVAL;
	}
	return 0;
}

int kit_pktgen_pcap(struct net_device *dev, const char *path, u64 rate_pps, char *err,
		    size_t errlen)
{
	return kit_pktgen_pcap_opts(dev, path, rate_pps, true, NULL, err, errlen);
}

int kit_pktgen_pcap_opts(struct net_device *dev, const char *path, u64 rate_pps, bool fixcsum,
			 struct kit_replay_info *info, char *err, size_t errlen)
{
	struct kit *k = kit_enter(dev->kit);
	struct kit_replay_info ri = { 0 };
	struct replay *r;
	u64 base, t;
	int nflows;

	if (!dev->nic || dev->nic->nsrc == NIC_MAX_SRC) {
		snprintf(err, errlen, "%s already has %d senders running: run to let them finish",
			 dev->name, NIC_MAX_SRC);
		return -EBUSY;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (load(r, dev, path, fixcsum, &ri, err, errlen)) {
		replay_destroy(&r->src);
		return -EINVAL;
	}
	hw_catch_up(k);
	base = r->at[0];
	t = k->now;
	for (unsigned int i = 0; i < r->n; i++) {
		u64 want = rate_pps ? k->now + i * (NSEC_PER_SEC / rate_pps) : k->now + r->at[i] - base;
		u64 wire = (wire_ps(k, r->len[i]) + 999) / 1000;

		t = want > t ? want : t; /* never faster than the wire */
		r->at[i] = t;
		t += wire;
	}
	r->k = k;
	r->src.emit = replay_emit;
	r->src.destroy = replay_destroy;
	r->src.next_at = r->at[0];
	r->src.last_at = r->at[r->n - 1];
	if (nic_add_source(dev->nic, &r->src)) {
		replay_destroy(&r->src);
		snprintf(err, errlen, "%s cannot take another sender now", dev->name);
		return -EBUSY;
	}
	/* the source is in: from here the bytes are the ones that will arrive */
	nflows = replay_streams(k, r->bytes, r->off, r->len, r->n, &ri.stream_bytes);
	ri.frames = r->n;
	ri.flows = nflows > 0 ? (unsigned int)nflows : 0;
	if (info)
		*info = ri;
	return (int)r->n;
}

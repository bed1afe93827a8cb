/* skbuff.h - struct sk_buff, skb queues and the kit's skb accounting. */
#ifndef RINGKIT_SKBUFF_H
#define RINGKIT_SKBUFF_H

#include <string.h>

#include "sim.h"
#include "types.h"

struct net_device;
struct skb_pool;

/*
 * Every skb comes from a fixed pool of buffers (kit/core/skb_pool.c), so the
 * per-packet path never calls malloc. A buffer holds SKB_BUF_SIZE bytes; the
 * data starts NET_SKB_PAD bytes in, as netdev_alloc_skb does in the kernel.
 * Larger frames (LRO aggregates) chain skbs on the frag_list.
 *
 * Era: the fields and helpers both kernels have, with the modern values
 * (CHECKSUM_* as 6.x numbers them; the names date from 2.6.19). The rest is
 * the kit's own accounting (kit_id, kit_place), which no kernel has.
 */
#define SKB_BUF_SIZE 2048
#define NET_SKB_PAD 64
#define NET_IP_ALIGN 2
#define SKB_MAX_ALLOC (SKB_BUF_SIZE - NET_SKB_PAD)

/* ip_summed */
#define CHECKSUM_NONE 0
#define CHECKSUM_UNNECESSARY 1
#define CHECKSUM_COMPLETE 2
#define CHECKSUM_PARTIAL 3

/* pkt_type */
#define PACKET_HOST 0
#define PACKET_BROADCAST 1
#define PACKET_MULTICAST 2
#define PACKET_OTHERHOST 3

/* gso_type bits (include/linux/skbuff.h, 4.x+ values) */
#define SKB_GSO_TCPV4 0x1
#define SKB_GSO_TCP_ECN 0x4	 /* GRO: the aggregate carries CWR */
#define SKB_GSO_TCP_FIXEDID 0x8	 /* GRO: every segment had the same IP ID */

struct skb_shared_info {
	u16 gso_size;		  /* payload per segment; nonzero = GSO */
	u16 gso_segs;		  /* segments it stands for */
	u32 gso_type;		  /* SKB_GSO_* */
	struct sk_buff *frag_list; /* chained skbs (LRO aggregates) */
};

/*
 * Where an skb is. The kit moves skbs between places it owns; an skb handed
 * to a driver is SKB_DRIVER until the driver frees it or passes it up, and
 * kit_check() finds it on a ring or in an LRO session.
 */
enum skb_place {
	SKB_FREE,	/* in the pool */
	SKB_USER,	/* held by a client: a shell handle, a test, a sender */
	SKB_QDISC,	/* in a device's qdisc */
	SKB_BLIST,	/* on dev->blist or dev->skb_blist */
	SKB_DRIVER,	/* owned by driver code: a ring slot, an LRO session, or
			 * held by the NAPI instance's GRO (gro_hash, rx_list) */
	SKB_BACKLOG,	/* on the per-CPU netif_rx backlog */
	SKB_STACK,	/* being processed by netif_receive_skb */
	SKB_SOCKET,	/* on a socket receive queue */
	SKB_FRAG,	/* chained on another skb's frag_list */
	SKB_PLACE_NR
};
const char *skb_place_name(enum skb_place p);

struct sk_buff {
	/* What an allocation sets afresh comes first, in whole 16-byte lines
	 * (core/skbuff.c copies it from a template), then the two fields it
	 * sets per skb; the buffer pointer after them is the skb's for life. */
	struct sk_buff *next, *prev; /* list links (sk_buff_head) */
	u64 tstamp;		     /* simulated ns of arrival */
	unsigned int len;	     /* bytes of data, frag_list included */
	unsigned int data_len;	     /* bytes on the frag_list */
	unsigned int end;	     /* offset of the end of the buffer */
	unsigned int truesize;	     /* memory charged for it */
	__be16 protocol;	     /* ETH_P_* in network order */
	u16 mac_header;		     /* offsets from head; 0xffff = unset */
	u16 network_header;
	u16 transport_header;
	unsigned int tail;	     /* offset of the end of linear data */
	u8 ip_summed;		     /* CHECKSUM_* */
	u8 pkt_type;		     /* PACKET_* */
	u16 csum_start;		     /* CHECKSUM_PARTIAL: checksummed from head + this */
	u16 csum_offset;	     /* ... with the result at csum_start + this */
	u16 vlan_tci;		     /* VLAN tag taken out by hardware */
	/* control buffer: the layer holding it; 8-byte aligned, as the kernel's */
	char cb[48] __attribute__((aligned(8)));
	struct skb_shared_info shinfo;
	struct net_device *dev;	     /* device it arrived on / leaves by */
	unsigned char *data;	     /* start of the data */
	unsigned char *head;	     /* start of the buffer */

	/* accounting: read by kit_check() and the shell, never by drivers;
	 * an allocation writes kit_id to kit_holder_dev, a free the freer */
	u32 kit_id;		     /* handle number: skb#N */
	u8 kit_place;		     /* enum skb_place */
	u8 kit_leaked;		     /* kit_check has reported it lost */
	u16 kit_line;		     /* allocation site */
	const char *kit_func;
	u64 kit_alloc_t;	     /* when it was allocated */
	const char *kit_holder;	     /* driver call it was in when it became the driver's */
	const struct net_device *kit_holder_dev; /* ... for this device */
	const char *kit_freer;	     /* driver call that freed it (NULL: kit code) */
	const struct net_device *kit_freer_dev;
	struct skb_pool *kit_pool;
};

#define skb_shinfo(skb) (&(skb)->shinfo)

struct sk_buff_head {
	struct sk_buff *next, *prev; /* must match struct sk_buff */
	u32 qlen;
};

/* Allocation: NULL when the pool is exhausted or a fault knob says so. */
struct sk_buff *__netdev_alloc_skb(struct net_device *dev, unsigned int len,
				   const char *func, int line);
#define netdev_alloc_skb(dev, len) __netdev_alloc_skb(dev, len, __func__, __LINE__)
#define dev_alloc_skb(len) __netdev_alloc_skb(NULL, len, __func__, __LINE__)
struct sk_buff *__netdev_alloc_skb_ip_align(struct net_device *dev, unsigned int len,
					    const char *func, int line);
#define netdev_alloc_skb_ip_align(dev, len) \
	__netdev_alloc_skb_ip_align(dev, len, __func__, __LINE__)

void kfree_skb(struct sk_buff *skb);
#define dev_kfree_skb(skb) kfree_skb(skb)
#define dev_kfree_skb_any(skb) kfree_skb(skb)
#define dev_kfree_skb_irq(skb) kfree_skb(skb)
#define consume_skb(skb) kfree_skb(skb)

/* Copy len bytes starting at offset, walking the frag_list; 0 or -EINVAL. */
int skb_copy_bits(const struct sk_buff *skb, int offset, void *to, int len);
/* The checksum of len bytes from offset, frag_list too (skb_checksum). */
__wsum skb_checksum(const struct sk_buff *skb, int offset, int len, __wsum csum);

static inline unsigned char *skb_tail_pointer(const struct sk_buff *skb)
{
	return skb->head + skb->tail;
}

static inline unsigned int skb_headlen(const struct sk_buff *skb)
{
	return skb->len - skb->data_len;
}

static inline unsigned int skb_headroom(const struct sk_buff *skb)
{
	return (unsigned int)(skb->data - skb->head);
}

static inline int skb_tailroom(const struct sk_buff *skb)
{
	return (int)(skb->end - skb->tail);
}

static inline void skb_reserve(struct sk_buff *skb, int len)
{
	skb->data += len;
	skb->tail += len;
}

/* Like the kernel these trust the caller; kit_check() catches overruns. */
static inline unsigned char *skb_put(struct sk_buff *skb, unsigned int len)
{
	unsigned char *tmp = skb_tail_pointer(skb);

	skb->tail += len;
	skb->len += len;
	return tmp;
}

static inline unsigned char *skb_push(struct sk_buff *skb, unsigned int len)
{
	skb->data -= len;
	skb->len += len;
	return skb->data;
}

static inline unsigned char *skb_pull(struct sk_buff *skb, unsigned int len)
{
	if (len > skb_headlen(skb))
		return NULL;
	skb->len -= len;
	skb->data += len;
	return skb->data;
}

static inline void skb_trim(struct sk_buff *skb, unsigned int len)
{
	if (skb->len > len && !skb->data_len) {
		skb->len = len;
		skb->tail = (unsigned int)(skb->data - skb->head) + len;
	}
}

static inline void skb_reset_mac_header(struct sk_buff *skb)
{
	skb->mac_header = (u16)(skb->data - skb->head);
}

static inline void skb_reset_network_header(struct sk_buff *skb)
{
	skb->network_header = (u16)(skb->data - skb->head);
}

static inline void skb_set_network_header(struct sk_buff *skb, int offset)
{
	skb->network_header = (u16)(skb->data - skb->head + offset);
}

static inline void skb_reset_transport_header(struct sk_buff *skb)
{
	skb->transport_header = (u16)(skb->data - skb->head);
}

static inline void skb_set_transport_header(struct sk_buff *skb, int offset)
{
	skb->transport_header = (u16)(skb->data - skb->head + offset);
}

static inline unsigned char *skb_mac_header(const struct sk_buff *skb)
{
	return skb->head + skb->mac_header;
}

static inline unsigned char *skb_network_header(const struct sk_buff *skb)
{
	return skb->head + skb->network_header;
}

static inline unsigned char *skb_transport_header(const struct sk_buff *skb)
{
	return skb->head + skb->transport_header;
}

static inline int skb_checksum_start_offset(const struct sk_buff *skb)
{
	return (int)skb->csum_start - (int)(skb->data - skb->head);
}

/*
 * The stack need not verify the L4 checksum: the NIC did (UNNECESSARY), or
 * the skb is a GRO aggregate whose segments were verified and whose checksum
 * is left to be filled if it is ever sent on (PARTIAL, tcp_gro_complete).
 */
static inline bool skb_csum_unnecessary(const struct sk_buff *skb)
{
	return skb->ip_summed == CHECKSUM_UNNECESSARY ||
	       (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_start_offset(skb) >= 0);
}

/* skb queues (the unlocked __ variants; the kit is single-threaded) */
static inline void skb_queue_head_init(struct sk_buff_head *list)
{
	list->prev = list->next = (struct sk_buff *)list;
	list->qlen = 0;
}

static inline u32 skb_queue_len(const struct sk_buff_head *list)
{
	return list->qlen;
}

static inline bool skb_queue_empty(const struct sk_buff_head *list)
{
	return list->next == (const struct sk_buff *)list;
}

static inline struct sk_buff *skb_peek(const struct sk_buff_head *list)
{
	struct sk_buff *skb = list->next;

	return skb == (const struct sk_buff *)list ? NULL : skb;
}

/* The head and the skbs share their first two members; link through them. */
struct skb_links {
	struct sk_buff *next, *prev;
};
#define SKB_LINKS(p) ((struct skb_links *)(void *)(p))

static inline void __skb_insert(struct sk_buff *n, struct sk_buff *prev,
				struct sk_buff *next, struct sk_buff_head *list)
{
	SKB_LINKS(n)->next = next;
	SKB_LINKS(n)->prev = prev;
	SKB_LINKS(next)->prev = n;
	SKB_LINKS(prev)->next = n;
	list->qlen++;
}

static inline void __skb_queue_tail(struct sk_buff_head *list, struct sk_buff *n)
{
	__skb_insert(n, list->prev, (struct sk_buff *)list, list);
}

static inline void __skb_queue_head(struct sk_buff_head *list, struct sk_buff *n)
{
	__skb_insert(n, (struct sk_buff *)list, list->next, list);
}

static inline void __skb_unlink(struct sk_buff *skb, struct sk_buff_head *list)
{
	struct sk_buff *next = skb->next, *prev = skb->prev;

	list->qlen--;
	SKB_LINKS(next)->prev = prev;
	SKB_LINKS(prev)->next = next;
	skb->next = skb->prev = NULL;
}

static inline struct sk_buff *__skb_dequeue(struct sk_buff_head *list)
{
	struct sk_buff *skb = skb_peek(list);

	if (skb)
		__skb_unlink(skb, list);
	return skb;
}

#define skb_queue_tail __skb_queue_tail
#define skb_queue_head __skb_queue_head
#define skb_dequeue __skb_dequeue

void skb_queue_purge(struct sk_buff_head *list);

#endif

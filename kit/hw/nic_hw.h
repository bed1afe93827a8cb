/* nic_hw.h - the simulated NIC's internal state, shared by kit/hw/ only. */
#ifndef KIT_HW_NIC_HW_H
#define KIT_HW_NIC_HW_H

#include "kit.h"

/*
 * A source of frames arriving at a NIC from a remote sender (pktgen, a pcap
 * replay). The NIC asks for the next frame when its arrival time comes and
 * hands the source the RX buffer to write it into (the DMA), or NULL when no
 * descriptor is free (the frame is dropped, the source moves on).
 */
struct rx_source {
	u64 next_at;   /* arrival of the next frame; KIT_NEVER when finished */
	/* write the frame due at next_at into buf (room bytes), advance next_at;
	 * returns the frame length; with buf NULL, or a frame longer than room,
	 * nothing is written (the NIC counts the frame missed) */
	unsigned int (*emit)(struct rx_source *s, unsigned char *buf, unsigned int room);
	void (*destroy)(struct rx_source *s);
	u64 last_at;   /* arrival of the final frame, for the lazy hardware step */
	struct frame_payload pl; /* set by emit: the pattern payload in what it wrote */
	/* set by emit: the frame is its template's (core/pkttmpl.c) as written,
	 * so its headers are the template's but for fields its checksums cover,
	 * and both checksums are right (test_pkttmpl.c): the NIC's checksum
	 * verdict on one such frame is its verdict on every one (nic_rx.c) */
	bool tmpl;
	struct rx_csum_memo {
		u32 key;	/* the length and the VP bit it was for; 0: none yet */
		u8 status, errors;
	} csum;			/* the NIC's: its verdict on the last tmpl frame */
	/* the NIC's too: the room a posted buffer needs for the fast arrival
	 * of this source's frames (nic_rx.c's rx_arrive_plain), with the memo
	 * above for them; more than any buffer has (~0u) while it is not, and
	 * from the source's start (its maker sets it so) */
	u32 fast_room;
};

#define NIC_MAX_SRC 8
#define NIC_CAUSES 8 /* ICR bits 0..7 */
#define NIC_RX_OWNERS 2048 /* a power of two; more than a ring and the queues behind it hold */
#define NIC_TX_OWNERS 2048 /* a power of two */

struct nic {
	struct kit *k;
	struct net_device *dev;
	int index;
	u64 next;		/* nic_next_change, kept exact: the hardware's work
				 * (hw_sync) and each change from outside (hw_update,
				 * hw_update_nic, the doorbell, kit_irq, the in-flight
				 * interrupt) leave it so; inside nic_write_reg it is
				 * the old one until its closing hw_update, which a
				 * handler run there (an IMS or ICS write) may see:
				 * exact as those writes leave irq_at as it was */

	/* registers */
	u32 ctrl, icr, ims, itr, rctl, tctl, rdtr, rxfr, tidv;
	u32 tdbal, tdbah, tdlen, tdh, tdt;
	struct e1000_tx_desc *tx_ring; /* TDBAH:TDBAL as a pointer: nic_write, their
				 * only writer, sets it with them */
	u32 rdbal, rdbah, rdlen, rdh, rdt;

	/* TX engine: [tdh, tx_sched) are fetched and have a finish time */
	u32 tx_count;
	u32 tx_sched;
	u64 *tx_done;		/* per slot: ns its write-back happens */
	u64 wire_free_up;	/* the wire is busy until wire_free_up * 1000 - */
	u32 wire_slack;		/* wire_slack picoseconds (slack < 1000): the ns
				 * its last frame's last bit left, rounded up */
	u32 wire_len;		/* a frame of wire_len bytes at wire_mbps takes */
	long wire_mbps;		/* wire_ns * 1000 + wire_sub ps (wire_ps); */
	u64 wire_ns;		/* wire_mbps 0: none yet (a link speed is */
	u32 wire_sub;		/* never 0: wire_ps divides by it) */
	u64 tx_ring_ok_gen;	/* the ring checked out at this dma_coherent_gen (0: not;
				 * a TDBAL, TDBAH or TDLEN write clears it) */

	/* RX engine */
	u32 rx_count;
	struct rx_source *src[NIC_MAX_SRC];
	int nsrc;
	u64 rx_first;		/* first frame not yet signalled (coalescing) */
	u32 rx_unsignalled;

	/* interrupts */
	u64 cause_at[NIC_CAUSES]; /* delayed causes: when they reach ICR */
	u64 cause_min;		/* the earliest of them */
	u64 irq_at;		/* line asserts then (KIT_NEVER: not due) */
	bool asserted;
	u64 last_irq;		/* last assertion, for ITR */
	bool irq_ever;
	irq_handler_t handler;
	void *dev_id;
	u32 unhandled;		/* IRQ_NONE in a row */
	u32 unread;		/* deliveries in a row without an ICR read */
	bool irq_disabled;	/* "nobody cared": line shut off */
	bool irq_stale;		/* the line's state moved without irq_update (boot,
				 * request_irq, free_irq, an in-flight interrupt):
				 * nic_raise runs it */

	/* faults */
	u64 fault_lockup;	/* lose every Nth TX interrupt */
	u64 fault_dd_delay;	/* ns */
	u64 tx_irq_raises;

	/* counters: a frame count and its bytes not side by side, so a frame's
	 * two adds stay two adds (the compiler makes a pair into a vector add
	 * of seven instructions) */
	u64 tx_frames, tx_doorbells, tx_bytes;
	u64 rx_frames, rx_doorbells, rx_bytes;
	u64 rx_missed, irqs, irqs_lost, dma_faults;
	u64 sink_frames, sink_bad, sink_bytes; /* frames that left into the sink */

	/* The skbs owning the buffers RX wrote frames into lately, by buffer
	 * address: the NIC's next frame into a buffer posted again (nic_rx.c)
	 * and the driver's unmap of the buffer (dma.c) find its skb here
	 * instead of working it out again. Exact: the pool's layout is fixed
	 * while the kit lives, so an address's owner never changes; a slot whose
	 * address is another's is simply not used. */
	struct nic_rx_owner {
		u64 addr;
		struct sk_buff *owner;
	} rx_owner[NIC_RX_OWNERS];

	/* The same for the buffers TX sent frames from lately, with the bytes
	 * of the skb's buffer from the address on: a frame of at most room
	 * bytes there lies in the pool's open chunks, all nic_dma_ok would
	 * check (nic_tx.c), and the driver's unmap finds its skb here (dma.c).
	 * A slot holds an address only with its owner (room > 0). */
	struct nic_tx_owner {
		u64 addr;
		struct sk_buff *owner;
		u64 room;
	} tx_owner[NIC_TX_OWNERS];
};

/* Buffers are SKB_BUF_SIZE + 64 bytes apart, an odd number of 64-byte lines:
 * NIC_RX_OWNERS buffers in a row fall into as many different slots. */
static inline struct nic_rx_owner *nic_rx_owner_slot(struct nic *hw, u64 addr)
{
	return &hw->rx_owner[(addr >> 6) & (NIC_RX_OWNERS - 1)];
}

static inline struct nic_tx_owner *nic_tx_owner_slot(struct nic *hw, u64 addr)
{
	return &hw->tx_owner[(addr >> 6) & (NIC_TX_OWNERS - 1)];
}

/* hw/hw.c: hw_ev at at (KIT_NEVER: cancelled) */
void hw_ev_at(struct kit *k, u64 at);
/* hw/hw.c: hw_update after a change to hw alone, the other NICs' next as kept */
void hw_update_one(struct kit *k, struct nic *hw);

/*
 * The earliest change of all NICs is next: keep hw_ev at it (hw steps) or at
 * the next one that matters. With hw steps off that one is worked out only
 * when hw_ev is looked at, at a step's start (hw_arm): the hardware catches
 * up many times within a step as time is charged, and only the state at the
 * step's end decides when the next step is needed. (A stale hw_ev could only
 * have woken the CPU early, to find nothing it could notice: the same
 * machine.) hw_schedule_in is the same inline, for hw_sync's end and the
 * doorbell's.
 */
void hw_schedule(struct kit *k, u64 next);
static inline void hw_schedule_in(struct kit *k, u64 next)
{
	k->hw_next = next;
	if (k->hw_steps)
		hw_ev_at(k, next);
	else
		k->hw_lazy_stale = true;
}

/* hw/nic_regs.c */
void nic_raise(struct nic *hw, u32 cause, u64 at);
/* the same, k being hw->k (the hardware's own paths, which have it at hand) */
void nic_raise_k(struct kit *k, struct nic *hw, u32 cause, u64 at);
void nic_cause_cancel(struct nic *hw, int bit); /* KIT_NEVER for one, -1 all */
void nic_irq_update(struct nic *hw);
u64 nic_next_change(const struct nic *hw);
void nic_advance(struct kit *k, struct nic *hw, u64 t); /* k: hw->k */
bool nic_dma_ok(struct nic *hw, u64 addr, size_t len);
u64 dma_coherent_gen(void); /* moves at every coherent alloc and free */

/*
 * A tail write's charges in one go (the TDT and RDT writes' common turn):
 * the write's and n descriptors' (one each), when both end before the
 * hardware's next change and the driver is short of its lockup time after
 * the write's charge. Then the catch-ups of hw_catch_up and sim_charge find
 * nothing due and driver_time_check passes, so the charges are their sums
 * and counts; false, with nothing changed, for any other turn.
 */
static inline __attribute__((always_inline)) bool nic_tail_charge(struct kit *k, u32 n)
{
	u64 cm = k->cost[COST_MMIO_WRITE], cd = k->cost[COST_DESC] * (u64)n;
	u64 now = k->now + cm;

	if (unlikely(now + cd >= k->hw_next) ||
	    (unlikely(now - k->lab_enter_ns > DRIVER_LOCKUP_NS) && k->lab_running))
		return false;
	k->now = now + cd;
	k->cpu.busy += cm + cd;
	k->cost_ns[COST_MMIO_WRITE] += cm;
	k->cost_count[COST_MMIO_WRITE]++;
	k->cost_ns[COST_DESC] += cd;
	k->cost_count[COST_DESC] += n;
	return true;
}

/* hw/nic_tx.c */
/* k: hw->k; false: hw->next is to be looked at again (hw_update_nic) */
bool nic_tx_doorbell(struct kit *k, struct nic *hw, u32 tdt);
/* the whole TDT write in its common turn; false: not taken, nothing changed */
bool nic_tx_doorbell_fast(struct kit *k, struct nic *hw, u32 tdt);
void nic_tx_complete_one(struct kit *k, struct nic *hw); /* k: hw->k */
void nic_tx_reset(struct nic *hw);
void nic_tx_fetch(struct nic *hw);

/* hw/nic_rx.c */
void nic_rx_frame(struct nic *hw, const unsigned char *frame, unsigned int len, u64 t);
void nic_rx_from_source(struct nic *hw, struct rx_source *s);
/* RX checksum offload's status bits and errors for len bytes at f, every byte read */
u8 nic_rx_csum_status(const unsigned char *f, unsigned int len, u8 *errors);
void nic_rx_reset(struct nic *hw);
int nic_add_source(struct nic *hw, struct rx_source *s);

/* hw/wire.c */
u64 wire_ps(const struct kit *k, unsigned int len);
void wire_send(struct kit *k, struct nic *from, unsigned char *frame, unsigned int len, u64 t);
void snull_twist(unsigned char *frame, unsigned int len);

/* hw/replay_stream.c */
/* Is the frame's IPv4 header, TCP or UDP checksum wrong? */
bool frame_csum_bad(const unsigned char *f, unsigned int len);
/* Reassemble each TCP flow's bytes from frames with right checksums and give
 * them to the stack to check against; returns the flows, bytes in *stream_bytes. */
int replay_streams(struct kit *k, const unsigned char *bytes, const u32 *off, const u32 *len,
		   unsigned int n, u64 *stream_bytes);

/* hw/pcap.c */
/* libpcap's message without the "path: " it may start with */
const char *pcap_msg(const char *path, const char *msg);
void pcap_tap(struct kit *k, struct net_device *dev, const unsigned char *frame,
	      unsigned int len, u64 t);

#endif

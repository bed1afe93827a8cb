/* nic.h - the simulated NIC's programming model: registers, descriptors, DMA, IRQ. */
#ifndef RINGKIT_NIC_H
#define RINGKIT_NIC_H

#include "types.h"

struct net_device;

/*
 * The NIC follows the Intel 8254x (e1000) as described in its Software
 * Developer's Manual (SDM), simplified:
 *
 *  - one TX and one RX queue, legacy descriptors only (SDM 3.2.4, 3.3.3);
 *  - descriptor rings live in host memory; the driver owns the slots from
 *    the tail register round to the head, the NIC owns [head, tail);
 *  - writing a tail register (TDT, RDT) is the doorbell (SDM 3.2.6, 3.4);
 *  - the NIC writes status DD back into each descriptor it finishes, and
 *    advances the head register (TDH, RDH);
 *  - interrupt causes collect in ICR, which reading clears; IMS/IMC set and
 *    clear the mask; a cause raised while masked stays pending in ICR and
 *    fires when unmasked (SDM 13.4.17-13.4.22);
 *  - ITR is the minimum interval between interrupts in 256 ns units
 *    (SDM 13.4.18); RDTR delays the RX interrupt (1.024 us units, SDM
 *    13.4.33); RXFR is the kit's own rx-frames threshold (no 8254x register
 *    counts frames).
 *
 * Era: none; this is the hardware, the same under a 2.6.20 or a 6.x driver.
 *
 * Left out: EEPROM, PHY and link negotiation, multiple descriptors per frame
 * (no scatter-gather, no TSO context descriptors), checksum offload contexts
 * (RX checksums are always checked: no RXCSUM register), flow control, VLAN
 * filtering (CTRL.VME strips every tag), statistics registers (the kit counts in
 * software), the RXDMT0 threshold (never raised). The wire adds no
 * propagation delay: a frame reaches the peer when its last bit is sent.
 */

/* Register offsets (SDM table 13-2) */
#define E1000_CTRL 0x00000   /* device control */
#define E1000_STATUS 0x00008 /* device status; read it to flush posted writes */
#define E1000_ICR 0x000C0    /* interrupt cause read, read-to-clear */
#define E1000_ITR 0x000C4    /* interrupt throttling, 256 ns units */
#define E1000_ICS 0x000C8    /* interrupt cause set (software-raised) */
#define E1000_IMS 0x000D0    /* interrupt mask set: 1 = enabled */
#define E1000_IMC 0x000D8    /* interrupt mask clear */
#define E1000_RCTL 0x00100   /* RX control */
#define E1000_TCTL 0x00400   /* TX control */
#define E1000_RDBAL 0x02800  /* RX descriptor base, low 32 bits */
#define E1000_RDBAH 0x02804  /* RX descriptor base, high 32 bits */
#define E1000_RDLEN 0x02808  /* RX ring length in bytes */
#define E1000_RDH 0x02810    /* RX head: next descriptor the NIC fills */
#define E1000_RDT 0x02818    /* RX tail: one past the last posted buffer */
#define E1000_RDTR 0x02820   /* RX delay timer (rx-usecs), 1.024 us units */
#define E1000_RXFR 0x0E000   /* kit: RX interrupt after this many frames */
#define E1000_TDBAL 0x03800  /* TX descriptor base, low 32 bits */
#define E1000_TDBAH 0x03804  /* TX descriptor base, high 32 bits */
#define E1000_TDLEN 0x03808  /* TX ring length in bytes */
#define E1000_TDH 0x03810    /* TX head: next descriptor the NIC sends */
#define E1000_TDT 0x03818    /* TX tail: one past the last posted frame */
#define E1000_TIDV 0x03820   /* TX interrupt delay (tx-usecs), 1.024 us units */

#define E1000_CTRL_RST 0x04000000 /* reset: rings and registers back to 0 */
#define E1000_CTRL_VME 0x40000000 /* VLAN mode: strip 802.1Q tags on receive (SDM 13.4.1) */
#define E1000_RCTL_EN 0x00000002
#define E1000_TCTL_EN 0x00000002

/* Interrupt causes (ICR, ICS, IMS, IMC bits) */
#define E1000_ICR_TXDW 0x00000001   /* a TX descriptor with RS was written back */
#define E1000_ICR_TXQE 0x00000002   /* TX ring emptied */
#define E1000_ICR_LSC 0x00000004    /* link status change */
#define E1000_ICR_RXDMT0 0x00000010 /* RX descriptors running low */
#define E1000_ICR_RXO 0x00000040    /* RX overrun: frame dropped, no buffer */
#define E1000_ICR_RXT0 0x00000080   /* RX timer: frames were received */
#define E1000_ICR_INT_ASSERTED 0x80000000
#define E1000_IMS_TXDW E1000_ICR_TXDW
#define E1000_IMS_RXT0 E1000_ICR_RXT0
#define E1000_IMS_RXDMT0 E1000_ICR_RXDMT0
#define E1000_IMS_RXO E1000_ICR_RXO
#define E1000_IMS_RX (E1000_ICR_RXT0 | E1000_ICR_RXDMT0 | E1000_ICR_RXO)
#define E1000_IMS_TX E1000_ICR_TXDW

/* Legacy TX descriptor (SDM 3.3.3) */
struct e1000_tx_desc {
	__le64 buffer_addr; /* address of the frame data */
	union {
		__le32 data;
		struct {
			__le16 length; /* bytes to send */
			u8 cso;	       /* checksum offset (unused) */
			u8 cmd;	       /* E1000_TXD_CMD_* */
		} flags;
	} lower;
	union {
		__le32 data;
		struct {
			u8 status;     /* E1000_TXD_STAT_DD once sent */
			u8 css;
			__le16 special;
		} fields;
	} upper;
};

#define E1000_TXD_CMD_EOP 0x01	/* end of packet */
#define E1000_TXD_CMD_IFCS 0x02 /* insert FCS */
#define E1000_TXD_CMD_RS 0x08	/* report status: write DD back */
#define E1000_TXD_CMD_IDE 0x80	/* interrupt delay enable: TXDW waits TIDV (SDM 3.3.3.1) */
#define E1000_TXD_STAT_DD 0x01	/* descriptor done */

/* Legacy RX descriptor (SDM 3.2.3) */
struct e1000_rx_desc {
	__le64 buffer_addr; /* where the NIC writes the frame */
	__le16 length;	    /* bytes written */
	__le16 csum;	    /* packet checksum */
	u8 status;	    /* E1000_RXD_STAT_* */
	u8 errors;	    /* E1000_RXD_ERR_* */
	__le16 special;	    /* VLAN tag when STAT_VP */
};

/* Status (SDM 3.2.3.1): IPCS/TCPCS say a checksum was checked, the errors
 * byte says whether it was wrong; with IXSM set neither means anything. */
#define E1000_RXD_STAT_DD 0x01	  /* descriptor done */
#define E1000_RXD_STAT_EOP 0x02	  /* end of packet */
#define E1000_RXD_STAT_IXSM 0x04  /* ignore the checksum indications */
#define E1000_RXD_STAT_VP 0x08	  /* VLAN tag stripped into special */
#define E1000_RXD_STAT_UDPCS 0x10 /* UDP checksum checked (82571 and later; e1000e) */
#define E1000_RXD_STAT_TCPCS 0x20 /* TCP (8254x: TCP or UDP) checksum checked */
#define E1000_RXD_STAT_IPCS 0x40  /* IPv4 header checksum checked */
#define E1000_RXD_ERR_TCPE 0x20	  /* TCP/UDP checksum wrong */
#define E1000_RXD_ERR_IPE 0x40	  /* IPv4 header checksum wrong */
#define E1000_RXD_SPC_VLAN_MASK 0x0FFF /* the VLAN id in special */

/* The hardware behind a net_device. Drivers reach it only through registers. */
struct nic;
u32 nic_read(struct nic *hw, u32 reg);
void nic_write(struct nic *hw, u32 reg, u32 val);
#define er32(reg) nic_read(hw, E1000_##reg)
#define ew32(reg, val) nic_write(hw, E1000_##reg, (val))
#define E1000_WRITE_FLUSH() ((void)er32(STATUS))

/*
 * DMA. A bus address is the host pointer (no IOMMU); the NIC checks every
 * address it is given against memory the kit handed out (skb buffers and
 * coherent allocations) and reports a DMA fault instead of touching anything
 * else. The kernel takes a struct device; the kit takes the net_device.
 */
enum dma_data_direction { DMA_BIDIRECTIONAL, DMA_TO_DEVICE, DMA_FROM_DEVICE };
dma_addr_t dma_map_single(struct net_device *dev, void *ptr, size_t size,
			  enum dma_data_direction dir);
void dma_unmap_single(struct net_device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir);
static inline int dma_mapping_error(struct net_device *dev, dma_addr_t addr)
{
	(void)dev;
	return addr == 0;
}
void *dma_alloc_coherent(struct net_device *dev, size_t size, dma_addr_t *handle);
void dma_free_coherent(struct net_device *dev, size_t size, void *vaddr,
		       dma_addr_t handle);

/* Interrupts */
typedef enum irqreturn { IRQ_NONE = 0, IRQ_HANDLED = 1 } irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);
int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
		const char *name, void *dev_id);
void free_irq(unsigned int irq, void *dev_id);

#endif

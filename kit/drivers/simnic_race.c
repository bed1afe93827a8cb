/* simnic_race.c - the TX stop/wake race on demand: another CPU's reclaim at the driver's stop. */
#include "kit.h"

/*
 * Transmit and TX reclaim run on different CPUs with no lock between them
 * (e1000_main.c), and each can miss the other's last move:
 *
 *   transmit (CPU A)                      reclaim (CPU B)
 *   the ring is full: decide to stop
 *                                         free every done slot,
 *                                         store next_to_clean
 *                                         queue stopped? no: no wake
 *   netif_stop_queue
 *
 * Nobody wakes the queue, and if B freed the last slots in flight no
 * completion is left to do it: it stays stopped until the watchdog. Two
 * pairs of code prevent it, and the knob race_tx_reclaim makes the kit play
 * CPU B at exactly that gap, every Nth time a driver stops its queue from
 * its transmit path (before netif_stop_queue sets the bit):
 *
 *  - A stops, smp_mb(), and looks at the ring again (__e1000_maybe_stop_tx):
 *    room means a reprieve, netif_start_queue, restart_queue++.
 *  - B stores next_to_clean, smp_mb(), and only then reads the stopped bit
 *    (e1000_clean_tx_irq). Without that barrier B's store may still sit in
 *    its store buffer when A looks again, so A sees the full ring it saw
 *    before. The kit models exactly that much of a memory model: what the
 *    injected reclaim stores to next_to_clean becomes visible to the
 *    transmit side at the reclaim's last smp_mb() (BQL's
 *    netdev_completed_queue has one too), or, without one, only when the
 *    transmit call returns.
 *
 * Deterministic: the same knob and script give the same interleaving.
 */

static struct kit_race *race_of(struct net_device *dev)
{
	return &dev->kit->race[dev->ifindex];
}

long simnic_race_get(struct net_device *dev)
{
	return (long)race_of(dev)->every;
}

void simnic_race_set(struct net_device *dev, long every)
{
	struct kit *k = dev->kit;
	struct kit_race *r = race_of(dev);

	r->every = (u64)every;
	r->chances = 0;
	k->race_armed = false;
	for (int i = 0; i < k->ndevs; i++)
		k->race_armed |= k->race[i].every != 0;
}

/* smp_mb(): during the injected reclaim, its next_to_clean so far is published. */
void kit_smp_mb(void)
{
	struct kit *k = kit_current;
	struct simnic_adapter *a;

	barrier();
	if (!k || likely(!k->race_cpu))
		return;
	a = netdev_priv(k->race_cpu);
	race_of(k->race_cpu)->ntc_seen = a->tx_ring.next_to_clean;
}

/* From netif_stop_queue, before the bit is set: CPU B's reclaim, if it is its turn. */
void simnic_race_at_stop(struct net_device *dev)
{
	struct kit *k = dev->kit;
	struct kit_race *r = race_of(dev);
	struct simnic_adapter *a = netdev_priv(dev);
	struct net_device *xmit = k->xmit_dev;
	unsigned int before, after;
	enum kit_ctx prev;

	if (k->race_cpu || k->xmit_dev != dev || !simnic_is(dev) || !a->tx_ring.desc ||
	    ++r->chances % r->every)
		return;
	before = a->tx_ring.next_to_clean;
	TRACE(k, TR_RACE, dev, 0, before, 0, 0);
	k->race_cpu = dev;
	r->ntc_seen = before;
	k->xmit_dev = NULL; /* B is not in a transmit call */
	prev = cpu_enter(k, CTX_SOFTIRQ);
	hw_catch_up(k);
	(void)LAB_CALL(k, dev, clean_tx_irq, a);
	cpu_leave(k, prev);
	k->race_cpu = NULL;
	k->xmit_dev = xmit;
	after = a->tx_ring.next_to_clean;
	TRACE(k, TR_RACE, dev, 1, after, r->ntc_seen, 0);
	if (after != r->ntc_seen) {
		/* not yet visible to CPU A: it reads the old value until its call returns */
		r->ntc_real = after;
		r->hidden = true;
		a->tx_ring.next_to_clean = r->ntc_seen;
	}
}

/* The transmit call returned: B's store has drained, A sees it from now on. */
void simnic_race_xmit_done(struct net_device *dev)
{
	struct kit_race *r = race_of(dev);
	struct simnic_adapter *a = netdev_priv(dev);

	if (!r->hidden)
		return;
	r->hidden = false;
	a->tx_ring.next_to_clean = r->ntc_real;
}

/*
 * The RX race (race_rx_irq): a frame that lands after the poll's last look
 * at the ring, just as it ends. Its cause waits in ICR while the poll keeps
 * interrupts masked, so the order of the poll's last two steps decides:
 *
 *   complete, then unmask    the unmask finds the cause and interrupts at
 *                            once: the handler schedules a new poll
 *   unmask, then complete    the interrupt comes while NAPI is still
 *                            scheduled: the handler's schedule fails.
 *                            Classic NAPI loses it: the frame waits for the
 *                            next one. Modern NAPI records MISSED.
 *
 * In modern NAPI the kit also plays the interrupt the NIC had already sent
 * to another CPU before the poll masked it: the handler runs there now, its
 * napi_schedule_prep fails and sets MISSED, so the poll's napi_complete_done
 * returns false and the poll must leave interrupts masked. The end of a poll
 * is the first of napi_complete_done, netif_rx_complete and an IMS write
 * that unmasks RX from inside it. Every Nth poll's end, deterministically.
 */
long simnic_race_rx_get(struct net_device *dev)
{
	return (long)race_of(dev)->rx_every;
}

void simnic_race_rx_set(struct net_device *dev, long every)
{
	struct kit_race *r = race_of(dev);

	r->rx_every = (u64)every;
	r->rx_chances = 0;
	r->rx_poll = 0;
}

void simnic_race_rx_at_end(struct net_device *dev)
{
	struct kit *k = dev->kit;
	struct kit_race *r = race_of(dev);
	struct simnic_adapter *a;
	struct nic *hw = dev->nic;
	int rdh;

	if (!r->rx_every || k->sd.polling != dev || k->cpu.ctx != CTX_SOFTIRQ || !hw ||
	    !simnic_is(dev) || r->rx_poll == dev->core.polls + 1)
		return;
	r->rx_poll = dev->core.polls + 1; /* once per poll */
	if (++r->rx_chances % r->rx_every)
		return;
	a = netdev_priv(dev);
	if ((rdh = nic_rx_pull_next(hw)) < 0)
		return;
	TRACE(k, TR_RACE, dev, 2, (u32)rdh, 0, 0);
	if (a->irq_mode == SIMNIC_NAPI_MODERN && nic_cause_pending(hw, E1000_ICR_RXT0)) {
		TRACE(k, TR_RACE, dev, 3, 0, 0, 0);
		nic_irq_deliver_inflight(hw, E1000_ICR_RXT0);
	}
}

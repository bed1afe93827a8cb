/* labload.c - load lab functions from a shared object (the shell's `driver FILE.so`). */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kit.h"

/*
 * A driver .so defines some of the lab functions by their contract names
 * (simnic.h); each one found replaces the linked one, the others stay. The
 * .so is built with -Bsymbolic so its calls among its own functions stay
 * inside it; the kit calls it only through k->lab. Devices are closed before
 * the switch and opened after, so no old function is still referenced when
 * the old .so is closed.
 */

static void reopen_all(struct kit *k)
{
	for (int i = 0; i < k->ndevs; i++)
		dev_close(k->devs[i]);
	for (int i = 0; i < k->ndevs; i++) {
		k->devs[i]->state &= ~(1UL << __LINK_STATE_BROKEN);
		dev_open(k->devs[i]);
	}
}

/*
 * With every device closed the driver holds nothing: its rings and LRO
 * sessions are empty. An skb still marked as the driver's was leaked, or
 * was in a function that crashed; the new driver starts without it.
 */
static void free_orphans(struct kit *k)
{
	struct sk_buff *skb;
	size_t cur = 0;

	while ((skb = skb_pool_iter(k, &cur)) != NULL) {
		if (skb->kit_place != SKB_DRIVER)
			continue;
		TRACE(k, TR_SKB_ORPHAN, skb->dev, skb->kit_id, 0, 0, 0);
		kfree_skb(skb);
	}
}

/*
 * dlopen a private copy of path: the loader maps a file and keeps it mapped,
 * and recognises a path it has open, so a .so rebuilt or copied over in place
 * would either not be reloaded or change under the running code. A fresh copy
 * (deleted once mapped) is always what is on disk now.
 */
static void *open_copy(const char *path, char *err, size_t errlen)
{
	/* mkstemps's template: six placeholder characters before the ".so" */
	char tmp[] = "/tmp/ringlab-driver-\x58\x58\x58\x58\x58\x58.so", buf[65536];
	int in = open(path, O_RDONLY | O_CLOEXEC), out;
	ssize_t n = 0;
	void *h;

	if (in < 0) {
		snprintf(err, errlen, "cannot load %s: %s", path, strerror(errno));
		return NULL;
	}
	out = mkstemps(tmp, 3);
	if (out < 0) {
		snprintf(err, errlen, "cannot load %s: no copy in /tmp: %s", path, strerror(errno));
		close(in);
		return NULL;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (close(out) || n < 0) {
		snprintf(err, errlen, "cannot load %s: copying it to %s failed", path, tmp);
		unlink(tmp);
		return NULL;
	}
	h = dlopen(tmp, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror(), *colon = e ? strstr(e, tmp) : NULL;

		/* the loader names the copy; the user knows the file by its own name */
		if (colon)
			e = colon + strlen(tmp) + (colon[strlen(tmp)] == ':' ? 2 : 0);
		snprintf(err, errlen, "cannot load %s: %s", path, e ? e : "dlopen failed");
	}
	unlink(tmp);
	return h;
}

int kit_driver_load(struct kit *k, const char *path, char *err, size_t errlen)
{
	struct simnic_lab_ops ops = simnic_lab_linked;
	bool loaded[32] = { false };
	void *h = NULL, *old = k->lab_handle;
	int found = 0;

	kit_enter(k);
	k->dropping_driver = true; /* the old driver's pending polls are not run */
	for (int i = 0; i < k->ndevs; i++)
		dev_close(k->devs[i]);
	k->dropping_driver = false;
	free_orphans(k);
	if (old) {
		/* close first, so a rebuilt file at the same path is really reloaded */
		k->lab = simnic_lab_linked;
		k->lab_handle = NULL;
		dlclose(old);
	}
	if (path) {
		h = open_copy(path, err, errlen);
		if (!h)
			goto fallback;
		for (size_t i = 0; i < simnic_lab_nfns && i < ARRAY_SIZE(loaded); i++) {
			void *sym = dlsym(h, simnic_lab_fns[i].name);

			if (!sym)
				continue;
			memcpy((char *)&ops + simnic_lab_fns[i].offset, &sym, sizeof(sym));
			loaded[i] = true;
			found++;
		}
		if (!found) {
			snprintf(err, errlen, "%s defines none of the lab functions (simnic_xmit_frame, "
				 "simnic_poll, lro_receive_skb, ...)", path);
			dlclose(h);
			goto fallback;
		}
	}
	k->lab = ops;
	k->lab_handle = h;
	memcpy(k->lab_loaded, loaded, sizeof(loaded));
	snprintf(k->lab_name, sizeof(k->lab_name), "%s", path ? path : "solution");
	reopen_all(k);
	return found;

fallback:
	/* the old file is gone: go on with the linked functions */
	k->lab = simnic_lab_linked;
	memset(k->lab_loaded, 0, sizeof(k->lab_loaded));
	if (old)
		snprintf(k->lab_name, sizeof(k->lab_name), "solution");
	reopen_all(k);
	return -EINVAL;
}

const char *kit_driver_name(const struct kit *k)
{
	return k->lab_name;
}

bool kit_driver_fn_loaded(const struct kit *k, size_t i)
{
	return i < ARRAY_SIZE(k->lab_loaded) && k->lab_loaded[i];
}

const char *kit_driver_fn_running(const struct kit *k)
{
	return k->lab_running;
}

void kit_event_running(const struct kit *k, char *buf, size_t len)
{
	if (!k->ev_what)
		snprintf(buf, len, "a shell command");
	else if (k->ev_name)
		snprintf(buf, len, "%s %s", k->ev_what, k->ev_name);
	else
		snprintf(buf, len, "%s", k->ev_what);
}

struct net_device *kit_dev_running(const struct kit *k)
{
	return k->dev_running;
}

void kit_dev_mark_broken(struct kit *k, struct net_device *dev)
{
	if (!dev)
		return;
	dev->state |= 1UL << __LINK_STATE_BROKEN;
	k->lab_running = NULL;
	k->dev_running = NULL;
	cpu_ns_sync(k);
	k->cpu.ctx = CTX_PROCESS;
	k->cpu.irq_off = 0;
	k->cpu.irq_pending &= ~(1u << dev->ifindex);
	/* whatever the crash interrupted is over */
	k->sd.polling = NULL;
	k->sd.xmit_more = false;
	k->sd.rx_round = false;
	k->in_hw = false;
	if (simnic_is(dev))
		((struct simnic_adapter *)netdev_priv(dev))->napi.in_poll = false;
	if (dev->qdisc)
		dev->qdisc->running = false;
}

bool kit_dev_broken(const struct net_device *dev)
{
	return dev->state & (1UL << __LINK_STATE_BROKEN);
}

void lab_dlclose(void *handle)
{
	dlclose(handle);
}

u64 kit_driver_calls(const struct kit *k)
{
	return k->lab_calls;
}

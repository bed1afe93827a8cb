/* calls.h - what the client calls share: entering the kit in a context, failing with a reason. */
#ifndef KIT_CORE_CALLS_H
#define KIT_CORE_CALLS_H

#include <stdio.h>

#include "kit.h"

#define FAIL(...)                                \
	do {                                     \
		snprintf(err, errlen, __VA_ARGS__); \
		return -EINVAL;                  \
	} while (0)

static inline enum kit_ctx enter(struct net_device *dev, enum kit_ctx ctx, const char *what)
{
	struct kit *k = kit_enter(dev->kit);
	enum kit_ctx prev = cpu_enter(k, ctx);

	kit_doing(k, what, dev->name);
	hw_catch_up(k);
	return prev;
}

static inline void leave(struct net_device *dev, enum kit_ctx prev)
{
	cpu_leave(dev->kit, prev);
	kit_doing(dev->kit, NULL, NULL);
}

#endif

/* abort_intr.c - a test driver whose interrupt handler calls abort(): SIGABRT is an oops too. */
#include <stdlib.h>

#include <ringkit/ringkit.h>

irqreturn_t simnic_intr(int irq, void *data)
{
	abort();
}

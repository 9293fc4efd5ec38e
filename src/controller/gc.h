/* gc.h — garbage collector and namespace cleanup (see gc.c). */
#ifndef JOBD_GC_H
#define JOBD_GC_H
#include "store/store.h"

int gc_start(struct store *s);
void gc_stop(void);
#endif

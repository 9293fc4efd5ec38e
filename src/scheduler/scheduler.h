/* scheduler.h — binds pending pods to nodes (in-process, through the API client). */
#ifndef JOBD_SCHEDULER_H
#define JOBD_SCHEDULER_H

int scheduler_start(void);
void scheduler_stop(void);
#endif

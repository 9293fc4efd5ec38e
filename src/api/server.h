/* server.h — the HTTP listener of jobd server. */
#ifndef JOBD_SERVER_H
#define JOBD_SERVER_H
#include <arpa/inet.h>
#include "base/base.h"

int api_server_start(const char *addr, uint16_t port, char *err, size_t errlen);
uint16_t api_server_port(void); /* actual port (for --port 0) */
void api_server_stop(void);
#endif

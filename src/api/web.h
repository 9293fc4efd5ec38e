/* web.h — the console's static files, embedded at build time (scripts/embed-web.sh). */
#ifndef JOBD_WEB_H
#define JOBD_WEB_H
#include <stddef.h>

struct web_asset {
        const char *path; /* "/index.html" */
        const char *ctype;
        const unsigned char *data;
        size_t len;
};
extern const struct web_asset web_assets[]; /* terminated by a NULL path */
#endif

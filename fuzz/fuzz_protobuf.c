/* fuzz_protobuf.c — k8s_protobuf_decode() on arbitrary bytes.  Beyond "no crash, no leak"
 * it checks the contract callers rely on: a refusal always says why ("protobuf: ..."), and
 * an accepted body is an object that serialises and parses again under JSON_MAX_DEPTH. */
#include "api/protobuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char err[256] = "";
        json_t *j = k8s_protobuf_decode(data, size, err, sizeof(err));
        if (!j) {
                if (!startswith(err, "protobuf: "))
                        abort();
                return 0;
        }
        if (!json_is_object(j) || !jstr(j, "kind") || !jstr(j, "apiVersion"))
                abort();
        char *s = jdump(j);
        char perr[256];
        json_t *again = jparse(s, strlen(s), JSON_MAX_DEPTH, perr, sizeof(perr));
        if (!again || !json_equal(again, j))
                abort();
        json_decref(again);
        free(s);
        json_decref(j);
        return 0;
}

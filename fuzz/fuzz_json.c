/* fuzz_json.c — jparse() on arbitrary bytes, then the three patch flavours.  The parsed
 * document is patched with itself (merge, strategic as a Job and as a Pod); an input of
 * the form [doc, patch] also drives every flavour with that pair, so the fuzzer can
 * explore directives, pointers and list merges.  Checked: inputs are never modified, a
 * failure always carries a message, and every result parses again under JSON_MAX_DEPTH. */
#include "api/patch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_result(json_t *res, const char *err)
{
        if (!res) {
                if (!err[0])
                        abort();
                return;
        }
        char *s = jdump(res);
        char perr[256];
        json_t *again = jparse(s, strlen(s), JSON_MAX_DEPTH, perr, sizeof(perr));
        if (!again)
                abort();
        json_decref(again);
        free(s);
        json_decref(res);
}

static void run_pair(json_t *doc, json_t *patch)
{
        static const char *kinds[] = {"Job", "Pod", "CronJob", "Node", "ConfigMap"};
        json_t *doc0 = json_deep_copy(doc), *patch0 = json_deep_copy(patch);
        char err[512];

        err[0] = 0;
        check_result(patch_merge(doc, patch, err, sizeof(err)), err);
        for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
                err[0] = 0;
                check_result(patch_strategic(doc, patch, kinds[i], err, sizeof(err)), err);
        }
        if (json_is_array(patch)) {
                err[0] = 0;
                check_result(patch_json(doc, patch, err, sizeof(err)), err);
        }
        if (!json_equal(doc, doc0) || !json_equal(patch, patch0))
                abort();
        json_decref(doc0);
        json_decref(patch0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char err[256];
        json_t *doc = jparse((const char *)data, size, JSON_MAX_DEPTH, err, sizeof(err));
        if (!doc)
                return 0;
        run_pair(doc, doc);
        if (json_is_array(doc) && json_array_size(doc) == 2)
                run_pair(json_array_get(doc, 0), json_array_get(doc, 1));
        json_decref(doc);
        return 0;
}

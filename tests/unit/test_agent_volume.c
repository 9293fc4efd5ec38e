/* test_agent_volume.c — the files of configMap/secret/downwardAPI volumes: items, modes,
 * base64 secrets, optional keys, and item paths that try to leave the volume. */
#include "harness.h"
#include "volume/volume.h"

static json_t *J(const char *s)
{
        json_error_t e;
        json_t *j = json_loads(s, 0, &e);
        if (!j)
                fprintf(stderr, "bad json: %s\n", e.text);
        return j;
}

static json_t *pod(void)
{
        return J("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"uid\":\"u1\",\"labels\":"
                 "{\"b\":\"2\",\"a\":\"1\"}},\"spec\":{\"nodeName\":\"n\",\"containers\":[{\"name\":"
                 "\"c\",\"resources\":{\"limits\":{\"memory\":\"64Mi\",\"cpu\":\"250m\"}}}]}}");
}

TEST(configmap_all_keys_and_items)
{
        json_t *p = pod(), *files = NULL;
        json_t *cm = J("{\"data\":{\"k1\":\"v1\",\"k2\":\"v2\"}}");
        json_t *vol = J("{\"name\":\"v\",\"configMap\":{\"name\":\"cm\"}}");
        char err[256];
        CHECK_INT(volume_files(p, vol, cm, &files, err, sizeof(err)), 0);
        CHECK_STR(jstr(json_object_get(files, "k1"), "data"), "v1");
        int64_t mode = 0;
        CHECK(jint(json_object_get(files, "k2"), "mode", &mode) && mode == 0644);
        json_decref(files);
        json_decref(vol);
        vol = J("{\"name\":\"v\",\"configMap\":{\"name\":\"cm\",\"defaultMode\":256,\"items\":[{\"key\":"
                "\"k2\",\"path\":\"d/two\"},{\"key\":\"k1\",\"path\":\"one\",\"mode\":384}]}}");
        CHECK_INT(volume_files(p, vol, cm, &files, err, sizeof(err)), 0);
        CHECK_INT(json_object_size(files), 2);
        CHECK(jint(json_object_get(files, "d/two"), "mode", &mode) && mode == 0400);
        CHECK(jint(json_object_get(files, "one"), "mode", &mode) && mode == 0600);
        json_decref(files);
        json_decref(vol);
        vol = J("{\"name\":\"v\",\"configMap\":{\"name\":\"cm\",\"items\":[{\"key\":\"nope\",\"path\":\"x\"}]}}");
        CHECK(volume_files(p, vol, cm, &files, err, sizeof(err)) < 0);
        json_decref(vol);
        vol = J("{\"name\":\"v\",\"configMap\":{\"name\":\"cm\",\"items\":[{\"key\":\"k1\",\"path\":\"../../etc/x\"}]}}");
        CHECK(volume_files(p, vol, cm, &files, err, sizeof(err)) < 0);
        CHECK(strstr(err, "may not contain the '..' path") != NULL);
        json_decref(vol);
        vol = J("{\"name\":\"v\",\"configMap\":{\"name\":\"cm\",\"items\":[{\"key\":\"k1\",\"path\":\"/abs\"}]}}");
        CHECK(volume_files(p, vol, cm, &files, err, sizeof(err)) < 0);
        json_decref(vol);
        json_decref(cm);
        json_decref(p);
}

TEST(secret_base64)
{
        json_t *p = pod(), *files = NULL;
        json_t *s = J("{\"data\":{\"pw\":\"czNjcjN0\",\"bin\":\"AAEC\"}}");
        json_t *vol = J("{\"name\":\"v\",\"secret\":{\"secretName\":\"s\"}}");
        char err[256];
        CHECK_INT(volume_files(p, vol, s, &files, err, sizeof(err)), 0);
        CHECK_STR(jstr(json_object_get(files, "pw"), "data"), "s3cr3t");
        CHECK_INT(json_string_length(json_object_get(json_object_get(files, "bin"), "data")), 3);
        json_decref(files);
        json_decref(vol);
        json_decref(s);
        json_decref(p);
}

TEST(downward_api)
{
        json_t *p = pod(), *files = NULL;
        json_t *vol = J("{\"name\":\"v\",\"downwardAPI\":{\"items\":[{\"path\":\"name\",\"fieldRef\":{"
                        "\"fieldPath\":\"metadata.name\"}},{\"path\":\"labels\",\"fieldRef\":{"
                        "\"fieldPath\":\"metadata.labels\"}},{\"path\":\"mem\",\"resourceFieldRef\":{"
                        "\"containerName\":\"c\",\"resource\":\"limits.memory\",\"divisor\":\"1Mi\"}},"
                        "{\"path\":\"cpu\",\"resourceFieldRef\":{\"containerName\":\"c\",\"resource\":"
                        "\"limits.cpu\",\"divisor\":\"1m\"}}]}}");
        char err[256];
        CHECK_INT(volume_files(p, vol, NULL, &files, err, sizeof(err)), 0);
        CHECK_STR(jstr(json_object_get(files, "name"), "data"), "p");
        CHECK_STR(jstr(json_object_get(files, "labels"), "data"), "a=\"1\"\nb=\"2\"");
        CHECK_STR(jstr(json_object_get(files, "mem"), "data"), "64");
        CHECK_STR(jstr(json_object_get(files, "cpu"), "data"), "250");
        json_decref(files);
        json_decref(vol);
        char *v = pod_field_value(p, "metadata.labels['b']");
        CHECK_STR(v, "2");
        free(v);
        CHECK(pod_field_value(p, "spec.bogus") == NULL);
        json_decref(p);
}

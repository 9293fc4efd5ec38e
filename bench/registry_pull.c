/* registry_pull.c — the benchmark's jobd side: `registry_pull [registry_cli args]`, i.e.
 * exactly what `jobd image pull` runs (registry_cli), in a release build, without
 * depending on whether main.c routes `jobd image pull` yet.  bench/registry-pull.sh
 * times it against skopeo in the same run. */
#include "registry/registry.h"

int main(int argc, char **argv)
{
        return registry_cli(argc - 1, argv + 1);
}

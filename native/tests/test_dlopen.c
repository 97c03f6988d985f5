/* CTest "capi-dlopen": the library loaded with dlopen, used, dlclose'd and loaded again in one process.
 * A NativeAOT runtime cannot be unloaded; libhgn.so is linked -z nodelete, so dlclose keeps it mapped and the
 * second dlopen finds the same, still running library. Usage: test_dlopen /path/to/libhgn.so.1 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include "hgn.h"

typedef int32_t (*version_fn)(void);
typedef const char* (*error_fn)(void);
typedef int32_t (*load_fn)(const char*, hgn_model**);

static int use_library(const char* path, int round, void** version_address)
{
    void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) { fprintf(stderr, "round %d: dlopen failed: %s\n", round, dlerror()); return 1; }
    version_fn version = (version_fn)dlsym(lib, "hgn_api_version");
    error_fn last_error = (error_fn)dlsym(lib, "hgn_last_error");
    load_fn load = (load_fn)dlsym(lib, "hgn_model_load");
    if (!version || !last_error || !load) { fprintf(stderr, "round %d: missing symbol\n", round); return 1; }
    if (dlsym(lib, "DotNetRuntimeDebugHeader") != NULL) { fprintf(stderr, "a non-hgn_ symbol is exported\n"); return 1; }
    if (version() != HGN_API_VERSION) { fprintf(stderr, "round %d: api version %d\n", round, version()); return 1; }
    hgn_model* model = (hgn_model*)0x1;
    int32_t rc = load("/nonexistent/model.hgn", &model);   /* starts the runtime and raises, and catches, an exception */
    if (rc != HGN_E_FILE || model != NULL || strlen(last_error()) == 0)
    {
        fprintf(stderr, "round %d: load of a missing file gave %d\n", round, rc);
        return 1;
    }
    if (round == 0) *version_address = (void*)version;
    else if (*version_address != (void*)version) { fprintf(stderr, "the library moved: it was unloaded\n"); return 1; }
    if (dlclose(lib) != 0) { fprintf(stderr, "round %d: dlclose failed: %s\n", round, dlerror()); return 1; }
    printf("round %d: ok (%s)\n", round, last_error());
    return 0;
}

int main(int argc, char** argv)
{
    if (argc != 2) { fprintf(stderr, "usage: %s /path/to/libhgn.so.1\n", argv[0]); return 2; }
    void* address = NULL;
    for (int round = 0; round < 3; round++)
        if (use_library(argv[1], round, &address) != 0) return 1;
    /* The library is still mapped after the last dlclose (nodelete): RTLD_NOLOAD finds it. */
    void* still = dlopen(argv[1], RTLD_NOW | RTLD_NOLOAD);
    if (!still) { fprintf(stderr, "the library was unmapped by dlclose: -z nodelete is missing\n"); return 1; }
    printf("dlopen/dlclose/dlopen: ok\n");
    return 0;
}

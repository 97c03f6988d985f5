/* C ABI tests (CTest "capi"): every hgn_ function, NULL outputs, refusals with codes and messages, handle
 * lifetimes, two threads sharing one model, finite-difference checks of energy, forces and virial, and the host
 * neighbour-list path (periodic-image ghosts built here) against the periodic cell. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hgn.h"
#include "test_data.h"

static int failures = 0, checks = 0;

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        checks++;                                                               \
        if (!(cond)) {                                                          \
            failures++;                                                         \
            fprintf(stderr, "FAIL %s:%d: %s — ", __FILE__, __LINE__, #cond);   \
            fprintf(stderr, __VA_ARGS__);                                       \
            fprintf(stderr, " (last error: %s)\n", hgn_last_error());           \
        }                                                                       \
    } while (0)

/* A call that must fail with `code` and leave a non-empty message. */
#define REFUSED(call, code)                                                                  \
    do {                                                                                     \
        int32_t rc_ = (call);                                                                \
        CHECK(rc_ == (code), "%s returned %d, expected %d", #call, rc_, (code));             \
        CHECK(strlen(hgn_last_error()) > 0, "%s left no message", #call);                   \
    } while (0)

#define OK(call) do { int32_t rc_ = (call); CHECK(rc_ == HGN_OK, "%s returned %d", #call, rc_); } while (0)

static const char* MODEL_PATH = "test_capi_pair.hgn";

static void count_log(int32_t level, const char* message, void* user)
{
    if (level == HGN_LOG_INFO && message != NULL && strlen(message) > 0) ++*(int*)user;
}

static hgn_model* train_gas_model(const test_data* t)
{
    hgn_model* model = NULL;
    int messages = 0;
    OK(hgn_set_log_callback(count_log, &messages));
    int32_t widths[3] = {48, 0, 0};
    OK(hgn_train(t->m, t->n, 3, t->q, t->p, t->dq, t->dp, t->mass, t->species, NULL, 0, t->cutoff, t->cell,
                 HGN_FAMILY_PAIR, HGN_SAMPLER_SWIM, widths, 5, "angstrom", "eV", &model));
    CHECK(model != NULL, "trained model handle");
    CHECK(messages >= 3, "training progress reached the log callback (%d messages)", messages);
    OK(hgn_set_log_callback(NULL, NULL));
    return model;
}

static void test_library(void)
{
    CHECK(hgn_api_version() == HGN_API_VERSION, "api version %d", hgn_api_version());
    const char* info = hgn_build_info();
    char api[32];
    snprintf(api, sizeof api, "api %d;", HGN_API_VERSION);
    CHECK(info != NULL && strstr(info, api) != NULL && strstr(info, "simd ") != NULL, "build info '%s'", info);
    printf("build info: %s\n", info);
    CHECK(hgn_last_error() != NULL, "last error never NULL");
}

static void test_queries(hgn_model* model)
{
    int32_t family = -1, dim = -1, sep = -1, uses = -1, species = -1;
    double cutoff = -1;
    const char *lu = NULL, *eu = NULL;
    OK(hgn_model_family(model, &family));
    OK(hgn_model_dimension(model, &dim));
    OK(hgn_model_is_separable(model, &sep));
    OK(hgn_model_uses_edges(model, &uses));
    OK(hgn_model_species_count(model, &species));
    OK(hgn_model_cutoff(model, &cutoff));
    OK(hgn_model_units(model, &lu, &eu));
    CHECK(family == HGN_FAMILY_PAIR && dim == 3 && sep == 1 && uses == 0 && species == 2, "queries %d %d %d %d %d", family, dim, sep, uses, species);
    CHECK(cutoff == 2.2, "cutoff %g", cutoff);
    double influence = -1;
    int32_t ghosts = -1;
    OK(hgn_model_influence_distance(model, &influence));
    OK(hgn_model_needs_ghost_neighbors(model, &ghosts));
    CHECK(influence == 2.2 && ghosts == 0, "influence %g, ghosts %d", influence, ghosts);
    REFUSED(hgn_model_influence_distance(model, NULL), HGN_E_ARG);
    CHECK(lu && eu && strcmp(lu, "angstrom") == 0 && strcmp(eu, "eV") == 0, "units %s %s", lu ? lu : "(null)", eu ? eu : "(null)");
    OK(hgn_model_units(model, NULL, &eu));   /* either output may be NULL */
    REFUSED(hgn_model_family(model, NULL), HGN_E_ARG);
}

/* Energy, forces, virial and per-atom energy of one configuration; finite differences; NULL outputs. */
static void test_compute(hgn_model* model, const test_data* t)
{
    hgn_workspace* ws = NULL;
    OK(hgn_workspace_create(model, &ws));
    int64_t n = t->n;
    double e = 0, e2 = 0, virial[6], *f = malloc(sizeof(double) * n * 3), *f2 = malloc(sizeof(double) * n * 3);
    double* pa = malloc(sizeof(double) * n);
    const double* q = t->q;   /* snapshot 0 */
    OK(hgn_compute(ws, n, q, t->species, t->cell, NULL, 0, &e, f, virial, pa));

    /* NULL outputs are skipped and change nothing else. */
    OK(hgn_compute(ws, n, q, t->species, t->cell, NULL, 0, &e2, NULL, NULL, NULL));
    CHECK(memcmp(&e, &e2, sizeof e) == 0, "energy alone %.17g vs with all outputs %.17g", e2, e);
    for (int64_t k = 0; k < n * 3; k++) f2[k] = 12345.0;
    OK(hgn_compute(ws, n, q, t->species, t->cell, NULL, 0, NULL, f2, NULL, NULL));
    CHECK(memcmp(f, f2, sizeof(double) * n * 3) == 0, "forces alone are overwritten and equal");

    double sum = 0;
    for (int64_t i = 0; i < n; i++) sum += pa[i];
    CHECK(fabs(sum - e) <= 1e-12 * (1 + fabs(e)), "per-atom sum %.17g vs energy %.17g", sum, e);

    /* Accuracy against the true potential (the model was trained on it). */
    double* ftrue = malloc(sizeof(double) * n * 3);
    gas_energy_forces(q, n, t->cell[0], t->cutoff, ftrue);
    double num = 0, den = 0;
    for (int64_t k = 0; k < n * 3; k++) { num += (f[k] - ftrue[k]) * (f[k] - ftrue[k]); den += ftrue[k] * ftrue[k]; }
    CHECK(sqrt(num / den) < 1e-2, "force relative L2 error vs truth %.3g", sqrt(num / den));

    /* Forces = -dV/dq by central differences. A learned potential sums large, cancelling head coefficients, so
       the differences carry round-off far above 1e-16: the bounds are loose, yet a wrong sign or term gives O(1). */
    double* qq = malloc(sizeof(double) * n * 3);
    const double h = 1e-5;
    double worst = 0;
    for (int64_t k = 0; k < n * 3; k += 7)
    {
        double ep, em;
        memcpy(qq, q, sizeof(double) * n * 3);
        qq[k] += h; OK(hgn_compute(ws, n, qq, t->species, t->cell, NULL, 0, &ep, NULL, NULL, NULL));
        qq[k] -= 2 * h; OK(hgn_compute(ws, n, qq, t->species, t->cell, NULL, 0, &em, NULL, NULL, NULL));
        double fd = -(ep - em) / (2 * h), err = fabs(fd - f[k]) / (1 + fabs(f[k]));
        if (err > worst) worst = err;
    }
    CHECK(worst < 1e-4, "force vs finite difference: worst relative error %.3g", worst);

    /* Virial = -dV/d(strain): stretch positions and the periodic cell together along each axis. */
    int A[6] = {0, 1, 2, 0, 0, 1}, B[6] = {0, 1, 2, 1, 2, 2};
    for (int c = 0; c < 3; c++)
    {
        double ev[2];
        for (int s = 0; s < 2; s++)
        {
            double eps = s == 0 ? h : -h, cell[9];
            memcpy(cell, t->cell, sizeof cell);
            cell[c * 4] *= 1 + eps;
            memcpy(qq, q, sizeof(double) * n * 3);
            for (int64_t i = 0; i < n; i++) qq[i * 3 + c] *= 1 + eps;
            OK(hgn_compute(ws, n, qq, t->species, cell, NULL, 0, &ev[s], NULL, NULL, NULL));
        }
        double fd = -(ev[0] - ev[1]) / (2 * h);
        CHECK(fabs(fd - virial[c]) < 1e-4 * (1 + fabs(virial[c])), "virial[%d] %.12g vs strain derivative %.12g", c, virial[c], fd);
    }
    /* Off-diagonal virial components: the open-boundary virial of a cluster against a simple shear. */
    {
        int64_t m = 10;
        double cv[6], ep, em;
        double* qc = malloc(sizeof(double) * m * 3);
        for (int64_t k = 0; k < m * 3; k++) qc[k] = q[k];
        OK(hgn_compute(ws, m, qc, t->species, NULL, NULL, 0, NULL, NULL, cv, NULL));
        for (int c = 3; c < 6; c++)
        {
            double* qs = malloc(sizeof(double) * m * 3);
            for (int s = 0; s < 2; s++)
            {
                double eps = s == 0 ? h : -h;
                memcpy(qs, qc, sizeof(double) * m * 3);
                for (int64_t i = 0; i < m; i++) qs[i * 3 + A[c]] += eps * qc[i * 3 + B[c]];
                OK(hgn_compute(ws, m, qs, t->species, NULL, NULL, 0, s == 0 ? &ep : &em, NULL, NULL, NULL));
            }
            double fd = -(ep - em) / (2 * h);
            CHECK(fabs(fd - cv[c]) < 1e-4 * (1 + fabs(cv[c])), "cluster virial[%d] %.12g vs shear derivative %.12g", c, cv[c], fd);
            free(qs);
        }
        free(qc);
    }

    /* Time derivatives of the same (separable) model: dp equals the forces bit for bit, dq ~ p/m. */
    double H, *dq = malloc(sizeof(double) * n * 3), *dp = malloc(sizeof(double) * n * 3);
    OK(hgn_time_derivatives(ws, n, q, t->p, t->mass, t->species, t->cell, NULL, 0, &H, dq, dp));
    CHECK(memcmp(dp, f, sizeof(double) * n * 3) == 0, "dp of hgn_time_derivatives equals forces of hgn_compute bit for bit");
    double dqerr = 0;
    for (int64_t k = 0; k < n * 3; k++) dqerr = fmax(dqerr, fabs(dq[k] - t->dq[k]));
    CHECK(dqerr < 1e-6, "dq vs p/m: %.3g", dqerr);
    OK(hgn_time_derivatives(ws, n, q, t->p, t->mass, t->species, t->cell, NULL, 0, NULL, NULL, NULL));

    /* Velocity Verlet through hgn_step conserves the learned energy. */
    double *qs = malloc(sizeof(double) * n * 3), *ps = malloc(sizeof(double) * n * 3), H0, H1;
    memcpy(qs, q, sizeof(double) * n * 3);
    for (int64_t k = 0; k < n * 3; k++) ps[k] = 0.3 * t->p[k];
    OK(hgn_time_derivatives(ws, n, qs, ps, t->mass, t->species, t->cell, NULL, 0, &H0, NULL, NULL));
    OK(hgn_step(ws, n, qs, ps, t->mass, t->species, t->cell, NULL, 0, 0.002, 200, HGN_INTEGRATOR_VELOCITY_VERLET));
    OK(hgn_time_derivatives(ws, n, qs, ps, t->mass, t->species, t->cell, NULL, 0, &H1, NULL, NULL));
    CHECK(fabs(H1 - H0) < 1e-3 * (1 + fabs(H0)), "energy over 200 velocity-Verlet steps %.9g -> %.9g", H0, H1);
    CHECK(memcmp(qs, q, sizeof(double) * n * 3) != 0, "hgn_step moved the particles");
    OK(hgn_step(ws, n, qs, ps, t->mass, t->species, t->cell, NULL, 0, 0.002, 0, HGN_INTEGRATOR_STORMER_VERLET));

    free(qs); free(ps); free(dq); free(dp); free(qq); free(ftrue); free(f); free(f2); free(pa);
    hgn_workspace_free(&ws);
    CHECK(ws == NULL, "workspace_free sets NULL");
}

/* Save, load from the file and from memory: the same energies and forces bit for bit. */
static void test_save_load(hgn_model* model, const test_data* t)
{
    OK(hgn_model_save(model, MODEL_PATH));
    hgn_model *fromFile = NULL, *fromMemory = NULL;
    OK(hgn_model_load(MODEL_PATH, &fromFile));
    FILE* fp = fopen(MODEL_PATH, "rb");
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char* bytes = malloc((size_t)size);
    CHECK(fread(bytes, 1, (size_t)size, fp) == (size_t)size, "read model file");
    fclose(fp);
    OK(hgn_model_load_memory(bytes, size, &fromMemory));

    hgn_model* models[3] = {model, fromFile, fromMemory};
    double e[3], *f[3];
    for (int k = 0; k < 3; k++)
    {
        hgn_workspace* ws = NULL;
        f[k] = malloc(sizeof(double) * t->n * 3);
        OK(hgn_workspace_create(models[k], &ws));
        OK(hgn_compute(ws, t->n, t->q, t->species, t->cell, NULL, 0, &e[k], f[k], NULL, NULL));
        hgn_workspace_free(&ws);
    }
    for (int k = 1; k < 3; k++)
    {
        CHECK(memcmp(&e[0], &e[k], sizeof(double)) == 0, "energy of reloaded model %d", k);
        CHECK(memcmp(f[0], f[k], sizeof(double) * t->n * 3) == 0, "forces of reloaded model %d", k);
    }

    /* Corrupt, truncated and empty bytes are refused with HGN_E_MODEL; the output stays NULL. */
    hgn_model* bad = (hgn_model*)0x1;
    bytes[size / 2] ^= 0x40;
    REFUSED(hgn_model_load_memory(bytes, size, &bad), HGN_E_MODEL);
    CHECK(bad == NULL, "failed load sets *model = NULL");
    bytes[size / 2] ^= 0x40;
    REFUSED(hgn_model_load_memory(bytes, size - 1, &bad), HGN_E_MODEL);
    REFUSED(hgn_model_load_memory(bytes, 0, &bad), HGN_E_MODEL);
    REFUSED(hgn_model_load_memory(bytes, 10, &bad), HGN_E_MODEL);
    FILE* junk = fopen("test_capi_junk.hgn", "wb");
    fputs("this is not a model file at all, just text", junk);
    fclose(junk);
    REFUSED(hgn_model_load("test_capi_junk.hgn", &bad), HGN_E_MODEL);
    REFUSED(hgn_model_load("/nonexistent/dir/model.hgn", &bad), HGN_E_FILE);
    CHECK(strstr(hgn_last_error(), "/nonexistent/dir/model.hgn") != NULL, "file error names the path");
    REFUSED(hgn_model_load(NULL, &bad), HGN_E_ARG);
    REFUSED(hgn_model_load(MODEL_PATH, NULL), HGN_E_ARG);
    REFUSED(hgn_model_load_memory(NULL, 10, &bad), HGN_E_ARG);
    REFUSED(hgn_model_load_memory(bytes, -1, &bad), HGN_E_ARG);
    REFUSED(hgn_model_save(model, "/nonexistent/dir/model.hgn"), HGN_E_FILE);
    REFUSED(hgn_model_save(model, NULL), HGN_E_ARG);

    /* Repeated load/free, free of NULL, double free. */
    for (int k = 0; k < 50; k++)
    {
        hgn_model* m = NULL;
        OK(hgn_model_load_memory(bytes, size, &m));
        hgn_model_free(&m);
        CHECK(m == NULL, "free sets NULL");
    }
    hgn_model_free(NULL);
    hgn_model* none = NULL;
    hgn_model_free(&none);
    hgn_workspace_free(NULL);
    hgn_model* stale = fromFile;
    hgn_model_free(&fromFile);
    hgn_model_free(&stale);   /* freed twice through a stale copy: accepted, does nothing */
    int32_t family;
    REFUSED(hgn_model_family(stale, &family), HGN_E_ARG);
    hgn_workspace* ws = NULL;
    REFUSED(hgn_workspace_create(stale, &ws), HGN_E_ARG);
    CHECK(ws == NULL, "failed workspace_create leaves NULL");
    hgn_model_free(&fromMemory);
    for (int k = 0; k < 3; k++) free(f[k]);
    free(bytes);
}

/* Bad arguments: each refused with its code and a message, nothing aborts. */
static void test_refusals(hgn_model* model, const test_data* t)
{
    hgn_workspace* ws = NULL;
    OK(hgn_workspace_create(model, &ws));
    int64_t n = t->n;
    double e, f[300], v[6];
    REFUSED(hgn_compute(NULL, n, t->q, t->species, t->cell, NULL, 0, &e, f, NULL, NULL), HGN_E_ARG);
    REFUSED(hgn_compute((hgn_workspace*)model, n, t->q, t->species, t->cell, NULL, 0, &e, f, NULL, NULL), HGN_E_ARG);
    CHECK(strstr(hgn_last_error(), "another kind") != NULL, "a model passed as workspace is named: %s", hgn_last_error());
    REFUSED(hgn_compute(ws, 0, t->q, t->species, t->cell, NULL, 0, &e, NULL, NULL, NULL), HGN_E_ARG);
    REFUSED(hgn_compute(ws, -5, t->q, t->species, t->cell, NULL, 0, &e, NULL, NULL, NULL), HGN_E_ARG);
    REFUSED(hgn_compute(ws, n, NULL, t->species, t->cell, NULL, 0, &e, NULL, NULL, NULL), HGN_E_ARG);
    double skew[9];
    memcpy(skew, t->cell, sizeof skew);
    skew[1] = 0.3;
    REFUSED(hgn_compute(ws, n, t->q, t->species, skew, NULL, 0, &e, NULL, NULL, NULL), HGN_E_ARG);
    CHECK(strstr(hgn_last_error(), "orthorhombic") != NULL, "message says orthorhombic: %s", hgn_last_error());
    double small[9] = {3, 0, 0, 0, 3, 0, 0, 0, 3};
    REFUSED(hgn_compute(ws, n, t->q, t->species, small, NULL, 0, &e, NULL, NULL, NULL), HGN_E_ARG);
    int32_t* species = malloc(sizeof(int32_t) * n);
    memcpy(species, t->species, sizeof(int32_t) * n);
    species[3] = 2;
    REFUSED(hgn_compute(ws, n, t->q, species, t->cell, NULL, 0, &e, NULL, NULL, NULL), HGN_E_ARG);
    species[3] = -1;
    REFUSED(hgn_compute(ws, n, t->q, species, t->cell, NULL, 0, &e, NULL, NULL, NULL), HGN_E_ARG);
    double* q = malloc(sizeof(double) * n * 3);
    memcpy(q, t->q, sizeof(double) * n * 3);
    q[4] = NAN;
    REFUSED(hgn_compute(ws, n, q, t->species, t->cell, NULL, 0, &e, NULL, NULL, NULL), HGN_E_ARG);
    memcpy(q, t->q, sizeof(double) * n * 3);
    for (int a = 0; a < 3; a++) q[3 + a] = q[a];   /* particles 0 and 1 coincide */
    REFUSED(hgn_compute(ws, n, q, t->species, t->cell, NULL, 0, &e, NULL, NULL, NULL), HGN_E_ARG);
    int64_t edges[2] = {0, 1};
    REFUSED(hgn_compute(ws, n, t->q, t->species, t->cell, edges, 1, &e, NULL, NULL, NULL), HGN_E_ARG);
    REFUSED(hgn_compute(ws, n, t->q, t->species, t->cell, NULL, 3, &e, NULL, NULL, NULL), HGN_E_ARG);
    REFUSED(hgn_time_derivatives(ws, n, t->q, t->p, NULL, t->species, t->cell, NULL, 0, NULL, NULL, NULL), HGN_E_ARG);
    double* qs = malloc(sizeof(double) * n * 3), *ps = malloc(sizeof(double) * n * 3);
    memcpy(qs, t->q, sizeof(double) * n * 3); memcpy(ps, t->p, sizeof(double) * n * 3);
    REFUSED(hgn_step(ws, n, qs, ps, t->mass, t->species, t->cell, NULL, 0, 0.01, 1, 7), HGN_E_ARG);
    REFUSED(hgn_step(ws, n, qs, ps, t->mass, t->species, t->cell, NULL, 0, -0.01, 1, 0), HGN_E_ARG);
    REFUSED(hgn_step(ws, n, qs, ps, t->mass, t->species, t->cell, NULL, 0, 0.01, -1, 0), HGN_E_ARG);
    CHECK(memcmp(qs, t->q, sizeof(double) * n * 3) == 0, "refused steps leave q untouched");
    /* The workspace still works after refusals. */
    OK(hgn_compute(ws, n, t->q, t->species, t->cell, NULL, 0, &e, NULL, v, NULL));

    /* Training refusals. */
    hgn_model* m = (hgn_model*)0x1;
    REFUSED(hgn_train(t->m, n, 3, t->q, t->p, t->dq, t->dp, t->mass, t->species, NULL, 0, t->cutoff, t->cell,
                      9, HGN_SAMPLER_SWIM, NULL, 0, NULL, NULL, &m), HGN_E_ARG);
    CHECK(m == NULL, "failed train sets *model = NULL");
    REFUSED(hgn_train(t->m, n, 3, t->q, t->p, t->dq, t->dp, t->mass, t->species, NULL, 0, 0.0, t->cell,
                      HGN_FAMILY_PAIR, HGN_SAMPLER_SWIM, NULL, 0, NULL, NULL, &m), HGN_E_ARG);
    REFUSED(hgn_train(t->m, n, 3, t->q, t->p, NULL, t->dp, t->mass, t->species, NULL, 0, t->cutoff, t->cell,
                      HGN_FAMILY_PAIR, HGN_SAMPLER_SWIM, NULL, 0, NULL, NULL, &m), HGN_E_ARG);
    REFUSED(hgn_train(t->m, n, 4, t->q, t->p, t->dq, t->dp, t->mass, t->species, NULL, 0, t->cutoff, t->cell,
                      HGN_FAMILY_PAIR, HGN_SAMPLER_SWIM, NULL, 0, NULL, NULL, &m), HGN_E_ARG);
    double* zero = calloc((size_t)(t->m * n * 3), sizeof(double));
    int32_t widths[3] = {16, 0, 0};
    REFUSED(hgn_train(t->m, n, 3, t->q, zero, zero, t->dp, t->mass, t->species, NULL, 0, t->cutoff, t->cell,
                      HGN_FAMILY_PAIR, HGN_SAMPLER_SWIM, widths, 0, NULL, NULL, &m), HGN_E_RANK);
    CHECK(strstr(hgn_last_error(), "momenta") != NULL || strstr(hgn_last_error(), "momentum") != NULL, "rank message names the momenta: %s", hgn_last_error());
    free(zero); free(q); free(qs); free(ps); free(species);
    hgn_workspace_free(&ws);
}

/* ------------------------------------------------ host neighbour lists (hgn_compute_neighbors) */

/* What an MD host holds: owned atoms (wrapped into the cubic cell) followed by their periodic images within `reach`
 * of the cell (ghosts), contributing flags, and full CSR lists of the owned atoms at `radius` (ghost lists empty). */
typedef struct
{
    int64_t owned, total;
    double* x;
    int32_t *species, *contributing, *neighbors;
    int64_t *owner, *offsets;
} host_list;

static host_list make_host_list(const double* q, const int32_t* species, int64_t n, double box, double reach, double radius)
{
    host_list h;
    int64_t cap = n * 27;
    h.owned = n;
    h.x = malloc(sizeof(double) * cap * 3);
    h.species = malloc(sizeof(int32_t) * cap);
    h.contributing = malloc(sizeof(int32_t) * cap);
    h.owner = malloc(sizeof(int64_t) * cap);
    int64_t t = 0;
    for (int64_t i = 0; i < n; i++, t++)
    {
        for (int a = 0; a < 3; a++) h.x[t * 3 + a] = q[i * 3 + a] - box * floor(q[i * 3 + a] / box);
        h.species[t] = species ? species[i] : 0; h.contributing[t] = 1; h.owner[t] = i;
    }
    for (int s = 0; s < 27; s++)
    {
        int shift[3] = {s % 3 - 1, (s / 3) % 3 - 1, s / 9 - 1};
        if (shift[0] == 0 && shift[1] == 0 && shift[2] == 0) continue;
        for (int64_t i = 0; i < n; i++)
        {
            int inside = 1;
            for (int a = 0; a < 3; a++)
            {
                double x = h.x[i * 3 + a] + shift[a] * box;
                h.x[t * 3 + a] = x;
                inside = inside && x >= -reach && x < box + reach;
            }
            if (!inside) continue;
            h.species[t] = h.species[i]; h.contributing[t] = 0; h.owner[t] = i;
            t++;
        }
    }
    h.total = t;
    h.offsets = malloc(sizeof(int64_t) * (t + 1));
    h.neighbors = malloc(sizeof(int32_t) * n * t);
    int64_t k = 0;
    h.offsets[0] = 0;
    for (int64_t i = 0; i < t; i++)
    {
        if (i < n)
            for (int64_t j = 0; j < t; j++)
            {
                if (j == i) continue;
                double r2 = 0;
                for (int a = 0; a < 3; a++) { double d = h.x[j * 3 + a] - h.x[i * 3 + a]; r2 += d * d; }
                if (r2 < radius * radius) h.neighbors[k++] = (int32_t)j;
            }
        h.offsets[i + 1] = k;
    }
    return h;
}

static void free_host_list(host_list* h)
{
    free(h->x); free(h->species); free(h->contributing); free(h->owner); free(h->offsets); free(h->neighbors);
}

/* hgn_compute_neighbors over periodic-image ghosts equals hgn_compute with the cell; NULL outputs; refusals. */
static void test_compute_neighbors(hgn_model* model, const test_data* t)
{
    hgn_workspace* ws = NULL;
    OK(hgn_workspace_create(model, &ws));
    int64_t n = t->n;
    double box = t->cell[0], skin = 0.4;
    host_list h = make_host_list(t->q, t->species, n, box, t->cutoff + skin, t->cutoff + skin);
    CHECK(h.total > 4 * n, "ghost shell: %lld particles for %lld owned", (long long)h.total, (long long)n);

    double eref, vref[6], *fref = malloc(sizeof(double) * n * 3), *paref = malloc(sizeof(double) * n);
    OK(hgn_compute(ws, n, h.x, t->species, t->cell, NULL, 0, &eref, fref, vref, paref));   /* owned, wrapped */
    double e = 0, v[6], *f = malloc(sizeof(double) * h.total * 3), *pa = malloc(sizeof(double) * h.total);
    OK(hgn_compute_neighbors(ws, h.total, h.x, h.species, h.contributing, h.offsets, h.neighbors, &e, f, v, pa));
    /* The ghost displacements x_j + L - x_i and the minimum-image ones differ in the last bits, and a trained model's
       head sums large cancelling coefficients, which amplifies that: the bound is 1e-9 relative here (the C# tests hold
       1e-12 with a benign model), while a wrong weight or a missed pair gives O(1). */
    const double tol = 1e-9;
    CHECK(fabs(e - eref) <= tol * fabs(eref), "energy %.17g vs periodic cell %.17g", e, eref);
    double *folded = calloc((size_t)(n * 3), sizeof(double)), fmax_ = 0, vmax = 0, pmax = 0, ferr = 0, verr = 0, perr = 0, psum = 0;
    for (int64_t k = 0; k < h.total; k++)
        for (int a = 0; a < 3; a++) folded[h.owner[k] * 3 + a] += f[k * 3 + a];
    for (int64_t k = 0; k < n * 3; k++) { fmax_ = fmax(fmax_, fabs(fref[k])); ferr = fmax(ferr, fabs(folded[k] - fref[k])); }
    for (int c = 0; c < 6; c++) { vmax = fmax(vmax, fabs(vref[c])); verr = fmax(verr, fabs(v[c] - vref[c])); }
    for (int64_t i = 0; i < n; i++) { pmax = fmax(pmax, fabs(paref[i])); perr = fmax(perr, fabs(pa[i] - paref[i])); }
    int ghost_energy = 0;
    for (int64_t k = 0; k < h.total; k++) { psum += pa[k]; if (k >= n && pa[k] != 0) ghost_energy = 1; }
    CHECK(fmax_ > 0 && ferr <= tol * fmax_, "folded forces vs periodic cell: max error %.3g of %.3g", ferr, fmax_);
    CHECK(verr <= tol * vmax, "virial vs periodic cell: max error %.3g of %.3g", verr, vmax);
    CHECK(perr <= tol * pmax && !ghost_energy, "per-atom energy vs periodic cell: max error %.3g; ghosts zero: %d", perr, !ghost_energy);
    CHECK(fabs(psum - e) <= tol * fabs(e), "per-atom energies sum to the energy: %.17g vs %.17g", psum, e);
    printf("host neighbour list vs periodic cell (%lld owned, %lld with ghosts): relative errors energy %.2g, forces %.2g, virial %.2g, per-atom %.2g\n",
           (long long)n, (long long)h.total, fabs(e - eref) / fabs(eref), ferr / fmax_, verr / vmax, perr / pmax);

    /* NULL outputs are skipped; requested ones are overwritten with the same bits. */
    double e2 = 0, *f2 = malloc(sizeof(double) * h.total * 3);
    OK(hgn_compute_neighbors(ws, h.total, h.x, h.species, h.contributing, h.offsets, h.neighbors, &e2, NULL, NULL, NULL));
    CHECK(memcmp(&e, &e2, sizeof e) == 0, "energy alone %.17g vs %.17g", e2, e);
    for (int64_t k = 0; k < h.total * 3; k++) f2[k] = 12345.0;
    OK(hgn_compute_neighbors(ws, h.total, h.x, h.species, h.contributing, h.offsets, h.neighbors, NULL, f2, NULL, NULL));
    CHECK(memcmp(f, f2, sizeof(double) * h.total * 3) == 0, "forces alone are overwritten and equal");
    OK(hgn_compute_neighbors(ws, h.total, h.x, h.species, h.contributing, h.offsets, h.neighbors, NULL, NULL, NULL, NULL));

    /* contributing = NULL means every particle contributes; species = NULL means all 0. An open cluster of the owned
       atoms with full lists over them: both NULL forms give the same bits as explicit flags and codes. */
    {
        int64_t m = n;
        int32_t *ones = malloc(sizeof(int32_t) * m), *zeros = calloc((size_t)m, sizeof(int32_t));
        for (int64_t i = 0; i < m; i++) ones[i] = 1;
        int64_t* off = malloc(sizeof(int64_t) * (m + 1));
        int32_t* nb = malloc(sizeof(int32_t) * m * m);
        int64_t k = 0;
        off[0] = 0;
        for (int64_t i = 0; i < m; i++)
        {
            for (int64_t j = 0; j < m; j++) if (j != i) nb[k++] = (int32_t)j;   /* every pair: beyond-cutoff ones are skipped */
            off[i + 1] = k;
        }
        double ea, eb, ec, ed, eo;
        OK(hgn_compute_neighbors(ws, m, h.x, t->species, ones, off, nb, &ea, NULL, NULL, NULL));
        OK(hgn_compute_neighbors(ws, m, h.x, t->species, NULL, off, nb, &eb, NULL, NULL, NULL));
        OK(hgn_compute_neighbors(ws, m, h.x, zeros, ones, off, nb, &ec, NULL, NULL, NULL));
        OK(hgn_compute_neighbors(ws, m, h.x, NULL, NULL, off, nb, &ed, NULL, NULL, NULL));
        OK(hgn_compute(ws, m, h.x, t->species, NULL, NULL, 0, &eo, NULL, NULL, NULL));
        CHECK(memcmp(&ea, &eb, sizeof ea) == 0 && memcmp(&ec, &ed, sizeof ec) == 0 && ea != ec, "NULL contributing/species: %.17g %.17g %.17g %.17g", ea, eb, ec, ed);
        CHECK(fabs(ea - eo) <= 1e-12 * fabs(eo), "open cluster: %.17g vs hgn_compute without a cell %.17g", ea, eo);
        free(ones); free(zeros); free(off); free(nb);
    }

    /* Refusals: HGN_E_ARG with a message naming the argument; nothing written to the outputs on failure is relied on. */
    int64_t* off = malloc(sizeof(int64_t) * (h.total + 1));
    int32_t* nb = malloc(sizeof(int32_t) * h.offsets[h.total]);
    int32_t* sp = malloc(sizeof(int32_t) * h.total);
    int32_t* flags = malloc(sizeof(int32_t) * h.total);
    double* x = malloc(sizeof(double) * h.total * 3);
#define RESET() do { memcpy(off, h.offsets, sizeof(int64_t) * (h.total + 1)); memcpy(nb, h.neighbors, sizeof(int32_t) * h.offsets[h.total]); \
                     memcpy(sp, h.species, sizeof(int32_t) * h.total); memcpy(flags, h.contributing, sizeof(int32_t) * h.total); \
                     memcpy(x, h.x, sizeof(double) * h.total * 3); } while (0)
#define REFUSED_NAMING(call, word) do { REFUSED(call, HGN_E_ARG); CHECK(strstr(hgn_last_error(), word) != NULL, "message names %s: %s", word, hgn_last_error()); } while (0)
    RESET();
    REFUSED_NAMING(hgn_compute_neighbors(NULL, h.total, x, sp, flags, off, nb, &e, NULL, NULL, NULL), "workspace");
    REFUSED_NAMING(hgn_compute_neighbors(ws, 0, x, sp, flags, off, nb, &e, NULL, NULL, NULL), "natoms");
    REFUSED_NAMING(hgn_compute_neighbors(ws, h.total, NULL, sp, flags, off, nb, &e, NULL, NULL, NULL), "'positions'");
    REFUSED_NAMING(hgn_compute_neighbors(ws, h.total, x, sp, flags, NULL, nb, &e, NULL, NULL, NULL), "'neighbor_offsets'");
    REFUSED_NAMING(hgn_compute_neighbors(ws, h.total, x, sp, flags, off, NULL, &e, NULL, NULL, NULL), "'neighbors'");
    off[0] = 1;
    REFUSED_NAMING(hgn_compute_neighbors(ws, h.total, x, sp, flags, off, nb, &e, NULL, NULL, NULL), "'neighbor_offsets'");
    RESET(); off[5] = off[4] - 1;
    REFUSED_NAMING(hgn_compute_neighbors(ws, h.total, x, sp, flags, off, nb, &e, NULL, NULL, NULL), "non-decreasing");
    RESET(); off[h.total] = -1;
    REFUSED_NAMING(hgn_compute_neighbors(ws, h.total, x, sp, flags, off, nb, &e, NULL, NULL, NULL), "'neighbor_offsets'");
    RESET(); nb[3] = (int32_t)h.total;
    REFUSED_NAMING(hgn_compute_neighbors(ws, h.total, x, sp, flags, off, nb, &e, NULL, NULL, NULL), "'neighbors'");
    RESET(); nb[off[2]] = 2;   /* particle 2 lists itself */
    REFUSED_NAMING(hgn_compute_neighbors(ws, h.total, x, sp, flags, off, nb, &e, NULL, NULL, NULL), "own neighbour");
    RESET(); x[7] = NAN;
    REFUSED_NAMING(hgn_compute_neighbors(ws, h.total, x, sp, flags, off, nb, &e, NULL, NULL, NULL), "'positions'");
    RESET(); sp[h.total - 1] = 2;
    REFUSED_NAMING(hgn_compute_neighbors(ws, h.total, x, sp, flags, off, nb, &e, NULL, NULL, NULL), "'species'");
    RESET(); flags[1] = 2;
    REFUSED_NAMING(hgn_compute_neighbors(ws, h.total, x, sp, flags, off, nb, &e, NULL, NULL, NULL), "'contributing'");
    RESET(); for (int a = 0; a < 3; a++) x[h.neighbors[0] * 3 + a] = x[a];   /* particle 0 on top of its first neighbour */
    REFUSED_NAMING(hgn_compute_neighbors(ws, h.total, x, sp, flags, off, nb, &e, NULL, NULL, NULL), "same position");
    RESET();
    OK(hgn_compute_neighbors(ws, h.total, x, sp, flags, off, nb, &e2, NULL, NULL, NULL));
    CHECK(memcmp(&e, &e2, sizeof e) == 0, "the workspace still works after refusals, and refused calls left *energy alone");
#undef RESET
#undef REFUSED_NAMING

    /* Species names: hgn_train has none, so the codes in decimal. */
    const char* name = NULL;
    OK(hgn_model_species_name(model, 0, &name));
    CHECK(name != NULL && strcmp(name, "0") == 0, "species 0 is named '%s'", name ? name : "(null)");
    OK(hgn_model_species_name(model, 1, &name));
    CHECK(name != NULL && strcmp(name, "1") == 0, "species 1 is named '%s'", name ? name : "(null)");
    REFUSED(hgn_model_species_name(model, 2, &name), HGN_E_ARG);
    CHECK(strstr(hgn_last_error(), "'code'") != NULL, "message names the code: %s", hgn_last_error());
    REFUSED(hgn_model_species_name(model, -1, &name), HGN_E_ARG);
    REFUSED(hgn_model_species_name(model, 0, NULL), HGN_E_ARG);
    REFUSED(hgn_model_species_name(NULL, 0, &name), HGN_E_ARG);

    free(off); free(nb); free(sp); free(flags); free(x);
    free(fref); free(paref); free(f); free(f2); free(pa); free(folded);
    free_host_list(&h);
    hgn_workspace_free(&ws);
}

/* A non-separable graph model on a fixed topology: time derivatives and the implicit-midpoint step. */
static void test_graph_model(void)
{
    test_data t = make_ring(40, 6, 3);
    hgn_model* model = NULL;
    int32_t widths[3] = {16, 16, 96};
    OK(hgn_train(t.m, t.n, 2, t.q, t.p, t.dq, t.dp, t.mass, NULL, t.edges, t.nedges, 0.0, NULL,
                 HGN_FAMILY_GRAPH, HGN_SAMPLER_SWIM, widths, 1, NULL, NULL, &model));
    int32_t family = -1, sep = -1, uses = -1, dim = -1;
    double cutoff = -1;
    const char* lu = NULL;
    OK(hgn_model_family(model, &family));
    OK(hgn_model_is_separable(model, &sep));
    OK(hgn_model_uses_edges(model, &uses));
    OK(hgn_model_dimension(model, &dim));
    OK(hgn_model_cutoff(model, &cutoff));
    OK(hgn_model_units(model, &lu, NULL));
    CHECK(family == HGN_FAMILY_GRAPH && sep == 0 && uses == 1 && dim == 2 && cutoff == 0, "graph queries %d %d %d %d %g", family, sep, uses, dim, cutoff);
    CHECK(lu && strcmp(lu, "reduced") == 0, "default unit name");
    double influence = -1;
    OK(hgn_model_influence_distance(model, &influence));
    CHECK(influence == 0, "fixed topology influence %g", influence);

    hgn_workspace* ws = NULL;
    OK(hgn_workspace_create(model, &ws));
    double e, H0, H1, dq[12], dp[12], q[12], p[12];
    REFUSED(hgn_compute(ws, t.n, t.q, NULL, NULL, t.edges, t.nedges, &e, NULL, NULL, NULL), HGN_E_ARG);
    CHECK(strstr(hgn_last_error(), "hgn_time_derivatives") != NULL, "message points to the right function");
    {
        int64_t off[7] = {0, 1, 2, 3, 4, 5, 6};
        int32_t nb[6] = {1, 2, 3, 4, 5, 0};
        REFUSED(hgn_compute_neighbors(ws, t.n, t.q, NULL, NULL, off, nb, &e, NULL, NULL, NULL), HGN_E_ARG);
        CHECK(strstr(hgn_last_error(), "separable") != NULL, "neighbour lists need a separable model: %s", hgn_last_error());
        const char* name = NULL;
        REFUSED(hgn_model_species_name(model, 0, &name), HGN_E_ARG);
        CHECK(name == NULL, "no species name for a graph model");
    }
    REFUSED(hgn_time_derivatives(ws, t.n, t.q, t.p, t.mass, NULL, NULL, NULL, 0, NULL, dq, dp), HGN_E_ARG);
    OK(hgn_time_derivatives(ws, t.n, t.q, t.p, t.mass, NULL, NULL, t.edges, t.nedges, &H0, dq, dp));
    double err = 0, scale = 0;
    for (int k = 0; k < 12; k++) { err = fmax(err, fmax(fabs(dq[k] - t.dq[k]), fabs(dp[k] - t.dp[k]))); scale = fmax(scale, fabs(t.dp[k])); }
    CHECK(err < 2e-2 * (1 + scale), "graph model derivatives vs truth: max error %.3g", err);

    memcpy(q, t.q, sizeof q); memcpy(p, t.p, sizeof p);
    OK(hgn_time_derivatives(ws, t.n, q, p, t.mass, NULL, NULL, t.edges, t.nedges, &H0, NULL, NULL));
    OK(hgn_step(ws, t.n, q, p, t.mass, NULL, NULL, t.edges, t.nedges, 0.01, 100, HGN_INTEGRATOR_IMPLICIT_MIDPOINT));
    OK(hgn_time_derivatives(ws, t.n, q, p, t.mass, NULL, NULL, t.edges, t.nedges, &H1, NULL, NULL));
    CHECK(fabs(H1 - H0) < 1e-3, "implicit midpoint conserves the learned H: %.12g -> %.12g", H0, H1);
    REFUSED(hgn_step(ws, t.n, q, p, t.mass, NULL, NULL, t.edges, t.nedges, 0.01, 1, HGN_INTEGRATOR_VELOCITY_VERLET), HGN_E_ARG);
    int64_t bad_edges[2] = {0, 6};
    REFUSED(hgn_time_derivatives(ws, t.n, q, p, t.mass, NULL, NULL, bad_edges, 1, NULL, dq, dp), HGN_E_ARG);

    hgn_workspace_free(&ws);
    hgn_model_free(&model);
    free_data(&t);
}

/* Two threads share one model, each with its own workspace: results bit-identical to a serial run. */
typedef struct
{
    hgn_model* model;
    const test_data* t;
    int configs;
    double* energies;
    double* forces;
    double* energies_nl;   /* hgn_compute_neighbors over periodic-image ghosts of the same configurations */
    double* forces_nl;     /* [configs][27 n][3]: room for every image */
    int status;
} thread_job;

static void perturbed(const test_data* t, int c, double* q)
{
    uint64_t s = 1000 + (uint64_t)c;
    for (int64_t k = 0; k < t->n * 3; k++) q[k] = t->q[(c % t->m) * t->n * 3 + k] + 0.01 * rnd(&s);
}

static void* run_job(void* arg)
{
    thread_job* job = arg;
    hgn_workspace* ws = NULL;
    job->status = hgn_workspace_create(job->model, &ws);
    double* q = malloc(sizeof(double) * job->t->n * 3);
    for (int c = 0; c < job->configs && job->status == HGN_OK; c++)
    {
        perturbed(job->t, c, q);
        job->status = hgn_compute(ws, job->t->n, q, job->t->species, job->t->cell, NULL, 0,
                                  &job->energies[c], job->forces + (size_t)c * job->t->n * 3, NULL, NULL);
        if (job->status != HGN_OK) break;
        host_list h = make_host_list(q, job->t->species, job->t->n, job->t->cell[0], job->t->cutoff, job->t->cutoff);
        job->status = hgn_compute_neighbors(ws, h.total, h.x, h.species, h.contributing, h.offsets, h.neighbors,
                                            &job->energies_nl[c], job->forces_nl + (size_t)c * job->t->n * 27 * 3, NULL, NULL);
        free_host_list(&h);
    }
    free(q);
    hgn_workspace_free(&ws);
    return NULL;
}

/* Two threads misusing ONE workspace: each call either succeeds with the right bits or is refused (HGN_E_ARG). */
typedef struct
{
    hgn_workspace* ws;
    const test_data* t;
    const double* reference;
    int ok, refused, wrong;
} shared_job;

static void* hammer(void* arg)
{
    shared_job* job = arg;
    double e;
    for (int k = 0; k < 400; k++)
    {
        int32_t rc = hgn_compute(job->ws, job->t->n, job->t->q, job->t->species, job->t->cell, NULL, 0, &e, NULL, NULL, NULL);
        if (rc == HGN_OK) { job->ok++; if (memcmp(&e, job->reference, sizeof e) != 0) job->wrong++; }
        else if (rc == HGN_E_ARG && strstr(hgn_last_error(), "in use") != NULL) job->refused++;
        else job->wrong++;
    }
    return NULL;
}

/* The last error is per thread: a failure on another thread does not replace this thread's message. */
static void* fail_once(void* arg)
{
    (void)arg;
    hgn_model* m = NULL;
    hgn_model_load("/nonexistent/other-thread.hgn", &m);
    return NULL;
}

static void test_threads(hgn_model* model, const test_data* t)
{
    enum { CONFIGS = 12, THREADS = 2 };
    thread_job jobs[THREADS + 1];
    pthread_t threads[THREADS];
    for (int k = 0; k <= THREADS; k++)
    {
        jobs[k].model = model; jobs[k].t = t; jobs[k].configs = CONFIGS; jobs[k].status = -1;
        jobs[k].energies = malloc(sizeof(double) * CONFIGS);
        jobs[k].forces = malloc(sizeof(double) * CONFIGS * t->n * 3);
        jobs[k].energies_nl = malloc(sizeof(double) * CONFIGS);
        jobs[k].forces_nl = calloc((size_t)(CONFIGS * t->n * 27 * 3), sizeof(double));
    }
    run_job(&jobs[THREADS]);   /* serial reference on this thread */
    for (int k = 0; k < THREADS; k++) pthread_create(&threads[k], NULL, run_job, &jobs[k]);
    for (int k = 0; k < THREADS; k++) pthread_join(threads[k], NULL);
    for (int k = 0; k < THREADS; k++)
    {
        CHECK(jobs[k].status == HGN_OK, "thread %d status %d", k, jobs[k].status);
        CHECK(memcmp(jobs[k].energies, jobs[THREADS].energies, sizeof(double) * CONFIGS) == 0, "thread %d energies bit-identical", k);
        CHECK(memcmp(jobs[k].forces, jobs[THREADS].forces, sizeof(double) * CONFIGS * t->n * 3) == 0, "thread %d forces bit-identical", k);
        CHECK(memcmp(jobs[k].energies_nl, jobs[THREADS].energies_nl, sizeof(double) * CONFIGS) == 0, "thread %d neighbour-list energies bit-identical", k);
        CHECK(memcmp(jobs[k].forces_nl, jobs[THREADS].forces_nl, sizeof(double) * CONFIGS * t->n * 27 * 3) == 0, "thread %d neighbour-list forces bit-identical", k);
    }
    for (int c = 0; c < CONFIGS; c++)
        CHECK(fabs(jobs[THREADS].energies_nl[c] - jobs[THREADS].energies[c]) <= 1e-9 * fabs(jobs[THREADS].energies[c]),
              "config %d: neighbour-list energy %.17g vs periodic cell %.17g", c, jobs[THREADS].energies_nl[c], jobs[THREADS].energies[c]);
    for (int k = 0; k <= THREADS; k++) { free(jobs[k].energies); free(jobs[k].forces); free(jobs[k].energies_nl); free(jobs[k].forces_nl); }

    hgn_workspace* shared = NULL;
    double reference;
    OK(hgn_workspace_create(model, &shared));
    OK(hgn_compute(shared, t->n, t->q, t->species, t->cell, NULL, 0, &reference, NULL, NULL, NULL));
    shared_job sj[2] = {{shared, t, &reference, 0, 0, 0}, {shared, t, &reference, 0, 0, 0}};
    pthread_t hammers[2];
    for (int k = 0; k < 2; k++) pthread_create(&hammers[k], NULL, hammer, &sj[k]);
    for (int k = 0; k < 2; k++) pthread_join(hammers[k], NULL);
    for (int k = 0; k < 2; k++)
        CHECK(sj[k].wrong == 0 && sj[k].ok + sj[k].refused == 400, "shared workspace, thread %d: %d ok, %d refused, %d wrong", k, sj[k].ok, sj[k].refused, sj[k].wrong);
    CHECK(sj[0].ok + sj[1].ok > 0, "some calls on the shared workspace succeeded");
    printf("one workspace, two threads: %d + %d calls refused as concurrent\n", sj[0].refused, sj[1].refused);
    hgn_workspace_free(&shared);

    hgn_model* m = NULL;
    hgn_model_load("/nonexistent/this-thread.hgn", &m);
    const char* mine = hgn_last_error();
    pthread_t other;
    pthread_create(&other, NULL, fail_once, NULL);
    pthread_join(other, NULL);
    CHECK(strstr(hgn_last_error(), "this-thread") != NULL && hgn_last_error() == mine, "last error is thread-local: %s", hgn_last_error());
}

int main(void)
{
    test_library();
    test_data gas = make_gas(24, 27, 5.0, 2.2, 1);
    hgn_model* model = train_gas_model(&gas);
    if (model == NULL) { fprintf(stderr, "training failed; stopping\n"); return 1; }
    test_queries(model);
    test_compute(model, &gas);
    test_compute_neighbors(model, &gas);
    test_save_load(model, &gas);
    test_refusals(model, &gas);
    test_threads(model, &gas);
    test_graph_model();
    hgn_model_free(&model);
    free_data(&gas);
    remove(MODEL_PATH);
    remove("test_capi_junk.hgn");
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}

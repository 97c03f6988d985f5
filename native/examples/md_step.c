/* The smallest complete C consumer of libhgn: generate training data for a small periodic crystal with a known
 * smooth pair potential, train a pair model from the arrays (hgn_train), then run NVE velocity Verlet with the
 * learned forces (hgn_compute) and print the energy drift. Built by CMakeLists.txt, run by CTest; exits 1 when
 * the drift or the force error exceeds its bound.
 *
 *   cc md_step.c -I native/include -L build/native/lib -lhgn -lm -Wl,-rpath,build/native/lib */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hgn.h"

enum { SIDE = 3, N = SIDE * SIDE * SIDE, SNAPSHOTS = 30 };
static const double SPACING = 1.2, CUTOFF = 1.7, MASS = 1.0;

/* True potential: a Morse-like well times the smooth cutoff (1 - (r/rc)^2)^2, so V and F vanish at rc. */
static double pair(double r, double* dvdr)
{
    if (r >= CUTOFF) { *dvdr = 0; return 0; }
    double e = exp(-2.0 * (r - 1.15)), g = (1 - e) * (1 - e) - 1, dg = 4 * (1 - e) * e;
    double x = r / CUTOFF, u = 1 - x * x, fc = u * u, dfc = -4 * x * u / CUTOFF;
    *dvdr = dg * fc + g * dfc;
    return g * fc;
}

static double true_forces(const double* q, double box, double* f)
{
    double v = 0;
    memset(f, 0, sizeof(double) * N * 3);
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
        {
            double dr[3], r2 = 0, dvdr;
            for (int a = 0; a < 3; a++) { dr[a] = q[j * 3 + a] - q[i * 3 + a]; dr[a] -= box * nearbyint(dr[a] / box); r2 += dr[a] * dr[a]; }
            double r = sqrt(r2);
            v += pair(r, &dvdr);
            for (int a = 0; a < 3; a++) { f[j * 3 + a] -= dvdr * dr[a] / r; f[i * 3 + a] += dvdr * dr[a] / r; }
        }
    return v;
}

static double uniform(unsigned long long* s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0 * 2 - 1;
}

static int fail(const char* what, int32_t rc)
{
    fprintf(stderr, "%s failed (status %d): %s\n", what, rc, hgn_last_error());
    return 1;
}

int main(void)
{
    const double box = SIDE * SPACING;
    const double cell[9] = {box, 0, 0, 0, box, 0, 0, 0, box};
    double lattice[N * 3];
    for (int i = 0; i < N; i++)
    {
        lattice[i * 3] = SPACING * (i % SIDE);
        lattice[i * 3 + 1] = SPACING * (i / SIDE % SIDE);
        lattice[i * 3 + 2] = SPACING * (i / (SIDE * SIDE));
    }

    /* 1. Training data: jittered lattices with random momenta; dq/dt = p/m, dp/dt = F. */
    size_t size = (size_t)SNAPSHOTS * N * 3;
    double *q = malloc(size * sizeof(double)), *p = malloc(size * sizeof(double));
    double *dq = malloc(size * sizeof(double)), *dp = malloc(size * sizeof(double)), masses[N];
    unsigned long long seed = 42;
    for (int i = 0; i < N; i++) masses[i] = MASS;
    for (int m = 0; m < SNAPSHOTS; m++)
    {
        double* qm = q + (size_t)m * N * 3;
        for (int k = 0; k < N * 3; k++)
        {
            qm[k] = lattice[k] + 0.12 * uniform(&seed);
            p[(size_t)m * N * 3 + k] = 0.5 * uniform(&seed);
            dq[(size_t)m * N * 3 + k] = p[(size_t)m * N * 3 + k] / MASS;
        }
        true_forces(qm, box, dp + (size_t)m * N * 3);
    }

    /* 2. Train a separable pair model (SWIM, 64 radial features) and report what it is. */
    hgn_model* model = NULL;
    int32_t widths[3] = {64, 0, 0};
    int32_t rc = hgn_train(SNAPSHOTS, N, 3, q, p, dq, dp, masses, NULL, NULL, 0, CUTOFF, cell,
                           HGN_FAMILY_PAIR, HGN_SAMPLER_SWIM, widths, 7, "reduced", "reduced", &model);
    if (rc != HGN_OK) return fail("hgn_train", rc);
    double cutoff;
    hgn_model_cutoff(model, &cutoff);
    printf("%s\ntrained a pair model: cutoff %.3f\n", hgn_build_info(), cutoff);

    /* 3. NVE velocity Verlet with the learned forces: one hgn_compute per step. */
    hgn_workspace* ws = NULL;
    if ((rc = hgn_workspace_create(model, &ws)) != HGN_OK) return fail("hgn_workspace_create", rc);
    double x[N * 3], v[N * 3], f[N * 3], ftrue[N * 3], potential;
    unsigned long long s2 = 7;
    for (int k = 0; k < N * 3; k++) { x[k] = lattice[k] + 0.05 * uniform(&s2); v[k] = 0.2 * uniform(&s2); }
    if ((rc = hgn_compute(ws, N, x, NULL, cell, NULL, 0, &potential, f, NULL, NULL)) != HGN_OK) return fail("hgn_compute", rc);

    true_forces(x, box, ftrue);
    double num = 0, den = 0;
    for (int k = 0; k < N * 3; k++) { num += (f[k] - ftrue[k]) * (f[k] - ftrue[k]); den += ftrue[k] * ftrue[k]; }
    double force_error = sqrt(num / den);
    printf("learned vs true forces at the start: relative L2 error %.3e\n", force_error);

    const double dt = 0.005;
    const int steps = 2000;
    double e0 = 0, max_drift = 0;
    for (int step = 0; step <= steps; step++)
    {
        if (step > 0)
        {
            for (int k = 0; k < N * 3; k++) { v[k] += 0.5 * dt * f[k] / MASS; x[k] += dt * v[k]; }
            if ((rc = hgn_compute(ws, N, x, NULL, cell, NULL, 0, &potential, f, NULL, NULL)) != HGN_OK) return fail("hgn_compute", rc);
            for (int k = 0; k < N * 3; k++) v[k] += 0.5 * dt * f[k] / MASS;
        }
        double kinetic = 0;
        for (int k = 0; k < N * 3; k++) kinetic += 0.5 * MASS * v[k] * v[k];
        double e = kinetic + potential;
        if (step == 0) e0 = e;
        double drift = fabs(e - e0) / fabs(e0);
        if (drift > max_drift) max_drift = drift;
        if (step % 500 == 0) printf("step %5d  potential %+.10f  kinetic %.10f  total %+.10f\n", step, potential, kinetic, e);
    }
    printf("max relative energy drift over %d steps (dt %.3f): %.3e\n", steps, dt, max_drift);

    hgn_workspace_free(&ws);
    hgn_model_free(&model);
    free(q); free(p); free(dq); free(dp);
    int ok = max_drift < 1e-3 && force_error < 1e-2;
    printf("%s\n", ok ? "md_step: ok" : "md_step: FAILED (drift >= 1e-3 or force error >= 1e-2)");
    return ok ? 0 : 1;
}

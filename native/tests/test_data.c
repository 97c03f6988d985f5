/* Ground-truth phase-space data for the C ABI tests (see test_data.h). */
#include "test_data.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

double rnd(uint64_t* s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

double gas_pair_energy(double r, double rc, double* dvdr)
{
    if (r >= rc) { *dvdr = 0; return 0; }
    double e = exp(-2.0 * (r - 1.1)), g = (1 - e) * (1 - e) - 1, dg = 2 * (1 - e) * 2 * e;
    double x = r / rc, u = 1 - x * x, fc = u * u, dfc = -4 * x * u / rc;
    *dvdr = dg * fc + g * dfc;
    return g * fc;
}

static double wrap(double x, double box) { return x - box * nearbyint(x / box); }

double gas_energy_forces(const double* q, int64_t n, double box, double rc, double* f)
{
    double v = 0;
    if (f) memset(f, 0, sizeof(double) * n * 3);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = i + 1; j < n; j++)
        {
            double dr[3], r2 = 0;
            for (int a = 0; a < 3; a++) { dr[a] = wrap(q[j * 3 + a] - q[i * 3 + a], box); r2 += dr[a] * dr[a]; }
            double r = sqrt(r2), dvdr;
            v += gas_pair_energy(r, rc, &dvdr);
            if (f)
                for (int a = 0; a < 3; a++) { f[j * 3 + a] -= dvdr * dr[a] / r; f[i * 3 + a] += dvdr * dr[a] / r; }
        }
    return v;
}

static test_data alloc_data(int64_t m, int64_t n, int32_t d)
{
    test_data t;
    memset(&t, 0, sizeof t);
    t.m = m; t.n = n; t.d = d;
    size_t size = (size_t)(m * n * d);
    t.q = calloc(size, sizeof(double)); t.p = calloc(size, sizeof(double));
    t.dq = calloc(size, sizeof(double)); t.dp = calloc(size, sizeof(double));
    t.mass = calloc((size_t)n, sizeof(double)); t.species = calloc((size_t)n, sizeof(int32_t));
    return t;
}

test_data make_gas(int64_t snapshots, int64_t n, double box, double rc, unsigned seed)
{
    test_data t = alloc_data(snapshots, n, 3);
    uint64_t s = seed * 2654435761ULL + 1;
    t.cutoff = rc; t.periodic = 1;
    t.cell[0] = t.cell[4] = t.cell[8] = box;
    for (int64_t i = 0; i < n; i++) { t.mass[i] = 1.0 + 0.5 * (i % 2); t.species[i] = (int32_t)(i % 2); }
    for (int64_t m = 0; m < snapshots; m++)
    {
        double* q = t.q + m * n * 3;
        for (int64_t i = 0; i < n;)
        {
            for (int a = 0; a < 3; a++) q[i * 3 + a] = 0.5 * box * (rnd(&s) + 1);
            int ok = 1;
            for (int64_t j = 0; j < i && ok; j++)
            {
                double r2 = 0;
                for (int a = 0; a < 3; a++) { double x = wrap(q[i * 3 + a] - q[j * 3 + a], box); r2 += x * x; }
                ok = r2 > 0.8 * 0.8;
            }
            if (ok) i++;
        }
        gas_energy_forces(q, n, box, rc, t.dp + m * n * 3);
        for (int64_t k = 0; k < n * 3; k++)
        {
            t.p[m * n * 3 + k] = 0.7 * rnd(&s);
            t.dq[m * n * 3 + k] = t.p[m * n * 3 + k] / t.mass[k / 3];
        }
    }
    return t;
}

test_data make_ring(int64_t snapshots, int64_t n, unsigned seed)
{
    test_data t = alloc_data(snapshots, n, 2);
    uint64_t s = seed * 2654435761ULL + 7;
    t.nedges = n;
    t.edges = malloc(sizeof(int64_t) * 2 * n);
    for (int64_t e = 0; e < n; e++) { t.edges[2 * e] = e; t.edges[2 * e + 1] = (e + 1) % n; }
    double radius = 0.5 / sin(M_PI / n);   /* unit bond length at rest */
    for (int64_t i = 0; i < n; i++) t.mass[i] = 1.0;
    for (int64_t m = 0; m < snapshots; m++)
    {
        double *q = t.q + m * n * 2, *p = t.p + m * n * 2, *dq = t.dq + m * n * 2, *dp = t.dp + m * n * 2;
        for (int64_t i = 0; i < n; i++)
        {
            q[i * 2] = radius * cos(2 * M_PI * i / n) + 0.15 * rnd(&s);
            q[i * 2 + 1] = radius * sin(2 * M_PI * i / n) + 0.15 * rnd(&s);
            p[i * 2] = 0.3 * rnd(&s); p[i * 2 + 1] = 0.3 * rnd(&s);
            dq[i * 2] = p[i * 2]; dq[i * 2 + 1] = p[i * 2 + 1];
        }
        for (int64_t e = 0; e < n; e++)
        {
            int64_t i = t.edges[2 * e], j = t.edges[2 * e + 1];
            double dx = q[j * 2] - q[i * 2], dy = q[j * 2 + 1] - q[i * 2 + 1], r = sqrt(dx * dx + dy * dy);
            double g = (r - 1) / r;
            dp[j * 2] -= g * dx; dp[j * 2 + 1] -= g * dy;
            dp[i * 2] += g * dx; dp[i * 2 + 1] += g * dy;
        }
    }
    return t;
}

void free_data(test_data* t)
{
    free(t->q); free(t->p); free(t->dq); free(t->dp); free(t->mass); free(t->species); free(t->edges);
    memset(t, 0, sizeof *t);
}

/* Ground-truth phase-space data for the C ABI tests: a periodic gas with a smooth pair potential, and a 2-D ring of springs. */
#ifndef HGN_TEST_DATA_H
#define HGN_TEST_DATA_H
#include <stdint.h>

/* M snapshots of N particles in d dimensions; arrays [M][N][d] row-major, as hgn_train takes them. */
typedef struct
{
    int64_t m, n;
    int32_t d;
    double *q, *p, *dq, *dp, *mass;
    int32_t* species;
    int64_t* edges;   /* [nedges][2] or NULL */
    int64_t nedges;
    double cutoff;    /* 0 for a fixed topology */
    double cell[9];   /* row-major d x d; all zero = open */
    int periodic;
} test_data;

/* The pair potential of the gas: V(r) = ((1 - e^{-2(r - 1.1)})^2 - 1) (1 - (r/rc)^2)^2 for r < rc, else 0. */
double gas_pair_energy(double r, double rc, double* dvdr);
/* Energy and forces[n*3] of one gas configuration in a cubic box of side `box` (minimum image). */
double gas_energy_forces(const double* q, int64_t n, double box, double rc, double* forces);

/* n particles (two species, alternating) in a cubic box, no two closer than 0.8; seeded. */
test_data make_gas(int64_t snapshots, int64_t n, double box, double rc, unsigned seed);
/* A ring of n particles in 2-D with unit springs of rest length 1 (H = sum p^2/2m + sum (r-1)^2/2); seeded. */
test_data make_ring(int64_t snapshots, int64_t n, unsigned seed);
void free_data(test_data* t);

/* Uniform double in [-1, 1) from a 64-bit LCG state. */
double rnd(uint64_t* state);
#endif

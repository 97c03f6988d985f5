/* hgn.h — the C ABI of the RF-HGN engine (libhgn.so, soname libhgn.so.1).
 *
 * Conventions (every function):
 *  - Types: int32_t, int64_t, double, UTF-8 const char*, opaque handles. No struct by value, no size that
 *    depends on a build macro.
 *  - Every function except hgn_api_version, hgn_build_info, hgn_last_error and the *_free functions returns
 *    an int32_t status: HGN_OK (0) or one of the HGN_E_* codes below. On failure hgn_last_error() gives a
 *    message naming the bad argument and the fix. No exception, abort or exit() ever leaves the library.
 *  - Handles: hgn_model is immutable after load/train and may be shared by any number of threads.
 *    hgn_workspace holds per-thread scratch: one workspace per thread. A call that finds its workspace in use
 *    by a concurrent call on another thread is refused with HGN_E_ARG (it does not corrupt the other call).
 *    A freed, foreign or NULL handle is refused with HGN_E_ARG (never dereferenced).
 *  - Arrays are caller-owned, contiguous, row-major float64: positions[natoms][d] means element (i, a) at
 *    index i*d + a. d is hgn_model_dimension() (3 for MD models). An output pointer that is NULL means
 *    "not requested" and its work is skipped; a requested output is OVERWRITTEN (never accumulated).
 *  - Units: whatever the training data used; they travel in the model file (hgn_model_units) and are never
 *    converted. Energies in the energy unit, lengths in the length unit, forces in energy/length.
 *  - Cells: `cell` is a row-major [d][d] matrix whose rows are the cell vectors, or NULL for open boundaries.
 *    Only orthorhombic cells are supported: every off-diagonal entry must be exactly 0, otherwise HGN_E_ARG.
 *    Periodic images follow the minimum-image convention, so each cell length must be >= 2 * cutoff.
 *  - Species: zero-based int32 codes per particle, or NULL for all 0.
 *  - Edges (fixed-topology models only): undirected pairs edges[nedges][2] of zero-based int64 particle
 *    indices, each pair once. Cutoff models take edges = NULL, nedges = 0 and build their own neighbour list.
 *  - Thread safety: the library has no global state besides the handle table (internally synchronised);
 *    there is no init/shutdown call. The library is linked -z nodelete: dlclose never unloads it.
 *
 * Versioning: functions are only ever added; an existing signature never changes (a changed one gets a new
 * name with a suffix, e.g. hgn_compute2). HGN_API_VERSION rises when functions are added. The model-file
 * format has its own version (reported by hgn_build_info).
 *
 */
#ifndef HGN_H
#define HGN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** ABI version of this header; compare with hgn_api_version() at run time. @since 1 */
#define HGN_API_VERSION 2

/* Status codes. Frozen forever: values are never reused or renumbered. @since 1 */
#define HGN_OK          0  /**< success */
#define HGN_E_ARG       1  /**< bad argument: NULL where a value is needed, size/code out of range, non-live handle, refused data */
#define HGN_E_FILE      2  /**< a file could not be read or written */
#define HGN_E_MODEL     3  /**< model bytes that do not validate (magic, format version, checksum, contents) */
#define HGN_E_RANK      4  /**< training: the least-squares system does not determine the model */
#define HGN_E_NUMERIC   5  /**< numerical failure (implicit step not converging, state becoming non-finite) */
#define HGN_E_MEMORY    6  /**< out of memory */
#define HGN_E_INTERNAL  7  /**< a bug in the engine; the message says what */

/* Model families (values as stored in model files). @since 1 */
#define HGN_FAMILY_GRAPH        0  /**< frame-free graph HGN; non-separable H(q, p) */
#define HGN_FAMILY_PAIR         1  /**< separable pair potential H = T(p) + V(q); the MD family */
#define HGN_FAMILY_GRAPH_FRAME  2  /**< the paper's frame-based graph HGN; non-separable */

/* Samplers of the hidden layers. @since 1 */
#define HGN_SAMPLER_SWIM 0
#define HGN_SAMPLER_ELM  1

/* Integrators of hgn_step. @since 1 */
#define HGN_INTEGRATOR_STORMER_VERLET    0  /**< explicit leapfrog; symplectic for separable H */
#define HGN_INTEGRATOR_VELOCITY_VERLET   1  /**< separable models only (else HGN_E_ARG) */
#define HGN_INTEGRATOR_IMPLICIT_MIDPOINT 2  /**< symplectic for any H; fixed-point iteration */

/** An immutable trained model; share it between threads. */
typedef struct hgn_model hgn_model;
/** Per-thread scratch bound to one model. */
typedef struct hgn_workspace hgn_workspace;

/* ---------------------------------------------------------------- library */

/** Returns the ABI version of the loaded library (HGN_API_VERSION it was built with). @since 1 */
int32_t hgn_api_version(void);

/** Returns a static UTF-8 description: library version, API and model-format versions, the SIMD width
 *  compiled in ("vector512", "vector256" or "scalar"), FMA, CUDA availability ("cuda no"), .NET runtime.
 *  Owned by the library; valid for the life of the process. @since 1 */
const char* hgn_build_info(void);

/** Returns the message of the most recent failed call on the calling thread ("" if none). Owned by the
 *  library; valid until the next failing call on the same thread. Never NULL. @since 1 */
const char* hgn_last_error(void);

/** Log levels passed to the log callback. @since 1 */
#define HGN_LOG_INFO 1

/** Receives the library's progress messages (today: the stages of hgn_train). `message` is UTF-8 and valid only
 *  during the call; `user` is the pointer given to hgn_set_log_callback. It may be called from any thread that
 *  calls into the library, so it must be thread-safe. @since 1 */
typedef void (*hgn_log_callback)(int32_t level, const char* message, void* user);

/** Sets the process-wide log callback (NULL = silent, the default). The library never writes to stdout or
 *  stderr itself. @since 1 */
int32_t hgn_set_log_callback(hgn_log_callback callback, void* user);

/* ---------------------------------------------------------------- model */

/** Loads a model file. On success *model is a new handle (free with hgn_model_free); on failure *model is
 *  NULL. Errors: HGN_E_ARG (NULL path or model), HGN_E_FILE (cannot read), HGN_E_MODEL (not a valid model
 *  file: bad magic, version, checksum, truncated or corrupt contents). @since 1 */
int32_t hgn_model_load(const char* path, hgn_model** model);

/** Loads a model from the bytes of a model file: data[size] (size in bytes, 0 <= size <= INT32_MAX). The
 *  bytes are copied; the caller may free them afterwards. Same results and errors as hgn_model_load. @since 1 */
int32_t hgn_model_load_memory(const void* data, int64_t size, hgn_model** model);

/** Writes the model to `path` atomically (temporary file + rename; nothing is left on failure).
 *  Errors: HGN_E_ARG, HGN_E_FILE. @since 1 */
int32_t hgn_model_save(const hgn_model* model, const char* path);

/** Frees *model and sets *model = NULL. model == NULL, *model == NULL and an already freed handle are all
 *  accepted and do nothing. Workspaces created from the model stay usable until they are freed; the unit
 *  strings of hgn_model_units become invalid. @since 1 */
void hgn_model_free(hgn_model** model);

/** *family = HGN_FAMILY_*. @since 1 */
int32_t hgn_model_family(const hgn_model* model, int32_t* family);

/** *dimension = d, the spatial dimension (1, 2 or 3) of every position/momentum array. @since 1 */
int32_t hgn_model_dimension(const hgn_model* model, int32_t* dimension);

/** *cutoff = the neighbour cutoff radius in length units (energy and force vanish smoothly there for pair
 *  models); 0 for a fixed-topology model, which takes its pairs from `edges`. @since 1 */
int32_t hgn_model_cutoff(const hgn_model* model, double* cutoff);

/** *distance = the influence distance in length units: how far a particle's energy and force reach. The
 *  cutoff for pair and frame-free graph models (one message-passing layer, so pair terms only); 0 for a
 *  fixed-topology model; +infinity for HGN_FAMILY_GRAPH_FRAME (its frame depends on the whole configuration,
 *  so it cannot be split over domains). @since 1 */
int32_t hgn_model_influence_distance(const hgn_model* model, double* distance);

/** *needed = 1 when the model needs the neighbours of ghost (non-contributing) particles, as KIM's
 *  modelWillNotRequestNeighborsOfNoncontributingParticles = !needed. 0 for every family today (one layer).
 *  @since 1 */
int32_t hgn_model_needs_ghost_neighbors(const hgn_model* model, int32_t* needed);

/** *uses_edges = 1 when the model needs the caller's `edges` (fixed topology), 0 for a cutoff model. @since 1 */
int32_t hgn_model_uses_edges(const hgn_model* model, int32_t* uses_edges);

/** *separable = 1 when H = T(p) + V(q) (hgn_compute applies), else 0. @since 1 */
int32_t hgn_model_is_separable(const hgn_model* model, int32_t* separable);

/** *count = number of species codes a pair model was trained with (valid codes are 0 .. count-1);
 *  0 for graph models (they do not resolve species). @since 1 */
int32_t hgn_model_species_count(const hgn_model* model, int32_t* count);

/** *name = the name of species `code` (0 <= code < hgn_model_species_count), e.g. "Ar", as stored in the
 *  model file (UTF-8, owned by the model, valid until hgn_model_free). Models trained without names report
 *  the label the training data gave the species (a LAMMPS type such as "1"), or the code in decimal.
 *  Errors: HGN_E_ARG (bad handle, code out of range, graph model). @since 2 */
int32_t hgn_model_species_name(const hgn_model* model, int32_t code, const char** name);

/** Unit names as carried in the model file (e.g. "angstrom", "eV"; "reduced" when none were given).
 *  Either output may be NULL. The strings are owned by the model and valid until hgn_model_free. @since 1 */
int32_t hgn_model_units(const hgn_model* model, const char** length_unit, const char** energy_unit);

/* ---------------------------------------------------------------- workspace */

/** Creates per-thread scratch for `model`. The workspace keeps what it needs of the model alive, and caches
 *  the neighbour-list machinery of the last system it saw (natoms, masses, species, cell, edges): calling it
 *  repeatedly with the same system allocates nothing. On failure *workspace is NULL. @since 1 */
int32_t hgn_workspace_create(const hgn_model* model, hgn_workspace** workspace);

/** Frees *workspace and sets it to NULL; NULL and already freed handles are accepted. @since 1 */
void hgn_workspace_free(hgn_workspace** workspace);

/* ---------------------------------------------------------------- evaluation */

/** The potential part of a SEPARABLE model (hgn_model_is_separable = 1) for one configuration, as an MD code
 *  needs it. Non-separable models give HGN_E_ARG (use hgn_time_derivatives / hgn_step).
 *  Inputs:
 *    natoms              number of particles (> 0)
 *    positions[natoms*d] coordinates, length units
 *    species[natoms]     zero-based species codes < hgn_model_species_count, or NULL (all 0)
 *    cell[d*d]           orthorhombic periodic cell (see conventions), or NULL for open boundaries
 *    edges[nedges*2]     pairs for fixed-topology models; NULL and nedges = 0 for cutoff models
 *  Outputs (each NULL = not requested; otherwise overwritten):
 *    energy              V(q) = sum over pairs; excludes the model's additive constant, so V -> 0 as the
 *                        particles separate beyond the cutoff. Energy units.
 *    forces[natoms*d]    F = -dV/dq, energy/length
 *    virial[6]           d = 3 only (else HGN_E_ARG): xx, yy, zz, xy, xz, yz of sum over pairs r_ij (x) f_ij,
 *                        order and sign as LAMMPS (W_ab = -sum (dV/dr) dr_a dr_b / r; positive = repulsive).
 *                        Energy units; divide by the volume for a pressure contribution.
 *    per_atom_energy[natoms]  half of each pair energy to each of its two atoms; sums to *energy.
 *  Errors: HGN_E_ARG (bad handle, sizes, non-finite positions, species out of range, non-orthorhombic or too
 *  small cell, edges given to a cutoff model or missing for a fixed-topology one, coinciding particles).
 *  @since 1 */
int32_t hgn_compute(hgn_workspace* workspace, int64_t natoms, const double* positions, const int32_t* species,
                    const double* cell, const int64_t* edges, int64_t nedges,
                    double* energy, double* forces, double* virial, double* per_atom_energy);

/** The potential part of a SEPARABLE cutoff model (hgn_model_is_separable = 1, hgn_model_uses_edges = 0) from a
 *  host-provided FULL neighbour list with ghost particles, as KIM and LAMMPS hold them. The host owns the
 *  geometry: positions are used as given (no cell, no wrapping; periodic images are ghosts), so the engine never
 *  needs MPI. d = hgn_model_dimension() (3 for MD models).
 *  Inputs:
 *    natoms                 particles the host holds, owned and ghost (> 0)
 *    positions[natoms*d]    coordinates, length units
 *    species[natoms]        zero-based species codes, or NULL (all 0)
 *    contributing[natoms]   1 = the particle's energy counts (owned), 0 = ghost (other values: HGN_E_ARG);
 *                           NULL = every particle contributes
 *    neighbor_offsets[natoms+1]  CSR offsets: the neighbours of particle i are
 *                           neighbors[neighbor_offsets[i] .. neighbor_offsets[i+1]-1]; offsets[0] = 0 and
 *                           non-decreasing. Lists of non-contributing particles are ignored (may be empty).
 *    neighbors[neighbor_offsets[natoms]]  zero-based indices < natoms, never i itself (may be NULL when
 *                           neighbor_offsets[natoms] = 0). A FULL list: when i and j both contribute, each is in the
 *                           other's list, and the pair is taken once, from the list of the lower index. Neighbours at
 *                           r >= cutoff are skipped, so a list built with a skin is fine.
 *  Energy (KIM convention): E = sum over contributing i of E_i, E_i = 1/2 sum over j in list(i), r_ij < cutoff,
 *  of phi(r_ij). A pair of two contributing particles thus counts once, a pair with a ghost one half.
 *  Outputs (each NULL = not requested; otherwise overwritten):
 *    energy                 E, energy units (no additive constant, as hgn_compute)
 *    forces[natoms*d]       -dE/dx for EVERY particle, ghosts included (the host adds ghost forces to their owners)
 *    virial[6]              d = 3 only: as hgn_compute, summed over the pairs counted in E with their weights
 *    per_atom_energy[natoms]  E_i for contributing particles, 0 for ghosts; sums to *energy
 *  With ghosts made by periodic images of a cell, the results equal hgn_compute with that cell (to round-off).
 *  Errors: HGN_E_ARG (bad handle, non-separable or fixed-topology model, sizes, offsets not CSR, index out of range
 *  or equal to i, non-finite positions, species out of range, contributing not 0/1, coinciding particles); the
 *  outputs are then unspecified. Repeated calls with the same natoms and list size allocate nothing. @since 2 */
int32_t hgn_compute_neighbors(hgn_workspace* workspace, int64_t natoms, const double* positions,
                              const int32_t* species, const int32_t* contributing,
                              const int64_t* neighbor_offsets, const int32_t* neighbors,
                              double* energy, double* forces, double* virial, double* per_atom_energy);

/** Hamilton's equations of ANY model at one phase-space state: dq = dH/dp, dp = -dH/dq.
 *  Inputs: q[natoms*d] (length), p[natoms*d] (momentum = mass * velocity), masses[natoms] (> 0, required),
 *  species, cell, edges as in hgn_compute.
 *  Outputs (NULL = not requested; overwritten): *hamiltonian = H(q, p) including the model's additive
 *  constant; dq[natoms*d]; dp[natoms*d]. @since 1 */
int32_t hgn_time_derivatives(hgn_workspace* workspace, int64_t natoms, const double* q, const double* p,
                             const double* masses, const int32_t* species, const double* cell,
                             const int64_t* edges, int64_t nedges,
                             double* hamiltonian, double* dq, double* dp);

/** Advances (q, p) IN PLACE by `steps` (>= 0) steps of length dt (> 0, time units) with
 *  integrator = HGN_INTEGRATOR_*, for any model (velocity Verlet only for separable ones).
 *  q, p, masses, species, cell, edges as in hgn_time_derivatives. Positions are not wrapped into the cell.
 *  Errors: HGN_E_ARG, HGN_E_NUMERIC (implicit midpoint not converging, or a non-finite state: q and p then
 *  hold the state reached). @since 1 */
int32_t hgn_step(hgn_workspace* workspace, int64_t natoms, double* q, double* p,
                 const double* masses, const int32_t* species, const double* cell,
                 const int64_t* edges, int64_t nedges, double dt, int32_t steps, int32_t integrator);

/* ---------------------------------------------------------------- training */

/** Trains a model from phase-space data with exact time derivatives (one least-squares solve).
 *  Arrays are [snapshots][natoms][dimension] row-major: q, p (momenta), dq = dq/dt (velocities p/m for
 *  Newtonian data), dp = dp/dt (forces). masses[natoms] (> 0); species[natoms] or NULL (all 0).
 *  Graph: either edges[nedges*2] with cutoff = 0 (fixed topology), or edges = NULL, nedges = 0 and a cutoff > 0.
 *  cell[dimension*dimension]: orthorhombic periodic cell or NULL, the same for every snapshot.
 *  family = HGN_FAMILY_*; sampler = HGN_SAMPLER_*; seed: same seed -> same bits.
 *  widths[3] or NULL (defaults); an entry 0 means its default:
 *    pair family:  widths[0] = radial features per species pair (default 256); [1], [2] ignored
 *    graph families: widths[0] = node encoder (128), widths[1] = edge encoder (128), widths[2] = message (1024)
 *  length_unit, energy_unit: UTF-8 unit names stored in the model, or NULL for "reduced".
 *  On success *model is a new handle; on failure NULL. Errors: HGN_E_ARG (shapes, non-finite values,
 *  bad codes), HGN_E_RANK (e.g. all momenta zero, or no pair within the cutoff), HGN_E_INTERNAL. @since 1 */
int32_t hgn_train(int64_t snapshots, int64_t natoms, int32_t dimension,
                  const double* q, const double* p, const double* dq, const double* dp,
                  const double* masses, const int32_t* species,
                  const int64_t* edges, int64_t nedges, double cutoff, const double* cell,
                  int32_t family, int32_t sampler, const int32_t* widths, int32_t seed,
                  const char* length_unit, const char* energy_unit, hgn_model** model);

#ifdef __cplusplus
}
#endif

#endif /* HGN_H */

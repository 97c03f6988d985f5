/* hgn_kim_driver.c — KIM API model driver over the engine's C ABI (hgn.h): a trained separable pair model
 * (HGN_FAMILY_PAIR) served to any KIM simulator (LAMMPS pair_style kim, ASE, ...).
 *
 * The parameter file of a portable model using this driver is the engine's model file itself. The driver:
 *  - create: loads it (hgn_model_load), checks it is a separable cutoff model, maps its species names to KIM
 *    species, and honours the simulator's requested length/energy units by converting (KIM ConvertUnit) from the
 *    units the model file carries; cutoff = influence distance, one full neighbour list without neighbours of
 *    non-contributing particles (one message-passing layer).
 *  - compute-arguments create: one hgn_workspace per compute-arguments object (scratch is per object, the model
 *    is shared and immutable); energy, forces, particle energy and virial are optional outputs.
 *  - compute: copies KIM's neighbour lists of the contributing particles into one CSR and makes ONE
 *    hgn_compute_neighbors call (an export call costs ~14 ns more than a C call: never one per pair).
 * Errors never abort the host: they are logged through KIM (kim.log) and the routine returns 1.
 * C99; built by kim-api-collections-management from the item directory that `hgn export-kim` writes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "KIM_ModelDriverHeaders.h"
#include "hgn.h"

#define LOG_CREATE(msg) KIM_ModelDriverCreate_LogEntry(create, KIM_LOG_VERBOSITY_error, (msg), __LINE__, __FILE__)

/* The model object: immutable after create, shared by every compute-arguments object. */
typedef struct
{
  hgn_model* model;
  double cutoff;            /* requested length units */
  double influence_distance;
  int will_not_request_ghost_neighbors;
  double length_to_model;   /* model length per requested length: positions are multiplied by it */
  double energy_from_model; /* requested energy per model energy: outputs are multiplied by it */
  double force_from_model;  /* energy_from_model * length_to_model */
  int convert_length;
} driver_model;

/* Per compute-arguments scratch: the engine workspace and the CSR neighbour arrays, grown, never shrunk. */
typedef struct
{
  hgn_workspace* workspace;
  int64_t* offsets;
  size_t offsets_capacity;
  int32_t* neighbors;
  size_t neighbors_capacity;
  double* positions; /* positions in model units, used only when lengths are converted */
  size_t positions_capacity;
} driver_scratch;

static int grow(void** buffer, size_t* capacity, size_t needed, size_t element)
{
  void* p;
  size_t n;
  if (needed <= *capacity) return 0;
  n = needed + needed / 2 + 16;
  p = realloc(*buffer, n * element);
  if (p == NULL) return 1;
  *buffer = p;
  *capacity = n;
  return 0;
}

/* The KIM unit named by a model file's unit label (the engine writes "A" and "eV" for LAMMPS metal data). */
static int length_unit_of(const char* s, KIM_LengthUnit* unit)
{
  if (strcmp(s, "A") == 0 || strcmp(s, "angstrom") == 0 || strcmp(s, "Angstrom") == 0 || strcmp(s, "\xC3\x85") == 0)
    *unit = KIM_LENGTH_UNIT_A;
  else if (strcmp(s, "nm") == 0) *unit = KIM_LENGTH_UNIT_nm;
  else if (strcmp(s, "Bohr") == 0 || strcmp(s, "bohr") == 0) *unit = KIM_LENGTH_UNIT_Bohr;
  else if (strcmp(s, "cm") == 0) *unit = KIM_LENGTH_UNIT_cm;
  else if (strcmp(s, "m") == 0) *unit = KIM_LENGTH_UNIT_m;
  else return 1;
  return 0;
}

static int energy_unit_of(const char* s, KIM_EnergyUnit* unit)
{
  if (strcmp(s, "eV") == 0) *unit = KIM_ENERGY_UNIT_eV;
  else if (strcmp(s, "kcal/mol") == 0 || strcmp(s, "kcal_mol") == 0) *unit = KIM_ENERGY_UNIT_kcal_mol;
  else if (strcmp(s, "Hartree") == 0) *unit = KIM_ENERGY_UNIT_Hartree;
  else if (strcmp(s, "J") == 0) *unit = KIM_ENERGY_UNIT_J;
  else if (strcmp(s, "erg") == 0) *unit = KIM_ENERGY_UNIT_erg;
  else if (strcmp(s, "amu*A^2/ps^2") == 0 || strcmp(s, "amu_A2_per_ps2") == 0) *unit = KIM_ENERGY_UNIT_amu_A2_per_ps2;
  else return 1;
  return 0;
}

static int compute_arguments_create(KIM_ModelCompute const* const compute,
                                    KIM_ModelComputeArgumentsCreate* const create);
static int compute_routine(KIM_ModelCompute const* const compute, KIM_ModelComputeArguments const* const arguments);
static int compute_arguments_destroy(KIM_ModelCompute const* const compute,
                                     KIM_ModelComputeArgumentsDestroy* const destroy);
static int destroy_routine(KIM_ModelDestroy* const destroy);

/* Message sizes: a path (up to 4095 bytes) and a reason fit without truncation. */
#define MESSAGE_SIZE 8192

static int fail_create(KIM_ModelDriverCreate* const create, driver_model* m, const char* what)
{
  char message[MESSAGE_SIZE + 32];
  snprintf(message, sizeof message, "hgn KIM driver: %s", what);
  LOG_CREATE(message);
  if (m != NULL)
  {
    hgn_model_free(&m->model);
    free(m);
  }
  return 1;
}

/* KIM_ModelDriverCreateFunction: the name given to add_kim_api_model_driver_library(CREATE_ROUTINE_NAME). */
int hgn_kim_driver_create(KIM_ModelDriverCreate* const create, KIM_LengthUnit const requestedLengthUnit,
                          KIM_EnergyUnit const requestedEnergyUnit, KIM_ChargeUnit const requestedChargeUnit,
                          KIM_TemperatureUnit const requestedTemperatureUnit, KIM_TimeUnit const requestedTimeUnit)
{
  int files = 0, status;
  const char* directory = NULL;
  const char* basename = NULL;
  char path[4096], message[MESSAGE_SIZE];
  int32_t family = -1, separable = 0, uses_edges = 1, needs_ghosts = 1, dimension = 0, species = 0, code;
  double cutoff = 0.0, influence = 0.0, factor = 1.0;
  const char* length_name = NULL;
  const char* energy_name = NULL;
  KIM_LengthUnit model_length, length;
  KIM_EnergyUnit model_energy, energy;
  driver_model* m;
  (void)requestedChargeUnit;
  (void)requestedTemperatureUnit;
  (void)requestedTimeUnit;

  KIM_ModelDriverCreate_GetNumberOfParameterFiles(create, &files);
  if (files != 1) return fail_create(create, NULL, "expects exactly one parameter file (the engine's model file)");
  KIM_ModelDriverCreate_GetParameterFileDirectoryName(create, &directory);
  if (KIM_ModelDriverCreate_GetParameterFileBasename(create, 0, &basename) || directory == NULL || basename == NULL)
    return fail_create(create, NULL, "cannot get the parameter file name");
  if ((size_t)snprintf(path, sizeof path, "%s/%s", directory, basename) >= sizeof path)
    return fail_create(create, NULL, "parameter file path too long");

  m = (driver_model*)calloc(1, sizeof *m);
  if (m == NULL) return fail_create(create, NULL, "out of memory");
  if (hgn_api_version() < 2)
    return fail_create(create, m, "libhgn is older than API 2 (no hgn_compute_neighbors); export the model again");
  status = hgn_model_load(path, &m->model);
  if (status != HGN_OK)
  {
    snprintf(message, sizeof message, "cannot load the model file %s: %s", path, hgn_last_error());
    return fail_create(create, m, message);
  }
  if (hgn_model_family(m->model, &family) || hgn_model_is_separable(m->model, &separable)
      || hgn_model_uses_edges(m->model, &uses_edges) || hgn_model_needs_ghost_neighbors(m->model, &needs_ghosts)
      || hgn_model_dimension(m->model, &dimension) || hgn_model_cutoff(m->model, &cutoff)
      || hgn_model_influence_distance(m->model, &influence) || hgn_model_species_count(m->model, &species)
      || hgn_model_units(m->model, &length_name, &energy_name))
  {
    snprintf(message, sizeof message, "cannot query the model: %s", hgn_last_error());
    return fail_create(create, m, message);
  }
  if (!separable || uses_edges || dimension != 3 || !(cutoff > 0.0) || !isfinite(influence) || species < 1)
    return fail_create(create, m, "the model is not a 3-dimensional separable cutoff model (train with --model pair)");

  /* Units: the model's own, converted to what the simulator asks for (KIM's rule: honour the request when the
     model can). Unused requests keep the model's unit. */
  if (length_unit_of(length_name, &model_length))
  {
    snprintf(message, sizeof message, "the model's length unit '%s' has no KIM equivalent (train from data in A, nm, Bohr, cm or m)", length_name);
    return fail_create(create, m, message);
  }
  if (energy_unit_of(energy_name, &model_energy))
  {
    snprintf(message, sizeof message, "the model's energy unit '%s' has no KIM equivalent (train from data in eV, kcal/mol, Hartree, J or erg)", energy_name);
    return fail_create(create, m, message);
  }
  length = KIM_LengthUnit_Equal(requestedLengthUnit, KIM_LENGTH_UNIT_unused) ? model_length : requestedLengthUnit;
  energy = KIM_EnergyUnit_Equal(requestedEnergyUnit, KIM_ENERGY_UNIT_unused) ? model_energy : requestedEnergyUnit;
  m->length_to_model = 1.0;
  m->energy_from_model = 1.0;
  if (!KIM_LengthUnit_Equal(length, model_length))
  {
    if (KIM_ModelDriverCreate_ConvertUnit(length, model_energy, KIM_CHARGE_UNIT_e, KIM_TEMPERATURE_UNIT_K, KIM_TIME_UNIT_ps,
                                          model_length, model_energy, KIM_CHARGE_UNIT_e, KIM_TEMPERATURE_UNIT_K,
                                          KIM_TIME_UNIT_ps, 1.0, 0.0, 0.0, 0.0, 0.0, &factor))
      return fail_create(create, m, "cannot convert the requested length unit");
    m->length_to_model = factor;
    m->convert_length = 1;
  }
  if (!KIM_EnergyUnit_Equal(energy, model_energy))
  {
    if (KIM_ModelDriverCreate_ConvertUnit(model_length, model_energy, KIM_CHARGE_UNIT_e, KIM_TEMPERATURE_UNIT_K,
                                          KIM_TIME_UNIT_ps, model_length, energy, KIM_CHARGE_UNIT_e,
                                          KIM_TEMPERATURE_UNIT_K, KIM_TIME_UNIT_ps, 0.0, 1.0, 0.0, 0.0, 0.0, &factor))
      return fail_create(create, m, "cannot convert to the requested energy unit");
    m->energy_from_model = factor;
  }
  m->force_from_model = m->energy_from_model * m->length_to_model;
  if (KIM_ModelDriverCreate_SetUnits(create, length, energy, KIM_CHARGE_UNIT_unused, KIM_TEMPERATURE_UNIT_unused,
                                     KIM_TIME_UNIT_unused))
    return fail_create(create, m, "KIM refused the units");

  m->cutoff = cutoff / m->length_to_model;
  m->influence_distance = influence / m->length_to_model;
  m->will_not_request_ghost_neighbors = needs_ghosts ? 0 : 1;
  if (KIM_ModelDriverCreate_SetModelNumbering(create, KIM_NUMBERING_zeroBased))
    return fail_create(create, m, "KIM refused zero-based numbering");

  /* Species: KIM codes are the model's zero-based codes, so particleSpeciesCodes go to the engine unchanged. */
  for (code = 0; code < species; code++)
  {
    const char* name = NULL;
    KIM_SpeciesName kim_name;
    if (hgn_model_species_name(m->model, code, &name) != HGN_OK || name == NULL)
    {
      snprintf(message, sizeof message, "cannot read the name of species %d: %s", (int)code, hgn_last_error());
      return fail_create(create, m, message);
    }
    kim_name = KIM_SpeciesName_FromString(name);
    if (!KIM_SpeciesName_Known(kim_name))
    {
      snprintf(message, sizeof message, "species %d is named '%s', which is not a KIM species (export again with --species-names LABEL:Ar, or train with --species-names)", (int)code, name);
      return fail_create(create, m, message);
    }
    if (KIM_ModelDriverCreate_SetSpeciesCode(create, kim_name, code))
      return fail_create(create, m, "KIM refused a species code");
  }

  KIM_ModelDriverCreate_SetInfluenceDistancePointer(create, &m->influence_distance);
  KIM_ModelDriverCreate_SetNeighborListPointers(create, 1, &m->cutoff, &m->will_not_request_ghost_neighbors);
  if (KIM_ModelDriverCreate_SetRoutinePointer(create, KIM_MODEL_ROUTINE_NAME_ComputeArgumentsCreate, KIM_LANGUAGE_NAME_c, 1,
                                              (KIM_Function*)&compute_arguments_create)
      || KIM_ModelDriverCreate_SetRoutinePointer(create, KIM_MODEL_ROUTINE_NAME_Compute, KIM_LANGUAGE_NAME_c, 1,
                                                 (KIM_Function*)&compute_routine)
      || KIM_ModelDriverCreate_SetRoutinePointer(create, KIM_MODEL_ROUTINE_NAME_ComputeArgumentsDestroy, KIM_LANGUAGE_NAME_c, 1,
                                                 (KIM_Function*)&compute_arguments_destroy)
      || KIM_ModelDriverCreate_SetRoutinePointer(create, KIM_MODEL_ROUTINE_NAME_Destroy, KIM_LANGUAGE_NAME_c, 1,
                                                 (KIM_Function*)&destroy_routine))
    return fail_create(create, m, "KIM refused a routine pointer");
  KIM_ModelDriverCreate_SetModelBufferPointer(create, m);
  return 0;
}

static int compute_arguments_create(KIM_ModelCompute const* const compute,
                                    KIM_ModelComputeArgumentsCreate* const create)
{
  driver_model* m = NULL;
  driver_scratch* s;
  char message[1024];
  KIM_ModelCompute_GetModelBufferPointer(compute, (void**)&m);
  if (KIM_ModelComputeArgumentsCreate_SetArgumentSupportStatus(create, KIM_COMPUTE_ARGUMENT_NAME_partialEnergy, KIM_SUPPORT_STATUS_optional)
      || KIM_ModelComputeArgumentsCreate_SetArgumentSupportStatus(create, KIM_COMPUTE_ARGUMENT_NAME_partialForces, KIM_SUPPORT_STATUS_optional)
      || KIM_ModelComputeArgumentsCreate_SetArgumentSupportStatus(create, KIM_COMPUTE_ARGUMENT_NAME_partialParticleEnergy, KIM_SUPPORT_STATUS_optional)
      || KIM_ModelComputeArgumentsCreate_SetArgumentSupportStatus(create, KIM_COMPUTE_ARGUMENT_NAME_partialVirial, KIM_SUPPORT_STATUS_optional))
  {
    KIM_ModelComputeArgumentsCreate_LogEntry(create, KIM_LOG_VERBOSITY_error, "hgn KIM driver: KIM refused an argument support status", __LINE__, __FILE__);
    return 1;
  }
  s = (driver_scratch*)calloc(1, sizeof *s);
  if (s == NULL)
  {
    KIM_ModelComputeArgumentsCreate_LogEntry(create, KIM_LOG_VERBOSITY_error, "hgn KIM driver: out of memory", __LINE__, __FILE__);
    return 1;
  }
  if (hgn_workspace_create(m->model, &s->workspace) != HGN_OK)
  {
    snprintf(message, sizeof message, "hgn KIM driver: cannot create a workspace: %s", hgn_last_error());
    KIM_ModelComputeArgumentsCreate_LogEntry(create, KIM_LOG_VERBOSITY_error, message, __LINE__, __FILE__);
    free(s);
    return 1;
  }
  KIM_ModelComputeArgumentsCreate_SetModelBufferPointer(create, s);
  return 0;
}

static int fail_compute(KIM_ModelCompute const* const compute, const char* what, const char* detail)
{
  char message[1024];
  snprintf(message, sizeof message, "hgn KIM driver: %s%s%s", what, detail != NULL ? ": " : "", detail != NULL ? detail : "");
  KIM_ModelCompute_LogEntry(compute, KIM_LOG_VERBOSITY_error, message, __LINE__, __FILE__);
  return 1;
}

static int compute_routine(KIM_ModelCompute const* const compute, KIM_ModelComputeArguments const* const arguments)
{
  driver_model* m = NULL;
  driver_scratch* s = NULL;
  int* count = NULL;
  int* species = NULL;
  int* contributing = NULL;
  double* coordinates = NULL;
  double* energy = NULL;
  double* forces = NULL;
  double* particle_energy = NULL;
  double* virial = NULL;
  const double* positions;
  int n, i, k, status;
  size_t edges = 0;

  KIM_ModelCompute_GetModelBufferPointer(compute, (void**)&m);
  KIM_ModelComputeArguments_GetModelBufferPointer(arguments, (void**)&s);
  if (KIM_ModelComputeArguments_GetArgumentPointerInteger(arguments, KIM_COMPUTE_ARGUMENT_NAME_numberOfParticles, &count)
      || KIM_ModelComputeArguments_GetArgumentPointerInteger(arguments, KIM_COMPUTE_ARGUMENT_NAME_particleSpeciesCodes, &species)
      || KIM_ModelComputeArguments_GetArgumentPointerInteger(arguments, KIM_COMPUTE_ARGUMENT_NAME_particleContributing, &contributing)
      || KIM_ModelComputeArguments_GetArgumentPointerDouble(arguments, KIM_COMPUTE_ARGUMENT_NAME_coordinates, &coordinates)
      || KIM_ModelComputeArguments_GetArgumentPointerDouble(arguments, KIM_COMPUTE_ARGUMENT_NAME_partialEnergy, &energy)
      || KIM_ModelComputeArguments_GetArgumentPointerDouble(arguments, KIM_COMPUTE_ARGUMENT_NAME_partialForces, &forces)
      || KIM_ModelComputeArguments_GetArgumentPointerDouble(arguments, KIM_COMPUTE_ARGUMENT_NAME_partialParticleEnergy, &particle_energy)
      || KIM_ModelComputeArguments_GetArgumentPointerDouble(arguments, KIM_COMPUTE_ARGUMENT_NAME_partialVirial, &virial))
    return fail_compute(compute, "cannot get the compute arguments", NULL);
  n = *count;
  if (n <= 0)
  {
    /* Nothing to compute: requested outputs are zero. */
    if (energy != NULL) *energy = 0.0;
    if (virial != NULL) for (k = 0; k < 6; k++) virial[k] = 0.0;
    return 0;
  }

  /* One CSR of the full lists of the contributing particles (ghosts keep empty lists). */
  if (grow((void**)&s->offsets, &s->offsets_capacity, (size_t)n + 1, sizeof(int64_t)))
    return fail_compute(compute, "out of memory", NULL);
  s->offsets[0] = 0;
  for (i = 0; i < n; i++)
  {
    if (contributing[i])
    {
      int neighbors = 0;
      int const* list = NULL;
      if (KIM_ModelComputeArguments_GetNeighborList(arguments, 0, i, &neighbors, &list))
        return fail_compute(compute, "cannot get a neighbour list", NULL);
      if (grow((void**)&s->neighbors, &s->neighbors_capacity, edges + (size_t)neighbors, sizeof(int32_t)))
        return fail_compute(compute, "out of memory", NULL);
      for (k = 0; k < neighbors; k++) s->neighbors[edges + (size_t)k] = (int32_t)list[k];
      edges += (size_t)neighbors;
    }
    s->offsets[i + 1] = (int64_t)edges;
  }
  if (s->neighbors == NULL && grow((void**)&s->neighbors, &s->neighbors_capacity, 1, sizeof(int32_t)))
    return fail_compute(compute, "out of memory", NULL);

  positions = coordinates;
  if (m->convert_length)
  {
    if (grow((void**)&s->positions, &s->positions_capacity, (size_t)n * 3, sizeof(double)))
      return fail_compute(compute, "out of memory", NULL);
    for (k = 0; k < 3 * n; k++) s->positions[k] = coordinates[k] * m->length_to_model;
    positions = s->positions;
  }

  /* int and int32_t are the same type on every platform KIM supports; the species and contributing arrays are
     passed as they are. */
  status = hgn_compute_neighbors(s->workspace, (int64_t)n, positions, (const int32_t*)species,
                                 (const int32_t*)contributing, s->offsets, s->neighbors, energy, forces, virial,
                                 particle_energy);
  if (status != HGN_OK) return fail_compute(compute, "hgn_compute_neighbors failed", hgn_last_error());

  /* KIM's partialVirial is sum over pairs of (dE/dr) r_a r_b / r: the opposite sign of LAMMPS's (and hgn's)
     W = -sum (dV/dr) r_a r_b / r, which counts repulsion as positive. LAMMPS pair_kim flips it back. */
  if (virial != NULL) for (k = 0; k < 6; k++) virial[k] = -virial[k] * m->energy_from_model;
  if (m->energy_from_model != 1.0)
  {
    if (energy != NULL) *energy *= m->energy_from_model;
    if (particle_energy != NULL) for (i = 0; i < n; i++) particle_energy[i] *= m->energy_from_model;
  }
  if (forces != NULL && m->force_from_model != 1.0)
    for (k = 0; k < 3 * n; k++) forces[k] *= m->force_from_model;
  return 0;
}

static int compute_arguments_destroy(KIM_ModelCompute const* const compute,
                                     KIM_ModelComputeArgumentsDestroy* const destroy)
{
  driver_scratch* s = NULL;
  (void)compute;
  KIM_ModelComputeArgumentsDestroy_GetModelBufferPointer(destroy, (void**)&s);
  if (s != NULL)
  {
    hgn_workspace_free(&s->workspace);
    free(s->offsets);
    free(s->neighbors);
    free(s->positions);
    free(s);
  }
  return 0;
}

static int destroy_routine(KIM_ModelDestroy* const destroy)
{
  driver_model* m = NULL;
  KIM_ModelDestroy_GetModelBufferPointer(destroy, (void**)&m);
  if (m != NULL)
  {
    hgn_model_free(&m->model);
    free(m);
  }
  return 0;
}

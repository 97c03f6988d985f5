"""An ASE calculator over libhgn's C ABI (native/include/hgn.h) with ctypes: no build step, copy this file.

    from hgn_calculator import HGNCalculator
    atoms.calc = HGNCalculator("argon.hgn", library="build/native/lib/libhgn.so.1")
    atoms.get_potential_energy(); atoms.get_forces(); atoms.get_stress(); atoms.get_potential_energies()

Models: separable cutoff models (HGN_FAMILY_PAIR, the MD family) in three dimensions.

Units: the library never converts; it returns the model's own units (hgn_model_units). ASE works in angstrom
and eV, so a model whose units are not angstrom/eV is refused, unless allow_units=True: then its numbers are
passed to ASE unconverted (with a warning) and the caller owns the consequences.

Boundaries: no periodicity (open cluster) or a fully periodic orthorhombic cell whose lengths are at least
2 x cutoff go through hgn_compute (the library builds its neighbour list). Any other cell (triclinic, small,
partly periodic) needs hgn_compute_neighbors (library API >= 2): the calculator then builds a full neighbour
list with periodic-image ghosts with ase.neighborlist; with an older library it raises a clear error.

Species: `species={"Ar": 0}` maps chemical symbols to the model's zero-based codes. Without it, the names the
model carries (hgn_model_species_name, API >= 2) are matched to the symbols; failing that, a one-species model
takes every atom as code 0.

Stress is ASE's: stress = -virial / volume in Voigt order xx yy zz yz xz xy (the library gives the virial in
LAMMPS order xx yy zz xy xz yz, positive = repulsive). Every nonzero status raises HGNError with the library's
message (hgn_last_error). One calculator owns one workspace: do not share an instance between threads.
"""
import ctypes
import ctypes.util
import os
import warnings

import numpy as np
from ase.calculators.calculator import Calculator, PropertyNotImplementedError, all_changes
from ase.data import chemical_symbols

_P = ctypes.c_void_p
_D = ctypes.POINTER(ctypes.c_double)
_I32 = ctypes.POINTER(ctypes.c_int32)
_I64 = ctypes.POINTER(ctypes.c_int64)
_STATUS = {1: "HGN_E_ARG", 2: "HGN_E_FILE", 3: "HGN_E_MODEL", 4: "HGN_E_RANK", 5: "HGN_E_NUMERIC",
           6: "HGN_E_MEMORY", 7: "HGN_E_INTERNAL"}
_SIGNATURES = {  # name: (restype, argtypes), as in hgn.h
    "hgn_last_error": (ctypes.c_char_p, []),
    "hgn_model_load": (ctypes.c_int32, [ctypes.c_char_p, ctypes.POINTER(_P)]),
    "hgn_model_free": (None, [ctypes.POINTER(_P)]),
    "hgn_model_family": (ctypes.c_int32, [_P, _I32]),
    "hgn_model_dimension": (ctypes.c_int32, [_P, _I32]),
    "hgn_model_cutoff": (ctypes.c_int32, [_P, _D]),
    "hgn_model_is_separable": (ctypes.c_int32, [_P, _I32]),
    "hgn_model_uses_edges": (ctypes.c_int32, [_P, _I32]),
    "hgn_model_species_count": (ctypes.c_int32, [_P, _I32]),
    "hgn_model_units": (ctypes.c_int32, [_P, ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_char_p)]),
    "hgn_workspace_create": (ctypes.c_int32, [_P, ctypes.POINTER(_P)]),
    "hgn_workspace_free": (None, [ctypes.POINTER(_P)]),
    "hgn_compute": (ctypes.c_int32, [_P, ctypes.c_int64, _D, _I32, _D, _I64, ctypes.c_int64, _D, _D, _D, _D]),
    # API >= 2 (optional):
    "hgn_model_species_name": (ctypes.c_int32, [_P, ctypes.c_int32, ctypes.POINTER(ctypes.c_char_p)]),
    "hgn_compute_neighbors": (ctypes.c_int32, [_P, ctypes.c_int64, _D, _I32, _I32, _I64, _I32, _D, _D, _D, _D]),
}
_ASE_UNITS = ({"angstrom", "ang", "a", "\u00e5"}, {"ev"})


class HGNError(RuntimeError):
    """A libhgn call returned a nonzero status; `status` is the code, the message is hgn_last_error()."""

    def __init__(self, function, status, message):
        super().__init__(f"{function} failed ({_STATUS.get(status, status)}): {message}")
        self.status = status


def load_library(path=None):
    """The libhgn CDLL with argument types set: `path`, else $HGN_LIBRARY, else the system's libhgn."""
    path = path or os.environ.get("HGN_LIBRARY") or ctypes.util.find_library("hgn")
    if not path:
        raise OSError("libhgn not found: build it (cmake -S . -B build/native && cmake --build build/native) and pass "
                      "library='build/native/lib/libhgn.so.1' or set HGN_LIBRARY to that path")
    lib = ctypes.CDLL(path)
    for name, (restype, argtypes) in _SIGNATURES.items():
        if hasattr(lib, name):
            function = getattr(lib, name)
            function.restype, function.argtypes = restype, argtypes
    return lib


def _ptr(array, kind=_D):
    return None if array is None else array.ctypes.data_as(kind)


class HGNCalculator(Calculator):
    """Energy, forces, per-atom energies and stress of an RF-HGN pair model (see the module docstring)."""

    implemented_properties = ["energy", "free_energy", "energies", "forces", "stress"]
    nolabel = True

    def __init__(self, model_path, library=None, species=None, allow_units=False, **kwargs):
        super().__init__(**kwargs)
        self._lib = lib = load_library(library)
        self._model, self._workspace = _P(), _P()
        self._call("hgn_model_load", os.fsencode(model_path), ctypes.byref(self._model))
        self._call("hgn_workspace_create", self._model, ctypes.byref(self._workspace))
        self.cutoff = self._query("hgn_model_cutoff", ctypes.c_double)
        flags = [self._query(name, ctypes.c_int32) for name in
                 ("hgn_model_dimension", "hgn_model_is_separable", "hgn_model_uses_edges")]
        if flags != [3, 1, 0]:
            raise ValueError(f"{model_path}: not a 3-D separable cutoff model (train it with HGN_FAMILY_PAIR)")
        length, energy = ctypes.c_char_p(), ctypes.c_char_p()
        self._call("hgn_model_units", self._model, ctypes.byref(length), ctypes.byref(energy))
        self.units = (length.value.decode(), energy.value.decode())
        if self.units[0].lower() not in _ASE_UNITS[0] or self.units[1].lower() not in _ASE_UNITS[1]:
            message = (f"{model_path} is in {self.units[0]}/{self.units[1]}, ASE expects angstrom/eV; the library does "
                       "not convert")
            if not allow_units:
                raise ValueError(message + ": retrain in angstrom/eV or pass allow_units=True to use it unconverted")
            warnings.warn(message + ": results are in the model's units")
        self.species = self._species_map(species)

    def _call(self, name, *args):
        status = getattr(self._lib, name)(*args)
        if status != 0:
            raise HGNError(name, status, self._lib.hgn_last_error().decode())

    def _query(self, name, ctype):
        value = ctype()
        self._call(name, self._model, ctypes.byref(value))
        return value.value

    def _species_map(self, species):
        count = self._query("hgn_model_species_count", ctypes.c_int32)
        if species is not None:
            bad = {s: c for s, c in species.items() if not 0 <= c < count}
            if bad:
                raise ValueError(f"species codes {bad} out of range: the model has codes 0..{count - 1}")
            return dict(species)
        if hasattr(self._lib, "hgn_model_species_name"):
            names = []
            for code in range(count):
                name = ctypes.c_char_p()
                self._call("hgn_model_species_name", self._model, code, ctypes.byref(name))
                names.append(name.value.decode())
            if all(name in chemical_symbols for name in names):
                return {name: code for code, name in enumerate(names)}
        return None if count == 1 else {}  # None: every atom is code 0

    def _codes(self, atoms):
        if self.species is None:
            return np.zeros(len(atoms), dtype=np.int32)
        symbols = atoms.get_chemical_symbols()
        missing = sorted(set(symbols) - set(self.species))
        if missing:
            raise ValueError(f"no species code for {missing}: pass species={{symbol: code}} to HGNCalculator")
        return np.array([self.species[s] for s in symbols], dtype=np.int32)

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        atoms, n = self.atoms, len(self.atoms)
        if "stress" in properties and not atoms.pbc.all():
            raise PropertyNotImplementedError("stress needs a cell periodic in all three directions")
        cell = np.ascontiguousarray(atoms.cell.array, dtype=np.float64)
        lengths = np.diag(cell)
        direct = not atoms.pbc.any() or (atoms.pbc.all() and np.count_nonzero(cell - np.diag(lengths)) == 0
                                         and lengths.min() >= 2 * self.cutoff)
        energy, virial = ctypes.c_double(), np.zeros(6)
        if direct:
            positions = np.ascontiguousarray(atoms.positions, dtype=np.float64)
            if atoms.pbc.all():  # into the cell: small coordinates keep the most bits in the minimum-image distances
                positions -= np.floor(positions / lengths) * lengths
            forces, energies = np.zeros((n, 3)), np.zeros(n)
            self._call("hgn_compute", self._workspace, n, _ptr(positions), _ptr(self._codes(atoms), _I32),
                       _ptr(cell) if atoms.pbc.all() else None, None, 0,
                       ctypes.byref(energy), _ptr(forces), _ptr(virial), _ptr(energies))
        else:
            forces, energies = self._compute_with_ghosts(atoms, energy, virial)
        self.results["energy"] = self.results["free_energy"] = energy.value
        self.results["forces"], self.results["energies"] = forces, energies
        if atoms.pbc.all():
            self.results["stress"] = -virial[[0, 1, 2, 5, 4, 3]] / atoms.get_volume()

    def _compute_with_ghosts(self, atoms, energy, virial):
        """Any cell: owned atoms plus periodic-image ghosts and a full neighbour list (hgn_compute_neighbors)."""
        from ase.neighborlist import neighbor_list

        if not hasattr(self._lib, "hgn_compute_neighbors"):
            raise ValueError("this libhgn (API 1) takes only open boundaries or a fully periodic orthorhombic "
                             f"cell with lengths >= 2 x cutoff ({2 * self.cutoff:g}); use a library with "
                             "hgn_compute_neighbors (API >= 2) for this cell, or an orthorhombic supercell")
        n = len(atoms)
        i, j, shift = neighbor_list("ijS", atoms, self.cutoff)
        # Images j + shift != j become ghost particles n, n+1, ...; each ghost keeps the index of its owner.
        image = shift.any(axis=1)
        keys, ghost_of_pair = np.unique(np.column_stack([j[image], shift[image]]), axis=0, return_inverse=True)
        owner = keys[:, 0]
        neighbors = j.astype(np.int32)
        neighbors[image] = n + ghost_of_pair.ravel()
        order = np.argsort(i, kind="stable")
        total = n + len(keys)
        offsets = np.zeros(total + 1, dtype=np.int64)
        offsets[1:n + 1] = np.cumsum(np.bincount(i, minlength=n))
        offsets[n + 1:] = offsets[n]
        ghosts = atoms.positions[owner] + keys[:, 1:] @ atoms.cell.array
        positions = np.ascontiguousarray(np.vstack([atoms.positions, ghosts]))
        codes = self._codes(atoms)
        codes = np.ascontiguousarray(np.concatenate([codes, codes[owner]]), dtype=np.int32)
        contributing = np.concatenate([np.ones(n, np.int32), np.zeros(len(keys), np.int32)])
        forces, energies = np.zeros((total, 3)), np.zeros(total)
        self._call("hgn_compute_neighbors", self._workspace, total, _ptr(positions), _ptr(codes, _I32),
                   _ptr(contributing, _I32), _ptr(offsets, _I64), _ptr(np.ascontiguousarray(neighbors[order]), _I32),
                   ctypes.byref(energy), _ptr(forces), _ptr(virial), _ptr(energies))
        np.add.at(forces, owner, forces[n:])  # a ghost's force acts on its owner
        return forces[:n].copy(), energies[:n].copy()

    def __del__(self):
        lib = getattr(self, "_lib", None)
        if lib is not None:
            lib.hgn_workspace_free(ctypes.byref(self._workspace))
            lib.hgn_model_free(ctypes.byref(self._model))

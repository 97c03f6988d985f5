"""CTest of native/examples/ase/hgn_calculator.py: trains a pair model through ctypes hgn_train on ASE molecular
dynamics of argon-like Lennard-Jones (ASE's own LennardJones calculator), saves it, and checks the example calculator:
forces against finite differences of its energy, stress against finite-difference strain derivatives of its energy,
per-atom energies against the energy, forces and stress against ASE's Lennard-Jones, and library errors as exceptions.

    HGN_LIBRARY=build/native/lib/libhgn.so.1 /usr/bin/python3 native/tests/test_ase_calculator.py
Exits 0 on success, 1 on a failed check, 77 (CTest SKIP_RETURN_CODE) when numpy or ASE cannot be imported.
"""
import ctypes
import os
import sys
import tempfile
import warnings

try:
    import numpy as np
    import ase
    from ase.build import bulk
    from ase.calculators.lj import LennardJones
    from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
    from ase.md.verlet import VelocityVerlet
    from ase import units
except ImportError as error:
    print(f"SKIP: this Python ({sys.executable}) cannot import numpy and ASE ({error}); install python3-ase")
    sys.exit(77)

sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "ase"))
from hgn_calculator import HGNCalculator, HGNError, load_library  # noqa: E402

SIGMA, EPSILON, RC, RO = 3.405, 0.0104, 7.0, 6.0  # argon-like LJ (angstrom, eV), smooth cutoff between RO and RC
failures = []


def check(name, value, bound):
    ok = value <= bound
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {value:.3e} (bound {bound:.0e})")
    if not ok:
        failures.append(name)


def rel(value, reference, scale=None):
    """max |value - reference| / max |reference| (or / scale)."""
    return np.abs(np.asarray(value) - reference).max() / (np.abs(reference).max() if scale is None else scale)


def lj():
    return LennardJones(sigma=SIGMA, epsilon=EPSILON, rc=RC, ro=RO, smooth=True)


def md_snapshots(atoms, count, every, dt=5 * units.fs):
    """(q, p, dq/dt, dp/dt) every `every` steps of velocity Verlet: [count][natoms][3] each."""
    frames = []
    dyn = VelocityVerlet(atoms, dt)
    for _ in range(count):
        dyn.run(every)
        frames.append((atoms.get_positions(wrap=True), atoms.get_momenta(), atoms.get_velocities(),
                       atoms.get_forces()))
    return [np.ascontiguousarray(np.stack(arrays)) for arrays in zip(*frames)]


def train(lib, atoms, q, p, dq, dp, path, widths=0, length_unit="angstrom", energy_unit="eV"):
    d, i32, i64, p_ = (ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_int32),
                       ctypes.POINTER(ctypes.c_int64), ctypes.c_void_p)
    lib.hgn_train.restype = ctypes.c_int32
    lib.hgn_train.argtypes = [ctypes.c_int64, ctypes.c_int64, ctypes.c_int32, d, d, d, d, d, i32, i64, ctypes.c_int64,
                              ctypes.c_double, d, ctypes.c_int32, ctypes.c_int32, i32, ctypes.c_int32,
                              ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(p_)]
    lib.hgn_model_save.restype, lib.hgn_model_save.argtypes = ctypes.c_int32, [p_, ctypes.c_char_p]
    lib.hgn_model_free.restype, lib.hgn_model_free.argtypes = None, [ctypes.POINTER(p_)]
    masses = np.ascontiguousarray(atoms.get_masses())
    cell = np.ascontiguousarray(atoms.cell.array)
    wid = np.array([widths, 0, 0], dtype=np.int32)
    ptr = lambda a, kind=d: a.ctypes.data_as(kind)  # noqa: E731
    model = p_()
    status = lib.hgn_train(q.shape[0], q.shape[1], 3, ptr(q), ptr(p), ptr(dq), ptr(dp), ptr(masses), None, None, 0,
                           RC, ptr(cell), 1, 0, ptr(wid, i32), 7,  # HGN_FAMILY_PAIR, HGN_SAMPLER_SWIM, seed 7
                           length_unit.encode(), energy_unit.encode(), ctypes.byref(model))
    if status == 0:
        status = lib.hgn_model_save(model, path.encode())
    lib.hgn_model_free(ctypes.byref(model))
    if status != 0:
        raise HGNError("hgn_train/hgn_model_save", status, lib.hgn_last_error().decode())


def periodic_energy_by_cluster(calc, atoms):
    """Energy of the periodic system from open boundaries only: the per-atom energies of the central copy of a
    3 x 3 x 3 replica cluster (every neighbour within the cutoff is present), valid for any cell shape."""
    cluster = atoms.repeat((3, 3, 3))
    cluster.pbc = False
    cluster.calc = calc
    n = len(atoms)
    return cluster.get_potential_energies()[13 * n:14 * n].sum()


def derivative(f, h):
    """df/ds at s = 0 by the five-point stencil: truncation O(h^4), so h can stay large against rounding noise."""
    return (8 * (f(h) - f(-h)) - (f(2 * h) - f(-2 * h))) / (12 * h)


def numerical_stress(energy, atoms, d=3e-4):
    """Strain derivatives of energy(atoms) / volume, Voigt xx yy zz yz xz xy (ASE's calculate_numerical_stress
    with a five-point stencil and an energy function of our choosing)."""
    stress, cell, volume = np.zeros((3, 3)), atoms.cell.array.copy(), atoms.get_volume()

    def strained(a, b, s):
        strain = np.eye(3)
        strain[a, b] += s
        strain[b, a] = strain[a, b]  # a symmetric shear moves both entries: d energy / ds = 2 volume stress[a, b]
        copy = atoms.copy()
        copy.set_cell(cell @ strain, scale_atoms=True)
        return energy(copy)

    for a in range(3):
        for b in range(a, 3):
            stress[a, b] = stress[b, a] = derivative(lambda s: strained(a, b, s), d) / ((1 if a == b else 2) * volume)
    return stress.flat[[0, 4, 8, 5, 2, 1]]


def main():
    library = os.environ.get("HGN_LIBRARY")
    lib = load_library(library)
    print(f"ASE {ase.__version__}, numpy {np.__version__}, library {library or '(system)'}")

    # 1. Training data: 108 argon atoms (3x3x3 fcc cubes, 15.8 A > 2 RC), thermalised at 60 K, ASE velocity Verlet.
    rng = np.random.default_rng(2024)
    atoms = bulk("Ar", "fcc", a=5.26, cubic=True).repeat(3)
    atoms.rattle(0.05, seed=11)
    MaxwellBoltzmannDistribution(atoms, temperature_K=60, rng=rng)
    atoms.calc = lj()
    q, p, dq, dp = md_snapshots(atoms, count=20, every=10)
    held_out = atoms.copy()  # 30 steps after the last training snapshot
    held_out.calc = lj()
    VelocityVerlet(held_out, 5 * units.fs).run(30)

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "argon.hgn")
        train(lib, atoms, q, p, dq, dp, path)
        calc = HGNCalculator(path, library=library)
        print(f"trained a pair model on {q.shape[0]} snapshots x {q.shape[1]} atoms; "
              f"units {calc.units}, cutoff {calc.cutoff}")

        test = held_out.copy()
        test.calc = calc
        energy, forces, stress = test.get_potential_energy(), test.get_forces(), test.get_stress()
        energies = test.get_potential_energies()

        # (a) forces = -dE/dx by finite differences, every component. Two floors limit any step h: the library's
        # energy carries rounding noise (measured ~1e-12 eV per pair, ~1e-10 eV for this box, from cancelling
        # random-feature terms), an error ~noise / h, so a central difference at h = 1e-5 resolves only ~1e-5 of the
        # force; and the cutoff factor (1 - (r/rc)^2)^2 is C1 but not C2 at rc, so pairs crossing rc within the
        # stencil add an error ~h. The five-point stencil at h = 1e-3 measures a few 1e-7; the bound leaves room for
        # noisier models, while any convention error (sign, order, units) would be O(1). Both are reported.
        probe = test.copy()
        probe.calc = calc

        def shifted(k, a, s):
            x = test.positions.copy()
            x[k, a] += s
            probe.positions = x
            return probe.get_potential_energy()

        fd = np.array([[-derivative(lambda s: shifted(k, a, s), 1e-3) for a in range(3)] for k in range(len(test))])
        central = np.array([[-(shifted(k, a, 1e-5) - shifted(k, a, -1e-5)) / 2e-5 for a in range(3)]
                            for k in range(10)])
        print(f"     central differences at h = 1e-5 (atoms 0-9): max |dF| / max |F| = "
              f"{rel(central, forces[:10], np.abs(forces).max()):.3e} (energy rounding noise / h)")
        check("forces vs five-point differences (h = 1e-3) of the energy, max |dF| / max |F|", rel(fd, forces), 1e-5)

        # (b) stress vs finite strain derivatives of the energy (open-boundary replicas, so any library version).
        numeric = numerical_stress(lambda strained: periodic_energy_by_cluster(calc, strained), test)
        check("periodic energy vs energy of the central replica, relative to sum |e_i|",
              abs(periodic_energy_by_cluster(calc, test) - energy) / np.abs(energies).sum(), 1e-9)
        check("stress vs strain derivatives (five-point, d = 3e-4) of the energy, max |ds| / max |s|",
              rel(stress, numeric), 1e-5)
        if hasattr(lib, "hgn_compute_neighbors"):  # ASE's own numerical stress needs sheared (triclinic) cells
            check("stress vs ASE calculate_numerical_stress (d = 1e-4)",
                  rel(stress, calc.calculate_numerical_stress(test, d=1e-4)), 1e-5)

        # (c) per-atom energies sum to the energy.
        check("|sum of per-atom energies - energy| / sum |e_i|",
              abs(energies.sum() - energy) / np.abs(energies).sum(), 1e-12)

        # (d) what the model learned, against ASE's Lennard-Jones on the held-out configuration.
        reference = held_out.get_forces()
        check("forces vs ASE LennardJones, relative L2",
              np.linalg.norm(forces - reference) / np.linalg.norm(reference), 1e-2)
        check("stress vs ASE LennardJones, max |ds| / max |s|", rel(stress, held_out.get_stress()), 5e-2)
        lj_energy = held_out.get_potential_energy()
        print(f"     energy {energy:.6f} eV vs ASE LennardJones {lj_energy:.6f} eV "
              f"(relative {abs(energy - lj_energy) / abs(lj_energy):.2e}; V -> 0 at the cutoff in both)")

        # Non-orthorhombic cell: the same crystal described by sheared cell vectors (a1, a2 + a1, a3).
        sheared = test.copy()
        sheared.set_cell(test.cell.array + np.array([[0, 0, 0], test.cell[0], [0, 0, 0]]), scale_atoms=False)
        sheared.calc = calc
        if hasattr(lib, "hgn_compute_neighbors"):
            # Different pair order, so agreement to the rounding noise of the model's sums (see (a)), not to the bit.
            check("sheared cell vs orthorhombic cell: forces", rel(sheared.get_forces(), forces), 1e-7)
            check("sheared cell vs orthorhombic cell: stress", rel(sheared.get_stress(), stress), 1e-7)
            # A cell smaller than 2 x cutoff (one fcc cube) through ghosts vs its 3x3x3 supercell through hgn_compute.
            small = bulk("Ar", "fcc", a=5.3, cubic=True)
            small.rattle(0.1, seed=5)
            small.calc = calc
            big = small.repeat(3)
            big.calc = calc
            check("one fcc cube (ghosts) vs its 3x3x3 supercell: energy x 27",
                  rel(27 * small.get_potential_energy(), big.get_potential_energy()), 1e-8)
            check("one fcc cube (ghosts) vs its 3x3x3 supercell: forces",
                  rel(np.tile(small.get_forces(), (27, 1)), big.get_forces()), 1e-7)
            check("one fcc cube (ghosts) vs its 3x3x3 supercell: stress",
                  rel(small.get_stress(), big.get_stress()), 1e-7)
        else:
            try:
                sheared.get_potential_energy()
                check("a non-orthorhombic cell without hgn_compute_neighbors raises", 1, 0)
            except ValueError as error:
                print(f"ok   non-orthorhombic cell refused by an API 1 library: {error}")

        # (e) library errors become exceptions carrying hgn_last_error().
        missing = os.path.join(tmp, "missing.hgn")
        try:
            HGNCalculator(missing, library=library)
            check("a missing model file raises HGNError", 1, 0)
        except HGNError as error:
            print(f"ok   missing model file: {error}")
            check("missing model file: status HGN_E_FILE (2) and the path in the message",
                  0 if error.status == 2 and "missing.hgn" in str(error) else 1, 0)
        garbage = os.path.join(tmp, "garbage.hgn")
        with open(garbage, "wb") as f:
            f.write(b"not a model" * 10)
        try:
            HGNCalculator(garbage, library=library)
            check("a corrupt model file raises HGNError", 1, 0)
        except HGNError as error:
            print(f"ok   corrupt model file: {error}")
            check("corrupt model file: status HGN_E_MODEL (3)", 0 if error.status == 3 else 1, 0)

        # Units: a model in bohr/hartree is refused unless allow_units=True (then used unconverted, with a warning).
        bohr = os.path.join(tmp, "bohr.hgn")
        train(lib, atoms, q[:4], p[:4], dq[:4], dp[:4], bohr, widths=16, length_unit="bohr", energy_unit="hartree")
        try:
            HGNCalculator(bohr, library=library)
            check("a bohr/hartree model is refused", 1, 0)
        except ValueError as error:
            print(f"ok   units refused: {error}")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            HGNCalculator(bohr, library=library, allow_units=True)
        check("allow_units=True warns", 0 if caught else 1, 0)

    print("test_ase_calculator: " + ("FAILED: " + ", ".join(failures) if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

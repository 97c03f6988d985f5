#!/usr/bin/python3
"""Writes the tiny NumPy files that NpzInteropTests read back. Run once by hand (needs numpy):

    /usr/bin/python3 tests/Engine.Tests/Data/Fixtures/make_fixtures.py

The generated files are committed; tests never run Python. Every value is a simple formula that the C# tests
repeat, so a test compares against the formula, not against bytes copied from the engine.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name):
    return os.path.join(HERE, name)


def full_stored():
    # np.savez (stored members), every schema key plus an unknown extra key that readers must ignore.
    M, N, d = 3, 4, 2
    k = np.arange(M * N * d, dtype=np.float64).reshape(M, N, d)
    np.savez(
        out("full_savez.npz"),
        q=k * 0.5,
        p=1.0 - 0.25 * k,
        dq=0.125 * k,
        dp=-0.75 * k,
        mass=1.0 + np.arange(N, dtype=np.float64),
        species=np.array([0, 1, 0, 1], dtype=np.int64),
        edges=np.array([[0, 1], [1, 2], [2, 3]], dtype=np.int64),
        cutoff=np.float64(2.5),
        box=np.array([10.0, 12.0]),
        H=1.5 * np.arange(M) - 2.0,
        traj=np.array([0, 0, 1], dtype=np.int64),
        t=np.array([0.0, 0.1, 0.0]),
        length_unit=np.array("Å"),
        energy_unit=np.array("kcal/mol"),
        notes=np.arange(5),
    )


def minimal_compressed():
    # np.savez_compressed (deflated members), required keys only plus cutoff, with the dtypes and layouts
    # a user may hand in: float32 q, Fortran-order p, int32 species/traj, a bytes unit.
    M, N, d = 2, 3, 3
    k = np.arange(M * N * d, dtype=np.float64).reshape(M, N, d)
    p = np.asfortranarray(k - 4.0)
    assert p.flags.f_contiguous and not p.flags.c_contiguous
    np.savez_compressed(
        out("minimal_compressed.npz"),
        q=(0.25 * k).astype(np.float32),
        p=p,
        mass=np.array([1.0, 2.0, 4.0]),
        species=np.array([2, 0, 1], dtype=np.int32),
        traj=np.array([0, 1], dtype=np.int32),
        cutoff=np.array(1.5),
        energy_unit=np.array(b"eV"),
    )


def object_dtype():
    # An object array is stored as a pickle; readers must refuse it without unpickling.
    np.savez(
        out("object_dtype.npz"),
        q=np.array([1.0, "x", None], dtype=object),
        p=np.zeros((1, 1, 1)),
        mass=np.ones(1),
    )


def single_arrays():
    a = np.arange(6, dtype=np.float64).reshape(2, 3) * 0.5
    for version in [(1, 0), (2, 0), (3, 0)]:
        with open(out("v%d.npy" % version[0]), "wb") as f:
            np.lib.format.write_array(f, a, version=version)
    np.save(out("big_endian.npy"), a.astype(">f8"))
    np.save(out("bool.npy"), np.array([True, False, True]))
    np.save(out("fortran_int64.npy"), np.asfortranarray(np.arange(24, dtype=np.int64).reshape(2, 3, 4)))


if __name__ == "__main__":
    full_stored()
    minimal_compressed()
    object_dtype()
    single_arrays()
    for name in sorted(os.listdir(HERE)):
        if name.endswith((".npz", ".npy")):
            print(name, os.path.getsize(out(name)))

#!/usr/bin/env python3
"""The RF-HGN method of this engine written in NumPy, the way a researcher would: the reference the engine is
timed against on the same .npz files (perf/compare_numpy.sh, perf/RESULTS.md).

Same mathematics as src/Engine (method.md section 10.1): frame-free graph HGN with node scalar A_i = |p_i|^2/2m_i,
directed-edge message inputs x_e = [A_i, A_j, r, p_i.p_j, p_i.u, p_j.u], sampled tanh layers (SWIM with uniform
pairs, standardised inputs folded back into W, b), skip pooling [sum h; sum g; sum m], analytic Jacobians, anchor
row, columns equilibrated to unit norm, numpy.linalg.lstsq (LAPACK gelsd) with rcond 1e-13. The pair model is the
separable potential: per-species kinetic column + radial tanh features with the smooth cutoff (1 - (r/rc)^2)^2.
Vectorised over edges and over chunks of snapshots; no Python loop over particles or features.

usage: numpy_rfhgn.py --train TRAIN.npz --test TEST.npz [--model graph|pair] [--width-node 128 --width-edge 128
       --width-msg 1024 | --width 256] [--seed 0] --json
"""
import argparse
import json
import sys
import time

import numpy as np

S1, S2 = np.log(3.0), 0.5 * np.log(3.0)   # SWIM constants for tanh (method.md section 3.1)


def scatter(target, index, values):
    """target[:, index[e]] += values[:, e] for target [S, N, ...], values [S, E, ...], through a one-hot incidence
    matmul (BLAS) rather than np.add.at, which is an order of magnitude slower."""
    S, N = target.shape[0], target.shape[1]
    onehot = np.zeros((N, index.shape[0]))
    onehot[index, np.arange(index.shape[0])] = 1.0
    target += (onehot @ values.reshape(S, index.shape[0], -1)).reshape(target.shape)


def load(path):
    z = np.load(path)
    d = {k: z[k] for k in z.files}
    for key in ("q", "p", "dq", "dp", "mass"):
        if key not in d:
            sys.exit(f"{path}: missing '{key}'")
    return d


def swim(x, width, rng):
    """x: [rows, inputs]. Returns W [inputs, width], b [width] acting on raw inputs."""
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std[std < 1e-300] = 1.0
    xs = (x - mean) / std
    n = xs.shape[0]
    frm = rng.integers(0, n, size=width)
    to = (frm + 1 + rng.integers(0, max(n - 1, 1), size=width)) % n
    dx = xs[to] - xs[frm]
    dist2 = np.maximum((dx * dx).sum(axis=1), 1e-20)
    w = S1 * dx / dist2[:, None]                     # [width, inputs] in standardised coordinates
    b = -(w * xs[frm]).sum(axis=1) - S2
    wt = (w / std).T                                  # fold: w.(x - mu)/s + b
    b = b - (w * (mean / std)).sum(axis=1)
    return wt, b


def edges_of(d, q):
    """Undirected pairs (i, j) and displacements q_j - q_i for snapshots q [M, N, dim]."""
    if "edges" in d:
        e = d["edges"].astype(np.int64)
        dr = q[:, e[:, 1]] - q[:, e[:, 0]]
        if "box" in d:
            dr -= d["box"] * np.round(dr / d["box"])
        return e, dr
    # cutoff graph: all pairs, minimum image, masked by the cutoff (fine for the sizes compared here)
    n = q.shape[1]
    i, j = np.triu_indices(n, 1)
    dr = q[:, j] - q[:, i]
    if "box" in d:
        dr -= d["box"] * np.round(dr / d["box"])
    return np.stack([i, j], axis=1), dr


class Graph:
    def __init__(self, train, wn, we, wm, rng):
        p, m = train["p"], train["mass"]
        e, dr = edges_of(train, train["q"])
        A = (p * p).sum(axis=2) / (2 * m)                      # [M, N]
        r = np.linalg.norm(dr, axis=2)                         # [M, E]
        X = self.messages(p, m, e, dr, r)                      # [M, 2E, 6]
        self.node = swim(A.reshape(-1, 1), wn, rng)
        self.edge = swim(r.reshape(-1, 1), we, rng)
        self.msg = swim(X.reshape(-1, 6), wm, rng)
        self.F = wn + we + wm

    @staticmethod
    def messages(p, m, e, dr, r):
        u = dr / r[..., None]
        pi, pj = p[:, e[:, 0]], p[:, e[:, 1]]
        Ai = (pi * pi).sum(-1) / (2 * m[e[:, 0]])
        Aj = (pj * pj).sum(-1) / (2 * m[e[:, 1]])
        pij = (pi * pj).sum(-1)
        ai, aj = (pi * u).sum(-1), (pj * u).sum(-1)
        fwd = np.stack([Ai, Aj, r, pij, ai, aj], axis=-1)
        bwd = np.stack([Aj, Ai, r, pij, -aj, -ai], axis=-1)   # j -> i: u flips sign
        return np.concatenate([fwd, bwd], axis=1)

    def jacobian(self, d, sl):
        """Rows [dq-rows (dPhi/dp); dp-rows (dPhi/dq)] for snapshots sl: returns [S, 2, N, dim, F]."""
        q, p, m = d["q"][sl], d["p"][sl], d["mass"]
        e, dr = edges_of(d, q)
        S, N, dim = q.shape
        E = e.shape[0]
        r = np.linalg.norm(dr, axis=2)
        u = dr / r[..., None]
        J = np.zeros((S, 2, N, dim, self.F))
        nw, nb = self.node
        A = (p * p).sum(axis=2) / (2 * m)
        zn = A[..., None] * nw[0] + nb
        sn = (1 - np.tanh(zn) ** 2) * nw[0]                  # [S, N, wn]
        wn = nw.shape[1]
        J[:, 0, :, :, :wn] = sn[:, :, None, :] * (p / m[:, None])[..., None]
        ew, eb = self.edge
        we = ew.shape[1]
        se = 2 * (1 - np.tanh(r[..., None] * ew[0] + eb) ** 2) * ew[0]   # both directions share r
        contrib = u[..., None] * se[:, :, None, :]           # [S, E, dim, we]
        scatter(J[:, 1, :, :, wn:wn + we], e[:, 1], contrib)
        scatter(J[:, 1, :, :, wn:wn + we], e[:, 0], -contrib)
        mw, mb = self.msg
        o = wn + we
        for direction in (0, 1):
            src, dst = (e[:, 0], e[:, 1]) if direction == 0 else (e[:, 1], e[:, 0])
            uu = u if direction == 0 else -u
            X = self.messages(p, m, e, dr, r)[:, direction * E:(direction + 1) * E]
            Z = X @ mw + mb
            s = 1 - np.tanh(Z) ** 2                          # [S, E, wm]
            t = s[:, :, None, :] * mw[None, None, :, :]      # [S, E, 6, wm]
            pi, pj = p[:, src], p[:, dst]
            ai, aj = X[..., 4], X[..., 5]
            # d/dp_i, d/dp_j, d/dq_j (d/dq_i is its negative), as in GraphHgnFeatures.EvaluateJacobian
            dpi = (pi / m[src][:, None])[..., None] * t[:, :, None, 0] + pj[..., None] * t[:, :, None, 3] + uu[..., None] * t[:, :, None, 4]
            dpj = (pj / m[dst][:, None])[..., None] * t[:, :, None, 1] + pi[..., None] * t[:, :, None, 3] + uu[..., None] * t[:, :, None, 5]
            dqj = uu[..., None] * t[:, :, None, 2] + ((pi - ai[..., None] * uu) / r[..., None])[..., None] * t[:, :, None, 4] \
                + ((pj - aj[..., None] * uu) / r[..., None])[..., None] * t[:, :, None, 5]
            scatter(J[:, 0, :, :, o:], src, dpi)
            scatter(J[:, 0, :, :, o:], dst, dpj)
            scatter(J[:, 1, :, :, o:], dst, dqj)
            scatter(J[:, 1, :, :, o:], src, -dqj)
        return J

    def phi(self, d, k):
        q, p, m = d["q"][k:k + 1], d["p"][k:k + 1], d["mass"]
        e, dr = edges_of(d, q)
        r = np.linalg.norm(dr, axis=2)
        A = (p * p).sum(axis=2) / (2 * m)
        (nw, nb), (ew, eb), (mw, mb) = self.node, self.edge, self.msg
        X = self.messages(p, m, e, dr, r)
        return np.concatenate([np.tanh(A[..., None] * nw[0] + nb).sum(axis=1)[0],
                               2 * np.tanh(r[..., None] * ew[0] + eb).sum(axis=1)[0],
                               np.tanh(X @ mw + mb).sum(axis=1)[0]])


class Pair:
    def __init__(self, train, width, rng):
        e, dr = edges_of(train, train["q"])
        r = np.linalg.norm(dr, axis=2)
        self.rc = float(train["cutoff"]) if "cutoff" in train and "edges" not in train else 0.0
        inside = r < self.rc if self.rc > 0 else np.ones_like(r, dtype=bool)
        self.radial = swim(r[inside].reshape(-1, 1), width, rng)
        self.species = int(train["species"].max()) + 1 if "species" in train else 1
        self.F = self.species + width      # one pair type suffices for the single-species data compared here

    def cutoff(self, r):
        if self.rc <= 0:
            return np.ones_like(r), np.zeros_like(r)
        x = r / self.rc
        uu = 1 - x * x
        inside = r < self.rc
        return np.where(inside, uu * uu, 0.0), np.where(inside, -4 * x * uu / self.rc, 0.0)

    def jacobian(self, d, sl):
        q, p, m = d["q"][sl], d["p"][sl], d["mass"]
        sp = d["species"] if "species" in d else np.zeros(q.shape[1], dtype=np.int64)
        e, dr = edges_of(d, q)
        S, N, dim = q.shape
        r = np.linalg.norm(dr, axis=2)
        u = dr / r[..., None]
        J = np.zeros((S, 2, N, dim, self.F))
        for s in range(self.species):
            J[:, 0, :, :, s] = (p / m[:, None]) * (sp == s)[None, :, None]
        w, b = self.radial
        fc, dfc = self.cutoff(r)
        t = np.tanh(r[..., None] * w[0] + b)
        g = dfc[..., None] * t + fc[..., None] * (1 - t * t) * w[0]           # d/dr of f_c(r) sigma(w r + b)
        contrib = u[..., None] * g[:, :, None, :]
        scatter(J[:, 1, :, :, self.species:], e[:, 1], contrib)
        scatter(J[:, 1, :, :, self.species:], e[:, 0], -contrib)
        return J

    def phi(self, d, k):
        q, p, m = d["q"][k:k + 1], d["p"][k:k + 1], d["mass"]
        sp = d["species"] if "species" in d else np.zeros(q.shape[1], dtype=np.int64)
        e, dr = edges_of(d, q)
        r = np.linalg.norm(dr, axis=2)
        kin = np.bincount(sp, weights=(p[0] * p[0]).sum(axis=1) / (2 * m), minlength=self.species)
        w, b = self.radial
        fc, _ = self.cutoff(r)
        return np.concatenate([kin, (fc[..., None] * np.tanh(r[..., None] * w[0] + b)).sum(axis=1)[0]])


def assemble(model, d, chunk):
    M, N, dim = d["q"].shape
    rows = 2 * M * N * dim
    Z = np.empty((rows + 1, model.F + 1))
    u = np.empty(rows + 1)
    per = 2 * N * dim
    for m0 in range(0, M, chunk):
        sl = slice(m0, min(M, m0 + chunk))
        J = model.jacobian(d, sl)
        S = J.shape[0]
        Z[m0 * per:(m0 + S) * per, :model.F] = J.reshape(S * per, model.F)
        Z[m0 * per:(m0 + S) * per, model.F] = 0
        u[m0 * per:(m0 + S) * per] = np.stack([d["dq"][sl], -d["dp"][sl]], axis=1).reshape(-1)
    Z[rows, :model.F] = model.phi(d, 0)
    Z[rows, model.F] = 1.0
    u[rows] = float(d["H"][0]) if "H" in d else 0.0
    return Z, u


def solve(Z, u, rcond):
    norms = np.linalg.norm(Z, axis=0)
    keep = norms > 0
    x = np.zeros(Z.shape[1])
    y, _, rank, _ = np.linalg.lstsq(Z[:, keep] / norms[keep], u, rcond=rcond)
    x[keep] = y / norms[keep]
    return x, int(rank)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--model", choices=["graph", "pair"], default="graph")
    ap.add_argument("--width-node", type=int, default=128)
    ap.add_argument("--width-edge", type=int, default=128)
    ap.add_argument("--width-msg", type=int, default=1024)
    ap.add_argument("--width", type=int, default=256, help="pair: radial features")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--chunk", type=int, default=20, help="snapshots per vectorised Jacobian block")
    ap.add_argument("--rcond", type=float, default=1e-13)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    train, test = load(a.train), load(a.test)
    rng = np.random.default_rng(a.seed)

    t0 = time.perf_counter()
    model = Graph(train, a.width_node, a.width_edge, a.width_msg, rng) if a.model == "graph" else Pair(train, a.width, rng)
    t1 = time.perf_counter()
    Z, u = assemble(model, train, a.chunk)
    t2 = time.perf_counter()
    theta, rank = solve(Z, u, a.rcond)
    t3 = time.perf_counter()

    # Held-out derivatives through the Jacobian: q_dot = dH/dp, p_dot = -dH/dq.
    err, count = 0.0, 0
    for m0 in range(0, test["q"].shape[0], a.chunk):
        sl = slice(m0, min(test["q"].shape[0], m0 + a.chunk))
        J = model.jacobian(test, sl)
        g = J @ theta[:model.F]                                 # [S, 2, N, dim]
        err += ((g[:, 0] - test["dq"][sl]) ** 2).sum() + ((-g[:, 1] - test["dp"][sl]) ** 2).sum()
        count += 2 * g[:, 0].size
    out = {
        "implementation": "numpy", "numpy": np.__version__, "model": a.model,
        "rows": int(Z.shape[0]), "cols": int(Z.shape[1]), "rank": rank,
        "sampling_seconds": t1 - t0, "assembly_seconds": t2 - t1, "solve_seconds": t3 - t2, "fit_seconds": t3 - t0,
        "test_dydt_mse": err / count,
    }
    print(json.dumps(out) if a.json else "\n".join(f"{k:18} {v}" for k, v in out.items()))


if __name__ == "__main__":
    main()

// Exports that evaluate a model: workspaces, potential energy/forces/virial, time derivatives, integrator steps.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Engine.Common;
using Engine.Dynamics;
using Engine.Model;

namespace Engine.CApi;

internal static unsafe class ComputeExports
{
    [UnmanagedCallersOnly(EntryPoint = "hgn_workspace_create", CallConvs = [typeof(CallConvCdecl)])]
    public static int Create(nint model, nint* workspace)
    {
        try
        {
            if (workspace == null) throw new InvalidInputException("'workspace' (the output handle pointer) is NULL");
            *workspace = 0;
            var m = HandleTable.Get<ModelHandle>(model, "model");
            *workspace = HandleTable.Add(new Workspace(m.Model));
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "hgn_workspace_free", CallConvs = [typeof(CallConvCdecl)])]
    public static void Free(nint* workspace)
    {
        try
        {
            if (workspace == null) return;
            HandleTable.Remove<Workspace>(*workspace);
            *workspace = 0;
        }
        catch (Exception e) { LastError.Set(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "hgn_compute", CallConvs = [typeof(CallConvCdecl)])]
    public static int Compute(nint workspace, long natoms, double* positions, int* species, double* cell,
                              long* edges, long nedges, double* energy, double* forces, double* virial, double* perAtomEnergy)
    {
        try
        {
            var ws = HandleTable.Get<Workspace>(workspace, "workspace");
            using var busy = ws.Enter();
            int d = ws.Model.Dimension;
            int n = NativeInput.Count(natoms, "natoms", d);
            RequirePotential(ws.Model, "hgn_compute", virial != null);
            var q = NativeInput.Doubles(positions, n * d, "positions");
            var evaluator = ws.Evaluator(n, null, species, cell, edges, nedges);
            double v = evaluator.EvaluatePotential(q, NativeInput.Output(forces, n * d), NativeInput.Output(virial, 6), NativeInput.Output(perAtomEnergy, n));
            if (energy != null) *energy = v;
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "hgn_compute_neighbors", CallConvs = [typeof(CallConvCdecl)])]
    public static int ComputeNeighbors(nint workspace, long natoms, double* positions, int* species, int* contributing,
                                       long* neighborOffsets, int* neighbors, double* energy, double* forces, double* virial, double* perAtomEnergy)
    {
        try
        {
            var ws = HandleTable.Get<Workspace>(workspace, "workspace");
            using var busy = ws.Enter();
            int d = ws.Model.Dimension;
            int n = NativeInput.Count(natoms, "natoms", d);
            RequirePotential(ws.Model, "hgn_compute_neighbors", virial != null);
            if (ws.Model.Graph.UsesFixedEdges)
                throw new InvalidInputException("hgn_compute_neighbors serves cutoff models; this model was trained on a fixed topology: use hgn_compute with its 'edges'");
            if (positions == null) throw new InvalidInputException($"'positions' is NULL; it must point to natoms·d = {(long)n * d} doubles");
            if (neighborOffsets == null) throw new InvalidInputException($"'neighbor_offsets' is NULL; it must point to natoms + 1 = {(long)n + 1} CSR offsets");
            if (n > int.MaxValue - 1) throw new InvalidInputException($"'natoms' = {n} is too large for this engine");
            var offsets = new ReadOnlySpan<long>(neighborOffsets, n + 1);
            long total = offsets[n];
            if (total < 0 || total > int.MaxValue)
                throw new InvalidInputException($"'neighbor_offsets'[natoms] is {total}; the total number of neighbours must be in [0, {int.MaxValue}]");
            if (neighbors == null && total > 0) throw new InvalidInputException($"'neighbors' is NULL but 'neighbor_offsets'[natoms] = {total}; it must point to that many indices");
            var list = neighbors == null ? default : new ReadOnlySpan<int>(neighbors, (int)total);
            var spec = species == null ? default : new ReadOnlySpan<int>(species, n);
            var flags = contributing == null ? default : new ReadOnlySpan<int>(contributing, n);
            var evaluator = ws.NeighborList();
            double v = evaluator.EvaluatePotential(new ReadOnlySpan<double>(positions, n * d), spec, flags, offsets, list,
                NativeInput.Output(forces, n * d), NativeInput.Output(virial, 6), NativeInput.Output(perAtomEnergy, n));
            if (energy != null) *energy = v;
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    /// <summary>The checks shared by the potential entry points: a separable model, and a virial only in 3-D.</summary>
    private static void RequirePotential(HamiltonianModel model, string function, bool virialRequested)
    {
        if (!model.IsSeparable)
            throw new InvalidInputException($"{function} serves separable models (H = T(p) + V(q)); this {model.Family} model depends on q and p jointly: use hgn_time_derivatives or hgn_step");
        if (virialRequested && model.Dimension != 3)
            throw new InvalidInputException($"'virial' is defined for 3-dimensional models; this model has d = {model.Dimension} (pass NULL)");
    }

    [UnmanagedCallersOnly(EntryPoint = "hgn_time_derivatives", CallConvs = [typeof(CallConvCdecl)])]
    public static int TimeDerivatives(nint workspace, long natoms, double* q, double* p, double* masses, int* species,
                                      double* cell, long* edges, long nedges, double* hamiltonian, double* dq, double* dp)
    {
        try
        {
            var ws = HandleTable.Get<Workspace>(workspace, "workspace");
            using var busy = ws.Enter();
            int d = ws.Model.Dimension;
            int n = NativeInput.Count(natoms, "natoms", d);
            var qs = NativeInput.Doubles(q, n * d, "q");
            var ps = NativeInput.Doubles(p, n * d, "p");
            if (masses == null) throw new InvalidInputException("'masses' is NULL; the kinetic part needs the particle masses [natoms]");
            var evaluator = ws.Evaluator(n, masses, species, cell, edges, nedges);
            // Hamilton's equations: q̇ = ∂H/∂p is written straight into dq; ṗ = −∂H/∂q is negated in place in dp.
            var dHdq = NativeInput.Output(dp, n * d);
            var dHdp = NativeInput.Output(dq, n * d);
            double h = evaluator.Evaluate(qs, ps, dHdq, dHdp);
            for (int k = 0; k < dHdq.Length; k++) dHdq[k] = -dHdq[k];
            if (hamiltonian != null) *hamiltonian = h;
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "hgn_step", CallConvs = [typeof(CallConvCdecl)])]
    public static int Step(nint workspace, long natoms, double* q, double* p, double* masses, int* species,
                           double* cell, long* edges, long nedges, double dt, int steps, int integrator)
    {
        try
        {
            var ws = HandleTable.Get<Workspace>(workspace, "workspace");
            using var busy = ws.Enter();
            int d = ws.Model.Dimension;
            int n = NativeInput.Count(natoms, "natoms", d);
            NativeInput.Doubles(q, n * d, "q");
            NativeInput.Doubles(p, n * d, "p");
            if (masses == null) throw new InvalidInputException("'masses' is NULL; the kinetic part needs the particle masses [natoms]");
            if (!(double.IsFinite(dt) && dt > 0)) throw new InvalidInputException($"'dt' is {dt}; the time step must be positive and finite");
            if (steps < 0) throw new InvalidInputException($"'steps' is {steps}; it must be ≥ 0");
            if (integrator is < 0 or > 2) throw new InvalidInputException($"'integrator' is {integrator}; use HGN_INTEGRATOR_STORMER_VERLET (0), _VELOCITY_VERLET (1) or _IMPLICIT_MIDPOINT (2)");
            var evaluator = ws.Evaluator(n, masses, species, cell, edges, nedges);
            var stepper = ws.Integrator(evaluator, (IntegratorKind)integrator);
            var qs = new Span<double>(q, n * d);
            var ps = new Span<double>(p, n * d);
            for (int s = 0; s < steps; s++)
            {
                stepper.Step(qs, ps, dt);
                if (!double.IsFinite(qs[0]) || !double.IsFinite(ps[0]))
                    throw new EngineException($"the state became non-finite at step {s + 1}; reduce the time step");
            }
            return Status.Ok;
        }
        catch (Exception e) { return LastError.Set(e); }
    }
}

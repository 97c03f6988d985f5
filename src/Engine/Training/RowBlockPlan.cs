// How the streamed assembly cuts the rows of Hamilton's equations into blocks of bounded size.
using Engine.Data;
using Engine.Features;

namespace Engine.Training;

/// <summary>
/// A fixed list of row blocks over the snapshots, computed from the counts alone (so every run and every worker
/// count sees the same blocks). A snapshot whose 2·N·d rows fit the budget is never split, and whole snapshots are
/// batched up to the budget; a larger one is cut into runs of its Morton particle order (spatially compact blocks) when the feature map supports it
/// (<see cref="IParticleRangeJacobian"/>), else it is one block of its own (graph models: their rows are not local).
/// </summary>
internal sealed class RowBlockPlan
{
    private readonly int _snapshots, _particles, _dimension, _snapshotsPerBlock, _particlesPerBlock, _blocksPerSnapshot;

    /// <summary>True when blocks are runs of one snapshot's Morton particle order (<see cref="EdgeIncidence.Order"/>).</summary>
    public bool Split { get; }
    /// <summary>Number of blocks.</summary>
    public int Count { get; }
    /// <summary>Rows of the largest block.</summary>
    public int MaxRows { get; }

    private RowBlockPlan(int snapshots, int particles, int dimension, bool split, int snapshotsPerBlock, int particlesPerBlock)
    {
        _snapshots = snapshots; _particles = particles; _dimension = dimension; Split = split;
        _snapshotsPerBlock = snapshotsPerBlock; _particlesPerBlock = particlesPerBlock;
        int perSnapshot = 2 * particles * dimension;
        if (split)
        {
            _blocksPerSnapshot = (particles + particlesPerBlock - 1) / particlesPerBlock;
            Count = snapshots * _blocksPerSnapshot;
            MaxRows = 2 * particlesPerBlock * dimension;
        }
        else
        {
            Count = (snapshots + snapshotsPerBlock - 1) / snapshotsPerBlock;
            MaxRows = Math.Min(snapshotsPerBlock, snapshots) * perSnapshot;
        }
    }

    /// <summary>The plan for <paramref name="data"/> with at most <paramref name="rowsPerBlock"/> rows a block where possible.</summary>
    public static RowBlockPlan For(PhaseSpaceData data, IFeatureMap features, int rowsPerBlock)
    {
        if (rowsPerBlock < 1) throw new Common.InvalidInputException($"rows per block must be ≥ 1, got {rowsPerBlock}");
        int d = data.Dimension, n = data.Particles, perSnapshot = 2 * n * d;
        if (perSnapshot > rowsPerBlock && features is IParticleRangeJacobian && n > 1)
            return new RowBlockPlan(data.Snapshots, n, d, split: true, 1, Math.Clamp(rowsPerBlock / (2 * d), 1, n));
        return new RowBlockPlan(data.Snapshots, n, d, split: false, Math.Max(1, rowsPerBlock / perSnapshot), n);
    }

    /// <summary>
    /// Block <paramref name="b"/>: snapshots [Snapshot, Snapshot + SnapshotCount) and, of each, particles
    /// at positions [First, First + ParticleCount) of the Morton order (all of them, in index order, unless <see cref="Split"/>).
    /// </summary>
    public (int Snapshot, int SnapshotCount, int First, int ParticleCount) this[int b]
    {
        get
        {
            if (Split)
            {
                int m = b / _blocksPerSnapshot, first = b % _blocksPerSnapshot * _particlesPerBlock;
                return (m, 1, first, Math.Min(_particlesPerBlock, _particles - first));
            }
            int m0 = b * _snapshotsPerBlock;
            return (m0, Math.Min(_snapshotsPerBlock, _snapshots - m0), 0, _particles);
        }
    }

    /// <summary>Rows of block <paramref name="b"/>.</summary>
    public int RowsOf(int b)
    {
        var (_, mc, _, pc) = this[b];
        return 2 * mc * pc * _dimension;
    }
}

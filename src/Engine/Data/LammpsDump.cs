// Reads LAMMPS `dump custom` text (id type x y z vx vy vz fx fy fz) into PhaseSpaceData: q, p = m v, q̇ = v, ṗ = F.
using Engine.Common;

namespace Engine.Data;

/// <summary>
/// Reader for the text written by <c>dump d all custom N file id type x y z vx vy vz fx fy fz</c>: frames of
/// <c>ITEM: TIMESTEP</c>, <c>ITEM: NUMBER OF ATOMS</c>, <c>ITEM: BOX BOUNDS</c> (three "lo hi" lines) and
/// <c>ITEM: ATOMS &lt;columns&gt;</c> followed by one row per atom. <c>ITEM: UNITS</c> and <c>ITEM: TIME</c>
/// (dump_modify units/time yes) are understood too.
/// <list type="bullet">
/// <item>Columns may come in any order; extra columns are ignored. Positions are <c>x y z</c> or, when those are
/// absent, the unwrapped <c>xu yu zu</c>; scaled coordinates are refused. A <c>mass</c> column, when present, gives
/// the masses (the caller's masses, if also given, must agree with it).</item>
/// <item>Rows are sorted by <c>id</c> in each frame (dump_modify sort id is not needed); every frame must hold the
/// same ids with the same types. Particle i is the atom with the i-th smallest id.</item>
/// <item>Boundaries: <c>pp pp pp</c> gives the periodic box [xhi − xlo, yhi − ylo, zhi − zlo]; all three
/// non-periodic (f, s or m) gives open boundaries (no box); a mix, a triclinic box and a box that changes between
/// frames are refused, because the engine stores one fully periodic or fully open orthorhombic box.</item>
/// <item>Units: q = x, q̇ = v, ṗ = F as written; mass = factor × m with the factor of
/// <see cref="MdUnits.MassFactor"/>; p = mass · v. species = type − 1; traj = 0 (one trajectory, TIMESTEP must
/// increase); t = TIMESTEP × <see cref="MdReadOptions.Timestep"/>, else the <c>ITEM: TIME</c> values, else the
/// frame index. Dimension is always 3.</item>
/// </list>
/// Every refusal is an <see cref="InvalidInputException"/> naming the file, the line and the fix.
/// </summary>
public static class LammpsDump
{
    private const string Recipe = "dump d all custom N file id type x y z vx vy vz fx fy fz";

    /// <summary>Reads and validates the dump at <paramref name="path"/>; see the class summary for the mapping.</summary>
    public static PhaseSpaceData Read(string path, MdReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Check(path);
        if (options.Units == MdUnitStyle.Ase)
            throw new InvalidInputException($"{path}: LAMMPS has no 'ase' unit style; give the style of the run's 'units' command: metal, real or lj");
        using var r = MdTextReader.Open(path, "a LAMMPS dump (" + Recipe + ")");
        var state = new State(r, options);
        string? line;
        while ((line = r.Next()) is not null)
        {
            var t = line.AsSpan().Trim();
            if (t.IsEmpty) continue;
            if (!t.StartsWith("ITEM:"))
                throw r.Error($"expected an 'ITEM:' line, found '{MdTextReader.Short(t)}'; a LAMMPS dump is a sequence of ITEM: blocks ({Recipe})");
            state.Item(t[5..].Trim().ToString());
        }
        return state.Finish();
    }

    /// <summary>The parser's state: the frame being read and everything accumulated from the finished frames.</summary>
    private sealed class State(MdTextReader r, MdReadOptions options)
    {
        // The frame in progress (reset after its ATOMS block).
        private long? _timestep; private int _frameLine; private long? _count; private double[]? _lo, _hi; private bool _periodic; private double? _time;
        // Fixed by the first frame.
        private int _n = -1; private long[] _ids = []; private int[] _types = []; private double[] _mass = []; private double[]? _box;
        private readonly List<double[]> _q = [], _v = [], _f = [];
        private readonly List<long> _steps = [];
        private readonly List<double?> _times = [];

        public void Item(string item)
        {
            if (item == "UNITS")
            {
                string u = Value("UNITS").Trim();
                if (!string.Equals(u, MdUnits.Name(options.Units), StringComparison.OrdinalIgnoreCase))
                    throw r.Error($"the dump says units '{u}' but the caller gave '{MdUnits.Name(options.Units)}'; give the units the run used");
            }
            else if (item == "TIME") _time = r.Double(Value("TIME").AsSpan().Trim(), "TIME");
            else if (item == "TIMESTEP")
            {
                if (_timestep is not null)
                    throw r.Error($"a second ITEM: TIMESTEP before the ITEM: ATOMS block of the frame that starts at line {_frameLine}; that frame is incomplete");
                int itemLine = r.Line;
                _timestep = r.Long(Value("TIMESTEP").AsSpan().Trim(), "TIMESTEP");
                _frameLine = itemLine;
                if (_steps.Count > 0 && _timestep <= _steps[^1])
                    throw r.Error($"TIMESTEP {_timestep} does not increase (the previous frame is at step {_steps[^1]}); the file is read as one trajectory in time order — put restarted runs in separate files");
            }
            else if (item == "NUMBER OF ATOMS")
            {
                long n = r.Long(Value("NUMBER OF ATOMS").AsSpan().Trim(), "NUMBER OF ATOMS");
                if (n < 1 || n > Array.MaxLength / 3) throw r.Error($"NUMBER OF ATOMS is {n}; a frame needs between 1 and {Array.MaxLength / 3} atoms");
                r.CheckRowsFit(n, 22, "NUMBER OF ATOMS");   // a row of 11 columns takes at least 22 bytes
                _count = n;
            }
            else if (item.StartsWith("BOX BOUNDS", StringComparison.Ordinal)) Box(item["BOX BOUNDS".Length..]);
            else if (item.StartsWith("ATOMS", StringComparison.Ordinal)) Atoms(item["ATOMS".Length..]);
            else throw r.Error($"unknown item 'ITEM: {MdTextReader.Short(item)}'; expected TIMESTEP, NUMBER OF ATOMS, BOX BOUNDS or ATOMS of a 'dump custom' ({Recipe})");
        }

        private string Value(string item)
        {
            int itemLine = r.Line;
            return r.Next() ?? throw r.Error(itemLine, $"the file ends after ITEM: {item}; the last frame was cut off — remove it");
        }

        private void Box(string rest)
        {
            int itemLine = r.Line;
            var flags = rest.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (flags.Any(f => f is "xy" or "xz" or "yz" or "abc" or "origin"))
                throw r.Error("the box is triclinic (tilt factors xy xz yz); the engine supports orthorhombic boxes only — run with an orthorhombic region");
            if (flags.Length != 3 || flags.Any(f => f.Length != 2 || f.Any(c => c is not ('p' or 'f' or 's' or 'm'))))
                throw r.Error($"ITEM: BOX BOUNDS has boundary flags '{rest.Trim()}'; expected three of pp, ff, ss, fs, sm, … as LAMMPS writes them (e.g. 'pp pp pp')");
            int periodic = flags.Count(f => f == "pp");
            if (flags.Any(f => f.Contains('p') && f != "pp")) throw r.Error($"boundary flags '{rest.Trim()}' mix p with a non-periodic flag in one dimension; LAMMPS never writes that");
            if (periodic is not (0 or 3))
                throw r.Error($"boundary flags '{rest.Trim()}' are periodic in some dimensions only; the engine's box is periodic in all dimensions or none — use 'boundary p p p' or no periodic dimension");
            _periodic = periodic == 3;
            var lo = new double[3]; var hi = new double[3];
            Span<Range> f2 = stackalloc Range[4];
            for (int a = 0; a < 3; a++)
            {
                string line = r.Next() ?? throw r.Error(itemLine, "the file ends inside ITEM: BOX BOUNDS; the last frame was cut off — remove it");
                int k = MdTextReader.Split(line, f2);
                if (k < 2) throw r.Error($"a box-bounds line needs 'lo hi', found '{MdTextReader.Short(line)}'");
                if (k > 2) throw r.Error("a box-bounds line has a third value (a tilt factor): the box is triclinic; the engine supports orthorhombic boxes only");
                lo[a] = r.Double(line.AsSpan()[f2[0]], "box lower bound");
                hi[a] = r.Double(line.AsSpan()[f2[1]], "box upper bound");
                if (!(hi[a] > lo[a])) throw r.Error($"box bounds {lo[a]} {hi[a]} are empty; the upper bound must exceed the lower one");
            }
            (_lo, _hi) = (lo, hi);
        }

        private void Atoms(string header)
        {
            int headerLine = r.Line;
            if (_timestep is null || _count is null || _lo is null)
                throw r.Error($"ITEM: ATOMS comes before this frame's {(_timestep is null ? "ITEM: TIMESTEP" : _count is null ? "ITEM: NUMBER OF ATOMS" : "ITEM: BOX BOUNDS")}; the file is not a complete 'dump custom'");
            var names = header.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            int Find(params string[] candidates)
            {
                foreach (var c in candidates) { int k = Array.IndexOf(names, c); if (k >= 0) return k; }
                return -1;
            }
            string[] required = ["id", "type", "x|xu", "y|yu", "z|zu", "vx", "vy", "vz", "fx", "fy", "fz"];
            var col = required.Select(c => Find(c.Split('|'))).ToArray();
            if (col.Any(c => c < 0))
            {
                var missing = required.Where((c, k) => col[k] < 0).Select(c => c.Split('|')[0]).ToList();
                string scaled = names.Any(n => n is "xs" or "ys" or "zs" or "xsu" or "ysu" or "zsu") ? " (scaled coordinates xs ys zs are not read; dump x y z or xu yu zu)" : "";
                throw r.Error($"ITEM: ATOMS lacks the column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}{scaled}; write the dump with '{Recipe}'");
            }
            int massCol = Find("mass");
            int n = (int)_count!.Value;
            if (_n >= 0 && n != _n)
                throw r.Error(_frameLine, $"the frame at TIMESTEP {_timestep} has {n} atoms, the first frame {_n}; every frame must hold the same atoms");

            var ids = new long[n]; var types = new int[n]; var mass = massCol >= 0 ? new double[n] : null;
            var x = new double[3 * n]; var v = new double[3 * n]; var f = new double[3 * n];
            Span<Range> fields = new Range[names.Length + 1];   // one spare slot detects rows with extra values
            for (int k = 0; k < n; k++)
            {
                string line = r.Next() ?? throw r.Error($"the file ends inside the ITEM: ATOMS block of the frame that starts at line {_frameLine} (TIMESTEP {_timestep}): {k} of {n} atom rows were read; the last frame was cut off — remove it");
                var s = line.AsSpan();
                int count = MdTextReader.Split(s, fields);
                if (count > 0 && s[fields[0]].StartsWith("ITEM:"))
                    throw r.Error($"an ITEM: line after {k} of the {n} atom rows that NUMBER OF ATOMS promised for the frame at line {_frameLine}; the frame is incomplete");
                if (r.IsCutLine)
                    throw r.Error($"the file ends without an end-of-line inside this atom row of the frame that starts at line {_frameLine}; the last frame was cut off — remove it");
                if (count != names.Length)
                    throw r.Error($"the atom row has {(count > names.Length ? "more than " + names.Length : count.ToString())} values; the ITEM: ATOMS header at line {headerLine} names {names.Length} columns");
                ids[k] = r.Long(s[fields[col[0]]], "atom id");
                long type = r.Long(s[fields[col[1]]], "atom type");
                if (type < 1 || type > int.MaxValue) throw r.Error($"atom type {type} is not a LAMMPS type (1, 2, …)");
                types[k] = (int)type;
                for (int a = 0; a < 3; a++)
                {
                    x[3 * k + a] = r.Double(s[fields[col[2 + a]]], names[col[2 + a]]);
                    v[3 * k + a] = r.Double(s[fields[col[5 + a]]], names[col[5 + a]]);
                    f[3 * k + a] = r.Double(s[fields[col[8 + a]]], names[col[8 + a]]);
                }
                if (mass is not null)
                {
                    mass[k] = r.Double(s[fields[massCol]], "mass");
                    if (!(mass[k] > 0)) throw r.Error($"mass {mass[k]} must be positive");
                }
            }
            Store(headerLine, ids, types, mass, x, v, f);
        }

        private void Store(int headerLine, long[] ids, int[] types, double[]? mass, double[] x, double[] v, double[] f)
        {
            int n = ids.Length;
            var order = Enumerable.Range(0, n).ToArray();
            Array.Sort((long[])ids.Clone(), order);
            var sortedIds = order.Select(k => ids[k]).ToArray();
            for (int k = 1; k < n; k++)
                if (sortedIds[k] == sortedIds[k - 1]) throw r.Error(_frameLine, $"atom id {sortedIds[k]} appears twice in the frame at TIMESTEP {_timestep}; every atom needs its own id");
            var sortedTypes = order.Select(k => types[k]).ToArray();

            if (_n < 0)
            {
                _n = n; _ids = sortedIds; _types = sortedTypes;
                _mass = Masses(headerLine, sortedTypes, mass is null ? null : order.Select(k => mass[k]).ToArray());
                _box = _periodic ? [_hi![0] - _lo![0], _hi[1] - _lo[1], _hi[2] - _lo[2]] : null;
            }
            else
            {
                for (int k = 0; k < n; k++)
                {
                    if (sortedIds[k] != _ids[k])
                        throw r.Error(_frameLine, $"the frame at TIMESTEP {_timestep} holds atom ids different from the first frame (the {k + 1}-th smallest id is {sortedIds[k]}, was {_ids[k]}); every frame must hold the same atoms");
                    if (sortedTypes[k] != _types[k])
                        throw r.Error(_frameLine, $"atom id {sortedIds[k]} has type {sortedTypes[k]} in the frame at TIMESTEP {_timestep} but type {_types[k]} in the first frame; types must not change");
                }
                bool periodic = _box is not null;
                if (periodic != _periodic) throw r.Error(_frameLine, "the boundary flags change between frames; the engine stores one box per data set");
                for (int a = 0; a < 3; a++)
                {
                    double L = _hi![a] - _lo![a];
                    if (periodic && !Same(L, _box![a]))
                        throw r.Error(_frameLine, $"the box length along {"xyz"[a]} is {L} at TIMESTEP {_timestep} but {_box[a]} in the first frame; the engine stores one fixed box — use constant-volume (NVE/NVT) output");
                }
            }

            var q = new double[3 * n]; var vs = new double[3 * n]; var fs = new double[3 * n];
            for (int k = 0; k < n; k++)
                for (int a = 0; a < 3; a++)
                {
                    q[3 * k + a] = x[3 * order[k] + a];
                    vs[3 * k + a] = v[3 * order[k] + a];
                    fs[3 * k + a] = f[3 * order[k] + a];
                }
            _q.Add(q); _v.Add(vs); _f.Add(fs);
            _steps.Add(_timestep!.Value); _times.Add(_time);
            _timestep = null; _count = null; _lo = null; _hi = null; _time = null;
        }

        private static bool Same(double a, double b) => Math.Abs(a - b) <= 1e-12 * Math.Max(Math.Abs(a), Math.Abs(b));

        /// <summary>Per-atom masses in the file's unit from the mass column or the caller's per-type masses.</summary>
        private double[] Masses(int headerLine, int[] types, double[]? column)
        {
            var mass = new double[types.Length];
            for (int i = 0; i < types.Length; i++)
            {
                double? given = options.MassOf(types[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (column is not null)
                {
                    if (given is double g && Math.Abs(g - column[i]) > 1e-6 * column[i])
                        throw r.Error(headerLine, $"the dump's mass column gives {column[i]} for type {types[i]} but the caller gave {g}; drop the caller's mass or correct it");
                    mass[i] = column[i];
                }
                else mass[i] = given ?? throw r.Error(headerLine,
                    $"no mass for LAMMPS type {types[i]}; give every type's mass (in g/mol for metal/real), e.g. --masses \"{string.Join(",", types.Distinct().Order().Select(t => t + ":MASS"))}\", or dump a 'mass' column");
            }
            return mass;
        }

        public PhaseSpaceData Finish()
        {
            if (_timestep is not null)
                throw r.Error(_frameLine, $"the file ends inside the frame that starts here (TIMESTEP {_timestep}) before its ITEM: ATOMS block; the last frame was cut off — remove it");
            if (_q.Count == 0) throw new InvalidInputException($"{r.Path}: holds no complete frame; expected the text of '{Recipe}'");
            int m = _q.Count, n = _n, s = 3 * n;
            double factor = MdUnits.MassFactor(options.Units);
            var mass = _mass.Select(v => v * factor).ToArray();
            var Q = new double[(long)m * s]; var P = new double[(long)m * s]; var Dq = new double[(long)m * s]; var Dp = new double[(long)m * s];
            for (int k = 0; k < m; k++)
            {
                _q[k].CopyTo(Q, (long)k * s);
                _v[k].CopyTo(Dq, (long)k * s);
                _f[k].CopyTo(Dp, (long)k * s);
                for (int c = 0; c < s; c++) P[(long)k * s + c] = mass[c / 3] * _v[k][c];
            }
            double[] time = options.Timestep is double dt ? _steps.Select(t => t * dt).ToArray()
                : _times.All(t => t is not null) ? _times.Select(t => t!.Value).ToArray()
                : Enumerable.Range(0, m).Select(k => (double)k).ToArray();
            var data = new PhaseSpaceData
            {
                Snapshots = m, Particles = n, Dimension = 3,
                Q = Q, P = P, Dq = Dq, Dp = Dp,
                Mass = mass, Species = _types.Select(t => t - 1).ToArray(),
                SpeciesNames = Enumerable.Range(1, _types.Max()).Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                Edges = null, Cutoff = options.Cutoff, Box = _box,
                H = null, Trajectory = new int[m], Time = time,
                LengthUnit = MdUnits.LengthUnit(options.Units), EnergyUnit = MdUnits.EnergyUnit(options.Units),
            };
            data.Validate(r.Path);
            return data;
        }
    }
}

// Checks once, lazily and thread-safely, that OpenBLAS and LAPACKE load, and sets the BLAS thread count.
using System.Runtime.InteropServices;
using Engine.Common;

namespace Engine.Interop;

/// <summary>
/// Gatekeeper for the native linear-algebra libraries. <see cref="EnsureLoaded"/> is called at the top of every
/// public entry point that reaches native code; the first call loads <c>libopenblas.so.0</c> and
/// <c>liblapacke.so.3</c>, checks a symbol of each, and sets OpenBLAS to <see cref="Environment.ProcessorCount"/>
/// threads. Later calls cost one read of a cached result.
/// </summary>
internal static class NativeLibraries
{
    internal const string OpenBlas = "libopenblas.so.0";
    internal const string Lapacke = "liblapacke.so.3";
    internal const string InstallFix = "apt-get install -y libopenblas0-pthread liblapacke";

    // Null on success, else the message to throw; computed once (a failed load is not retried: the process
    // would need the packages installed and a restart anyway).
    private static readonly Lazy<string?> s_failure = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Throws <see cref="EngineException"/> naming the fix when either native library is missing.</summary>
    internal static void EnsureLoaded()
    {
        string? failure = s_failure.Value;
        if (failure is not null) throw new EngineException(failure);
    }

    /// <summary>Sets the number of OpenBLAS threads for all later BLAS/LAPACK calls (process-wide).</summary>
    internal static void SetBlasThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        EnsureLoaded();
        Interop.OpenBlas.SetNumThreads(threads);
    }

    /// <summary>The number of threads OpenBLAS uses now.</summary>
    internal static int BlasThreads
    {
        get { EnsureLoaded(); return Interop.OpenBlas.GetNumThreads(); }
    }

    private static string? Load()
    {
        var missing = new List<string>();
        if (!Check(OpenBlas, "cblas_dsyrk")) missing.Add(OpenBlas);
        if (!Check(Lapacke, "LAPACKE_dgelsd")) missing.Add(Lapacke);
        if (missing.Count > 0)
        {
            return $"Native linear algebra is unavailable: could not load {string.Join(" and ", missing)} " +
                   $"(or it lacks the expected symbols). Install OpenBLAS and LAPACKE: `{InstallFix}` (Debian/Ubuntu).";
        }
        Interop.OpenBlas.SetNumThreads(Environment.ProcessorCount);
        return null;
    }

    private static bool Check(string library, string symbol)
    {
        // The handle stays open for the process lifetime, so the generated stubs bind to the same library.
        if (!NativeLibrary.TryLoad(library, out nint handle)) return false;
        return NativeLibrary.TryGetExport(handle, symbol, out _);
    }
}

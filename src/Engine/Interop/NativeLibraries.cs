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
public static class NativeLibraries
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

    /// <summary>
    /// OPENBLAS_THREAD_TIMEOUT that <see cref="PreferShortBlasSpinWait"/> sets: OpenBLAS's idle workers busy-wait
    /// 2^value cycles for the next call before they sleep (its default, 28, is about 0.1 s here; 20 is about 0.3 ms, far
    /// longer than the gaps between the calls inside one LAPACK routine).
    /// </summary>
    internal const int BlasSpinWaitLog2Cycles = 20;

    /// <summary>
    /// Asks OpenBLAS, before it is loaded, to let its idle worker threads sleep after about 0.3 ms instead of spinning
    /// for about 0.1 s (OPENBLAS_THREAD_TIMEOUT = <see cref="BlasSpinWaitLog2Cycles"/>, unless the environment already
    /// sets it). Why: the sketch solver alternates OpenBLAS's threaded QR with its own passes over Z on every core, and a
    /// worker still spinning after the QR took a core from the passes. On the default lattice (2 cores) the CGLS passes
    /// fell from 20–33 ms each to 16 ms and the fit from 1.05–1.08 s to 0.99–1.01 s, with the QR itself no slower
    /// (perf/RESULTS.md). It sets a process environment variable, so it belongs at the start of a program that owns its
    /// process (the hgn command calls it first); a library inside someone else's program leaves it to that program.
    /// Returns false when OpenBLAS was already loaded, where it has no effect.
    /// </summary>
    public static bool PreferShortBlasSpinWait()
    {
        if (s_failure.IsValueCreated) return false;
        if (!OperatingSystem.IsLinux()) return false;
        try { return Interop.Libc.Setenv("OPENBLAS_THREAD_TIMEOUT", BlasSpinWaitLog2Cycles.ToString(System.Globalization.CultureInfo.InvariantCulture), overwrite: 0) == 0; }
        catch (DllNotFoundException) { return false; }
        catch (EntryPointNotFoundException) { return false; }
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

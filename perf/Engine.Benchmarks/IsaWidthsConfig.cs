// Runs a benchmark class three times, under the ISA settings that make the engine's dispatchers pick Vector512,
// Vector256 and the scalar fallback: the same code, each width side by side.
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Engine.Benchmarks.Suite;

/// <summary>
/// Three jobs for kernels whose width is chosen inside the engine (by <c>Vector512.IsHardwareAccelerated</c> and
/// <c>Vector256.IsHardwareAccelerated</c>) rather than exposed as explicit-width entry points: the machine's default,
/// <c>DOTNET_EnableAVX512=0</c> (Vector256), and AVX2 and AVX-512 both off (the scalar loops). On .NET 10 it takes
/// <c>DOTNET_EnableAVX512</c>, not <c>DOTNET_EnableAVX512F</c>, to turn Vector512 off (perf/RESULTS.md). Each job
/// uses the class's own iteration counts.
/// </summary>
public sealed class IsaWidthsConfig : ManualConfig
{
    public IsaWidthsConfig()
    {
        var job = Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5);
        AddJob(job.WithId("Vector512"));
        AddJob(job.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX512", "0")).WithId("Vector256"));
        AddJob(job.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX512", "0"),
            new EnvironmentVariable("DOTNET_EnableAVX2", "0")).WithId("Scalar"));
    }
}

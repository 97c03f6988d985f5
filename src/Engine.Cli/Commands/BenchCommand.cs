// `bench`: the roofline report — this machine's dgemm and copy peaks, and each pipeline kernel against them.
using System.CommandLine;
using System.Text.Json.Nodes;
using Engine.Benchmarks;
using static Engine.Cli.CommandRunner;

namespace Engine.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "small sizes and short timings (a few seconds; numbers are indicative only)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object on stdout" };
        var cmd = new Command("bench", "Roofline report: measured dgemm GFLOP/s and copy GB/s, then achieved GFLOP/s and GB/s of each kernel (flop/byte counts: src/Engine/Benchmarks/KernelCosts.cs).");
        cmd.Options.Add(quick);
        cmd.Options.Add(json);
        cmd.SetAction(r => Run("bench", r.GetValue(json), progress =>
        {
            var report = Roofline.Run(r.GetValue(quick), progress);
            if (!r.GetValue(json)) PrintTable(report);
            return ToJson(report);
        }));
        return cmd;
    }

    public static JsonObject ToJson(RooflineReport report)
    {
        var kernels = new JsonArray();
        foreach (var k in report.Kernels)
        {
            var o = new JsonObject
            {
                ["name"] = k.Name,
                ["size"] = k.Size,
                ["gflops"] = Num(k.Gflops),
                ["gbps"] = Num(k.Gbps),
                ["fraction_of_peak_flops"] = Num(k.Gflops / report.PeakGflops),
                ["fraction_of_peak_bandwidth"] = Num(k.Gbps / report.PeakGbps),
                ["seconds"] = Num(k.Seconds),
                ["flops"] = Num(k.Flops),
                ["bytes"] = Num(k.Bytes),
            };
            if (k.Items is not null)
            {
                o["items"] = k.Items;
                o["items_per_second"] = Num(k.ItemsPerSecond);
            }
            kernels.Add((JsonNode)o);   // the non-generic overload: Add<T> needs reflection under NativeAOT
        }
        return new JsonObject
        {
            ["peak_gflops"] = Num(report.PeakGflops),
            ["peak_gbps"] = Num(report.PeakGbps),
            ["peak_gflops_one_thread"] = Num(report.PeakGflopsOneThread),
            ["peak_gbps_one_thread"] = Num(report.PeakGbpsOneThread),
            ["blas_threads"] = report.BlasThreads,
            ["vector_bits"] = report.VectorBits,
            ["quick"] = report.Quick,
            ["kernels"] = kernels,
        };
    }

    // The human table goes to stderr with the progress lines; stdout keeps the key/value summary.
    private static void PrintTable(RooflineReport r)
    {
        var e = Console.Error;
        e.WriteLine();
        e.WriteLine($"peak dgemm {r.PeakGflops:F1} GFLOP/s ({r.BlasThreads} threads), {r.PeakGflopsOneThread:F1} on 1 thread; " +
                    $"peak copy {r.PeakGbps:F1} GB/s, {r.PeakGbpsOneThread:F1} on 1 thread; {r.VectorBits}-bit vectors");
        e.WriteLine($"{"kernel",-22} {"time/call",12} {"GFLOP/s",9} {"of peak",8} {"GB/s",8} {"of peak",8}  size");
        foreach (var k in r.Kernels)
        {
            string items = k.Items is null ? "" : $"; {k.ItemsPerSecond:G3} {k.Items}/s";
            e.WriteLine($"{k.Name,-22} {Seconds(k.Seconds),12} {k.Gflops,9:F2} {k.Gflops / r.PeakGflops,8:P1} {k.Gbps,8:F2} {k.Gbps / r.PeakGbps,8:P1}  {k.Size}{items}");
        }
    }

    private static string Seconds(double s) => s >= 1 ? $"{s:F3} s" : s >= 1e-3 ? $"{s * 1e3:F3} ms" : $"{s * 1e6:F2} µs";
}

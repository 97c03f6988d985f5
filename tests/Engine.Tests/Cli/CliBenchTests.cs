// `hgn bench --quick --json`: the roofline report's JSON shape, with positive finite numbers (no timing assertions).
using System.Text.Json.Nodes;
using NUnit.Framework;
using static Engine.Tests.Cli.CliHarness;

namespace Engine.Tests.Cli;

[TestFixture, NonParallelizable]
public class CliBenchTests
{
    private static readonly string[] KernelNames =
        ["linear_combination", "dot_product", "activation_tanh", "activation_sin", "graph_jacobian", "system_assembly",
         "gelsd_solve", "sketch_solve", "cholesky_solve", "cholesky_solve_large", "pair_model_force", "lennard_jones_force"];

    [Test]
    public void QuickJson_HasPeaksAndOneEntryPerKernel_AllPositiveAndFinite()
    {
        var json = Ok("bench", "--quick", "--json");
        Assert.That(json["command"]!.GetValue<string>(), Is.EqualTo("bench"));
        Assert.That(json["quick"]!.GetValue<bool>(), Is.True);
        double peakFlops = Number(json, "peak_gflops"), peakBw = Number(json, "peak_gbps");
        Assert.That(peakFlops, Is.GreaterThan(0));
        Assert.That(peakBw, Is.GreaterThan(0));
        Assert.That(Number(json, "peak_gflops_one_thread"), Is.GreaterThan(0));
        Assert.That(Number(json, "peak_gbps_one_thread"), Is.GreaterThan(0));
        Assert.That(json["blas_threads"]!.GetValue<int>(), Is.GreaterThanOrEqualTo(1));

        var kernels = json["kernels"] as JsonArray;
        Assert.That(kernels, Is.Not.Null, "kernels must be an array");
        Assert.That(kernels!.Select(k => k!["name"]!.GetValue<string>()), Is.EquivalentTo(KernelNames));
        foreach (var node in kernels!)
        {
            var k = (JsonObject)node!;
            string name = k["name"]!.GetValue<string>();
            foreach (string key in new[] { "gflops", "gbps", "fraction_of_peak_flops", "fraction_of_peak_bandwidth", "seconds", "flops", "bytes" })
                Assert.That(Number(k, key), Is.GreaterThan(0), $"{name}.{key}");
            // The ratios are the rates over the reported peaks, not separately measured numbers.
            Assert.That(Number(k, "fraction_of_peak_flops"), Is.EqualTo(Number(k, "gflops") / peakFlops).Within(1e-12).Percent, name);
            Assert.That(Number(k, "fraction_of_peak_bandwidth"), Is.EqualTo(Number(k, "gbps") / peakBw).Within(1e-12).Percent, name);
            // gflops is flops per call over seconds per call.
            Assert.That(Number(k, "gflops"), Is.EqualTo(Number(k, "flops") / Number(k, "seconds") / 1e9).Within(1e-9).Percent, name);
        }
        foreach (string name in new[] { "pair_model_force", "lennard_jones_force" })
        {
            var k = (JsonObject)kernels.First(n => n!["name"]!.GetValue<string>() == name)!;
            Assert.That(k["items"]!.GetValue<string>(), Is.EqualTo("pair evaluations"));
            Assert.That(Number(k, "items_per_second"), Is.GreaterThan(0), name);
        }
    }

    [Test]
    public void QuickHuman_PrintsTheTableOnStderr_AndKeepsStdoutFreeOfIt()
    {
        var r = Run("bench", "--quick");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stderr, Does.Contain("GFLOP/s").And.Contain("graph_jacobian"));
        Assert.That(r.Stdout, Does.Contain("peak_gflops"));
        Assert.That(r.Stdout, Does.Not.Contain("graph_jacobian"));
    }
}

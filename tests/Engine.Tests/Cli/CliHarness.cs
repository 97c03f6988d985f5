// Runs the CLI in-process with stdout/stderr captured, and reads its one-JSON-object output.
using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Cli;
using NUnit.Framework;

namespace Engine.Tests.Cli;

/// <summary>What one CLI invocation produced.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>
    /// Stdout parsed as exactly one JSON object (a second value, stray text or an empty stdout fails the test).
    /// </summary>
    public JsonObject Json()
    {
        string text = Stdout.Trim();
        Assert.That(text, Is.Not.Empty, $"nothing on stdout; stderr was:\n{Stderr}");
        JsonNode? node;
        try { node = JsonNode.Parse(text); }
        catch (JsonException e) { Assert.Fail($"stdout is not exactly one JSON value ({e.Message}):\n{Stdout}"); throw; }
        Assert.That(node, Is.InstanceOf<JsonObject>(), $"stdout is JSON but not an object:\n{Stdout}");
        Assert.That(Stdout.TrimEnd('\n', '\r').Contains('\n'), Is.False, $"stdout holds more than one line:\n{Stdout}");
        return (JsonObject)node!;
    }
}

/// <summary>
/// Calls <see cref="CliApp.Run"/> with Console.Out/Error redirected. Console is process-global, so calls are
/// serialised by a lock (the test classes are also [NonParallelizable]).
/// </summary>
internal static class CliHarness
{
    private static readonly object Gate = new();

    public static CliResult Run(params string[] args)
    {
        lock (Gate)
        {
            var (oldOut, oldErr) = (Console.Out, Console.Error);
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            int code;
            try
            {
                Console.SetOut(stdout);
                Console.SetError(stderr);
                code = CliApp.Run(args);
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
            return new CliResult(code, stdout.ToString(), stderr.ToString());
        }
    }

    /// <summary>Runs the command and requires success (exit 0, ok: true); returns its JSON object.</summary>
    public static JsonObject Ok(params string[] args)
    {
        var r = Run(args);
        Assert.That(r.ExitCode, Is.EqualTo(0), $"'{string.Join(' ', args)}' failed:\nstdout: {r.Stdout}\nstderr: {r.Stderr}");
        var json = r.Json();
        Assert.That(json["ok"]?.GetValue<bool>(), Is.True);
        return json;
    }

    /// <summary>A finite number under <paramref name="key"/> (fails when the key is missing or null).</summary>
    public static double Number(JsonObject json, string key)
    {
        Assert.That(json.ContainsKey(key), $"key '{key}' missing from {json.ToJsonString()}");
        Assert.That(json[key], Is.Not.Null, $"key '{key}' is null (non-finite) in {json.ToJsonString()}");
        double v = json[key]!.GetValue<double>();
        Assert.That(double.IsFinite(v), $"'{key}' = {v}");
        return v;
    }
}

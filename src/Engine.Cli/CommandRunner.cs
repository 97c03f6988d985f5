// Runs a command body with the CLI's contract: one JSON object on stdout under --json, errors named, exit codes.
using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Common;

namespace Engine.Cli;

/// <summary>
/// Exit codes: 0 success; 1 refused input (bad data, options, files, rank-deficient system); 3 internal error.
/// With --json exactly one JSON object is printed on stdout, also on failure (<c>{"ok": false, "error": ...}</c>);
/// human-readable text and progress go to stderr so stdout stays machine-readable.
/// </summary>
internal static class CommandRunner
{
    public static int Run(string command, bool json, Func<Action<string>, JsonObject> body)
    {
        void Progress(string message) => Console.Error.WriteLine($"[{command}] {message}");
        try
        {
            var result = body(Progress);
            result["ok"] = true;
            result["command"] = command;
            if (json) Console.Out.WriteLine(result.ToJsonString(Options));
            else PrintHuman(result);
            return 0;
        }
        catch (Exception e) when (e is EngineException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return Fail(command, json, e.Message, 1);
        }
        catch (Exception e)
        {
            return Fail(command, json, $"internal error: {e}", 3);
        }
    }

    /// <summary>Reports a failure: the message on stderr, and under --json the failure object on stdout; returns <paramref name="code"/>.</summary>
    public static int Fail(string command, bool json, string message, int code)
    {
        Console.Error.WriteLine($"{command}: error: {message}");
        if (json) Console.Out.WriteLine(new JsonObject { ["ok"] = false, ["command"] = command, ["error"] = message }.ToJsonString(Options));
        return code;
    }

    private static void PrintHuman(JsonObject result)
    {
        foreach (var (key, value) in result)
        {
            if (value is JsonArray or JsonObject) continue;
            Console.Out.WriteLine($"{key,-28} {value}");
        }
    }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    /// <summary>A finite double, or null in JSON (NaN/Inf are not JSON numbers).</summary>
    public static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    public static JsonArray Array(IEnumerable<double> values) => new(values.Select(Num).ToArray());
}

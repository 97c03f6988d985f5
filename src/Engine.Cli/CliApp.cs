// Command table of the CLI: generate, train, evaluate, rollout, demo, bench, export-kim.
using System.CommandLine;
using Engine.Cli.Commands;

namespace Engine.Cli;

internal static class CliApp
{
    public static int Run(string[] args)
    {
        // Before anything loads OpenBLAS: its idle workers would spin for 0.1 s after each threaded call, against the
        // solver's own passes on the same cores (see the method).
        Engine.Interop.NativeLibraries.PreferShortBlasSpinWait();
        var root = new RootCommand("RF-HGN engine: learn Hamiltonians of particle systems from phase-space data with random features and one least-squares solve.");
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(RolloutCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ExportKimCommand.Create());
        var parsed = root.Parse(args);
        // System.CommandLine reports option errors as help text on stdout; under --json that would break the
        // one-JSON-object contract, so the errors become the usual {"ok": false, ...} object instead.
        if (parsed.Errors.Count > 0 && args.Contains("--json"))
            return CommandRunner.Fail(parsed.CommandResult.Command.Name, json: true, string.Join("; ", parsed.Errors.Select(e => e.Message)), 1);
        return parsed.Invoke();
    }
}

// Command table of the CLI: generate, train, evaluate, rollout, demo.
using System.CommandLine;
using Engine.Cli.Commands;

namespace Engine.Cli;

internal static class CliApp
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("RF-HGN engine: learn Hamiltonians of particle systems from phase-space data with random features and one least-squares solve.");
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(RolloutCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        return root.Parse(args).Invoke();
    }
}

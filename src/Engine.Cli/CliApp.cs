// Command table of the CLI (commands are added stage by stage).
namespace Engine.Cli;

internal static class CliApp
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("engine: no commands yet");
        return 2;
    }
}

// Entry point of the engine's command-line program.
return Engine.Cli.CliApp.Run(args);

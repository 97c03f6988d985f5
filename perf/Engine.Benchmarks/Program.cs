// Entry point of the BenchmarkDotNet suite: pass BenchmarkDotNet's own arguments (--filter, --job, --list).
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Engine.Benchmarks.Suite.NeighborListBench).Assembly).Run(args);

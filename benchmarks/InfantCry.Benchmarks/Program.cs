using BenchmarkDotNet.Running;

// Release only: `dotnet run -c Release --project benchmarks/InfantCry.Benchmarks -- --filter '*'`.
// Every benchmark class in this assembly is listed by the switcher; pick with --filter.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

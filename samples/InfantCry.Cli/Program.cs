using System.CommandLine;

namespace InfantCry.Cli;

/// <summary>The <c>infantcry</c> command-line program.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("InfantCry: why a baby cries (audio) and how much pain it is in (face video).");
        root.Add(ClassifyCommand.Create());
        root.Add(DetectCommand.Create());
        root.Add(EvaluateCommand.Create());
        root.Add(InfoCommand.Create());
        root.Add(FacesCommand.Create());
        root.Add(PainCommand.Create());
        root.Add(Monitor.MonitorCommand.Create());
        return root.Parse(args).Invoke();
    }
}

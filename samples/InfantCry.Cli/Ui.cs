using Spectre.Console;

namespace InfantCry.Cli;

/// <summary>
/// The CLI's terminal output through Spectre.Console: tables on stdout (never wrapped or coloured when stdout is a file
/// or a pipe, so whole file names survive), progress on stderr only when stderr is a terminal (so <c>--json</c> and
/// redirected output stay clean).
/// </summary>
internal static class Ui
{
    /// <summary>Width used when stdout is not a terminal: wide enough that no table line is wrapped.</summary>
    private const int RedirectedWidth = 4096;

    public static IAnsiConsole Out { get; } = Create(Console.Out, Console.IsOutputRedirected);

    private static IAnsiConsole Err { get; } = Create(Console.Error, Console.IsErrorRedirected);

    /// <summary>Runs <paramref name="work"/> with a progress bar of <paramref name="total"/> steps on stderr (when it is a terminal and there is more than one step).</summary>
    public static async Task<T> WithProgressAsync<T>(string title, int total, Func<Action, Task<T>> work)
    {
        if (Console.IsErrorRedirected || total < 2)
        {
            return await work(static () => { }).ConfigureAwait(false);
        }

        return await Err.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask(Markup.Escape(title), maxValue: total);
                return await work(() => task.Increment(1)).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    /// <summary>A borderless table whose first column (file names) is never wrapped or cut.</summary>
    public static Table Table(params string[] headers)
    {
        var table = new Table().Border(TableBorder.None).ShowHeaders();
        foreach (string h in headers)
        {
            table.AddColumn(new TableColumn(Markup.Escape(h)).PadLeft(0).PadRight(2));
        }

        table.Columns[0].NoWrap();
        return table;
    }

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}

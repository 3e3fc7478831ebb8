using Spectre.Console;

namespace InfantCry.Cli;

/// <summary>
/// The CLI's terminal output through Spectre.Console: tables on stdout laid out without wrapping (whole file names, one
/// line per row; no colour when stdout is a file or a pipe), progress on stderr only when stderr is a terminal (so
/// <c>--json</c> and redirected output stay clean).
/// </summary>
internal static class Ui
{
    /// <summary>Width tables are laid out for: wide enough that no line is cut or wrapped by the layout (a narrow terminal wraps the long lines itself, and file names stay whole).</summary>
    private const int TableWidth = 4096;

    public static IAnsiConsole Out { get; } = Create(Console.Out, Console.IsOutputRedirected, TableWidth);

    private static IAnsiConsole Err { get; } = Create(Console.Error, Console.IsErrorRedirected, null);

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

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar on stderr when it is a terminal: of <paramref name="total"/>
    /// steps, or a running count of <paramref name="unit"/> when the total is not known.
    /// </summary>
    public static T WithProgress<T>(string title, int? total, string unit, Func<Action, T> work)
    {
        if (Console.IsErrorRedirected)
        {
            return work(static () => { });
        }

        return Err.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(Markup.Escape(title), maxValue: total ?? double.MaxValue);
                task.IsIndeterminate = total is null;
                return work(() =>
                {
                    task.Increment(1);
                    task.Description = Markup.Escape($"{title}: {task.Value:0} {unit}");
                });
            });
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

    private static IAnsiConsole Create(TextWriter writer, bool redirected, int? width)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (width is { } w)
        {
            console.Profile.Width = w;
        }

        return console;
    }
}

using System.Text.Json;
using InfantCry.Audio.Tests.Support;

namespace InfantCry.Cli.Tests;

/// <summary><c>faces</c> and <c>pain</c> run as a user runs them (ffmpeg decodes and encodes, as in the samples).</summary>
[Parallelizable(ParallelScope.All)]
public class VisionCommandTests
{
    private static string PainClip
    {
        get
        {
            string clips = Path.Combine(Path.GetDirectoryName(Artifacts.ModelsDirectory)!, "data", "pain-synth-small", "clips");
            if (!Directory.Exists(clips))
            {
                Assert.Fail($"{clips} is missing; it is produced by scripts/setup.d/40-pain.sh (run scripts/setup.sh).");
            }

            return Directory.GetDirectories(clips).Order(StringComparer.Ordinal).First();
        }
    }

    [Category("Models")]
    [Category("SharedAssets")]
    [Test]
    public void Faces_writes_one_csv_row_and_one_crop_per_face_and_an_overlay()
    {
        string image = Path.Combine(Artifacts.AssetsDirectory, "data", "faces", "2008_002470.jpg");
        string outDir = CliRunner.TempDir();

        CliRun run = CliRunner.Run("faces", image, "--out", outDir);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        string[] rows = File.ReadAllLines(Path.Combine(outDir, "faces.csv"));
        // Session 1 checked this picture by eye: six faces, landmarks in place.
        Assert.That(rows.Length - 1, Is.EqualTo(6), string.Join('\n', rows));
        Assert.That(Directory.GetFiles(Path.Combine(outDir, "crops"), "*.png"), Has.Length.EqualTo(rows.Length - 1));
        Assert.That(new FileInfo(Path.Combine(outDir, "overlay.png")).Length, Is.GreaterThan(0));
        Assert.That(run.Stdout, Does.Contain("1 frame(s), 6 face(s)"));
    }

    [Category("Models")]
    [Test]
    public void Faces_rejects_a_missing_input()
    {
        string missing = Path.Combine(CliRunner.TempDir(), "none.jpg");

        CliRun run = CliRunner.Run("faces", missing, "--out", CliRunner.TempDir());

        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.Stderr, Does.Contain($"infantcry: input '{missing}' does not exist."));
    }

    [Category("Models")]
    [TestCase(false)]
    [TestCase(true)]
    public void Pain_writes_an_annotated_video_and_one_result_per_frame(bool json)
    {
        string outFile = Path.Combine(CliRunner.TempDir(), "pain.mp4");
        string[] args = ["pain", PainClip, "--out", outFile, "--max-frames", "8", "--models", Artifacts.ModelsDirectory];

        CliRun run = CliRunner.Run(json ? [.. args, "--json"] : args);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(new FileInfo(outFile).Length, Is.GreaterThan(0));
        Assert.That(run.Stdout, Does.StartWith("pain: 8 frame(s)"));
        if (json)
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(outFile, ".json")));
            Assert.That(doc.RootElement.GetArrayLength(), Is.EqualTo(8));
        }
        else
        {
            string[] rows = File.ReadAllLines(Path.ChangeExtension(outFile, ".csv"));
            Assert.That(rows[0], Does.StartWith("frame,time_s,face,"));
            Assert.That(rows, Has.Length.EqualTo(9));
            // With a face in every frame, a 4-frame window first completes at frame 3.
            string[][] cells = [.. rows.Skip(1).Select(r => r.Split(','))];
            int hasEstimate = Array.IndexOf(rows[0].Split(','), "has_estimate");
            int level = Array.IndexOf(rows[0].Split(','), "level");
            Assert.That(cells.Take(3).All(c => c[hasEstimate] == "0" && c[level].Length == 0), Is.True, string.Join('\n', rows));
            Assert.That(cells.Where(c => c[hasEstimate] == "1").All(c => c[level] is "none" or "moderate" or "severe"), Is.True, string.Join('\n', rows));
        }
    }
}

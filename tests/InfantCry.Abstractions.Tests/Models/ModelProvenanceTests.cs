using System.Security.Cryptography;
using InfantCry.Abstractions.Errors;
using InfantCry.Abstractions.Models;

namespace InfantCry.Abstractions.Tests.Models;

/// <summary>The packaged-model locator and the provenance manifest every model package carries.</summary>
public sealed class ModelProvenanceTests
{
    private string _dir = string.Empty;

    [SetUp]
    public void MakeFolder() => _dir = Directory.CreateTempSubdirectory("infantcry-provenance-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    private string WriteManifest(string modelBytes)
    {
        File.WriteAllText(Path.Combine(_dir, "m.onnx"), modelBytes);
        string sha = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(modelBytes)));
        string path = Path.Combine(_dir, "m" + ModelProvenance.FileSuffix);
        File.WriteAllText(path, $$"""
            {
              "name": "InfantCry.Models.Test", "version": "0.2.0-preview", "description": "d",
              "source": "made by a test", "licence": "Apache-2.0", "licenceNotes": "n", "commercialUse": true,
              "files": [{"name": "m.onnx", "sha256": "{{sha}}", "bytes": {{modelBytes.Length}}}],
              "trainingData": [{"name": "synthetic", "licence": "Apache-2.0", "notes": "none"}],
              "evaluation": {"protocol": "p", "dataSource": "s", "figures": [{"name": "accuracy", "value": "0.5"}]},
              "notes": "x"
            }
            """);
        return path;
    }

    [Test]
    public void A_manifest_is_read_field_by_field()
    {
        ModelProvenance p = ModelProvenance.Load(WriteManifest("model"));
        Assert.That(p.Name, Is.EqualTo("InfantCry.Models.Test"));
        Assert.That(p.Version, Is.EqualTo("0.2.0-preview"));
        Assert.That(p.Licence, Is.EqualTo("Apache-2.0"));
        Assert.That(p.CommercialUse, Is.True);
        Assert.That(p.Files, Has.Count.EqualTo(1));
        Assert.That(p.Files[0].Bytes, Is.EqualTo(5));
        Assert.That(p.TrainingData.Single().Licence, Is.EqualTo("Apache-2.0"));
        Assert.That(p.EvaluationProtocol, Is.EqualTo("p"));
        Assert.That(p.Figures.Single(), Is.EqualTo(new ModelFigure("accuracy", "0.5")));
        Assert.That(p.ToString(), Does.Contain("InfantCry.Models.Test").And.Contain("Apache-2.0"));
    }

    [Test]
    public void Verify_finds_a_changed_or_missing_file()
    {
        string manifest = WriteManifest("model");
        ModelProvenance p = ModelProvenance.Load(manifest);
        Assert.That(p.Verify(), Is.Empty);
        File.WriteAllText(Path.Combine(_dir, "m.onnx"), "tampered");
        Assert.That(p.Verify().Single(), Does.StartWith("m.onnx: SHA-256"));
        File.Delete(Path.Combine(_dir, "m.onnx"));
        Assert.That(p.Verify().Single(), Does.Contain("missing"));
    }

    [Test]
    public void Bad_manifests_say_what_is_wrong()
    {
        string path = Path.Combine(_dir, "bad" + ModelProvenance.FileSuffix);
        Assert.That(() => ModelProvenance.Load(path), Throws.TypeOf<InvalidModelException>().With.Message.Contains("not found"));
        File.WriteAllText(path, "{ not json");
        Assert.That(() => ModelProvenance.Load(path), Throws.TypeOf<InvalidModelException>().With.Message.Contains("not valid JSON"));
        File.WriteAllText(path, """{"name": "x", "licence": "MIT"}""");
        Assert.That(() => ModelProvenance.Load(path), Throws.TypeOf<InvalidModelException>().With.Message.Contains("'source'"));
        File.WriteAllText(path, "[1]");
        Assert.That(() => ModelProvenance.Load(path), Throws.TypeOf<InvalidModelException>().With.Message.Contains("not a JSON object"));
    }

    [Test]
    public void A_missing_packaged_model_names_the_package_to_add()
    {
        // The test runner's folder has no infantcry-models: exactly an app that lacks the package.
        Assert.That(PackagedModels.Folder, Is.EqualTo(Path.Combine(AppContext.BaseDirectory, "infantcry-models")));
        var ex = Assert.Throws<InvalidModelException>(() => PackagedModels.GetPath("yamnet.onnx", PackagedModels.YamnetPackage));
        Assert.That(ex!.Message, Does.Contain("yamnet.onnx").And.Contain("dotnet add package InfantCry.Models.Yamnet").And.Contain(PackagedModels.Folder));
        Assert.That(PackagedModels.ListInstalled(), Is.Empty);
        Assert.That(() => PackagedModels.GetPath("", "p"), Throws.ArgumentException);
    }
}

using InfantCry.Abstractions.Errors;
using InfantCry.Audio.Tests.Support;
using InfantCry.Audio.Yamnet;

namespace InfantCry.Audio.Tests.Yamnet;

public class YamnetClassMapTests
{
    [Test]
    public void Parse_handles_quoted_names_with_commas_and_escaped_quotes()
    {
        var map = YamnetClassMap.Parse(new StringReader("index,mid,display_name\n0,/m/a,Speech\n1,/m/b,\"Baby cry, infant cry\"\n2,/m/c,\"Say \"\"hi\"\"\"\n"));

        Assert.That(map.Count, Is.EqualTo(3));
        Assert.That(map[1].DisplayName, Is.EqualTo("Baby cry, infant cry"));
        Assert.That(map[2].DisplayName, Is.EqualTo("Say \"hi\""));
        Assert.That(map.IndexOf("baby cry, INFANT cry"), Is.EqualTo(1));
        Assert.That(map.IndexOf("Nope"), Is.EqualTo(-1));
    }

    [TestCase("index,mid\n0,/m/a,A\n", "header")]
    [TestCase("index,mid,display_name\n1,/m/a,A\n", "expected index 0")]
    [TestCase("index,mid,display_name\n0,/m/a\n", "expected 3 fields")]
    [TestCase("index,mid,display_name\n0,/m/a,\"A\n", "unterminated")]
    public void Parse_rejects_malformed_text_with_a_message(string text, string expected)
    {
        var ex = Assert.Throws<InvalidModelException>(() => YamnetClassMap.Parse(new StringReader(text), "x.csv"));
        Assert.That(ex!.Message, Does.Contain(expected).And.Contain("x.csv"));
    }

    [Test]
    public void Load_of_a_missing_file_names_the_package_that_carries_it()
    {
        var ex = Assert.Throws<InvalidModelException>(() => YamnetClassMap.Load("/nonexistent/yamnet_class_map.csv"));
        Assert.That(ex!.Message, Does.Contain("InfantCry.Models.Yamnet").And.Contain("/nonexistent/yamnet_class_map.csv"));
    }

    [Category("Models")]
    [Test]
    public void The_exported_class_map_has_521_classes_and_the_crying_family_where_the_detector_expects_it()
    {
        YamnetClassMap map = YamnetFixture.Classes;

        Assert.That(map.Count, Is.EqualTo(YamnetEmbedder.ClassCount));
        Assert.That(map[YamnetClassMap.CryingSobbing].DisplayName, Is.EqualTo("Crying, sobbing"));
        Assert.That(map[YamnetClassMap.BabyCry].DisplayName, Is.EqualTo("Baby cry, infant cry"));
        Assert.That(map[YamnetClassMap.Whimper].DisplayName, Is.EqualTo("Whimper"));
        Assert.That(map[YamnetClassMap.WailMoan].DisplayName, Is.EqualTo("Wail, moan"));
    }

    [Test]
    public void Top_returns_the_highest_scores_best_first()
    {
        var map = YamnetClassMap.Parse(new StringReader("index,mid,display_name\n0,a,A\n1,b,B\n2,c,C\n3,d,D\n"));

        var top = map.Top([0.1f, 0.7f, 0.3f, 0.7f], 3);

        Assert.That(top.Select(t => t.Class.Index), Is.EqualTo(new[] { 1, 3, 2 }));
        Assert.That(top.Select(t => t.Score), Is.EqualTo(new[] { 0.7f, 0.7f, 0.3f }));
    }
}

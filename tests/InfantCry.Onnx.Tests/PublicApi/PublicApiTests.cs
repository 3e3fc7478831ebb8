using System.Reflection;

namespace InfantCry.Onnx.Tests.PublicApi;

/// <summary>
/// Tracks InfantCry.Onnx's public surface: other packages code against it, so any change must be deliberate. On a
/// change, review PublicApi/InfantCry.Onnx.received.txt in the test output and copy it over InfantCry.Onnx.approved.txt.
/// </summary>
[TestFixture]
public sealed class PublicApiTests
{
    [Test]
    public void Public_surface_matches_the_approved_listing()
    {
        string approvedPath = Path.Combine(AppContext.BaseDirectory, "PublicApi", "InfantCry.Onnx.approved.txt");
        string actual = Describe(typeof(OnnxInferenceSession).Assembly);
        string receivedPath = Path.ChangeExtension(approvedPath, null).Replace(".approved", ".received", StringComparison.Ordinal) + ".txt";
        Directory.CreateDirectory(Path.GetDirectoryName(receivedPath)!);
        File.WriteAllText(receivedPath, actual);

        Assert.That(File.Exists(approvedPath), Is.True, $"no approved listing; review {receivedPath} and copy it to tests/InfantCry.Onnx.Tests/PublicApi/InfantCry.Onnx.approved.txt");
        Assert.That(actual, Is.EqualTo(File.ReadAllText(approvedPath).ReplaceLineEndings("\n")), $"public API changed; see {receivedPath}");
    }

    private static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (Type type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            string kind = type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsInterface ? "interface" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : "class";
            string bases = string.Join(", ", new[] { type.BaseType }.Where(b => b is not null && b != typeof(object) && b != typeof(Enum) && b != typeof(ValueType)).Select(b => b!.Name)
                .Concat(type.GetInterfaces().Select(i => i.Name).Order(StringComparer.Ordinal)));
            lines.Add($"{kind} {type.FullName}{(bases.Length > 0 ? " : " + bases : "")}");
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (string member in type.GetMembers(flags)
                .Where(m => m is not MethodInfo { IsSpecialName: true } && !(type.IsEnum && m is FieldInfo { IsStatic: false }))
                .Select(m => m switch
                {
                    FieldInfo f when type.IsEnum => $"  {f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}",
                    FieldInfo f => $"  {(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{f.FieldType.Name} {f.Name}",
                    PropertyInfo p => $"  {((p.GetMethod ?? p.SetMethod)!.IsStatic ? "static " : "")}{p.PropertyType} {p.Name} {{ {(p.GetMethod?.IsPublic == true ? "get; " : "")}{(p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? "init; " : "set; ") : "")}}}",
                    MethodBase method when method.IsStatic => "  static " + method,
                    _ => "  " + m,
                })
                .Order(StringComparer.Ordinal))
            {
                lines.Add(member);
            }
        }

        return string.Join("\n", lines) + "\n";
    }
}

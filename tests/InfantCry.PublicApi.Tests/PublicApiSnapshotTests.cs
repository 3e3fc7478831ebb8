using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace InfantCry.PublicApi.Tests;

/// <summary>
/// The public surface of each package is written to PublicApi/&lt;assembly&gt;.txt and reviewed in diffs like code.
/// A change to the surface fails this test until the snapshot is updated on purpose:
/// <c>INFANTCRY_UPDATE_PUBLIC_API=1 dotnet test tests/InfantCry.PublicApi.Tests -c Release</c>.
/// </summary>
public sealed class PublicApiSnapshotTests
{
    private static readonly string[] Packages = ["InfantCry.Abstractions", "InfantCry.Onnx", "InfantCry.Audio", "InfantCry.Vision"];

    public static IEnumerable<string> PackageNames => Packages;

    [TestCaseSource(nameof(PackageNames))]
    public void PublicSurfaceMatchesSnapshot(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        string actual = PublicApiWriter.Describe(assembly);
        string path = Path.Combine(SourceFolder(), "PublicApi", assemblyName + ".txt");
        if (Environment.GetEnvironmentVariable("INFANTCRY_UPDATE_PUBLIC_API") == "1")
        {
            File.WriteAllText(path, actual);
            Assert.Pass($"Snapshot written to {path}.");
        }

        Assert.That(File.Exists(path), Is.True, $"No snapshot at {path}: run with INFANTCRY_UPDATE_PUBLIC_API=1 to create it.");
        string expected = File.ReadAllText(path);
        if (expected != actual)
        {
            string[] e = expected.Split('\n'), a = actual.Split('\n');
            string added = string.Join("\n", a.Except(e).Take(20));
            string removed = string.Join("\n", e.Except(a).Take(20));
            Assert.Fail($"The public API of {assemblyName} changed. If intended, update the snapshot with INFANTCRY_UPDATE_PUBLIC_API=1.\nAdded:\n{added}\nRemoved:\n{removed}");
        }
    }

    [TestCaseSource(nameof(PackageNames))]
    public void EveryPublicTypeIsSealedStaticAbstractOrAnInterfaceOrValueType(string assemblyName)
    {
        // Style rule: concrete public classes are sealed unless they are designed as a base (exceptions may be bases).
        var unsealed = Assembly.Load(assemblyName).GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract && !typeof(Exception).IsAssignableFrom(t))
            .Select(t => t.FullName)
            .ToArray();
        Assert.That(unsealed, Is.Empty, "public classes that are neither sealed, static, abstract nor exceptions");
    }

    private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

/// <summary>Writes a stable, sorted, one-line-per-member description of an assembly's public surface.</summary>
internal static class PublicApiWriter
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            lines.Add(TypeLine(type));
            var members = new List<string>();
            foreach (var m in type.GetMembers(Declared))
            {
                if (!IsVisible(m) || IsAccessorOrCompilerGenerated(m))
                {
                    continue;
                }

                members.Add("  " + MemberLine(m));
            }

            members.Sort(StringComparer.Ordinal);
            lines.AddRange(members);
        }

        return string.Join("\n", lines) + "\n";
    }

    private static string TypeLine(Type t)
    {
        string kind = t.IsInterface ? "interface" : t.IsEnum ? "enum" : t.IsValueType ? "struct" : t.IsAbstract && t.IsSealed ? "static class" : t.IsAbstract ? "abstract class" : t.IsSealed ? "sealed class" : "class";
        var bases = new List<string>();
        if (t.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
        {
            bases.Add(Name(b));
        }

        bases.AddRange(t.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).Order(StringComparer.Ordinal));
        return $"{kind} {Name(t)}" + (bases.Count > 0 ? " : " + string.Join(", ", bases) : string.Empty);
    }

    private static bool IsVisible(MemberInfo m) => m switch
    {
        MethodBase mb => mb.IsPublic || mb.IsFamily || mb.IsFamilyOrAssembly,
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        PropertyInfo p => (p.GetMethod is { } g && IsVisible(g)) || (p.SetMethod is { } s && IsVisible(s)),
        EventInfo e => e.AddMethod is { } a && IsVisible(a),
        Type nt => nt.IsNestedPublic || nt.IsNestedFamily,
        _ => false,
    };

    private static bool IsAccessorOrCompilerGenerated(MemberInfo m) =>
        (m is MethodInfo mi && mi.IsSpecialName && !mi.Name.StartsWith("op_", StringComparison.Ordinal)) ||
        m.IsDefined(typeof(CompilerGeneratedAttribute)) || m is Type || m.Name == "value__";

    private static string MemberLine(MemberInfo m) => m switch
    {
        ConstructorInfo c => $"{(c.IsStatic ? "static " : "")}.ctor({Parameters(c)})",
        MethodInfo mi => $"{(mi.IsStatic ? "static " : "")}{(mi.IsAbstract && !mi.DeclaringType!.IsInterface ? "abstract " : mi.IsVirtual && !mi.IsFinal && !mi.DeclaringType!.IsInterface ? "virtual " : "")}{Name(mi.ReturnType)} {mi.Name}{Generic(mi)}({Parameters(mi)})",
        PropertyInfo p => $"{Name(p.PropertyType)} {p.Name} {{ {(p.GetMethod is { } g && IsVisible(g) ? "get; " : "")}{(p.SetMethod is { } s && IsVisible(s) ? (s.ReturnParameter.GetRequiredCustomModifiers().Any(x => x.Name == "IsExternalInit") ? "init; " : "set; ") : "")}}}",
        FieldInfo f => f.DeclaringType!.IsEnum ? $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}" : $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(f.FieldType)} {f.Name}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        _ => m.ToString() ?? m.Name,
    };

    private static string Generic(MethodInfo m) => m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : "";

    private static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(p =>
        $"{(p.IsIn && p.ParameterType.IsByRef ? "in " : p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : "")}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue?.ToString() ?? (p.ParameterType.IsValueType && Nullable.GetUnderlyingType(p.ParameterType) is null ? "default" : "null")) : "")}"));

    private static string Name(Type t)
    {
        if (t.IsByRef)
        {
            return Name(t.GetElementType()!);
        }

        if (t.IsArray)
        {
            return Name(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        }

        if (t.IsPointer)
        {
            return Name(t.GetElementType()!) + "*";
        }

        if (t.IsGenericParameter)
        {
            return t.Name;
        }

        string name = t.IsNested ? Name(t.DeclaringType!) + "." + t.Name : (t.Namespace is null ? t.Name : t.Namespace + "." + t.Name);
        if (t.IsGenericType)
        {
            int tick = name.IndexOf('`', StringComparison.Ordinal);
            if (tick >= 0)
            {
                name = name[..tick];
            }

            name += "<" + string.Join(", ", t.GetGenericArguments().Select(Name)) + ">";
        }

        return name;
    }
}

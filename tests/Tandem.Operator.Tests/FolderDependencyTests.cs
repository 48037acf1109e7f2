using System.Reflection;
using System.Reflection.Emit;
using Tandem.Operator.Hosting;

namespace Tandem.Operator.Tests;

/// <summary>
/// The operator's folders (one namespace each: Autoscaling, Deployments, Hosting...) depend on each other one way only.
/// Dependencies are read from the compiled assembly, so a fully or partly qualified name counts as much as a using:
/// every type's base, interfaces, fields, properties, method signatures, attributes and the types and members its
/// method bodies (lambdas and async state machines included) refer to.
/// </summary>
public sealed class FolderDependencyTests
{
    private static readonly Assembly Operator = typeof(OperatorHost).Assembly;

    [Fact]
    public void Operator_folders_do_not_depend_on_each_other_in_a_cycle()
    {
        var graph = FolderGraph();
        var cycle = FindCycle(graph);
        Assert.True(cycle is null, cycle is null ? "" : "folder cycle: " + string.Join(" -> ", cycle.Select((f, i) =>
            i + 1 < cycle.Count ? $"{f} ({graph[f][cycle[i + 1]]})" : f)));
    }

    [Fact]
    public void The_graph_sees_the_dependencies_the_code_has()
    {
        // Guards the reader itself: Hosting wires every controller, and Pools reads the deployment's mapping.
        var graph = FolderGraph();
        Assert.Contains("Autoscaling", graph["Hosting"].Keys);
        Assert.Contains("Deployments", graph["Hosting"].Keys);
        Assert.Contains("Specs", graph["Autoscaling"].Keys);
        Assert.DoesNotContain("Hosting", graph["Autoscaling"].Keys);
    }

    [Fact]
    public void The_cycle_finder_names_a_cycle_and_passes_a_one_way_graph()
    {
        var cyclic = new Dictionary<string, Dictionary<string, string>>
        {
            ["Hosting"] = new() { ["Autoscaling"] = "h" },
            ["Autoscaling"] = new() { ["Specs"] = "a" },
            ["Specs"] = new() { ["Hosting"] = "s" },
        };
        Assert.Equal(new[] { "Hosting", "Autoscaling", "Specs", "Hosting" }, FindCycle(cyclic));

        cyclic["Specs"].Remove("Hosting");
        Assert.Null(FindCycle(cyclic));
    }

    /// <summary>Folder → folders it uses, each with one example use ("Type uses Type").</summary>
    private static Dictionary<string, Dictionary<string, string>> FolderGraph()
    {
        var graph = new Dictionary<string, Dictionary<string, string>>();
        foreach (var type in Operator.GetTypes())
        {
            if (Folder(type) is not { } from)
            {
                continue;
            }

            var edges = graph.TryGetValue(from, out var e) ? e : graph[from] = [];
            foreach (var used in Uses(type).SelectMany(Expand).Distinct())
            {
                if (Folder(used) is { } to && to != from)
                {
                    edges.TryAdd(to, $"{type.FullName} uses {used.FullName}");
                }
            }
        }

        return graph;
    }

    /// <summary>The folder of an operator type (the namespace segment after Tandem.Operator), or null outside one.</summary>
    private static string? Folder(Type type)
    {
        const string root = "Tandem.Operator.";
        if (type.Assembly != Operator || type.Namespace is not { } ns || !ns.StartsWith(root, StringComparison.Ordinal))
        {
            return null;
        }

        return ns[root.Length..].Split('.')[0];
    }

    private static List<string>? FindCycle(Dictionary<string, Dictionary<string, string>> graph)
    {
        var done = new HashSet<string>();
        var path = new List<string>();

        List<string>? Visit(string folder)
        {
            var at = path.IndexOf(folder);
            if (at >= 0)
            {
                return [.. path[at..], folder];
            }

            if (!done.Add(folder))
            {
                return null;
            }

            path.Add(folder);
            foreach (var next in graph.GetValueOrDefault(folder)?.Keys ?? Enumerable.Empty<string>())
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return graph.Keys.Select(Visit).FirstOrDefault(c => c is not null);
    }

    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    private static IEnumerable<Type> Uses(Type type)
    {
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (var i in type.GetInterfaces())
        {
            yield return i;
        }

        foreach (var a in type.GetCustomAttributesData())
        {
            yield return a.AttributeType;
        }

        foreach (var f in type.GetFields(Declared))
        {
            yield return f.FieldType;
        }

        foreach (var p in type.GetProperties(Declared))
        {
            yield return p.PropertyType;
        }

        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo m)
            {
                yield return m.ReturnType;
            }

            foreach (var p in method.GetParameters())
            {
                yield return p.ParameterType;
            }

            foreach (var used in BodyUses(method))
            {
                yield return used;
            }
        }
    }

    /// <summary>The types a method body names: every metadata token operand of its IL, resolved.</summary>
    private static IEnumerable<Type> BodyUses(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var code = il[i] == 0xFE ? TwoByte[il[i + 1]] : OneByte[il[i]];
            i += code.Size;
            if (code.OperandType is OperandType.InlineTok or OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField)
            {
                var token = BitConverter.ToInt32(il, i);
                var member = method.Module.ResolveMember(token, typeArguments, methodArguments);
                switch (member)
                {
                    case Type t:
                        yield return t;
                        break;
                    case FieldInfo f:
                        yield return f.DeclaringType!;
                        yield return f.FieldType;
                        break;
                    case MethodBase m:
                        yield return m.DeclaringType!;
                        foreach (var a in m.IsGenericMethod ? m.GetGenericArguments() : [])
                        {
                            yield return a;
                        }

                        break;
                }
            }

            i += OperandSize(code.OperandType, il, i);
        }
    }

    private static int OperandSize(OperandType type, byte[] il, int at) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };

    private static readonly OpCode[] OneByte = new OpCode[0x100];
    private static readonly OpCode[] TwoByte = new OpCode[0x100];

    static FolderDependencyTests()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            var value = (ushort)code.Value;
            if (code.Size == 1)
            {
                OneByte[value] = code;
            }
            else
            {
                TwoByte[value & 0xFF] = code;
            }
        }
    }

    /// <summary>A type and everything it is built from: element types and generic arguments, recursively.</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        if (type.HasElementType)
        {
            foreach (var t in Expand(type.GetElementType()!))
            {
                yield return t;
            }
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            foreach (var t in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return t;
            }
        }
    }
}

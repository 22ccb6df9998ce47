using System.Reflection;
using System.Reflection.Emit;

namespace CryoMerge.Tests;

/// <summary>
/// Which namespaces of an assembly use which others, read from the compiled code: signatures, base types, fields,
/// attributes, locals and every type, method or field token in the method bodies (lambdas and iterators live in
/// nested types of the code that wrote them, so they count for its namespace). An edge A -> B records one type of A
/// that uses one type of B, for the message of a failing test.
/// </summary>
public sealed class NamespaceGraph
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static
        | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Namespace -> namespace it uses -> an example "UsingType uses UsedType".</summary>
    public Dictionary<string, Dictionary<string, string>> Edges { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The namespaces under <paramref name="prefix"/> that the types of <paramref name="assembly"/> use.
    /// </summary>
    public static NamespaceGraph Of(Assembly assembly, string prefix)
    {
        var graph = new NamespaceGraph();
        foreach (var type in assembly.GetTypes())
        {
            string? from = NamespaceOf(type);
            if (from is null || !InScope(from, prefix)) continue;
            graph.Edges.TryAdd(from, new Dictionary<string, string>(StringComparer.Ordinal));
            foreach (var used in TypesUsedBy(type))
                foreach (var part in Parts(used))
                    if (NamespaceOf(part) is { } to && to != from && InScope(to, prefix))
                        graph.Edges[from].TryAdd(to, $"{type.FullName} uses {part.FullName ?? part.Name}");
        }
        return graph;
    }

    /// <summary>
    /// The types that <paramref name="type"/> and the types nested in it (closures, iterators) use, generic arguments
    /// and array elements included.
    /// </summary>
    public static IEnumerable<Type> TypesUsedWithin(Type type) =>
        type.GetNestedTypes(Declared).SelectMany(TypesUsedWithin)
            .Concat(TypesUsedBy(type).SelectMany(Parts)).Distinct();

    /// <summary>Every set of two or more namespaces that use each other, directly or through others.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles() =>
        StronglyConnected(Edges.ToDictionary(e => e.Key, e => (IEnumerable<string>)e.Value.Keys))
            .Where(c => c.Count > 1).ToList();

    /// <summary>The edges inside one cycle, with their examples, for a failure message.</summary>
    public IEnumerable<string> Describe(IReadOnlyList<string> cycle) =>
        from a in cycle
        from e in Edges.GetValueOrDefault(a) ?? []
        where cycle.Contains(e.Key)
        select $"{a} -> {e.Key} ({e.Value})";

    /// <summary>Tarjan's strongly connected components of a directed graph, each sorted by name.</summary>
    public static List<List<string>> StronglyConnected(IReadOnlyDictionary<string, IEnumerable<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<List<string>>();

        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do
            {
                x = stack.Pop();
                onStack.Remove(x);
                component.Add(x);
            } while (x != v);
            component.Sort(StringComparer.Ordinal);
            components.Add(component);
        }

        foreach (var v in graph.Keys.Order(StringComparer.Ordinal))
            if (!index.ContainsKey(v)) Visit(v);
        return components;
    }

    private static bool InScope(string ns, string prefix) =>
        ns == prefix || ns.StartsWith(prefix + ".", StringComparison.Ordinal);

    /// <summary>The namespace of a type, or of the type it is nested in (compiler-made closures included).</summary>
    private static string? NamespaceOf(Type type)
    {
        while (type.DeclaringType is { } outer && !type.IsGenericParameter) type = outer;
        return type.IsGenericParameter ? null : type.Namespace;
    }

    /// <summary>A type and the types it is built from: array elements, generic arguments, by-ref targets.</summary>
    private static IEnumerable<Type> Parts(Type type)
    {
        if (type.IsGenericParameter) yield break;
        if (type.HasElementType)
        {
            foreach (var p in Parts(type.GetElementType()!)) yield return p;
            yield break;
        }
        yield return type;
        if (type.IsConstructedGenericType)
            foreach (var argument in type.GetGenericArguments())
                foreach (var p in Parts(argument)) yield return p;
    }

    private static IEnumerable<Type> TypesUsedBy(Type type)
    {
        if (type.BaseType is { } baseType) yield return baseType;
        foreach (var i in type.GetInterfaces()) yield return i;
        foreach (var t in AttributeTypes(type.CustomAttributes)) yield return t;
        foreach (var f in type.GetFields(Declared))
        {
            yield return f.FieldType;
            foreach (var t in AttributeTypes(f.CustomAttributes)) yield return t;
        }
        foreach (var p in type.GetProperties(Declared))
        {
            yield return p.PropertyType;
            foreach (var t in AttributeTypes(p.CustomAttributes)) yield return t;
        }
        foreach (var e in type.GetEvents(Declared)) if (e.EventHandlerType is { } h) yield return h;
        var methods = type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared));
        foreach (var method in methods)
        {
            if (method is MethodInfo m) yield return m.ReturnType;
            foreach (var p in method.GetParameters()) yield return p.ParameterType;
            foreach (var t in AttributeTypes(method.CustomAttributes)) yield return t;
            foreach (var t in BodyTypes(method)) yield return t;
        }
    }

    private static IEnumerable<Type> AttributeTypes(IEnumerable<CustomAttributeData> attributes)
    {
        foreach (var a in attributes)
        {
            yield return a.AttributeType;
            var values = a.ConstructorArguments.Concat(a.NamedArguments.Select(n => n.TypedValue));
            foreach (var v in values) if (v.Value is Type t) yield return t;
        }
    }

    /// <summary>Locals and the types, methods and fields the IL names.</summary>
    private static List<Type> BodyTypes(MethodBase method)
    {
        var types = new List<Type>();
        var body = method.GetMethodBody();
        if (body is null) return types;
        types.AddRange(body.LocalVariables.Select(l => l.LocalType));
        byte[] il = body.GetILAsByteArray() ?? [];
        var declaring = method.DeclaringType;
        var typeArguments = declaring?.IsGenericType == true ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int at = 0; at < il.Length;)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineType or OperandType.InlineTok or OperandType.InlineMethod
                    or OperandType.InlineField:
                    int token = BitConverter.ToInt32(il, at);
                    types.AddRange(Resolve(method.Module, token, typeArguments, methodArguments));
                    at += 4;
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + 4 * BitConverter.ToInt32(il, at);
                    break;
                default:
                    at += OperandSize(op.OperandType);
                    break;
            }
        }
        return types;
    }

    private static IEnumerable<Type> Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        MemberInfo member;
        try
        {
            member = module.ResolveMember(token, typeArguments, methodArguments)!;
        }
        catch (ArgumentException)
        {
            yield break;   // a token of another kind (a signature), which names no member
        }
        switch (member)
        {
            case Type t:
                yield return t;
                break;
            case MethodInfo m:
                if (m.DeclaringType is { } d) yield return d;
                yield return m.ReturnType;
                foreach (var p in m.GetParameters()) yield return p.ParameterType;
                if (m.IsGenericMethod) foreach (var a in m.GetGenericArguments()) yield return a;
                break;
            case MemberInfo other:
                if (other.DeclaringType is { } declaring) yield return declaring;
                if (other is FieldInfo f) yield return f.FieldType;
                break;
        }
    }

    private static int OperandSize(OperandType type) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };
}

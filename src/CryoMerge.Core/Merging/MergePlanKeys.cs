using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace CryoMerge.Core.Merging;

/// <summary>
/// Checks the keys and value kinds of a plan file (YAML or JSON) against the plan's document classes before it is
/// deserialised, so that a typo or a value of the wrong kind is one line naming the file, the line, the key and the
/// nearest valid key, never a .NET type name. The valid keys come from the document classes themselves (names
/// camelCased, YAML aliases honoured), so they cannot drift from what the reader accepts. Also returns the line of
/// every key, for the messages of the plan's semantic checks.
/// </summary>
internal static class MergePlanKeys
{
    /// <summary>Line numbers (from 1) of the keys of a plan file by path ("output", "datasets[1].pixelSize").</summary>
    public sealed class Lines(IReadOnlyDictionary<string, int> lines)
    {
        public static readonly Lines None = new(new Dictionary<string, int>());

        /// <summary>"line N: " for the key at <paramref name="path"/>, or "" when the file does not have it.</summary>
        public string Of(string path) => lines.TryGetValue(path, out int line) ? $"line {line}: " : "";
    }

    internal enum ValueKind { Text, Integer, Number, Boolean, Mapping, List }

    /// <summary>A key of a plan document class: its name in the file, its kind, the class of a mapping or list
    /// entry, and its documentation.</summary>
    internal sealed record Key(string Name, ValueKind Kind, Type? Element, PlanKeyAttribute? Doc);

    /// <summary>
    /// The keys of a document class, in declaration order: camelCase names or YAML aliases (JSON matches them
    /// case-insensitively, so "datasets" is the one name shown for both).
    /// </summary>
    internal static IReadOnlyList<Key> KeysOf(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => new Key(
            p.GetCustomAttribute<YamlMemberAttribute>()?.Alias is { } alias
                ? alias : JsonNamingPolicy.CamelCase.ConvertName(p.Name),
            KindOf(p.PropertyType, out var element), element, p.GetCustomAttribute<PlanKeyAttribute>()))
        .ToList();

    private static ValueKind KindOf(Type type, out Type? element)
    {
        element = null;
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string)) return ValueKind.Text;
        if (t == typeof(int)) return ValueKind.Integer;
        if (t == typeof(double)) return ValueKind.Number;
        if (t == typeof(bool)) return ValueKind.Boolean;
        if (t.IsGenericType && typeof(IList).IsAssignableFrom(t))
        {
            element = t.GetGenericArguments()[0];
            return ValueKind.List;
        }
        element = t;
        return ValueKind.Mapping;
    }

    public static Lines CheckYaml(string text, string source, Type root)
    {
        // Parse once event by event, so that even an error YamlDotNet does not locate (it throws
        // InvalidOperationException on some malformed flow sequences) gets the line where parsing stopped.
        long lastLine = 1;
        try
        {
            var parser = new Parser(new StringReader(text));
            while (parser.MoveNext()) if (parser.Current is { } current) lastLine = current.End.Line;
        }
        catch (YamlException e)
        {
            throw new CryoMergeInputException(source, $"line {e.Start.Line}: not valid YAML: {YamlProblem(e)}");
        }
        catch (InvalidOperationException)
        {
            throw new CryoMergeInputException(source,
                $"line {lastLine}: not valid YAML after this line (an unclosed [ or {{?)");
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new CryoMergeInputException(source, $"line {e.Start.Line}: not valid YAML: {YamlProblem(e)}");
        }
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0) return new Lines(lines);
        if (stream.Documents[0].RootNode is not YamlMappingNode mapping)
            throw new CryoMergeInputException(source,
                $"line {stream.Documents[0].RootNode.Start.Line}: a plan is a mapping of keys ({KeyList(root)})");
        CheckMapping(mapping, root, "", source, lines);
        return new Lines(lines);
    }

    private static void CheckMapping(YamlMappingNode node, Type type, string path, string source,
        Dictionary<string, int> lines)
    {
        var keys = KeysOf(type);
        foreach (var (keyNode, value) in node.Children)
        {
            long line = keyNode.Start.Line;
            string name = keyNode is YamlScalarNode { Value: { } v } ? v : keyNode.ToString();
            var key = keys.FirstOrDefault(k => k.Name == name) ?? throw Unknown(source, line, name, path, keys);
            string at = Join(path, key.Name);
            lines[at] = (int)line;
            switch (key.Kind, value)
            {
                case (ValueKind.Mapping, YamlMappingNode m): CheckMapping(m, key.Element!, at, source, lines); break;
                case (ValueKind.List, YamlSequenceNode list):
                    int i = 0;
                    foreach (var item in list.Children)
                    {
                        if (item is not YamlMappingNode entry)
                            throw Wrong(source, item.Start.Line, $"{at}[{i}]", "a mapping of keys", item.ToString());
                        lines[$"{at}[{i}]"] = (int)item.Start.Line;
                        CheckMapping(entry, key.Element!, $"{at}[{i}]", source, lines);
                        i++;
                    }
                    break;
                case (_, YamlScalarNode s) when IsNull(s): break;
                case (ValueKind.Text, YamlScalarNode): break;
                case (ValueKind.Integer or ValueKind.Number or ValueKind.Boolean, YamlScalarNode s):
                    if (!Fits(key.Kind, s.Value ?? ""))
                        throw Wrong(source, value.Start.Line, at, Expected(key.Kind), s.Value ?? "");
                    break;
                default:
                    string found = value is YamlScalarNode sc ? sc.Value ?? ""
                        : value is YamlSequenceNode ? "a list" : "a mapping";
                    throw Wrong(source, value.Start.Line, at, Expected(key.Kind), found);
            }
        }
    }

    private static bool IsNull(YamlScalarNode s) =>
        s.Style == ScalarStyle.Plain && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public static Lines CheckJson(string text, string source, Type root)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        var lineStarts = new List<int> { 0 };
        for (int i = 0; i < utf8.Length; i++) if (utf8[i] == (byte)'\n') lineStarts.Add(i + 1);
        int LineAt(long offset)
        {
            int k = lineStarts.BinarySearch((int)offset);
            return (k >= 0 ? k : ~k - 1) + 1;
        }
        var options = new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        var reader = new Utf8JsonReader(utf8, options);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            if (!reader.Read()) throw new CryoMergeInputException(source, "the plan is empty");
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new CryoMergeInputException(source,
                    $"line {LineAt(reader.TokenStartIndex)}: a plan is a JSON object of keys ({KeyList(root)})");
            CheckObject(ref reader, root, "", source, lines, LineAt);
        }
        catch (JsonException e)
        {
            string message = e.Message;
            int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            throw new CryoMergeInputException(source,
                $"line {(e.LineNumber ?? 0) + 1}: not valid JSON: {(cut > 0 ? message[..cut] : message)}");
        }
        return new Lines(lines);
    }

    private static void CheckObject(ref Utf8JsonReader reader, Type type, string path, string source,
        Dictionary<string, int> lines, Func<long, int> lineAt)
    {
        var keys = KeysOf(type);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            int line = lineAt(reader.TokenStartIndex);
            string name = reader.GetString()!;
            // The reader matches keys case-insensitively (PropertyNameCaseInsensitive).
            var key = keys.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw Unknown(source, line, name, path, keys);
            string at = Join(path, key.Name);
            lines[at] = line;
            reader.Read();
            int valueLine = lineAt(reader.TokenStartIndex);
            switch (key.Kind, reader.TokenType)
            {
                case (_, JsonTokenType.Null): break;
                case (ValueKind.Mapping, JsonTokenType.StartObject):
                    CheckObject(ref reader, key.Element!, at, source, lines, lineAt);
                    break;
                case (ValueKind.List, JsonTokenType.StartArray):
                    for (int i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
                    {
                        if (reader.TokenType != JsonTokenType.StartObject)
                            throw Wrong(source, lineAt(reader.TokenStartIndex), $"{at}[{i}]", "an object of keys",
                                TokenText(ref reader));
                        lines[$"{at}[{i}]"] = lineAt(reader.TokenStartIndex);
                        CheckObject(ref reader, key.Element!, $"{at}[{i}]", source, lines, lineAt);
                    }
                    break;
                case (ValueKind.Text, JsonTokenType.String): break;
                case (ValueKind.Boolean, JsonTokenType.True or JsonTokenType.False): break;
                case (ValueKind.Number, JsonTokenType.Number): break;
                case (ValueKind.Integer, JsonTokenType.Number) when reader.TryGetInt32(out _): break;
                default: throw Wrong(source, valueLine, at, Expected(key.Kind), TokenText(ref reader));
            }
        }
    }

    private static string TokenText(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            string what = reader.TokenType == JsonTokenType.StartObject ? "an object" : "a list";
            reader.Skip();
            return what;
        }
        return reader.TokenType == JsonTokenType.String
            ? reader.GetString() ?? ""
            : Encoding.UTF8.GetString(reader.ValueSpan);
    }

    private static bool Fits(ValueKind kind, string value) => kind switch
    {
        ValueKind.Integer => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        ValueKind.Number => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
        ValueKind.Boolean => bool.TryParse(value, out _),
        _ => true,
    };

    private static string Expected(ValueKind kind) => kind switch
    {
        ValueKind.Integer => "a whole number",
        ValueKind.Number => "a number",
        ValueKind.Boolean => "true or false",
        ValueKind.List => "a list",
        ValueKind.Mapping => "a mapping of keys",
        _ => "text",
    };

    private static string KeyList(Type type) => string.Join(", ", KeysOf(type).Select(k => k.Name));

    private static CryoMergeInputException Unknown(string source, long line, string name, string path,
        IReadOnlyList<Key> keys)
    {
        string nearest = keys.MinBy(k => Distance(k.Name.ToLowerInvariant(), name.ToLowerInvariant()))!.Name;
        string where = path.Length == 0 ? "the plan" : path;
        return new CryoMergeInputException(source,
            $"line {line}: unknown key '{name}' in {where}; did you mean '{nearest}'? "
            + $"(keys: {string.Join(", ", keys.Select(k => k.Name))})");
    }

    private static CryoMergeInputException Wrong(string source, long line, string path, string expected, string found)
    {
        if (found.Length > 40) found = found[..37] + "...";
        return new CryoMergeInputException(source, $"line {line}: '{path}' must be {expected}, not '{found}'");
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string YamlProblem(YamlException e)
    {
        // "(Line: 3, Col: 5, Idx: 20) - (Line: 3, Col: 6, Idx: 21): While scanning ..." -> "While scanning ..."
        string m = e.Message;
        int colon = m.IndexOf("): ", StringComparison.Ordinal);
        return (m.StartsWith('(') && colon > 0 ? m[(colon + 3)..] : m).Split('\n')[0].Trim();
    }

    /// <summary>Levenshtein distance, for the nearest valid key.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}

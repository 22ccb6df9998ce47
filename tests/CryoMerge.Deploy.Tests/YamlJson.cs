using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CryoMerge.Deploy.Tests;

/// <summary>
/// YAML documents as JSON trees with the types Kubernetes sees (YAML 1.2 core schema): a plain 8080 is a number,
/// a quoted "8080" a string, plain true a boolean. A key given twice is an error, as it is for kubectl.
/// </summary>
internal static partial class YamlJson
{
    public static List<JsonObject> Documents(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents
            .Where(d => d.RootNode is not YamlScalarNode { Value: null or "" })
            .Select(d => Convert(d.RootNode) as JsonObject
                ?? throw new InvalidDataException($"a document is not a mapping: {d.RootNode}"))
            .ToList();
    }

    public static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => ToObject(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidDataException($"unsupported YAML node {node.NodeType}"),
    };

    private static JsonObject ToObject(YamlMappingNode map)
    {
        var o = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            string name = ((YamlScalarNode)key).Value ?? "";
            if (o.ContainsKey(name)) throw new InvalidDataException($"duplicate key '{name}' at {key.Start}");
            o[name] = Convert(value);
        }
        return o;
    }

    private static JsonNode? Scalar(YamlScalarNode s)
    {
        string v = s.Value ?? "";
        if (s.Style != ScalarStyle.Plain) return JsonValue.Create(v);
        if (v is "" or "~" or "null" or "Null" or "NULL") return null;
        if (v is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (v is "false" or "False" or "FALSE") return JsonValue.Create(false);
        // Numbers as JSON numbers (readable as int, long or double), as kubectl reads them.
        if (IntPattern().IsMatch(v)) return JsonNode.Parse(v.TrimStart('+'));
        if (FloatPattern().IsMatch(v)) return JsonValue.Create(double.Parse(v, CultureInfo.InvariantCulture));
        return JsonValue.Create(v);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}

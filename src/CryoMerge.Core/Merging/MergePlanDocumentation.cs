using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CryoMerge.Core.Merging;

/// <summary>
/// The merge plan documented from the declaration the plan reader checks keys against (<see cref="MergePlanKeys"/>,
/// <see cref="PlanKeyAttribute"/>): an annotated YAML template with every key (<c>cryomerge plan --template</c>) and a
/// JSON Schema (<c>cryomerge plan --schema</c>). A key added to the reader appears here by itself.
/// </summary>
public static class MergePlanDocumentation
{
    private static readonly Type Root = typeof(MergePlanReader.PlanDocument);

    /// <summary>Every key as a path ("output", "datasets[].pixelSize", "extraction.box"), in declaration order.
    /// </summary>
    public static IReadOnlyList<string> KeyPaths() => Paths(Root, "").ToList();

    private static IEnumerable<string> Paths(Type type, string prefix)
    {
        foreach (var key in MergePlanKeys.KeysOf(type))
        {
            string path = prefix + key.Name;
            yield return path;
            string? inner = key.Kind switch
            {
                MergePlanKeys.ValueKind.Mapping => path + ".",
                MergePlanKeys.ValueKind.List => path + "[].",
                _ => null,
            };
            if (inner is not null) foreach (var p in Paths(key.Element!, inner)) yield return p;
        }
    }

    /// <summary>
    /// A plan with every key, each under a comment saying what it means, its unit and default; keys usually better left
    /// to the merge are commented out. Two data sets: the first with every key, the second with the essential ones.
    /// </summary>
    public static string Template()
    {
        var text = new StringBuilder();
        text.Append("""
            # CryoMerge.Distributed merge plan: run it with `cryomerge merge plan.yaml` (try `--dry-run` first).
            # Written by `cryomerge plan --template` from the declaration the plan reader checks keys against;
            # `cryomerge plan --schema` gives the same keys as a JSON Schema. A plan may also be JSON with these keys.
            # Paths are relative to this file's folder. Lengths are in Angstrom (A), boxes in pixels (px).
            # Keys shown commented out are better left to the merge unless you have a reason.

            """);
        Mapping(text, Root, "", firstItem: false);
        return text.ToString();
    }

    private static void Mapping(StringBuilder text, Type type, string indent, bool firstItem,
        bool essentialOnly = false, string? rename = null)
    {
        bool first = true;
        foreach (var key in MergePlanKeys.KeysOf(type))
        {
            var doc = key.Doc!;
            if (essentialOnly && !(doc.Required || key.Name is "name" or "micrographs" or "map")) continue;
            string lead = firstItem && first ? indent[..^2] + "- " : indent;
            first = false;
            if (!essentialOnly) Comment(text, indent, doc);
            string comment = doc.Commented ? "# " : "";
            switch (key.Kind)
            {
                case MergePlanKeys.ValueKind.Mapping:
                    text.Append(CultureInfo.InvariantCulture, $"{lead}{key.Name}:\n");
                    Mapping(text, key.Element!, indent + "  ", firstItem: false);
                    break;
                case MergePlanKeys.ValueKind.List:
                    text.Append(CultureInfo.InvariantCulture, $"{lead}{key.Name}:\n");
                    Mapping(text, key.Element!, indent + "    ", firstItem: true);
                    Mapping(text, key.Element!, indent + "    ", firstItem: true, essentialOnly: true,
                        rename: "Glacios");
                    break;
                default:
                    string example = doc.Example ?? "";
                    if (rename is not null) example = example.Replace("Krios", rename, StringComparison.Ordinal);
                    text.Append(CultureInfo.InvariantCulture, $"{lead}{comment}{key.Name}: {Scalar(example)}\n");
                    break;
            }
        }
    }

    private static void Comment(StringBuilder text, string indent, PlanKeyAttribute doc)
    {
        var facts = new List<string>();
        if (doc.Unit is not null) facts.Add($"unit {doc.Unit}");
        if (doc.Required) facts.Add("required");
        else if (doc.Default is not null) facts.Add($"default: {doc.Default}");
        if (doc.Allowed is not null) facts.Add($"one of {string.Join(", ", doc.Allowed)}");
        string line = doc.Description + (facts.Count > 0 ? $" ({string.Join("; ", facts)})" : "");
        foreach (string wrapped in TextWrap.Lines(line, 116 - indent.Length))
            text.Append(indent).Append("# ").Append(wrapped).Append('\n');
    }

    /// <summary>A YAML scalar: quoted when it would otherwise read as something else.</summary>
    private static string Scalar(string value) =>
        value.Length == 0 || value.IndexOfAny(YamlIndicators) >= 0 ? JsonSerializer.Serialize(value) : value;

    private static readonly char[] YamlIndicators =
        [':', '#', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '%', '@'];

    /// <summary>The plan as a JSON Schema (draft 2020-12): types, descriptions with units and defaults, choices,
    /// examples, required keys; no other keys allowed, as the reader allows none.</summary>
    public static string JsonSchema()
    {
        var schema = Schema(Root);
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        schema["$id"] = "https://cryomerge.example/schemas/merge-plan.json";
        schema["title"] = "CryoMerge.Distributed merge plan";
        schema["description"] = "The plan of `cryomerge merge PLAN` (YAML or JSON). Paths are relative to the plan's "
            + "folder; lengths in Angstrom, boxes in pixels.";
        var ordered = new JsonObject();
        foreach (string k in new[] { "$schema", "$id", "title", "description" }) ordered[k] = schema[k]!.DeepClone();
        foreach (var (k, v) in schema.ToList())
            if (!ordered.ContainsKey(k)) ordered[k] = v!.DeepClone();
        return ordered.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static JsonObject Schema(Type type)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var key in MergePlanKeys.KeysOf(type))
        {
            var doc = key.Doc!;
            var p = new JsonObject();
            switch (key.Kind)
            {
                case MergePlanKeys.ValueKind.Mapping:
                    p = Schema(key.Element!);
                    break;
                case MergePlanKeys.ValueKind.List:
                    p["type"] = "array";
                    p["items"] = Schema(key.Element!);
                    break;
                default:
                    p["type"] = key.Kind switch
                    {
                        MergePlanKeys.ValueKind.Integer => "integer",
                        MergePlanKeys.ValueKind.Number => "number",
                        MergePlanKeys.ValueKind.Boolean => "boolean",
                        _ => "string",
                    };
                    break;
            }
            var facts = new List<string>();
            if (doc.Unit is not null) facts.Add($"unit {doc.Unit}");
            if (doc.Default is not null) facts.Add($"default: {doc.Default}");
            string about = doc.Description + (facts.Count > 0 ? $" ({string.Join("; ", facts)})" : "");
            var ordered = new JsonObject { ["description"] = about };
            foreach (var (k, v) in p.ToList()) ordered[k] = v!.DeepClone();
            if (doc.Allowed is not null)
                ordered["enum"] = new JsonArray(doc.Allowed.Select(a => Value(key.Kind, a)).ToArray());
            if (doc.Example is not null) ordered["examples"] = new JsonArray(Value(key.Kind, doc.Example));
            if (doc.Unit is not null) ordered["x-unit"] = doc.Unit;
            if (doc.Default is not null && Value(key.Kind, doc.Default) is { } typed
                && (key.Kind != MergePlanKeys.ValueKind.Text || doc.Allowed is not null))
                ordered["default"] = typed;
            if (key.Kind is MergePlanKeys.ValueKind.Integer or MergePlanKeys.ValueKind.Number && doc.Allowed is null)
                ordered["exclusiveMinimum"] = 0;
            if (key.Kind == MergePlanKeys.ValueKind.List && key.Name == "datasets") ordered["minItems"] = 2;
            properties[key.Name] = ordered;
            if (doc.Required) required.Add(key.Name);
        }
        var schema = new JsonObject
        {
            ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false,
        };
        if (required.Count > 0) schema["required"] = required;
        return schema;
    }

    /// <summary>A value of the key's kind, or null when the text is not one (a default given in words).</summary>
    private static JsonNode? Value(MergePlanKeys.ValueKind kind, string text) => kind switch
    {
        MergePlanKeys.ValueKind.Integer =>
            int.TryParse(text, CultureInfo.InvariantCulture, out int i) ? JsonValue.Create(i) : null,
        MergePlanKeys.ValueKind.Number =>
            double.TryParse(text, CultureInfo.InvariantCulture, out double d) ? JsonValue.Create(d) : null,
        MergePlanKeys.ValueKind.Boolean => bool.TryParse(text, out bool b) ? JsonValue.Create(b) : null,
        _ => JsonValue.Create(text),
    };
}

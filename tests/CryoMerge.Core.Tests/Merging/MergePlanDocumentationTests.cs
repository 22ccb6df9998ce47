using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CryoMerge.Core.Merging;

namespace CryoMerge.Core.Tests.Merging;

/// <summary>
/// Issue 20, point 6: the plan's documentation comes from the declaration the reader checks keys against.
/// </summary>
public sealed class MergePlanDocumentationTests
{
    /// <summary>Every key the reader accepts, walked over the plan's document classes apart from the generator.
    /// </summary>
    private static IEnumerable<string> ReaderKeys(Type type, string prefix)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            string name = p.Name == "DataSets" ? "datasets" : char.ToLowerInvariant(p.Name[0]) + p.Name[1..];
            yield return prefix + name;
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var inner = t.IsGenericType ? ReaderKeys(t.GetGenericArguments()[0], prefix + name + "[].")
                : t.IsClass && t != typeof(string) ? ReaderKeys(t, prefix + name + ".") : [];
            foreach (var k in inner) yield return k;
        }
    }

    private static readonly List<string> Keys = ReaderKeys(typeof(MergePlanReader.PlanDocument), "").ToList();

    [Fact]
    public void EveryKeyTheReaderAcceptsIsDocumentedWithAnExample()
    {
        Assert.Equal(Keys, MergePlanDocumentation.KeyPaths());
        Assert.Contains("datasets[].halfMap2", Keys);
        Assert.Contains("extraction.window", Keys);
        var undocumented = new[] { typeof(MergePlanReader.PlanDocument), typeof(MergePlanReader.DataSetDocument),
                typeof(MergePlanReader.ExtractionDocument), typeof(MergePlanReader.AssessDocument) }
            .SelectMany(t => t.GetProperties())
            .Where(p => p.GetCustomAttribute<PlanKeyAttribute>() is not { Description.Length: > 10 } doc
                || (doc.Example is null && !p.PropertyType.IsGenericType && p.Name is not ("Extraction" or "Assess")))
            .Select(p => p.Name).ToList();
        Assert.Empty(undocumented);
    }

    [Fact]
    public void TheTemplateHoldsEveryKeyUnderItsCommentAndIsAValidPlan()
    {
        string template = MergePlanDocumentation.Template();
        var lines = template.Split('\n');
        foreach (string path in Keys)
        {
            string key = path.Split('.')[^1].Replace("[]", "", StringComparison.Ordinal);
            int at = Array.FindIndex(lines, l => Regex.IsMatch(l, $@"^\s*(- )?(# )?{key}:( |$)"));
            Assert.True(at > 0, $"{path} is not in the template");
            Assert.StartsWith("#", lines[at - 1].Trim());   // its documentation above it
        }
        Assert.Contains("# Pixel size the data set was processed with (unit A;", template);
        Assert.Contains("extraction:\n", template);
        Assert.All(lines, l => Assert.True(l.Length <= 120, l));

        // As it is, the reader takes it: every key known, the values of the right kinds, two data sets.
        string source = Path.Combine(Path.GetTempPath(), "template.yaml");
        var plan = MergePlanReader.Parse(template, source, checkFiles: false);
        Assert.Equal(2, plan.DataSets.Count);
        Assert.Equal(["Krios", "Glacios"], plan.DataSets.Select(d => d.Name));
        Assert.Equal(MergeMethod.ReExtract, plan.Method);
        Assert.Equal(1.061, plan.DataSets[0].NominalPixelSize);
        Assert.EndsWith(Path.Combine("Glacios", "Refine3D", "job020", "run_class001.mrc"), plan.DataSets[1].Map);
    }

    [Fact]
    public void TheJsonSchemaHoldsEveryKeyWithItsTypeAndAllowsNoOther()
    {
        var schema = JsonNode.Parse(MergePlanDocumentation.JsonSchema())!.AsObject();
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)schema["$schema"]);
        foreach (string path in Keys)
        {
            JsonNode node = schema;
            foreach (string part in path.Split('.'))
            {
                bool list = part.EndsWith("[]", StringComparison.Ordinal);
                Assert.False(node["additionalProperties"]!.GetValue<bool>(), path);
                node = node["properties"]?[list ? part[..^2] : part]
                    ?? throw new Xunit.Sdk.XunitException($"{path} is not in the schema");
                if (list) node = node["items"]!;
            }
            // The last part names a key (never "[]"), whose schema says what it is.
            Assert.False(string.IsNullOrWhiteSpace((string?)node["description"]), path);
        }
        var pixel = schema["properties"]!["datasets"]!["items"]!["properties"]!["pixelSize"]!;
        Assert.Equal("number", (string?)pixel["type"]);
        Assert.Equal("A", (string?)pixel["x-unit"]);
        Assert.Contains("unit A", (string?)pixel["description"]);
        var method = schema["properties"]!["method"]!;
        Assert.Equal([1, 2, 3], method["enum"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal(2, method["default"]!.GetValue<int>());
        Assert.Equal(["output", "datasets"], schema["required"]!.AsArray().Select(n => (string)n!));
    }
}

using System.Text.RegularExpressions;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Architecture;

/// <summary>
/// No line of C# in src/ or tests/ is longer than .editorconfig's max_line_length (120 characters), which
/// reference/style.md asks for and which no compiler warning checks. <c>python3 tools/wrap-long-lines.py</c> wraps
/// long lines without changing what the code means.
/// </summary>
public sealed partial class LineLengthTests
{
    [Fact]
    public void NoLineInSrcOrTestsIsLongerThanTheEditorConfigAllows()
    {
        int limit = MaxLineLength();
        var tooLong = LongLines(limit).ToList();
        Assert.True(tooLong.Count == 0, $"{tooLong.Count} lines longer than {limit} characters " +
            $"(python3 tools/wrap-long-lines.py wraps them):\n{string.Join('\n', tooLong.Take(100))}");
    }

    [Fact]
    public void TheLimitIsTheEditorConfigsAndTheScanFindsLongLines()
    {
        Assert.Equal(120, MaxLineLength());
        // A file of this repository's own tests with a long line would be found: the scan reads what it claims to.
        Assert.Contains(Path.Combine("tests", "CryoMerge.Core.Tests", "Architecture", "LineLengthTests.cs"),
            SourceFiles().Select(f => Path.GetRelativePath(TestFiles.RepositoryRoot, f)));
        Assert.Contains(LongLines(60), l => l.File.EndsWith("LineLengthTests.cs", StringComparison.Ordinal));
    }

    private sealed record LongLine(string File, int Number, int Length)
    {
        public override string ToString() => $"{File}:{Number}: {Length} characters";
    }

    private static IEnumerable<LongLine> LongLines(int limit) =>
        from file in SourceFiles()
        let relative = Path.GetRelativePath(TestFiles.RepositoryRoot, file)
        from line in File.ReadLines(file).Select((text, i) => (Text: text, Number: i + 1))
        where line.Text.Length > limit
        select new LongLine(relative, line.Number, line.Text.Length);

    private static IEnumerable<string> SourceFiles() =>
        new[] { "src", "tests" }.Select(d => Path.Combine(TestFiles.RepositoryRoot, d))
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal);

    private static int MaxLineLength()
    {
        var match = MaxLineLengthSetting().Match(File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot,
            ".editorconfig")));
        Assert.True(match.Success, ".editorconfig sets no max_line_length");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^max_line_length\s*=\s*(\d+)", RegexOptions.Multiline)]
    private static partial Regex MaxLineLengthSetting();
}

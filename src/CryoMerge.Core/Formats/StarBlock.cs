namespace CryoMerge.Core.Formats;

/// <summary>
/// A <c>data_NAME</c> block: key-value pairs, a loop, or (rarely) pairs followed by a loop. Comment lines
/// that stood before the block (such as RELION's "# version 30001") are kept with it.
/// </summary>
public sealed class StarBlock
{
    public StarBlock(string name) => Name = name;

    /// <summary>The name after "data_" (empty for an anonymous "data_" block of RELION 3.0 files).</summary>
    public string Name { get; set; }

    /// <summary>Comment lines before "data_", verbatim, including the leading '#'.</summary>
    public List<string> LeadingComments { get; } = [];

    /// <summary>Comment lines between "data_" and the first pair or loop, verbatim.</summary>
    public List<string> InnerComments { get; } = [];

    public StarPairs Pairs { get; } = new();

    /// <summary>The loop, or null for a block of pairs only.</summary>
    public StarTable? Table { get; set; }

    /// <summary>The loop; a clear error when the block has none.</summary>
    public StarTable RequireTable() => Table ?? throw new InvalidOperationException($"data_{Name} has no loop_");

    /// <summary>The RELION version number from a "# version 30001" comment before the block, if any.</summary>
    public int? Version
    {
        get
        {
            foreach (var line in LeadingComments)
            {
                int i = line.IndexOf("# version ", StringComparison.Ordinal);
                if (i >= 0 && int.TryParse(line.AsSpan(i + 10).Trim(), out int v)) return v;
            }
            return null;
        }
    }

    public override string ToString() =>
        $"data_{Name} ({(Table is null ? $"{Pairs.Count} pairs" : $"{Table.RowCount} rows x {Table.Columns.Count} " +
        $"columns")})";
}

namespace CryoMerge.Core.Merging;

/// <summary>
/// The documentation of one key of a merge plan, on the property the plan reader reads it into: what it means, its
/// unit, its default and an example. <see cref="MergePlanDocumentation"/> writes the annotated template and the JSON
/// Schema from these, and the reader checks keys against the same properties, so the documentation cannot drift.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class PlanKeyAttribute(string description) : Attribute
{
    public string Description { get; } = description;

    /// <summary>"A", "px" or "particles"; null for a name, a path, a switch or a choice.</summary>
    public string? Unit { get; init; }

    /// <summary>What applies when the key is absent, in words ("2", "the plan's folder").</summary>
    public string? Default { get; init; }

    /// <summary>A value as written in a plan.</summary>
    public string? Example { get; init; }

    /// <summary>The only values the key takes, when it is a choice.</summary>
    public string[]? Allowed { get; init; }

    /// <summary>The plan is not valid without it.</summary>
    public bool Required { get; init; }

    /// <summary>Shown commented out in the template: usually better left to the merge.</summary>
    public bool Commented { get; init; }
}

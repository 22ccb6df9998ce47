using System.Text.Json;
using CryoMerge.Core;
using CryoMerge.Core.Merging;
using CryoMerge.Core.Merging.Pipeline;

namespace CryoMerge.Grains.Jobs;

public sealed partial class MergeJobGrain
{
    /// <summary>
    /// The silo's own check of a submitted plan against its --data-root folders, before anything is stored or run:
    /// a client cannot make a silo read or write outside them, whatever it checked on its side.
    /// </summary>
    private async Task CheckDataRootsAsync(MergeJobRequest request)
    {
        if (options.Value.DataRoots.Count == 0) return;
        var roots = new DataRoots(options.Value.DataRoots);
        try
        {
            // Resolving links and reading the micrograph lists touches the file system: off the grain scheduler.
            await Task.Run(() =>
            {
                var plan = JsonSerializer.Deserialize<MergePlan>(request.PlanJson, WorkJson.Options)
                    ?? throw new CryoMergeInputException("", "empty plan");
                PlanFiles.CheckWithin(plan, roots);
            });
        }
        catch (CryoMergeInputException e)
        {
            throw new JobRefusedException(e.Message);
        }
    }
}

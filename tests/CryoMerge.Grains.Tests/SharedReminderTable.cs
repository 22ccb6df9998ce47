using Orleans.Runtime;

namespace CryoMerge.Grains.Tests;

/// <summary>
/// A reminder table held by the test process and shared by every silo of one in-process cluster, so that it outlives
/// any silo the test kills (as Redis or PostgreSQL outlive a silo process). Orleans' own in-memory table is a grain
/// that dies with the silo holding it.
/// </summary>
internal sealed class SharedReminderTable : IReminderTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId Grain, string Name), ReminderEntry> _rows = [];

    public Task<ReminderTableData> ReadRows(GrainId grainId)
    {
        lock (_lock) return Task.FromResult(Data(r => r.GrainId == grainId));
    }

    public Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        // Orleans' ring ranges: (begin, end], wrapping past the top when begin >= end.
        bool InRange(uint h) => begin < end ? h > begin && h <= end : h > begin || h <= end;
        lock (_lock) return Task.FromResult(Data(r => InRange(r.GrainId.GetUniformHashCode())));
    }

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        lock (_lock) return Task.FromResult(_rows.TryGetValue((grainId, reminderName), out var row) ? Copy(row) : null);
    }

    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        var row = Copy(entry);
        row.ETag = Guid.NewGuid().ToString("N");
        lock (_lock) _rows[(row.GrainId, row.ReminderName)] = row;
        return Task.FromResult<string?>(row.ETag);
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue((grainId, reminderName), out var row) || row.ETag != eTag)
                return Task.FromResult(false);
            _rows.Remove((grainId, reminderName));
            return Task.FromResult(true);
        }
    }

    public Task TestOnlyClearTable()
    {
        lock (_lock) _rows.Clear();
        return Task.CompletedTask;
    }

    /// <summary>Reminders registered now (for assertions).</summary>
    public int Count
    {
        get { lock (_lock) return _rows.Count; }
    }

    private ReminderTableData Data(Func<ReminderEntry, bool> which) =>
        new(_rows.Values.Where(which).Select(Copy).ToList());

    private static ReminderEntry Copy(ReminderEntry e) => new()
    {
        GrainId = e.GrainId, ReminderName = e.ReminderName, StartAt = e.StartAt, Period = e.Period, ETag = e.ETag,
    };
}

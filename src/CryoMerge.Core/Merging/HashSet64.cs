using System.Numerics;

namespace CryoMerge.Core.Merging;

/// <summary>
/// A set of 64-bit hashes in one array (open addressing, linear probing, at most 3/4 full): 8 bytes a slot, 11-21
/// bytes an entry, where <see cref="HashSet{T}"/> of ulong takes 20-40. The join keeps one entry per row of every
/// input, so at a million rows this is what it holds for the whole job.
/// </summary>
internal sealed class HashSet64
{
    // 0 marks an empty slot; the value 0 itself is kept aside.
    private ulong[] _slots = new ulong[1024];
    private int _count;
    private bool _hasZero;

    public int Count => _count + (_hasZero ? 1 : 0);

    /// <summary>Adds <paramref name="value"/>; false when it was there already.</summary>
    public bool Add(ulong value)
    {
        if (value == 0)
        {
            bool added = !_hasZero;
            _hasZero = true;
            return added;
        }
        if ((_count + 1) * 4L > _slots.Length * 3L) Grow();
        if (!Insert(_slots, value)) return false;
        _count++;
        return true;
    }

    private void Grow()
    {
        var larger = new ulong[_slots.Length * 2];
        foreach (ulong value in _slots) if (value != 0) Insert(larger, value);
        _slots = larger;
    }

    private static bool Insert(ulong[] slots, ulong value)
    {
        int mask = slots.Length - 1;
        // Fibonacci hashing: the product's top bits pick the slot, so hashes whose low bits agree spread.
        int i = (int)((value * 0x9E3779B97F4A7C15UL) >> (64 - BitOperations.Log2((uint)slots.Length)));
        while (slots[i] != 0)
        {
            if (slots[i] == value) return false;
            i = (i + 1) & mask;
        }
        slots[i] = value;
        return true;
    }
}

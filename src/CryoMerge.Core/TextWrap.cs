using System.Text;

namespace CryoMerge.Core;

/// <summary>Words of a sentence broken into lines of at most a width (a longer word stays whole on its line).</summary>
internal static class TextWrap
{
    public static IEnumerable<string> Lines(string text, int width)
    {
        var current = new StringBuilder();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.Length > 0 && current.Length + 1 + word.Length > width)
            {
                yield return current.ToString();
                current.Clear();
            }
            if (current.Length > 0) current.Append(' ');
            current.Append(word);
        }
        if (current.Length > 0) yield return current.ToString();
    }
}

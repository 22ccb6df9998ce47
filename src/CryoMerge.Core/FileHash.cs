using System.Security.Cryptography;

namespace CryoMerge.Core;

/// <summary>Content hashes of files, so that references passed between nodes say which bytes they mean.</summary>
public static class FileHash
{
    /// <summary>Lower-case hexadecimal SHA-256 of a file's content.</summary>
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

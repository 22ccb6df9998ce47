using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using CryoMerge.Core.Analysis;
using CryoMerge.Tests;

namespace CryoMerge.Core.Tests.Architecture;

/// <summary>
/// Core is pure: it writes nothing to the console (diagnostics go through callbacks and options its callers choose),
/// and the only environment variables it reads are ones README.md's Environment table documents, so no hidden switch
/// changes an answer. Checked on the compiled assembly, whatever the source spelling.
/// </summary>
public sealed partial class CoreSideEffectsTests
{
    [Fact]
    public void CoreNeverReferencesTheConsole()
    {
        var core = CoreMetadata.Load();
        var uses = core.MethodsCalling("System", "Console", _ => true).Select(c => c.Method).Distinct().ToList();
        Assert.True(uses.Count == 0, $"Core calls System.Console in {string.Join(", ", uses)}");
        // Nor any other member of it (a property, a field, a type argument).
        Assert.DoesNotContain(core.TypeReferences, t => t == "System.Console");
    }

    [Fact]
    public void CoreReadsOnlyEnvironmentVariablesTheReadmeDocuments()
    {
        var documented = ReadmeEnvironmentVariables();
        Assert.Contains("CRYOMERGE_FFT", documented);   // the check itself: the table was found and parsed
        var reads = CoreMetadata.Load()
            .MethodsCalling("System", "Environment", name => name.Contains("EnvironmentVariable")).ToList();
        Assert.NotEmpty(reads);   // FftBackends reads CRYOMERGE_FFT: a scan that sees nothing is broken
        foreach (var read in reads)
        {
            Assert.True(read.Member == "GetEnvironmentVariable",
                $"{read.Method} calls Environment.{read.Member}: Core may read single documented variables only");
            Assert.True(read.LastString is not null,
                $"{read.Method} reads an environment variable whose name is not a constant");
            Assert.True(documented.Contains(read.LastString!),
                $"{read.Method} reads {read.LastString}, which README.md's Environment table does not document");
        }
    }

    [Fact]
    public void TheScanSeesConsoleCallsAndVariableNamesInThisAssembly()
    {
        // This test assembly calls both (below): the scanner must find them, or the two tests above prove nothing.
        var tests = CoreMetadata.Load(typeof(CoreSideEffectsTests).Assembly.Location);
        Assert.Contains(tests.MethodsCalling("System", "Console", _ => true), c => c.Method.EndsWith(nameof(Sample)));
        Assert.Contains(tests.MethodsCalling("System", "Environment", n => n == "GetEnvironmentVariable"),
            c => c.Method.EndsWith(nameof(Sample)) && c.LastString == "CM_SCANNER_SAMPLE");
    }

    private static void Sample()
    {
        if (Environment.GetEnvironmentVariable("CM_SCANNER_SAMPLE") == "print") Console.Error.WriteLine("sample");
    }

    [GeneratedRegex(@"^\|\s*(`[A-Z0-9_]+`(?:\s*,\s*`[A-Z0-9_]+`)*)\s*\|", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    /// <summary>The variables named in the first column of README.md's "## Environment" table.</summary>
    internal static HashSet<string> ReadmeEnvironmentVariables()
    {
        string readme = File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot, "README.md"));
        int start = readme.IndexOf("\n## Environment", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no Environment section");
        int end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        string section = end < 0 ? readme[start..] : readme[start..end];
        return TableRow().Matches(section)
            .SelectMany(m => m.Groups[1].Value.Split(',').Select(n => n.Trim().Trim('`')))
            .ToHashSet();
    }

    /// <summary>Core's compiled metadata, read without loading it for execution.</summary>
    private sealed class CoreMetadata
    {
        private readonly MetadataReader _md;
        private readonly PEReader _pe;

        private CoreMetadata(string path)
        {
            _pe = new PEReader(new MemoryStream(File.ReadAllBytes(path)));
            _md = _pe.GetMetadataReader();
        }

        public static CoreMetadata Load(string? path = null) => new(path ?? typeof(ScaleFitter).Assembly.Location);

        /// <summary>Every type the assembly references, as Namespace.Name.</summary>
        public IEnumerable<string> TypeReferences =>
            _md.TypeReferences.Select(h => _md.GetTypeReference(h))
                .Select(t => $"{_md.GetString(t.Namespace)}.{_md.GetString(t.Name)}");

        /// <summary>One call from a method of the assembly to a member of another type.</summary>
        /// <param name="LastString">The string constant loaded last before the call in that method (the argument, for a
        /// constant name).</param>
        public sealed record Call(string Method, string Member, string? LastString);

        /// <summary>
        /// Calls (call, callvirt, newobj, ldftn) to members of <paramref name="ns"/>.<paramref name="type"/> whose name
        /// matches.
        /// </summary>
        public IEnumerable<Call> MethodsCalling(string ns, string type, Func<string, bool> member)
        {
            var targets = new Dictionary<int, string>();
            foreach (var h in _md.MemberReferences)
            {
                var m = _md.GetMemberReference(h);
                if (m.Parent.Kind != HandleKind.TypeReference) continue;
                var t = _md.GetTypeReference((TypeReferenceHandle)m.Parent);
                string name = _md.GetString(m.Name);
                if (_md.GetString(t.Namespace) == ns && _md.GetString(t.Name) == type && member(name))
                    targets[MetadataTokens.GetToken(h)] = name;
            }
            if (targets.Count == 0) yield break;
            foreach (var typeHandle in _md.TypeDefinitions)
            {
                var typeDef = _md.GetTypeDefinition(typeHandle);
                foreach (var methodHandle in typeDef.GetMethods())
                {
                    var method = _md.GetMethodDefinition(methodHandle);
                    if (method.RelativeVirtualAddress == 0) continue;
                    string methodName = $"{_md.GetString(typeDef.Name)}.{_md.GetString(method.Name)}";
                    foreach (var call in IlCalls(_pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader()))
                        if (targets.TryGetValue(call.Token, out var target))
                            yield return new Call(methodName, target, call.LastString);
                }
            }
        }

        private IEnumerable<(int Token, string? LastString)> IlCalls(BlobReader il)
        {
            var calls = new List<(int, string?)>();
            string? lastString = null;
            while (il.RemainingBytes > 0)
            {
                int op = il.ReadByte();
                if (op == 0xFE) op = 0xFE00 | il.ReadByte();
                switch ((ILOpCode)op)
                {
                    case ILOpCode.Ldstr:
                        lastString = _md.GetUserString(MetadataTokens.UserStringHandle(il.ReadInt32() & 0xFFFFFF));
                        break;
                    case ILOpCode.Call or ILOpCode.Callvirt or ILOpCode.Newobj or ILOpCode.Ldftn or ILOpCode.Ldvirtftn
                        or ILOpCode.Jmp:
                        calls.Add((il.ReadInt32(), lastString));
                        break;
                    case ILOpCode.Switch:
                        il.Offset += 4 * il.ReadInt32();
                        break;
                    default:
                        il.Offset += OperandSize((ILOpCode)op);
                        break;
                }
            }
            return calls;
        }

        /// <summary>The "no." prefix (0xFE 0x19), which ILOpCode does not name.</summary>
        private const ILOpCode NoPrefix = (ILOpCode)0xFE19;

        /// <summary>Operand bytes of every IL opcode but ldstr, the calls and switch (ECMA-335 III).</summary>
        private static int OperandSize(ILOpCode op) => op switch
        {
            ILOpCode.Ldarg_s or ILOpCode.Ldarga_s or ILOpCode.Starg_s or ILOpCode.Ldloc_s or ILOpCode.Ldloca_s
                or ILOpCode.Stloc_s or ILOpCode.Ldc_i4_s or ILOpCode.Unaligned or NoPrefix or ILOpCode.Leave_s => 1,
            >= ILOpCode.Br_s and <= ILOpCode.Blt_un_s => 1,
            ILOpCode.Ldarg or ILOpCode.Ldarga or ILOpCode.Starg or ILOpCode.Ldloc or ILOpCode.Ldloca
                or ILOpCode.Stloc => 2,
            ILOpCode.Ldc_i8 or ILOpCode.Ldc_r8 => 8,
            ILOpCode.Ldc_i4 or ILOpCode.Ldc_r4 or ILOpCode.Calli or ILOpCode.Leave or ILOpCode.Cpobj or ILOpCode.Ldobj
                or ILOpCode.Castclass or ILOpCode.Isinst or ILOpCode.Unbox or ILOpCode.Ldfld or ILOpCode.Ldflda
                or ILOpCode.Stfld or ILOpCode.Ldsfld or ILOpCode.Ldsflda or ILOpCode.Stsfld or ILOpCode.Stobj
                or ILOpCode.Box or ILOpCode.Newarr or ILOpCode.Ldelema or ILOpCode.Ldelem or ILOpCode.Stelem
                or ILOpCode.Unbox_any or ILOpCode.Refanyval or ILOpCode.Mkrefany or ILOpCode.Ldtoken
                or ILOpCode.Initobj or ILOpCode.Constrained or ILOpCode.Sizeof => 4,
            >= ILOpCode.Br and <= ILOpCode.Blt_un => 4,
            _ => 0,
        };
    }
}

using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Architecture;

/// <summary>
/// Which folder of src/Core uses which, read by the compiler from the sources (every name bound to a
/// Passthru.Core type counts, however it is written), against the map in the README: the map must be
/// true, and it must have no circles.
/// </summary>
public sealed partial class CoreFolderDependencyTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, SortedSet<string>>> Uses = new(ReadUses);

    [Fact]
    public void Folders_UseEachOtherWithoutCircles()
    {
        var cycles = Cycles(Uses.Value);
        Assert.True(cycles.Count == 0, "folders that use each other, directly or around a circle: " + string.Join("; ", cycles.Select(c => string.Join(" → ", c))));
    }

    [Fact]
    public void ReadmeMap_SaysWhichFolderUsesWhich_AsTheCodeDoes()
    {
        // On a failure the expected text is the map as the code has it, ready to paste into the README.
        var fromCode = string.Join("\n", Uses.Value.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"- **{p.Key}** uses {(p.Value.Count == 0 ? "nothing" : string.Join(", ", p.Value))}."));
        Assert.True(fromCode == ReadmeMap(), $"The README's map of src/Core is not the code's. The code's:\n{fromCode}");
    }

    /// <summary>The README's lines <c>- **Binding** uses Changes, History, Pci.</c> between its map markers.</summary>
    private static string ReadmeMap()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var start = readme.IndexOf("<!-- core-map -->", StringComparison.Ordinal);
        var end = readme.IndexOf("<!-- /core-map -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md has no <!-- core-map --> ... <!-- /core-map --> section");
        return string.Join("\n", MapLine().Matches(readme[start..end]).Select(m => m.Value.TrimEnd()));
    }

    [GeneratedRegex(@"^- \*\*\w+\*\* uses [^\n]*$", RegexOptions.Multiline)]
    private static partial Regex MapLine();

    private static IReadOnlyDictionary<string, SortedSet<string>> ReadUses()
    {
        var core = Path.Combine(RepositoryPaths.Root, "src", "Core");
        var trees = Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: f))
            .Append(CSharpSyntaxTree.ParseText(
                "global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic; " +
                "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;"))
            .ToArray();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll").Where(f => !Path.GetFileName(f).StartsWith("Passthru.", StringComparison.Ordinal)))
            .DistinctBy(Path.GetFileName)
            .Select(f => MetadataReference.CreateFromFile(f));
        var compilation = CSharpCompilation.Create("CoreFolders", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));

        var uses = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var tree in trees.Where(t => t.FilePath.Length > 0))
        {
            var model = compilation.GetSemanticModel(tree);
            var root = tree.GetRoot();
            if (FolderOf(root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault()?.Name.ToString()) is not { } folder)
            {
                continue;
            }

            var used = uses.TryGetValue(folder, out var set) ? set : uses[folder] = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var name in root.DescendantNodes().OfType<SimpleNameSyntax>().Where(n => n.FirstAncestorOrSelf<UsingDirectiveSyntax>() is null))
            {
                var info = model.GetSymbolInfo(name);
                var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                var type = symbol as INamedTypeSymbol ?? symbol?.ContainingType;
                if (FolderOf(type?.ContainingNamespace.ToDisplayString()) is { } other && other != folder)
                {
                    used.Add(other);
                }
            }
        }

        return uses;
    }

    /// <summary>Passthru.Core.Binding.Native → Binding; null outside Passthru.Core.</summary>
    private static string? FolderOf(string? ns)
        => ns?.Split('.') is ["Passthru", "Core", var folder, ..] ? folder : null;

    /// <summary>Every circle in the graph, each once (Tarjan's strongly connected components larger than one folder).</summary>
    private static List<List<string>> Cycles(IReadOnlyDictionary<string, SortedSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var result = new List<List<string>>();
        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (stack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    component.Add(member);
                }
                while (member != node);
                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    result.Add(component);
                }
            }
        }

        foreach (var node in graph.Keys.Order(StringComparer.Ordinal).Where(n => !index.ContainsKey(n)))
        {
            Visit(node);
        }

        return result;
    }
}

namespace Passthru.Core.Tests.Lab;

/// <summary>
/// The lab's boots, one after the other: each is a TCG guest with two vCPUs, and two of them on the
/// machine's two cores at once are slower together than in turn (and near their time limits).
/// </summary>
[CollectionDefinition(Name)]
public sealed class LabCollection
{
    public const string Name = "qemu lab";
}

using Passthru.Core.Boot;
using Passthru.Core.History;
using Passthru.Core.Host;

namespace Passthru.Core.Tests.Boot;

public sealed class BootCheckRecorderTests : BootClaimFixture
{
    private void Boot(string id)
    {
        Directory.CreateDirectory(Path.Combine(Tree, "proc/sys/kernel/random"));
        File.WriteAllText(Path.Combine(Tree, "proc/sys/kernel/random/boot_id"), id + "\n");
    }

    [Fact]
    public async Task Findings_AreWrittenOncePerBoot()
    {
        var claims = CreateClaims();
        await claims.RunAsync(new BootClaimRequest(OperationAction.ClaimAtBoot, null, SharedGroup, Localhost, Force: true));
        var (_, journal) = CreateBinding();
        var recorder = new BootCheckRecorder(new HistoryDatabase(Database), journal, new HostRoot(Tree), TimeProvider.System);

        Boot("0f6a3c1e-1111-4a4a-9c9c-000000000001");
        var first = await recorder.RecordOnceAsync(claims.Inspect(Scanner.Scan()));
        var again = await recorder.RecordOnceAsync(claims.Inspect(Scanner.Scan()));
        Boot("0f6a3c1e-1111-4a4a-9c9c-000000000002");
        var nextBoot = await recorder.RecordOnceAsync(claims.Inspect(Scanner.Scan()));

        Assert.NotNull(first);
        Assert.Null(again);
        Assert.NotNull(nextBoot);
        var checks = await journal.ListAsync(action: OperationAction.BootCheck);
        Assert.Equal(2, checks.Count);
        Assert.All(checks, c => Assert.Equal(OperationStatus.Failed, c.Status));
        Assert.Contains("claim not applied: 0000:04:00.6 is on snd_hda_intel", checks[0].Message);
    }

    [Fact]
    public async Task NoClaims_NothingWritten()
    {
        var (_, journal) = CreateBinding();
        var recorder = new BootCheckRecorder(new HistoryDatabase(Database), journal, new HostRoot(Tree), TimeProvider.System);

        Assert.Null(await recorder.RecordOnceAsync([]));
        Assert.Empty(await journal.ListAsync(action: OperationAction.BootCheck));
    }
}

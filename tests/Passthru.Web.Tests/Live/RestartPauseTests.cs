using Passthru.Web.Live;

namespace Passthru.Web.Tests.Live;

public sealed class RestartPauseTests
{
    [Fact]
    public void Next_FailuresInARow_DoubleThePauseUpToTheLongest_AndResetStartsAgain()
    {
        var pause = new RestartPause();

        var pauses = Enumerable.Range(0, 7).Select(_ => pause.Next().TotalSeconds).ToArray();
        pause.Reset();

        Assert.Equal([1.0, 2, 4, 8, 16, 30, 30], pauses);
        Assert.Equal(RestartPause.First, pause.Next());
    }
}

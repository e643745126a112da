using Passthru.Core.Host;

namespace Passthru.Core.Tests.Host;

/// <summary>A caller's text on its way into a message, the history or a log line: one line, short, and shown as it is.</summary>
public sealed class PrintableTextTests
{
    [Theory]
    [InlineData("vm\r\n2026-12-03 INFO forged line", "vm??2026-12-03 INFO forged line")]
    [InlineData("\u001b[31mred\u001b[0m", "?[31mred?[0m")]
    [InlineData("a\u2028b\u2029c", "a?b?c")]
    [InlineData("invoice\u202Efdp.exe", "invoice?fdp.exe")]
    [InlineData("x\u2066y\u2069", "x?y?")]
    [InlineData("\u0085next line", "?next line")]
    [InlineData("Windows 11 (gaming) ü 🎮", "Windows 11 (gaming) ü 🎮")]
    public void Of_LineBreaksEscapesAndDirectionOverrides_BecomeQuestionMarks(string text, string shown)
    {
        Assert.Equal(shown, PrintableText.Of(text, 100));
        Assert.Equal(shown == text, PrintableText.IsPrintable(text));
    }

    [Fact]
    public void Of_LongText_IsCutWithAnEllipsisAndNeverSplitsASurrogatePair()
    {
        Assert.Equal("abc…", PrintableText.Of("abcdef", 3));
        // The pair 🎮 straddles the cut: it goes whole, not half.
        var cut = PrintableText.Of("ab🎮cd", 3);
        Assert.Equal("ab…", cut);
        Assert.Equal(4_097, PrintableText.Of(new string('x', 20_000_000), 4_096).Length);
    }

    [Fact]
    public void Of_SurrogateWithoutItsPair_BecomesAQuestionMark()
    {
        // Built here, not in an attribute: a lone surrogate is not valid UTF-16 for the test runner's names.
        var text = "lone " + '\ud83d' + " surrogate";
        Assert.Equal("lone ? surrogate", PrintableText.Of(text, 100));
        Assert.False(PrintableText.IsPrintable(text));
    }

    [Fact]
    public void OrNull_Null_StaysNull() => Assert.Null(PrintableText.OrNull(null, 10));
}

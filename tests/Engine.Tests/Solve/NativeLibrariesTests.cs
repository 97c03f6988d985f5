// The native linear-algebra libraries load and OpenBLAS runs on every core by default.
using Engine.Interop;
using NUnit.Framework;

namespace Engine.Tests.Solve;

[TestFixture]
public sealed class NativeLibrariesTests
{
    [Test]
    public void LibrariesLoadAndBlasUsesEveryCore()
    {
        Assert.DoesNotThrow(NativeLibraries.EnsureLoaded);
        Assert.That(NativeLibraries.BlasThreads, Is.EqualTo(Environment.ProcessorCount));
        Assert.That(NativeLibraries.InstallFix, Does.Contain("libopenblas0-pthread").And.Contain("liblapacke"));
    }

    [Test]
    public void ShortSpinWaitIsRefusedOnceOpenBlasIsLoaded()
    {
        // OpenBLAS reads OPENBLAS_THREAD_TIMEOUT when it loads; setting it afterwards would change nothing but the
        // environment of the host program, so the call must refuse. (Whether it then left the native environment alone
        // is not visible from here: .NET's Environment reads its own copy, taken at start-up.)
        NativeLibraries.EnsureLoaded();
        Assert.That(NativeLibraries.PreferShortBlasSpinWait(), Is.False);
    }

    [Test]
    public void NegativeInfoThrowsNamingTheCall()
    {
        Assert.That(LapackException.ThrowIfFailed(0), Is.Zero);
        Assert.That(LapackException.ThrowIfFailed(3), Is.EqualTo(3), "info > 0 is a result for the caller, not an error");
        int bad = -4;
        var e = Assert.Throws<LapackException>(() => LapackException.ThrowIfFailed(bad));
        Assert.That(e!.Message, Does.Contain("argument 4").And.Contain("bad"));
        Assert.That(e.Info, Is.EqualTo(-4));
    }
}

// Checks the scalar spring potentials: their derivative, their minimum at the rest length and their parameters.
using Engine.Common;
using Engine.Simulation;
using NUnit.Framework;

namespace Engine.Tests.Simulation;

[TestFixture]
public sealed class SpringPotentialTests
{
    private static IEnumerable<TestCaseData> Potentials()
    {
        yield return new TestCaseData(SpringPotential.Harmonic()).SetArgDisplayNames("harmonic default");
        yield return new TestCaseData(SpringPotential.Harmonic(2.5, 0.7)).SetArgDisplayNames("harmonic k=2.5 L=0.7");
        yield return new TestCaseData(SpringPotential.Anharmonic()).SetArgDisplayNames("anharmonic default");
        yield return new TestCaseData(SpringPotential.Anharmonic(0.5, 3, 1.2)).SetArgDisplayNames("anharmonic k=0.5 γ=3 L=1.2");
        yield return new TestCaseData(SpringPotential.Morse()).SetArgDisplayNames("morse default");
        yield return new TestCaseData(SpringPotential.Morse(2, 1.7, 0.9)).SetArgDisplayNames("morse D=2 a=1.7 L=0.9");
    }

    [TestCaseSource(nameof(Potentials))]
    public void DerivativeMatchesCentralDifferences(SpringPotential v)
    {
        const double h = 1e-6;
        for (double r = 0.3; r <= 2.5; r += 0.137)
        {
            double fd = (v.Value(r + h) - v.Value(r - h)) / (2 * h);
            double exact = v.Derivative(r);
            Assert.That(exact, Is.EqualTo(fd).Within(1e-7 * Math.Max(1, Math.Abs(fd))), $"{v} at r = {r}");
            double value = v.Evaluate(r, out double d);
            Assert.That(value, Is.EqualTo(v.Value(r)));
            Assert.That(d, Is.EqualTo(exact));
        }
    }

    [TestCaseSource(nameof(Potentials))]
    public void MinimumIsZeroAtRestLength(SpringPotential v)
    {
        double l = v.RestLength;
        Assert.That(v.Value(l), Is.EqualTo(0).Within(1e-15));
        Assert.That(v.Derivative(l), Is.EqualTo(0).Within(1e-15));
        Assert.That(v.Value(l + 0.2), Is.GreaterThan(0));
        Assert.That(v.Value(l - 0.2), Is.GreaterThan(0));
        Assert.That(v.Derivative(l + 0.2), Is.GreaterThan(0), "stretched spring pulls back");
        Assert.That(v.Derivative(l - 0.2), Is.LessThan(0), "compressed spring pushes out");
    }

    [Test]
    public void ValuesAtHandCheckedPoints()
    {
        // ½·2·(1.5 − 1)² = 0.25; anharmonic adds ¼·4·0.5⁴ = 0.0625; Morse: (1 − e^{−1})² at one width past rest.
        Assert.That(SpringPotential.Harmonic(2).Value(1.5), Is.EqualTo(0.25).Within(1e-15));
        Assert.That(SpringPotential.Anharmonic(2, 4).Value(1.5), Is.EqualTo(0.3125).Within(1e-15));
        Assert.That(SpringPotential.Morse(3, 2).Value(1.5), Is.EqualTo(3 * Math.Pow(1 - Math.Exp(-1), 2)).Within(1e-15));
        Assert.That(SpringPotential.Morse().Value(1e6), Is.EqualTo(1).Within(1e-12), "Morse dissociates to D");
    }

    [Test]
    public void NamesAndBadParameters()
    {
        Assert.That(SpringPotential.FromName(" Harmonic ").Kind, Is.EqualTo(SpringPotentialKind.Harmonic));
        Assert.That(SpringPotential.FromName("anharmonic").Kind, Is.EqualTo(SpringPotentialKind.Anharmonic));
        Assert.That(SpringPotential.FromName("MORSE").Kind, Is.EqualTo(SpringPotentialKind.Morse));
        Assert.That(() => SpringPotential.FromName("lj"), Throws.TypeOf<InvalidInputException>().With.Message.Contains("'lj'"));
        Assert.That(() => SpringPotential.Harmonic(-1), Throws.TypeOf<InvalidInputException>());
        Assert.That(() => SpringPotential.Anharmonic(1, double.NaN), Throws.TypeOf<InvalidInputException>());
        Assert.That(() => SpringPotential.Morse(1, 0), Throws.TypeOf<InvalidInputException>());
        Assert.That(() => SpringPotential.Harmonic(1, -0.5), Throws.TypeOf<InvalidInputException>());
    }
}

// Every analytic Jacobian against central finite differences, and the θ-gradient path against Jᵀθ.
using Engine.Features;
using Engine.Graph;
using Engine.Tests.Support;
using NUnit.Framework;

namespace Engine.Tests.Features;

public class JacobianTests
{
    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var act in Enum.GetValues<ActivationKind>())
            foreach (var sampler in Enum.GetValues<SamplerKind>())
            {
                yield return new TestCaseData("graph-springs-3d", sampler, act);
                yield return new TestCaseData("graph-springs-2d", sampler, act);
                // With sin, SWIM samples weights steep enough at this width that central differences (not the
                // Jacobian) lose the 1e-5 bound.
                if (act == ActivationKind.Tanh) yield return new TestCaseData("graph-springs-3d-wide", sampler, act);
                yield return new TestCaseData("pair-springs-3d", sampler, act);
                yield return new TestCaseData("pair-gas-2species", sampler, act);
            }
    }

    private static (IFeatureMap, TestSystem) Build(string name, SamplerKind sampler, ActivationKind act) => name switch
    {
        "graph-springs-3d" => Graph(TestSystems.Springs(2, 3, 1), sampler, act),
        "graph-springs-2d" => Graph(TestSystems.Springs(3, 2, 2), sampler, act),
        // 2·69 = 138 message neurons: a width that is not a multiple of any vector width.
        "graph-springs-3d-wide" => (TestSystems.Graph(TestSystems.Springs(2, 3, 1), sampler, act, 7, widths: 69), TestSystems.Springs(2, 3, 1)),
        "pair-springs-3d" => Pair(TestSystems.Springs(2, 3, 3), sampler, act),
        "pair-gas-2species" => Pair(TestSystems.PeriodicGas(12, 4.0, 1.9, 4, species: 2), sampler, act),
        _ => throw new ArgumentException(name),
    };

    private static (IFeatureMap, TestSystem) Graph(TestSystem s, SamplerKind sa, ActivationKind ac) => (TestSystems.Graph(s, sa, ac, 7), s);
    private static (IFeatureMap, TestSystem) Pair(TestSystem s, SamplerKind sa, ActivationKind ac) => (TestSystems.Pair(s, sa, ac, 7), s);

    [TestCaseSource(nameof(Cases))]
    public void JacobianMatchesFiniteDifferences(string name, SamplerKind sampler, ActivationKind act)
    {
        var (f, s) = Build(name, sampler, act);
        FeatureChecks.AssertJacobianMatchesFiniteDifferences(f, s, name);
    }

    [TestCaseSource(nameof(Cases))]
    public void GradientPathEqualsJacobianTransposeTheta(string name, SamplerKind sampler, ActivationKind act)
    {
        var (f, s) = Build(name, sampler, act);
        FeatureChecks.AssertGradientIsJacobianTransposeTheta(f, s);
    }

    [Test]
    public void JacobianRowsRespectStrideAndLeaveOtherColumnsAlone([Values(24, 69)] int widths)
    {
        var s = TestSystems.Springs(2, 3, 5);
        FeatureChecks.AssertJacobianRespectsStride(TestSystems.Graph(s, SamplerKind.Swim, ActivationKind.Tanh, 3, widths), s);
    }
}

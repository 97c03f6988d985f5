// The error raised when a LAPACK routine rejects one of its arguments (always a bug in the engine).
using System.Runtime.CompilerServices;
using Engine.Common;

namespace Engine.Interop;

/// <summary>
/// A LAPACK routine returned <c>info &lt; 0</c>: argument |info| was invalid. The engine validates its inputs
/// before every native call, so this is a bug in the engine, not in the user's data.
/// Numerical outcomes (<c>info &gt; 0</c>) are not errors here; callers map them to typed results or to
/// <see cref="RankDeficientSystemException"/>.
/// </summary>
public sealed class LapackException : EngineException
{
    /// <summary>The <c>info</c> value LAPACK returned (negative).</summary>
    public int Info { get; }

    /// <summary>The call expression that failed, as written at the call site.</summary>
    public string Expression { get; }

    private LapackException(int info, string expression)
        : base($"LAPACK rejected argument {-info} of `{expression}` (info = {info}). This is a bug in the engine " +
               "(its inputs are validated before every native call); please report it with the solver options used.")
    {
        Info = info;
        Expression = expression;
    }

    /// <summary>Throws when <paramref name="info"/> &lt; 0; otherwise returns it so the caller can inspect info &gt; 0.</summary>
    public static int ThrowIfFailed(int info, [CallerArgumentExpression(nameof(info))] string expression = "")
    {
        if (info < 0) Throw(info, expression);
        return info;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(int info, string expression) => throw new LapackException(info, expression);
}

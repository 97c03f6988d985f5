// The exception types of the engine: every error a user can cause names the bad input and the fix.
namespace Engine.Common;

/// <summary>Base class of every error the engine raises on purpose.</summary>
public class EngineException : Exception
{
    public EngineException(string message) : base(message) { }
    public EngineException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Input data, options or files that the engine refuses. The message names the item and the fix.</summary>
public sealed class InvalidInputException : EngineException
{
    public InvalidInputException(string message) : base(message) { }
    public InvalidInputException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The least-squares system does not determine the model: a whole feature block has no support in the
/// data (for example all momenta zero, so nothing fixes the kinetic part), or the numerical rank is zero.
/// </summary>
public sealed class RankDeficientSystemException : EngineException
{
    public RankDeficientSystemException(string message) : base(message) { }
}

/// <summary>A model file that cannot be fully validated (wrong magic, version, checksum, truncation).</summary>
public sealed class ModelFormatException : EngineException
{
    public ModelFormatException(string message) : base(message) { }
    public ModelFormatException(string message, Exception inner) : base(message, inner) { }
}

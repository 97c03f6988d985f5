// The frozen status codes of the C ABI (hgn.h HGN_OK, HGN_E_*) and the mapping of engine exceptions onto them.
using Engine.Common;
using Engine.Interop;

namespace Engine.CApi;

/// <summary>Status codes returned by every hgn_ function. Values are frozen forever (hgn.h).</summary>
internal static class Status
{
    public const int Ok = 0;
    /// <summary>A bad argument: NULL where a value is required, a size or code out of range, a non-live handle, refused input data.</summary>
    public const int Arg = 1;
    /// <summary>A file could not be read or written.</summary>
    public const int File = 2;
    /// <summary>Model bytes that do not validate (magic, version, checksum, contents).</summary>
    public const int Model = 3;
    /// <summary>Training: the least-squares system does not determine the model.</summary>
    public const int Rank = 4;
    /// <summary>A numerical failure (an implicit step that does not converge, a non-finite result).</summary>
    public const int Numeric = 5;
    /// <summary>Out of memory.</summary>
    public const int Memory = 6;
    /// <summary>A bug in the engine.</summary>
    public const int Internal = 7;

    /// <summary>The status code of an exception raised inside an export.</summary>
    public static int Of(Exception e) => e switch
    {
        CApiFileException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException => File,
        ModelFormatException => Model,
        RankDeficientSystemException => Rank,
        InvalidInputException or ArgumentException => Arg,
        LapackException => Internal,
        EngineException or ArithmeticException => Numeric,
        OutOfMemoryException or InsufficientExecutionStackException => Memory,
        _ => Internal,
    };
}

/// <summary>A file that could not be read or written (HGN_E_FILE), with the path in the message.</summary>
internal sealed class CApiFileException(string message, Exception inner) : Exception(message, inner);

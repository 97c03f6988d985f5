// A contiguous range of columns of a least-squares matrix, as solver hints name them.
namespace Engine.Solve;

/// <summary>Columns [<paramref name="Start"/>, <paramref name="Start"/> + <paramref name="Count"/>) of A.</summary>
public readonly record struct ColumnBlock(int Start, int Count);
